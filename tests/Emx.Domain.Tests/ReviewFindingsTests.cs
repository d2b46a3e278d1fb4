using Emx.Domain.Security;

namespace Emx.Domain.Tests;

/// <summary>Rules fixed after the first review of the validator and hasher; each test failed before its fix.</summary>
public sealed class ReviewFindingsTests
{
    [Theory]
    [InlineData("pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$")]
    [InlineData("pbkdf2-sha256$1000$$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("pbkdf2-sha256$1000$c2FsdA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public void Verify_StoredHashOrSaltOfWrongSize_IsNeverAMatch(string stored)
    {
        Assert.False(SecretHasher.Verify("anything", stored));
        Assert.False(SecretHasher.Verify("", stored));
    }

    [Fact]
    public void ValidateDelete_EndUserNamedAsLoginUserIdOfAProfile_NamesTheProfile()
    {
        var profile = new DeviceProfile { Name = "kiosk-logout", ProductType = World.Model, LoginUserId = "kiosk" };

        var errors = ConfigValidator.ValidateDelete(ConfigKinds.EndUsers, "kiosk", [(ConfigKinds.DeviceProfiles, profile)]);

        var error = Assert.Single(errors);
        Assert.Contains("kiosk-logout", error.Reason, StringComparison.Ordinal);
        Assert.Contains("loginUserId", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1-10.0.0.20")]
    [InlineData("10.0.0.1-20")]
    [InlineData("^10\\.0")]
    [InlineData("10.0.0.+")]
    [InlineData("10.0.0.1,10.0.0.2")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.256")]
    [InlineData("*.example.com")]
    public void Validate_TrustedListEntryThatIsARangeOrPattern_Rejected(string entry)
    {
        var doc = new ProvisioningDocument
        {
            ServiceParameters = new ServiceParametersSection { ExtensionMobility = new ExtensionMobilityServiceParameters { TrustedListOfIps = $"127.0.0.1;{entry}" } },
        };

        var errors = ConfigValidator.Validate(doc, World.Catalog());

        var error = Assert.Single(errors);
        Assert.Equal("trustedListOfIps", error.Field);
        Assert.Contains(entry, error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1;10.1.2.3;em-portal.example.com;::1;portal")]
    [InlineData("")]
    public void Validate_TrustedListOfAddressesAndNames_Accepted(string list)
    {
        var doc = new ProvisioningDocument
        {
            ServiceParameters = new ServiceParametersSection { ExtensionMobility = new ExtensionMobilityServiceParameters { TrustedListOfIps = list } },
        };

        Assert.Empty(ConfigValidator.Validate(doc, World.Catalog()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("A name that is much longer than thirty-two characters")]
    public void Validate_PhoneServiceWithBadName_OneErrorNotTwo(string name)
    {
        var service = new PhoneService { Name = name, Url = "http://127.0.0.1:8080/emapp/EMAppServlet?device=#DEVICENAME#" };

        var errors = ConfigValidator.Validate(ProvisioningDocument.With(service), World.Catalog());

        Assert.Single(errors, e => e.Field == "name");
    }

    [Fact]
    public void Validate_NegativeVideoBandwidth_NamesVideoField()
    {
        var location = new Location { Name = "Branch", VideoBandwidthKbps = -1 };

        var error = Assert.Single(ConfigValidator.Validate(ProvisioningDocument.With(location), World.Catalog()));

        Assert.Equal("videoBandwidthKbps", error.Field);
    }

    [Fact]
    public void Validate_SecureUrlOverPlainHttp_Rejected()
    {
        var service = new PhoneService { Name = "EM", Url = "http://127.0.0.1:8080/emapp/EMAppServlet", SecureUrl = "http://127.0.0.1:8443/emapp/EMAppServlet" };

        var error = Assert.Single(ConfigValidator.Validate(ProvisioningDocument.With(service), World.Catalog()));

        Assert.Equal("secureUrl", error.Field);
    }

    [Theory]
    [InlineData("9-1")]
    [InlineData("^91")]
    [InlineData("[]")]
    [InlineData("[^]")]
    [InlineData("[9-1]")]
    [InlineData("[1-]")]
    [InlineData("\\911")]
    [InlineData(".")]
    [InlineData("9.")]
    [InlineData(".9")]
    [InlineData("9..1")]
    [InlineData("9.1.1")]
    [InlineData("X^")]
    [InlineData("?9")]
    [InlineData("[12")]
    [InlineData("abc")]
    public void IsValid_MalformedRoutePattern_False(string pattern) => Assert.False(RoutePatternRules.IsValid(pattern));

    [Theory]
    [InlineData("911")]
    [InlineData("9.1[2-9]XXXXXXXXX")]
    [InlineData("2XXX")]
    [InlineData("\\+1!")]
    [InlineData("9.900!")]
    [InlineData("[^0-4]XXX")]
    [InlineData("*67X?")]
    [InlineData("#1[13579]+")]
    public void IsValid_CucmRoutePattern_True(string pattern) => Assert.True(RoutePatternRules.IsValid(pattern));

    [Fact]
    public void TryParse_OverMaximum_LeavesValueDefault()
    {
        Assert.False(LoginTime.TryParse("168:01", out var value));
        Assert.Equal(default, value);
    }

    [Fact]
    public void Validate_DeviceProfileAndTemplateNamedLikeEmccDevices_Rejected()
    {
        var doc = new ProvisioningDocument
        {
            DeviceProfiles = [new DeviceProfile { Name = "EMCC5", ProductType = World.Model }],
            EmccTemplates = [new EmccTemplate { Name = "emcc12", DevicePool = "Default" }],
        };

        var errors = ConfigValidator.Validate(doc, World.Catalog());

        Assert.Contains(errors, e => e.Kind == "deviceProfiles" && e.Field == "name");
        Assert.Contains(errors, e => e.Kind == "emccTemplates" && e.Field == "name");
    }
}
