using System.Net;
using System.Text.Json.Nodes;
using Emx.Cluster.CallControl;
using Emx.Cluster.CallControl.Rsvp;
using Emx.Domain.Configuration;
using Emx.Phones;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// RSVP agent-based CAC between two real lab clusters over their EMCC RSVP SIP trunks (both lab files make
/// EMCC-Trunk-A/B their RSVP Agent trunk), with a 1 s RSVP SIP Trunk KeepAlive Timer. alice (home ClusterA) is
/// logged in by EMCC on ClusterB's lobby phone, whose location London-Lobby has 24 kb/s of audio bandwidth: one
/// EMCC call (EMCC region 8 kb/s + 16 kb/s IP/UDP/RTP).
/// </summary>
public sealed class EmccRsvpTests
{
    private const string HomeTrunk = "EMCC-Trunk-B";
    private const string VisitingTrunk = "EMCC-Trunk-A";

    [Fact(Timeout = 180_000)]
    public async Task EmccCall_ReservesAtTheVisitingAgent_ReleasedAtBye_RefusedWhenTheLocationIsFull()
    {
        using var sipp = SippCalls.Find("SIPp EMCC RSVP refusal test");
        if (sipp is null)
        {
            return;
        }

        await using var pair = await StartAsync();
        await using var emccPhone = await LogInAliceAsync(pair);
        await KeepalivesExchangedAsync(pair);
        await using var caller1 = await pair.Home.StartPhoneAsync(Phone2);
        var homeSip = pair.Home.Node.SipEndPoint!;
        var caller2Port = SippCalls.FreeUdpPort();
        await sipp.RegisterAsync(homeSip, caller2Port, "1901", Phone1);

        // First call: reserved at ClusterB's agent for the lobby phone (24 of London-Lobby's 24 kb/s), then answered.
        var first = await AnsweredCallAsync(caller1, emccPhone);
        Assert.Equal(1, Home(pair).RsvpReservationsActive);
        Assert.Equal(1, Visiting(pair).RsvpAgentReservationsActive);

        // Second call while the first is up: the agent refuses; ClusterA refuses the call, 503 with Q.850 cause 125.
        var second = await sipp.CallAsync(
            homeSip, caller2Port, sipp.Scenario("sipp-call-fails.xml", ("[status]", "503"), ("[expect]", @"Reason: Q\.850;cause=125")), "1901", "1001");
        SippCalls.AssertPassed(second, "1901 calling alice while her location's bandwidth is in use");
        Assert.Equal((1, 1, 1), (Home(pair).RsvpReservationsRefused, Visiting(pair).RsvpAgentReservationsRefused, Home(pair).RsvpReservationsActive));
        Assert.Contains(pair.Home.Logs.Lines, l => l.Contains("refused 503 Service Unavailable: RSVP agent over EMCC-Trunk-B refused 24 kb/s for SEP0B0000000001", StringComparison.Ordinal));

        // BYE releases the reservation on both sides; the bandwidth is free for the next call.
        await first.HangUpAsync(Ct);
        await Timeouts.WaitUntilAsync(
            _ => Task.FromResult(Home(pair).RsvpReservationsActive == 0 && Visiting(pair).RsvpAgentReservationsActive == 0),
            TimeSpan.FromSeconds(10),
            "the reservation to be released on both sides after BYE");
        var third = await AnsweredCallAsync(caller1, emccPhone);
        Assert.Equal((1, 1), (Home(pair).RsvpReservationsActive, Visiting(pair).RsvpAgentReservationsActive));

        // ClusterB's SIP listener stops: no acknowledgment for two 1 s intervals, ClusterA releases what it holds there.
        await pair.Visiting.Service<SipHostedService>().StopAsync(Ct);
        await Timeouts.WaitUntilAsync(
            _ => Task.FromResult(Home(pair).RsvpReservationsReleasedByKeepaliveLoss == 1),
            TimeSpan.FromSeconds(10),
            "ClusterA to release the reservation after two keepalive intervals without an acknowledgment");
        Assert.Equal(0, Home(pair).RsvpReservationsActive);
        var lost = Assert.Single(pair.Home.Service<EmccRsvpAgent>().Trunks, t => t.Trunk == HomeTrunk);
        Assert.True(lost.Lost);

        // The call itself goes on between the two phones registered at ClusterA; its end has nothing left to release.
        await third.HangUpAsync(Ct);
        await Timeouts.WaitUntilAsync(_ => Task.FromResult(Home(pair).CallsCompleted == 2), TimeSpan.FromSeconds(10), "the third call to complete");
        Assert.Equal((0, 1), (Home(pair).RsvpReservationsActive, Home(pair).RsvpReservationsReleasedByKeepaliveLoss));
    }

    [Fact(Timeout = 180_000)]
    public async Task HomeStopsSendingKeepalives_VisitingAgentReleasesItsReservationsAfterTwoIntervals()
    {
        await using var pair = await StartAsync();
        await using var emccPhone = await LogInAliceAsync(pair);
        await KeepalivesExchangedAsync(pair);
        await using var caller = await pair.Home.StartPhoneAsync(Phone2);
        await AnsweredCallAsync(caller, emccPhone);
        Assert.Equal(1, Visiting(pair).RsvpAgentReservationsActive);

        // The RSVP trunk state is on the admin API too.
        using (var admin = TrunkRoutingTests.Admin(pair.Visiting))
        {
            var trunks = JsonNode.Parse(await admin.GetStringAsync(new Uri("/api/v1/trunks/rsvp", UriKind.Relative), Ct))!.AsArray();
            Assert.Contains(trunks, t => (string?)t!["trunk"] == VisitingTrunk && (bool?)t["lost"] == false);
        }

        await pair.Home.Service<SipHostedService>().StopAsync(Ct);
        await Timeouts.WaitUntilAsync(
            _ => Task.FromResult(Visiting(pair).RsvpAgentReservationsReleasedByKeepaliveLoss == 1),
            TimeSpan.FromSeconds(10),
            "ClusterB's agent to release ClusterA's reservation after two keepalive intervals");
        Assert.Equal(0, Visiting(pair).RsvpAgentReservationsActive);
        Assert.Contains(pair.Visiting.Logs.Lines, l => l.Contains("RSVP SIP trunk EMCC-Trunk-A: nothing heard for 2 s", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task RsvpAgent_StrangersAndMalformedRequests_AreRefusedAndReserveNothing()
    {
        await using var lab = await EmAppLab.StartAsync(address: EmccPair.HomeAddress);
        await using var peer = RsvpPeer.Start("127.0.2.1");
        await using var stranger = RsvpPeer.Start("127.0.3.1");
        await lab.ApplyAsync(new ProvisioningDocument { SipTrunks = [TrunkRoutingTests.EmccTrunk(HomeTrunk, "127.0.2.1", peer.Port)] });
        var node = lab.Node.SipEndPoint!;

        var ack = await peer.SendAsync(node, "keepalive");
        Assert.Equal((200, "ack"), (ack.StatusCode, ack.Headers.GetFirst("X-Emx-RSVP")));

        // Not the far end of the RSVP Agent trunk: refused, and nothing said about the agent.
        var foreign = await stranger.SendAsync(node, "reserve;id=1;device=SEP0B0000000001;kbps=24");
        Assert.Equal((403, null), (foreign.StatusCode, foreign.Headers.GetFirst("X-Emx-RSVP")));

        Assert.Equal(400, (await peer.SendAsync(node, "reserve;id=1;device=SEP0B0000000001;kbps=lots")).StatusCode);
        Assert.Equal(400, (await peer.SendAsync(node, "reserve;id=1;device=SEP0B0000000001;kbps=24", "keepalive")).StatusCode);
        Assert.Equal(400, (await peer.SendAsync(node, "granted;id=1")).StatusCode);
        Assert.Equal(400, (await peer.SendAsync(node, "reserve;id=" + new string('9', 300))).StatusCode);

        // A phone that is not logged in here by EMCC (ClusterA's own lobby phone, or no phone at all) gets nothing.
        Assert.Equal(404, (await peer.SendAsync(node, "reserve;id=2;device=SEP0A0000000001;kbps=24")).StatusCode);
        Assert.Equal(404, (await peer.SendAsync(node, "reserve;id=3;device=SEPFFFFFFFFFFFF;kbps=24")).StatusCode);
        var released = await peer.SendAsync(node, "release;id=never-reserved");
        Assert.Equal((200, "released;id=never-reserved"), (released.StatusCode, released.Headers.GetFirst("X-Emx-RSVP")));

        var counters = lab.Service<CallCounters>().Snapshot();
        Assert.Equal((0, 0), (counters.RsvpAgentReservationsActive, counters.RsvpAgentReservationsRefused));
    }

    private static CallCounterSnapshot Home(EmccPair pair) => pair.Home.Service<CallCounters>().Snapshot();

    private static CallCounterSnapshot Visiting(EmccPair pair) => pair.Visiting.Service<CallCounters>().Snapshot();

    private static Task<EmccPair> StartAsync() => EmccPair.StartAsync(
        home: doc => doc.EmccFeatureConfiguration!.RsvpSipTrunkKeepAliveTimer = 1,
        visiting: doc =>
        {
            doc.EmccFeatureConfiguration!.RsvpSipTrunkKeepAliveTimer = 1;
            doc.Locations.Add(new Location { Name = "London-Lobby", AudioBandwidthKbps = 24 });
            doc.Phones.Single(p => p.Name == EmccPair.VisitingPhone).Location = "London-Lobby";
        });

    private static async Task<CiscoLikePhone> LogInAliceAsync(EmccPair pair)
    {
        var phone = await pair.Visiting.StartPhoneAsync(EmccPair.VisitingPhone);
        var restarted = phone.NextSyncAsync();
        var welcome = await EmccPair.LogInAsync(phone, "alice", AlicePin);
        Assert.True("Login successful" == welcome.Prompt, $"{welcome.Prompt} {welcome.Text}\n{pair.Traces()}");
        Assert.Equal(["1001"], (await restarted.WaitAsync(WaitLimit, Ct)).RegisteredLines);
        return phone;
    }

    /// <summary>Each cluster hears the other's keepalives (or acknowledgments) again and again over its RSVP trunk.</summary>
    private static async Task KeepalivesExchangedAsync(EmccPair pair)
    {
        foreach (var (lab, trunk) in new[] { (pair.Home, HomeTrunk), (pair.Visiting, VisitingTrunk) })
        {
            var agent = lab.Service<EmccRsvpAgent>();
            await Timeouts.WaitUntilAsync(_ => Task.FromResult(agent.Trunks.Any(t => t.Trunk == trunk && !t.Lost)), TimeSpan.FromSeconds(10), $"keepalives over {trunk}");
            var first = agent.Trunks.Single(t => t.Trunk == trunk).LastHeard;
            await Timeouts.WaitUntilAsync(
                _ => Task.FromResult(agent.Trunks.Single(t => t.Trunk == trunk).LastHeard > first), TimeSpan.FromSeconds(10), $"a further keepalive over {trunk}");
        }
    }

    private static async Task<PhoneCall> AnsweredCallAsync(CiscoLikePhone caller, CiscoLikePhone emccPhone)
    {
        var incoming = emccPhone.NextIncomingCallAsync();
        var call = await caller.PlaceCallAsync("1001", cancellationToken: Ct);
        var ringing = await incoming.WaitAsync(WaitLimit, Ct);
        Assert.True(await ringing.AnswerAsync(Ct));
        Assert.True(await call.Connected.WaitAsync(WaitLimit, Ct), call.Info.ToString());
        return call;
    }

    /// <summary>A bare SIP element on its own loopback address sending RSVP agent OPTIONS by hand; answers anything sent to it 405.</summary>
    private sealed class RsvpPeer : ISipTransactionUser, IAsyncDisposable
    {
        private SipTransactionLayer _layer = null!;

        public int Port => _layer.Transports[0].LocalEndPoint.Port;

        public static RsvpPeer Start(string address)
        {
            var peer = new RsvpPeer();
            peer._layer = new SipTransactionLayer([new SipUdpTransport(new IPEndPoint(IPAddress.Parse(address), 0))], peer);
            peer._layer.Start();
            return peer;
        }

        public async Task<SipResponse> SendAsync(IPEndPoint node, params string[] markers)
        {
            var transport = _layer.Transports[0];
            var request = new SipRequest(SipMethods.Options, SipUri.CreateSip(null, node.Address.ToString(), node.Port));
            request.Headers.Add(SipHeaderNames.From, "<" + SipUri.CreateSip(null, transport.AdvertisedHost, transport.AdvertisedPort) + ">;tag=" + SipResponseFactory.CreateTag());
            request.Headers.Add(SipHeaderNames.To, "<" + request.RequestUri + ">");
            request.Headers.Add(SipHeaderNames.CallId, SipResponseFactory.CreateTag());
            request.Headers.Add(SipHeaderNames.CSeq, "1 OPTIONS");
            request.Headers.Add(SipHeaderNames.MaxForwards, "70");
            foreach (var marker in markers)
            {
                request.Headers.Add("X-Emx-RSVP", marker);
            }

            request.Headers.Add(SipHeaderNames.ContentLength, "0");
            return await _layer.SendRequest(request, new SipDestination(Sip.Transport.SipTransportKind.Udp, node)).FinalResponse.WaitAsync(WaitLimit, Ct);
        }

        public void OnRequest(SipServerTransaction transaction) => transaction.SendResponse(transaction.CreateResponse(405));

        public void OnAck(SipReceivedMessage ack)
        {
        }

        public void OnStrayResponse(SipReceivedMessage response)
        {
        }

        public ValueTask DisposeAsync() => _layer.DisposeAsync();
    }
}
