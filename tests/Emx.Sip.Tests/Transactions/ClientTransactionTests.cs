using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Xunit;

namespace Emx.Sip.Tests.Transactions;

public sealed class ClientTransactionTests
{
    [Fact]
    public async Task SendRequest_Invite_InsertsViaWithFreshBranchSentByAndRport()
    {
        await using var kit = new TransactionKit();

        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination);

        var received = kit.Peer.TakeSingle<SipRequest>();
        var via = Assert.Single(received.Vias);
        Assert.Equal("UDP", via.Transport);
        Assert.Equal("127.0.0.1:5060", via.SentBy);
        Assert.True(via.IsRfc3261Branch);
        Assert.Equal(transaction.Branch, via.Branch);
        Assert.True(via.HasRPort);
        Assert.Equal(SipTransactionState.Calling, transaction.State);
    }

    [Fact]
    public async Task SendRequest_TwoRequests_UseDifferentBranches()
    {
        await using var kit = new TransactionKit();

        var first = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Options, "a"), kit.PeerDestination);
        var second = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Options, "b"), kit.PeerDestination);

        Assert.NotEqual(first.Branch, second.Branch);
    }

    [Fact]
    public async Task ClientInvite_NoResponseOverUdp_RetransmitsAtDoublingIntervalsThenTimesOutWith408()
    {
        await using var kit = new TransactionKit();
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination);
        Assert.Single(kit.Peer.TakeAll());

        // Timer A: T1, 2*T1, 4*T1... from the first send: retransmissions at 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s.
        foreach (var at in new[] { 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 })
        {
            kit.AdvanceTo(at - 0.001);
            kit.Peer.AssertNothing();
            kit.AdvanceTo(at);
            Assert.Equal(SipMethods.Invite, kit.Peer.TakeSingle<SipRequest>().Method);
        }

        kit.AdvanceTo(31.999);
        Assert.False(transaction.FinalResponse.IsCompleted);

        // Timer B: 64*T1.
        kit.AdvanceTo(32);
        var response = await transaction.FinalResponse;
        Assert.Equal(408, response.StatusCode);
        Assert.Equal(SipTransactionEndReason.TimedOut, await transaction.Completion);
        Assert.Equal(SipTransactionState.Terminated, transaction.State);
        Assert.Equal(0, kit.Layer.ClientTransactionCount);

        kit.AdvanceTo(100);
        kit.Peer.AssertNothing();
    }

    [Fact]
    public async Task ClientInvite_NoResponseOverTcp_SendsOnceAndTimesOutAfter64T1()
    {
        await using var kit = new TransactionKit(SipTransportKind.Tcp);
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination);
        Assert.Equal("TCP", kit.Peer.TakeSingle<SipRequest>().TopVia!.Transport);

        kit.AdvanceTo(31.999);
        kit.Peer.AssertNothing();
        Assert.False(transaction.FinalResponse.IsCompleted);

        kit.AdvanceTo(32);
        Assert.Equal(408, (await transaction.FinalResponse).StatusCode);
    }

    [Fact]
    public async Task ClientInvite_ProvisionalResponse_StopsRetransmissionsAndTimerB()
    {
        await using var kit = new TransactionKit();
        var responses = new List<int>();
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination, (_, r) => responses.Add(r.StatusCode));
        var invite = kit.Peer.TakeSingle<SipRequest>();

        kit.PeerResponds(invite, 180);

        Assert.Equal([180], responses);
        Assert.Equal(SipTransactionState.Proceeding, transaction.State);
        kit.AdvanceTo(120);
        kit.Peer.AssertNothing();
        Assert.False(transaction.FinalResponse.IsCompleted);
        Assert.Equal(SipTransactionState.Proceeding, transaction.State);
    }

    [Fact]
    public async Task ClientInvite_ErrorResponseOverUdp_SendsAckOnceThenAgainForEachRetransmission()
    {
        await using var kit = new TransactionKit();
        var responses = new List<int>();
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination, (_, r) => responses.Add(r.StatusCode));
        var invite = kit.Peer.TakeSingle<SipRequest>();

        kit.PeerResponds(invite, 486);

        var ack = kit.Peer.TakeSingle<SipRequest>();
        Assert.Equal(SipMethods.Ack, ack.Method);
        Assert.Equal(invite.RequestUri, ack.RequestUri);
        Assert.Equal(invite.Headers.GetFirst(SipHeaderNames.Via), Assert.Single(ack.Headers.GetValues(SipHeaderNames.Via)));
        Assert.Equal("bobtag", ack.To!.Tag);
        Assert.Equal(invite.From!.Tag, ack.From!.Tag);
        Assert.Equal(invite.CallId, ack.CallId);
        Assert.Equal(invite.CSeq!.Number, ack.CSeq!.Number);
        Assert.Equal(SipMethods.Ack, ack.CSeq.Method);
        Assert.Equal(486, (await transaction.FinalResponse).StatusCode);
        Assert.Equal(SipTransactionState.Completed, transaction.State);

        // The ACK was lost: the retransmitted 486 gets a new ACK and does not reach the TU again.
        kit.PeerResponds(invite, 486);
        Assert.Equal(SipMethods.Ack, kit.Peer.TakeSingle<SipRequest>().Method);
        Assert.Equal([486], responses);

        // Timer D: 32 s.
        kit.AdvanceTo(31.999);
        Assert.Equal(SipTransactionState.Completed, transaction.State);
        kit.AdvanceTo(32);
        Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion);
        kit.Peer.AssertNothing();
    }

    [Fact]
    public async Task ClientInvite_ErrorResponseOverTcp_AcksAndTerminatesAtOnce()
    {
        await using var kit = new TransactionKit(SipTransportKind.Tcp);
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination);

        kit.PeerResponds(kit.Peer.TakeSingle<SipRequest>(), 404);

        Assert.Equal(SipMethods.Ack, kit.Peer.TakeSingle<SipRequest>().Method);
        Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion);
    }

    [Fact]
    public async Task ClientInvite_SuccessResponses_PassEveryOneToTuWithoutAckUntilTimerM()
    {
        await using var kit = new TransactionKit();
        var responses = new List<string?>();
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination, (_, r) => responses.Add(r.To!.Tag));
        var invite = kit.Peer.TakeSingle<SipRequest>();

        kit.PeerResponds(invite, 200, "first");
        kit.PeerResponds(invite, 200, "first");
        kit.PeerResponds(invite, 200, "forked");

        // RFC 6026 Accepted: every 2xx (retransmissions and forks) reaches the TU, which ACKs them itself.
        Assert.Equal(["first", "first", "forked"], responses);
        Assert.Equal("first", (await transaction.FinalResponse).To!.Tag);
        Assert.Equal(SipTransactionState.Accepted, transaction.State);
        kit.Peer.AssertNothing();

        kit.AdvanceTo(32);
        Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion);

        // Afterwards a 2xx matches nothing and goes to the TU as a stray response.
        kit.PeerResponds(invite, 200, "first");
        Assert.Single(kit.User.StrayResponses);
    }

    [Fact]
    public async Task ClientInvite_TransportErrorOverTcp_PassesLocal503()
    {
        await using var kit = new TransactionKit(SipTransportKind.Tcp);
        var nobody = new SipDestination(SipTransportKind.Tcp, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.0.9"), 5060));

        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), nobody);

        Assert.Equal(503, (await transaction.FinalResponse).StatusCode);
        Assert.Equal(SipTransactionEndReason.TransportError, await transaction.Completion);
    }

    [Fact]
    public async Task ClientNonInvite_TransportErrorOverUdp_PassesLocal503()
    {
        await using var kit = new TransactionKit();
        var request = TransactionKit.NewRequest(SipMethods.Message);
        request.Body = new byte[70_000];

        var transaction = kit.Layer.SendRequest(request, kit.PeerDestination);

        var response = await transaction.FinalResponse;
        Assert.Equal(503, response.StatusCode);
        Assert.Contains(nameof(SipSendStatus.MessageTooLarge), response.ReasonPhrase, StringComparison.Ordinal);
        Assert.Equal(SipTransactionEndReason.TransportError, await transaction.Completion);
    }

    [Fact]
    public async Task ClientInvite_CancelBeforeProvisional_WaitsForProvisionalThenSendsCancelWithSameBranch()
    {
        await using var kit = new TransactionKit();
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination);
        var invite = kit.Peer.TakeSingle<SipRequest>();

        Assert.True(transaction.Cancel());
        kit.Peer.AssertNothing();

        kit.PeerResponds(invite, 180);
        var cancel = kit.Peer.TakeSingle<SipRequest>();
        Assert.Equal(SipMethods.Cancel, cancel.Method);
        Assert.Equal(invite.Headers.GetFirst(SipHeaderNames.Via), Assert.Single(cancel.Headers.GetValues(SipHeaderNames.Via)));
        Assert.Equal(invite.RequestUri, cancel.RequestUri);
        Assert.Equal(invite.CSeq!.Number, cancel.CSeq!.Number);
        Assert.Equal(SipMethods.Cancel, cancel.CSeq.Method);
        Assert.Null(cancel.To!.Tag);

        // The 200 for the CANCEL goes to the CANCEL's transaction, the 487 to the INVITE's, which ACKs it.
        kit.PeerResponds(cancel, 200);
        kit.Peer.AssertNothing();
        kit.PeerResponds(invite, 487);
        Assert.Equal(SipMethods.Ack, kit.Peer.TakeSingle<SipRequest>().Method);
        Assert.Equal(487, (await transaction.FinalResponse).StatusCode);
    }

    [Fact]
    public async Task ClientInvite_CancelledButNoFinalResponse_GivesUpAfter64T1With487()
    {
        await using var kit = new TransactionKit();
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination);
        kit.PeerResponds(kit.Peer.TakeSingle<SipRequest>(), 180);
        kit.AdvanceTo(10);

        Assert.True(transaction.Cancel());
        var cancel = kit.Peer.TakeSingle<SipRequest>();
        kit.PeerResponds(cancel, 200);

        kit.AdvanceTo(41.999);
        Assert.False(transaction.FinalResponse.IsCompleted);
        kit.AdvanceTo(42);
        Assert.Equal(487, (await transaction.FinalResponse).StatusCode);
        Assert.Equal(SipTransactionEndReason.TimedOut, await transaction.Completion);
    }

    [Fact]
    public async Task Cancel_AfterFinalResponseOrOnNonInvite_ReturnsFalse()
    {
        await using var kit = new TransactionKit();
        var invite = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination);
        kit.PeerResponds(kit.Peer.TakeSingle<SipRequest>(), 603);
        var options = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Options, "other"), kit.PeerDestination);

        Assert.False(invite.Cancel());
        Assert.False(options.Cancel());
    }

    [Fact]
    public async Task ClientNonInvite_NoResponseOverUdp_RetransmitsDoublingUpToT2ThenTimesOutWith408()
    {
        await using var kit = new TransactionKit();
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Register), kit.PeerDestination);
        Assert.Single(kit.Peer.TakeAll());

        // Timer E: 0.5, 1, 2, 4, then T2=4 s: retransmissions at 0.5, 1.5, 3.5, 7.5, 11.5 ... 31.5 s.
        foreach (var at in new[] { 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 })
        {
            kit.AdvanceTo(at - 0.001);
            kit.Peer.AssertNothing();
            kit.AdvanceTo(at);
            Assert.Equal(SipMethods.Register, kit.Peer.TakeSingle<SipRequest>().Method);
        }

        // Timer F: 64*T1.
        kit.AdvanceTo(31.999);
        Assert.False(transaction.FinalResponse.IsCompleted);
        kit.AdvanceTo(32);
        Assert.Equal(408, (await transaction.FinalResponse).StatusCode);
        Assert.Equal(SipTransactionEndReason.TimedOut, await transaction.Completion);
        kit.AdvanceTo(60);
        kit.Peer.AssertNothing();
    }

    [Fact]
    public async Task ClientNonInvite_ProvisionalResponse_RetransmitsEveryT2AndStillTimesOut()
    {
        await using var kit = new TransactionKit();
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Subscribe), kit.PeerDestination);
        kit.AdvanceTo(0.2);
        kit.PeerResponds(kit.Peer.TakeSingle<SipRequest>(), 100);
        Assert.Equal(SipTransactionState.Proceeding, transaction.State);

        // Timer E still fires at 0.5 s; in Proceeding it is then reset to T2 each time (§17.1.2.2).
        foreach (var at in new[] { 0.5, 4.5, 8.5, 12.5, 16.5, 20.5, 24.5, 28.5 })
        {
            kit.AdvanceTo(at - 0.001);
            kit.Peer.AssertNothing();
            kit.AdvanceTo(at);
            Assert.Equal(SipMethods.Subscribe, kit.Peer.TakeSingle<SipRequest>().Method);
        }

        kit.AdvanceTo(32);
        Assert.Equal(408, (await transaction.FinalResponse).StatusCode);
    }

    [Fact]
    public async Task ClientNonInvite_NoResponseOverTcp_NeverRetransmits()
    {
        await using var kit = new TransactionKit(SipTransportKind.Tcp);
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Register), kit.PeerDestination);
        Assert.Single(kit.Peer.TakeAll());

        kit.AdvanceTo(31.999);
        kit.Peer.AssertNothing();
        kit.AdvanceTo(32);
        Assert.Equal(408, (await transaction.FinalResponse).StatusCode);
    }

    [Fact]
    public async Task ClientNonInvite_FinalResponseOverUdp_AbsorbsRetransmissionsUntilTimerK()
    {
        await using var kit = new TransactionKit();
        var responses = new List<int>();
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Options), kit.PeerDestination, (_, r) => responses.Add(r.StatusCode));
        var request = kit.Peer.TakeSingle<SipRequest>();

        kit.PeerResponds(request, 200);
        kit.PeerResponds(request, 200);

        Assert.Equal([200], responses);
        Assert.Equal(SipTransactionState.Completed, transaction.State);
        kit.AdvanceTo(4.999);
        kit.Peer.AssertNothing();
        Assert.Equal(SipTransactionState.Completed, transaction.State);
        kit.AdvanceTo(5);
        Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion);
        Assert.Empty(kit.User.StrayResponses);
    }

    [Fact]
    public async Task ClientNonInvite_FinalResponseOverTcp_TerminatesAtOnce()
    {
        await using var kit = new TransactionKit(SipTransportKind.Tcp);
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Options), kit.PeerDestination);

        kit.PeerResponds(kit.Peer.TakeSingle<SipRequest>(), 200);

        Assert.Equal(SipTransactionEndReason.Completed, await transaction.Completion);
        Assert.Equal(0, kit.Layer.ClientTransactionCount);
    }

    [Fact]
    public async Task ReceiveResponse_CSeqMethodDiffers_DoesNotMatchTheTransaction()
    {
        await using var kit = new TransactionKit();
        var transaction = kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Invite), kit.PeerDestination);
        var invite = kit.Peer.TakeSingle<SipRequest>();

        // Same branch, but CSeq says CANCEL: §17.1.3 matches on the method too.
        var response = SipResponseFactory.CreateResponse(invite, 200, toTag: "x");
        response.Headers.Set(SipHeaderNames.CSeq, invite.CSeq!.Number + " CANCEL");
        kit.Peer.Send(SipMessageWriter.ToBytes(response), TransactionKit.LayerEndPoint);

        Assert.Single(kit.User.StrayResponses);
        Assert.Equal(SipTransactionState.Calling, transaction.State);
    }

    [Fact]
    public async Task SendRequest_Ack_Throws()
    {
        await using var kit = new TransactionKit();

        Assert.Throws<ArgumentException>(() => kit.Layer.SendRequest(TransactionKit.NewRequest(SipMethods.Ack), kit.PeerDestination));
    }

    [Fact]
    public async Task SendStatelessRequestAsync_Ack_SendsOnceWithNewBranchAndNoTransaction()
    {
        await using var kit = new TransactionKit();

        var result = await kit.Layer.SendStatelessRequestAsync(TransactionKit.NewRequest(SipMethods.Ack), kit.PeerDestination, TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess);
        Assert.True(kit.Peer.TakeSingle<SipRequest>().TopVia!.IsRfc3261Branch);
        Assert.Equal(0, kit.Layer.ClientTransactionCount);
        kit.AdvanceTo(10);
        kit.Peer.AssertNothing();
    }
}
