using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Emx.Cluster.CallControl.Proxy;
using Emx.Cluster.CallControl.Routing;
using Emx.Cluster.ExtensionMobility;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Routing;
using Emx.Domain.Runtime;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.CallControl.Rsvp;

/// <summary>A reservation this (home) cluster holds at a peer's RSVP agent for one EMCC phone of one call.</summary>
/// <param name="Id">The reservation id (random, 16 hex digits).</param>
/// <param name="Trunk">The RSVP SIP trunk it was made over.</param>
/// <param name="Device">The visiting phone.</param>
/// <param name="Kbps">The bandwidth, kb/s.</param>
public sealed record RsvpReservation(string Id, string Trunk, string Device, int Kbps);

/// <summary>The call plan after RSVP admission (EMCC targets whose reservation failed removed, or a refusal) and the reservations made.</summary>
/// <param name="Plan">The plan to carry out.</param>
/// <param name="Reservations">The reservations to release when the call ends.</param>
public sealed record RsvpAdmission(CallPlan Plan, IReadOnlyList<RsvpReservation> Reservations);

/// <summary>What the RSVP agent answers a request from a peer.</summary>
/// <param name="StatusCode">SIP status.</param>
/// <param name="ReasonPhrase">Reason phrase.</param>
/// <param name="Header">The X-Emx-RSVP answer, if any.</param>
/// <param name="Q850Cause">The Q.850 cause of a refusal.</param>
public sealed record RsvpAnswer(int StatusCode, string ReasonPhrase, RsvpAgentHeader? Header = null, int? Q850Cause = null);

/// <summary>One RSVP SIP trunk as the agent sees it.</summary>
/// <param name="Trunk">The trunk.</param>
/// <param name="LastHeard">The last keepalive, acknowledgment or request from its far end.</param>
/// <param name="Lost">True once two keepalive intervals passed without hearing from it (until it is heard again).</param>
public sealed record RsvpTrunkState(string Trunk, DateTimeOffset LastHeard, bool Lost);

/// <summary>
/// RSVP agent-based call admission control between EMCC clusters (seed: "RSVP agent-based CAC uses RSVP agents in the
/// visiting cluster"; "Location CAC is not supported, but RSVP-based CAC is supported"). Both roles in one class:
/// <list type="bullet">
/// <item>Home: when the Intercluster Service Profile's RSVP Agent service is active with its SIP trunk, a keepalive
/// (OPTIONS marked <c>X-Emx-RSVP: keepalive</c>) goes over the trunk every RSVP SIP Trunk KeepAlive Timer seconds, and
/// an EMCC call reserves its bandwidth for the EMCC phone with the visiting cluster's agent before it is forwarded; a
/// refusal refuses the call (503, Q.850 cause 125 Out of bandwidth); the reservation is released when the call ends.</item>
/// <item>Visiting (agent): requests are answered only from the far end of this cluster's own RSVP Agent trunk; a
/// reservation counts against the audio bandwidth of the phone's location.</item>
/// </list>
/// When two keepalive intervals pass without hearing from a trunk's far end (keepalive, acknowledgment or any request),
/// every reservation with it is released on this side (seed Table 2). Locations are never applied across clusters.
/// Messages: docs/emcc-protocol.md.
/// </summary>
public sealed partial class EmccRsvpAgent(
    DialPlanCache dialPlan,
    SettingsCache settings,
    IEmxDbContextFactory contexts,
    CallControlOptions options,
    CallCounters counters,
    TimeProvider time,
    ILoggerFactory loggers) : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    private readonly ILogger _logger = loggers.CreateLogger<EmccRsvpAgent>();
    private readonly ConcurrentDictionary<string, RsvpReservation> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastHeard = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _lost = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly RsvpBandwidthPool _pool = new();
    private readonly CancellationTokenSource _stopping = new();
    private CancellationToken _stopToken;
    private SipTransactionLayer? _layer;
    private Task? _loop;
    private DateTimeOffset _nextKeepalive = DateTimeOffset.MinValue;
    private int _keepaliveOut;
    private int _disposed;

    /// <summary>The RSVP SIP trunks heard from, by name.</summary>
    public IReadOnlyList<RsvpTrunkState> Trunks =>
        [.. _lastHeard.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new RsvpTrunkState(p.Key, p.Value, _lost.ContainsKey(p.Key)))];

    /// <summary>Starts the keepalive and loss-detection loop on <paramref name="layer"/>.</summary>
    public void Start(SipTransactionLayer layer)
    {
        _layer = layer ?? throw new ArgumentNullException(nameof(layer));

        // Kept apart from the source, which is disposed at stop while late call ends may still ask for it.
        _stopToken = _stopping.Token;
        _loop = Task.Run(() => RunAsync(_stopToken), CancellationToken.None);
    }

    /// <summary>
    /// Home side: reserves bandwidth for the EMCC phones of a planned call (the EMCC caller, unless the call only goes
    /// back over the PSTN Access trunk, where its media stays at the visiting site; each EMCC phone among the targets).
    /// Without an active RSVP Agent service nothing is reserved.
    /// </summary>
    public async Task<RsvpAdmission> AdmitAsync(ForwardCall plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var caller = plan.Caller.IsEmcc && plan.Sets.Any(s => s.Targets.Any(t => t.PstnAccessFor is null)) ? plan.Caller.Name : null;
        var emccTargets = plan.Sets.Any(s => s.Targets.Any(t => t.EmccPhone is not null));
        if (caller is null && !emccTargets)
        {
            return new RsvpAdmission(plan, []);
        }

        var access = await settings.GetAsync<InterclusterServiceProfile>(cancellationToken).ConfigureAwait(false);
        if (!access.RsvpAgent.Active || access.RsvpAgent.SipTrunk is not { } trunk)
        {
            return new RsvpAdmission(plan, []);
        }

        var feature = await settings.GetAsync<EmccFeatureConfiguration>(cancellationToken).ConfigureAwait(false);
        var kbps = RsvpBandwidth.ForAudio(feature.EmccRegionMaxAudioBitRate);
        var held = new List<RsvpReservation>();
        if (caller is not null)
        {
            var outcome = await ReserveAsync(trunk, caller, kbps, cancellationToken).ConfigureAwait(false);
            if (outcome.Refusal is { } refusal)
            {
                return new RsvpAdmission(refusal, []);
            }

            held.Add(outcome.Reservation!);
        }

        if (!emccTargets)
        {
            return new RsvpAdmission(plan, held);
        }

        var sets = new List<TargetSet>();
        RefuseCall? firstRefusal = null;
        foreach (var set in plan.Sets)
        {
            var targets = new List<ForwardTarget>();
            foreach (var target in set.Targets)
            {
                if (target.EmccPhone is not { } phone)
                {
                    targets.Add(target);
                    continue;
                }

                var outcome = await ReserveAsync(trunk, phone, kbps, cancellationToken).ConfigureAwait(false);
                if (outcome.Reservation is { } reservation)
                {
                    held.Add(reservation);
                    targets.Add(target);
                }
                else
                {
                    firstRefusal ??= outcome.Refusal;
                }
            }

            if (targets.Count > 0)
            {
                sets.Add(set with { Targets = targets });
            }
        }

        if (sets.Count == 0)
        {
            await ReleaseAsync(held, cancellationToken).ConfigureAwait(false);
            return new RsvpAdmission(firstRefusal!, []);
        }

        return new RsvpAdmission(plan with { Sets = sets }, held);
    }

    /// <summary>
    /// Home side: releases reservations at call end. The counters change before this returns; the release requests
    /// to the agent finish in the returned task (best effort: an agent that does not answer releases on keepalive loss).
    /// </summary>
    public Task ReleaseAsync(IReadOnlyList<RsvpReservation> reservations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        var released = TakeHeld(reservations);
        return released.Count == 0 ? Task.CompletedTask : SendReleasesAsync(released, cancellationToken);
    }

    /// <summary>Runs a release in the background (call end happens on transport threads), tracked until the agent stops.</summary>
    internal void ReleaseInBackground(IReadOnlyList<RsvpReservation> reservations)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            // Stopping: the peer releases them when our keepalives stop.
            TakeHeld(reservations);
            return;
        }

        Track(ReleaseAsync(reservations, _stopToken));
    }

    private List<RsvpReservation> TakeHeld(IReadOnlyList<RsvpReservation> reservations)
    {
        var released = new List<RsvpReservation>(reservations.Count);
        foreach (var reservation in reservations)
        {
            if (_held.TryRemove(reservation.Id, out _))
            {
                counters.RsvpReleased();
                released.Add(reservation);
            }
        }

        return released;
    }

    /// <summary>Agent side: the answer to an OPTIONS marked <see cref="RsvpAgentHeader.Name"/> from <paramref name="source"/>.</summary>
    public async Task<RsvpAnswer> AnswerAsync(SipRequest request, SipReceivedMessage source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        var access = await settings.GetAsync<InterclusterServiceProfile>(cancellationToken).ConfigureAwait(false);
        if (!access.RsvpAgent.Active || access.RsvpAgent.SipTrunk is not { } trunk)
        {
            return new RsvpAnswer(403, "RSVP Agent Not Active");
        }

        var view = await dialPlan.GetAsync(cancellationToken).ConfigureAwait(false);
        var remote = new IPEndPoint(DialPlanView.Normalize(source.RemoteEndPoint.Address), source.RemoteEndPoint.Port);
        // The far end of this cluster's own RSVP Agent trunk (by address, as trunk calls are recognised), even when
        // another trunk (PSTN Access) points at the same peer.
        if (!view.TrunkEndPoints.TryGetValue(trunk, out var farEnd) || !farEnd.Address.Equals(remote.Address))
        {
            LogForeign(_logger, remote);
            return new RsvpAnswer(403, "Not The RSVP Agent Trunk");
        }

        if (request.Headers.CountOf(RsvpAgentHeader.Name) != 1 || !RsvpAgentHeader.TryParse(request.Headers.GetFirst(RsvpAgentHeader.Name), out var header))
        {
            return new RsvpAnswer(400, "Bad RSVP Agent Request");
        }

        Heard(trunk);
        switch (header!.Operation)
        {
            case RsvpAgentOperation.Keepalive:
                return new RsvpAnswer(200, "OK", new RsvpAgentHeader { Operation = RsvpAgentOperation.Ack });
            case RsvpAgentOperation.Reserve:
                return await GrantAsync(trunk, header, cancellationToken).ConfigureAwait(false);
            case RsvpAgentOperation.Release:
                if (_pool.Release(trunk, header.Id!))
                {
                    counters.RsvpAgentReleased();
                    LogAgentReleased(_logger, header.Id!, trunk);
                }

                return new RsvpAnswer(200, "OK", new RsvpAgentHeader { Operation = RsvpAgentOperation.Released, Id = header.Id });
            default:
                return new RsvpAnswer(400, "Bad RSVP Agent Request");
        }
    }

    /// <summary>Stops the loop and waits for the messages in flight.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }

        try
        {
            await Task.WhenAll(_inFlight.Keys).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cut short by the stop.
        }

        _stopping.Dispose();
    }

    private async Task<RsvpAnswer> GrantAsync(string trunk, RsvpAgentHeader header, CancellationToken cancellationToken)
    {
        var device = header.Device!;
        await using var db = contexts.Create();
        var emcc = await db.EmccSessions.AsNoTracking()
            .AnyAsync(e => e.Side == EmccSide.Visiting && e.DeviceName == device, cancellationToken).ConfigureAwait(false);
        var phone = emcc ? await db.Config<Phone>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == device, cancellationToken).ConfigureAwait(false) : null;
        if (phone is null)
        {
            return new RsvpAnswer(404, "No Such EMCC Phone");
        }

        // The phone's location, else its device pool's; the agent's capacity there is the location's audio bandwidth.
        var locationName = phone.Location ?? await db.Config<DevicePool>().AsNoTracking()
            .Where(p => p.Name == phone.DevicePool).Select(p => p.Location).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var location = locationName is null
            ? null
            : await db.Config<Location>().AsNoTracking().FirstOrDefaultAsync(l => l.Name == locationName, cancellationToken).ConfigureAwait(false);
        var grant = _pool.TryReserve(trunk, header.Id!, locationName ?? string.Empty, location?.AudioBandwidthKbps, header.Kbps!.Value);
        if (!grant.Granted)
        {
            counters.RsvpAgentRefused();
            LogAgentRefused(_logger, header.Id!, device, locationName ?? "<none>", header.Kbps.Value, grant.AvailableKbps ?? 0);
            return new RsvpAnswer(503, "Out of Bandwidth", new RsvpAgentHeader { Operation = RsvpAgentOperation.Refused, Id = header.Id, AvailableKbps = grant.AvailableKbps }, 125);
        }

        if (!grant.Repeated)
        {
            counters.RsvpAgentGranted();
            LogAgentGranted(_logger, header.Id!, device, locationName ?? "<none>", header.Kbps.Value, trunk);
        }

        return new RsvpAnswer(200, "OK", new RsvpAgentHeader { Operation = RsvpAgentOperation.Granted, Id = header.Id });
    }

    private async Task<(RsvpReservation? Reservation, RefuseCall? Refusal)> ReserveAsync(string trunk, string device, int kbps, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var header = new RsvpAgentHeader { Operation = RsvpAgentOperation.Reserve, Id = id, Device = device, Kbps = kbps };
        var response = await SendAsync(trunk, header, options.RsvpRequestTimeout, cancellationToken).ConfigureAwait(false);
        var answer = Answer(response);
        if (response is { StatusCode: 200 } && answer is { Operation: RsvpAgentOperation.Granted } && answer.Id == id)
        {
            var reservation = new RsvpReservation(id, trunk, device, kbps);
            _held[id] = reservation;
            counters.RsvpReserved();
            LogReserved(_logger, id, device, kbps, trunk);
            return (reservation, null);
        }

        counters.RsvpRefused();
        if (answer is { Operation: RsvpAgentOperation.Refused })
        {
            LogRefused(_logger, device, kbps, trunk, answer.AvailableKbps ?? 0);
            return (null, new RefuseCall(503, "Service Unavailable", 125, $"RSVP agent over {trunk} refused {kbps} kb/s for {device} (out of bandwidth)"));
        }

        var outcome = response is null ? "no answer" : response.StatusCode.ToString(CultureInfo.InvariantCulture) + " " + response.ReasonPhrase;
        LogAgentUnavailable(_logger, device, trunk, outcome);
        return (null, new RefuseCall(503, "Service Unavailable", 47, $"RSVP agent over {trunk} did not reserve for {device}: {outcome}"));
    }

    private async Task SendReleasesAsync(List<RsvpReservation> released, CancellationToken cancellationToken)
    {
        foreach (var reservation in released)
        {
            LogReleased(_logger, reservation.Id, reservation.Device);
            var header = new RsvpAgentHeader { Operation = RsvpAgentOperation.Release, Id = reservation.Id };
            await SendAsync(reservation.Trunk, header, options.RsvpRequestTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    private static RsvpAgentHeader? Answer(SipResponse? response) =>
        response is not null && RsvpAgentHeader.TryParse(response.Headers.GetFirst(RsvpAgentHeader.Name), out var header) ? header : null;

    /// <summary>Sends one marked OPTIONS over the trunk; null when it cannot be sent or is not answered in <paramref name="timeout"/>.</summary>
    private async Task<SipResponse?> SendAsync(string trunkName, RsvpAgentHeader header, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_layer is not { } layer)
        {
            return null;
        }

        var view = await dialPlan.GetAsync(cancellationToken).ConfigureAwait(false);
        if (!view.Trunks.TryGetValue(trunkName, out var trunk) || !view.TrunkEndPoints.TryGetValue(trunkName, out var endPoint))
        {
            return null;
        }

        var kind = trunk.Transport == Domain.Configuration.SipTransportKind.Tcp ? Sip.Transport.SipTransportKind.Tcp : Sip.Transport.SipTransportKind.Udp;
        var transport = layer.Transports.FirstOrDefault(t => t.Kind == kind) ?? layer.Transports[0];
        var request = new SipRequest(SipMethods.Options, SipUri.CreateSip(null, trunk.Destination, endPoint.Port));
        var local = SipUri.CreateSip(null, transport.AdvertisedHost, transport.AdvertisedPort);
        request.Headers.Add(SipHeaderNames.From, "<" + local + ">;tag=" + SipResponseFactory.CreateTag());
        request.Headers.Add(SipHeaderNames.To, "<" + request.RequestUri + ">");
        request.Headers.Add(SipHeaderNames.CallId, SipResponseFactory.CreateTag() + "@" + transport.AdvertisedHost);
        request.Headers.Add(SipHeaderNames.CSeq, "1 OPTIONS");
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(RsvpAgentHeader.Name, header.ToString());
        request.Headers.Add(SipHeaderNames.ContentLength, "0");
        try
        {
            var response = await layer.SendRequest(request, new SipDestination(kind, endPoint)).FinalResponse
                .WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
            if (Answer(response) is not null)
            {
                Heard(trunkName);
            }

            return response;
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            // Not answered in time, or no transport (the node is stopping).
            return null;
        }
    }

    private void Heard(string trunk)
    {
        _lastHeard[trunk] = time.GetUtcNow();
        if (_lost.TryRemove(trunk, out _))
        {
            LogHeardAgain(_logger, trunk);
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailure(_logger, ex);
            }

            await Task.Delay(Tick, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var feature = await settings.GetAsync<EmccFeatureConfiguration>(cancellationToken).ConfigureAwait(false);
        var access = await settings.GetAsync<InterclusterServiceProfile>(cancellationToken).ConfigureAwait(false);
        var interval = TimeSpan.FromSeconds(Math.Clamp(feature.RsvpSipTrunkKeepAliveTimer, 1, 600));
        var now = time.GetUtcNow();
        if (_nextKeepalive > now + interval)
        {
            // The timer was shortened: do not wait out the old interval (the peer would count it as silence).
            _nextKeepalive = now;
        }

        if (access.RsvpAgent.Active && access.RsvpAgent.SipTrunk is { } trunk && now >= _nextKeepalive && Interlocked.CompareExchange(ref _keepaliveOut, 1, 0) == 0)
        {
            _nextKeepalive = now + interval;
            Track(KeepaliveAsync(trunk, interval, cancellationToken));
        }

        foreach (var (name, heard) in _lastHeard)
        {
            if (now - heard < 2 * interval || !_lost.TryAdd(name, 0))
            {
                continue;
            }

            // Seed Table 2: two intervals without a keepalive or an acknowledgment release the RSVP resources with the remote cluster.
            var mine = _held.Values.Where(r => r.Trunk == name).Count(r => _held.TryRemove(r.Id, out _));
            if (mine > 0)
            {
                counters.RsvpLost(mine);
            }

            var granted = _pool.ReleaseAll(name);
            if (granted > 0)
            {
                counters.RsvpAgentLost(granted);
            }

            LogLost(_logger, name, (2 * interval).TotalSeconds, mine, granted);
        }
    }

    private async Task KeepaliveAsync(string trunk, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            var response = await SendAsync(trunk, new RsvpAgentHeader { Operation = RsvpAgentOperation.Keepalive }, interval, cancellationToken).ConfigureAwait(false);
            if (Answer(response) is not { Operation: RsvpAgentOperation.Ack })
            {
                LogKeepaliveUnanswered(_logger, trunk, response?.StatusCode ?? 0);
            }
        }
        finally
        {
            Interlocked.Exchange(ref _keepaliveOut, 0);
        }
    }

    private void Track(Task task)
    {
        _inFlight.TryAdd(task, 0);
        _ = task.ContinueWith(
            t =>
            {
                _inFlight.TryRemove(t, out _);
                if (t.Exception is { } exception)
                {
                    LogLoopFailure(_logger, exception.GetBaseException());
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 3160, Level = LogLevel.Debug, Message = "RSVP: reserved {Kbps} kb/s for {Device} over {Trunk} (reservation {Id})")]
    private static partial void LogReserved(ILogger logger, string id, string device, int kbps, string trunk);

    [LoggerMessage(EventId = 3161, Level = LogLevel.Information, Message = "RSVP: the agent over {Trunk} refused {Kbps} kb/s for {Device} ({Available} kb/s left); call refused, cause 125")]
    private static partial void LogRefused(ILogger logger, string device, int kbps, string trunk, int available);

    [LoggerMessage(EventId = 3162, Level = LogLevel.Warning, Message = "RSVP: no reservation for {Device} over {Trunk}: {Outcome}")]
    private static partial void LogAgentUnavailable(ILogger logger, string device, string trunk, string outcome);

    [LoggerMessage(EventId = 3163, Level = LogLevel.Debug, Message = "RSVP: released reservation {Id} for {Device} at call end")]
    private static partial void LogReleased(ILogger logger, string id, string device);

    [LoggerMessage(EventId = 3164, Level = LogLevel.Debug, Message = "RSVP agent: granted {Kbps} kb/s for {Device} in location {Location} to {Trunk} (reservation {Id})")]
    private static partial void LogAgentGranted(ILogger logger, string id, string device, string location, int kbps, string trunk);

    [LoggerMessage(EventId = 3165, Level = LogLevel.Information, Message = "RSVP agent: refused {Kbps} kb/s for {Device} in location {Location} ({Available} kb/s left; reservation {Id})")]
    private static partial void LogAgentRefused(ILogger logger, string id, string device, string location, int kbps, int available);

    [LoggerMessage(EventId = 3166, Level = LogLevel.Debug, Message = "RSVP agent: {Trunk} released reservation {Id}")]
    private static partial void LogAgentReleased(ILogger logger, string id, string trunk);

    [LoggerMessage(EventId = 3167, Level = LogLevel.Warning, Message = "RSVP SIP trunk {Trunk}: nothing heard for {Seconds} s (two keepalive intervals); released {Held} reservation(s) held there and {Granted} granted to it")]
    private static partial void LogLost(ILogger logger, string trunk, double seconds, int held, int granted);

    [LoggerMessage(EventId = 3168, Level = LogLevel.Information, Message = "RSVP SIP trunk {Trunk}: heard again")]
    private static partial void LogHeardAgain(ILogger logger, string trunk);

    [LoggerMessage(EventId = 3169, Level = LogLevel.Debug, Message = "RSVP SIP trunk {Trunk}: keepalive not acknowledged ({StatusCode})")]
    private static partial void LogKeepaliveUnanswered(ILogger logger, string trunk, int statusCode);

    [LoggerMessage(EventId = 3170, Level = LogLevel.Warning, Message = "RSVP agent: request from {Remote}, which is not the far end of this cluster's RSVP Agent trunk; refused")]
    private static partial void LogForeign(ILogger logger, IPEndPoint remote);

    [LoggerMessage(EventId = 3171, Level = LogLevel.Error, Message = "RSVP agent loop failed; retrying")]
    private static partial void LogLoopFailure(ILogger logger, Exception exception);
}
