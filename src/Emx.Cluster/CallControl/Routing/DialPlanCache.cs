using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using Emx.Cluster.ExtensionMobility;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Routing;
using Microsoft.EntityFrameworkCore;

namespace Emx.Cluster.CallControl.Routing;

/// <summary>
/// The dial plan as the router reads it: the <see cref="DialPlanSnapshot"/> plus the device pools, regions and SIP
/// trunks (with their far ends resolved to addresses) it needs around digit analysis. Immutable; replaced whole.
/// </summary>
public sealed class DialPlanView
{
    internal DialPlanView(
        DialPlanSnapshot snapshot,
        FrozenDictionary<string, DevicePool> devicePools,
        FrozenDictionary<string, Region> regions,
        FrozenDictionary<string, SipTrunk> trunks,
        FrozenDictionary<string, IPEndPoint> trunkEndPoints,
        long version)
    {
        Snapshot = snapshot;
        DevicePools = devicePools;
        Regions = regions;
        Trunks = trunks;
        TrunkEndPoints = trunkEndPoints;
        Version = version;
    }

    /// <summary>Digit analysis.</summary>
    public DialPlanSnapshot Snapshot { get; }

    public FrozenDictionary<string, DevicePool> DevicePools { get; }

    public FrozenDictionary<string, Region> Regions { get; }

    /// <summary>SIP trunks by name.</summary>
    public FrozenDictionary<string, SipTrunk> Trunks { get; }

    /// <summary>The resolved far end of each trunk whose destination resolved.</summary>
    public FrozenDictionary<string, IPEndPoint> TrunkEndPoints { get; }

    /// <summary>The configuration version it was built from.</summary>
    public long Version { get; }

    /// <summary>The region of a device pool, or null (the defaults).</summary>
    public Region? RegionOfPool(string? devicePool) =>
        devicePool is not null && DevicePools.TryGetValue(devicePool, out var pool) && pool.Region is { } region && Regions.TryGetValue(region, out var found)
            ? found
            : null;

    /// <summary>The trunk a request from <paramref name="source"/> arrived on: same address and port first, then same address.</summary>
    public SipTrunk? TrunkFrom(IPEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(source);
        SipTrunk? sameAddress = null;
        foreach (var (name, endPoint) in TrunkEndPoints)
        {
            if (endPoint.Address.Equals(Normalize(source.Address)))
            {
                if (endPoint.Port == source.Port)
                {
                    return Trunks[name];
                }

                sameAddress ??= Trunks[name];
            }
        }

        return sameAddress;
    }

    internal static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

/// <summary>
/// Builds the <see cref="DialPlanView"/> from the database and keeps it until the configuration changes (an apply
/// or delete on this node, seen through <see cref="SettingsCache.Version"/>) or <see cref="MaxAge"/> passes (changes
/// made through another node). The circular route groups' rotation is the cache's, not a view's, so a rebuild does not
/// send the next call back to a group's first trunk.
/// </summary>
public sealed class DialPlanCache(IEmxDbContextFactory contexts, SettingsCache settings, TimeProvider time) : IDisposable
{
    /// <summary>How long a view is used before it is rebuilt even without a local change.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _building = new(1, 1);

    // Outlives the views: circular route groups go on rotating across rebuilds.
    private readonly RouteGroupRotation _rotation = new();
    private (DialPlanView View, DateTimeOffset Built)? _current;

    /// <summary>The current view, rebuilt first when stale.</summary>
    public async ValueTask<DialPlanView> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } view)
        {
            return view;
        }

        await _building.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } built)
            {
                return built;
            }

            var version = settings.Version;
            var rebuilt = await BuildAsync(version, cancellationToken).ConfigureAwait(false);
            _current = (rebuilt, time.GetUtcNow());
            return rebuilt;
        }
        finally
        {
            _building.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _building.Dispose();

    private DialPlanView? Fresh() =>
        _current is { } current && current.View.Version == settings.Version && time.GetUtcNow() - current.Built < MaxAge ? current.View : null;

    private async Task<DialPlanView> BuildAsync(long version, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var spaces = await db.Config<CallingSearchSpace>().AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var patterns = await db.Config<RoutePattern>().AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var lists = await db.Config<RouteList>().AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var groups = await db.Config<RouteGroup>().AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var trunks = await db.Config<SipTrunk>().AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var pools = await db.Config<DevicePool>().AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var regions = await db.Config<Region>().AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var numbers = await db.DirectoryNumbers.AsNoTracking()
            .Select(d => new DirectoryNumberEntry(d.Dn, d.Partition))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var snapshot = DialPlanSnapshot.Build(spaces, patterns, lists, groups, trunks, pools, numbers, _rotation);

        var endPoints = new Dictionary<string, IPEndPoint>(StringComparer.Ordinal);
        foreach (var trunk in trunks)
        {
            if (await ResolveAsync(trunk.Destination, cancellationToken).ConfigureAwait(false) is { } address)
            {
                endPoints[trunk.Name] = new IPEndPoint(address, trunk.Port);
            }
        }

        return new DialPlanView(
            snapshot,
            pools.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal),
            regions.ToFrozenDictionary(r => r.Name, StringComparer.Ordinal),
            trunks.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal),
            endPoints.ToFrozenDictionary(StringComparer.Ordinal),
            version);
    }

    /// <summary>An IP literal, or the first IPv4 (else IPv6) address of a host name; null when it does not resolve in time.</summary>
    private static async Task<IPAddress?> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return DialPlanView.Normalize(literal);
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ResolveTimeout);
            var addresses = await Dns.GetHostAddressesAsync(host, timeout.Token).ConfigureAwait(false);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
