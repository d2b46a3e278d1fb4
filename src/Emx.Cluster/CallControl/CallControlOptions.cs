namespace Emx.Cluster.CallControl;

/// <summary>Call routing timers. Defaults follow CUCM's Cisco CallManager service parameters; replace the singleton to change them.</summary>
public sealed class CallControlOptions
{
    /// <summary>
    /// How long a call may ring unanswered before the proxy cancels it and answers 480 with Q.850 cause 19
    /// (CUCM's T301 timer, default 180 s).
    /// </summary>
    public TimeSpan NoAnswerTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>
    /// How long an OPTIONS ping may go unanswered before the trunk is marked down (default 5 s; the transaction's own
    /// 32 s timeout is far longer than an administrator expects a dead trunk to be noticed).
    /// </summary>
    public TimeSpan TrunkPingTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Seconds between OPTIONS pings to a trunk that is down (CUCM pings a down trunk more often; default 10 s).</summary>
    public TimeSpan TrunkDownPingInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the home cluster waits for the visiting cluster's RSVP agent to answer a reservation or release
    /// (default 2 s); an unanswered reservation refuses the EMCC call (503, Q.850 cause 47).
    /// </summary>
    public TimeSpan RsvpRequestTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws when the values are inconsistent.</summary>
    public void Validate()
    {
        if (NoAnswerTimeout <= TimeSpan.Zero || TrunkPingTimeout <= TimeSpan.Zero || TrunkDownPingInterval <= TimeSpan.Zero || RsvpRequestTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Call control timers must be positive.");
        }
    }
}
