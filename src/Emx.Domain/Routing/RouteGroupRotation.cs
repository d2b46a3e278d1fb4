using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Emx.Domain.Routing;

/// <summary>
/// Where each circular route group starts its next call. A snapshot is rebuilt whenever the configuration changes (and
/// periodically), so the rotation is kept outside it: whoever rebuilds snapshots passes the same rotation to each
/// <c>DialPlanSnapshot.Build</c>, and the rotation goes on where it was instead of restarting at the group's first trunk. Thread-safe.
/// </summary>
public sealed class RouteGroupRotation
{
    private readonly ConcurrentDictionary<string, StrongBox<int>> _calls = new(StringComparer.Ordinal);

    /// <summary>The index, 0 to <paramref name="trunkCount"/> - 1, of the trunk the next call through <paramref name="routeGroup"/> starts at.</summary>
    public int Next(string routeGroup, int trunkCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trunkCount);
        var calls = _calls.GetOrAdd(routeGroup, static _ => new StrongBox<int>(-1));
        return (int)((uint)Interlocked.Increment(ref calls.Value) % (uint)trunkCount);
    }
}
