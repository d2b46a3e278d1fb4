using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Xunit;

namespace Emx.Sip.Tests.Transport;

internal static class Loopback
{
    public static IPEndPoint AnyPort => new(IPAddress.Loopback, 0);

    /// <summary>A token that ends the wait after <paramref name="seconds"/> (or when the test run is cancelled).</summary>
    public static CancellationTokenSource Within(double seconds = 10)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(TimeSpan.FromSeconds(seconds));
        return source;
    }

    public static string Options(string branch, string sentBy, string transport = "UDP", string callId = "sock-1", int cseq = 1, string extraVia = "", string body = "") =>
        $"OPTIONS sip:server@127.0.0.1 SIP/2.0\r\n" +
        $"Via: SIP/2.0/{transport} {sentBy};branch={branch}{extraVia}\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:client@127.0.0.1>;tag=c1\r\n" +
        "To: <sip:server@127.0.0.1>\r\n" +
        $"Call-ID: {callId}\r\n" +
        $"CSeq: {cseq} OPTIONS\r\n" +
        $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n" + body;
}

/// <summary>A TU that answers every request 200 and counts them.</summary>
internal sealed class AnsweringUser : ISipTransactionUser
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public ConcurrentQueue<SipServerTransaction> Transactions { get; } = new();

    public void OnRequest(SipServerTransaction transaction)
    {
        Interlocked.Increment(ref _requests);
        Transactions.Enqueue(transaction);
        var response = transaction.CreateResponse(200);
        response.Headers.Add(SipHeaderNames.CSeq + "-Echo", transaction.Request.CSeq!.Number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        transaction.SendResponse(response);
    }

    public void OnAck(SipReceivedMessage ack)
    {
    }

    public void OnStrayResponse(SipReceivedMessage response)
    {
    }
}

/// <summary>A plain UDP socket on loopback, standing in for a phone.</summary>
internal sealed class RawUdpPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _buffer = new byte[65536];

    public RawUdpPeer() => _socket.Bind(Loopback.AnyPort);

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public Task SendAsync(string text, IPEndPoint to) => SendAsync(Encoding.UTF8.GetBytes(text), to);

    public async Task SendAsync(byte[] data, IPEndPoint to) => await _socket.SendToAsync(data, SocketFlags.None, to);

    /// <summary>The next datagram, parsed; throws OperationCanceledException when <paramref name="cancellationToken"/> ends the wait.</summary>
    public async Task<SipMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        var result = await _socket.ReceiveFromAsync(_buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cancellationToken);
        return TestSip.Parse(_buffer.AsSpan(0, result.ReceivedBytes).ToArray());
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>A plain TCP connection on loopback with its own framer.</summary>
internal sealed class RawTcpPeer : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly SipStreamFramer _framer = new();
    private byte[] _buffer = new byte[65536];
    private int _start;
    private int _end;

    private RawTcpPeer()
    {
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public static async Task<RawTcpPeer> ConnectAsync(IPEndPoint server, CancellationToken cancellationToken)
    {
        var peer = new RawTcpPeer();
        peer._socket.Bind(Loopback.AnyPort);
        await peer._socket.ConnectAsync(server, cancellationToken);
        return peer;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] data)
    {
        var sent = 0;
        while (sent < data.Length)
        {
            sent += await _socket.SendAsync(data.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <summary>The next framed message, or null when the server closed the connection.</summary>
    public async Task<SipMessage?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            while (_start < _end)
            {
                var frame = _framer.Frame(_buffer.AsSpan(_start, _end - _start));
                if (frame.Status == SipFrameStatus.NeedMoreData)
                {
                    break;
                }

                var data = _buffer.AsSpan(_start, frame.Length).ToArray();
                _start += frame.Length;
                if (frame.Status == SipFrameStatus.Message)
                {
                    return TestSip.Parse(data);
                }

                Assert.NotEqual(SipFrameStatus.Invalid, frame.Status);
            }

            if (!await FillAsync(cancellationToken))
            {
                return null;
            }
        }
    }

    /// <summary>Reads raw bytes until <paramref name="count"/> have arrived (for keep-alive pongs).</summary>
    public async Task<string> ReadRawAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            Assert.True(await FillAsync(cancellationToken), "connection closed");
        }

        var text = Encoding.ASCII.GetString(_buffer, _start, count);
        _start += count;
        return text;
    }

    /// <summary>True once the server has closed the connection (end of stream or reset), discarding anything else read.</summary>
    public async Task<bool> WaitClosedAsync(CancellationToken cancellationToken)
    {
        while (await FillAsync(cancellationToken))
        {
            _start = _end;
        }

        return true;
    }

    public void Dispose() => _socket.Dispose();

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        try
        {
            var received = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            _end += received;
            return received > 0;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return false;
        }
    }
}
