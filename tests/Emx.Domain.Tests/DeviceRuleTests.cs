namespace Emx.Domain.Tests;

/// <summary>Phones and device profiles: names, lines, models, expansion modules, MLPP (seed table 1).</summary>
public sealed class DeviceRuleTests
{
    [Fact]
    public void Validate_SamplePhoneAndProfile_NoErrors()
    {
        ErrorAssert.None(World.Validate(World.Phone()));
        ErrorAssert.None(World.Validate(World.DeviceProfile()));
    }

    [Theory]
    [InlineData("SEPXYZ")]
    [InlineData("SEP0A1B2C3D4E5")]
    [InlineData("SEP0A1B2C3D4E5F6")]
    [InlineData("SEP0A1B2C3D4E5G")]
    [InlineData("sep0a1b2c3d4e5f")]
    [InlineData("0A1B2C3D4E5F")]
    [InlineData("")]
    public void Validate_PhoneNameNotSepPlus12Hex_RejectedOnName(string name)
    {
        var errors = World.Validate(World.Phone(name));

        ErrorAssert.Single(errors, "phones", "name");
    }

    [Fact]
    public void Validate_LowerCasePhoneNameAfterNormalize_Accepted()
    {
        ErrorAssert.None(World.Validate(World.Phone(DeviceNames.Normalize("sep0a1b2c3d4e5f"))));
    }

    [Theory]
    [InlineData("EMCC1")]
    [InlineData("emcc12")]
    public void Validate_EmccPrefixedPhoneName_RejectedAsReserved(string name)
    {
        var errors = World.Validate(World.Phone(name));

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal("name", e.Field));
        Assert.Contains(errors, e => e.Reason.Contains("reserved", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void Validate_LinesVersusModelMaxLines_MoreThanButtonsRejected(int count, bool valid)
    {
        var phone = World.Phone();
        phone.Lines = Enumerable.Range(0, count).Select(i => new Line { Dn = $"10{i:D2}", Partition = World.Partition }).ToList();
        var profile = World.DeviceProfile();
        profile.Lines = phone.Lines;

        var phoneErrors = World.Validate(phone);
        var profileErrors = World.Validate(profile);

        if (valid)
        {
            ErrorAssert.None(phoneErrors);
            ErrorAssert.None(profileErrors);
        }
        else
        {
            ErrorAssert.Single(phoneErrors, "phones", "lines");
            ErrorAssert.Single(profileErrors, "deviceProfiles", "lines");
        }
    }

    [Fact]
    public void Validate_ProtocolNotRunByModel_RejectedOnProtocol()
    {
        var phone = World.Phone();
        phone.Protocol = DeviceProtocol.SCCP;
        var profile = World.DeviceProfile();
        profile.Protocol = DeviceProtocol.SCCP;

        ErrorAssert.Single(World.Validate(phone), "phones", "protocol");
        ErrorAssert.Single(World.Validate(profile), "deviceProfiles", "protocol");
    }

    [Fact]
    public void Validate_ProtocolRunByModel_Accepted()
    {
        var phone = World.Phone();
        phone.Model = World.NoEmModel;
        phone.Protocol = DeviceProtocol.SCCP;

        ErrorAssert.None(World.Validate(phone));
    }

    [Fact]
    public void Validate_SameDnAndPartitionTwiceOnOneDevice_Rejected()
    {
        var phone = World.Phone();
        phone.Lines.Add(new Line { Dn = "1000", Partition = World.Partition });

        ErrorAssert.Single(World.Validate(phone), "phones", "lines");
    }

    [Fact]
    public void Validate_SameDnTwiceWithoutPartition_Rejected()
    {
        var profile = World.DeviceProfile();
        profile.Lines = [new Line { Dn = "2000" }, new Line { Dn = "2000", Partition = "" }];

        ErrorAssert.Single(World.Validate(profile), "deviceProfiles", "lines");
    }

    [Fact]
    public void Validate_SameDnInDifferentPartitions_Accepted()
    {
        var phone = World.Phone();
        phone.Lines.Add(new Line { Dn = "1000" });

        ErrorAssert.None(World.Validate(phone));
    }

    [Theory]
    [InlineData("1000", true)]
    [InlineData("+14085551234", true)]
    [InlineData("\\+14085551234", true)]
    [InlineData("*88", true)]
    [InlineData("123456789012345678901234", true)]
    [InlineData("1234567890123456789012345", false)]
    [InlineData("", false)]
    [InlineData("10X0", false)]
    [InlineData("ab", false)]
    public void Validate_LineDirectoryNumber_SyntaxChecked(string dn, bool valid)
    {
        var phone = World.Phone();
        phone.Lines[0].Dn = dn;

        var errors = World.Validate(phone);

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "phones", "lines[0].dn");
        }
    }

    [Fact]
    public void Validate_DuplicateSpeedDialIndex_Rejected()
    {
        var phone = World.Phone();
        phone.SpeedDials = [new SpeedDial { Index = 1, Number = "1001" }, new SpeedDial { Index = 1, Number = "1002" }, new SpeedDial { Index = 2, Number = "1003" }];

        var error = ErrorAssert.Single(World.Validate(phone), "phones", "speedDials");
        Assert.Contains("1", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SpeedDialWithoutNumber_Rejected()
    {
        var profile = World.DeviceProfile();
        profile.SpeedDials = [new SpeedDial { Index = 3, Number = " " }];

        ErrorAssert.Single(World.Validate(profile), "deviceProfiles", "speedDials.number");
    }

    [Theory]
    [InlineData(MlppIndication.Off, MlppPreemption.Forceful, false)]
    [InlineData(MlppIndication.Default, MlppPreemption.Forceful, false)]
    [InlineData(MlppIndication.On, MlppPreemption.Forceful, true)]
    [InlineData(MlppIndication.Default, MlppPreemption.Disabled, true)]
    [InlineData(MlppIndication.Off, MlppPreemption.Disabled, true)]
    [InlineData(MlppIndication.Default, MlppPreemption.Default, true)]
    [InlineData(MlppIndication.Off, MlppPreemption.Default, true)]
    [InlineData(MlppIndication.On, MlppPreemption.Disabled, true)]
    public void Validate_MlppIndicationAndPreemption_ForbiddenCombinationRejected(MlppIndication indication, MlppPreemption preemption, bool valid)
    {
        var profile = World.DeviceProfile();
        profile.MlppIndication = indication;
        profile.MlppPreemption = preemption;

        var errors = World.Validate(profile);

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "deviceProfiles", "mlppPreemption");
        }
    }

    [Fact]
    public void Validate_Module2WithoutModule1_Rejected()
    {
        var profile = World.DeviceProfile();
        profile.Module2 = "BEKEM 28";

        ErrorAssert.Single(World.Validate(profile), "deviceProfiles", "module2");
    }

    [Fact]
    public void Validate_OneModuleOnOneModuleModel_Accepted()
    {
        var profile = World.DeviceProfile();
        profile.Module1 = "BEKEM 28";

        ErrorAssert.None(World.Validate(profile));
    }

    [Fact]
    public void Validate_MoreExpansionModulesThanModelTakes_RejectedOnModule1()
    {
        var profile = World.DeviceProfile();
        profile.Module1 = "BEKEM 28";
        profile.Module2 = "BEKEM 28";

        ErrorAssert.Single(World.Validate(profile), "deviceProfiles", "module1");
    }

    [Fact]
    public void Validate_ExpansionModuleOnModelWithoutModules_Rejected()
    {
        var profile = World.DeviceProfile();
        profile.ProductType = World.NoEmModel;
        profile.Lines.Clear();
        profile.Module1 = "KEM";

        var errors = World.Validate(profile);

        ErrorAssert.Contains(errors, "deviceProfiles", profile.Name, "module1");
    }

    [Fact]
    public void Validate_ProfileForModelWithoutExtensionMobility_RejectedOnProductType()
    {
        var profile = World.DeviceProfile();
        profile.ProductType = World.NoEmModel;
        profile.Lines.Clear();

        ErrorAssert.Single(World.Validate(profile), "deviceProfiles", "productType");
    }

    [Fact]
    public void Validate_EnableExtensionMobilityOnModelWithoutIt_Rejected()
    {
        var phone = World.Phone();
        phone.Model = World.NoEmModel;
        phone.EnableExtensionMobility = true;

        ErrorAssert.Single(World.Validate(phone), "phones", "enableExtensionMobility");
        phone.Model = World.Model;
        ErrorAssert.None(World.Validate(phone));
    }

    [Fact]
    public void Validate_LoginUserIdOfUnknownUser_Rejected()
    {
        var profile = World.DeviceProfile();
        profile.LoginUserId = "ghost";

        ErrorAssert.Single(World.Validate(profile), "deviceProfiles", "loginUserId");
        ErrorAssert.None(World.Validate(profile, World.Catalog().Add(new EndUser { UserId = "ghost" })));
    }

    [Fact]
    public void Validate_LoginUserIdOfUserInSameDocument_Accepted()
    {
        var profile = World.DeviceProfile();
        profile.LoginUserId = "kiosk";
        var doc = ProvisioningDocument.With(profile);
        doc.EndUsers.Add(new EndUser { UserId = "kiosk", ControlledProfiles = [profile.Name] });

        ErrorAssert.None(World.Validate(doc));
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(51, false)]
    public void Validate_DeviceProfileName_AtMost50Characters(int length, bool valid)
    {
        var errors = World.Validate(World.DeviceProfile(new string('p', length)));

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "deviceProfiles", "name");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(" padded")]
    [InlineData("tab\tname")]
    public void Validate_BlankPaddedOrControlCharacterName_Rejected(string name)
    {
        ErrorAssert.Single(World.Validate(new Partition { Name = name }), "partitions", "name");
    }

    [Fact]
    public void Validate_PhoneModelWithoutProtocols_Rejected()
    {
        ErrorAssert.Single(World.Validate(new PhoneModel { Name = "M" }), "phoneModels", "protocols");
    }

    [Fact]
    public void Validate_PhoneModelWithEmccButNotEm_RejectedOnFeatures()
    {
        var model = new PhoneModel { Name = "M", Protocols = [DeviceProtocol.SIP], Features = [PhoneFeature.ExtensionMobilityCrossCluster] };

        ErrorAssert.Single(World.Validate(model), "phoneModels", "features");
        model.Features.Add(PhoneFeature.ExtensionMobility);
        ErrorAssert.None(World.Validate(model));
    }
}
