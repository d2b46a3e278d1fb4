using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Xunit;

using Emx.Testing;

namespace Emx.Sip.Tests.Transactions;

/// <summary>
/// A transaction layer on an in-memory network, driven by a manual clock, facing a raw peer ("probe") that
/// records what it receives. Memory delivery is synchronous, so once a call or <see cref="Advance"/> returns,
/// everything it caused has been delivered: tests count messages without waiting.
/// </summary>
internal sealed class TransactionKit : IAsyncDisposable
{
    public static readonly IPEndPoint LayerEndPoint = new(IPAddress.Loopback, 5060);
    public static readonly IPEndPoint PeerEndPoint = new(IPAddress.Parse("127.0.0.2"), 5070);

    private readonly TimeSpan _start;

    public TransactionKit(SipTransportKind kind = SipTransportKind.Udp, SipTransactionOptions? options = null)
    {
        Kind = kind;
        Network = new SipMemoryNetwork();
        LayerTransport = Network.CreateTransport(kind, LayerEndPoint);
        Peer = new Probe(Network.CreateTransport(kind, PeerEndPoint));
        Layer = new SipTransactionLayer([LayerTransport], User, Time, options);
        Layer.Diagnostic += (_, e) => LayerEvents.Enqueue(e);
        Layer.Start();
        _start = Elapsed;
    }

    public SipTransportKind Kind { get; }

    public ManualTimeProvider Time { get; } = new();

    public SipMemoryNetwork Network { get; }

    public SipMemoryTransport LayerTransport { get; }

    public Probe Peer { get; }

    public RecordingUser User { get; } = new();

    public SipTransactionLayer Layer { get; }

    public ConcurrentQueue<SipTransactionLayerEventArgs> LayerEvents { get; } = new();

    public SipDestination PeerDestination => new(Kind, PeerEndPoint);

    private TimeSpan Elapsed => Time.GetUtcNow() - DateTimeOffset.UnixEpoch;

    /// <summary>Moves the clock to <paramref name="sinceStart"/> after the kit was created.</summary>
    public void AdvanceTo(TimeSpan sinceStart)
    {
        var delta = sinceStart - (Elapsed - _start);
        Assert.True(delta >= TimeSpan.Zero, $"the clock is already past {sinceStart}");
        Time.Advance(delta);
    }

    public void Advance(TimeSpan delta) => Time.Advance(delta);

    public void AdvanceTo(double secondsSinceStart) => AdvanceTo(TimeSpan.FromSeconds(secondsSinceStart));

    public ValueTask DisposeAsync() => Layer.DisposeAsync();

    public static SipRequest NewRequest(string method, string callId = "call-1", uint cseq = 1, string? toTag = null)
    {
        var request = new SipRequest(method, SipUri.Parse("sip:bob@127.0.0.2:5070"));
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, "<sip:alice@127.0.0.1>;tag=alice1");
        request.Headers.Add(SipHeaderNames.To, "<sip:bob@127.0.0.2>" + (toTag is null ? string.Empty : ";tag=" + toTag));
        request.Headers.Add(SipHeaderNames.CallId, callId);
        request.Headers.Add(SipHeaderNames.CSeq, cseq.ToString(CultureInfo.InvariantCulture) + " " + method);
        return request;
    }

    /// <summary>The text of a request as the peer sends it to the layer, with the peer's Via.</summary>
    public static string RequestText(
        string method,
        string branch = "z9hG4bKpeer1",
        string callId = "call-9",
        uint cseq = 1,
        string? cseqMethod = null,
        string? toTag = null,
        string sentBy = "127.0.0.2:5070",
        string requestUri = "sip:alice@127.0.0.1",
        string transport = "UDP",
        string? extraVia = null)
    {
        var branchParameter = branch.Length == 0 ? string.Empty : ";branch=" + branch;
        return $"{method} {requestUri} SIP/2.0\r\n" +
            $"Via: SIP/2.0/{transport} {sentBy}{branchParameter}{extraVia}\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:bob@127.0.0.2>;tag=bob1\r\n" +
            $"To: <sip:alice@127.0.0.1>{(toTag is null ? string.Empty : ";tag=" + toTag)}\r\n" +
            $"Call-ID: {callId}\r\n" +
            $"CSeq: {cseq} {cseqMethod ?? method}\r\n" +
            "Content-Length: 0\r\n\r\n";
    }

    /// <summary>Sends raw text from the peer to the layer.</summary>
    public void PeerSends(string text) => Peer.Send(Encoding.UTF8.GetBytes(text), LayerEndPoint);

    /// <summary>The peer answers a request it received with <paramref name="statusCode"/>.</summary>
    public SipResponse PeerResponds(SipRequest request, int statusCode, string? toTag = "bobtag")
    {
        var response = SipResponseFactory.CreateResponse(request, statusCode, toTag: statusCode == 100 ? null : toTag);
        Peer.Send(SipMessageWriter.ToBytes(response), LayerEndPoint);
        return response;
    }
}

/// <summary>A raw peer: records everything it receives, in order.</summary>
internal sealed class Probe
{
    private readonly ConcurrentQueue<SipReceivedMessage> _received = new();

    public Probe(SipMemoryTransport transport)
    {
        Transport = transport;
        transport.Start(_received.Enqueue);
    }

    public SipMemoryTransport Transport { get; }

    public int Count => _received.Count;

    public void Send(byte[] data, IPEndPoint to)
    {
        var result = Transport.SendAsync(data, to);
        Assert.True(result.IsCompletedSuccessfully && result.Result.IsSuccess, "probe send failed");
    }

    /// <summary>Takes every message received so far.</summary>
    public List<SipMessage> TakeAll()
    {
        var messages = new List<SipMessage>();
        while (_received.TryDequeue(out var message))
        {
            messages.Add(message.Message);
        }

        return messages;
    }

    /// <summary>Takes exactly one message received so far, failing if there are none or more.</summary>
    public T TakeSingle<T>()
        where T : SipMessage
    {
        var all = TakeAll();
        Assert.True(all.Count == 1, $"expected one message, got {all.Count}: {string.Join(" | ", all)}");
        return Assert.IsType<T>(all[0]);
    }

    /// <summary>Asserts nothing arrived since the last take.</summary>
    public void AssertNothing()
    {
        var all = TakeAll();
        Assert.True(all.Count == 0, $"expected nothing, got: {string.Join(" | ", all)}");
    }
}

/// <summary>A TU that records what it is given and can answer requests through a callback.</summary>
internal sealed class RecordingUser : ISipTransactionUser
{
    public ConcurrentQueue<SipServerTransaction> Requests { get; } = new();

    public ConcurrentQueue<SipReceivedMessage> Acks { get; } = new();

    public ConcurrentQueue<SipReceivedMessage> StrayResponses { get; } = new();

    public Action<SipServerTransaction>? OnRequestAction { get; set; }

    public void OnRequest(SipServerTransaction transaction)
    {
        Requests.Enqueue(transaction);
        OnRequestAction?.Invoke(transaction);
    }

    public void OnAck(SipReceivedMessage ack) => Acks.Enqueue(ack);

    public void OnStrayResponse(SipReceivedMessage response) => StrayResponses.Enqueue(response);

    public SipServerTransaction SingleRequest()
    {
        Assert.True(Requests.Count == 1, $"expected one request at the TU, got {Requests.Count}");
        Assert.True(Requests.TryPeek(out var transaction));
        return transaction;
    }
}
