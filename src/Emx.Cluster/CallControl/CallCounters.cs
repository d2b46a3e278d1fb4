using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Emx.Cluster.CallControl;

/// <summary>
/// Call counters named as RTMT names them in the Cisco CallManager object (CallsAttempted, CallsInProgress,
/// CallsActive, CallsCompleted) plus refusals by SIP status, and the RSVP reservations of EMCC calls on both sides of an
/// RSVP SIP trunk: those this cluster holds for its calls (home) and those its RSVP agent granted to peers (visiting).
/// Meter <c>Emx.CallControl</c>; a snapshot for the admin API.
/// </summary>
public sealed class CallCounters : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Emx.CallControl";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _attempted;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _refused;
    private readonly ConcurrentDictionary<int, long> _refusedByStatus = new();
    private long _attemptedTotal;
    private long _completedTotal;
    private long _inProgress;
    private long _active;
    private long _rsvpActive;
    private long _rsvpRefused;
    private long _rsvpLost;
    private long _rsvpAgentActive;
    private long _rsvpAgentRefused;
    private long _rsvpAgentLost;

    public CallCounters()
    {
        _attempted = _meter.CreateCounter<long>("CallsAttempted", description: "New calls (initial INVITEs) received");
        _completed = _meter.CreateCounter<long>("CallsCompleted", description: "Calls answered and then ended");
        _refused = _meter.CreateCounter<long>("CallsRefused", description: "Calls ended with a final failure response, by SIP status");
        _meter.CreateObservableGauge("CallsInProgress", () => Interlocked.Read(ref _inProgress), description: "Calls being set up (INVITE sent, no final response yet)");
        _meter.CreateObservableGauge("CallsActive", () => Interlocked.Read(ref _active), description: "Answered calls not yet ended");
        _meter.CreateObservableGauge("RsvpReservationsActive", () => Interlocked.Read(ref _rsvpActive), description: "RSVP reservations held at a peer's RSVP agent for EMCC calls here");
        _meter.CreateObservableGauge("RsvpAgentReservationsActive", () => Interlocked.Read(ref _rsvpAgentActive), description: "RSVP reservations this cluster's RSVP agent granted to peer clusters");
    }

    /// <summary>Home side: a peer's RSVP agent granted a reservation for a call here.</summary>
    public void RsvpReserved() => Interlocked.Increment(ref _rsvpActive);

    /// <summary>Home side: a reservation was released at call end.</summary>
    public void RsvpReleased() => Interlocked.Decrement(ref _rsvpActive);

    /// <summary>Home side: a reservation was refused (or the agent did not answer); the call or branch was refused.</summary>
    public void RsvpRefused() => Interlocked.Increment(ref _rsvpRefused);

    /// <summary>Home side: <paramref name="count"/> reservations released because the RSVP trunk's keepalives stopped.</summary>
    public void RsvpLost(int count)
    {
        Interlocked.Add(ref _rsvpActive, -count);
        Interlocked.Add(ref _rsvpLost, count);
    }

    /// <summary>Agent side: a reservation granted to a peer.</summary>
    public void RsvpAgentGranted() => Interlocked.Increment(ref _rsvpAgentActive);

    /// <summary>Agent side: a peer released a reservation.</summary>
    public void RsvpAgentReleased() => Interlocked.Decrement(ref _rsvpAgentActive);

    /// <summary>Agent side: a reservation refused for lack of bandwidth.</summary>
    public void RsvpAgentRefused() => Interlocked.Increment(ref _rsvpAgentRefused);

    /// <summary>Agent side: <paramref name="count"/> reservations of a peer released because its keepalives stopped.</summary>
    public void RsvpAgentLost(int count)
    {
        Interlocked.Add(ref _rsvpAgentActive, -count);
        Interlocked.Add(ref _rsvpAgentLost, count);
    }

    public void Attempted()
    {
        Interlocked.Increment(ref _attemptedTotal);
        Interlocked.Increment(ref _inProgress);
        _attempted.Add(1);
    }

    /// <summary>A call in progress got its final answer: 2xx makes it active, anything else a refusal.</summary>
    public void SetupEnded(int statusCode)
    {
        Interlocked.Decrement(ref _inProgress);
        if (statusCode is >= 200 and < 300)
        {
            Interlocked.Increment(ref _active);
            return;
        }

        _refusedByStatus.AddOrUpdate(statusCode, 1, (_, n) => n + 1);
        _refused.Add(1, new KeyValuePair<string, object?>("status", statusCode));
    }

    /// <summary>An answered call ended (BYE answered).</summary>
    public void Completed()
    {
        Interlocked.Decrement(ref _active);
        Interlocked.Increment(ref _completedTotal);
        _completed.Add(1);
    }

    /// <summary>A snapshot of every counter.</summary>
    public CallCounterSnapshot Snapshot() => new()
    {
        CallsAttempted = Interlocked.Read(ref _attemptedTotal),
        CallsInProgress = Interlocked.Read(ref _inProgress),
        CallsActive = Interlocked.Read(ref _active),
        CallsCompleted = Interlocked.Read(ref _completedTotal),
        CallsRefusedByStatus = _refusedByStatus.OrderBy(p => p.Key).ToDictionary(p => p.Key, p => p.Value),
        RsvpReservationsActive = Interlocked.Read(ref _rsvpActive),
        RsvpReservationsRefused = Interlocked.Read(ref _rsvpRefused),
        RsvpReservationsReleasedByKeepaliveLoss = Interlocked.Read(ref _rsvpLost),
        RsvpAgentReservationsActive = Interlocked.Read(ref _rsvpAgentActive),
        RsvpAgentReservationsRefused = Interlocked.Read(ref _rsvpAgentRefused),
        RsvpAgentReservationsReleasedByKeepaliveLoss = Interlocked.Read(ref _rsvpAgentLost),
    };

    public void Dispose() => _meter.Dispose();
}

/// <summary>The call counters at one moment.</summary>
public sealed record CallCounterSnapshot
{
    public long CallsAttempted { get; init; }

    public long CallsInProgress { get; init; }

    public long CallsActive { get; init; }

    public long CallsCompleted { get; init; }

    public IReadOnlyDictionary<int, long> CallsRefusedByStatus { get; init; } = new Dictionary<int, long>();

    /// <summary>Home side: reservations held at the peer's RSVP agent for calls in progress or active here.</summary>
    public long RsvpReservationsActive { get; init; }

    /// <summary>Home side: reservations refused by the peer's RSVP agent (or unanswered).</summary>
    public long RsvpReservationsRefused { get; init; }

    /// <summary>Home side: reservations released because two keepalive intervals passed without an acknowledgment.</summary>
    public long RsvpReservationsReleasedByKeepaliveLoss { get; init; }

    /// <summary>Agent side: reservations granted to peer clusters and not yet released.</summary>
    public long RsvpAgentReservationsActive { get; init; }

    /// <summary>Agent side: reservations refused for lack of bandwidth in the phone's location.</summary>
    public long RsvpAgentReservationsRefused { get; init; }

    /// <summary>Agent side: reservations released because two keepalive intervals passed without a keepalive from the peer.</summary>
    public long RsvpAgentReservationsReleasedByKeepaliveLoss { get; init; }
}
