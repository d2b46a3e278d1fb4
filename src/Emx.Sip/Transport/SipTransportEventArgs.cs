using System.Net;

namespace Emx.Sip.Transport;

/// <summary>What a <see cref="ISipTransport.Diagnostic"/> event reports.</summary>
public enum SipTransportEventKind
{
    /// <summary>Unparseable input was dropped without an answer.</summary>
    MalformedDropped = 0,

    /// <summary>An unparseable or oversized request was answered (400, 505 or 513).</summary>
    MalformedAnswered,

    /// <summary>A response whose top Via this transport did not write was discarded (RFC 3261 §18.1.2).</summary>
    ResponseDiscarded,

    /// <summary>A connection was accepted or opened.</summary>
    ConnectionOpened,

    /// <summary>A connection was closed (by either end, on error or idle timeout).</summary>
    ConnectionClosed,

    /// <summary>An incoming connection was refused because the connection limit is reached.</summary>
    ConnectionRejected,

    /// <summary>A connection was closed after carrying nothing for the idle timeout.</summary>
    IdleTimeout,

    /// <summary>A CRLFCRLF keep-alive ping was answered with a CRLF pong (RFC 5626 §3.5.1).</summary>
    KeepAlive,

    /// <summary>A send failed.</summary>
    SendFailed,

    /// <summary>Receiving failed, or the receive handler threw.</summary>
    ReceiveFailed,
}

/// <summary>A transport event, for logs and counters.</summary>
public sealed class SipTransportEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public SipTransportEventArgs(SipTransportEventKind kind, IPEndPoint? remoteEndPoint, long connectionId, string? detail)
    {
        Kind = kind;
        RemoteEndPoint = remoteEndPoint;
        ConnectionId = connectionId;
        Detail = detail;
    }

    /// <summary>What happened.</summary>
    public SipTransportEventKind Kind { get; }

    /// <summary>The peer, when there is one.</summary>
    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>The connection, or 0.</summary>
    public long ConnectionId { get; }

    /// <summary>A description (parse error, socket error...), never message content.</summary>
    public string? Detail { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} {RemoteEndPoint} #{ConnectionId}: {Detail}";
}
