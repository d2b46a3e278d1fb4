namespace Emx.Domain.Tests;

/// <summary>Trusted List of IPs: at most 1024 characters, IPs or host names separated by ';', no ranges or wildcards.</summary>
public sealed class TrustedListTests
{
    private const string Em = "serviceParameters.extensionMobility";

    // Whole valid entries ("10.20.30.40;"), then a short host name ("hhhh") to reach the exact length.
    private static string ListOfLength(int length)
    {
        const string entry = "10.20.30.40;";
        var whole = length / entry.Length;
        var rest = length - (whole * entry.Length);
        return string.Concat(Enumerable.Repeat(entry, whole)) + new string('h', rest);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1023)]
    [InlineData(1024)]
    public void Validate_TrustedListUpTo1024Characters_Accepted(int length)
    {
        var list = ListOfLength(length);
        Assert.Equal(length, list.Length);

        ErrorAssert.None(World.Validate(new ExtensionMobilityServiceParameters { TrustedListOfIps = list }));
    }

    [Theory]
    [InlineData(1025)]
    [InlineData(1100)]
    public void Validate_TrustedListOver1024Characters_RejectedNamingField(int length)
    {
        var errors = World.Validate(new ExtensionMobilityServiceParameters { TrustedListOfIps = ListOfLength(length) });

        var error = ErrorAssert.Single(errors, Em, "trustedListOfIps");
        Assert.Contains("1024", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("10.0.0.1;10.0.0.2")]
    [InlineData("10.0.0.1; proxy-1.example.com ;192.168.1.20;")]
    [InlineData("2001:db8::1")]
    public void Validate_TrustedListOfAddressesAndHostNames_Accepted(string list)
    {
        ErrorAssert.None(World.Validate(new ExtensionMobilityServiceParameters { TrustedListOfIps = list }));
    }

    [Theory]
    [InlineData("10.0.0.*")]
    [InlineData("10.0.0.0/24")]
    [InlineData("10.0.0.[1-9]")]
    [InlineData("10.0.0.?")]
    [InlineData("10.0.0.1 10.0.0.2")]
    [InlineData("10.0..1")]
    [InlineData("*")]
    public void Validate_TrustedListEntryWithRangeOrWildcard_RejectedNamingEntry(string entry)
    {
        var errors = World.Validate(new ExtensionMobilityServiceParameters { TrustedListOfIps = $"10.1.1.1;{entry};10.1.1.2" });

        var error = ErrorAssert.Single(errors, Em, "trustedListOfIps");
        Assert.Contains(entry, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TrustedListWithTwoBadEntries_ReportsEach()
    {
        var errors = World.Validate(new ExtensionMobilityServiceParameters { TrustedListOfIps = "10.0.0.*;10.1.0.0/16" });

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal("trustedListOfIps", e.Field));
    }
}
