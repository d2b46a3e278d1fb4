using System.Net;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Xunit;

using Emx.Testing;

namespace Emx.Sip.Tests.Transactions;

public sealed class TransactionMatchingTests
{
    [Fact]
    public async Task ReceiveRequest_SameBranchOtherSentBy_CreatesSecondTransaction()
    {
        await using var kit = new TransactionKit();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options));
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options, sentBy: "127.0.0.2:5071"));

        Assert.Equal(2, kit.User.Requests.Count);
    }

    [Fact]
    public async Task ReceiveRequest_SameBranchOtherMethod_CreatesSecondTransaction()
    {
        await using var kit = new TransactionKit();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options));
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Message));

        Assert.Equal(2, kit.User.Requests.Count);
    }

    [Fact]
    public async Task ReceiveRequest_BranchDiffersOnlyInCase_IsAnotherTransaction()
    {
        await using var kit = new TransactionKit();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options, branch: "z9hG4bKabc"));
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options, branch: "z9hG4bKABC"));

        Assert.Equal(2, kit.User.Requests.Count);
    }

    [Fact]
    public async Task Cancel_MatchingInviteInProceeding_Answers200WithInviteTagAndSignalsTheInvite()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));
        var invite = kit.User.SingleRequest();
        invite.SendResponse(invite.CreateResponse(180));
        kit.Peer.TakeAll();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Cancel).Replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\nReason: SIP;cause=200;text=\"Call completed elsewhere\"\r\n", StringComparison.Ordinal));

        var ok = kit.Peer.TakeSingle<SipResponse>();
        Assert.Equal(200, ok.StatusCode);
        Assert.Equal(SipMethods.Cancel, ok.CSeq!.Method);
        Assert.Equal(invite.ToTag, ok.To!.Tag);
        Assert.True(invite.CancelRequested.IsCancellationRequested);
        Assert.Contains("elsewhere", invite.CancelRequest!.Headers.GetFirst("Reason"), StringComparison.Ordinal);
        Assert.Single(kit.User.Requests);

        // The UAS answers 487, and the ACK for it is absorbed by the INVITE transaction.
        Assert.True(invite.SendResponse(invite.CreateResponse(487)));
        Assert.Equal(487, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Ack, toTag: invite.ToTag));
        Assert.Equal(SipTransactionState.Confirmed, invite.State);
        Assert.Empty(kit.User.Acks);
    }

    [Fact]
    public async Task Cancel_RetransmittedCancel_IsAnsweredByItsOwnTransaction()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));
        var invite = kit.User.SingleRequest();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Cancel));
        kit.Peer.TakeAll();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Cancel));

        Assert.Equal(200, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.Equal(2, kit.Layer.ServerTransactionCount);
        Assert.Equal(SipTransactionState.Proceeding, invite.State);
    }

    [Fact]
    public async Task Cancel_AfterFinalResponse_Answers200ButDoesNotSignal()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite));
        var invite = kit.User.SingleRequest();
        invite.SendResponse(invite.CreateResponse(200));
        kit.Peer.TakeAll();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Cancel));

        Assert.Equal(200, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.False(invite.CancelRequested.IsCancellationRequested);
        Assert.Null(invite.CancelRequest);
    }

    [Fact]
    public async Task Cancel_MatchingNothing_GoesToTuWhichCanAnswer481()
    {
        await using var kit = new TransactionKit();
        kit.User.OnRequestAction = transaction => transaction.SendResponse(transaction.CreateResponse(481));

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Cancel, branch: "z9hG4bKunknown"));

        Assert.Equal(SipMethods.Cancel, kit.User.SingleRequest().Method);
        Assert.Equal(481, kit.Peer.TakeSingle<SipResponse>().StatusCode);
    }

    [Fact]
    public async Task Cancel_OfNonInvite_Answers200WithoutSignalling()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Subscribe));
        var subscribe = kit.User.SingleRequest();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Cancel, cseqMethod: null));

        Assert.Equal(200, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.False(subscribe.CancelRequested.IsCancellationRequested);
        Assert.Single(kit.User.Requests);
    }

    [Theory]
    [InlineData("")]
    [InlineData("z9hG4bK")]
    [InlineData("rfc2543-branch")]
    public async Task Rfc2543Invite_Retransmission_MatchesByDialogFieldsAndTopVia(string branch)
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite, branch: branch));
        var invite = kit.User.SingleRequest();
        invite.SendResponse(invite.CreateResponse(180));
        kit.Peer.TakeAll();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite, branch: branch));

        Assert.Equal(180, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.Single(kit.User.Requests);
    }

    [Fact]
    public async Task Rfc2543Invite_OtherCSeqOrRequestUri_IsANewTransaction()
    {
        await using var kit = new TransactionKit();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite, branch: string.Empty, cseq: 1));
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite, branch: string.Empty, cseq: 2));
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite, branch: string.Empty, cseq: 1, requestUri: "sip:carol@127.0.0.1"));
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite, branch: string.Empty, cseq: 1, sentBy: "127.0.0.2:5071"));

        Assert.Equal(4, kit.User.Requests.Count);
    }

    [Fact]
    public async Task Rfc2543Ack_WithResponseToTag_IsAbsorbedAndOtherTagGoesToTu()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite, branch: string.Empty));
        var invite = kit.User.SingleRequest();
        invite.SendResponse(invite.CreateResponse(486));
        kit.Peer.TakeAll();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Ack, branch: string.Empty, toTag: "someone-else"));
        Assert.Single(kit.User.Acks);
        Assert.Equal(SipTransactionState.Completed, invite.State);

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Ack, branch: string.Empty, toTag: invite.ToTag));
        Assert.Equal(SipTransactionState.Confirmed, invite.State);
        Assert.Single(kit.User.Acks);
    }

    [Fact]
    public async Task Rfc2543Cancel_MatchesInviteByDialogFields()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Invite, branch: string.Empty));
        var invite = kit.User.SingleRequest();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Cancel, branch: string.Empty));

        Assert.True(invite.CancelRequested.IsCancellationRequested);
        Assert.Contains(kit.Peer.TakeAll(), m => m is SipResponse { StatusCode: 200 } r && r.CSeq!.Method == SipMethods.Cancel);
    }

    [Fact]
    public async Task Rfc2543NonInvite_Retransmission_IsMatchedAndAnswered()
    {
        await using var kit = new TransactionKit();
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Register, branch: string.Empty));
        var register = kit.User.SingleRequest();
        register.SendResponse(register.CreateResponse(200));
        kit.Peer.TakeAll();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Register, branch: string.Empty));

        Assert.Equal(200, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.Single(kit.User.Requests);
    }

    [Fact]
    public async Task ReceiveRequest_WithoutVia_IsDropped()
    {
        await using var kit = new TransactionKit();
        var text = TransactionKit.RequestText(SipMethods.Options);
        text = text.Remove(text.IndexOf("Via:", StringComparison.Ordinal), text.IndexOf("Max-Forwards", StringComparison.Ordinal) - text.IndexOf("Via:", StringComparison.Ordinal));

        kit.PeerSends(text);

        Assert.Empty(kit.User.Requests);
        kit.Peer.AssertNothing();
        Assert.Contains(kit.LayerEvents, e => e.Kind == SipTransactionLayerEventKind.RequestDropped);
    }

    [Fact]
    public async Task ReceiveRequest_CSeqMethodMismatch_IsAnswered400Statelessly()
    {
        await using var kit = new TransactionKit();

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Bye, cseqMethod: SipMethods.Invite));

        Assert.Equal(400, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.Empty(kit.User.Requests);
        Assert.Equal(0, kit.Layer.ServerTransactionCount);
    }

    [Fact]
    public async Task ReceiveRequest_TooManyServerTransactions_Answers503WithoutTransaction()
    {
        await using var kit = new TransactionKit(options: new SipTransactionOptions { MaxServerTransactions = 2 });

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options, branch: "z9hG4bK1"));
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options, branch: "z9hG4bK2"));
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options, branch: "z9hG4bK3"));

        Assert.Equal(2, kit.User.Requests.Count);
        Assert.Equal(503, kit.Peer.TakeSingle<SipResponse>().StatusCode);
        Assert.Contains(kit.LayerEvents, e => e.Kind == SipTransactionLayerEventKind.Overloaded);
    }

    [Fact]
    public async Task ReceiveRequest_TuThrows_IsReportedAndLayerKeepsWorking()
    {
        await using var kit = new TransactionKit();
        kit.User.OnRequestAction = _ => throw new InvalidOperationException("TU bug");

        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options, branch: "z9hG4bK1"));
        kit.User.OnRequestAction = t => t.SendResponse(t.CreateResponse(200));
        kit.PeerSends(TransactionKit.RequestText(SipMethods.Options, branch: "z9hG4bK2"));

        Assert.Contains(kit.LayerEvents, e => e.Kind == SipTransactionLayerEventKind.CallbackFailed && e.Detail.Contains("TU bug", StringComparison.Ordinal));
        Assert.Equal(200, kit.Peer.TakeSingle<SipResponse>().StatusCode);
    }

    [Fact]
    public async Task TwoLayers_OptionsOverMemory_ClientGetsTheServersAnswer()
    {
        var time = new ManualTimeProvider();
        var network = new SipMemoryNetwork();
        var serverUser = new RecordingUser { OnRequestAction = t => t.SendResponse(t.CreateResponse(200)) };
        await using var server = new SipTransactionLayer([network.CreateTransport(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5060))], serverUser, time);
        await using var client = new SipTransactionLayer([network.CreateTransport(SipTransportKind.Udp, new IPEndPoint(IPAddress.Parse("127.0.0.5"), 5060))], new RecordingUser(), time);
        server.Start();
        client.Start();

        var transaction = client.SendRequest(TransactionKit.NewRequest(SipMethods.Options), new SipDestination(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5060)));

        Assert.Equal(200, (await transaction.FinalResponse).StatusCode);
        Assert.Equal(SipTransactionState.Completed, transaction.State);
    }

    [Fact]
    public async Task DisposeAsync_LiveTransactions_EndWithDisposed()
    {
        var kit = new TransactionKit();
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination);

        await kit.DisposeAsync();

        Assert.Equal(SipTransactionEndReason.Disposed, await transaction.Completion);
        Assert.Equal(0, kit.Time.ActiveTimers);
    }
}
