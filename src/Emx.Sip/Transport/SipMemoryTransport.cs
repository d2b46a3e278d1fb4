using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Emx.Sip.Transport;

/// <summary>
/// An in-process network for tests and demos: transports created on it reach each other by address without
/// sockets. Delivery is synchronous, on the sender's thread, and runs the same receive path as the socket
/// transports (parsing, Via stamping, error answers), so a test sees exactly what a peer would.
/// </summary>
public sealed class SipMemoryNetwork
{
    private readonly ConcurrentDictionary<(SipTransportKind Kind, IPEndPoint EndPoint), SipMemoryTransport> _transports = new();
    private int _nextPort = 40000;

    /// <summary>
    /// Creates a transport at <paramref name="localEndPoint"/>; port 0 picks a free one. A datagram to an address
    /// with no started transport is lost; a connection to one fails (<see cref="SipSendStatus.ConnectionFailed"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The address is in use on this network.</exception>
    public SipMemoryTransport CreateTransport(SipTransportKind kind, IPEndPoint localEndPoint, SipTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        var endPoint = localEndPoint.Port != 0
            ? localEndPoint
            : new IPEndPoint(localEndPoint.Address, Interlocked.Increment(ref _nextPort));
        var transport = new SipMemoryTransport(this, kind, endPoint, options ?? SipTransportOptions.Default);
        if (!_transports.TryAdd((kind, endPoint), transport))
        {
            throw new InvalidOperationException($"{kind} {endPoint} is already in use.");
        }

        return transport;
    }

    internal SipMemoryTransport? Find(SipTransportKind kind, IPEndPoint endPoint) =>
        _transports.TryGetValue((kind, SipInboundProcessor.Normalize(endPoint)), out var transport) ? transport : null;

    internal void Remove(SipMemoryTransport transport) => _transports.TryRemove(new((transport.Kind, transport.LocalEndPoint), transport));
}

/// <summary>A transport on a <see cref="SipMemoryNetwork"/>. A <see cref="SipTransportKind.Tcp"/> one behaves as reliable.</summary>
public sealed class SipMemoryTransport : ISipTransport
{
    private const int MaxDatagram = 65507;

    private readonly SipMemoryNetwork _network;
    private readonly SipInboundProcessor _processor;
    private readonly ConcurrentDictionary<IPEndPoint, long> _connections = new();
    private Action<SipReceivedMessage>? _onReceived;
    private long _nextConnectionId;
    private volatile bool _disposed;

    internal SipMemoryTransport(SipMemoryNetwork network, SipTransportKind kind, IPEndPoint localEndPoint, SipTransportOptions options)
    {
        _network = network;
        Kind = kind;
        LocalEndPoint = localEndPoint;
        AdvertisedHost = options.AdvertisedHost ?? SipSocketAddress.FormatHost(localEndPoint.Address);
        AdvertisedPort = options.AdvertisedPort ?? localEndPoint.Port;
        _processor = new SipInboundProcessor(this, options.Parser);
    }

    /// <inheritdoc/>
    public event EventHandler<SipTransportEventArgs>? Diagnostic;

    /// <inheritdoc/>
    public SipTransportKind Kind { get; }

    /// <inheritdoc/>
    public IPEndPoint LocalEndPoint { get; }

    /// <inheritdoc/>
    public string AdvertisedHost { get; }

    /// <inheritdoc/>
    public int AdvertisedPort { get; }

    /// <inheritdoc/>
    public void Start(Action<SipReceivedMessage> onReceived)
    {
        ArgumentNullException.ThrowIfNull(onReceived);
        if (Interlocked.CompareExchange(ref _onReceived, onReceived, null) is not null)
        {
            throw new InvalidOperationException("The transport is already started.");
        }
    }

    /// <summary>
    /// Forgets the simulated connection with <paramref name="remote"/>, as if it had closed: a later send naming its
    /// id fails with <see cref="SipSendStatus.ConnectionClosed"/>.
    /// </summary>
    public void Disconnect(IPEndPoint remote) => _connections.TryRemove(SipInboundProcessor.Normalize(remote), out _);

    /// <inheritdoc/>
    public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> data, IPEndPoint remote, long connectionId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return new(Send(data, remote, connectionId));
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _network.Remove(this);
        return ValueTask.CompletedTask;
    }

    private SipSendResult Send(ReadOnlyMemory<byte> data, IPEndPoint remote, long connectionId)
    {
        if (_disposed)
        {
            return new SipSendResult(SipSendStatus.TransportClosed);
        }

        if (Kind == SipTransportKind.Udp && data.Length > MaxDatagram)
        {
            return new SipSendResult(SipSendStatus.MessageTooLarge, $"{data.Length} bytes");
        }

        remote = SipInboundProcessor.Normalize(remote);
        if (Kind.IsReliable() && connectionId != 0 && (!_connections.TryGetValue(remote, out var open) || open != connectionId))
        {
            return new SipSendResult(SipSendStatus.ConnectionClosed, $"Connection {connectionId} is closed.");
        }

        var peer = _network.Find(Kind, remote);
        if (peer is null || peer._onReceived is null || peer._disposed)
        {
            return Kind.IsReliable()
                ? new SipSendResult(SipSendStatus.ConnectionFailed, new SocketException((int)SocketError.ConnectionRefused).Message)
                : SipSendResult.Success;
        }

        if (Kind.IsReliable())
        {
            ConnectionIdFor(remote);
        }

        peer.Deliver(data.ToArray(), LocalEndPoint);
        return SipSendResult.Success;
    }

    private long ConnectionIdFor(IPEndPoint remote) => _connections.GetOrAdd(remote, _ => Interlocked.Increment(ref _nextConnectionId));

    private void Deliver(byte[] data, IPEndPoint from)
    {
        var connectionId = Kind.IsReliable() ? ConnectionIdFor(from) : 0;
        var result = _processor.Process(data, from, connectionId);
        if (result.Event is { } kind)
        {
            Diagnostic?.Invoke(this, new SipTransportEventArgs(kind, from, connectionId, result.Detail));
        }

        if (result.Reply is not null)
        {
            Send(result.Reply, result.ReplyTo!, connectionId);
        }

        if (result.Message is not null && _onReceived is { } handler)
        {
            SipReceiveDispatch.Invoke(handler, result.Message, this, (sender, e) => Diagnostic?.Invoke(sender, e));
        }
    }
}
