using Emx.Domain.Routing;

namespace Emx.Domain.Tests.Routing;

/// <summary>Route pattern destinations expanded to trunks: route lists, route groups, distribution, local route group.</summary>
public sealed class RouteExpansionTests
{
    private const string Slrg = ConfigKinds.StandardLocalRouteGroup;

    private static RouteDecision Call(DialPlanSnapshot plan, string? devicePool = null, string dialed = "95551234") =>
        plan.Resolve(new RoutingRequest { CallingSearchSpaces = ["CSS"], DialedDigits = dialed, DevicePool = devicePool });

    private static IReadOnlyList<RouteAttempt> Attempts(RouteDecision decision) =>
        Assert.IsType<RouteDecision.Route>(decision).Attempts;

    private static TestDialPlan Plan(string destination) => new TestDialPlan()
        .Css("CSS", "PT")
        .Pattern("9.XXXXXXX", "PT", destination, discardPreDot: true)
        .Trunks("T1", "T2", "T3", "T4", "T-Local");

    [Fact]
    public void Resolve_RouteList_GroupsInOrderThenTrunksInOrder()
    {
        var plan = Plan("RL").List("RL", "RG-1", "RG-2").Group("RG-1", "T1", "T2").Group("RG-2", "T3").Build();

        var route = Assert.IsType<RouteDecision.Route>(Call(plan));

        Assert.Equal("5551234", route.CalledDigits);
        Assert.Equal([new("T1", "RG-1"), new("T2", "RG-1"), new("T3", "RG-2")], route.Attempts);
    }

    [Fact]
    public void Resolve_PatternToRouteGroup_GroupTrunks()
    {
        var plan = Plan("RG").Group("RG", "T2", "T1").Build();

        Assert.Equal([new("T2", "RG"), new("T1", "RG")], Attempts(Call(plan)));
    }

    [Fact]
    public void Resolve_PatternToTrunk_SingleAttemptWithoutGroup()
    {
        var plan = Plan("T3").Build();

        Assert.Equal([new("T3", null)], Attempts(Call(plan)));
    }

    [Fact]
    public void Resolve_TopDownGroup_SameOrderEveryCall()
    {
        var plan = Plan("RG").Group("RG", "T1", "T2", "T3").Build();

        for (var call = 0; call < 4; call++)
        {
            Assert.Equal(["T1", "T2", "T3"], Attempts(Call(plan)).Select(a => a.Trunk));
        }
    }

    [Fact]
    public void Resolve_CircularGroup_RotatesStartEveryCall()
    {
        var plan = Plan("RL").List("RL", "RG-C", "RG-T")
            .Group("RG-C", RouteGroupDistribution.Circular, "T1", "T2", "T3")
            .Group("RG-T", "T4")
            .Build();

        Assert.Equal(["T1", "T2", "T3", "T4"], Attempts(Call(plan)).Select(a => a.Trunk));
        Assert.Equal(["T2", "T3", "T1", "T4"], Attempts(Call(plan)).Select(a => a.Trunk));
        Assert.Equal(["T3", "T1", "T2", "T4"], Attempts(Call(plan)).Select(a => a.Trunk));
        Assert.Equal(["T1", "T2", "T3", "T4"], Attempts(Call(plan)).Select(a => a.Trunk));
    }

    [Fact]
    public void Resolve_CircularGroupInARebuiltSnapshotWithTheSameRotation_GoesOnWhereItWas()
    {
        var rotation = new RouteGroupRotation();
        var plan = Plan("RG-C").Group("RG-C", RouteGroupDistribution.Circular, "T1", "T2", "T3");

        Assert.Equal("T1", Attempts(Call(plan.Build(rotation)))[0].Trunk);
        Assert.Equal("T2", Attempts(Call(plan.Build(rotation)))[0].Trunk);
        Assert.Equal("T3", Attempts(Call(plan.Build(rotation)))[0].Trunk);
        Assert.Equal("T1", Attempts(Call(plan.Build()))[0].Trunk);
    }

    [Fact]
    public void Resolve_CircularGroups_CountIndependently()
    {
        var plan = Plan("RG-1").Group("RG-1", RouteGroupDistribution.Circular, "T1", "T2")
            .Group("RG-2", RouteGroupDistribution.Circular, "T3", "T4")
            .Pattern("8XXX", "PT", "RG-2")
            .Build();

        Assert.Equal("T1", Attempts(Call(plan))[0].Trunk);
        Assert.Equal("T2", Attempts(Call(plan))[0].Trunk);
        Assert.Equal("T3", Attempts(Call(plan, dialed: "8000"))[0].Trunk);
        Assert.Equal("T1", Attempts(Call(plan))[0].Trunk);
        Assert.Equal("T4", Attempts(Call(plan, dialed: "8000"))[0].Trunk);
    }

    [Fact]
    public void Resolve_CircularGroupUnderConcurrentCalls_SpreadsStartsEvenly()
    {
        var plan = Plan("RG").Group("RG", RouteGroupDistribution.Circular, "T1", "T2", "T3").Build();
        var firsts = new System.Collections.Concurrent.ConcurrentBag<string>();

        Parallel.For(0, 3000, _ => firsts.Add(Attempts(Call(plan))[0].Trunk));

        Assert.Equal(
            [("T1", 1000), ("T2", 1000), ("T3", 1000)],
            firsts.GroupBy(t => t).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count())));
    }

    [Fact]
    public void Resolve_SlrgInRouteList_ResolvedFromCallersDevicePool()
    {
        var plan = Plan("RL").List("RL", Slrg, "RG-PSTN")
            .Group("RG-Local", "T-Local").Group("RG-PSTN", "T1")
            .Pool("DP-Branch", "RG-Local").Pool("DP-None", null)
            .Build();

        Assert.Equal([new("T-Local", "RG-Local"), new("T1", "RG-PSTN")], Attempts(Call(plan, "DP-Branch")));
        Assert.Equal([new("T1", "RG-PSTN")], Attempts(Call(plan, "DP-None")));
        Assert.Equal([new("T1", "RG-PSTN")], Attempts(Call(plan, devicePool: null)));
        Assert.Equal([new("T1", "RG-PSTN")], Attempts(Call(plan, "DP-Unknown")));
    }

    [Fact]
    public void Resolve_SlrgAsPatternDestination_LocalGroupOrUnavailable()
    {
        var plan = Plan(Slrg).Group("RG-Local", RouteGroupDistribution.Circular, "T-Local", "T2")
            .Pool("DP-Branch", "RG-Local").Pool("DP-None", "")
            .Build();

        Assert.Equal([new("T-Local", "RG-Local"), new("T2", "RG-Local")], Attempts(Call(plan, "DP-Branch")));
        Assert.Equal([new("T2", "RG-Local"), new("T-Local", "RG-Local")], Attempts(Call(plan, "DP-Branch")));
        Assert.Equal(new RouteDecision.RouteUnavailable("9.XXXXXXX", "PT", Slrg), Call(plan, "DP-None"));
        Assert.Equal(new RouteDecision.RouteUnavailable("9.XXXXXXX", "PT", Slrg), Call(plan));
    }

    [Fact]
    public void Resolve_SlrgPointingAtMissingGroup_Skipped()
    {
        var plan = Plan("RL").List("RL", Slrg, "RG").Group("RG", "T1").Pool("DP", "RG-Gone").Build();

        Assert.Equal([new("T1", "RG")], Attempts(Call(plan, "DP")));
    }

    [Fact]
    public void Resolve_RouteListExpandingToNothing_RouteUnavailable()
    {
        var plan = Plan("RL").List("RL", Slrg, "RG-Empty").Group("RG-Empty").Build();

        Assert.Equal(new RouteDecision.RouteUnavailable("9.XXXXXXX", "PT", "RL"), Call(plan, "DP"));
    }

    [Fact]
    public void Resolve_EmptyRouteList_RouteUnavailable()
    {
        var plan = Plan("RL").List("RL").Build();

        Assert.Equal(new RouteDecision.RouteUnavailable("9.XXXXXXX", "PT", "RL"), Call(plan));
    }

    [Fact]
    public void Resolve_UnknownDestination_RouteUnavailable()
    {
        var plan = Plan("Nowhere").Build();

        Assert.Equal(new RouteDecision.RouteUnavailable("9.XXXXXXX", "PT", "Nowhere"), Call(plan));
    }

    [Fact]
    public void Resolve_GroupMemberNotATrunk_Skipped()
    {
        var plan = Plan("RG").Group("RG", "T1", "Gone", "T2").Build();

        Assert.Equal(["T1", "T2"], Attempts(Call(plan)).Select(a => a.Trunk));
    }

    [Fact]
    public void Resolve_SameGroupTwiceInList_HuntedTwice()
    {
        var plan = Plan("RL").List("RL", "RG", Slrg).Group("RG", "T1").Pool("DP", "RG").Build();

        Assert.Equal([new("T1", "RG"), new("T1", "RG")], Attempts(Call(plan, "DP")));
    }

    [Fact]
    public void Resolve_BlockedPatternWithEmptyDestination_BlockedNotUnavailable()
    {
        var plan = Plan("RL").List("RL").Pattern("9.1900XXXXXXX", "PT", "", block: true).Build();

        Assert.Equal(new RouteDecision.Blocked("9.1900XXXXXXX", "PT"), Call(plan, dialed: "919005551234"));
    }
}
