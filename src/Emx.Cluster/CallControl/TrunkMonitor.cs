using System.Collections.Concurrent;
using System.Globalization;
using Emx.Cluster.CallControl.Routing;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.CallControl;

/// <summary>A trunk's service state, as CUCM's SIP trunk status page shows it.</summary>
public enum TrunkServiceStatus
{
    /// <summary>"Unknown - OPTIONS Ping not enabled": always used for calls.</summary>
    Unknown,

    /// <summary>"Full Service": the far end answers OPTIONS.</summary>
    FullService,

    /// <summary>"No Service": the far end stopped answering (or answered 408/503); calls skip the trunk.</summary>
    NoService,
}

/// <summary>One trunk's state.</summary>
/// <param name="Trunk">The trunk name.</param>
/// <param name="Status">The service status.</param>
/// <param name="Since">When it last changed.</param>
/// <param name="Reason">The last ping's outcome (<c>200 OK</c>, <c>no answer in 5 s</c>).</param>
/// <param name="LastPing">When the last ping finished.</param>
public sealed record TrunkState(string Trunk, TrunkServiceStatus Status, DateTimeOffset Since, string Reason, DateTimeOffset? LastPing);

/// <summary>
/// OPTIONS keepalive of the SIP trunks (CUCM's "Enable OPTIONS Ping to monitor destination status"): each trunk with
/// <c>optionsPing</c> is pinged every <c>optionsPingIntervalSeconds</c> while in service and every
/// <see cref="CallControlOptions.TrunkDownPingInterval"/> while not; no answer within
/// <see cref="CallControlOptions.TrunkPingTimeout"/>, or a 408/503, marks it No Service and the router skips it;
/// any other answer brings it back. A trunk whose destination, port or transport changes is about another far end:
/// what was known is forgotten, the new far end is pinged at once, and the answer of a ping still in flight to the
/// old one is dropped (as CUCM resets a trunk when its changed configuration is applied).
/// </summary>
public sealed partial class TrunkMonitor(DialPlanCache dialPlan, CallControlOptions options, TimeProvider time, ILoggerFactory loggers) : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly ILogger _logger = loggers.CreateLogger<TrunkMonitor>();
    private readonly ConcurrentDictionary<string, TrunkState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextPing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Trunk, SipDestination Destination), byte> _pinging = new();
    private readonly ConcurrentDictionary<string, SipDestination> _farEnds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();
    private SipTransactionLayer? _layer;
    private Task? _loop;
    private int _disposed;

    /// <summary>Whether calls may use the trunk: true unless it is known to be out of service.</summary>
    public bool IsInService(string trunk) => !_states.TryGetValue(trunk, out var state) || state.Status != TrunkServiceStatus.NoService;

    /// <summary>Every trunk's state, by name (trunks never pinged yet are absent).</summary>
    public IReadOnlyList<TrunkState> States => [.. _states.Values.OrderBy(s => s.Trunk, StringComparer.Ordinal)];

    /// <summary>Raised when a trunk's status changes.</summary>
    public event Action<TrunkState>? StatusChanged;

    /// <summary>Starts pinging through <paramref name="layer"/>.</summary>
    public void Start(SipTransactionLayer layer)
    {
        options.Validate();
        _layer = layer ?? throw new ArgumentNullException(nameof(layer));
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Pings every trunk that is due now, and waits for the answers (tests and "check now").</summary>
    public async Task PingDueAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(await StartDuePingsAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>Starts a ping to every trunk that is due now (and not being pinged) and returns them without waiting.</summary>
    private async Task<List<Task>> StartDuePingsAsync(CancellationToken cancellationToken)
    {
        var view = await dialPlan.GetAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var pings = new List<Task>();
        foreach (var (name, trunk) in view.Trunks)
        {
            if (!trunk.OptionsPing)
            {
                _farEnds.TryRemove(name, out _);
                _nextPing.TryRemove(name, out _);
                _states[name] = _states.TryGetValue(name, out var old) && old.Status == TrunkServiceStatus.Unknown
                    ? old
                    : new TrunkState(name, TrunkServiceStatus.Unknown, now, "OPTIONS ping not enabled", null);
                continue;
            }

            if (!view.TrunkEndPoints.TryGetValue(name, out var endPoint))
            {
                _farEnds.TryRemove(name, out _);
                if (!_nextPing.TryGetValue(name, out var retry) || retry <= now)
                {
                    Record(name, TrunkServiceStatus.NoService, $"destination {trunk.Destination} does not resolve", now, TimeSpan.FromSeconds(trunk.OptionsPingIntervalSeconds));
                }

                continue;
            }

            var kind = trunk.Transport == Domain.Configuration.SipTransportKind.Tcp ? SipTransportKind.Tcp : SipTransportKind.Udp;
            var destination = new SipDestination(kind, endPoint);
            if (!_farEnds.TryGetValue(name, out var known) || known != destination)
            {
                // A new far end (or the first one seen): its state is unknown until it answers, and it is due now.
                _farEnds[name] = destination;
                _nextPing.TryRemove(name, out _);
                if (known is not null)
                {
                    _states.TryRemove(name, out _);
                }
            }

            if (_nextPing.TryGetValue(name, out var due) && due > now)
            {
                continue;
            }

            if (_pinging.TryAdd((name, destination), 0))
            {
                pings.Add(PingAsync(name, trunk.Destination, destination, TimeSpan.FromSeconds(trunk.OptionsPingIntervalSeconds), cancellationToken));
            }
        }

        foreach (var name in _states.Keys.Concat(_farEnds.Keys).Where(n => !view.Trunks.ContainsKey(n)).ToList())
        {
            _states.TryRemove(name, out _);
            _nextPing.TryRemove(name, out _);
            _farEnds.TryRemove(name, out _);
        }

        return pings;
    }

    /// <summary>Stops pinging.</summary>
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
            // Pings cut short by the stop.
        }

        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Not waited for: a far end that does not answer holds up neither the other trunks nor the next look
                // at the configuration (a re-pointed trunk is pinged on the next tick).
                foreach (var ping in await StartDuePingsAsync(cancellationToken).ConfigureAwait(false))
                {
                    Track(ping);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogLoopFailure(_logger, ex);
            }

            await Task.Delay(Tick, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Track(Task ping)
    {
        _inFlight.TryAdd(ping, 0);
        _ = ping.ContinueWith(
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

    private async Task PingAsync(string name, string host, SipDestination destination, TimeSpan upInterval, CancellationToken cancellationToken)
    {
        try
        {
            var layer = _layer ?? throw new InvalidOperationException("The trunk monitor is not started.");
            var transport = layer.Transports.FirstOrDefault(t => t.Kind == destination.Transport) ?? layer.Transports[0];
            var request = new SipRequest(SipMethods.Options, SipUri.CreateSip(null, host, destination.EndPoint.Port));
            var local = SipUri.CreateSip(null, transport.AdvertisedHost, transport.AdvertisedPort);
            request.Headers.Add(SipHeaderNames.From, "<" + local + ">;tag=" + SipResponseFactory.CreateTag());
            request.Headers.Add(SipHeaderNames.To, "<" + request.RequestUri + ">");
            request.Headers.Add(SipHeaderNames.CallId, SipResponseFactory.CreateTag() + "@" + transport.AdvertisedHost);
            request.Headers.Add(SipHeaderNames.CSeq, "1 OPTIONS");
            request.Headers.Add(SipHeaderNames.MaxForwards, "70");
            request.Headers.Add(SipHeaderNames.ContentLength, "0");
            string outcome;
            TrunkServiceStatus status;
            try
            {
                var response = await layer.SendRequest(request, destination).FinalResponse
                    .WaitAsync(options.TrunkPingTimeout, time, cancellationToken).ConfigureAwait(false);
                outcome = response.StatusCode.ToString(CultureInfo.InvariantCulture) + " " + response.ReasonPhrase;
                status = response.StatusCode is 408 or 503 ? TrunkServiceStatus.NoService : TrunkServiceStatus.FullService;
            }
            catch (TimeoutException)
            {
                outcome = $"no answer in {options.TrunkPingTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
                status = TrunkServiceStatus.NoService;
            }
            catch (InvalidOperationException ex)
            {
                outcome = ex.Message;
                status = TrunkServiceStatus.NoService;
            }

            if (!_farEnds.TryGetValue(name, out var current) || current != destination)
            {
                // The trunk was re-pointed (or removed) while this ping was out: the answer is about a far end it no longer uses.
                LogStaleAnswer(_logger, name, destination.EndPoint, outcome);
                return;
            }

            Record(name, status, outcome, time.GetUtcNow(), status == TrunkServiceStatus.FullService ? upInterval : options.TrunkDownPingInterval);
        }
        finally
        {
            _pinging.TryRemove((name, destination), out _);
        }
    }

    private void Record(string name, TrunkServiceStatus status, string reason, DateTimeOffset now, TimeSpan next)
    {
        _nextPing[name] = now + next;
        var previous = _states.TryGetValue(name, out var old) ? old : null;
        var changed = previous is null || previous.Status != status;
        var state = new TrunkState(name, status, changed ? now : previous!.Since, reason, now);
        _states[name] = state;
        if (changed)
        {
            LogStatus(_logger, name, status, reason);
            StatusChanged?.Invoke(state);
        }
    }

    [LoggerMessage(EventId = 3140, Level = LogLevel.Information, Message = "SIP trunk {Trunk}: {Status} ({Reason})")]
    private static partial void LogStatus(ILogger logger, string trunk, TrunkServiceStatus status, string reason);

    [LoggerMessage(EventId = 3142, Level = LogLevel.Debug, Message = "SIP trunk {Trunk}: answer of the ping to {EndPoint} dropped, the trunk no longer points there ({Outcome})")]
    private static partial void LogStaleAnswer(ILogger logger, string trunk, System.Net.IPEndPoint endPoint, string outcome);

    [LoggerMessage(EventId = 3141, Level = LogLevel.Error, Message = "SIP trunk monitor failed; retrying")]
    private static partial void LogLoopFailure(ILogger logger, Exception exception);
}
