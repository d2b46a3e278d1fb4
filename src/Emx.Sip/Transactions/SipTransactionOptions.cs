namespace Emx.Sip.Transactions;

/// <summary>Transaction timers (RFC 3261 §17, table 4) and limits.</summary>
public sealed class SipTransactionOptions
{
    private readonly TimeSpan _t1 = TimeSpan.FromMilliseconds(500);
    private readonly TimeSpan _t2 = TimeSpan.FromSeconds(4);
    private readonly TimeSpan _t4 = TimeSpan.FromSeconds(5);
    private readonly TimeSpan _timerD = TimeSpan.FromSeconds(32);
    private readonly TimeSpan _tryingDelay = TimeSpan.FromMilliseconds(200);
    private readonly int _maxServerTransactions = 10_000;
    private readonly int _maxCompletedServerTransactions = 400_000;

    /// <summary>The defaults of RFC 3261.</summary>
    public static SipTransactionOptions Default { get; } = new();

    /// <summary>
    /// T1, the round-trip time estimate (default 500 ms, positive). Retransmission intervals start at T1, and
    /// timers B, F, H, J, L and M are 64*T1.
    /// </summary>
    public TimeSpan T1
    {
        get => _t1;
        init => _t1 = Positive(value);
    }

    /// <summary>T2, the cap on non-INVITE request and INVITE response retransmission intervals (default 4 s, at least T1).</summary>
    public TimeSpan T2
    {
        get => _t2;
        init => _t2 = Positive(value);
    }

    /// <summary>T4, how long a message may stay in the network (default 5 s, positive): timers I and K.</summary>
    public TimeSpan T4
    {
        get => _t4;
        init => _t4 = Positive(value);
    }

    /// <summary>Timer D, how long a client INVITE transaction absorbs response retransmissions over UDP (default 32 s, "at least 32 s").</summary>
    public TimeSpan TimerD
    {
        get => _timerD;
        init => _timerD = Positive(value);
    }

    /// <summary>
    /// How long a server INVITE transaction waits for the TU's first response before sending 100 Trying itself
    /// (RFC 3261 §17.2.1: 200 ms). Zero sends 100 Trying as soon as the INVITE arrives.
    /// </summary>
    public TimeSpan TryingDelay
    {
        get => _tryingDelay;
        init => _tryingDelay = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Cannot be negative.");
    }

    /// <summary>
    /// The most server transactions alive at once (default 10,000, at least 1): INVITE transactions until they
    /// are accepted (2xx) or terminate, non-INVITE ones until their final response (then they are kept compact, see
    /// <see cref="MaxCompletedServerTransactions"/>). A new request beyond it is answered 503 without creating a
    /// transaction, so a flood cannot exhaust memory.
    /// </summary>
    public int MaxServerTransactions
    {
        get => _maxServerTransactions;
        init => _maxServerTransactions = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least 1.");
    }

    /// <summary>
    /// The most server transactions kept compact only to absorb request retransmissions (default 400,000, at least
    /// 1): non-INVITE ones Completed over an unreliable transport until Timer J, INVITE ones Accepted (2xx sent) until
    /// Timer L, both 64*T1. They are not counted in <see cref="MaxServerTransactions"/>: each keeps its match key and,
    /// for a non-INVITE one, its final response's bytes (about 0.8 KiB for a REGISTER's 200, so the default bounds them
    /// to some 320 MB: 12,500 a second held for 32 s). Beyond it the oldest is forgotten early: a retransmission of it
    /// then reaches the TU as a new request.
    /// </summary>
    public int MaxCompletedServerTransactions
    {
        get => _maxCompletedServerTransactions;
        init => _maxCompletedServerTransactions = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least 1.");
    }

    /// <summary>64*T1: timers B, F, H, J, L and M.</summary>
    public TimeSpan TimeoutInterval => _t1 * 64;

    internal void Validate()
    {
        if (_t2 < _t1)
        {
            throw new ArgumentException("T2 must be at least T1.", nameof(T2));
        }
    }

    private static TimeSpan Positive(TimeSpan value) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Must be positive.");
}
