using System.Collections.Frozen;
using System.Numerics;
using Emx.Domain.Configuration;

namespace Emx.Domain.Routing;

/// <summary>A directory number that exists in the cluster: a line of a phone or device profile.</summary>
/// <param name="Dn">The number; a leading <c>\+</c> is read as '+'.</param>
/// <param name="Partition">Its partition; null or empty for &lt;None&gt;.</param>
public readonly record struct DirectoryNumberEntry(string Dn, string? Partition);

/// <summary>
/// The cluster's dial plan, built once from configuration and then read by any number of calls at once: digit
/// analysis (closest match across the caller's partitions) and route expansion (route list, route groups, trunks).
/// </summary>
/// <remarks>
/// <para>
/// Partitions searched: those of the request's calling search spaces in order, then &lt;None&gt; (every caller
/// reaches it; it ranks last unless a CSS lists it).
/// </para>
/// <para>
/// Closest match: the candidate matching the fewest strings of the dialed length wins
/// (<see cref="DigitPattern.MatchCount"/>; a directory number counts 1). On a tie, the partition that comes first
/// wins (CUCM's documented rule). Within one partition a tie, which CUCM leaves unspecified, goes to a directory
/// number, then a fixed-length pattern (<c>1XXX</c> before <c>1!</c>), then the pattern text in ordinal order, so the
/// outcome never depends on configuration order.
/// </para>
/// <para>
/// Destinations: a route pattern names a route list, a route group or a SIP trunk (looked up in that order), or
/// <c>StandardLocalRouteGroup</c>. Names that resolve to nothing, and trunks missing from a group, are skipped: the
/// configuration validator is the gate, the snapshot never throws on a call.
/// </para>
/// </remarks>
public sealed class DialPlanSnapshot
{
    private const string NonePartition = "";

    private readonly FrozenDictionary<string, string[]> _callingSearchSpaces;
    private readonly FrozenDictionary<string, PartitionEntries> _partitions;
    private readonly FrozenDictionary<string, string[]> _routeLists;
    private readonly FrozenDictionary<string, GroupEntry> _routeGroups;
    private readonly FrozenSet<string> _trunks;
    private readonly FrozenDictionary<string, string?> _localRouteGroups;

    private DialPlanSnapshot(
        FrozenDictionary<string, string[]> callingSearchSpaces,
        FrozenDictionary<string, PartitionEntries> partitions,
        FrozenDictionary<string, string[]> routeLists,
        FrozenDictionary<string, GroupEntry> routeGroups,
        FrozenSet<string> trunks,
        FrozenDictionary<string, string?> localRouteGroups)
    {
        _callingSearchSpaces = callingSearchSpaces;
        _partitions = partitions;
        _routeLists = routeLists;
        _routeGroups = routeGroups;
        _trunks = trunks;
        _localRouteGroups = localRouteGroups;
    }

    /// <summary>
    /// Builds a snapshot. The inputs are read once and not kept: later changes to them do not show. Invalid route
    /// patterns (which the validator rejects) never match; a second pattern with the same text and partition is
    /// ignored. Partitions need no list of their own: a partition is reached through the CSSs that name it and holds
    /// the directory numbers and patterns that name it. Circular route groups rotate with <paramref name="rotation"/>
    /// (pass the one the previous snapshot was built with to carry the rotation on); null starts a new one.
    /// </summary>
    public static DialPlanSnapshot Build(
        IEnumerable<CallingSearchSpace> callingSearchSpaces,
        IEnumerable<RoutePattern> routePatterns,
        IEnumerable<RouteList> routeLists,
        IEnumerable<RouteGroup> routeGroups,
        IEnumerable<SipTrunk> sipTrunks,
        IEnumerable<DevicePool> devicePools,
        IEnumerable<DirectoryNumberEntry> directoryNumbers,
        RouteGroupRotation? rotation = null)
    {
        ArgumentNullException.ThrowIfNull(callingSearchSpaces);
        ArgumentNullException.ThrowIfNull(routePatterns);
        ArgumentNullException.ThrowIfNull(routeLists);
        ArgumentNullException.ThrowIfNull(routeGroups);
        ArgumentNullException.ThrowIfNull(sipTrunks);
        ArgumentNullException.ThrowIfNull(devicePools);
        ArgumentNullException.ThrowIfNull(directoryNumbers);

        var css = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var space in callingSearchSpaces)
        {
            css.TryAdd(space.Name, [.. space.Partitions.Distinct(StringComparer.Ordinal)]);
        }

        var dns = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var entry in directoryNumbers)
        {
            var dn = entry.Dn.StartsWith("\\+", StringComparison.Ordinal) ? entry.Dn[1..] : entry.Dn;
            GetOrAdd(dns, entry.Partition ?? NonePartition).Add(dn);
        }

        var patterns = new Dictionary<string, List<CompiledPattern>>(StringComparer.Ordinal);
        var patternKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in routePatterns)
        {
            if (patternKeys.Add(pattern.Key) && DigitPattern.TryCompile(pattern.Pattern, out var compiled))
            {
                var list = GetOrAdd(patterns, pattern.Partition);
                list.Add(new CompiledPattern(
                    compiled,
                    pattern.Partition,
                    pattern.Destination,
                    pattern.Block,
                    pattern.DiscardPreDot,
                    pattern.PrefixDigits ?? ""));
            }
        }

        var partitions = new Dictionary<string, PartitionEntries>(StringComparer.Ordinal);
        foreach (var name in dns.Keys.Union(patterns.Keys, StringComparer.Ordinal))
        {
            partitions[name] = new PartitionEntries(
                dns.TryGetValue(name, out var set) ? set.ToFrozenSet(StringComparer.Ordinal) : FrozenSet<string>.Empty,
                patterns.TryGetValue(name, out var list) ? [.. list] : []);
        }

        var trunks = sipTrunks.Select(t => t.Name).ToFrozenSet(StringComparer.Ordinal);
        rotation ??= new RouteGroupRotation();
        var groups = new Dictionary<string, GroupEntry>(StringComparer.Ordinal);
        foreach (var group in routeGroups)
        {
            groups.TryAdd(group.Name, new GroupEntry(
                group.Name,
                [.. group.Members.Where(trunks.Contains)],
                group.Distribution == RouteGroupDistribution.Circular ? rotation : null));
        }

        var lists = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var list in routeLists)
        {
            lists.TryAdd(list.Name, [.. list.Members]);
        }

        var pools = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var pool in devicePools)
        {
            pools.TryAdd(pool.Name, string.IsNullOrEmpty(pool.LocalRouteGroup) ? null : pool.LocalRouteGroup);
        }

        return new DialPlanSnapshot(
            css.ToFrozenDictionary(StringComparer.Ordinal),
            partitions.ToFrozenDictionary(StringComparer.Ordinal),
            lists.ToFrozenDictionary(StringComparer.Ordinal),
            groups.ToFrozenDictionary(StringComparer.Ordinal),
            trunks,
            pools.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>
    /// Builds a snapshot from a whole configuration: its dial plan objects and device pools, and the lines of its
    /// phones and device profiles as directory numbers.
    /// </summary>
    public static DialPlanSnapshot Build(ProvisioningDocument configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Build(
            configuration.CallingSearchSpaces,
            configuration.RoutePatterns,
            configuration.RouteLists,
            configuration.RouteGroups,
            configuration.SipTrunks,
            configuration.DevicePools,
            DirectoryNumbersOf(configuration.Phones.Concat<DeviceBase>(configuration.DeviceProfiles)));
    }

    /// <summary>The directory numbers of the lines of <paramref name="devices"/>.</summary>
    public static IEnumerable<DirectoryNumberEntry> DirectoryNumbersOf(IEnumerable<DeviceBase> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        return devices.SelectMany(d => d.Lines).Select(l => new DirectoryNumberEntry(l.Dn, l.Partition));
    }

    /// <summary>Digit analysis and route expansion for one call.</summary>
    public RouteDecision Resolve(RoutingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var dialed = request.DialedDigits ?? "";
        if (!DialString.IsValid(dialed, out var error))
        {
            return new RouteDecision.InvalidDialString(error);
        }

        var best = default(Candidate);
        var rank = 0;
        var spaces = request.CallingSearchSpaces;
        var noneListed = false;
        for (var i = 0; i < spaces.Count; i++)
        {
            var partitions = Partitions(spaces[i]);
            for (var j = 0; j < partitions.Length; j++)
            {
                if (ListedBefore(spaces, i, partitions[j]))
                {
                    continue;
                }

                noneListed |= partitions[j].Length == 0;
                Consider(partitions[j], rank++, dialed, ref best);
            }
        }

        if (!noneListed)
        {
            Consider(NonePartition, rank, dialed, ref best);
        }

        if (!best.Found)
        {
            return RouteDecision.NoRoute.Instance;
        }

        if (best.Pattern is null)
        {
            return new RouteDecision.DirectoryNumber(dialed, best.Partition);
        }

        var pattern = best.Pattern;
        if (pattern.Block)
        {
            return new RouteDecision.Blocked(pattern.Compiled.Text, pattern.Partition);
        }

        var attempts = Expand(pattern.Destination, request);
        if (attempts.Count == 0)
        {
            return new RouteDecision.RouteUnavailable(pattern.Compiled.Text, pattern.Partition, pattern.Destination);
        }

        var kept = pattern.DiscardPreDot ? dialed.AsSpan(best.Match.PreDotLength) : dialed.AsSpan();
        var called = pattern.PrefixDigits.Length == 0 && kept.Length == dialed.Length
            ? dialed
            : string.Concat(pattern.PrefixDigits, kept);
        return new RouteDecision.Route(pattern.Compiled.Text, pattern.Partition, called, attempts);
    }

    private static TValue GetOrAdd<TValue>(Dictionary<string, TValue> map, string key)
        where TValue : new()
    {
        if (!map.TryGetValue(key, out var value))
        {
            value = new TValue();
            map[key] = value;
        }

        return value;
    }

    private string[] Partitions(string? css) =>
        css is not null && _callingSearchSpaces.TryGetValue(css, out var partitions) ? partitions : [];

    // A partition listed by an earlier CSS of the request keeps that earlier position (CSS partitions are distinct).
    private bool ListedBefore(IReadOnlyList<string?> spaces, int index, string partition)
    {
        for (var i = 0; i < index; i++)
        {
            if (Array.IndexOf(Partitions(spaces[i]), partition) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private void Consider(string partition, int rank, string dialed, ref Candidate best)
    {
        if (!_partitions.TryGetValue(partition, out var entries))
        {
            return;
        }

        if (entries.DirectoryNumbers.Contains(dialed))
        {
            // A directory number matches one string; it only loses a tie to an earlier partition.
            if (!best.Found || best.Count > BigInteger.One)
            {
                best = new Candidate(true, BigInteger.One, rank, partition, null, default);
            }
        }

        foreach (var pattern in entries.Patterns)
        {
            if (!pattern.Compiled.TryMatch(dialed, out var match))
            {
                continue;
            }

            var count = pattern.Compiled.MatchCount(dialed.Length);
            if (!best.Found || count < best.Count || (count == best.Count && rank == best.Rank && WinsTie(pattern, best.Pattern)))
            {
                best = new Candidate(true, count, rank, partition, pattern, match);
            }
        }
    }

    // Same count, same partition: a directory number (current null) stays; fixed length beats variable length; then
    // ordinal pattern text.
    private static bool WinsTie(CompiledPattern challenger, CompiledPattern? current)
    {
        if (current is null)
        {
            return false;
        }

        if (challenger.Compiled.IsFixedLength != current.Compiled.IsFixedLength)
        {
            return challenger.Compiled.IsFixedLength;
        }

        return string.CompareOrdinal(challenger.Compiled.Text, current.Compiled.Text) < 0;
    }

    private List<RouteAttempt> Expand(string destination, RoutingRequest request)
    {
        var attempts = new List<RouteAttempt>();
        if (_routeLists.TryGetValue(destination, out var members))
        {
            foreach (var member in members)
            {
                AddGroup(attempts, member, request);
            }
        }
        else if (destination == ConfigKinds.StandardLocalRouteGroup || _routeGroups.ContainsKey(destination))
        {
            AddGroup(attempts, destination, request);
        }
        else if (_trunks.Contains(destination))
        {
            attempts.Add(new RouteAttempt(destination, null));
        }

        return attempts;
    }

    private void AddGroup(List<RouteAttempt> attempts, string name, RoutingRequest request)
    {
        var devicePool = request.DevicePool;
        if (name == ConfigKinds.StandardLocalRouteGroup && request.LocalRouteTrunk is { } trunk)
        {
            if (_trunks.Contains(trunk))
            {
                attempts.Add(new RouteAttempt(trunk, ConfigKinds.StandardLocalRouteGroup));
            }

            return;
        }

        if (name == ConfigKinds.StandardLocalRouteGroup)
        {
            // The caller's device pool decides; no pool, or a pool without a Local Route Group, skips the member.
            if (devicePool is null || !_localRouteGroups.TryGetValue(devicePool, out var local) || local is null)
            {
                return;
            }

            name = local;
        }

        if (_routeGroups.TryGetValue(name, out var group))
        {
            group.AddAttempts(attempts);
        }
    }

    private readonly record struct Candidate(
        bool Found,
        BigInteger Count,
        int Rank,
        string Partition,
        CompiledPattern? Pattern,
        PatternMatch Match);

    private sealed record PartitionEntries(FrozenSet<string> DirectoryNumbers, CompiledPattern[] Patterns);

    private sealed record CompiledPattern(
        DigitPattern Compiled,
        string Partition,
        string Destination,
        bool Block,
        bool DiscardPreDot,
        string PrefixDigits);

    /// <param name="name">The route group.</param>
    /// <param name="trunks">Its trunks, in order.</param>
    /// <param name="rotation">The rotation of a circular group; null for top down.</param>
    private sealed class GroupEntry(string name, string[] trunks, RouteGroupRotation? rotation)
    {
        public void AddAttempts(List<RouteAttempt> attempts)
        {
            if (trunks.Length == 0)
            {
                return;
            }

            // Circular: each call starts one trunk further on than the previous call through this group.
            var start = rotation?.Next(name, trunks.Length) ?? 0;
            for (var i = 0; i < trunks.Length; i++)
            {
                attempts.Add(new RouteAttempt(trunks[(start + i) % trunks.Length], name));
            }
        }
    }
}
