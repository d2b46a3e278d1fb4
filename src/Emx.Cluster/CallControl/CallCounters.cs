using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Emx.Cluster.CallControl;

/// <summary>
/// Call counters named as RTMT names them in the Cisco CallManager object (CallsAttempted, CallsInProgress,
/// CallsActive, CallsCompleted) plus refusals by SIP status. Meter <c>Emx.CallControl</c>; a snapshot for the admin API.
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

    public CallCounters()
    {
        _attempted = _meter.CreateCounter<long>("CallsAttempted", description: "New calls (initial INVITEs) received");
        _completed = _meter.CreateCounter<long>("CallsCompleted", description: "Calls answered and then ended");
        _refused = _meter.CreateCounter<long>("CallsRefused", description: "Calls ended with a final failure response, by SIP status");
        _meter.CreateObservableGauge("CallsInProgress", () => Interlocked.Read(ref _inProgress), description: "Calls being set up (INVITE sent, no final response yet)");
        _meter.CreateObservableGauge("CallsActive", () => Interlocked.Read(ref _active), description: "Answered calls not yet ended");
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
}
