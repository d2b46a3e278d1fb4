using System.Net;
using System.Net.Sockets;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;

namespace Emx.Sip.Transport;

/// <summary>
/// SIP over TCP (RFC 3261 §18): a listener plus the connections it accepts or opens. Each connection carries
/// any number of messages, cut by its own <see cref="SipStreamFramer"/>; requests are answered over the
/// connection they came on and an open connection to a peer is reused (§18.2.2, §18.1.1). CRLFCRLF keep-alive
/// pings are answered with a CRLF pong (RFC 5626 §3.5.1); idle connections are closed; the number of
/// connections is capped.
/// </summary>
public sealed class SipTcpTransport : ISipTransport
{
    private readonly Socket _listener;
    private readonly SipTransportOptions _options;
    private readonly SipInboundProcessor _processor;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, SipTcpConnection> _connections = [];
    private readonly Dictionary<IPEndPoint, SipTcpConnection> _byRemote = [];
    private readonly CancellationTokenSource _stopping = new();
    private Action<SipReceivedMessage>? _onReceived;
    private Task _acceptLoop = Task.CompletedTask;
    private long _nextConnectionId;
    private bool _disposed;

    /// <summary>Binds a TCP listener to <paramref name="localEndPoint"/> (port 0 picks a free port).</summary>
    /// <param name="localEndPoint">The address to listen on; outgoing connections are opened from its address too.</param>
    /// <param name="options">Limits and timeouts.</param>
    /// <param name="timeProvider">The clock for idle and connect timeouts (default the system clock).</param>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public SipTcpTransport(IPEndPoint localEndPoint, SipTransportOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        _options = options ?? SipTransportOptions.Default;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _listener = new Socket(localEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _listener.Bind(localEndPoint);
            _listener.Listen(128);
        }
        catch
        {
            _listener.Dispose();
            _stopping.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        AdvertisedHost = _options.AdvertisedHost ?? SipSocketAddress.FormatHost(LocalEndPoint.Address);
        AdvertisedPort = _options.AdvertisedPort ?? LocalEndPoint.Port;
        _processor = new SipInboundProcessor(this, _options.Parser);
    }

    /// <inheritdoc/>
    public event EventHandler<SipTransportEventArgs>? Diagnostic;

    /// <inheritdoc/>
    public SipTransportKind Kind => SipTransportKind.Tcp;

    /// <inheritdoc/>
    public IPEndPoint LocalEndPoint { get; }

    /// <inheritdoc/>
    public string AdvertisedHost { get; }

    /// <inheritdoc/>
    public int AdvertisedPort { get; }

    /// <summary>The number of open (or opening) connections.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    internal SipTransportOptions Options => _options;

    internal TimeProvider TimeProvider { get; }

    /// <inheritdoc/>
    public void Start(Action<SipReceivedMessage> onReceived)
    {
        ArgumentNullException.ThrowIfNull(onReceived);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }

        if (Interlocked.CompareExchange(ref _onReceived, onReceived, null) is not null)
        {
            throw new InvalidOperationException("The transport is already started.");
        }

        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <inheritdoc/>
    public async ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> data, IPEndPoint remote, long connectionId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        remote = SipInboundProcessor.Normalize(remote);
        SipTcpConnection? connection;
        var opened = false;
        lock (_gate)
        {
            if (_disposed)
            {
                return new SipSendResult(SipSendStatus.TransportClosed);
            }

            if (connectionId != 0)
            {
                if (!_connections.TryGetValue(connectionId, out connection))
                {
                    return new SipSendResult(SipSendStatus.ConnectionClosed, $"Connection {connectionId} is closed.");
                }
            }
            else if (!_byRemote.TryGetValue(remote, out connection))
            {
                if (_connections.Count >= _options.MaxConnections)
                {
                    connection = null;
                }
                else
                {
                    connection = new SipTcpConnection(this, NewSocket(), ++_nextConnectionId, remote);
                    Add(connection);
                    opened = true;
                }
            }
        }

        if (connection is null)
        {
            Report(SipTransportEventKind.SendFailed, remote, 0, "Connection limit reached");
            return new SipSendResult(SipSendStatus.ConnectionLimitReached, $"{_options.MaxConnections} connections are open.");
        }

        if (opened)
        {
            connection.Run(connect: true);
        }

        var result = await connection.SendAsync(data);
        if (!result.IsSuccess)
        {
            Report(SipTransportEventKind.SendFailed, remote, connection.Id, result.ToString());
        }

        return result;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        SipTcpConnection[] connections;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            connections = [.. _connections.Values];
        }

        await _stopping.CancelAsync();
        _listener.Dispose();
        await _acceptLoop;
        foreach (var connection in connections)
        {
            connection.Close(SipSendStatus.TransportClosed, "Transport disposed");
        }

        await Task.WhenAll(connections.Select(c => c.Completion));
        _stopping.Dispose();
    }

    internal void Deliver(SipTcpConnection connection, ReadOnlySpan<byte> frame)
    {
        var result = _processor.Process(frame, connection.Remote, connection.Id);
        if (result.Event is { } kind)
        {
            Report(kind, connection.Remote, connection.Id, result.Detail);
        }

        if (result.Reply is not null)
        {
            _ = connection.SendAsync(result.Reply).AsTask();
        }

        if (result.Message is not null && _onReceived is { } handler)
        {
            SipReceiveDispatch.Invoke(handler, result.Message, this, (sender, e) => Diagnostic?.Invoke(sender, e));
        }
    }

    /// <summary>
    /// The stream cannot be framed any more. A request whose headers can be recovered from what was buffered is
    /// answered first (513 when it is too large, 400 for a bad Content-Length); then the connection closes.
    /// </summary>
    internal void RejectFrame(SipTcpConnection connection, SipParseError error, ReadOnlySpan<byte> buffered)
    {
        var headerEnd = buffered.IndexOf("\r\n\r\n"u8);
        var head = headerEnd >= 0 ? buffered[..(headerEnd + 4)] : buffered;
        var recovered = error;
        if (!error.IsResponse)
        {
            // The header section alone may parse (a request that only lacks Content-Length, say) or fail with
            // what it could recover; either way its Via, From, To, Call-ID and CSeq can build the answer.
            if (SipMessageParser.TryParse(head, _options.Parser, out var message, out var reparsed))
            {
                if (message is SipRequest request)
                {
                    recovered = new SipParseError(error.Kind, error.ReasonPhrase, isResponse: false, request.Method, [.. request.Headers], error.HeaderName);
                }
            }
            else if (!reparsed.IsResponse)
            {
                recovered = new SipParseError(error.Kind, error.ReasonPhrase, isResponse: false, reparsed.Method, reparsed.Headers, error.HeaderName);
            }
        }

        var result = _processor.Reject(recovered, connection.Remote);
        Report(result.Event ?? SipTransportEventKind.MalformedDropped, connection.Remote, connection.Id, error.ToString());
        if (result.Reply is not null)
        {
            _ = connection.SendAsync(result.Reply).AsTask();
        }
    }

    internal void Remove(SipTcpConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection.Id);
            if (_byRemote.TryGetValue(connection.Remote, out var current) && current == connection)
            {
                _byRemote.Remove(connection.Remote);
            }
        }
    }

    internal void Report(SipTransportEventKind kind, IPEndPoint? remote, long connectionId, string? detail) =>
        Diagnostic?.Invoke(this, new SipTransportEventArgs(kind, remote, connectionId, detail));

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException exception)
            {
                Report(SipTransportEventKind.ReceiveFailed, null, 0, "Accept failed: " + exception.SocketErrorCode);
                continue;
            }

            var remote = SipInboundProcessor.Normalize((IPEndPoint)socket.RemoteEndPoint!);
            SipTcpConnection? connection = null;
            lock (_gate)
            {
                if (!_disposed && _connections.Count < _options.MaxConnections)
                {
                    connection = new SipTcpConnection(this, socket, ++_nextConnectionId, remote);
                    Add(connection);
                }
            }

            if (connection is null)
            {
                // Refuse at once with a reset, rather than leave the peer waiting on a connection nobody reads.
                socket.LingerState = new LingerOption(true, 0);
                socket.Dispose();
                Report(SipTransportEventKind.ConnectionRejected, remote, 0, $"{_options.MaxConnections} connections are open");
                continue;
            }

            socket.NoDelay = true;
            Report(SipTransportEventKind.ConnectionOpened, remote, connection.Id, "accepted");
            connection.Run(connect: false);
        }
    }

    private void Add(SipTcpConnection connection)
    {
        _connections.Add(connection.Id, connection);
        _byRemote[connection.Remote] = connection;
    }

    private Socket NewSocket()
    {
        var socket = new Socket(LocalEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Connections leave from this transport's address, so a node on 127.0.1.1 is seen as 127.0.1.1.
            socket.Bind(new IPEndPoint(LocalEndPoint.Address, 0));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }
}
