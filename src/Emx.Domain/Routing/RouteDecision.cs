namespace Emx.Domain.Routing;

/// <summary>What a caller wants routed.</summary>
public sealed record RoutingRequest
{
    /// <summary>
    /// The calling search spaces the caller uses, highest priority first: their partitions are concatenated in this
    /// order and a partition listed again keeps its first position. A phone passes <c>[line CSS, device CSS]</c>; an
    /// EMCC-logged-in phone <c>[adjunct CSS, line CSS, EMCC CSS]</c>. Null or empty entries (a CSS of &lt;None&gt;)
    /// and names of unknown CSSs add no partitions.
    /// </summary>
    public required IReadOnlyList<string?> CallingSearchSpaces { get; init; }

    /// <summary>The dialed string as received (the user part of the SIP Request-URI).</summary>
    public required string DialedDigits { get; init; }

    /// <summary>The calling device's device pool; decides the Standard Local Route Group. Null when it has none.</summary>
    public string? DevicePool { get; init; }

    /// <summary>
    /// For an EMCC-logged-in phone: the Standard Local Route Group is the PSTN Access SIP trunk back to the visiting
    /// cluster (reference 3.5), not the device pool's local route group. Null for every other caller.
    /// </summary>
    public string? LocalRouteTrunk { get; init; }
}

/// <summary>One trunk to try, in order, for a routed call.</summary>
/// <param name="Trunk">SIP trunk name.</param>
/// <param name="RouteGroup">The route group the trunk came from; null when the route pattern names the trunk itself.</param>
public readonly record struct RouteAttempt(string Trunk, string? RouteGroup);

/// <summary>
/// The outcome of digit analysis for one call: a closed set of cases, mapped to SIP once by the call control core.
/// </summary>
public abstract record RouteDecision
{
    private RouteDecision()
    {
    }

    /// <summary>The closest match is a directory number (a line on a phone or device profile).</summary>
    /// <param name="Dn">The directory number ('+' unescaped).</param>
    /// <param name="Partition">Its partition; empty for &lt;None&gt;.</param>
    public sealed record DirectoryNumber(string Dn, string Partition) : RouteDecision;

    /// <summary>The closest match is a route pattern that routes: try <paramref name="Attempts"/> in order.</summary>
    /// <param name="Pattern">The route pattern as configured.</param>
    /// <param name="Partition">Its partition; empty for &lt;None&gt;.</param>
    /// <param name="CalledDigits">The called number after Discard Digits (PreDot) and Prefix Digits.</param>
    /// <param name="Attempts">Trunks in hunting order (route list order, then each route group's distribution).</param>
    public sealed record Route(string Pattern, string Partition, string CalledDigits, IReadOnlyList<RouteAttempt> Attempts)
        : RouteDecision;

    /// <summary>The closest match is a route pattern set to Block This Pattern (CUCM plays reorder; SIP 403).</summary>
    public sealed record Blocked(string Pattern, string Partition) : RouteDecision;

    /// <summary>
    /// The closest match is a route pattern whose destination expands to no trunk (an empty route list, or only a
    /// Standard Local Route Group the caller's device pool does not set). CUCM plays reorder; SIP 503.
    /// </summary>
    public sealed record RouteUnavailable(string Pattern, string Partition, string Destination) : RouteDecision;

    /// <summary>Nothing in the caller's partitions matches (SIP 404 Not Found).</summary>
    public sealed record NoRoute : RouteDecision
    {
        /// <summary>The one value.</summary>
        public static NoRoute Instance { get; } = new();
    }

    /// <summary>The dialed string is not analysable (see <see cref="DialStringError"/> for the SIP answer).</summary>
    public sealed record InvalidDialString(DialStringError Error) : RouteDecision;
}
