namespace Emx.Sip.Transport;

/// <summary>How a send ended.</summary>
public enum SipSendStatus
{
    /// <summary>Handed to the network (for UDP that is all anyone can know).</summary>
    Sent = 0,

    /// <summary>A connection could not be opened (refused, unreachable, timed out).</summary>
    ConnectionFailed,

    /// <summary>The named connection is closed, or closed before the data was written.</summary>
    ConnectionClosed,

    /// <summary>The connection limit is reached, so no new connection was opened.</summary>
    ConnectionLimitReached,

    /// <summary>The message is larger than the transport can carry (a UDP datagram is at most 65,507 bytes).</summary>
    MessageTooLarge,

    /// <summary>No transport can reach the destination (none of that kind or address family is configured).</summary>
    NoTransport,

    /// <summary>The transport was disposed.</summary>
    TransportClosed,

    /// <summary>The operating system reported an error; see <see cref="SipSendResult.Detail"/>.</summary>
    NetworkError,
}

/// <summary>The outcome of <see cref="ISipTransport.SendAsync"/>: a value, since network failures are expected.</summary>
/// <param name="Status">How the send ended.</param>
/// <param name="Detail">A diagnostic description of a failure.</param>
public readonly record struct SipSendResult(SipSendStatus Status, string? Detail = null)
{
    /// <summary>The successful result.</summary>
    public static SipSendResult Success { get; } = new(SipSendStatus.Sent);

    /// <summary>True when the data was sent.</summary>
    public bool IsSuccess => Status == SipSendStatus.Sent;
}
