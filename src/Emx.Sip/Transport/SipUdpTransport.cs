using System.Net;
using System.Net.Sockets;

namespace Emx.Sip.Transport;

/// <summary>
/// SIP over UDP (RFC 3261 §18): one socket that receives requests and responses and sends everything, so that
/// responses leave from the port requests arrived on (symmetric response routing, RFC 3581).
/// </summary>
public sealed class SipUdpTransport : ISipTransport
{
    // The largest UDP payload over IPv4 (65,535 - 8 - 20); the receive buffer holds any datagram whole.
    private const int MaxDatagram = 65507;

    private readonly Socket _socket;
    private readonly SipInboundProcessor _processor;
    private readonly CancellationTokenSource _stopping = new();
    private Action<SipReceivedMessage>? _onReceived;
    private Task _receiveLoop = Task.CompletedTask;
    private int _disposed;

    /// <summary>Binds a UDP socket to <paramref name="localEndPoint"/> (port 0 picks a free port).</summary>
    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public SipUdpTransport(IPEndPoint localEndPoint, SipTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        options ??= SipTransportOptions.Default;
        _socket = new Socket(localEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.ReceiveBufferSize = options.ReceiveBufferSize;
            _socket.Bind(localEndPoint);
        }
        catch
        {
            _socket.Dispose();
            _stopping.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        AdvertisedHost = options.AdvertisedHost ?? SipSocketAddress.FormatHost(LocalEndPoint.Address);
        AdvertisedPort = options.AdvertisedPort ?? LocalEndPoint.Port;
        _processor = new SipInboundProcessor(this, options.Parser);
    }

    /// <inheritdoc/>
    public event EventHandler<SipTransportEventArgs>? Diagnostic;

    /// <inheritdoc/>
    public SipTransportKind Kind => SipTransportKind.Udp;

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
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.CompareExchange(ref _onReceived, onReceived, null) is not null)
        {
            throw new InvalidOperationException("The transport is already started.");
        }

        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <inheritdoc/>
    public async ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> data, IPEndPoint remote, long connectionId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (data.Length > MaxDatagram)
        {
            return Failed(new SipSendResult(SipSendStatus.MessageTooLarge, $"{data.Length} bytes do not fit in a datagram"), remote);
        }

        try
        {
            await _socket.SendToAsync(data, SocketFlags.None, remote, cancellationToken);
            return SipSendResult.Success;
        }
        catch (ObjectDisposedException)
        {
            return new SipSendResult(SipSendStatus.TransportClosed);
        }
        catch (SocketException exception)
        {
            var status = exception.SocketErrorCode == SocketError.MessageSize ? SipSendStatus.MessageTooLarge : SipSendStatus.NetworkError;
            return Failed(new SipSendResult(status, exception.SocketErrorCode + ": " + exception.Message), remote);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        _socket.Dispose();
        await _receiveLoop;
        _stopping.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(MaxDatagram + 1);
        EndPoint any = new IPEndPoint(LocalEndPoint.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stopping.Token);
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
                // ICMP errors for earlier sends surface here on some platforms; the socket itself is still good.
                Report(SipTransportEventKind.ReceiveFailed, null, exception.SocketErrorCode.ToString());
                continue;
            }

            var remote = (IPEndPoint)received.RemoteEndPoint;
            var result = _processor.Process(buffer.AsSpan(0, received.ReceivedBytes), remote, 0);
            if (result.Event is { } kind)
            {
                Report(kind, remote, result.Detail);
            }

            if (result.Reply is not null)
            {
                await SendAsync(result.Reply, result.ReplyTo!);
            }

            if (result.Message is not null)
            {
                SipReceiveDispatch.Invoke(_onReceived!, result.Message, this, (sender, e) => Diagnostic?.Invoke(sender, e));
            }
        }
    }

    private SipSendResult Failed(SipSendResult result, IPEndPoint remote)
    {
        Report(SipTransportEventKind.SendFailed, remote, result.ToString());
        return result;
    }

    private void Report(SipTransportEventKind kind, IPEndPoint? remote, string? detail) =>
        Diagnostic?.Invoke(this, new SipTransportEventArgs(kind, remote, 0, detail));
}
