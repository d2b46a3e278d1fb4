using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Xunit;

namespace Emx.Sip.Tests.Transactions;

public sealed class ServerTransactionTests
{
    [Fact]
    public async Task ServerInvite_TuSilent_Sends100TryingAfter200Milliseconds()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));
        var transaction = kit.User.SingleRequest();
        Assert.Equal(SipTransactionState.Proceeding, transaction.State);

        kit.AdvanceTo(0.199);
        kit.Peer.AssertNothing();
        kit.AdvanceTo(0.2);

        var trying = kit.Peer.TakeSingle<SipResponse>();
        Assert.Equal(100, trying.StatusCode);
        Assert.Null(trying.To!.Tag);
        Assert.Equal("z9hG4bKpeer1", trying.TopVia!.Branch);
    }

    [Fact]
    public async Task ServerInvite_TuAnswersWithin200Milliseconds_SendsNo100Trying()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));
        var transaction = kit.User.SingleRequest();
        kit.AdvanceTo(0.1);

        Assert.True(transaction.SendResponse(transaction.CreateResponse(180)));

        Assert.Equal(180, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        kit.AdvanceTo(5);
        kit.Peer.AssertNothing();
    }

    [Fact]
    public async Task ServerInvite_TryingDelayZero_Sends100TryingImmediately()
    {
        await using var kit = new TransactionKit(options: new SipTransactionOptions { TryingDelay = TimeSpan.Zero });

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));

        Assert.Equal(100, kit.Peer.TakeSingle<SipResponse>().StatusCode);
    }

    [Fact]
    public async Task ServerInvite_RetransmittedInvite_ResendsLastProvisionalWithoutReachingTu()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));
        var transaction = kit.User.SingleRequest();
        transaction.SendResponse(transaction.CreateResponse(180));
        kit.Peer.TakeAll();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));

        Assert.Equal(180, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.Single(kit.User.Requests);
    }

    [Fact]
    public async Task ServerInvite_RetransmissionBeforeAnyResponse_Sends100TryingAtOnce()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));

        Assert.Equal(100, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        kit.AdvanceTo(1);
        kit.Peer.AssertNothing();
    }

    [Fact]
    public async Task ServerInvite_ErrorResponseOverUdp_RetransmitsWithTimerGUntilAckThenAbsorbsAcks()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));
        var transaction = kit.User.SingleRequest();
        transaction.SendResponse(transaction.CreateResponse(486));
        var busy = kit.Peer.TakeSingle<SipResponse>();
        Assert.Equal(transaction.ToTag, busy.To!.Tag);

        // Timer G: T1, 2*T1, 4*T1, then capped at T2: 0.5, 1.5, 3.5, 7.5 s.
        foreach (var at in new[] { 0.5, 1.5, 3.5, 7.5 })
        {
            kit.AdvanceTo(at - 0.001);
            kit.Peer.AssertNothing();
            kit.AdvanceTo(at);
            Assert.Equal(486, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        }

        kit.AdvanceTo(8);
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Ack, toTag: transaction.ToTag));
        Assert.Equal(SipTransactionState.Confirmed, transaction.State);
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Ack, toTag: transaction.ToTag));
        Assert.Empty(kit.User.Acks);

        // No more retransmissions; timer I (T4) ends the transaction.
        kit.AdvanceTo(12.999);
        kit.Peer.AssertNothing();
        Assert.Equal(SipTransactionState.Confirmed, transaction.State);
        kit.AdvanceTo(13);
        Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion);
    }

    [Fact]
    public async Task ServerInvite_NoAck_RetransmitsCappedAtT2AndTimesOutAtTimerH()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));
        var transaction = kit.User.SingleRequest();
        transaction.SendResponse(transaction.CreateResponse(500));
        kit.Peer.TakeAll();

        kit.AdvanceTo(31.999);
        Assert.Equal(10, kit.Peer.TakeAll().Count); // 0.5, 1.5, 3.5, 7.5, 11.5, ..., 31.5
        kit.AdvanceTo(32);

        Assert.Equal(SipTransactionEndReason.TimedOut, await transaction.Completion);
        kit.AdvanceTo(60);
        kit.Peer.AssertNothing();
    }

    [Fact]
    public async Task ServerInvite_ErrorResponseOverTcp_NeverRetransmitsAndEndsOnAck()
    {
        await using var kit = new TransactionKit(SipTransportKind.Tcp);
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite, transport: "TCP"));
        var transaction = kit.User.SingleRequest();
        transaction.SendResponse(transaction.CreateResponse(486));
        kit.Peer.TakeSingle<SipResponse>();

        kit.AdvanceTo(31);
        kit.Peer.AssertNothing();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Ack, transport: "TCP", toTag: transaction.ToTag));

        Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion);
    }

    [Fact]
    public async Task ServerInvite_RetransmittedInviteInCompleted_ResendsFinalResponse()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));
        var transaction = kit.User.SingleRequest();
        transaction.SendResponse(transaction.CreateResponse(404));
        kit.Peer.TakeAll();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));

        Assert.Equal(404, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.Single(kit.User.Requests);
    }

    [Fact]
    public async Task ServerInvite_SuccessResponse_AcceptedAbsorbsInviteRetransmissionsAndPassesAckToTu()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));
        var transaction = kit.User.SingleRequest();
        var ok = transaction.CreateResponse(200);
        transaction.SendResponse(ok);
        kit.Peer.TakeSingle<SipResponse>();
        Assert.Equal(SipTransactionState.Accepted, transaction.State);

        // RFC 6026: a retransmitted INVITE is absorbed, neither answered nor passed up.
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));
        kit.Peer.AssertNothing();
        Assert.Single(kit.User.Requests);

        // The TU retransmits its 2xx through the transaction; a non-2xx is refused.
        Assert.True(transaction.SendResponse(ok));
        Assert.Equal(200, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.False(transaction.SendResponse(transaction.CreateResponse(500)));

        // The ACK for a 2xx has a branch of its own: it reaches the TU.
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Ack, branch: "z9hG4bKack2", toTag: transaction.ToTag));
        Assert.Single(kit.User.Acks);

        // Timer L: 64*T1.
        kit.AdvanceTo(32);
        Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion);
    }

    [Fact]
    public async Task ServerNonInvite_RetransmissionBeforeResponse_IsAbsorbed()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Register));

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Register));
        kit.AdvanceTo(1);

        kit.Peer.AssertNothing();
        Assert.Single(kit.User.Requests);
        Assert.Equal(SipTransactionState.Trying, kit.User.SingleRequest().State);
    }

    [Fact]
    public async Task ServerNonInvite_RetransmissionInProceeding_ResendsLastProvisional()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Register));
        var transaction = kit.User.SingleRequest();
        transaction.SendResponse(transaction.CreateResponse(100));
        kit.Peer.TakeAll();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Register));

        Assert.Equal(100, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.Equal(SipTransactionState.Proceeding, transaction.State);
    }

    [Fact]
    public async Task ServerNonInvite_FinalResponseOverUdp_ResendsItForRetransmissionsUntilTimerJ()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Register));
        var transaction = kit.User.SingleRequest();
        Assert.True(transaction.SendResponse(transaction.CreateResponse(200)));
        kit.Peer.TakeSingle<SipResponse>();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Register));
        Assert.Equal(200, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.False(transaction.SendResponse(transaction.CreateResponse(500)));
        kit.Peer.AssertNothing();

        kit.AdvanceTo(31.999);
        Assert.Equal(SipTransactionState.Completed, transaction.State);
        kit.AdvanceTo(32);
        Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion);
        Assert.Equal(0, kit.Layer.ServerTransactionCount);

        // Forgotten: the same request is new again.
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Register));
        Assert.Equal(2, kit.User.Requests.Count);
    }

    [Fact]
    public async Task ServerNonInvite_FinalResponseOverTcp_TerminatesAtOnce()
    {
        await using var kit = new TransactionKit(SipTransportKind.Tcp);
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options, transport: "TCP"));
        var transaction = kit.User.SingleRequest();

        transaction.SendResponse(transaction.CreateResponse(200));

        Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion);
        Assert.Equal(200, kit.Peer.TakeSingle<SipResponse>().StatusCode);
    }

    [Fact]
    public async Task ServerNonInvite_TuNeverAnswers_ForgottenAfter64T1()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options));
        var transaction = kit.User.SingleRequest();

        kit.AdvanceTo(32);

        Assert.Equal(SipTransactionEndReason.TimedOut, await transaction.Completion);
        Assert.False(transaction.SendResponse(transaction.CreateResponse(200)));
    }

    [Fact]
    public async Task ServerTransaction_ConnectionGoneOverTcp_ResponseOpensConnectionToReceivedAndSentByPort()
    {
        await using var kit = new TransactionKit(SipTransportKind.Tcp);

        // The peer's Via names port 5070 (where it listens) but the request comes from 127.0.0.2:5070 too,
        // over a connection that then closes.
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options, transport: "TCP"));
        var transaction = kit.User.SingleRequest();
        kit.LayerTransport.Disconnect(TransactionKit.PeerEndPoint);

        Assert.True(transaction.SendResponse(transaction.CreateResponse(200)));

        Assert.Equal(200, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion);
    }

    [Fact]
    public async Task ServerTransaction_ResponseOverUdpWithRport_GoesToSourcePort()
    {
        await using var kit = new TransactionKit();

        // A phone behind a NAT: it writes its private sent-by (phone.invalid:5999) but is reached at 127.0.0.3:5071.
        var phone = new Probe(kit.Network.CreateTransport(
            SipTransportKind.Udp,
            new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.0.3"), 5071),
            new SipTransportOptions { AdvertisedHost = "phone.invalid", AdvertisedPort = 5999 }));
        phone.Send(System.Text.Encoding.UTF8.GetBytes(TransactionKit.RequestText(SipMethods.Options, sentBy: "phone.invalid:5999", extraVia: ";rport")), TransactionKit.LayerEndPoint);
        var transaction = kit.User.SingleRequest();
        transaction.SendResponse(transaction.CreateResponse(200));

        var response = phone.TakeSingle<SipResponse>();
        Assert.Equal("127.0.0.3", response.TopVia!.Received);
        Assert.Equal(5071, response.TopVia.RPort);
    }

    [Fact]
    public async Task ServerTransaction_ResponseOverUdpWithoutRport_GoesToSentByPort()
    {
        await using var kit = new TransactionKit();
        var other = new Probe(kit.Network.CreateTransport(SipTransportKind.Udp, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.0.2"), 5999)));

        // From 127.0.0.2:5070 but sent-by 127.0.0.2:5999 and no rport: RFC 3261 §18.2.2 answers the sent-by port.
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options, sentBy: "127.0.0.2:5999"));
        var transaction = kit.User.SingleRequest();
        transaction.SendResponse(transaction.CreateResponse(200));

        kit.Peer.AssertNothing();
        var response = other.TakeSingle<SipResponse>();
        Assert.Null(response.TopVia!.Received);
    }
}
