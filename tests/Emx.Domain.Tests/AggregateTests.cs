namespace Emx.Domain.Tests;

/// <summary>Rules over the whole configuration: EMCC trunks, default templates, device counts, duplicates.</summary>
public sealed class AggregateTests
{
    [Fact]
    public void Validate_ThirdEmccTrunkIncomingWithTwoStored_Rejected()
    {
        var catalog = World.Catalog().Add(World.EmccTrunk("EMCC-1"), World.EmccTrunk("EMCC-2"));

        var error = ErrorAssert.Single(World.Validate(World.EmccTrunk("EMCC-3"), catalog), "sipTrunks", "serviceType");
        Assert.Contains("EMCC-3", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoIncomingEmccTrunksWithOneStored_Rejected()
    {
        var catalog = World.Catalog().Add(World.EmccTrunk("EMCC-1"));
        var doc = new ProvisioningDocument { SipTrunks = [World.EmccTrunk("EMCC-2"), World.EmccTrunk("EMCC-3")] };

        ErrorAssert.Single(World.Validate(doc, catalog), "sipTrunks", "serviceType");
    }

    [Fact]
    public void Validate_ThreeEmccTrunksInOneDocument_Rejected()
    {
        var doc = new ProvisioningDocument { SipTrunks = [World.EmccTrunk("A"), World.EmccTrunk("B"), World.EmccTrunk("C")] };

        ErrorAssert.Single(World.Validate(doc), "sipTrunks", "serviceType");
    }

    [Fact]
    public void Validate_TwoEmccTrunks_Accepted()
    {
        var catalog = World.Catalog().Add(World.EmccTrunk("EMCC-1"));

        ErrorAssert.None(World.Validate(World.EmccTrunk("EMCC-2"), catalog));
    }

    [Fact]
    public void Validate_IncomingReplacementOfStoredEmccTrunk_NotCountedTwice()
    {
        var catalog = World.Catalog().Add(World.EmccTrunk("EMCC-1"), World.EmccTrunk("EMCC-2"));
        var replacement = World.EmccTrunk("EMCC-2");
        replacement.Port = 5061;

        ErrorAssert.None(World.Validate(replacement, catalog));
    }

    [Fact]
    public void Validate_StoredEmccTrunkDemotedWhileAnotherAdded_Accepted()
    {
        var catalog = World.Catalog().Add(World.EmccTrunk("EMCC-1"), World.EmccTrunk("EMCC-2"));
        var demoted = World.EmccTrunk("EMCC-2");
        demoted.ServiceType = TrunkServiceType.None;
        var doc = new ProvisioningDocument { SipTrunks = [demoted, World.EmccTrunk("EMCC-3")] };

        ErrorAssert.None(World.Validate(doc, catalog));
    }

    [Fact]
    public void Validate_NonEmccTrunks_NotCounted()
    {
        var catalog = World.Catalog().Add(World.EmccTrunk("EMCC-1"), World.EmccTrunk("EMCC-2"));
        var doc = new ProvisioningDocument
        {
            SipTrunks = [new SipTrunk { Name = "PSTN-2", Destination = "10.0.0.2" }, new SipTrunk { Name = "PSTN-3", Destination = "10.0.0.3" }],
        };

        ErrorAssert.None(World.Validate(doc, catalog));
    }

    [Fact]
    public void Validate_SecondDefaultEmccTemplateIncoming_Rejected()
    {
        var catalog = World.Catalog().Add(World.Template("T1", isDefault: true));

        ErrorAssert.Single(World.Validate(World.Template("T2", isDefault: true), catalog), "emccTemplates", "default");
    }

    [Fact]
    public void Validate_TwoDefaultEmccTemplatesInOneDocument_Rejected()
    {
        var doc = new ProvisioningDocument { EmccTemplates = [World.Template("T1", true), World.Template("T2", true)] };

        ErrorAssert.Single(World.Validate(doc), "emccTemplates", "default");
    }

    [Fact]
    public void Validate_DefaultMovedFromStoredTemplateToNewOne_Accepted()
    {
        var catalog = World.Catalog().Add(World.Template("T1", isDefault: true));
        var doc = new ProvisioningDocument { EmccTemplates = [World.Template("T1", false), World.Template("T2", true)] };

        ErrorAssert.None(World.Validate(doc, catalog));
    }

    [Fact]
    public void Validate_EmccInsertionWithoutAnyDefaultTemplate_Rejected()
    {
        var catalog = World.Catalog().Add(World.Template("T1"));
        var doc = new ProvisioningDocument { EmccDevices = new EmccDeviceInsertion { Count = 5 } };

        var error = ErrorAssert.Single(World.Validate(doc, catalog), "emccDevices", "template");
        Assert.Contains("default", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmccInsertionWithStoredDefaultTemplate_Accepted()
    {
        var catalog = World.Catalog().Add(World.Template("T1", isDefault: true));

        ErrorAssert.None(World.Validate(new ProvisioningDocument { EmccDevices = new EmccDeviceInsertion { Count = 5 } }, catalog));
    }

    [Fact]
    public void Validate_EmccInsertionWithExplicitTemplate_AcceptedWithoutDefault()
    {
        var catalog = World.Catalog().Add(World.Template("T1"));

        ErrorAssert.None(World.Validate(new ProvisioningDocument { EmccDevices = new EmccDeviceInsertion { Count = 5, Template = "T1" } }, catalog));
    }

    [Fact]
    public void Validate_EmccInsertionAlreadySatisfied_NeedsNoTemplate()
    {
        var catalog = World.Catalog().Add(new EmccDevice { Name = "EMCC1", Number = 1 }, new EmccDevice { Name = "EMCC2", Number = 2 });

        ErrorAssert.None(World.Validate(new ProvisioningDocument { EmccDevices = new EmccDeviceInsertion { Count = 2 } }, catalog));
        ErrorAssert.Single(World.Validate(new ProvisioningDocument { EmccDevices = new EmccDeviceInsertion { Count = 3 } }, catalog), "emccDevices", "template");
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void Validate_PhonesPlusTwiceEmccDevicesVersusMaxPhones_OnlyExcessRejected(int emccDevices, bool valid)
    {
        // 4 stored phones + 2 x EMCC devices against MaxPhones 10: 3 devices make exactly 10.
        var catalog = World.Catalog().Add(World.Template("T1", isDefault: true));
        for (var i = 0; i < 4; i++)
        {
            catalog.Add(World.Phone($"SEP00000000000{i}"));
        }

        var doc = new ProvisioningDocument
        {
            Cluster = new ClusterSettings { MaxPhones = 10 },
            EmccDevices = new EmccDeviceInsertion { Count = emccDevices },
        };

        var errors = World.Validate(doc, catalog);

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            var error = ErrorAssert.Single(errors, "emccDevices", "count");
            Assert.Contains("MaxPhones", error.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_NewPhoneBeyondStoredMaxPhones_RejectedOnPhones()
    {
        // Stored: MaxPhones 5, 1 phone, 2 EMCC devices: 1 + 2 x 2 = 5, full.
        var catalog = World.Catalog()
            .Set(new ClusterSettings { MaxPhones = 5 })
            .Add(World.Phone("SEP000000000001"), new EmccDevice { Name = "EMCC1", Number = 1 }, new EmccDevice { Name = "EMCC2", Number = 2 });

        ErrorAssert.Single(World.Validate(World.Phone("SEP000000000002"), catalog), "phones", "count");
    }

    [Fact]
    public void Validate_UpdatedStoredPhoneAtMaxPhones_NotCountedAsNew()
    {
        var catalog = World.Catalog()
            .Set(new ClusterSettings { MaxPhones = 5 })
            .Add(World.Phone("SEP000000000001"), new EmccDevice { Name = "EMCC1", Number = 1 }, new EmccDevice { Name = "EMCC2", Number = 2 });
        var update = World.Phone("SEP000000000001");
        update.Description = "moved";

        ErrorAssert.None(World.Validate(update, catalog));
    }

    [Fact]
    public void Validate_DuplicatePhonesInOneDocument_RejectedOnName()
    {
        var doc = new ProvisioningDocument { Phones = [World.Phone(), World.Phone()] };

        var error = ErrorAssert.Single(World.Validate(doc), "phones", "name");
        Assert.Equal(World.PhoneName, error.Key);
        Assert.Contains("more than once", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateKeysOfOtherKinds_NamedByTheirKeyField()
    {
        var doc = new ProvisioningDocument
        {
            EndUsers = [World.EndUser(), World.EndUser()],
            RemoteClusters = [World.Remote(), World.Remote()],
            RoutePatterns =
            [
                new RoutePattern { Pattern = "911", Partition = World.Partition, Destination = World.PstnTrunk },
                new RoutePattern { Pattern = "911", Partition = World.Partition, Destination = World.PstnRouteList },
                new RoutePattern { Pattern = "911", Destination = World.PstnRouteList },
            ],
            Partitions = [new Partition { Name = "P" }, new Partition { Name = "P" }],
        };

        var errors = World.Validate(doc);

        Assert.Equal(4, errors.Count);
        ErrorAssert.Contains(errors, "endUsers", "alice", "userId");
        ErrorAssert.Contains(errors, "remoteClusters", "RemoteA", "clusterId");
        ErrorAssert.Contains(errors, "routePatterns", "911@Internal", "pattern");
        ErrorAssert.Contains(errors, "partitions", "P", "name");
    }
}
