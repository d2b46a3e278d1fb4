using System.Data.Common;
using Emx.Cluster.Configuration;
using Emx.Cluster.ExtensionMobility;
using Emx.Cluster.Provisioning;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Protocols.Emcc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.Emcc;

/// <summary>A remote cluster as the Remote Cluster window shows it: what is configured here and what the last update learnt.</summary>
/// <param name="ClusterId">Cluster Id.</param>
/// <param name="FullyQualifiedName">Fully Qualified Name (address of the remote EMService).</param>
/// <param name="HttpsPort">Port of the remote EMService.</param>
/// <param name="Emcc">EMCC enabled here for the remote cluster.</param>
/// <param name="PstnAccess">PSTN Access enabled here.</param>
/// <param name="RsvpAgent">RSVP Agent enabled here.</param>
/// <param name="RemoteVersion">The remote cluster's version as it last answered, or null.</param>
/// <param name="EmccRemoteActivated">Remote Activated for EMCC, or null when never updated (visiting logins then still try the cluster).</param>
/// <param name="PstnAccessRemoteActivated">Remote Activated for PSTN Access, or null when never updated.</param>
/// <param name="RsvpAgentRemoteActivated">Remote Activated for RSVP Agent, or null when never updated.</param>
/// <param name="LastUpdate">When the last update was attempted, or null.</param>
/// <param name="LastError">Why the last update did not activate the services (<c>208: ...</c> no reply, <c>42: ...</c> cluster id mismatch), or null.</param>
public sealed record RemoteClusterState(
    string ClusterId,
    string FullyQualifiedName,
    int HttpsPort,
    bool Emcc,
    bool PstnAccess,
    bool RsvpAgent,
    string? RemoteVersion,
    bool? EmccRemoteActivated,
    bool? PstnAccessRemoteActivated,
    bool? RsvpAgentRemoteActivated,
    DateTimeOffset? LastUpdate,
    string? LastError)
{
    internal static RemoteClusterState Of(RemoteCluster remote, RemoteClusterStatus? status) => new(
        remote.ClusterId, remote.FullyQualifiedName, remote.HttpsPort, remote.Emcc, remote.PstnAccess, remote.RsvpAgent,
        status?.RemoteVersion, status?.EmccRemoteActivated, status?.PstnAccessRemoteActivated, status?.RsvpAgentRemoteActivated,
        status?.LastUpdate, status?.LastError);
}

/// <summary>Whether this node runs the periodic remote cluster update.</summary>
public enum RemoteClusterUpdateRole
{
    /// <summary>Not this node: only Update Remote Cluster Now runs here.</summary>
    None,

    /// <summary>The Default Server For Remote Cluster Update (or, with none set, any node running Extension Mobility).</summary>
    Default,

    /// <summary>The Backup Server for Remote Cluster Update: updates a remote cluster only when the default has let it go a whole interval late.</summary>
    Backup,
}

/// <summary>
/// The remote cluster update (reference 3.3; seed "Visiting Device Login Limitations"): every Remote Cluster Update
/// Interval minutes this cluster asks each remote cluster for its version and the EMCC services it has active
/// (<see cref="EmccRequestType.ClusterInfo"/>) and records the answer in <see cref="RemoteClusterStatus"/>. No reply
/// sets every Remote Activated to false (EMCC logins towards that cluster then fail with 208 until the next update or
/// Update Remote Cluster Now); a reply from a cluster whose id is not the configured Cluster Id does too, with error
/// 42 (Invalid ClusterID), which visiting logins show as 212.
/// </summary>
/// <remarks>
/// Which node runs it: the node the EMCC feature parameter Default Server For Remote Cluster Update names (by node
/// name or address); with that parameter unset, every node running Cisco Extension Mobility. The node the Backup
/// Server parameter names updates a remote cluster only when its last update is more than two intervals old, that
/// is, when the default node has missed a whole interval (down, or not running). The schedule comes from the stored
/// <see cref="RemoteClusterStatus.LastUpdate"/>, so a restart resumes it; a remote cluster never updated, or whose
/// address changed (provisioning then drops its status), is updated at once.
/// </remarks>
public sealed partial class RemoteClusterUpdater(
    IEmxDbContextFactory contexts,
    SettingsCache settings,
    EmccService emcc,
    EmccPeerClient peers,
    EmxConfigFile config,
    TimeProvider time,
    ILogger<RemoteClusterUpdater> logger) : BackgroundService
{
    /// <summary>Longest sleep between looks at the schedule, so remote clusters added or changed elsewhere are noticed.</summary>
    public static readonly TimeSpan MaximumSleep = TimeSpan.FromMinutes(1);

    /// <summary>How <see cref="RemoteClusterStatus.LastError"/> starts when the remote cluster did not answer (EMService error 208).</summary>
    public const string NoReplyPrefix = "208:";

    /// <summary>How <see cref="RemoteClusterStatus.LastError"/> starts on a cluster id mismatch (EMService error 42, Invalid ClusterID).</summary>
    public const string ClusterIdMismatchPrefix = "42:";

    private readonly KeyedLocks _locks = new();

    /// <summary>Whether a recorded error is a cluster id mismatch.</summary>
    public static bool IsClusterIdMismatch(string? lastError) => lastError?.StartsWith(ClusterIdMismatchPrefix, StringComparison.Ordinal) == true;

    /// <summary>How <see cref="RemoteClusterStatus.LastError"/> starts when the remote cluster took the request but did not answer in time (EMService error 40).</summary>
    public const string NoResponsePrefix = "40:";

    /// <summary>Whether a recorded error is "no reply": no connection (208) or no answer in time (40).</summary>
    public static bool IsNoReply(string? lastError) =>
        lastError is not null && (lastError.StartsWith(NoReplyPrefix, StringComparison.Ordinal) || lastError.StartsWith(NoResponsePrefix, StringComparison.Ordinal));

    /// <summary>This node's part in the periodic update, from the EMCC feature configuration.</summary>
    public async Task<RemoteClusterUpdateRole> RoleAsync(CancellationToken cancellationToken)
    {
        var feature = await settings.GetAsync<EmccFeatureConfiguration>(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(feature.DefaultServerForRemoteClusterUpdate))
        {
            return config.Node.Services.Contains(NodeService.ExtensionMobility) ? RemoteClusterUpdateRole.Default : RemoteClusterUpdateRole.None;
        }

        return IsThisNode(feature.DefaultServerForRemoteClusterUpdate) ? RemoteClusterUpdateRole.Default
            : IsThisNode(feature.BackupServerForRemoteClusterUpdate) ? RemoteClusterUpdateRole.Backup
            : RemoteClusterUpdateRole.None;
    }

    private bool IsThisNode(string? server) =>
        !string.IsNullOrWhiteSpace(server)
        && (string.Equals(server.Trim(), config.Node.Name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(server.Trim(), config.Node.Address, StringComparison.OrdinalIgnoreCase));

    /// <summary>The remote clusters and their statuses, by Cluster Id.</summary>
    public async Task<IReadOnlyList<RemoteClusterState>> StatesAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var remotes = await db.Config<RemoteCluster>().AsNoTracking().OrderBy(r => r.ClusterId).ToListAsync(cancellationToken).ConfigureAwait(false);
        var statuses = await db.RemoteClusterStatuses.AsNoTracking().ToDictionaryAsync(s => s.ClusterId, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        return [.. remotes.Select(r => RemoteClusterState.Of(r, statuses.GetValueOrDefault(r.ClusterId)))];
    }

    /// <summary>
    /// Update Remote Cluster Now: asks one remote cluster at once and records its answer. Null when no remote cluster
    /// has that id.
    /// </summary>
    public async Task<RemoteClusterState?> UpdateAsync(string clusterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clusterId);
        using var held = await _locks.AcquireAsync(["remote:" + clusterId], cancellationToken).ConfigureAwait(false);
        RemoteCluster? remote;
        await using (var db = contexts.Create())
        {
            remote = await db.Config<RemoteCluster>().AsNoTracking().FirstOrDefaultAsync(r => r.ClusterId == clusterId, cancellationToken).ConfigureAwait(false);
        }

        if (remote is null)
        {
            return null;
        }

        var me = await emcc.IdentityAsync(cancellationToken).ConfigureAwait(false);
        var answer = await peers.SendAsync(remote, new EmccRequest { Type = EmccRequestType.ClusterInfo, From = me }, cancellationToken).ConfigureAwait(false);
        return await RecordAsync(remote, me, answer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Updates every remote cluster whose update is due for this node's role, and returns when the next one falls due
    /// (null when this node has no role or there is no remote cluster).
    /// </summary>
    public async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        var role = await RoleAsync(cancellationToken).ConfigureAwait(false);
        if (role == RemoteClusterUpdateRole.None)
        {
            return null;
        }

        var feature = await settings.GetAsync<EmccFeatureConfiguration>(cancellationToken).ConfigureAwait(false);
        var interval = TimeSpan.FromMinutes(Math.Clamp(feature.RemoteClusterUpdateInterval, 15, 10080));
        var wait = role == RemoteClusterUpdateRole.Backup ? interval * 2 : interval;
        List<string> clusters;
        Dictionary<string, DateTimeOffset?> lastUpdates;
        await using (var db = contexts.Create())
        {
            clusters = await db.Config<RemoteCluster>().AsNoTracking().OrderBy(r => r.ClusterId).Select(r => r.ClusterId).ToListAsync(cancellationToken).ConfigureAwait(false);
            lastUpdates = await db.RemoteClusterStatuses.AsNoTracking().ToDictionaryAsync(s => s.ClusterId, s => s.LastUpdate, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        }

        DateTimeOffset? next = null;
        foreach (var clusterId in clusters)
        {
            var due = lastUpdates.GetValueOrDefault(clusterId) is { } last ? last + wait : DateTimeOffset.MinValue;
            if (due <= time.GetUtcNow())
            {
                var state = await UpdateAsync(clusterId, cancellationToken).ConfigureAwait(false);
                due = (state?.LastUpdate ?? time.GetUtcNow()) + wait;
            }

            next = next is { } earlier && earlier <= due ? earlier : due;
        }

        return next;
    }

    private async Task<RemoteClusterState?> RecordAsync(RemoteCluster polled, EmccClusterInfo me, EmccResponse answer, CancellationToken cancellationToken)
    {
        string? error = null;
        IReadOnlyList<string> services = [];
        string? version = null;
        if (answer.ErrorCode is { } code)
        {
            error = code == 42
                ? $"{ClusterIdMismatchPrefix} Invalid ClusterID: {polled.ClusterId} does not know this cluster's id {me.Id}"
                : $"{code.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {answer.ErrorText}";
        }
        else if (answer.ClusterInfo is not { } info)
        {
            error = "1: the answer carries no cluster information";
        }
        else if (!string.Equals(info.Cluster.Id, polled.ClusterId, StringComparison.Ordinal))
        {
            // The configured Cluster Id must equal the remote cluster's Cluster ID enterprise parameter (reference 3.3).
            error = $"{ClusterIdMismatchPrefix} Invalid ClusterID: {polled.FullyQualifiedName}:{polled.HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture)} answered as cluster '{info.Cluster.Id}', not '{polled.ClusterId}'";
        }
        else
        {
            services = info.Services;
            version = info.Cluster.Version;
        }

        await using var db = contexts.Create();

        // Written only if the remote cluster still has the address that was asked: an answer about an address that
        // provisioning has since changed says nothing about the cluster. On SQLite the transaction is BEGIN IMMEDIATE
        // (and the write gate), so the check and the write are one step; on PostgreSQL a change committed between them
        // is corrected by the next update.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var current = await db.Config<RemoteCluster>().AsNoTracking().FirstOrDefaultAsync(r => r.ClusterId == polled.ClusterId, cancellationToken).ConfigureAwait(false);
        var status = await db.RemoteClusterStatuses.FirstOrDefaultAsync(s => s.ClusterId == polled.ClusterId, cancellationToken).ConfigureAwait(false);
        if (current is null || current.FullyQualifiedName != polled.FullyQualifiedName || current.HttpsPort != polled.HttpsPort)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            LogSuperseded(logger, polled.ClusterId);
            return current is null ? null : RemoteClusterState.Of(current, status);
        }

        (bool Emcc, string? Error)? before = status is null ? null : (status.EmccRemoteActivated, status.LastError);
        if (status is null)
        {
            status = new RemoteClusterStatus { ClusterId = polled.ClusterId };
            db.RemoteClusterStatuses.Add(status);
        }

        status.RemoteVersion = version ?? status.RemoteVersion;
        status.EmccRemoteActivated = services.Contains("emcc");
        status.PstnAccessRemoteActivated = services.Contains("pstnAccess");
        status.RsvpAgentRemoteActivated = services.Contains("rsvpAgent");
        var now = time.GetUtcNow();
        status.LastUpdate = now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerMillisecond)); // as stored: the answer equals a later read
        status.LastError = error;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        if (before != (status.EmccRemoteActivated, status.LastError))
        {
            LogChanged(logger, polled.ClusterId, status.RemoteVersion ?? "?", status.EmccRemoteActivated, status.PstnAccessRemoteActivated, status.RsvpAgentRemoteActivated, error ?? "none");
        }
        else
        {
            LogUnchanged(logger, polled.ClusterId, status.EmccRemoteActivated, error ?? "none");
        }

        return RemoteClusterState.Of(current, status);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var next = await RunDueAsync(stoppingToken).ConfigureAwait(false);
                var sleep = next is { } at ? at - time.GetUtcNow() : MaximumSleep;

                // At least a second: a remote cluster whose answer was superseded is due again at once.
                sleep = sleep < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : sleep > MaximumSleep ? MaximumSleep : sleep;
                await Task.Delay(sleep, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or DbUpdateException)
            {
                LogFailed(logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = 2520, Level = LogLevel.Information, Message = "Remote cluster update of {Cluster}: version {Version}, Remote Activated EMCC {Emcc}, PSTN Access {PstnAccess}, RSVP Agent {RsvpAgent}; error {Error}")]
    private static partial void LogChanged(ILogger logger, string cluster, string version, bool emcc, bool pstnAccess, bool rsvpAgent, string error);

    [LoggerMessage(EventId = 2521, Level = LogLevel.Debug, Message = "Remote cluster update of {Cluster}: unchanged (Remote Activated EMCC {Emcc}; error {Error})")]
    private static partial void LogUnchanged(ILogger logger, string cluster, bool emcc, string error);

    [LoggerMessage(EventId = 2522, Level = LogLevel.Debug, Message = "Remote cluster update of {Cluster}: its address changed while it was asked; answer discarded")]
    private static partial void LogSuperseded(ILogger logger, string cluster);

    [LoggerMessage(EventId = 2523, Level = LogLevel.Warning, Message = "Remote cluster update failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
