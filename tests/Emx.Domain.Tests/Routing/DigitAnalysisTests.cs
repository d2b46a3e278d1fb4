using Emx.Domain.Routing;
using static Emx.Domain.Tests.Routing.TestDialPlan;

namespace Emx.Domain.Tests.Routing;

/// <summary>Closest match across the caller's partitions: what wins, and who can reach what.</summary>
public sealed class DigitAnalysisTests
{
    private const string PtA = "PT-A";
    private const string PtB = "PT-B";
    private const string PtC = "PT-C";

    private static RouteDecision.Route AssertRoute(RouteDecision decision, string pattern, string partition)
    {
        var route = Assert.IsType<RouteDecision.Route>(decision);
        Assert.Equal(pattern, route.Pattern);
        Assert.Equal(partition, route.Partition);
        return route;
    }

    [Theory]
    [InlineData("1200", "12XX")]
    [InlineData("1212", "121X")]
    [InlineData("1234", "1234")]
    [InlineData("1999", "1XXX")]
    [InlineData("19999", "1!")]
    [InlineData("10", "1!")]
    public void Resolve_ClassicCucmPatterns_ClosestMatchWins(string dialed, string expected)
    {
        var plan = new TestDialPlan().Css("CSS", PtA)
            .Pattern("1!", PtA).Pattern("1XXX", PtA).Pattern("12XX", PtA).Pattern("121X", PtA).Pattern("1234", PtA)
            .Build();

        AssertRoute(Dial(plan, dialed, "CSS"), expected, PtA);
    }

    [Theory]
    [InlineData("1515", "15!")]
    [InlineData("1415", "1[3-5]XX")]
    [InlineData("15155", "15!")]
    public void Resolve_UnboundedPattern_ComparedAtDialedLength(string dialed, string expected)
    {
        // 1515: of the four-digit strings 15! matches 100 and 1[3-5]XX 300 (CUCM's Dialed Number Analyzer agrees).
        var plan = new TestDialPlan().Css("CSS", PtA).Pattern("1[3-5]XX", PtA).Pattern("15!", PtA).Build();

        AssertRoute(Dial(plan, dialed, "CSS"), expected, PtA);
    }

    [Fact]
    public void Resolve_DirectoryNumberAndPattern_DirectoryNumberIsExact()
    {
        var plan = new TestDialPlan().Css("CSS", PtA).Pattern("1XXX", PtA).Dn("1000", PtA).Build();

        Assert.Equal(new RouteDecision.DirectoryNumber("1000", PtA), Dial(plan, "1000", "CSS"));
        AssertRoute(Dial(plan, "1001", "CSS"), "1XXX", PtA);
    }

    [Fact]
    public void Resolve_EqualSpecificity_FirstPartitionOfCssWins()
    {
        var plan = new TestDialPlan().Css("A-first", PtA, PtB).Css("B-first", PtB, PtA)
            .Pattern("12XX", PtA).Pattern("12XX", PtB).Build();

        AssertRoute(Dial(plan, "1234", "A-first"), "12XX", PtA);
        AssertRoute(Dial(plan, "1234", "B-first"), "12XX", PtB);
    }

    [Fact]
    public void Resolve_EqualSpecificityDifferentPatterns_FirstPartitionWins()
    {
        var plan = new TestDialPlan().Css("CSS", PtB, PtA).Pattern("1XXX", PtA).Pattern("1!", PtB).Build();

        AssertRoute(Dial(plan, "1234", "CSS"), "1!", PtB);
    }

    [Fact]
    public void Resolve_MoreSpecificInLaterPartition_StillWins()
    {
        var plan = new TestDialPlan().Css("CSS", PtA, PtB).Pattern("1XXX", PtA).Pattern("12XX", PtB).Build();

        AssertRoute(Dial(plan, "1234", "CSS"), "12XX", PtB);
    }

    [Fact]
    public void Resolve_SameDnInTwoPartitions_FirstPartitionWins()
    {
        var plan = new TestDialPlan().Css("CSS", PtB, PtA).Dn("2000", PtA).Dn("2000", PtB).Build();

        Assert.Equal(new RouteDecision.DirectoryNumber("2000", PtB), Dial(plan, "2000", "CSS"));
    }

    [Fact]
    public void Resolve_LiteralPatternInEarlierPartition_BeatsDnInLaterPartition()
    {
        var plan = new TestDialPlan().Css("CSS", PtA, PtB).Pattern("2000", PtA).Dn("2000", PtB).Build();

        AssertRoute(Dial(plan, "2000", "CSS"), "2000", PtA);
    }

    [Fact]
    public void Resolve_TieInsideOnePartition_DnThenFixedLengthThenPatternText()
    {
        var plan = new TestDialPlan().Css("CSS", PtA)
            .Pattern("2000", PtA).Dn("2000", PtA)
            .Pattern("1!", PtA).Pattern("1XXX", PtA)
            .Pattern("3[1-2]XX", PtA).Pattern("3X[1-2]X", PtA)
            .Build();

        Assert.Equal(new RouteDecision.DirectoryNumber("2000", PtA), Dial(plan, "2000", "CSS"));
        AssertRoute(Dial(plan, "1234", "CSS"), "1XXX", PtA);
        AssertRoute(Dial(plan, "3111", "CSS"), "3X[1-2]X", PtA);
    }

    [Fact]
    public void Resolve_TieInsideOnePartition_IndependentOfConfigurationOrder()
    {
        var forward = new TestDialPlan().Css("CSS", PtA).Pattern("3[1-2]XX", PtA).Pattern("3X[1-2]X", PtA).Build();
        var backward = new TestDialPlan().Css("CSS", PtA).Pattern("3X[1-2]X", PtA).Pattern("3[1-2]XX", PtA).Build();

        Assert.Equal(Dial(forward, "3111", "CSS"), Dial(backward, "3111", "CSS"), new RouteComparer());
    }

    [Fact]
    public void Resolve_NonePartition_ReachableWithoutAnyCss()
    {
        var plan = new TestDialPlan().Dn("5000").Pattern("9.!", discardPreDot: true).Build();

        Assert.Equal(new RouteDecision.DirectoryNumber("5000", ""), Dial(plan, "5000"));
        Assert.Equal(new RouteDecision.DirectoryNumber("5000", ""), Dial(plan, "5000", null, ""));
        Assert.Equal(new RouteDecision.DirectoryNumber("5000", ""), Dial(plan, "5000", "No-Such-CSS"));
        Assert.Equal("123", AssertRoute(Dial(plan, "9123"), "9.!", "").CalledDigits);
    }

    [Fact]
    public void Resolve_NonePartition_LastOnTies()
    {
        var plan = new TestDialPlan().Css("CSS", PtA, PtB)
            .Pattern("12XX").Pattern("12XX", PtB).Dn("3000").Dn("3000", PtB).Build();

        AssertRoute(Dial(plan, "1234", "CSS"), "12XX", PtB);
        Assert.Equal(new RouteDecision.DirectoryNumber("3000", PtB), Dial(plan, "3000", "CSS"));
    }

    [Fact]
    public void Resolve_NonePartition_MoreSpecificStillWins()
    {
        var plan = new TestDialPlan().Css("CSS", PtA).Pattern("1XXX", PtA).Pattern("12XX").Build();

        AssertRoute(Dial(plan, "1234", "CSS"), "12XX", "");
    }

    [Fact]
    public void Resolve_PartitionNotInCss_Unreachable()
    {
        var plan = new TestDialPlan().Css("Lobby", PtA).Css("Staff", PtA, PtB)
            .Dn("2000", PtB).Pattern("9.!", PtB).Pattern("1XXX", PtB).Dn("1000", PtA).Build();

        Assert.Same(RouteDecision.NoRoute.Instance, Dial(plan, "2000", "Lobby"));
        Assert.Same(RouteDecision.NoRoute.Instance, Dial(plan, "9555", "Lobby"));
        Assert.Same(RouteDecision.NoRoute.Instance, Dial(plan, "1001", "Lobby"));
        Assert.Equal(new RouteDecision.DirectoryNumber("1000", PtA), Dial(plan, "1000", "Lobby"));
        Assert.Equal(new RouteDecision.DirectoryNumber("2000", PtB), Dial(plan, "2000", "Staff"));
        AssertRoute(Dial(plan, "1001", "Staff"), "1XXX", PtB);
    }

    [Fact]
    public void Resolve_NoCssAtAll_OnlyNonePartition()
    {
        var plan = new TestDialPlan().Dn("2000", PtA).Build();

        Assert.Same(RouteDecision.NoRoute.Instance, Dial(plan, "2000"));
    }

    [Fact]
    public void Resolve_LineCssThenDeviceCss_ConcatenatedInOrder()
    {
        var plan = new TestDialPlan().Css("Line", PtB).Css("Device", PtA)
            .Pattern("12XX", PtA).Pattern("12XX", PtB).Build();

        AssertRoute(Dial(plan, "1234", "Line", "Device"), "12XX", PtB);
        AssertRoute(Dial(plan, "1234", "Device", "Line"), "12XX", PtA);
    }

    [Fact]
    public void Resolve_PartitionInTwoCss_KeepsFirstPosition()
    {
        // Effective order: [PT-C, PT-A, PT-B]. Had the repeated PT-A taken its second place, PT-B would win.
        var plan = new TestDialPlan().Css("Line", PtC, PtA).Css("Device", PtB, PtA)
            .Pattern("12XX", PtA).Pattern("12XX", PtB).Build();

        AssertRoute(Dial(plan, "1234", "Line", "Device"), "12XX", PtA);
    }

    [Fact]
    public void Resolve_SameCssTwice_SameAsOnce()
    {
        var plan = new TestDialPlan().Css("CSS", PtB, PtA).Pattern("12XX", PtA).Pattern("12XX", PtB).Build();

        AssertRoute(Dial(plan, "1234", "CSS", "CSS", null), "12XX", PtB);
    }

    [Fact]
    public void Resolve_EmccAdjunctCssFirst_WinsTies()
    {
        var plan = new TestDialPlan()
            .Css("Adjunct", "PT-Visiting-Local").Css("Line", "PT-Home-Lines").Css("Emcc", "PT-Home-Pstn")
            .Pattern("9.1[2-9]XX[2-9]XXXXXX", "PT-Visiting-Local", discardPreDot: true)
            .Pattern("9.1[2-9]XX[2-9]XXXXXX", "PT-Home-Pstn", discardPreDot: true)
            .Dn("1000", "PT-Home-Lines")
            .Build();

        AssertRoute(Dial(plan, "912125551234", "Adjunct", "Line", "Emcc"), "9.1[2-9]XX[2-9]XXXXXX", "PT-Visiting-Local");
        AssertRoute(Dial(plan, "912125551234", "Line", "Emcc"), "9.1[2-9]XX[2-9]XXXXXX", "PT-Home-Pstn");
        Assert.Equal(new RouteDecision.DirectoryNumber("1000", "PT-Home-Lines"), Dial(plan, "1000", "Adjunct", "Line", "Emcc"));
    }

    [Fact]
    public void Resolve_BlockedPattern_Blocked()
    {
        var plan = new TestDialPlan().Css("CSS", PtA, PtB)
            .Pattern("9.1900XXXXXXX", PtB, block: true)
            .Pattern("9.1[2-9]XX[2-9]XXXXXX", PtA, discardPreDot: true)
            .Build();

        Assert.Equal(new RouteDecision.Blocked("9.1900XXXXXXX", PtB), Dial(plan, "919005551234", "CSS"));
        AssertRoute(Dial(plan, "912125551234", "CSS"), "9.1[2-9]XX[2-9]XXXXXX", PtA);
    }

    [Fact]
    public void Resolve_LessSpecificBlockedPattern_LosesToRoutedPattern()
    {
        var plan = new TestDialPlan().Css("CSS", PtA).Pattern("9.!", PtA, block: true).Pattern("9.911", PtA).Build();

        AssertRoute(Dial(plan, "9911", "CSS"), "9.911", PtA);
        Assert.Equal(new RouteDecision.Blocked("9.!", PtA), Dial(plan, "9912", "CSS"));
    }

    [Theory]
    [InlineData(true, null, "12125551234")]
    [InlineData(true, "+", "+12125551234")]
    [InlineData(false, null, "912125551234")]
    [InlineData(false, "0", "0912125551234")]
    public void Resolve_DiscardAndPrefix_TransformCalledDigits(bool discard, string? prefix, string expected)
    {
        var plan = new TestDialPlan().Css("CSS", PtA)
            .Pattern("9.1[2-9]XX[2-9]XXXXXX", PtA, discardPreDot: discard, prefix: prefix).Build();

        Assert.Equal(expected, AssertRoute(Dial(plan, "912125551234", "CSS"), "9.1[2-9]XX[2-9]XXXXXX", PtA).CalledDigits);
    }

    [Fact]
    public void Resolve_DiscardPreDotWithoutDot_KeepsDigits()
    {
        var plan = new TestDialPlan().Css("CSS", PtA).Pattern("8XXX", PtA, discardPreDot: true, prefix: "55").Build();

        Assert.Equal("558123", AssertRoute(Dial(plan, "8123", "CSS"), "8XXX", PtA).CalledDigits);
    }

    [Fact]
    public void Resolve_VariableLengthDiscard_StripsAccessCode()
    {
        var plan = new TestDialPlan().Css("CSS", PtA).Pattern("9.011!#", PtA, discardPreDot: true).Build();

        Assert.Equal("01144207946000#", AssertRoute(Dial(plan, "901144207946000#", "CSS"), "9.011!#", PtA).CalledDigits);
    }

    [Fact]
    public void Resolve_E164_PlusMatchedOnlyByEscapedPlus()
    {
        var plan = new TestDialPlan().Css("CSS", PtA)
            .Dn("\\+4930123", PtA)
            .Dn("+4930999", PtA)
            .Pattern("\\+49!", PtA)
            .Pattern("\\+1.!", PtA, discardPreDot: true, prefix: "91")
            .Pattern("49!", PtA, block: true)
            .Build();

        Assert.Equal(new RouteDecision.DirectoryNumber("+4930123", PtA), Dial(plan, "+4930123", "CSS"));
        Assert.Equal(new RouteDecision.DirectoryNumber("+4930999", PtA), Dial(plan, "+4930999", "CSS"));
        Assert.Equal("+4930555", AssertRoute(Dial(plan, "+4930555", "CSS"), "\\+49!", PtA).CalledDigits);
        Assert.Equal("912125551234", AssertRoute(Dial(plan, "+12125551234", "CSS"), "\\+1.!", PtA).CalledDigits);
        Assert.Equal(new RouteDecision.Blocked("49!", PtA), Dial(plan, "4930555", "CSS"));
        Assert.Same(RouteDecision.NoRoute.Instance, Dial(plan, "+3312345", "CSS"));
    }

    [Fact]
    public void Resolve_StarAndHash_LiteralDigits()
    {
        var plan = new TestDialPlan().Css("CSS", PtA)
            .Pattern("*67XXXX", PtA).Pattern("#XX", PtA).Dn("*8", PtA).Dn("1#", PtA).Build();

        AssertRoute(Dial(plan, "*671234", "CSS"), "*67XXXX", PtA);
        AssertRoute(Dial(plan, "#12", "CSS"), "#XX", PtA);
        Assert.Equal(new RouteDecision.DirectoryNumber("*8", PtA), Dial(plan, "*8", "CSS"));
        Assert.Equal(new RouteDecision.DirectoryNumber("1#", PtA), Dial(plan, "1#", "CSS"));
        Assert.Same(RouteDecision.NoRoute.Instance, Dial(plan, "#671234", "CSS"));
        Assert.Same(RouteDecision.NoRoute.Instance, Dial(plan, "8", "CSS"));
    }

    [Theory]
    [InlineData("", DialStringError.Empty)]
    [InlineData("12a4", DialStringError.InvalidCharacter)]
    [InlineData("alice", DialStringError.InvalidCharacter)]
    [InlineData("12+3", DialStringError.InvalidCharacter)]
    [InlineData("++123", DialStringError.InvalidCharacter)]
    [InlineData("1234 ", DialStringError.InvalidCharacter)]
    [InlineData("12-34", DialStringError.InvalidCharacter)]
    [InlineData("１２３", DialStringError.InvalidCharacter)]
    public void Resolve_MalformedDialString_InvalidDialString(string dialed, DialStringError error)
    {
        var plan = new TestDialPlan().Css("CSS", PtA).Pattern("!?X?", PtA).Build();

        Assert.Equal(new RouteDecision.InvalidDialString(error), Dial(plan, dialed, "CSS"));
    }

    [Fact]
    public void Resolve_OverlongDialString_TooLong()
    {
        var plan = new TestDialPlan().Css("CSS", PtA).Pattern("1!", PtA).Build();
        var longest = "1" + new string('0', DialString.MaxLength - 1);

        AssertRoute(Dial(plan, longest, "CSS"), "1!", PtA);
        Assert.Equal(new RouteDecision.InvalidDialString(DialStringError.TooLong), Dial(plan, longest + "0", "CSS"));
        Assert.Equal(new RouteDecision.InvalidDialString(DialStringError.TooLong), Dial(plan, new string('1', 10_000), "CSS"));
    }

    [Fact]
    public void Resolve_NothingMatches_NoRoute()
    {
        var plan = new TestDialPlan().Css("CSS", PtA).Pattern("1XXX", PtA).Dn("2000", PtA).Build();

        Assert.Same(RouteDecision.NoRoute.Instance, Dial(plan, "3000", "CSS"));
        Assert.Same(RouteDecision.NoRoute.Instance, Dial(plan, "100", "CSS"));
    }

    [Fact]
    public void Resolve_InvalidOrDuplicatePattern_IgnoredNotThrown()
    {
        var plan = new TestDialPlan().Css("CSS", PtA)
            .Pattern("9..1", PtA).Pattern("12XX", PtA, destination: "first").Pattern("12XX", PtA, destination: "second")
            .Trunks("first", "second").Build();

        Assert.Same(RouteDecision.NoRoute.Instance, Dial(plan, "91", "CSS"));
        Assert.Equal([new RouteAttempt("first", null)], AssertRoute(Dial(plan, "1234", "CSS"), "12XX", PtA).Attempts);
    }

    [Fact]
    public void Resolve_LargeDialPlan_FindsDnsAndPatterns()
    {
        var plan = new TestDialPlan().Css("CSS", PtA, PtB);
        for (var i = 0; i < 5000; i++)
        {
            plan.Dn((100000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), i % 2 == 0 ? PtA : PtB);
        }

        for (var i = 0; i < 300; i++)
        {
            plan.Pattern($"8{i:D3}XXXX", PtB);
        }

        var snapshot = plan.Pattern("1XXXXX", PtA).Build();

        Assert.Equal(new RouteDecision.DirectoryNumber("104999", PtB), Dial(snapshot, "104999", "CSS"));
        Assert.Equal(new RouteDecision.DirectoryNumber("100000", PtA), Dial(snapshot, "100000", "CSS"));
        AssertRoute(Dial(snapshot, "105000", "CSS"), "1XXXXX", PtA);
        AssertRoute(Dial(snapshot, "82991234", "CSS"), "8299XXXX", PtB);
        Assert.Same(RouteDecision.NoRoute.Instance, Dial(snapshot, "83001234", "CSS"));
    }

    [Fact]
    public void Build_FromProvisioningDocument_UsesLinesOfPhonesAndProfiles()
    {
        var document = new ProvisioningDocument
        {
            CallingSearchSpaces = [new CallingSearchSpace { Name = "CSS", Partitions = [PtA] }],
            Phones = [new Phone { Name = "SEP000000000001", Lines = [new Line { Dn = "1000", Partition = PtA }] }],
            DeviceProfiles = [new DeviceProfile { Name = "alice", Lines = [new Line { Dn = "2000" }] }],
            SipTrunks = [new SipTrunk { Name = "T1", Destination = "10.0.0.1" }],
            RoutePatterns = [new RoutePattern { Pattern = "9.!", Partition = PtA, Destination = "T1" }],
        };

        var plan = DialPlanSnapshot.Build(document);

        Assert.Equal(new RouteDecision.DirectoryNumber("1000", PtA), Dial(plan, "1000", "CSS"));
        Assert.Equal(new RouteDecision.DirectoryNumber("2000", ""), Dial(plan, "2000", "CSS"));
        AssertRoute(Dial(plan, "9555", "CSS"), "9.!", PtA);
    }

    [Fact]
    public void Build_LaterConfigurationChanges_NotSeen()
    {
        var css = new CallingSearchSpace { Name = "CSS", Partitions = [PtA] };
        var pattern = new RoutePattern { Pattern = "12XX", Partition = PtA, Destination = "T1" };
        var dns = new List<DirectoryNumberEntry> { new("1000", PtA) };
        var plan = DialPlanSnapshot.Build([css], [pattern], [], [], [new SipTrunk { Name = "T1" }], [], dns);

        css.Partitions.Clear();
        pattern.Block = true;
        dns.Clear();

        Assert.Equal(new RouteDecision.DirectoryNumber("1000", PtA), Dial(plan, "1000", "CSS"));
        AssertRoute(Dial(plan, "1234", "CSS"), "12XX", PtA);
    }

    private sealed class RouteComparer : IEqualityComparer<RouteDecision>
    {
        public bool Equals(RouteDecision? x, RouteDecision? y) =>
            x is RouteDecision.Route a && y is RouteDecision.Route b
            && a.Pattern == b.Pattern && a.Partition == b.Partition && a.CalledDigits == b.CalledDigits
            && a.Attempts.SequenceEqual(b.Attempts);

        public int GetHashCode(RouteDecision obj) => 0;
    }
}
