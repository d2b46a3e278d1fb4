using System.Globalization;
using Emx.Phones;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Testing;
using static Emx.Integration.Tests.Calls.StubCluster;
using static Emx.Integration.Tests.EmAppLab;
using SipTransportKind = Emx.Sip.Transport.SipTransportKind;

namespace Emx.Integration.Tests.Calls;

/// <summary>
/// The Cisco-like phone as a SIP user agent (RFC 3261 §12-15), phone to phone without the server: through
/// <see cref="StubCluster"/> (a registrar and record-routing proxy standing in for the CallManager), straight at each
/// other (<see cref="CiscoLikePhoneOptions.OutboundProxy"/>), or against a bare <see cref="SipPeer"/> that misbehaves
/// on purpose.
/// </summary>
public sealed class PhoneCallTests
{
    private const string Alice = "1001";
    private const string AliceSecondLine = "1011";
    private const string Bob = "1002";

    private static StubCluster AliceAndBob(int? bobBusyTrigger = null)
    {
        var cluster = StubCluster.Start();
        cluster.SetLines(Phone1, Line(1, Alice, "Alice"), Line(2, AliceSecondLine, "Alice 2"));
        cluster.SetLines(Phone2, Line(1, Bob, "Bob", bobBusyTrigger));
        return cluster;
    }

    private static string RecordRoute(StubCluster cluster, string leg) =>
        "<sip:127.0.0.1:" + cluster.SipEndPoint.Port.ToString(CultureInfo.InvariantCulture) + ";lr;leg=" + leg + ">";

    private static async Task<T> Within<T>(Task<T> task) => await task.WaitAsync(WaitLimit, Ct);

    /// <summary>Alice calls Bob through the stub, Bob answers: both calls connected.</summary>
    private static async Task<(PhoneCall Caller, PhoneCall Callee)> ConnectAsync(CiscoLikePhone caller, CiscoLikePhone callee, string dialed = Bob, int lineIndex = 1)
    {
        var incoming = callee.NextIncomingCallAsync();
        var call = await caller.PlaceCallAsync(dialed, lineIndex, Ct);
        var ringing = await Within(incoming);
        Assert.True(await Within(ringing.AnswerAsync(Ct)));
        Assert.True(await Within(call.Connected));
        return (call, ringing);
    }

    [Theory]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    public async Task Call_CalleeAnswersCallerHangsUp_DialogFollowsTheReversedRecordRoute(SipTransportKind transport)
    {
        await using var cluster = AliceAndBob();
        await using var alice = await cluster.StartPhoneAsync(Phone1, transport: transport);
        await using var bob = await cluster.StartPhoneAsync(Phone2, transport: transport);
        var incoming = bob.NextIncomingCallAsync();

        var call = await alice.PlaceCallAsync(Bob, cancellationToken: Ct);
        var ringing = await Within(incoming);

        Assert.True(await Within(call.Ringing));
        Assert.Equal(PhoneCallState.Ringing, call.State);
        Assert.Equal((PhoneCallDirection.Incoming, Bob, Alice, "Alice", PhoneCallState.Ringing), (ringing.Direction, ringing.LineDn, ringing.RemoteNumber, ringing.RemoteDisplayName, ringing.State));
        Assert.True(await Within(ringing.AnswerAsync(Ct)));
        Assert.True(await Within(call.Connected));
        Assert.Equal(("G722", "G722", 200), (call.Info.Codec, ringing.Info.Codec, call.Info.StatusCode));

        var callerEnd = await Within(call.HangUpAsync(Ct));
        var calleeEnd = await Within(ringing.Ended);

        Assert.Equal((PhoneCallState.Ended, 200, PhoneCallEndedBy.Local), (callerEnd.State, callerEnd.StatusCode, callerEnd.EndedBy));
        Assert.Equal((PhoneCallState.Ended, 200, PhoneCallEndedBy.Remote), (calleeEnd.State, calleeEnd.StatusCode, calleeEnd.EndedBy));
        Assert.Empty(alice.Calls);
        Assert.Empty(bob.Calls);

        var invite = Assert.Single(cluster.ReceivedOf(SipMethods.Invite));
        var wire = transport == SipTransportKind.Tcp ? "tcp" : "udp";
        Assert.Equal($"sip:{Bob}@127.0.0.1:{cluster.SipEndPoint.Port}", invite.RequestUri.ToString());
        Assert.Equal(("Alice", "sip:1001@127.0.0.1"), (invite.From!.DisplayName, invite.From.Uri.ToString()));
        Assert.False(string.IsNullOrEmpty(invite.From.Tag));
        Assert.Equal($"<sip:{Bob}@127.0.0.1:{cluster.SipEndPoint.Port}>", invite.Headers.GetFirst(SipHeaderNames.To));
        Assert.Equal($"sip:{Alice}@127.0.0.1:{alice.SipEndPoint!.Port};transport={wire}", invite.Contacts[0].Uri!.ToString());
        Assert.Equal("<urn:uuid:00000000-0000-0000-0000-0A0000000001>", invite.Contacts[0].InstanceId);
        Assert.Contains("m=audio 16384 RTP/AVP 9 0 8 18 101\r\n", Encoding.UTF8.GetString(invite.Body.Span), StringComparison.Ordinal);

        // UAC route set = Record-Route reversed (§12.1.2): the caller's leg first. Remote target = Bob's Contact.
        var ack = cluster.ReceivedOf(SipMethods.Ack)[0];
        Assert.Equal([RecordRoute(cluster, "in"), RecordRoute(cluster, "out")], ack.Headers.GetValues(SipHeaderNames.Route));
        Assert.Equal($"sip:{Bob}@127.0.0.1:{bob.SipEndPoint!.Port};transport={wire}", ack.RequestUri.ToString());
        Assert.Equal("101 ACK", ack.CSeq!.ToString());
        var bye = Assert.Single(cluster.ReceivedOf(SipMethods.Bye));
        Assert.Equal([RecordRoute(cluster, "in"), RecordRoute(cluster, "out")], bye.Headers.GetValues(SipHeaderNames.Route));
        Assert.Equal("102 BYE", bye.CSeq!.ToString());
    }

    [Fact]
    public async Task Call_CalleeHangsUp_ByeFollowsTheRecordRouteInOrderAndTheCallerEnds()
    {
        await using var cluster = AliceAndBob();
        await using var alice = await cluster.StartPhoneAsync(Phone1);
        await using var bob = await cluster.StartPhoneAsync(Phone2);
        var (call, answered) = await ConnectAsync(alice, bob);
        var callerEnded = new TaskCompletionSource<PhoneCallInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.CallEnded += (_, e) => callerEnded.TrySetResult(e.Info);

        var calleeEnd = await Within(answered.HangUpAsync(Ct));
        var callerEnd = await Within(callerEnded.Task);

        Assert.Equal((PhoneCallEndedBy.Local, PhoneCallEndedBy.Remote), (calleeEnd.EndedBy, callerEnd.EndedBy));
        Assert.Equal((call.CallId, PhoneCallState.Ended), (callerEnd.CallId, call.State));

        // UAS route set = Record-Route in order (§12.1.1): the callee's leg first; To/From swapped, tags of the dialog.
        var bye = Assert.Single(cluster.ReceivedOf(SipMethods.Bye));
        Assert.Equal([RecordRoute(cluster, "out"), RecordRoute(cluster, "in")], bye.Headers.GetValues(SipHeaderNames.Route));
        Assert.Equal($"sip:{Alice}@127.0.0.1:{alice.SipEndPoint!.Port};transport=udp", bye.RequestUri.ToString());
        Assert.Equal((Bob, Alice), (bye.From!.Uri.User, bye.To!.Uri.User));
        var invite = Assert.Single(cluster.ReceivedOf(SipMethods.Invite));
        Assert.Equal(invite.From!.Tag, bye.To.Tag);
        Assert.Equal(invite.CallId, bye.CallId);
    }

    [Fact]
    public async Task AutoAnswer_CallConnectsWithoutTheCalleeDoingAnything()
    {
        await using var cluster = AliceAndBob();
        await using var alice = await cluster.StartPhoneAsync(Phone1);
        await using var bob = await cluster.StartPhoneAsync(Phone2, autoAnswer: true);
        var connected = new TaskCompletionSource<PhoneCallInfo>(TaskCreationOptions.RunContinuationsAsynchronously);
        bob.CallConnected += (_, e) => connected.TrySetResult(e.Info);

        var call = await alice.PlaceCallAsync(Bob, cancellationToken: Ct);

        Assert.True(await Within(call.Connected));
        var callee = await Within(connected.Task);
        Assert.Equal((Bob, Alice, PhoneCallState.Connected), (callee.LineDn, callee.RemoteNumber, callee.State));
        await Within(call.HangUpAsync(Ct));
    }

    [Fact]
    public async Task Call_CalleeLineAtItsBusyTrigger_SecondCallGets486()
    {
        await using var cluster = AliceAndBob(bobBusyTrigger: 1);
        await using var alice = await cluster.StartPhoneAsync(Phone1);
        await using var bob = await cluster.StartPhoneAsync(Phone2);
        var (first, _) = await ConnectAsync(alice, bob);
        var noRing = bob.NextIncomingCallAsync();

        var second = await alice.PlaceCallAsync(Bob, lineIndex: 2, Ct);
        var end = await Within(second.Ended);

        Assert.Equal((AliceSecondLine, 486, "Busy Here", PhoneCallEndedBy.Remote), (end.LineDn, end.StatusCode, end.ReasonPhrase, end.EndedBy));
        Assert.False(await Within(second.Connected));
        Assert.False(noRing.IsCompleted);
        Assert.Equal([first.CallId], alice.Calls.Select(c => c.CallId));
        Assert.Single(bob.Calls);
        await Within(first.HangUpAsync(Ct));
    }

    [Theory]
    [InlineData(486, null, "Busy Here")]
    [InlineData(603, "Decline", "Decline")]
    public async Task Reject_RingingCall_CallerEndsWithTheStatus(int status, string? reason, string expectedReason)
    {
        await using var cluster = AliceAndBob();
        await using var alice = await cluster.StartPhoneAsync(Phone1);
        await using var bob = await cluster.StartPhoneAsync(Phone2);
        var incoming = bob.NextIncomingCallAsync();
        var call = await alice.PlaceCallAsync(Bob, cancellationToken: Ct);
        var ringing = await Within(incoming);

        await ringing.RejectAsync(status, reason);
        var callerEnd = await Within(call.Ended);

        Assert.Equal((status, expectedReason, PhoneCallEndedBy.Remote), (callerEnd.StatusCode, callerEnd.ReasonPhrase, callerEnd.EndedBy));
        Assert.Equal((PhoneCallState.Ended, status, PhoneCallEndedBy.Local), (ringing.State, ringing.Info.StatusCode, ringing.Info.EndedBy));
        Assert.Empty(bob.Calls);
        Assert.Empty(cluster.ReceivedOf(SipMethods.Bye));
    }

    [Fact]
    public async Task Cancel_CallerHangsUpWhileRinging_BothEnd487AndTheCalleeCanRingAgain()
    {
        await using var cluster = AliceAndBob();
        await using var alice = await cluster.StartPhoneAsync(Phone1);
        await using var bob = await cluster.StartPhoneAsync(Phone2);
        var incoming = bob.NextIncomingCallAsync();
        var call = await alice.PlaceCallAsync(Bob, cancellationToken: Ct);
        var ringing = await Within(incoming);
        Assert.True(await Within(call.Ringing));

        var callerEnd = await Within(call.HangUpAsync(Ct));
        var calleeEnd = await Within(ringing.Ended);

        Assert.Equal((487, "Request Terminated", PhoneCallEndedBy.Local), (callerEnd.StatusCode, callerEnd.ReasonPhrase, callerEnd.EndedBy));
        Assert.Equal((487, PhoneCallEndedBy.Remote), (calleeEnd.StatusCode, calleeEnd.EndedBy));
        Assert.Empty(bob.Calls);

        var again = bob.NextIncomingCallAsync();
        var second = await alice.PlaceCallAsync(Bob, cancellationToken: Ct);
        Assert.Equal(PhoneCallState.Ringing, (await Within(again)).State);
        await Within(second.HangUpAsync(Ct));
    }

    [Fact]
    public async Task Cancel_CalleeNeverAnswers_CancelGoesAfterTheFirstProvisionalWithTheInvitesBranch()
    {
        await using var cluster = AliceAndBob();
        await using var peer = SipPeer.Start();
        await using var alice = await cluster.StartPhoneAsync(Phone1, outboundProxy: peer.EndPoint);
        var call = await alice.PlaceCallAsync("2000", cancellationToken: Ct);
        var invite = await peer.NextRequestAsync(SipMethods.Invite);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = invite.CancelRequested.Register(() => cancelled.TrySetResult());

        // Nothing but the transaction's own 100 Trying (after 200 ms) ever comes back: the CANCEL waits for it (§9.1).
        var hangUp = call.HangUpAsync(Ct);
        await cancelled.Task.WaitAsync(WaitLimit, Ct);
        Assert.Equal(PhoneCallState.Disconnecting, call.State);
        invite.SendResponse(invite.CreateResponse(487));
        var end = await Within(hangUp);

        Assert.Equal((487, PhoneCallEndedBy.Local), (end.StatusCode, end.EndedBy));
        var cancel = invite.CancelRequest!;
        Assert.Equal((invite.Request.TopVia!.Branch, invite.Request.RequestUri, "101 CANCEL"), (cancel.TopVia!.Branch, cancel.RequestUri, cancel.CSeq!.ToString()));
        Assert.Equal($"sip:2000@127.0.0.1:{cluster.SipEndPoint.Port}", invite.Request.RequestUri.ToString());
    }

    [Theory]
    [InlineData("PCMA,PCMU", "PCMU,PCMA", "PCMA")]
    [InlineData("G729", "G722,G729", "G729")]
    [InlineData("G722,PCMU", "PCMU", "PCMU")]
    public async Task Codec_CalleeChoosesTheFirstOfferedCodecItSupports(string callerCodecs, string calleeCodecs, string expected)
    {
        await using var cluster = AliceAndBob();
        await using var alice = await cluster.StartPhoneAsync(Phone1, codecs: callerCodecs.Split(','));
        await using var bob = await cluster.StartPhoneAsync(Phone2, codecs: calleeCodecs.Split(','));

        var (call, answered) = await ConnectAsync(alice, bob);

        Assert.Equal((expected, expected), (call.Info.Codec, answered.Info.Codec));
        await Within(call.HangUpAsync(Ct));
    }

    [Fact]
    public async Task Codec_NoneInCommon_CalleeAnswers488WithoutRinging()
    {
        await using var cluster = AliceAndBob();
        await using var alice = await cluster.StartPhoneAsync(Phone1, codecs: ["PCMU"]);
        await using var bob = await cluster.StartPhoneAsync(Phone2, codecs: ["G729"]);
        var noRing = bob.NextIncomingCallAsync();

        var call = await alice.PlaceCallAsync(Bob, cancellationToken: Ct);
        var end = await Within(call.Ended);

        Assert.Equal((488, "Not Acceptable Here", PhoneCallEndedBy.Remote), (end.StatusCode, end.ReasonPhrase, end.EndedBy));
        Assert.False(await Within(call.Ringing));
        Assert.False(noRing.IsCompleted);
        Assert.Empty(bob.Calls);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ack_2xxRetransmitted_CallerAcksEachOne(bool afterTheInviteTransactionEnded)
    {
        await using var cluster = AliceAndBob();
        await using var peer = SipPeer.Start();
        var clock = new ManualTimeProvider();
        await using var alice = await cluster.StartPhoneAsync(Phone1, outboundProxy: peer.EndPoint, time: afterTheInviteTransactionEnded ? clock : null);
        var call = await alice.PlaceCallAsync("2000", cancellationToken: Ct);
        var invite = await peer.NextRequestAsync(SipMethods.Invite);
        var ok = peer.Answer(invite, 200, SipPeer.PcmuOffer);

        invite.SendResponse(ok);
        var first = await peer.NextAckAsync();
        Assert.True(await Within(call.Connected));
        if (afterTheInviteTransactionEnded)
        {
            // Past timer M (64*T1): the 2xx reaches the phone's core as a stray response (§13.2.2.4, RFC 6026).
            clock.Advance(TimeSpan.FromSeconds(33));
        }

        invite.SendResponse(ok);
        var second = await peer.NextAckAsync();

        foreach (var ack in new[] { first, second })
        {
            Assert.Equal((peer.Contact, "101 ACK", call.CallId, ok.To!.Tag), ("<" + ack.RequestUri + ">", ack.CSeq!.ToString(), ack.CallId, ack.To!.Tag));
            Assert.Empty(ack.Routes);
        }

        Assert.Equal((PhoneCallState.Connected, "PCMU"), (call.State, call.Info.Codec));
        var hangUp = call.HangUpAsync(Ct);
        var bye = await peer.NextRequestAsync(SipMethods.Bye);
        bye.SendResponse(bye.CreateResponse(200));
        Assert.Equal(PhoneCallEndedBy.Local, (await Within(hangUp)).EndedBy);
        Assert.Equal("102 BYE", bye.Request.CSeq!.ToString());
    }

    [Fact]
    public async Task Answer_AckLost_PhoneRetransmits200UntilTheAckComes()
    {
        await using var cluster = AliceAndBob();
        await using var peer = SipPeer.Start();
        await using var bob = await cluster.StartPhoneAsync(Phone2);
        var incoming = bob.NextIncomingCallAsync();
        var oks = new List<SipResponse>();
        var twice = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var invite = peer.Invite(bob.SipEndPoint!, Bob, SipPeer.PcmuOffer);
        peer.Layer.SendRequest(invite, new(SipTransportKind.Udp, bob.SipEndPoint!), (_, response) =>
        {
            if (response.IsSuccess)
            {
                lock (oks)
                {
                    oks.Add(response);
                    if (oks.Count == 2)
                    {
                        twice.TrySetResult();
                    }
                }
            }
        });
        var ringing = await Within(incoming);

        var answering = ringing.AnswerAsync(Ct);
        await twice.Task.WaitAsync(WaitLimit, Ct);
        Assert.Equal(PhoneCallState.Answering, ringing.State);
        SipResponse ok;
        lock (oks)
        {
            ok = oks[0];
            Assert.Equal(ok.To!.Tag, oks[1].To!.Tag);
            Assert.Equal(ok.Body.ToArray(), oks[1].Body.ToArray());
        }

        await peer.Layer.SendStatelessRequestAsync(SipPeer.Ack(invite, ok), new(SipTransportKind.Udp, bob.SipEndPoint!), Ct);

        Assert.True(await Within(answering));
        Assert.Equal((PhoneCallState.Connected, "PCMU", "Peer", "2000"), (ringing.State, ringing.Info.Codec, ringing.RemoteDisplayName, ringing.RemoteNumber));
        var sdp = Encoding.UTF8.GetString(ok.Body.Span);
        Assert.Contains("m=audio 16384 RTP/AVP 0 101\r\n", sdp, StringComparison.Ordinal);
        Assert.Contains("a=rtpmap:101 telephone-event/8000\r\n", sdp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_NoAckWithin64T1_PhoneSendsByeAndEnds()
    {
        await using var cluster = AliceAndBob();
        await using var peer = SipPeer.Start();
        var timers = new SipTransactionOptions { T1 = TimeSpan.FromMilliseconds(20) };
        await using var bob = await cluster.StartPhoneAsync(Phone2, timers: timers);
        var incoming = bob.NextIncomingCallAsync();
        var oks = 0;
        var invite = peer.Invite(bob.SipEndPoint!, Bob, SipPeer.PcmuOffer);
        peer.Layer.SendRequest(invite, new(SipTransportKind.Udp, bob.SipEndPoint!), (_, response) =>
        {
            if (response.IsSuccess)
            {
                Interlocked.Increment(ref oks);
            }
        });
        var ringing = await Within(incoming);

        var answered = await Within(ringing.AnswerAsync(Ct));
        var bye = await peer.NextRequestAsync(SipMethods.Bye);
        bye.SendResponse(bye.CreateResponse(200));
        var end = await Within(ringing.Ended);

        Assert.False(answered);
        Assert.Equal((200, "no ACK", PhoneCallEndedBy.Local), (end.StatusCode, end.ReasonPhrase, end.EndedBy));
        Assert.InRange(Volatile.Read(ref oks), 3, 20);
        Assert.Equal((invite.CallId, "sip:2000@127.0.0.1", invite.From!.Tag), (bye.Request.CallId, bye.Request.To!.Uri.ToString(), bye.Request.To.Tag));
    }

    [Fact]
    public async Task Answer_InviteWithoutOffer_OfferGoesIn200AndTheAnswerInTheAck()
    {
        await using var cluster = AliceAndBob();
        await using var peer = SipPeer.Start();
        await using var bob = await cluster.StartPhoneAsync(Phone2);
        var incoming = bob.NextIncomingCallAsync();
        var ok = new TaskCompletionSource<SipResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var invite = peer.Invite(bob.SipEndPoint!, Bob);
        peer.Layer.SendRequest(invite, new(SipTransportKind.Udp, bob.SipEndPoint!), (_, response) =>
        {
            if (response.IsSuccess)
            {
                ok.TrySetResult(response);
            }
        });
        var ringing = await Within(incoming);

        var answering = ringing.AnswerAsync(Ct);
        var response = await Within(ok.Task);
        var ack = SipPeer.Ack(invite, response);
        ack.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        ack.Body = Encoding.UTF8.GetBytes(SipPeer.PcmuOffer);
        await peer.Layer.SendStatelessRequestAsync(ack, new(SipTransportKind.Udp, bob.SipEndPoint!), Ct);

        Assert.True(await Within(answering));
        Assert.Contains("m=audio 16384 RTP/AVP 9 0 8 18 101\r\n", Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal);
        Assert.Equal((PhoneCallState.Connected, "PCMU"), (ringing.State, ringing.Info.Codec));
    }

    [Fact]
    public async Task Fork_SecondDialogAnswersToo_CallerAcksAndByesItAndKeepsTheFirst()
    {
        await using var cluster = AliceAndBob();
        await using var peer = SipPeer.Start();
        await using var alice = await cluster.StartPhoneAsync(Phone1, outboundProxy: peer.EndPoint);
        var call = await alice.PlaceCallAsync("2000", cancellationToken: Ct);
        var invite = await peer.NextRequestAsync(SipMethods.Invite);
        invite.SendResponse(peer.Answer(invite, 200, SipPeer.PcmuOffer));
        var firstAck = await peer.NextAckAsync();
        Assert.True(await Within(call.Connected));

        // What a forking proxy passes on when a second branch answers as well (RFC 3261 §13.2.2.4).
        var other = SipResponseFactory.CreateResponse(invite.Request, 200, toTag: "otherfork");
        other.Headers.Add(SipHeaderNames.Contact, peer.Contact);
        other.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
        other.Body = Encoding.UTF8.GetBytes(SipPeer.PcmuOffer);
        invite.SendResponse(other);
        var secondAck = await peer.NextAckAsync();
        var bye = await peer.NextRequestAsync(SipMethods.Bye);
        bye.SendResponse(bye.CreateResponse(200));

        Assert.Equal(invite.ToTag, firstAck.To!.Tag);
        Assert.Equal(("otherfork", "otherfork"), (secondAck.To!.Tag, bye.Request.To!.Tag));
        Assert.Equal(PhoneCallState.Connected, call.State);
        Assert.Equal([call.CallId], alice.Calls.Select(c => c.CallId));
        var hangUp = call.HangUpAsync(Ct);
        var last = await peer.NextRequestAsync(SipMethods.Bye);
        last.SendResponse(last.CreateResponse(200));
        Assert.Equal(invite.ToTag, last.Request.To!.Tag);
        await Within(hangUp);
    }

    [Fact]
    public async Task Invite_ForALineThePhoneDoesNotHave_404()
    {
        await using var cluster = AliceAndBob();
        await using var bob = await cluster.StartPhoneAsync(Phone2);
        await using var alice = await cluster.StartPhoneAsync(Phone1, outboundProxy: bob.SipEndPoint);

        var call = await alice.PlaceCallAsync("1999", cancellationToken: Ct);
        var end = await Within(call.Ended);

        Assert.Equal((404, "Not Found", PhoneCallEndedBy.Remote), (end.StatusCode, end.ReasonPhrase, end.EndedBy));
        Assert.Empty(bob.Calls);
    }

    [Fact]
    public async Task Resync_LineRemoved_CallUpContinuesRingingCallEnds480NewInvite404()
    {
        await using var cluster = AliceAndBob();
        await using var bob = await cluster.StartPhoneAsync(Phone2);

        // Straight at Bob (no proxy): after the re-sync the stub would refuse the old number itself.
        await using var alice = await cluster.StartPhoneAsync(Phone1, outboundProxy: bob.SipEndPoint);
        var (up, upAtBob) = await ConnectAsync(alice, bob);
        var incoming = bob.NextIncomingCallAsync();
        var ringingCall = await alice.PlaceCallAsync(Bob, lineIndex: 2, Ct);
        await Within(incoming);

        cluster.SetLines(Phone2, Line(1, "1003", "Bob new"));
        await bob.ResyncAsync(Ct).WaitAsync(WaitLimit, Ct);

        Assert.Equal(["1003"], bob.RegisteredLines);
        var dropped = await Within(ringingCall.Ended);
        Assert.Equal((480, PhoneCallEndedBy.Remote), (dropped.StatusCode, dropped.EndedBy));
        Assert.Equal((PhoneCallState.Connected, PhoneCallState.Connected), (up.State, upAtBob.State));
        Assert.Equal([upAtBob.CallId], bob.Calls.Select(c => c.CallId));

        var refused = await alice.PlaceCallAsync(Bob, lineIndex: 2, Ct);
        Assert.Equal(404, (await Within(refused.Ended)).StatusCode);

        await Within(up.HangUpAsync(Ct));
        Assert.Equal(PhoneCallEndedBy.Remote, (await Within(upAtBob.Ended)).EndedBy);
        Assert.Empty(bob.Calls);
        var newLine = bob.NextIncomingCallAsync();
        var toNewLine = await alice.PlaceCallAsync("1003", cancellationToken: Ct);
        Assert.Equal("1003", (await Within(newLine)).LineDn);
        await Within(toNewLine.HangUpAsync(Ct));
    }

    [Fact]
    public async Task PlaceCall_LineNotInTheConfiguration_Throws()
    {
        await using var cluster = AliceAndBob();
        await using var bob = await cluster.StartPhoneAsync(Phone2);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => bob.PlaceCallAsync(Alice, lineIndex: 2, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => bob.PlaceCallAsync("10 01", cancellationToken: Ct));
        Assert.Empty(bob.Calls);
    }
}
