using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Xunit;

using Emx.Testing;

namespace Emx.Sip.Tests.Transport;

public sealed class TcpTransportTests
{
    [Fact(Timeout = 30_000)]
    public async Task ManyMessages_OnOneConnectionInOneWrite_AllAnsweredOverThatConnection()
    {
        var user = new AnsweringUser();
        var transport = new SipTcpTransport(Loopback.AnyPort);
        var opened = 0;
        transport.Diagnostic += (_, e) =>
        {
            if (e.Kind == SipTransportEventKind.ConnectionOpened)
            {
                Interlocked.Increment(ref opened);
            }
        };
        await using var layer = new SipTransactionLayer([transport], user);
        layer.Start();
        using var within = Loopback.Within(20);
        using var phone = await RawTcpPeer.ConnectAsync(transport.LocalEndPoint, within.Token);
        var sentBy = "127.0.0.1:" + phone.LocalEndPoint.Port;

        var burst = new StringBuilder();
        for (var i = 1; i <= 50; i++)
        {
            burst.Append(Loopback.Options("z9hG4bKtcp" + i, sentBy, "TCP", "tcp-many", i));
        }

        await phone.SendAsync(burst.ToString());
        var answered = new List<string?>();
        for (var i = 1; i <= 50; i++)
        {
            var response = Assert.IsType<SipResponse>(await phone.ReadMessageAsync(within.Token));
            Assert.Equal(200, response.StatusCode);
            answered.Add(response.Headers.GetFirst("CSeq-Echo"));
        }

        Assert.Equal(Enumerable.Range(1, 50).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), answered);
        Assert.Equal(50, user.Requests);
        Assert.Equal(1, Volatile.Read(ref opened));
        Assert.Equal(1, transport.ConnectionCount);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100)]
    public async Task SplitMessages_WrittenInSmallPieces_AreFramedAndAnswered(int pieceSize)
    {
        var user = new AnsweringUser();
        await using var layer = new SipTransactionLayer([new SipTcpTransport(Loopback.AnyPort)], user);
        layer.Start();
        using var within = Loopback.Within(20);
        using var phone = await RawTcpPeer.ConnectAsync(layer.Transports[0].LocalEndPoint, within.Token);
        var sentBy = "127.0.0.1:" + phone.LocalEndPoint.Port;
        var data = Encoding.UTF8.GetBytes(
            Loopback.Options("z9hG4bKsplit1", sentBy, "TCP", "split", 1, body: "first body") + "\r\n\r\n" +
            Loopback.Options("z9hG4bKsplit2", sentBy, "TCP", "split", 2, body: "second"));

        for (var offset = 0; offset < data.Length; offset += pieceSize)
        {
            await phone.SendAsync(data[offset..Math.Min(data.Length, offset + pieceSize)]);
        }

        Assert.Equal("1", (await phone.ReadMessageAsync(within.Token))!.Headers.GetFirst("CSeq-Echo"));
        Assert.Equal("2", (await phone.ReadMessageAsync(within.Token))!.Headers.GetFirst("CSeq-Echo"));
        Assert.Equal(2, user.Requests);
        Assert.Equal("first body", Encoding.UTF8.GetString(user.Transactions.First().Request.Body.Span));
    }

    [Fact(Timeout = 30_000)]
    public async Task ConnectionLimit_Reached_ExtraConnectionIsClosedAndOthersKeepWorking()
    {
        var transport = new SipTcpTransport(Loopback.AnyPort, new SipTransportOptions { MaxConnections = 2 });
        var rejected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        transport.Diagnostic += (_, e) =>
        {
            if (e.Kind == SipTransportEventKind.ConnectionRejected)
            {
                rejected.TrySetResult();
            }
        };
        await using var layer = new SipTransactionLayer([transport], new AnsweringUser());
        layer.Start();
        using var within = Loopback.Within(20);
        using var first = await RawTcpPeer.ConnectAsync(transport.LocalEndPoint, within.Token);
        using var second = await RawTcpPeer.ConnectAsync(transport.LocalEndPoint, within.Token);
        await AssertAnsweredAsync(first, "z9hG4bKlim1", within.Token);
        await AssertAnsweredAsync(second, "z9hG4bKlim2", within.Token);

        // The kernel completes the handshake before the transport refuses the connection, so the reset may
        // arrive while connecting or right after.
        try
        {
            using var third = await RawTcpPeer.ConnectAsync(transport.LocalEndPoint, within.Token);
            Assert.True(await third.WaitClosedAsync(within.Token));
        }
        catch (System.Net.Sockets.SocketException exception) when (exception.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset)
        {
            // Refused during the handshake.
        }

        await rejected.Task.WaitAsync(within.Token);
        Assert.Equal(2, transport.ConnectionCount);
        await AssertAnsweredAsync(first, "z9hG4bKlim3", within.Token);
    }

    [Fact(Timeout = 30_000)]
    public async Task KeepAlivePing_DoubleCrlf_AnsweredWithSingleCrlfPong()
    {
        await using var layer = new SipTransactionLayer([new SipTcpTransport(Loopback.AnyPort)], new AnsweringUser());
        layer.Start();
        using var within = Loopback.Within(20);
        using var phone = await RawTcpPeer.ConnectAsync(layer.Transports[0].LocalEndPoint, within.Token);

        await phone.SendAsync("\r\n\r\n");

        Assert.Equal("\r\n", await phone.ReadRawAsync(2, within.Token));
        await AssertAnsweredAsync(phone, "z9hG4bKafterping", within.Token);
    }

    [Fact(Timeout = 30_000)]
    public async Task IdleConnection_NothingForIdleTimeout_IsClosed()
    {
        var time = new ManualTimeProvider();
        var transport = new SipTcpTransport(Loopback.AnyPort, new SipTransportOptions { IdleTimeout = TimeSpan.FromSeconds(30) }, time);
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        transport.Diagnostic += (_, e) =>
        {
            if (e.Kind == SipTransportEventKind.IdleTimeout)
            {
                idle.TrySetResult();
            }
        };
        await using var layer = new SipTransactionLayer([transport], new AnsweringUser(), time);
        layer.Start();
        using var within = Loopback.Within(20);
        using var phone = await RawTcpPeer.ConnectAsync(transport.LocalEndPoint, within.Token);
        await AssertAnsweredAsync(phone, "z9hG4bKidle1", within.Token);

        // Activity at 20 s pushes the deadline to 50 s.
        time.Advance(TimeSpan.FromSeconds(20));
        await AssertAnsweredAsync(phone, "z9hG4bKidle2", within.Token);
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(idle.Task.IsCompleted);
        Assert.Equal(1, transport.ConnectionCount);

        time.Advance(TimeSpan.FromSeconds(10));

        await idle.Task.WaitAsync(within.Token);
        Assert.True(await phone.WaitClosedAsync(within.Token));
        Assert.Equal(0, transport.ConnectionCount);
    }

    [Fact(Timeout = 30_000)]
    public async Task OversizeMessage_OverLimit_Answered513ThenClosed()
    {
        var options = new SipTransportOptions { Parser = new SipParserOptions { MaxMessageSize = 4096 } };
        var user = new AnsweringUser();
        await using var layer = new SipTransactionLayer([new SipTcpTransport(Loopback.AnyPort, options)], user);
        layer.Start();
        using var within = Loopback.Within(20);
        using var phone = await RawTcpPeer.ConnectAsync(layer.Transports[0].LocalEndPoint, within.Token);

        await phone.SendAsync(Loopback.Options("z9hG4bKhuge", "127.0.0.1:" + phone.LocalEndPoint.Port, "TCP", body: new string('x', 10_000)));

        var response = Assert.IsType<SipResponse>(await phone.ReadMessageAsync(within.Token));
        Assert.Equal(513, response.StatusCode);
        Assert.Equal("z9hG4bKhuge", response.TopVia!.Branch);
        Assert.True(await phone.WaitClosedAsync(within.Token));
        Assert.Equal(0, user.Requests);
    }

    [Fact(Timeout = 30_000)]
    public async Task UnframeableStream_NoContentLength_ConnectionClosed()
    {
        var transport = new SipTcpTransport(Loopback.AnyPort);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        transport.Diagnostic += (_, e) =>
        {
            if (e.Kind == SipTransportEventKind.ConnectionClosed)
            {
                closed.TrySetResult();
            }
        };
        await using var layer = new SipTransactionLayer([transport], new AnsweringUser());
        layer.Start();
        using var within = Loopback.Within(20);
        var phone = await RawTcpPeer.ConnectAsync(transport.LocalEndPoint, within.Token);
        var text = Loopback.Options("z9hG4bKnocl", "127.0.0.1:5060", "TCP").Replace("Content-Length: 0\r\n", string.Empty, StringComparison.Ordinal);

        await phone.SendAsync(text);

        // RFC 3261 §18.3: Content-Length is mandatory on streams. The request is answered 400, then the
        // connection, whose framing is lost, is closed: our side at once, the socket once the peer closes too.
        var response = Assert.IsType<SipResponse>(await phone.ReadMessageAsync(within.Token));
        Assert.Equal(400, response.StatusCode);
        Assert.True(await phone.WaitClosedAsync(within.Token));
        phone.Dispose();
        await closed.Task.WaitAsync(within.Token);
        Assert.Equal(0, transport.ConnectionCount);
    }

    [Fact(Timeout = 30_000)]
    public async Task MalformedMessage_WellFramed_Answered400AndConnectionKept()
    {
        await using var layer = new SipTransactionLayer([new SipTcpTransport(Loopback.AnyPort)], new AnsweringUser());
        layer.Start();
        using var within = Loopback.Within(20);
        using var phone = await RawTcpPeer.ConnectAsync(layer.Transports[0].LocalEndPoint, within.Token);
        var bad = Loopback.Options("z9hG4bKbadtcp", "127.0.0.1:5060", "TCP").Replace("Max-Forwards: 70", "Max-Forwards: 70000", StringComparison.Ordinal);

        await phone.SendAsync(bad);

        Assert.Equal(400, Assert.IsType<SipResponse>(await phone.ReadMessageAsync(within.Token)).StatusCode);
        await AssertAnsweredAsync(phone, "z9hG4bKgoodtcp", within.Token);
    }

    [Fact(Timeout = 30_000)]
    public async Task TwoLayers_RequestsOverTcp_ReuseOneConnectionBothWays()
    {
        var serverTransport = new SipTcpTransport(Loopback.AnyPort);
        var clientTransport = new SipTcpTransport(Loopback.AnyPort);
        var opened = 0;
        clientTransport.Diagnostic += (_, e) =>
        {
            if (e.Kind == SipTransportEventKind.ConnectionOpened)
            {
                Interlocked.Increment(ref opened);
            }
        };
        var serverUser = new AnsweringUser();
        await using var server = new SipTransactionLayer([serverTransport], serverUser);
        await using var client = new SipTransactionLayer([clientTransport], new AnsweringUser());
        server.Start();
        client.Start();
        var destination = new SipDestination(SipTransportKind.Tcp, serverTransport.LocalEndPoint);

        for (var i = 1; i <= 3; i++)
        {
            var transaction = client.SendRequest(Request(i), destination);
            var response = await transaction.FinalResponse.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            Assert.Equal(200, response.StatusCode);
            Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        }

        Assert.Equal(1, Volatile.Read(ref opened));
        Assert.Equal(1, clientTransport.ConnectionCount);
        Assert.Equal(1, serverTransport.ConnectionCount);

        // The server saw the connection's ephemeral source port, and the client's listening port in sent-by.
        var seen = serverUser.Transactions.First();
        Assert.NotEqual(clientTransport.LocalEndPoint.Port, seen.Source.RemoteEndPoint.Port);
        Assert.Equal(clientTransport.LocalEndPoint.Port, seen.Request.TopVia!.Port);
        Assert.Equal(seen.Source.RemoteEndPoint.Port, seen.Request.TopVia.RPort);
    }

    [Fact(Timeout = 30_000)]
    public async Task SendRequest_NobodyListening_Local503()
    {
        await using var client = new SipTransactionLayer([new SipTcpTransport(Loopback.AnyPort)], new AnsweringUser());
        client.Start();
        var closedPort = new SipTcpTransport(Loopback.AnyPort);
        var port = closedPort.LocalEndPoint.Port;
        await closedPort.DisposeAsync();

        var transaction = client.SendRequest(Request(1), new SipDestination(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, port)));

        var response = await transaction.FinalResponse.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        Assert.Equal(503, response.StatusCode);
        Assert.Equal(SipTransactionEndReason.TransportError, await transaction.Completion);
        Assert.Equal(0, ((SipTcpTransport)client.Transports[0]).ConnectionCount);
    }

    [Fact(Timeout = 30_000)]
    public async Task SendAsync_ClosedConnectionId_ReturnsConnectionClosed()
    {
        await using var transport = new SipTcpTransport(Loopback.AnyPort);
        transport.Start(_ => { });

        var result = await transport.SendAsync("x"u8.ToArray(), new IPEndPoint(IPAddress.Loopback, 5060), connectionId: 12345, TestContext.Current.CancellationToken);

        Assert.Equal(SipSendStatus.ConnectionClosed, result.Status);
    }

    private static SipRequest Request(int cseq)
    {
        var request = new SipRequest(SipMethods.Options, SipUri.Parse("sip:server@127.0.0.1"));
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, "<sip:client@127.0.0.1>;tag=t1");
        request.Headers.Add(SipHeaderNames.To, "<sip:server@127.0.0.1>");
        request.Headers.Add(SipHeaderNames.CallId, "tcp-layers");
        request.Headers.Add(SipHeaderNames.CSeq, cseq.ToString(System.Globalization.CultureInfo.InvariantCulture) + " OPTIONS");
        return request;
    }

    private static async Task AssertAnsweredAsync(RawTcpPeer phone, string branch, CancellationToken cancellationToken)
    {
        await phone.SendAsync(Loopback.Options(branch, "127.0.0.1:" + phone.LocalEndPoint.Port, "TCP", branch));
        var response = Assert.IsType<SipResponse>(await phone.ReadMessageAsync(cancellationToken));
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(branch, response.TopVia!.Branch);
    }
}
