using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Emx.Cluster.Configuration;
using Emx.Cluster.Provisioning;
using Emx.Cluster.ExtensionMobility;
using Emx.Data;
using Emx.Domain.Runtime;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.CallControl;

/// <summary>The outcome of one check-sync delivery to a device.</summary>
/// <param name="DeviceName">The device.</param>
/// <param name="Delivered">Whether a NOTIFY was answered 2xx (its restart events are then marked delivered).</param>
/// <param name="Destinations">How many NOTIFYs were sent (one per distinct registered source).</param>
public sealed record CheckSyncOutcome(string DeviceName, bool Delivered, int Destinations);

/// <summary>
/// Tells phones to re-read their configuration (reference 11): for each <see cref="DeviceEventKind.Restart"/> event
/// that <see cref="ExtensionMobilityService"/> writes with a login or logout, removes the device's bindings of lines
/// it no longer has, then sends an out-of-dialog NOTIFY with <c>Event: check-sync</c> and no body (what CUCM sends and
/// Cisco phones accept) to every source the device registered from. A 2xx marks the device's restart events
/// delivered; a failure leaves them undelivered, and they are sent again when the node starts (the phone just
/// re-syncs, so a repeat is harmless).
/// </summary>
/// <remarks>
/// Only bindings held by this node are notified: the phone's TCP connection, or its NAT mapping, leads to the node it
/// registered with. A phone with no live binding here gets nothing: it downloads its new configuration when it next
/// starts.
/// </remarks>
public sealed partial class CheckSyncNotifier(
    ExtensionMobilityService extensionMobility,
    IEmxDbContextFactory contexts,
    EmxConfigFile config,
    TimeProvider time,
    DeviceLinesCache deviceLines,
    ILogger<CheckSyncNotifier> logger) : IAsyncDisposable
{
    private readonly KeyedLocks _locks = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;
    private SipTransactionLayer? _layer;

    /// <summary>Raised after each delivery attempt (tests and counters).</summary>
    public event Action<CheckSyncOutcome>? Completed;

    /// <summary>Starts delivering through <paramref name="layer"/>: subscribes to device events and re-sends what is pending.</summary>
    public void Start(SipTransactionLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (Interlocked.CompareExchange(ref _layer, layer, null) is not null)
        {
            throw new InvalidOperationException("The notifier is already started.");
        }

        extensionMobility.DeviceEventsWritten += OnDeviceEventsWritten;
        Track(Task.Run(() => ResendPendingAsync(_stopping.Token), CancellationToken.None));
    }

    /// <summary>Stops: no new deliveries; waits (bounded) for those in progress.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        extensionMobility.DeviceEventsWritten -= OnDeviceEventsWritten;
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_inFlight.Keys).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // Deliveries cut short stay undelivered and go out at the next start.
        }

        _stopping.Dispose();
    }

    /// <summary>Sends check-sync to every device with undelivered restart events and a live binding on this node.</summary>
    public async Task ResendPendingAsync(CancellationToken cancellationToken)
    {
        List<string> devices;
        try
        {
            await using var db = contexts.Create();
            var now = time.GetUtcNow();
            var pending = await db.DeviceEvents.AsNoTracking()
                .Where(e => e.Delivered == null && e.Kind == DeviceEventKind.Restart)
                .Select(e => e.DeviceName).Distinct().ToListAsync(cancellationToken);
            var registered = await db.Registrations.AsNoTracking()
                .Where(r => r.Node == config.Node.Name && r.ExpiresAt > now)
                .Select(r => r.DeviceName).Distinct().ToListAsync(cancellationToken);
            devices = [.. pending.Intersect(registered, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }
        catch (DbException ex)
        {
            LogDatabaseFailure(logger, ex, "(pending events)");
            return;
        }

        await Task.WhenAll(devices.Select(d => DeliverAsync(d, cancellationToken)));
    }

    /// <summary>Delivers check-sync to one device now; see the class remarks.</summary>
    public async Task<CheckSyncOutcome> DeliverAsync(string deviceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceName);
        var layer = _layer ?? throw new InvalidOperationException("The notifier is not started.");
        using var held = await _locks.AcquireAsync(["device:" + deviceName], cancellationToken);
        CheckSyncOutcome outcome;
        try
        {
            outcome = await DeliverCoreAsync(layer, deviceName, cancellationToken);
        }
        catch (DbException ex)
        {
            LogDatabaseFailure(logger, ex, deviceName);
            outcome = new CheckSyncOutcome(deviceName, false, 0);
        }

        Completed?.Invoke(outcome);
        return outcome;
    }

    private async Task<CheckSyncOutcome> DeliverCoreAsync(SipTransactionLayer layer, string deviceName, CancellationToken cancellationToken)
    {
        // The restart may have been written by another node (nothing announced here): the registrar must read the
        // device's current lines again when the phone re-registers.
        deviceLines.Forget(deviceName);
        List<Registration> bindings;
        long? lastEvent;
        await using (var db = contexts.Create())
        {
            // Every binding of the device in one read (tracked: the stale ones are removed below). A device with none,
            // the usual case for a phone that is not registered, costs this one query and nothing else.
            var rows = await db.Registrations.Where(r => r.DeviceName == deviceName).OrderBy(r => r.Id).ToListAsync(cancellationToken);
            if (rows.Count == 0)
            {
                LogNotRegistered(logger, deviceName);
                return new CheckSyncOutcome(deviceName, false, 0);
            }

            var now = time.GetUtcNow();
            lastEvent = await db.DeviceEvents.AsNoTracking()
                .Where(e => e.DeviceName == deviceName && e.Delivered == null && e.Kind == DeviceEventKind.Restart)
                .MaxAsync(e => (long?)e.Id, cancellationToken);
            bindings = [.. rows.Where(b => b.ExpiresAt > now && b.Node == config.Node.Name)];

            // The lines the device lost stop reaching it now, whether or not it answers.
            var current = await CurrentDevice.ReadAsync(db, deviceName, cancellationToken);
            var keys = current?.Lines.Select(l => RegistrationStore.LineKey(l.Dn, l.Partition)).ToHashSet(StringComparer.Ordinal) ?? [];
            var stale = rows.Where(r => !keys.Contains(RegistrationStore.LineKey(r.Aor, r.Partition))).ToList();
            if (stale.Count > 0)
            {
                db.Registrations.RemoveRange(stale);
                await db.SaveChangesAsync(cancellationToken);
                LogStaleRemoved(logger, deviceName, stale.Count);
            }
        }

        var destinations = bindings
            .Select(b => (Binding: b, Source: RegistrationSource.TryParse(b.Source, out var source) ? source : null))
            .Where(d => d.Source is not null)
            .GroupBy(d => d.Source!.ToString(), StringComparer.Ordinal)
            .Select(g => g.First())
            .ToList();
        if (destinations.Count == 0)
        {
            LogNotRegistered(logger, deviceName);
            return new CheckSyncOutcome(deviceName, false, 0);
        }

        var answers = await Task.WhenAll(destinations.Select(d => NotifyAsync(layer, d.Binding, d.Source!, cancellationToken)));
        var delivered = answers.Any(code => code is >= 200 and < 300);
        if (delivered && lastEvent is { } last)
        {
            await using var db = contexts.Create();
            var now = time.GetUtcNow();
            var events = await db.DeviceEvents
                .Where(e => e.DeviceName == deviceName && e.Delivered == null && e.Kind == DeviceEventKind.Restart && e.Id <= last)
                .ToListAsync(cancellationToken);
            foreach (var e in events)
            {
                e.Delivered = now;
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        LogDelivered(logger, deviceName, destinations.Count, answers, delivered);
        return new CheckSyncOutcome(deviceName, delivered, destinations.Count);
    }

    /// <summary>Sends one NOTIFY and returns the final status (408/503 made up locally on timeout or transport error, 0 if cut short).</summary>
    private static async Task<int> NotifyAsync(SipTransactionLayer layer, Registration binding, RegistrationSource source, CancellationToken cancellationToken)
    {
        var transport = layer.Transports.FirstOrDefault(t => t.Kind == source.Transport && t.LocalEndPoint.AddressFamily == source.EndPoint.AddressFamily);
        if (transport is null || !SipUri.TryParse(binding.Contact, out var contact))
        {
            return 0;
        }

        var request = CreateNotify(contact, binding.Aor, transport);
        SipClientTransaction transaction;
        try
        {
            transaction = layer.SendRequest(request, new SipDestination(source.Transport, source.EndPoint));
        }
        catch (InvalidOperationException)
        {
            // The layer is being disposed.
            return 0;
        }

        try
        {
            await Task.WhenAny(transaction.FinalResponse, transaction.Completion).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return 0;
        }

        return transaction.FinalResponse.IsCompletedSuccessfully ? (await transaction.FinalResponse).StatusCode : 0;
    }

    /// <summary>The unsolicited NOTIFY CUCM sends to make a phone re-read its configuration: <c>Event: check-sync</c>, no body.</summary>
    public static SipRequest CreateNotify(SipUri contact, string aor, ISipTransport transport)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(transport);
        var host = transport.AdvertisedHost;
        var port = transport.AdvertisedPort.ToString(CultureInfo.InvariantCulture);
        var request = new SipRequest(SipMethods.Notify, contact);
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, "<sip:" + host + ":" + port + ">;tag=" + SipResponseFactory.CreateTag());
        request.Headers.Add(SipHeaderNames.To, "<" + SipUri.CreateSip(aor, contact.Host, contact.Port) + ">");
        request.Headers.Add(SipHeaderNames.CallId, Guid.NewGuid().ToString("N") + "@" + host);
        request.Headers.Add(SipHeaderNames.CSeq, "101 " + SipMethods.Notify);
        request.Headers.Add(SipHeaderNames.Event, "check-sync");
        request.Headers.Add(SipHeaderNames.ContentLength, "0");
        return request;
    }

    private void OnDeviceEventsWritten(IReadOnlyList<DeviceEvent> events)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        foreach (var device in events.Where(e => e.Kind == DeviceEventKind.Restart).Select(e => e.DeviceName).Distinct(StringComparer.Ordinal))
        {
            Track(Task.Run(() => DeliverAsync(device, _stopping.Token), CancellationToken.None));
        }
    }

    private void Track(Task task)
    {
        _inFlight.TryAdd(task, 0);
        _ = task.ContinueWith(
            t =>
            {
                _inFlight.TryRemove(t, out _);
                if (t.Exception is { } exception && exception.InnerException is not OperationCanceledException)
                {
                    LogDeliveryFailed(logger, exception.InnerException ?? exception);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "check-sync to {Device}: {Destinations} NOTIFY answered {Answers}; delivered {Delivered}")]
    private static partial void LogDelivered(ILogger logger, string device, int destinations, int[] answers, bool delivered);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "check-sync to {Device}: no live binding on this node; the phone reads its configuration when it next starts")]
    private static partial void LogNotRegistered(ILogger logger, string device);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "{Device} lost {Count} binding(s) of lines no longer on its configuration")]
    private static partial void LogStaleRemoved(ILogger logger, string device, int count);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Error, Message = "check-sync database failure for {Device}")]
    private static partial void LogDatabaseFailure(ILogger logger, Exception exception, string device);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Error, Message = "check-sync delivery failed")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception);
}
