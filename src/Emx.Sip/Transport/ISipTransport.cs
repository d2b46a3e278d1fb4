using System.Net;

namespace Emx.Sip.Transport;

/// <summary>
/// One SIP transport endpoint (RFC 3261 §18): a UDP socket, a TCP listener with its connections, or an in-memory
/// stand-in for tests. It turns bytes into parsed messages and back; it knows nothing of transactions.
/// </summary>
/// <remarks>
/// <para>
/// On receipt a transport parses the message, applies the server-side Via rules of RFC 3261 §18.2.1 and
/// RFC 3581 (<c>received</c>, <c>rport</c>) to requests, discards responses whose top Via it did not write
/// (§18.1.2), answers unparseable requests with 400, 505 or 513 when enough headers survive, and drops the rest.
/// </para>
/// <para>
/// Messages are delivered one at a time per socket or connection, to the handler given to <see cref="Start"/>. The
/// handler must not block: it runs on the receive loop.
/// </para>
/// </remarks>
public interface ISipTransport : IAsyncDisposable
{
    /// <summary>The protocol.</summary>
    SipTransportKind Kind { get; }

    /// <summary>The local address and port, the actual port when bound to port 0.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>The host this transport writes into the sent-by of the Vias it originates (RFC 3261 §18.1.1).</summary>
    string AdvertisedHost { get; }

    /// <summary>The port this transport writes into sent-by.</summary>
    int AdvertisedPort { get; }

    /// <summary>Raised for dropped or answered malformed input, connection events and failures, for logs and counters.</summary>
    event EventHandler<SipTransportEventArgs>? Diagnostic;

    /// <summary>Starts receiving; every message received from then on is passed to <paramref name="onReceived"/>.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    void Start(Action<SipReceivedMessage> onReceived);

    /// <summary>
    /// Sends one serialized message. On a connection-oriented transport a <paramref name="connectionId"/> other
    /// than 0 names the connection to use (a response goes back over the connection its request came on,
    /// RFC 3261 §18.2.2) and fails with <see cref="SipSendStatus.ConnectionClosed"/> if it is gone; with 0 an open
    /// connection to <paramref name="remote"/> is reused or a new one opened. Never throws for network failures:
    /// they are reported in the result. <paramref name="data"/> must not change until the task completes.
    /// </summary>
    ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> data, IPEndPoint remote, long connectionId = 0, CancellationToken cancellationToken = default);
}
