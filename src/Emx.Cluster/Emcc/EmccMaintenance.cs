using System.Data.Common;
using Emx.Cluster.Configuration;
using Emx.Cluster.ExtensionMobility;
using Emx.Cluster.Provisioning;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.Emcc;

/// <summary>What one maintenance pass did.</summary>
/// <param name="AutomaticLogouts">Home EMCC logins ended because their login duration had passed.</param>
/// <param name="ExpiredHomeLogins">Home EMCC logins ended because the phone had not been registered here for longer than the maintenance interval.</param>
/// <param name="ExpiredVisitingLogins">Visiting EMCC records removed because the home cluster had not answered for longer than the maintenance interval.</param>
/// <param name="NextLoginExpiry">When the next home login duration runs out, or null.</param>
public sealed record EmccMaintenanceResult(int AutomaticLogouts, int ExpiredHomeLogins, int ExpiredVisitingLogins, DateTimeOffset? NextLoginExpiry);

/// <summary>
/// EMCC housekeeping on a node running Cisco Extension Mobility.
/// <list type="bullet">
/// <item>Home side, automatic logout: an EMCC login whose login duration (Inter-cluster Maximum Login Time when it
/// began) has passed is logged out at home, which frees the EMCC device, restarts the phone towards its visiting
/// cluster and tells that cluster.</item>
/// <item>Home side, expired EMCC devices (EMCC feature parameter Default Interval for Expired EMCC Device Maintenance):
/// an EMCC login whose phone has had no live registration here for longer than the interval (a WAN failure sent the
/// phone back to its visiting cluster) is logged out the same way. <see cref="EmccSession.LastSeen"/> records when the
/// phone was last seen registered; every pass refreshes it.</item>
/// <item>Visiting side: an EMCC record whose home cluster has given no reply to the remote cluster update
/// (<see cref="RemoteClusterUpdater"/>, error 208) for longer than the interval is removed, as the administrator's
/// Log Out button would (a database cleanup): the phone, unable to reach its home TFTP, then gets its own
/// configuration here again. On the visiting side <see cref="EmccSession.LastSeen"/> records when the home cluster
/// was last known to answer. A phone cannot register here while its record exists (its configuration has no line
/// of this cluster), so the home cluster's silence is the evidence this side has.</item>
/// </list>
/// Everything is scheduled from stored times (login time and duration, last seen), so a restart resumes where it
/// stopped; a start runs a full pass at once. Login expiries are checked at least every <see cref="MaximumSleep"/>;
/// expired devices every interval.
/// </summary>
public sealed partial class EmccMaintenance(
    IEmxDbContextFactory contexts,
    SettingsCache settings,
    EmccService emcc,
    EmxConfigFile config,
    TimeProvider time,
    ILogger<EmccMaintenance> logger) : BackgroundService
{
    /// <summary>Longest sleep between passes: an automatic logout happens at most this long after the login expired.</summary>
    public static readonly TimeSpan MaximumSleep = TimeSpan.FromSeconds(30);

    /// <summary>The reason given to <see cref="EmccService.HomeLogoutAsync"/> when the login duration has passed.</summary>
    public const string AutomaticLogoutReason = "automatic logout";

    /// <summary>The reason given to <see cref="EmccService.HomeLogoutAsync"/> for an expired EMCC device.</summary>
    public const string ExpiredDeviceReason = "expired EMCC device";

    /// <summary>How stale <see cref="EmccSession.LastSeen"/> may get before a pass writes it again (keeps writes rare).</summary>
    private static readonly TimeSpan SeenGranularity = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _pass = new(1, 1);
    private DateTimeOffset _nextExpiredCheck = DateTimeOffset.MinValue;

    /// <summary>Runs every step now: automatic logouts, then expired EMCC devices on both sides.</summary>
    public Task<EmccMaintenanceResult> RunOnceAsync(CancellationToken cancellationToken) => RunAsync(expiredDevices: true, cancellationToken);

    private async Task<EmccMaintenanceResult> RunAsync(bool expiredDevices, CancellationToken cancellationToken)
    {
        await _pass.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var feature = await settings.GetAsync<EmccFeatureConfiguration>(cancellationToken).ConfigureAwait(false);
            var interval = TimeSpan.FromMinutes(Math.Clamp(feature.DefaultIntervalForExpiredEmccDeviceMaintenance, 10, 1440));
            await RefreshLastSeenAsync(cancellationToken).ConfigureAwait(false);
            var (automatic, next) = await LogOutExpiredLoginsAsync(cancellationToken).ConfigureAwait(false);
            var (home, visiting) = expiredDevices ? await CleanExpiredDevicesAsync(interval, cancellationToken).ConfigureAwait(false) : (0, 0);
            return new EmccMaintenanceResult(automatic, home, visiting, next);
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task RefreshLastSeenAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stale = now - SeenGranularity;
        await using var db = contexts.Create();

        // Home: the visiting phone holds a live registration here.
        await db.EmccSessions
            .Where(s => s.Side == EmccSide.Home && (s.LastSeen == null || s.LastSeen < stale)
                && db.Registrations.Any(r => r.DeviceName == s.DeviceName && r.ExpiresAt > now))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeen, now), cancellationToken).ConfigureAwait(false);

        // Visiting: the home cluster's last remote cluster update got an answer (or there has been none yet).
        await db.EmccSessions
            .Where(s => s.Side == EmccSide.Visiting && (s.LastSeen == null || s.LastSeen < stale)
                && !db.RemoteClusterStatuses.Any(c => c.ClusterId == s.RemoteClusterId && !c.EmccRemoteActivated && c.LastError != null
                    && c.LastError.StartsWith(RemoteClusterUpdater.NoReplyPrefix)))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeen, now), cancellationToken).ConfigureAwait(false);
    }

    private async Task<(int Count, DateTimeOffset? Next)> LogOutExpiredLoginsAsync(CancellationToken cancellationToken)
    {
        List<(string Device, DateTimeOffset LoginTime, TimeSpan? Duration)> timed;
        await using (var db = contexts.Create())
        {
            // Few rows (one per EMCC device lent out); the sum is computed here because the columns are provider-encoded.
            timed = [.. (await db.EmccSessions.AsNoTracking()
                .Where(s => s.Side == EmccSide.Home && s.LoginDuration != null)
                .Select(s => new { s.DeviceName, s.LoginTime, s.LoginDuration })
                .ToListAsync(cancellationToken).ConfigureAwait(false))
                .Select(s => (s.DeviceName, s.LoginTime, s.LoginDuration))];
        }

        var count = 0;
        DateTimeOffset? next = null;
        var now = time.GetUtcNow();
        foreach (var (device, loginTime, duration) in timed)
        {
            var expiresAt = loginTime + duration!.Value;
            if (expiresAt > now)
            {
                next = next is { } earlier && earlier <= expiresAt ? earlier : expiresAt;
                continue;
            }

            if (await HomeLogoutAsync(device, AutomaticLogoutReason, cancellationToken).ConfigureAwait(false))
            {
                count++;
                LogAutomaticLogout(logger, device, expiresAt);
            }
        }

        return (count, next);
    }

    private async Task<(int Home, int Visiting)> CleanExpiredDevicesAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = now - interval;
        List<EmccSession> home;
        List<EmccSession> visiting;
        await using (var db = contexts.Create())
        {
            var sessions = await db.EmccSessions.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
            var registered = (await db.Registrations.AsNoTracking().Where(r => r.ExpiresAt > now).Select(r => r.DeviceName).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false))
                .ToHashSet(StringComparer.Ordinal);
            var unreachable = (await db.RemoteClusterStatuses.AsNoTracking().Where(c => !c.EmccRemoteActivated).ToListAsync(cancellationToken).ConfigureAwait(false))
                .Where(c => RemoteClusterUpdater.IsNoReply(c.LastError)).Select(c => c.ClusterId).ToHashSet(StringComparer.Ordinal);
            home = [.. sessions.Where(s => s.Side == EmccSide.Home && !registered.Contains(s.DeviceName) && (s.LastSeen ?? s.LoginTime) < cutoff)];
            visiting = [.. sessions.Where(s => s.Side == EmccSide.Visiting && unreachable.Contains(s.RemoteClusterId) && (s.LastSeen ?? s.LoginTime) < cutoff)];
        }

        var homeCount = 0;
        foreach (var session in home)
        {
            if (await HomeLogoutAsync(session.DeviceName, ExpiredDeviceReason, cancellationToken).ConfigureAwait(false))
            {
                homeCount++;
                LogExpiredHome(logger, session.DeviceName, session.UserId, session.EmccDevice ?? "?", session.LastSeen ?? session.LoginTime);
            }
        }

        var visitingCount = 0;
        foreach (var session in visiting)
        {
            if ((await emcc.VisitingAdminLogoutAsync(session.DeviceName, "emcc maintenance", cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                visitingCount++;
                LogExpiredVisiting(logger, session.DeviceName, session.UserId, session.RemoteClusterId, session.LastSeen ?? session.LoginTime);
            }
        }

        return (homeCount, visitingCount);
    }

    /// <summary>A home logout that another node may be doing at the same moment: whoever loses finds nothing to do.</summary>
    private async Task<bool> HomeLogoutAsync(string device, string reason, CancellationToken cancellationToken)
    {
        try
        {
            return (await emcc.HomeLogoutAsync(device, reason, cancellationToken).ConfigureAwait(false)).Succeeded;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!config.Node.Services.Contains(NodeService.ExtensionMobility))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = time.GetUtcNow();
                var expiredDevices = now >= _nextExpiredCheck;
                var result = await RunAsync(expiredDevices, stoppingToken).ConfigureAwait(false);
                if (expiredDevices)
                {
                    var feature = await settings.GetAsync<EmccFeatureConfiguration>(stoppingToken).ConfigureAwait(false);
                    _nextExpiredCheck = now + TimeSpan.FromMinutes(Math.Clamp(feature.DefaultIntervalForExpiredEmccDeviceMaintenance, 10, 1440));
                }

                var sleep = (result.NextLoginExpiry ?? DateTimeOffset.MaxValue) - time.GetUtcNow();
                var untilCheck = _nextExpiredCheck - time.GetUtcNow();
                sleep = untilCheck < sleep ? untilCheck : sleep;

                // At least a second, so a login that cannot be logged out does not spin the loop.
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
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _pass.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 2530, Level = LogLevel.Information, Message = "EMCC automatic logout of {DeviceName}: login duration ended at {ExpiresAt:o}")]
    private static partial void LogAutomaticLogout(ILogger logger, string deviceName, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 2531, Level = LogLevel.Information, Message = "Expired EMCC device: {DeviceName} ({User} on {EmccDevice}) not registered here since {LastSeen:o}; logged out and the EMCC device freed")]
    private static partial void LogExpiredHome(ILogger logger, string deviceName, string user, string emccDevice, DateTimeOffset lastSeen);

    [LoggerMessage(EventId = 2532, Level = LogLevel.Information, Message = "Expired EMCC login: {DeviceName} ({User}), home cluster {Cluster} silent since {LastSeen:o}; visiting record removed")]
    private static partial void LogExpiredVisiting(ILogger logger, string deviceName, string user, string cluster, DateTimeOffset lastSeen);

    [LoggerMessage(EventId = 2533, Level = LogLevel.Warning, Message = "EMCC maintenance pass failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
