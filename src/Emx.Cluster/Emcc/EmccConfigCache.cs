using Emx.Cluster.ExtensionMobility;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Emx.Cluster.Emcc;

/// <summary>
/// The configuration an EMCC login reads on every request and an administrator rarely changes (remote clusters, the
/// default EMCC template, TFTP servers, device pools, geolocations and the EMCC geolocation filter, phone models and
/// device security profiles), read together and kept like <see cref="SettingsCache"/>'s sections: dropped when this
/// node applies configuration (<see cref="SettingsCache.Version"/>), re-read after <see cref="SettingsCache.Lifetime"/>
/// so changes made through another node arrive too. Runtime state (sessions, logins, remote cluster status) is
/// never cached.
/// </summary>
internal sealed class EmccConfigCache(IEmxDbContextFactory contexts, SettingsCache settings, TimeProvider time)
{
    private Snapshot? _current;

    /// <summary>The configuration, from the cache or the database.</summary>
    public async Task<Snapshot> GetAsync(CancellationToken cancellationToken)
    {
        var version = settings.Version;
        var feature = await settings.GetAsync<EmccFeatureConfiguration>(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var current = Volatile.Read(ref _current);
        if (current is not null && current.Version == version && ReferenceEquals(current.Feature, feature) && now - current.Read < SettingsCache.Lifetime)
        {
            return current;
        }

        await using var db = contexts.Create();
        var remotes = await db.Config<RemoteCluster>().AsNoTracking().OrderBy(r => r.ClusterId).ToListAsync(cancellationToken).ConfigureAwait(false);
        var nodes = await db.Nodes.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var template = await db.Config<EmccTemplate>().AsNoTracking().FirstOrDefaultAsync(t => t.Default, cancellationToken).ConfigureAwait(false);
        var securityProfiles = await db.Config<DeviceSecurityProfile>().AsNoTracking().ToDictionaryAsync(p => p.Name, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        var models = await db.Config<PhoneModel>().AsNoTracking().ToDictionaryAsync(m => m.Name, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        var pools = await db.Config<DevicePool>().AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var geolocations = await db.Config<Geolocation>().AsNoTracking().ToDictionaryAsync(g => g.Name, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        var filter = feature.EmccGeolocationFilter is { } filterName
            ? await db.Config<GeolocationFilter>().AsNoTracking().FirstOrDefaultAsync(f => f.Name == filterName, cancellationToken).ConfigureAwait(false)
            : null;
        var snapshot = new Snapshot
        {
            Version = version,
            Feature = feature,
            Read = now,
            Remotes = remotes,
            Tftp1 = TftpAddress(nodes, feature.DefaultTftpServerForEmccLoginDevice),
            Tftp2 = TftpAddress(nodes, feature.BackupTftpServerForEmccLoginDevice),
            DefaultTemplate = template,
            SecurityProfiles = securityProfiles,
            Models = models,
            DevicePools = pools,
            Geolocations = geolocations,
            GeolocationFilter = filter,
        };
        Volatile.Write(ref _current, snapshot);
        return snapshot;
    }

    /// <summary>Forgets the snapshot (tests; an apply on this node does it through <see cref="SettingsCache.Version"/>).</summary>
    public void Invalidate() => Volatile.Write(ref _current, null);

    /// <summary>A node's configuration server (host:port) when <paramref name="server"/> names a node, else the name as given; null when unset.</summary>
    private static string? TftpAddress(IReadOnlyList<ClusterNode> nodes, string? server)
    {
        if (string.IsNullOrWhiteSpace(server))
        {
            return null;
        }

        var node = nodes.Where(n => n.Name == server || n.Address == server).OrderBy(n => n.Name, StringComparer.Ordinal).FirstOrDefault();
        return node is { ConfigPort: > 0 } ? node.Address + ":" + node.ConfigPort.ToString(System.Globalization.CultureInfo.InvariantCulture) : server;
    }

    /// <summary>One read of the configuration.</summary>
    public sealed class Snapshot
    {
        public required long Version { get; init; }

        public required EmccFeatureConfiguration Feature { get; init; }

        public required DateTimeOffset Read { get; init; }

        /// <summary>Remote clusters (Cluster View) by cluster id order.</summary>
        public required IReadOnlyList<RemoteCluster> Remotes { get; init; }

        /// <summary>Default TFTP Server for EMCC Login Device, as host:port when it names a node; null when unset.</summary>
        public required string? Tftp1 { get; init; }

        /// <summary>Backup TFTP Server for EMCC Login Device.</summary>
        public required string? Tftp2 { get; init; }

        /// <summary>The default EMCC template, if any.</summary>
        public required EmccTemplate? DefaultTemplate { get; init; }

        /// <summary>Device security profiles by name.</summary>
        public required IReadOnlyDictionary<string, DeviceSecurityProfile> SecurityProfiles { get; init; }

        /// <summary>Phone models by name.</summary>
        public required IReadOnlyDictionary<string, PhoneModel> Models { get; init; }

        /// <summary>Every device pool.</summary>
        public required IReadOnlyList<DevicePool> DevicePools { get; init; }

        /// <summary>Geolocations by name.</summary>
        public required IReadOnlyDictionary<string, Geolocation> Geolocations { get; init; }

        /// <summary>The EMCC Geolocation Filter of the feature parameters, if set and existing.</summary>
        public required GeolocationFilter? GeolocationFilter { get; init; }

        /// <summary>The remote cluster with this id, or null.</summary>
        public RemoteCluster? Remote(string clusterId) => Remotes.FirstOrDefault(r => string.Equals(r.ClusterId, clusterId, StringComparison.Ordinal));
    }
}
