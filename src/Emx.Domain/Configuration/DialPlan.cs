namespace Emx.Domain.Configuration;

/// <summary>A route partition: a named group of directory numbers and patterns with the same reachability.</summary>
public sealed class Partition : NamedConfigObject
{
}

/// <summary>A calling search space: an ordered list of partitions a caller may reach, searched first to last.</summary>
public sealed class CallingSearchSpace : NamedConfigObject
{
    /// <summary>Partition names in search order. A partition may appear once.</summary>
    public List<string> Partitions { get; set; } = [];
}

/// <summary>
/// A route pattern. Natural key is pattern + partition (<c>911@Emergency</c>); the pattern uses CUCM wildcards
/// (X, !, [..], @ is not supported, '.' marks the discard point).
/// </summary>
public sealed class RoutePattern : IConfigObject
{
    /// <summary>The dialled-digits pattern.</summary>
    public string Pattern { get; set; } = "";

    /// <summary>The partition the pattern lives in; empty means the &lt;None&gt; partition.</summary>
    public string Partition { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>
    /// Where matching calls go: a route list, a route group or a SIP trunk name, or the literal
    /// <c>StandardLocalRouteGroup</c> (resolved from the calling device's device pool).
    /// </summary>
    public string Destination { get; set; } = "";

    /// <summary>Block this pattern instead of routing it.</summary>
    public bool Block { get; set; }

    /// <summary>Strip the digits before the '.' discard point ("PreDot" digit discard instruction).</summary>
    public bool DiscardPreDot { get; set; }

    /// <summary>Digits prefixed to the called number after discarding.</summary>
    public string? PrefixDigits { get; set; }

    /// <inheritdoc />
    public string Key => MakeKey(Pattern, Partition);

    /// <summary>Builds the composite key <c>pattern@partition</c>.</summary>
    public static string MakeKey(string pattern, string partition) => $"{pattern}@{partition}";
}

/// <summary>A route group: an ordered set of trunks tried by its distribution algorithm.</summary>
public sealed class RouteGroup : NamedConfigObject
{
    /// <summary>Top down (default) or circular.</summary>
    public RouteGroupDistribution Distribution { get; set; } = RouteGroupDistribution.TopDown;

    /// <summary>SIP trunk names, in order.</summary>
    public List<string> Members { get; set; } = [];
}

/// <summary>Route group distribution algorithm.</summary>
public enum RouteGroupDistribution { TopDown, Circular }

/// <summary>A route list: an ordered set of route groups (or the Standard Local Route Group).</summary>
public sealed class RouteList : NamedConfigObject
{
    /// <summary>Route group names in order; the literal <c>StandardLocalRouteGroup</c> is allowed.</summary>
    public List<string> Members { get; set; } = [];
}

/// <summary>A SIP trunk to another cluster or a PSTN gateway.</summary>
public sealed class SipTrunk : NamedConfigObject
{
    /// <summary>Trunk Service Type; EMCC trunks use <see cref="TrunkServiceType.ExtensionMobilityCrossClusters"/>.</summary>
    public TrunkServiceType ServiceType { get; set; } = TrunkServiceType.None;

    /// <summary>Destination address (IP or host name).</summary>
    public string Destination { get; set; } = "";

    /// <summary>Destination port, 1-65535. Default 5060.</summary>
    public int Port { get; set; } = 5060;

    /// <summary>Transport. Default UDP.</summary>
    public SipTransportKind Transport { get; set; } = SipTransportKind.Udp;

    /// <summary>Calling search space for calls arriving on this trunk.</summary>
    public string? Css { get; set; }

    public string? DevicePool { get; set; }

    public string? Location { get; set; }

    /// <summary>"Send Geolocation Information" (checked for EMCC trunks).</summary>
    public bool SendGeolocation { get; set; }

    /// <summary>Send OPTIONS keepalives and mark the trunk down when they go unanswered. Default true.</summary>
    public bool OptionsPing { get; set; } = true;

    /// <summary>Seconds between OPTIONS pings while the trunk is up, 5-600. Default 60.</summary>
    public int OptionsPingIntervalSeconds { get; set; } = 60;
}
