using System.Diagnostics;
using System.Net.Http.Headers;
using Emx.Cluster.CallControl;
using Emx.Cluster.CallControl.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// Calls that leave the cluster on SIP trunks, with real nodes and SIPp (Debian sip-tester) as phones and gateways:
/// lab cluster A (127.0.1.1) calling lab cluster B (127.0.2.1) over their EMCC trunks, the OPTIONS monitor taking
/// a trunk out of service and back, route list and route group hunting, circular distribution, the Standard Local
/// Route Group and digit manipulation towards a gateway (SIPp on 127.0.3.1). Without sipp the tests fail when
/// CI=true and otherwise return after a diagnostic line.
/// </summary>
public sealed class TrunkRoutingTests
{
    private const string ClusterA = "127.0.1.1";
    private const string ClusterB = "127.0.2.1";
    private const string Gateways = "127.0.3.1";
    private const string PhoneB1 = "SEP0B0000000001";

    [Fact(Timeout = 90_000)]
    public async Task TwoClusters_LineOnACallsLineOnB_AnsweredAndHungUpThroughBothClusters()
    {
        using var sipp = SippCalls.Find("SIPp two-cluster call test");
        if (sipp is null)
        {
            return;
        }

        await using var a = await StartAsync(address: ClusterA);
        await using var b = await StartAsync(address: ClusterB, labFile: "cluster-b.yaml");
        var aSip = a.Node.SipEndPoint!;
        var bSip = b.Node.SipEndPoint!;
        await a.ApplyAsync(new ProvisioningDocument { SipTrunks = [EmccTrunk("EMCC-Trunk-B", ClusterB, bSip.Port)] });
        await b.ApplyAsync(new ProvisioningDocument { SipTrunks = [EmccTrunk("EMCC-Trunk-A", ClusterA, aSip.Port)] });
        var callerPort = SippCalls.FreeUdpPort();
        var calleePort = SippCalls.FreeUdpPort();
        await sipp.RegisterAsync(aSip, callerPort, "1901", Phone1);
        await sipp.RegisterAsync(bSip, calleePort, "2901", PhoneB1);

        // B's INVITE to the line: its own Record-Route on top of A's.
        var check = $@"^INVITE sip:2901@127\.0\.0\.1:{calleePort} .*<sip:127\.0\.2\.1:{bSip.Port};lr>.*<sip:127\.0\.1\.1:{aSip.Port};lr>";
        var callee = await sipp.ListenAsync(bSip, "127.0.0.1", calleePort, sipp.Scenario("sipp-uas-answer-checked.xml", ("[check]", check)));
        var caller = await sipp.CallAsync(aSip, callerPort, "sipp-call-uac.xml", "1901", "2901");

        SippCalls.AssertPassed(caller, "caller 1901 on A");
        SippCalls.AssertPassed(await callee, "callee 2901 on B");
        foreach (var (name, lab) in new[] { ("A", a), ("B", b) })
        {
            var counters = await CompletedCountersAsync(lab, name);
            Assert.Equal(1, counters.CallsAttempted);
            Assert.Equal(0, counters.CallsActive);
            Assert.Equal(0, counters.CallsInProgress);
            Assert.Empty(counters.CallsRefusedByStatus);
        }
    }

    [Fact(Timeout = 90_000)]
    public async Task TrunkMonitor_FarEndStopsAndComesBack_NoServiceRefusesAt503Cause34ThenFullServiceAgain()
    {
        using var sipp = SippCalls.Find("SIPp trunk monitor test");
        if (sipp is null)
        {
            return;
        }

        var quick = new CallControlOptions { TrunkPingTimeout = TimeSpan.FromSeconds(1), TrunkDownPingInterval = TimeSpan.FromSeconds(1) };
        await using var a = await StartAsync(address: ClusterA, services: s => s.AddSingleton(quick));
        var b = await StartAsync(address: ClusterB, labFile: "cluster-b.yaml");
        try
        {
            await a.ApplyAsync(new ProvisioningDocument { SipTrunks = [EmccTrunk("EMCC-Trunk-B", ClusterB, b.Node.SipEndPoint!.Port, pingSeconds: 5)] });
            using var admin = Admin(a);
            await WaitForTrunkAsync(admin, "EMCC-Trunk-B", "fullService");

            await b.DisposeAsync();
            await WaitForTrunkAsync(admin, "EMCC-Trunk-B", "noService");
            var aSip = a.Node.SipEndPoint!;
            var callerPort = SippCalls.FreeUdpPort();
            await sipp.RegisterAsync(aSip, callerPort, "1901", Phone1);
            var clock = Stopwatch.StartNew();
            var refused = await sipp.CallAsync(
                aSip, callerPort, sipp.Scenario("sipp-call-fails.xml", ("[status]", "503"), ("[expect]", @"Reason: Q\.850;cause=34")), "1901", "2901");
            clock.Stop();

            SippCalls.AssertPassed(refused, "caller 1901 on A to 2901 over a trunk in No Service");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the refusal took {clock.Elapsed}: the trunk was tried instead of skipped");
            Assert.Equal(1, a.Service<CallCounters>().Snapshot().CallsRefusedByStatus[503]);

            b = await StartAsync(address: ClusterB, labFile: "cluster-b.yaml");
            await a.ApplyAsync(new ProvisioningDocument { SipTrunks = [EmccTrunk("EMCC-Trunk-B", ClusterB, b.Node.SipEndPoint!.Port, pingSeconds: 5)] });
            await WaitForTrunkAsync(admin, "EMCC-Trunk-B", "fullService");
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    /// <summary>
    /// Regression: a trunk whose destination changes is about a new far end. It is pinged at once (not after the
    /// down-ping interval of the old one), and the answer of a ping still in flight to the old far end is dropped
    /// (it used to mark the re-pointed trunk No Service, refusing calls to a far end that answers).
    /// </summary>
    [Fact(Timeout = 90_000)]
    public async Task TrunkMonitor_TrunkRepointedWhilePingingASilentFarEnd_PingsTheNewFarEndAtOnceAndDropsTheOldAnswer()
    {
        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Parse(ClusterB), 0));
        var silentPort = ((IPEndPoint)silent.LocalEndPoint!).Port;
        await using var b = await StartAsync(address: ClusterB, labFile: "cluster-b.yaml");

        // The ping to the silent far end is in flight for 3 s; a trunk that is down is pinged again only after 60 s.
        var options = new CallControlOptions { TrunkPingTimeout = TimeSpan.FromSeconds(3), TrunkDownPingInterval = TimeSpan.FromSeconds(60) };
        await using var a = await StartAsync(
            doc => doc.SipTrunks[doc.SipTrunks.FindIndex(t => t.Name == "EMCC-Trunk-B")] = EmccTrunk("EMCC-Trunk-B", ClusterB, silentPort, pingSeconds: 5),
            address: ClusterA,
            services: s => s.AddSingleton(options));

        // Re-point only once the ping to the silent far end is really in flight (it has reached the socket).
        var buffer = new byte[4096];
        var received = await silent.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(15), Ct);
        Assert.StartsWith("OPTIONS ", System.Text.Encoding.ASCII.GetString(buffer, 0, received), StringComparison.Ordinal);
        await a.ApplyAsync(new ProvisioningDocument { SipTrunks = [EmccTrunk("EMCC-Trunk-B", ClusterB, b.Node.SipEndPoint!.Port, pingSeconds: 5)] });
        using var admin = Admin(a);

        await WaitForTrunkAsync(admin, "EMCC-Trunk-B", "fullService");
        await Timeouts.WaitUntilAsync(
            _ => Task.FromResult(a.Logs.Lines.Any(l => l.Contains("EMCC-Trunk-B: answer of the ping to", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(15),
            "the ping to the old far end to end");
        await WaitForTrunkAsync(admin, "EMCC-Trunk-B", "fullService");
        Assert.DoesNotContain(a.Logs.Lines, l => l.Contains("SIP trunk EMCC-Trunk-B: NoService", StringComparison.Ordinal));
    }

    /// <summary>The first trunk fails (its gateway answers 503, or nothing listens on its TCP port); the call hunts on to the second.</summary>
    [Theory(Timeout = 90_000)]
    [InlineData("routeList")] // RL-Hunt: RG-1 [GW-1], RG-2 [GW-2]; GW-1 answers 503
    [InlineData("routeGroup")] // RG-Hunt top down: GW-1, GW-2; GW-1 answers 503
    [InlineData("tcpRefused")] // RG-Hunt top down: GW-1 over TCP to a port nothing listens on, GW-2
    public async Task Hunting_FirstTrunkFails_CallReachesTheSecondTrunksGateway(string layout)
    {
        using var sipp = SippCalls.Find("SIPp hunting test");
        if (sipp is null)
        {
            return;
        }

        var refused = layout == "tcpRefused";
        var port1 = refused ? SippCalls.ClosedTcpPort(Gateways) : SippCalls.FreeUdpPort(Gateways);
        var port2 = SippCalls.FreeUdpPort(Gateways);
        await using var a = await StartAsync(
            doc =>
            {
                doc.SipTrunks.Add(Gateway("GW-1", port1, refused ? Domain.Configuration.SipTransportKind.Tcp : Domain.Configuration.SipTransportKind.Udp));
                doc.SipTrunks.Add(Gateway("GW-2", port2));
                if (layout == "routeList")
                {
                    doc.RouteGroups.Add(new RouteGroup { Name = "RG-1", Members = ["GW-1"] });
                    doc.RouteGroups.Add(new RouteGroup { Name = "RG-2", Members = ["GW-2"] });
                    doc.RouteLists.Add(new RouteList { Name = "RL-Hunt", Members = ["RG-1", "RG-2"] });
                }
                else
                {
                    doc.RouteGroups.Add(new RouteGroup { Name = "RG-Hunt", Members = ["GW-1", "GW-2"] });
                }

                doc.RoutePatterns.Add(new RoutePattern { Pattern = "8XXX", Partition = "Internal", Destination = layout == "routeList" ? "RL-Hunt" : "RG-Hunt" });
            },
            address: ClusterA);
        var aSip = a.Node.SipEndPoint!;
        var callerPort = SippCalls.FreeUdpPort();
        await sipp.RegisterAsync(aSip, callerPort, "1901", Phone1);
        var failing = refused
            ? null
            : await sipp.ListenAsync(aSip, Gateways, port1, sipp.Scenario("sipp-uas-refuse.xml", ("[status]", "503"), ("[check]", $@"^INVITE sip:8123@127\.0\.3\.1:{port1} ")));
        var answering = await sipp.ListenAsync(aSip, Gateways, port2, sipp.Scenario("sipp-uas-answer-checked.xml", ("[check]", $@"^INVITE sip:8123@127\.0\.3\.1:{port2} ")));

        var caller = await sipp.CallAsync(aSip, callerPort, "sipp-call-uac.xml", "1901", "8123");

        SippCalls.AssertPassed(caller, "caller 1901");
        SippCalls.AssertPassed(await answering, "GW-2");
        if (failing is not null)
        {
            SippCalls.AssertPassed(await failing, "GW-1 (503)");
        }

        var counters = await CompletedCountersAsync(a, "A");
        Assert.Equal(1, counters.CallsAttempted);
        Assert.Empty(counters.CallsRefusedByStatus);
    }

    /// <summary>
    /// Two calls through a circular route group take one trunk each, also when the dial plan was reloaded between them
    /// (regression: the rotation restarted at the first trunk with every reload, every <see cref="DialPlanCache.MaxAge"/>,
    /// so calls further apart than that always took the first trunk).
    /// </summary>
    [Theory(Timeout = 90_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CircularRouteGroup_TwoCalls_EachTrunkTakesOne(bool reloadBetweenCalls)
    {
        using var sipp = SippCalls.Find("SIPp circular distribution test");
        if (sipp is null)
        {
            return;
        }

        var port1 = SippCalls.FreeUdpPort(Gateways);
        var port2 = SippCalls.FreeUdpPort(Gateways);
        var clock = new ShiftedTimeProvider();
        await using var a = await StartAsync(
            doc =>
            {
                doc.SipTrunks.Add(Gateway("GW-1", port1));
                doc.SipTrunks.Add(Gateway("GW-2", port2));
                doc.RouteGroups.Add(new RouteGroup { Name = "RG-Circular", Distribution = RouteGroupDistribution.Circular, Members = ["GW-1", "GW-2"] });
                doc.RoutePatterns.Add(new RoutePattern { Pattern = "8XXX", Partition = "Internal", Destination = "RG-Circular" });
            },
            address: ClusterA,
            services: s => s.AddSingleton<TimeProvider>(clock));
        var aSip = a.Node.SipEndPoint!;
        var callerPort = SippCalls.FreeUdpPort();
        await sipp.RegisterAsync(aSip, callerPort, "1901", Phone1);

        // Each gateway takes exactly one call: a second call to the same gateway finds no SIPp there and fails.
        var first = await sipp.ListenAsync(aSip, Gateways, port1, sipp.Scenario("sipp-uas-answer-checked.xml", ("[check]", $@"^INVITE sip:8123@127\.0\.3\.1:{port1} ")));
        var second = await sipp.ListenAsync(aSip, Gateways, port2, sipp.Scenario("sipp-uas-answer-checked.xml", ("[check]", $@"^INVITE sip:8123@127\.0\.3\.1:{port2} ")));
        SippCalls.AssertPassed(await sipp.CallAsync(aSip, callerPort, "sipp-call-uac.xml", "1901", "8123"), "caller 1901, first call");
        SippCalls.AssertPassed(await first, "GW-1 (first call)");
        if (reloadBetweenCalls)
        {
            clock.Offset = DialPlanCache.MaxAge + TimeSpan.FromSeconds(1);
        }

        SippCalls.AssertPassed(await sipp.CallAsync(aSip, callerPort, "sipp-call-uac.xml", "1901", "8123"), "caller 1901, second call");
        SippCalls.AssertPassed(await second, "GW-2 (second call)");
    }

    /// <summary>
    /// Phone 1 sits in device pool Boston-DP whose Local Route Group is RG-Boston (trunk GW-Boston): 911
    /// (StandardLocalRouteGroup) reaches the gateway unchanged; 9.XXXX (route list [StandardLocalRouteGroup], discard
    /// PreDot, prefix 1) reaches it as 1XXXX.
    /// </summary>
    [Theory(Timeout = 90_000)]
    [InlineData("911", "911")]
    [InlineData("95551", "15551")]
    public async Task StandardLocalRouteGroup_CallFromPhoneInPool_ReachesThePoolsGatewayWithTheRoutedNumber(string dialled, string called)
    {
        using var sipp = SippCalls.Find("SIPp local route group test");
        if (sipp is null)
        {
            return;
        }

        var gatewayPort = SippCalls.FreeUdpPort(Gateways);
        await using var a = await StartAsync(
            doc =>
            {
                doc.SipTrunks.Add(Gateway("GW-Boston", gatewayPort));
                doc.RouteGroups.Add(new RouteGroup { Name = "RG-Boston", Members = ["GW-Boston"] });
                doc.DevicePools.Add(new DevicePool { Name = "Boston-DP", Region = "Default", LocalRouteGroup = "RG-Boston" });
                doc.Phones.Single(p => p.Name == Phone1).DevicePool = "Boston-DP";
                doc.RouteLists.Add(new RouteList { Name = "RL-PSTN", Members = [ConfigKinds.StandardLocalRouteGroup] });
                doc.RoutePatterns.Add(new RoutePattern { Pattern = "9.XXXX", Partition = "PSTN", Destination = "RL-PSTN", DiscardPreDot = true, PrefixDigits = "1" });
            },
            address: ClusterA);
        var aSip = a.Node.SipEndPoint!;
        var callerPort = SippCalls.FreeUdpPort();
        await sipp.RegisterAsync(aSip, callerPort, "1901", Phone1);
        var gateway = await sipp.ListenAsync(
            aSip, Gateways, gatewayPort, sipp.Scenario("sipp-uas-answer-checked.xml", ("[check]", $@"^INVITE sip:{called}@127\.0\.3\.1:{gatewayPort} ")));

        var caller = await sipp.CallAsync(aSip, callerPort, "sipp-call-uac.xml", "1901", dialled);

        SippCalls.AssertPassed(caller, $"caller 1901 dialling {dialled}");
        SippCalls.AssertPassed(await gateway, $"gateway expecting {called}");
    }

    /// <summary>A lab EMCC trunk (as in the lab files) pointed at <paramref name="port"/>.</summary>
    internal static SipTrunk EmccTrunk(string name, string destination, int port, int pingSeconds = 60) => new()
    {
        Name = name,
        ServiceType = TrunkServiceType.ExtensionMobilityCrossClusters,
        Destination = destination,
        Port = port,
        Css = "AllCSS",
        SendGeolocation = true,
        OptionsPingIntervalSeconds = pingSeconds,
    };

    /// <summary>A trunk to a SIPp gateway on 127.0.3.1; no OPTIONS ping (SIPp would take a ping for a call).</summary>
    private static SipTrunk Gateway(string name, int port, Domain.Configuration.SipTransportKind transport = Domain.Configuration.SipTransportKind.Udp) => new()
    {
        Name = name,
        Destination = Gateways,
        Port = port,
        Transport = transport,
        Css = "AllCSS",
        OptionsPing = false,
    };

    internal static HttpClient Admin(EmAppLab lab)
    {
        var client = new HttpClient { BaseAddress = lab.Node.HttpUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:emx-lab-admin")));
        return client;
    }

    /// <summary>Polls GET /api/v1/trunks/status until <paramref name="trunk"/> shows <paramref name="status"/> (15 s at most).</summary>
    internal static async Task WaitForTrunkAsync(HttpClient admin, string trunk, string status)
    {
        using var limit = Timeouts.After(TimeSpan.FromSeconds(15));
        string? last = null;
        try
        {
            while (true)
            {
                var states = JsonNode.Parse(await admin.GetStringAsync(new Uri("/api/v1/trunks/status", UriKind.Relative), limit.Token))!.AsArray();
                var state = states.SingleOrDefault(s => (string?)s!["trunk"] == trunk);
                last = state?.ToJsonString();
                if ((string?)state?["status"] == status)
                {
                    return;
                }

                await Task.Delay(200, limit.Token);
            }
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"trunk {trunk} did not show {status} within 15 s; last seen: {last ?? "absent"}");
        }
    }

    /// <summary>The node's call counters once its one answered call has completed (the BYE's answer is counted after it went upstream).</summary>
    internal static async Task<CallCounterSnapshot> CompletedCountersAsync(EmAppLab lab, string name)
    {
        await Timeouts.WaitUntilAsync(
            _ => Task.FromResult(lab.Service<CallCounters>().Snapshot().CallsCompleted >= 1), TimeSpan.FromSeconds(10), $"a completed call on {name}");
        var counters = lab.Service<CallCounters>().Snapshot();
        Assert.Equal(1, counters.CallsCompleted);
        return counters;
    }
}
