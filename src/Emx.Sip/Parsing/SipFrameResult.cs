namespace Emx.Sip.Parsing;

/// <summary>What <see cref="SipStreamFramer.Frame"/> found at the start of the buffer.</summary>
public enum SipFrameStatus
{
    /// <summary>The buffer does not yet hold a complete message; read more and call again.</summary>
    NeedMoreData = 0,

    /// <summary>The first <see cref="SipFrameResult.Length"/> bytes are one complete message.</summary>
    Message,

    /// <summary>
    /// A CRLFCRLF keep-alive ping (RFC 5626 §3.5.1): consume <see cref="SipFrameResult.Length"/> bytes and
    /// answer with a CRLF pong.
    /// </summary>
    KeepAlivePing,

    /// <summary>
    /// A single CRLF: a keep-alive pong, or a stray CRLF before a start line, which RFC 3261 §7.5 says to
    /// ignore. Consume <see cref="SipFrameResult.Length"/> bytes.
    /// </summary>
    KeepAlivePong,

    /// <summary>
    /// The stream cannot be framed (see <see cref="SipFrameResult.Error"/>). The framing is lost for good
    /// (RFC 4475 §3.3.9), so the connection should be closed.
    /// </summary>
    Invalid,
}

/// <summary>The result of <see cref="SipStreamFramer.Frame"/>.</summary>
/// <param name="Status">What was found.</param>
/// <param name="Length">How many bytes to consume (0 for <see cref="SipFrameStatus.NeedMoreData"/> and <see cref="SipFrameStatus.Invalid"/>).</param>
/// <param name="Error">Why framing failed, for <see cref="SipFrameStatus.Invalid"/>.</param>
public readonly record struct SipFrameResult(SipFrameStatus Status, int Length, SipParseError? Error);
