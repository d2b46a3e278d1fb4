namespace Emx.Domain.Tests;

/// <summary>End users and application users: PINs, passwords, user ids, profiles.</summary>
public sealed class UserRuleTests
{
    [Fact]
    public void Validate_SampleEndUser_NoErrors()
    {
        ErrorAssert.None(World.Validate(World.EndUser()));
    }

    [Theory]
    [InlineData("12a4")]
    [InlineData("12 34")]
    [InlineData("+1234")]
    [InlineData("١٢٣٤٥")]
    public void Validate_PinWithNonDigits_Rejected(string pin)
    {
        var user = World.EndUser();
        user.Pin = pin;

        var error = ErrorAssert.Single(World.Validate(user), "endUsers", "pin");
        Assert.Contains("digits", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("123", false)]
    [InlineData("1234", true)]
    public void Validate_PinAgainstDefaultPolicy_AtLeastFourDigits(string pin, bool valid)
    {
        var user = World.EndUser();
        user.Pin = pin;

        var errors = World.Validate(user);

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "endUsers", "pin");
        }
    }

    [Fact]
    public void Validate_PinShorterThanPolicyInDocument_Rejected()
    {
        var doc = ProvisioningDocument.With(World.EndUser());
        doc.CredentialPolicy = new CredentialPolicy { MinimumPinLength = 6 };

        ErrorAssert.Single(World.Validate(doc), "endUsers", "pin");
        doc.EndUsers[0].Pin = "123456";
        ErrorAssert.None(World.Validate(doc));
    }

    [Fact]
    public void Validate_PinShorterThanStoredPolicy_Rejected()
    {
        var catalog = World.Catalog().Set(new CredentialPolicy { MinimumPinLength = 6 });

        var error = ErrorAssert.Single(World.Validate(World.EndUser(), catalog), "endUsers", "pin");
        Assert.Contains("6", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PolicyInDocumentOverridesStoredPolicy()
    {
        var catalog = World.Catalog().Set(new CredentialPolicy { MinimumPinLength = 6 });
        var doc = ProvisioningDocument.With(World.EndUser());
        doc.CredentialPolicy = new CredentialPolicy { MinimumPinLength = 5 };

        ErrorAssert.None(World.Validate(doc, catalog));
    }

    [Fact]
    public void Validate_PinLongerThan128Digits_Rejected()
    {
        var user = World.EndUser();
        user.Pin = new string('7', 129);

        ErrorAssert.Single(World.Validate(user), "endUsers", "pin");
        user.Pin = new string('7', 128);
        ErrorAssert.None(World.Validate(user));
    }

    [Fact]
    public void Validate_NoPinGiven_Accepted()
    {
        var user = World.EndUser();
        user.Pin = null;
        user.Password = null;

        ErrorAssert.None(World.Validate(user));
    }

    [Theory]
    [InlineData(7, false)]
    [InlineData(8, true)]
    public void Validate_EndUserPasswordAgainstDefaultPolicy_AtLeastEight(int length, bool valid)
    {
        var user = World.EndUser();
        user.Password = new string('p', length);

        var errors = World.Validate(user);

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "endUsers", "password");
        }
    }

    [Fact]
    public void Validate_PasswordShorterThanStoredPolicy_Rejected()
    {
        var catalog = World.Catalog().Set(new CredentialPolicy { MinimumPasswordLength = 20 });

        ErrorAssert.Single(World.Validate(World.EndUser(), catalog), "endUsers", "password");
    }

    [Theory]
    [InlineData("alice", false)]
    [InlineData("a1234", false)]
    [InlineData("12345", true)]
    public void Validate_NumericOnlyUserIds_AlphanumericRejected(string userId, bool valid)
    {
        var doc = ProvisioningDocument.With(World.EndUser(userId));
        doc.ServiceParameters = new ServiceParametersSection { ExtensionMobility = new ExtensionMobilityServiceParameters { AlphanumericUserId = false } };

        var fromDocument = World.Validate(doc);
        var fromCatalog = World.Validate(World.EndUser(userId), World.Catalog().Set(new ExtensionMobilityServiceParameters { AlphanumericUserId = false }));

        if (valid)
        {
            ErrorAssert.None(fromDocument);
            ErrorAssert.None(fromCatalog);
        }
        else
        {
            ErrorAssert.Single(fromDocument, "endUsers", "userId");
            ErrorAssert.Single(fromCatalog, "endUsers", "userId");
        }
    }

    [Fact]
    public void Validate_AlphanumericUserIdsAllowedByDefault()
    {
        ErrorAssert.None(World.Validate(World.EndUser("alice.smith")));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("quo\"te")]
    [InlineData("a<b")]
    [InlineData("a&b")]
    [InlineData("it's")]
    public void Validate_UserIdWithForbiddenCharacters_Rejected(string userId)
    {
        ErrorAssert.Single(World.Validate(World.EndUser(userId)), "endUsers", "userId");
        var app = new ApplicationUser { UserId = userId, Password = "long-enough-pw" };
        ErrorAssert.Single(World.Validate(app), "applicationUsers", "userId");
    }

    [Theory]
    [InlineData(128, true)]
    [InlineData(129, false)]
    public void Validate_UserIdLength_AtMost128(int length, bool valid)
    {
        var errors = World.Validate(World.EndUser(new string('u', length)));

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "endUsers", "userId");
        }
    }

    [Fact]
    public void Validate_DefaultProfileNotControlled_Rejected()
    {
        var user = World.EndUser();
        user.DefaultProfile = "someone-elses";

        ErrorAssert.Single(World.Validate(user), "endUsers", "defaultProfile");
    }

    [Fact]
    public void Validate_DefaultProfileAmongControlled_Accepted()
    {
        var user = World.EndUser();
        user.DefaultProfile = World.Profile;

        ErrorAssert.None(World.Validate(user));
        Assert.Equal(World.Profile, user.EffectiveDefaultProfile);
    }

    [Fact]
    public void EffectiveDefaultProfile_NoDefault_IsFirstControlled()
    {
        var user = new EndUser { ControlledProfiles = ["first", "second"] };

        Assert.Equal("first", user.EffectiveDefaultProfile);
        Assert.Null(new EndUser().EffectiveDefaultProfile);
    }

    [Fact]
    public void Validate_ControlledProfileListedTwice_Rejected()
    {
        var user = World.EndUser();
        user.ControlledProfiles = [World.Profile, World.Profile];

        ErrorAssert.Single(World.Validate(user), "endUsers", "controlledProfiles");
    }

    [Theory]
    [InlineData("1000", true)]
    [InlineData("+14085551000", true)]
    [InlineData("ext1000", false)]
    public void Validate_PrimaryExtension_MustBeDirectoryNumber(string extension, bool valid)
    {
        var user = World.EndUser();
        user.PrimaryExtension = extension;

        var errors = World.Validate(user);

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "endUsers", "primaryExtension");
        }
    }

    [Fact]
    public void Validate_NewApplicationUserWithoutPassword_Rejected()
    {
        var app = new ApplicationUser { UserId = "emproxy", Groups = [AccessControlGroup.StandardCcmEndUsers] };

        ErrorAssert.Single(World.Validate(app), "applicationUsers", "password");
    }

    [Fact]
    public void Validate_StoredApplicationUserUpdatedWithoutPassword_Accepted()
    {
        var catalog = World.Catalog().Add(new ApplicationUser { UserId = "emproxy", PasswordHash = "pbkdf2-sha256$1$AA==$AA==" });

        ErrorAssert.None(World.Validate(new ApplicationUser { UserId = "emproxy", Description = "updated" }, catalog));
    }

    [Theory]
    [InlineData(7, false)]
    [InlineData(8, true)]
    public void Validate_ApplicationUserPassword_AtLeastPolicyMinimum(int length, bool valid)
    {
        var errors = World.Validate(new ApplicationUser { UserId = "emproxy", Password = new string('x', length) });

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "applicationUsers", "password");
        }
    }
}
