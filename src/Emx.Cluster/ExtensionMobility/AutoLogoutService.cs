using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.ExtensionMobility;

/// <summary>
/// Logs users out when their login time expires (exclusiveDuration, or the enforced Intra-cluster Maximum Login
/// Time). Schedules from the stored expiry times, so a node restart resumes where it stopped and logins that expired
/// while it was down are logged out at start; each logout is conditional on the login's version, so nothing is
/// logged out twice.
/// </summary>
public sealed partial class AutoLogoutService(ExtensionMobilityService em, TimeProvider time, ILogger<AutoLogoutService> logger) : BackgroundService
{
    /// <summary>Longest sleep between scans, so expiries written by other nodes are noticed.</summary>
    public static readonly TimeSpan MaximumSleep = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private long _sleepingUntilTicks = DateTimeOffset.MaxValue.UtcTicks;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        em.ExpiryScheduled += OnExpiryScheduled;
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        em.ExpiryScheduled -= OnExpiryScheduled;
        await base.StopAsync(cancellationToken);
    }

    private void OnExpiryScheduled(DateTimeOffset expiry)
    {
        if (expiry.UtcTicks < Interlocked.Read(ref _sleepingUntilTicks))
        {
            _wake.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await LogOutExpiredAsync(stoppingToken);
                var next = await em.NextExpiryAsync(stoppingToken);
                var now = time.GetUtcNow();
                var sleep = next is { } at ? at - now : MaximumSleep;
                sleep = sleep < TimeSpan.Zero ? TimeSpan.Zero : sleep > MaximumSleep ? MaximumSleep : sleep;
                Interlocked.Exchange(ref _sleepingUntilTicks, (now + sleep).UtcTicks);
                if (sleep > TimeSpan.Zero)
                {
                    using var timeout = new CancellationTokenSource(sleep, time);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
                    try
                    {
                        await _wake.WaitAsync(linked.Token);
                    }
                    catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                    {
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                LogScanFailed(logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }
    }

    /// <summary>Logs out every login whose time has come.</summary>
    public async Task<int> LogOutExpiredAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        while (true)
        {
            var expired = await em.ExpiredAsync(time.GetUtcNow(), 200, cancellationToken);
            if (expired.Count == 0)
            {
                return count;
            }

            foreach (var (device, version, expiresAt) in expired)
            {
                var outcome = await em.LogoutExpiredAsync(device, version, cancellationToken);
                if (outcome.Succeeded)
                {
                    count++;
                    LogExpired(logger, device, expiresAt);
                }
            }

            if (expired.Count < 200)
            {
                return count;
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "Automatic logout of {DeviceName}: login time expired at {ExpiresAt:o}")]
    private static partial void LogExpired(ILogger logger, string deviceName, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Automatic logout scan failed; retrying")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);
}
