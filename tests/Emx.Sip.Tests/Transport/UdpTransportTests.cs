using System.Collections.Concurrent;
using System.Net;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Xunit;

namespace Emx.Sip.Tests.Transport;

public sealed class UdpTransportTests
{
    [Fact(Timeout = 20_000)]
    public async Task Options_FromRawSocketWithRport_AnsweredAtSourcePortWithReceivedAndRport()
    {
        var user = new AnsweringUser();
        await using var layer = new SipTransactionLayer([new SipUdpTransport(Loopback.AnyPort)], user);
        layer.Start();
        using var phone = new RawUdpPeer();
        var server = layer.Transports[0].LocalEndPoint;

        // sent-by names a host and port nobody listens on; rport asks for the source port instead.
        await phone.SendAsync(Loopback.Options("z9hG4bKudp1", "192.0.2.10:5099", extraVia: ";rport"), server);
        using var within = Loopback.Within();
        var response = Assert.IsType<SipResponse>(await phone.ReceiveAsync(within.Token));

        Assert.Equal(200, response.StatusCode);
        var via = response.TopVia!;
        Assert.Equal("127.0.0.1", via.Received);
        Assert.Equal(phone.LocalEndPoint.Port, via.RPort);
        Assert.Equal("z9hG4bKudp1", via.Branch);
        Assert.Equal(1, user.Requests);
    }

    [Fact(Timeout = 20_000)]
    public async Task Options_FromRawSocketWithoutRport_AnsweredAtSentByPort()
    {
        await using var layer = new SipTransactionLayer([new SipUdpTransport(Loopback.AnyPort)], new AnsweringUser());
        layer.Start();
        using var phone = new RawUdpPeer();

        // sent-by is the phone's real address and port: no received, no rport; the answer goes to sent-by.
        await phone.SendAsync(Loopback.Options("z9hG4bKudp2", "127.0.0.1:" + phone.LocalEndPoint.Port), layer.Transports[0].LocalEndPoint);
        using var within = Loopback.Within();
        var response = Assert.IsType<SipResponse>(await phone.ReceiveAsync(within.Token));

        Assert.Null(response.TopVia!.Received);
        Assert.False(response.TopVia.HasRPort);
    }

    [Fact(Timeout = 30_000)]
    public async Task TwoLayers_RequestOverUdp_RoundTripsWithReceivedAndRport()
    {
        var serverUser = new AnsweringUser();
        await using var server = new SipTransactionLayer([new SipUdpTransport(Loopback.AnyPort)], serverUser);
        await using var client = new SipTransactionLayer([new SipUdpTransport(Loopback.AnyPort)], new AnsweringUser());
        server.Start();
        client.Start();

        var request = new SipRequest(SipMethods.Register, SipUri.Parse("sip:127.0.0.1"));
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, "<sip:1001@127.0.0.1>;tag=r1");
        request.Headers.Add(SipHeaderNames.To, "<sip:1001@127.0.0.1>");
        request.Headers.Add(SipHeaderNames.CallId, "reg-1");
        request.Headers.Add(SipHeaderNames.CSeq, "1 REGISTER");
        var transaction = client.SendRequest(request, new SipDestination(SipTransportKind.Udp, server.Transports[0].LocalEndPoint));

        var response = await transaction.FinalResponse.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("127.0.0.1", response.TopVia!.Received);
        Assert.Equal(client.Transports[0].LocalEndPoint.Port, response.TopVia.RPort);
        var seen = Assert.Single(serverUser.Transactions);
        Assert.Equal(client.Transports[0].LocalEndPoint, seen.Source.RemoteEndPoint);
    }

    [Fact(Timeout = 60_000)]
    public async Task MalformedBurst_ThousandGarbageDatagrams_ValidOptionsStillAnswered()
    {
        var user = new AnsweringUser();
        var transport = new SipUdpTransport(Loopback.AnyPort);
        var dropped = 0;
        transport.Diagnostic += (_, e) =>
        {
            if (e.Kind == SipTransportEventKind.MalformedDropped)
            {
                Interlocked.Increment(ref dropped);
            }
        };
        await using var layer = new SipTransactionLayer([transport], user);
        layer.Start();
        using var attacker = new RawUdpPeer();
        var random = new Random(3261);
        for (var i = 0; i < 1000; i++)
        {
            var garbage = new byte[random.Next(1, 1400)];
            random.NextBytes(garbage);
            await attacker.SendAsync(garbage, transport.LocalEndPoint);
        }

        // A UAC retransmits over UDP (the kernel may have dropped datagrams of the burst): same branch each time.
        SipMessage? answer = null;
        for (var attempt = 0; attempt < 20 && answer is null; attempt++)
        {
            await attacker.SendAsync(Loopback.Options("z9hG4bKafterburst", "127.0.0.1:" + attacker.LocalEndPoint.Port), transport.LocalEndPoint);
            using var within = Loopback.Within(1);
            try
            {
                answer = await attacker.ReceiveAsync(within.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                // Not answered yet: retransmit.
            }
        }

        var response = Assert.IsType<SipResponse>(answer);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(1, user.Requests);
        Assert.True(Volatile.Read(ref dropped) > 0);
    }

    [Fact(Timeout = 20_000)]
    public async Task OversizeRequest_OverLimit_Answered513()
    {
        var options = new SipTransportOptions { Parser = new SipParserOptions { MaxMessageSize = 2048 } };
        var user = new AnsweringUser();
        await using var layer = new SipTransactionLayer([new SipUdpTransport(Loopback.AnyPort, options)], user);
        layer.Start();
        using var phone = new RawUdpPeer();

        await phone.SendAsync(Loopback.Options("z9hG4bKbig", "127.0.0.1:" + phone.LocalEndPoint.Port, body: new string('x', 3000)), layer.Transports[0].LocalEndPoint);
        using var within = Loopback.Within();
        var response = Assert.IsType<SipResponse>(await phone.ReceiveAsync(within.Token));

        Assert.Equal(513, response.StatusCode);
        Assert.Equal(0, user.Requests);
    }

    [Fact(Timeout = 20_000)]
    public async Task MalformedRequest_WithRecoverableHeaders_Answered400()
    {
        await using var layer = new SipTransactionLayer([new SipUdpTransport(Loopback.AnyPort)], new AnsweringUser());
        layer.Start();
        using var phone = new RawUdpPeer();
        var text = Loopback.Options("z9hG4bKbad", "127.0.0.1:" + phone.LocalEndPoint.Port).Replace("Max-Forwards: 70", "Max-Forwards: 70000", StringComparison.Ordinal);

        await phone.SendAsync(text, layer.Transports[0].LocalEndPoint);
        using var within = Loopback.Within();

        Assert.Equal(400, Assert.IsType<SipResponse>(await phone.ReceiveAsync(within.Token)).StatusCode);
    }

    [Fact(Timeout = 20_000)]
    public async Task SendAsync_DatagramTooLarge_ReturnsMessageTooLarge()
    {
        await using var transport = new SipUdpTransport(Loopback.AnyPort);
        var events = new ConcurrentQueue<SipTransportEventArgs>();
        transport.Diagnostic += (_, e) => events.Enqueue(e);

        var result = await transport.SendAsync(new byte[70_000], new IPEndPoint(IPAddress.Loopback, 9), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(SipSendStatus.MessageTooLarge, result.Status);
        Assert.Contains(events, e => e.Kind == SipTransportEventKind.SendFailed);
    }
}
