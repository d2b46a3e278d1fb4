using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Emx.Domain.ExtensionMobility;

namespace Emx.Cluster.ExtensionMobility;

/// <summary>
/// The Extension Mobility counters, named as RTMT names them in the Extension Mobility object ("Requests In
/// Progress", "Requests Throttled") plus logins, logouts and failures by reason. Published through
/// System.Diagnostics.Metrics (meter <c>Emx.ExtensionMobility</c>) and as a snapshot for the admin API.
/// </summary>
public sealed class EmCounters : IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Emx.ExtensionMobility";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _logins;
    private readonly Counter<long> _logouts;
    private readonly Counter<long> _failures;
    private readonly ConcurrentDictionary<string, long> _failuresByReason = new(StringComparer.Ordinal);
    private long _inProgress;
    private long _throttledTotal;
    private long _loginsTotal;
    private long _logoutsTotal;
    private long _requestsTotal;

    public EmCounters()
    {
        _meter.CreateObservableGauge("Requests In Progress", () => Interlocked.Read(ref _inProgress), description: "EM login and logout requests being processed");
        _throttled = _meter.CreateCounter<long>("Requests Throttled", description: "EM requests refused because Maximum Concurrent Requests was reached (error 26)");
        _logins = _meter.CreateCounter<long>("Logins");
        _logouts = _meter.CreateCounter<long>("Logouts");
        _failures = _meter.CreateCounter<long>("Failures");
    }

    /// <summary>Login and logout requests being processed now.</summary>
    public long RequestsInProgress => Interlocked.Read(ref _inProgress);

    /// <summary>Starts a login/logout request unless <paramref name="maximum"/> are already in progress.</summary>
    public bool TryEnter(int maximum)
    {
        var now = Interlocked.Increment(ref _inProgress);
        Interlocked.Increment(ref _requestsTotal);
        if (now <= maximum)
        {
            return true;
        }

        Interlocked.Decrement(ref _inProgress);
        Interlocked.Increment(ref _throttledTotal);
        _throttled.Add(1);
        return false;
    }

    /// <summary>Ends a request started with <see cref="TryEnter"/>.</summary>
    public void Exit() => Interlocked.Decrement(ref _inProgress);

    public void Login()
    {
        Interlocked.Increment(ref _loginsTotal);
        _logins.Add(1);
    }

    public void Logout()
    {
        Interlocked.Increment(ref _logoutsTotal);
        _logouts.Add(1);
    }

    public void Failure(EmRejection reason)
    {
        _failuresByReason.AddOrUpdate(reason.ToString(), 1, (_, n) => n + 1);
        _failures.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));
    }

    /// <summary>A snapshot of every counter.</summary>
    public EmCounterSnapshot Snapshot() => new()
    {
        RequestsInProgress = Interlocked.Read(ref _inProgress),
        RequestsThrottled = Interlocked.Read(ref _throttledTotal),
        RequestsTotal = Interlocked.Read(ref _requestsTotal),
        Logins = Interlocked.Read(ref _loginsTotal),
        Logouts = Interlocked.Read(ref _logoutsTotal),
        FailuresByReason = new SortedDictionary<string, long>(_failuresByReason, StringComparer.Ordinal),
    };

    public void Dispose() => _meter.Dispose();
}

/// <summary>The Extension Mobility counters at one moment.</summary>
public sealed record EmCounterSnapshot
{
    public long RequestsInProgress { get; init; }

    public long RequestsThrottled { get; init; }

    public long RequestsTotal { get; init; }

    public long Logins { get; init; }

    public long Logouts { get; init; }

    public IReadOnlyDictionary<string, long> FailuresByReason { get; init; } = new Dictionary<string, long>();
}
