using Emx.Domain.Emcc;

namespace Emx.Domain.Tests.Emcc;

/// <summary>The seed's security-mode tables row by row, and the roaming device pool choice.</summary>
public sealed class EmccRulesTests
{
    [Theory]
    // Table 5: both 9.x or later.
    [InlineData("15.0", true, "15.0", true, true, EmccSecurityOutcome.SecureEmcc, null)]
    [InlineData("15.0", true, "15.0", true, false, EmccSecurityOutcome.NonSecureEmcc, null)]
    [InlineData("15.0", true, "14.0", false, false, EmccSecurityOutcome.NonSecureEmcc, null)]
    [InlineData("12.5", false, "15.0", true, true, EmccSecurityOutcome.LoginFails, 46)]
    [InlineData("9.1", false, "9.0", false, false, EmccSecurityOutcome.NonSecureEmcc, null)]
    // Table 6: visiting 8.x, home 9.x or later.
    [InlineData("15.0", true, "8.6", true, true, EmccSecurityOutcome.NotSupported, 45)]
    [InlineData("15.0", true, "8.6", true, false, EmccSecurityOutcome.NonSecureEmcc, null)]
    [InlineData("15.0", true, "8.6", false, false, EmccSecurityOutcome.NonSecureEmcc, null)]
    [InlineData("15.0", false, "8.6", true, true, EmccSecurityOutcome.NotSupported, 45)]
    [InlineData("15.0", false, "8.6", false, false, EmccSecurityOutcome.NonSecureEmcc, null)]
    // Table 7: visiting 9.x or later, home 8.x.
    [InlineData("8.6", true, "15.0", true, true, EmccSecurityOutcome.LoginFails, 45)]
    [InlineData("8.6", true, "15.0", true, false, EmccSecurityOutcome.NonSecureEmcc, null)]
    [InlineData("8.6", true, "15.0", false, false, EmccSecurityOutcome.NonSecureEmcc, null)]
    [InlineData("8.6", false, "15.0", true, true, EmccSecurityOutcome.LoginFails, 45)]
    [InlineData("8.6", false, "15.0", false, false, EmccSecurityOutcome.NonSecureEmcc, null)]
    [InlineData("8.6", false, "15.0", false, true, EmccSecurityOutcome.NonSecureEmcc, null)]
    // Not in the tables: a secure phone in a non-secure 9.x visiting cluster runs non-secure (Table 7's last row).
    [InlineData("15.0", true, "15.0", false, true, EmccSecurityOutcome.NonSecureEmcc, null)]
    // Before EMCC existed.
    [InlineData("7.1", false, "15.0", false, false, EmccSecurityOutcome.NotSupported, 45)]
    [InlineData("15.0", false, "", false, false, EmccSecurityOutcome.NotSupported, 45)]
    public void Security_FollowsTheSeedTables(string home, bool homeMixed, string visiting, bool visitingMixed, bool phoneSecure, EmccSecurityOutcome outcome, int? error)
    {
        var decision = EmccRules.Security(home, homeMixed, visiting, visitingMixed, phoneSecure);

        Assert.Equal(outcome, decision.Outcome);
        Assert.Equal(error, decision.ErrorCode);
        Assert.Equal(error is null, decision.Allowed);
    }

    [Theory]
    [InlineData("15.0", 15)]
    [InlineData("8.6(2)", 8)]
    [InlineData(" 12.5.1 ", 12)]
    [InlineData("x", null)]
    [InlineData(null, null)]
    public void MajorVersion(string? version, int? major) => Assert.Equal(major, EmccRules.MajorVersion(version));

    private static readonly Geolocation London = new() { Name = "London", Country = "GB", A1 = "England", A3 = "London" };
    private static readonly Geolocation Manchester = new() { Name = "Manchester", Country = "GB", A1 = "England", A3 = "Manchester" };
    private static readonly Geolocation Boston = new() { Name = "Boston", Country = "US", A1 = "MA", A3 = "Boston" };

    private static readonly DevicePool[] Pools =
    [
        new() { Name = "Roaming-London", Geolocation = "London" },
        new() { Name = "Roaming-Manchester", Geolocation = "Manchester" },
        new() { Name = "Roaming-Boston", Geolocation = "Boston" },
        new() { Name = "Default" },
    ];

    private static readonly Dictionary<string, Geolocation> Geolocations = new() { ["London"] = London, ["Manchester"] = Manchester, ["Boston"] = Boston };

    [Fact]
    public void RoamingDevicePool_BestMatchOnTheFilteredFields()
    {
        var filter = new GeolocationFilter { Name = "CountryStateCity", Fields = [GeolocationField.Country, GeolocationField.A1, GeolocationField.A3] };

        var pool = EmccRules.RoamingDevicePool(EmccRules.Fields(London), filter, Pools, Geolocations);

        Assert.Equal("Roaming-London", pool?.Name);
    }

    [Fact]
    public void RoamingDevicePool_AFieldOutsideTheFilterIsIgnored_TiesGoToTheFirstName()
    {
        // Country and state only: London and Manchester both match on two fields; the city is not compared.
        var filter = new GeolocationFilter { Name = "CountryState", Fields = [GeolocationField.Country, GeolocationField.A1] };
        var phone = new Dictionary<string, string> { ["country"] = "GB", ["a1"] = "England", ["a3"] = "Leeds" };

        var pool = EmccRules.RoamingDevicePool(phone, filter, Pools, Geolocations);

        Assert.Equal("Roaming-London", pool?.Name);
    }

    [Fact]
    public void RoamingDevicePool_APoolThatContradictsAFilteredFieldIsOut()
    {
        var filter = new GeolocationFilter { Name = "CountryStateCity", Fields = [GeolocationField.Country, GeolocationField.A1, GeolocationField.A3] };
        var phone = new Dictionary<string, string> { ["country"] = "GB", ["a1"] = "England", ["a3"] = "Manchester" };

        Assert.Equal("Roaming-Manchester", EmccRules.RoamingDevicePool(phone, filter, Pools, Geolocations)?.Name);
    }

    [Fact]
    public void RoamingDevicePool_NoMatchOrNoFilter_Null()
    {
        var filter = new GeolocationFilter { Name = "Country", Fields = [GeolocationField.Country] };

        Assert.Null(EmccRules.RoamingDevicePool(new Dictionary<string, string> { ["country"] = "FR" }, filter, Pools, Geolocations));
        Assert.Null(EmccRules.RoamingDevicePool(new Dictionary<string, string>(), filter, Pools, Geolocations));
        Assert.Null(EmccRules.RoamingDevicePool(EmccRules.Fields(London), null, Pools, Geolocations));
    }

    [Theory]
    [InlineData(null, true)] // no common device configuration: the phone's own (IPv4) addressing
    [InlineData("ipv4Only", true)]
    [InlineData("ipv4AndIpv6", true)]
    [InlineData("ipv6Only", false)] // seed restrictions: EMCC does not support IPv6-only phones (213)
    [InlineData("IPV6ONLY", false)]
    [InlineData("", true)]
    [InlineData(" ipv6Only ", false)]
    [InlineData("ipv6", true)] // not a value the field takes: only what is known to be IPv6 only is refused
    public void DeviceSupportsEmcc_OnlyIpv6OnlyIsRefused(string? mode, bool supported)
    {
        var common = mode is null ? null : new Configuration.CommonDeviceConfiguration { Name = "CDC", IpAddressingMode = mode };

        Assert.Equal(supported, EmccRules.DeviceSupportsEmcc(common));
    }
}
