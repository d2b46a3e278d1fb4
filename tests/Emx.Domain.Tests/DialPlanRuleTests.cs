namespace Emx.Domain.Tests;

/// <summary>Calling search spaces, route patterns and their destinations, trunks, route lists.</summary>
public sealed class DialPlanRuleTests
{
    private static RoutePattern Pattern(string pattern, string destination = World.PstnRouteList, string partition = World.Partition) =>
        new() { Pattern = pattern, Partition = partition, Destination = destination };

    [Fact]
    public void Validate_CssListingPartitionTwice_Rejected()
    {
        var css = new CallingSearchSpace { Name = "Dup-CSS", Partitions = [World.Partition, "Other", World.Partition] };
        var catalog = World.Catalog().Add(new Partition { Name = "Other" });

        var error = ErrorAssert.Single(World.Validate(css, catalog), "callingSearchSpaces", "partitions");
        Assert.Contains(World.Partition, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CssWithDistinctPartitions_Accepted()
    {
        var css = new CallingSearchSpace { Name = "Two-CSS", Partitions = [World.Partition, "Other"] };

        ErrorAssert.None(World.Validate(css, World.Catalog().Add(new Partition { Name = "Other" })));
    }

    [Theory]
    [InlineData("911")]
    [InlineData("9.1[2-9]XXXXXXXXX")]
    [InlineData("2XXX")]
    [InlineData("\\+1!")]
    [InlineData("\\+44!")]
    [InlineData("*67XXXX")]
    [InlineData("[^0]XX")]
    [InlineData("9.!#")]
    public void Validate_ValidRoutePatternSyntax_Accepted(string pattern)
    {
        ErrorAssert.None(World.Validate(Pattern(pattern)));
    }

    [Theory]
    [InlineData("9..1")]
    [InlineData("9.1.1")]
    [InlineData("[12")]
    [InlineData("12]")]
    [InlineData("[1[2]]")]
    [InlineData("abc")]
    [InlineData("9@")]
    [InlineData("")]
    [InlineData("1234567890123456789012345678901234567890123456789")]
    public void Validate_InvalidRoutePatternSyntax_RejectedOnPattern(string pattern)
    {
        ErrorAssert.Single(World.Validate(Pattern(pattern)), "routePatterns", "pattern");
    }

    [Theory]
    [InlineData(World.PstnRouteList)]
    [InlineData(World.PstnRouteGroup)]
    [InlineData(World.PstnTrunk)]
    [InlineData(ConfigKinds.StandardLocalRouteGroup)]
    public void Validate_RoutePatternDestinationResolves_Accepted(string destination)
    {
        ErrorAssert.None(World.Validate(Pattern("9.XXXX", destination)));
    }

    [Fact]
    public void Validate_RoutePatternDestinationInSameDocument_Accepted()
    {
        var doc = ProvisioningDocument.With(Pattern("8.XXXX", "RL-New"));
        doc.RouteLists.Add(new RouteList { Name = "RL-New", Members = [World.PstnRouteGroup, ConfigKinds.StandardLocalRouteGroup] });

        ErrorAssert.None(World.Validate(doc));
    }

    [Fact]
    public void Validate_RoutePatternUnknownDestination_RejectedOnDestination()
    {
        var error = ErrorAssert.Single(World.Validate(Pattern("9.XXXX", "Nowhere")), "routePatterns", "destination");
        Assert.Contains("Nowhere", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Nowhere")]
    public void Validate_BlockedPattern_NeedsNoDestination(string destination)
    {
        var pattern = Pattern("1900XXXXXXX", destination);
        pattern.Block = true;

        ErrorAssert.None(World.Validate(pattern));
    }

    [Fact]
    public void Validate_UnblockedPatternWithoutDestination_Rejected()
    {
        ErrorAssert.Single(World.Validate(Pattern("9.XXXX", " ")), "routePatterns", "destination");
    }

    [Fact]
    public void RoutePatternKey_IsPatternAtPartition()
    {
        Assert.Equal("911@Emergency", Pattern("911", partition: "Emergency").Key);
        Assert.Equal("911@", Pattern("911", partition: "").Key);
        Assert.Equal("911@Emergency", RoutePattern.MakeKey("911", "Emergency"));
    }

    [Fact]
    public void Validate_RouteListWithoutMembers_Rejected()
    {
        ErrorAssert.Single(World.Validate(new RouteList { Name = "Empty" }), "routeLists", "members");
    }

    [Fact]
    public void Validate_SipTrunkWithoutDestination_Rejected()
    {
        ErrorAssert.Single(World.Validate(new SipTrunk { Name = "T" }), "sipTrunks", "destination");
    }

    [Theory]
    [InlineData("US", true)]
    [InlineData("DE", true)]
    [InlineData(null, true)]
    [InlineData("us", false)]
    [InlineData("USA", false)]
    [InlineData("U1", false)]
    [InlineData("", false)]
    public void Validate_GeolocationCountry_TwoUpperCaseLetters(string? country, bool valid)
    {
        var errors = World.Validate(new Geolocation { Name = "HQ", Country = country });

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "geolocations", "country");
        }
    }

    [Fact]
    public void Validate_GeolocationFilterWithoutFields_Rejected()
    {
        ErrorAssert.Single(World.Validate(new GeolocationFilter { Name = "F" }), "geolocationFilters", "fields");
        ErrorAssert.None(World.Validate(new GeolocationFilter { Name = "F", Fields = [GeolocationField.Country, GeolocationField.A1] }));
    }

    [Fact]
    public void GeolocationGet_EveryField_ReturnsItsProperty()
    {
        var geo = new Geolocation();
        foreach (var field in Enum.GetValues<GeolocationField>())
        {
            typeof(Geolocation).GetProperty(field.ToString())!.SetValue(geo, $"v-{field}");
        }

        Assert.All(Enum.GetValues<GeolocationField>(), f => Assert.Equal($"v-{f}", geo.Get(f)));
    }
}
