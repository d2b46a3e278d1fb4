using Emx.Sip.Parsing;

namespace Emx.Sip.Transport;

/// <summary>Settings of a transport. The connection settings apply to connection-oriented transports only.</summary>
public sealed class SipTransportOptions
{
    private readonly int _maxConnections = 1024;
    private readonly TimeSpan _idleTimeout = TimeSpan.FromMinutes(10);
    private readonly TimeSpan _connectTimeout = TimeSpan.FromSeconds(10);
    private readonly int _receiveBufferSize = 1024 * 1024;
    private readonly int? _advertisedPort;

    /// <summary>The defaults.</summary>
    public static SipTransportOptions Default { get; } = new();

    /// <summary>
    /// Parser limits: message size (default 64 KiB; a larger request is answered 513, RFC 3261 §18.1.1 and
    /// §21.5.11), header count (256) and header line length (8 KiB).
    /// </summary>
    public SipParserOptions Parser { get; init; } = SipParserOptions.Default;

    /// <summary>
    /// The host written into the sent-by of originated Vias; default the bound IP address. Set it when binding
    /// a wildcard address or when the node is known by a name.
    /// </summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>The port written into sent-by; default the bound port. 1-65535.</summary>
    public int? AdvertisedPort
    {
        get => _advertisedPort;
        init => _advertisedPort = value is null or (>= 1 and <= 65535)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "A port is 1-65535.");
    }

    /// <summary>
    /// The most connections open at once, accepted and opened together (default 1024, at least 1). An incoming
    /// connection beyond it is closed at once; an outgoing one is not opened and the send fails with
    /// <see cref="SipSendStatus.ConnectionLimitReached"/>.
    /// </summary>
    public int MaxConnections
    {
        get => _maxConnections;
        init => _maxConnections = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "At least 1.");
    }

    /// <summary>
    /// A connection that carries nothing (no message, no keep-alive) for this long is closed. Default 10 minutes,
    /// well above the 2-minute keep-alive interval phones use (RFC 5626 §4.4.1); positive.
    /// </summary>
    public TimeSpan IdleTimeout
    {
        get => _idleTimeout;
        init => _idleTimeout = Positive(value);
    }

    /// <summary>How long opening a connection may take before the send fails (default 10 s, positive).</summary>
    public TimeSpan ConnectTimeout
    {
        get => _connectTimeout;
        init => _connectTimeout = Positive(value);
    }

    /// <summary>
    /// The UDP socket receive buffer requested from the operating system (default 1 MiB, which the OS may cap),
    /// so that bursts are not lost before the receive loop reads them.
    /// </summary>
    public int ReceiveBufferSize
    {
        get => _receiveBufferSize;
        init => _receiveBufferSize = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Positive.");
    }

    private static TimeSpan Positive(TimeSpan value) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Must be positive.");
}
