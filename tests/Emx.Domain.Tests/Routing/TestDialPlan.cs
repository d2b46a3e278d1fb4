using Emx.Domain.Routing;

namespace Emx.Domain.Tests.Routing;

/// <summary>A dial plan written one object at a time, built into a <see cref="DialPlanSnapshot"/>.</summary>
internal sealed class TestDialPlan
{
    public const string Trunk = "TRUNK-A";

    private readonly List<CallingSearchSpace> _css = [];
    private readonly List<RoutePattern> _patterns = [];
    private readonly List<RouteList> _lists = [];
    private readonly List<RouteGroup> _groups = [];
    private readonly List<SipTrunk> _trunks = [new SipTrunk { Name = Trunk, Destination = "10.0.0.1" }];
    private readonly List<DevicePool> _pools = [];
    private readonly List<DirectoryNumberEntry> _dns = [];

    public TestDialPlan Css(string name, params string[] partitions)
    {
        _css.Add(new CallingSearchSpace { Name = name, Partitions = [.. partitions] });
        return this;
    }

    public TestDialPlan Pattern(
        string pattern,
        string partition = "",
        string destination = Trunk,
        bool block = false,
        bool discardPreDot = false,
        string? prefix = null)
    {
        _patterns.Add(new RoutePattern
        {
            Pattern = pattern,
            Partition = partition,
            Destination = destination,
            Block = block,
            DiscardPreDot = discardPreDot,
            PrefixDigits = prefix,
        });
        return this;
    }

    public TestDialPlan Dn(string dn, string? partition = null)
    {
        _dns.Add(new DirectoryNumberEntry(dn, partition));
        return this;
    }

    public TestDialPlan Trunks(params string[] names)
    {
        _trunks.AddRange(names.Select(n => new SipTrunk { Name = n, Destination = "10.0.0.2" }));
        return this;
    }

    public TestDialPlan Group(string name, params string[] trunks) => Group(name, RouteGroupDistribution.TopDown, trunks);

    public TestDialPlan Group(string name, RouteGroupDistribution distribution, params string[] trunks)
    {
        _groups.Add(new RouteGroup { Name = name, Distribution = distribution, Members = [.. trunks] });
        return this;
    }

    public TestDialPlan List(string name, params string[] members)
    {
        _lists.Add(new RouteList { Name = name, Members = [.. members] });
        return this;
    }

    public TestDialPlan Pool(string name, string? localRouteGroup)
    {
        _pools.Add(new DevicePool { Name = name, LocalRouteGroup = localRouteGroup });
        return this;
    }

    public DialPlanSnapshot Build(RouteGroupRotation? rotation = null) => DialPlanSnapshot.Build(_css, _patterns, _lists, _groups, _trunks, _pools, _dns, rotation);

    /// <summary>Resolves <paramref name="dialed"/> for a caller using <paramref name="css"/> (in order) and no device pool.</summary>
    public static RouteDecision Dial(DialPlanSnapshot plan, string dialed, params string?[] css) =>
        plan.Resolve(new RoutingRequest { CallingSearchSpaces = css, DialedDigits = dialed });
}
