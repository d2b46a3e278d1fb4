using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using Emx.Sip.Tests.Transactions;
using Emx.Sip.Transport;
using Xunit;

namespace Emx.Sip.Tests.Transport;

/// <summary>The receive path every transport shares, exercised on the in-memory transport.</summary>
public sealed class TransportProcessingTests
{
    private static readonly IPEndPoint ServerEndPoint = new(IPAddress.Loopback, 5060);
    private static readonly IPEndPoint ClientEndPoint = new(IPAddress.Parse("127.0.0.2"), 5070);

    [Fact]
    public async Task Receive_SentByHostIsAName_AddsReceived()
    {
        var (server, client, received, _) = Pair();

        client.Send(Bytes(TransactionKit.RequestText(SipMethods.Options, sentBy: "phone.example.com:5070")), ServerEndPoint);

        var via = Assert.Single(received).Message.TopVia!;
        Assert.Equal("127.0.0.2", via.Received);
        Assert.False(via.HasRPort);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_SentByIsAnotherAddress_AddsReceived()
    {
        var (server, client, received, _) = Pair();

        client.Send(Bytes(TransactionKit.RequestText(SipMethods.Options, sentBy: "192.0.2.7")), ServerEndPoint);

        Assert.Equal("127.0.0.2", Assert.Single(received).Message.TopVia!.Received);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_SentByIsTheSourceAddressWithoutRport_LeavesViaUnchanged()
    {
        var (server, client, received, _) = Pair();
        var text = TransactionKit.RequestText(SipMethods.Options, sentBy: "127.0.0.2:5999");

        client.Send(Bytes(text), ServerEndPoint);

        var message = Assert.Single(received).Message;
        Assert.Equal("SIP/2.0/UDP 127.0.0.2:5999;branch=z9hG4bKpeer1", message.Headers.GetFirst(SipHeaderNames.Via));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_EmptyRport_FillsSourcePortAndAddsReceivedEvenWhenEqual()
    {
        var (server, client, received, _) = Pair();

        // RFC 3581 §4: received is added even though sent-by already names the source address.
        client.Send(Bytes(TransactionKit.RequestText(SipMethods.Options, sentBy: "127.0.0.2:5999", extraVia: ";rport")), ServerEndPoint);

        var via = Assert.Single(received).Message.TopVia!;
        Assert.Equal(5070, via.RPort);
        Assert.Equal("127.0.0.2", via.Received);
        Assert.Equal("127.0.0.2:5999", via.SentBy);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_ForgedReceivedAndRportValues_AreReplacedWithTheSource()
    {
        var (server, client, received, _) = Pair();

        client.Send(Bytes(TransactionKit.RequestText(SipMethods.Options, sentBy: "127.0.0.2:5070", extraVia: ";received=192.0.2.66;rport=9")), ServerEndPoint);

        var via = Assert.Single(received).Message.TopVia!;
        Assert.Equal("127.0.0.2", via.Received);
        Assert.Equal(5070, via.RPort);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_ForgedReceivedWithoutRport_IsReplacedWithTheSource()
    {
        var (server, client, received, _) = Pair();

        client.Send(Bytes(TransactionKit.RequestText(SipMethods.Options, sentBy: "127.0.0.2:5070", extraVia: ";received=192.0.2.66")), ServerEndPoint);

        Assert.Equal("127.0.0.2", Assert.Single(received).Message.TopVia!.Received);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_SecondViaValue_IsLeftAlone()
    {
        var (server, client, received, _) = Pair();

        client.Send(Bytes(TransactionKit.RequestText(SipMethods.Options, sentBy: "proxy.invalid", extraVia: ", SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKinner")), ServerEndPoint);

        var vias = Assert.Single(received).Message.Vias;
        Assert.Equal(2, vias.Count);
        Assert.Equal("127.0.0.2", vias[0].Received);
        Assert.Null(vias[1].Received);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_ResponseWithForeignSentBy_IsDiscarded()
    {
        var (server, client, received, events) = Pair();
        var response = SipResponseFactory.CreateResponse(TestSip.ParseRequest(TransactionKit.RequestText(SipMethods.Options, sentBy: "127.0.0.9:5060")), 200);

        client.Send(SipMessageWriter.ToBytes(response), ServerEndPoint);

        Assert.Empty(received);
        Assert.Contains(events, e => e.Kind == SipTransportEventKind.ResponseDiscarded);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_ResponseWithOwnSentBy_IsDelivered()
    {
        var (server, client, received, _) = Pair();
        var response = SipResponseFactory.CreateResponse(TestSip.ParseRequest(TransactionKit.RequestText(SipMethods.Options, sentBy: "127.0.0.1")), 200);

        client.Send(SipMessageWriter.ToBytes(response), ServerEndPoint);

        Assert.IsType<SipResponse>(Assert.Single(received).Message);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_MalformedRequestWithResponseHeaders_Answers400ToSentByPort()
    {
        var (server, client, received, events) = Pair();
        var text = TransactionKit.RequestText(SipMethods.Options, sentBy: "127.0.0.2:5070").Replace("Max-Forwards: 70", "Max-Forwards: seventy", StringComparison.Ordinal);

        client.Send(Bytes(text), ServerEndPoint);

        Assert.Empty(received);
        var answer = client.TakeSingle<SipResponse>();
        Assert.Equal(400, answer.StatusCode);
        Assert.Contains(events, e => e.Kind == SipTransportEventKind.MalformedAnswered);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_MalformedCSeq_IsDroppedBecauseNoValidAnswerCanBeBuilt()
    {
        var (server, client, received, events) = Pair();
        var text = TransactionKit.RequestText(SipMethods.Options).Replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS", StringComparison.Ordinal);

        client.Send(Bytes(text), ServerEndPoint);

        Assert.Empty(received);
        client.AssertNothing();
        Assert.Contains(events, e => e.Kind == SipTransportEventKind.MalformedDropped);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_Garbage_IsDroppedAndReported()
    {
        var (server, client, received, events) = Pair();

        client.Send([0x16, 0x03, 0x01, 0xff, 0x00], ServerEndPoint);

        Assert.Empty(received);
        client.AssertNothing();
        Assert.Contains(events, e => e.Kind == SipTransportEventKind.MalformedDropped);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_MalformedAck_IsDroppedUnanswered()
    {
        var (server, client, received, _) = Pair();
        var text = TransactionKit.RequestText(SipMethods.Ack).Replace("Max-Forwards: 70", "Max-Forwards: seventy", StringComparison.Ordinal);

        client.Send(Bytes(text), ServerEndPoint);

        Assert.Empty(received);
        client.AssertNothing();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_RequestOverSizeLimit_Answers513()
    {
        var (server, client, received, _) = Pair(new SipTransportOptions { Parser = new SipParserOptions { MaxMessageSize = 1024 } });
        var text = TransactionKit.RequestText(SipMethods.Message).Replace("Content-Length: 0\r\n\r\n", "Content-Length: 2000\r\n\r\n" + new string('x', 2000), StringComparison.Ordinal);

        client.Send(Bytes(text), ServerEndPoint);

        Assert.Empty(received);
        Assert.Equal(513, client.TakeSingle<SipResponse>().StatusCode);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Receive_HandlerThrows_IsReportedAndNextMessageDelivered()
    {
        var network = new SipMemoryNetwork();
        await using var server = network.CreateTransport(SipTransportKind.Udp, ServerEndPoint);
        var events = new ConcurrentQueue<SipTransportEventArgs>();
        server.Diagnostic += (_, e) => events.Enqueue(e);
        var calls = 0;
        server.Start(_ =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw new InvalidOperationException("boom");
            }
        });
        var client = new Probe(network.CreateTransport(SipTransportKind.Udp, ClientEndPoint));

        client.Send(Bytes(TransactionKit.RequestText(SipMethods.Options, branch: "z9hG4bK1")), ServerEndPoint);
        client.Send(Bytes(TransactionKit.RequestText(SipMethods.Options, branch: "z9hG4bK2")), ServerEndPoint);

        Assert.Equal(2, calls);
        Assert.Contains(events, e => e.Kind == SipTransportEventKind.ReceiveFailed);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static (SipMemoryTransport Server, Probe Client, ConcurrentQueue<SipReceivedMessage> Received, ConcurrentQueue<SipTransportEventArgs> Events) Pair(
        SipTransportOptions? serverOptions = null)
    {
        var network = new SipMemoryNetwork();
        var server = network.CreateTransport(SipTransportKind.Udp, ServerEndPoint, serverOptions);
        var received = new ConcurrentQueue<SipReceivedMessage>();
        var events = new ConcurrentQueue<SipTransportEventArgs>();
        server.Diagnostic += (_, e) => events.Enqueue(e);
        server.Start(received.Enqueue);
        return (server, new Probe(network.CreateTransport(SipTransportKind.Udp, ClientEndPoint)), received, events);
    }
}
