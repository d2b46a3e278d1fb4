using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Emx.Testing;
using Xunit;

namespace Emx.Sip.Tests.Transactions;

/// <summary>
/// A completed non-INVITE server transaction over UDP is kept compact until Timer J: its match key and the final
/// response's bytes, with a cap of its own; the full transaction object is let go.
/// </summary>
public sealed class CompletedTransactionTests
{
    private static readonly IPEndPoint LayerEndPoint = new(IPAddress.Loopback, 5060);
    private static readonly IPEndPoint PeerEndPoint = new(IPAddress.Parse("127.0.0.2"), 5070);

    [Fact]
    public async Task Retransmission_AfterFinalResponse_GetsIdenticalBytesWithoutTheTransaction()
    {
        await using var kit = new RawKit();
        kit.Send(Register("z9hG4bKa"));
        var sent = Assert.Single(kit.Sent);
        Assert.StartsWith("SIP/2.0 200 OK", sent, StringComparison.Ordinal);
        Assert.Equal(1, kit.Layer.ServerTransactionCount);
        Assert.Equal(1, kit.Layer.CompletedServerTransactionCount);

        kit.Send(Register("z9hG4bKa"));
        kit.Send(Register("z9hG4bKa"));

        Assert.Equal([sent, sent, sent], kit.Sent);
        Assert.Equal(1, kit.Answered);
    }

    [Fact]
    public async Task CompletedTransaction_NoLongerReferenced_IsCollected()
    {
        await using var kit = new RawKit();
        var weak = Answer(kit, "z9hG4bKgc");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(weak.TryGetTarget(out _), "the layer still holds the full transaction");
        kit.Send(Register("z9hG4bKgc"));
        Assert.Equal(2, kit.Sent.Count);
        Assert.Equal(kit.Sent[0], kit.Sent[1]);
    }

    [Fact]
    public async Task Retransmission_AtTimerJ_IsANewRequest()
    {
        await using var kit = new RawKit();
        kit.Send(Register("z9hG4bKj"));
        var first = kit.Transactions.Single();

        kit.AdvanceTo(31.999);
        kit.Send(Register("z9hG4bKj"));
        Assert.Equal(1, kit.Answered);
        Assert.Equal(SipTransactionState.Completed, first.State);

        kit.AdvanceTo(32);
        Assert.Equal(0, kit.Layer.CompletedServerTransactionCount);
        Assert.Equal(SipTransactionEndReason.Completed, await first.Completion);
        kit.Send(Register("z9hG4bKj"));
        Assert.Equal(2, kit.Answered);
    }

    [Fact]
    public async Task Entries_ExpireEachAtItsOwnTimerJ()
    {
        await using var kit = new RawKit();
        kit.Send(Register("z9hG4bK1"));
        kit.AdvanceTo(10);
        kit.Send(Register("z9hG4bK2"));
        Assert.Equal(2, kit.Layer.CompletedServerTransactionCount);

        kit.AdvanceTo(32);
        Assert.Equal(1, kit.Layer.CompletedServerTransactionCount);
        kit.Send(Register("z9hG4bK2"));
        Assert.Equal(2, kit.Answered);

        kit.AdvanceTo(42);
        Assert.Equal(0, kit.Layer.CompletedServerTransactionCount);
        kit.Send(Register("z9hG4bK2"));
        Assert.Equal(3, kit.Answered);
    }

    [Fact]
    public async Task Cap_ForgetsTheOldestFirstAndReportsIt()
    {
        await using var kit = new RawKit(new SipTransactionOptions { MaxCompletedServerTransactions = 2 });
        kit.Send(Register("z9hG4bK1"));
        kit.Send(Register("z9hG4bK2"));
        kit.Send(Register("z9hG4bK3"));

        Assert.Equal(2, kit.Layer.CompletedServerTransactionCount);
        Assert.Equal(1, kit.Layer.CompletedServerTransactionEvictions);
        Assert.Contains(kit.Events, e => e.Kind == SipTransactionLayerEventKind.Overloaded);

        kit.Send(Register("z9hG4bK2"));
        kit.Send(Register("z9hG4bK3"));
        Assert.Equal(3, kit.Answered);

        // The oldest was forgotten: its retransmission reaches the TU as a new request (and is kept in turn).
        kit.Send(Register("z9hG4bK1"));
        Assert.Equal(4, kit.Answered);
        Assert.Equal(2, kit.Layer.CompletedServerTransactionCount);

        // New requests are never refused because of the cap.
        Assert.DoesNotContain(kit.Sent, s => s.StartsWith("SIP/2.0 503", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CompletedTransactions_DoNotCountAgainstTheLiveTransactionLimit()
    {
        await using var kit = new RawKit(new SipTransactionOptions { MaxServerTransactions = 2 });

        for (var i = 0; i < 5; i++)
        {
            kit.Send(Register("z9hG4bKlive" + i));
        }

        Assert.Equal(5, kit.Answered);
        Assert.All(kit.Sent, s => Assert.StartsWith("SIP/2.0 200", s, StringComparison.Ordinal));
        Assert.Equal(5, kit.Layer.CompletedServerTransactionCount);
    }

    [Fact]
    public async Task AcceptedInvites_AreKeptCompactAbsorbRetransmissionsSilentlyAndEndAtTimerL()
    {
        await using var kit = new RawKit(new SipTransactionOptions { MaxServerTransactions = 2 });
        for (var i = 0; i < 5; i++)
        {
            kit.Send(Register("z9hG4bKinv" + i, method: SipMethods.Invite));
        }

        // Five calls answered 200 with room for two live transactions: accepted ones do not hold a live slot.
        Assert.Equal(5, kit.Answered);
        Assert.Equal(5, kit.Sent.Count(s => s.StartsWith("SIP/2.0 200", StringComparison.Ordinal)));
        Assert.Equal(5, kit.Layer.CompletedServerTransactionCount);
        var sent = kit.Sent.Count;

        kit.Send(Register("z9hG4bKinv0", method: SipMethods.Invite));
        Assert.Equal(sent, kit.Sent.Count);
        Assert.Equal(5, kit.Answered);

        // The TU may still retransmit its 2xx through the transaction it holds.
        var first = kit.Transactions[0];
        Assert.True(first.SendResponse(first.LastResponse!));
        Assert.Equal(sent + 1, kit.Sent.Count);

        kit.AdvanceTo(32);
        Assert.Equal(SipTransactionEndReason.Completed, await first.Completion);
        Assert.Equal(0, kit.Layer.ServerTransactionCount);
    }

    [Fact]
    public async Task SameBranch_OtherMethodOrOtherSentBy_IsNotARetransmission()
    {
        await using var kit = new RawKit();
        kit.Send(Register("z9hG4bKm"));

        kit.Send(Register("z9hG4bKm", method: SipMethods.Options));
        kit.Send(Register("z9hG4bKm", sentBy: "127.0.0.2:5071"));

        Assert.Equal(3, kit.Answered);
    }

    [Fact]
    public async Task Rfc2543Retransmission_IsMatchedByItsDialogFields()
    {
        await using var kit = new RawKit();
        kit.Send(Register(string.Empty));

        kit.Send(Register(string.Empty));
        Assert.Equal(1, kit.Answered);
        Assert.Equal(kit.Sent[0], kit.Sent[1]);

        kit.Send(Register(string.Empty, requestUri: "sip:other@127.0.0.1"));
        Assert.Equal(2, kit.Answered);
    }

    [Fact]
    public async Task Cancel_OfACompletedNonInvite_Is200WithItsToTagAndDoesNotReachTheTu()
    {
        await using var kit = new RawKit();
        kit.Send(Register("z9hG4bKc"));
        var toTag = TestSip.Parse(Encoding.UTF8.GetBytes(kit.Sent[0])).To!.Tag;

        kit.Send(Register("z9hG4bKc", method: SipMethods.Cancel));

        var answer = TestSip.Parse(Encoding.UTF8.GetBytes(kit.Sent[1]));
        Assert.Equal(200, Assert.IsType<SipResponse>(answer).StatusCode);
        Assert.Equal(SipMethods.Cancel, answer.CSeq!.Method);
        Assert.Equal(toTag, answer.To!.Tag);
        Assert.Equal(1, kit.Answered);
    }

    [Fact]
    public async Task OverTcp_NothingIsKept()
    {
        await using var kit = new RawKit(kind: SipTransportKind.Tcp);
        kit.Send(Register("z9hG4bKt", transport: "TCP"));

        Assert.Single(kit.Sent);
        Assert.Equal(0, kit.Layer.CompletedServerTransactionCount);
        Assert.Equal(SipTransactionEndReason.Completed, await kit.Transactions.Single().Completion);
    }

    [Fact]
    public async Task Dispose_EndsAHeldCompletedTransactionAndItsTimer()
    {
        var kit = new RawKit();
        kit.Send(Register("z9hG4bKd"));
        var transaction = kit.Transactions.Single();

        await kit.DisposeAsync();

        Assert.Equal(SipTransactionEndReason.Disposed, await transaction.Completion);
        Assert.Equal(0, kit.Time.ActiveTimers);
        Assert.Equal(0, kit.Layer.CompletedServerTransactionCount);
    }

    [Fact]
    public void Options_CapBelowOne_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SipTransactionOptions { MaxCompletedServerTransactions = 0 });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<SipServerTransaction> Answer(RawKit kit, string branch)
    {
        kit.KeepTransactions = false;
        kit.Send(Register(branch));
        return new WeakReference<SipServerTransaction>(kit.LastTransaction!);
    }

    private static string Register(string branch, string method = SipMethods.Register, string sentBy = "127.0.0.2:5070", string requestUri = "sip:7000@127.0.0.1", string transport = "UDP")
    {
        var branchParameter = branch.Length == 0 ? string.Empty : ";branch=" + branch;
        return $"{method} {requestUri} SIP/2.0\r\n" +
            $"Via: SIP/2.0/{transport} {sentBy}{branchParameter}\r\n" +
            "Max-Forwards: 70\r\n" +
            "From: <sip:7000@127.0.0.1>;tag=f1\r\n" +
            "To: <sip:7000@127.0.0.1>\r\n" +
            "Call-ID: reg-1\r\n" +
            $"CSeq: 5 {method}\r\n" +
            "Contact: <sip:7000@127.0.0.2:5070>;expires=3600\r\n" +
            "Content-Length: 0\r\n\r\n";
    }

    /// <summary>
    /// A layer whose TU answers every request 200 (with a Date, so two answers differ), and a transport that
    /// records the bytes the layer sends.
    /// </summary>
    private sealed class RawKit : IAsyncDisposable, ISipTransactionUser
    {
        private readonly SipMemoryTransport _peer;
        private readonly TimeSpan _start;
        private int _answered;
        private WeakReference<SipServerTransaction>? _last;

        public RawKit(SipTransactionOptions? options = null, SipTransportKind kind = SipTransportKind.Udp)
        {
            var network = new SipMemoryNetwork();
            var transport = new RecordingTransport(network.CreateTransport(kind, LayerEndPoint), Sent);
            _peer = network.CreateTransport(kind, PeerEndPoint);
            _peer.Start(_ => { });
            Layer = new SipTransactionLayer([transport], this, Time, options);
            Layer.Diagnostic += (_, e) => Events.Enqueue(e);
            Layer.Start();
            _start = Time.GetUtcNow() - DateTimeOffset.UnixEpoch;
        }

        public ManualTimeProvider Time { get; } = new();

        public SipTransactionLayer Layer { get; }

        public List<string> Sent { get; } = [];

        public ConcurrentQueue<SipTransactionLayerEventArgs> Events { get; } = new();

        public List<SipServerTransaction> Transactions { get; } = [];

        public bool KeepTransactions { get; set; } = true;

        public SipServerTransaction? LastTransaction => _last is { } weak && weak.TryGetTarget(out var t) ? t : null;

        public int Answered => Volatile.Read(ref _answered);

        public void Send(string text)
        {
            var result = _peer.SendAsync(Encoding.UTF8.GetBytes(text), LayerEndPoint);
            Assert.True(result.IsCompletedSuccessfully && result.Result.IsSuccess, "send failed");
        }

        public void AdvanceTo(double seconds) =>
            Time.Advance(TimeSpan.FromSeconds(seconds) - ((Time.GetUtcNow() - DateTimeOffset.UnixEpoch) - _start));

        public ValueTask DisposeAsync() => Layer.DisposeAsync();

        public void OnRequest(SipServerTransaction transaction)
        {
            Interlocked.Increment(ref _answered);
            if (KeepTransactions)
            {
                Transactions.Add(transaction);
            }

            _last = new WeakReference<SipServerTransaction>(transaction);
            var response = transaction.CreateResponse(200);
            response.Headers.Add("Date", Time.GetUtcNow().ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            transaction.SendResponse(response);
        }

        public void OnAck(SipReceivedMessage ack)
        {
        }

        public void OnStrayResponse(SipReceivedMessage response)
        {
        }
    }

    /// <summary>Passes everything through to a memory transport, recording the bytes sent as text.</summary>
    private sealed class RecordingTransport(SipMemoryTransport inner, List<string> sent) : ISipTransport
    {
        public event EventHandler<SipTransportEventArgs>? Diagnostic
        {
            add => inner.Diagnostic += value;
            remove => inner.Diagnostic -= value;
        }

        public SipTransportKind Kind => inner.Kind;

        public IPEndPoint LocalEndPoint => inner.LocalEndPoint;

        public string AdvertisedHost => inner.AdvertisedHost;

        public int AdvertisedPort => inner.AdvertisedPort;

        public void Start(Action<SipReceivedMessage> onReceived) => inner.Start(m => onReceived(m with { Transport = this }));

        public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> data, IPEndPoint remote, long connectionId = 0, CancellationToken cancellationToken = default)
        {
            lock (sent)
            {
                sent.Add(Encoding.UTF8.GetString(data.Span));
            }

            return inner.SendAsync(data, remote, connectionId, cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
