using Emx.Cluster.CallControl;
using Emx.Cluster.Provisioning;
using Emx.Domain.Configuration;
using Emx.Phones;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// "CSS for PSTN Access SIP Trunk" (seed Table 2) at the visiting cluster: alice (home ClusterA) is logged in by EMCC on
/// ClusterB's lobby phone. ClusterA sends her 911 and 555XXXX calls back over the PSTN Access trunk (Standard Local
/// Route Group), naming the lobby phone in X-Emx-EMCC-Device. ClusterB routes them with the trunk's CSS (EmergencyOnly:
/// 911 reaches its gateway, 5550100 does not) or, with "Use phone's original device CSS", with the lobby phone's own CSS
/// (Internal + PSTN: 5550100 reaches the gateway, 911 does not).
/// </summary>
public sealed class EmccPstnAccessTests
{
    private const string Gateway = "127.0.3.1";

    [Fact(Timeout = 180_000)]
    public async Task PstnAccessTrunk_TrunkCssOrThePhonesOriginalDeviceCss_RoutesTheEmccPhonesCalls()
    {
        using var sipp = SippCalls.Find("SIPp EMCC PSTN Access CSS test");
        if (sipp is null)
        {
            return;
        }

        var gatewayPort = SippCalls.FreeUdpPort(Gateway);
        await using var pair = await EmccPair.StartAsync(
            home: doc => doc.RoutePatterns.Add(new RoutePattern { Pattern = "555XXXX", Partition = "PSTN", Destination = "StandardLocalRouteGroup" }),
            visiting: doc =>
            {
                doc.SipTrunks.Add(new SipTrunk { Name = "GW-London", Destination = Gateway, Port = gatewayPort, Css = "AllCSS", OptionsPing = false });
                doc.RouteGroups.Add(new RouteGroup { Name = "RG-London", Members = ["GW-London"] });
                doc.DevicePools.Single(p => p.Name == "Default").LocalRouteGroup = "RG-London";
                doc.RoutePatterns.Add(new RoutePattern { Pattern = "555XXXX", Partition = "PSTN", Destination = "GW-London" });
                doc.CallingSearchSpaces.Add(new CallingSearchSpace { Name = "LobbyCSS", Partitions = ["Internal", "PSTN"] });
                doc.Phones.Single(p => p.Name == EmccPair.VisitingPhone).Css = "LobbyCSS";
            });
        var pstnAccess = TrunkRoutingTests.EmccTrunk("EMCC-Trunk-A", EmccPair.HomeAddress, pair.Home.Node.SipEndPoint!.Port);
        pstnAccess.Css = "EmergencyOnly";
        pstnAccess.DevicePool = "Default";
        await pair.Visiting.ApplyAsync(new ProvisioningDocument { SipTrunks = [pstnAccess] });

        await using var phone = await pair.Visiting.StartPhoneAsync(EmccPair.VisitingPhone);
        var restarted = phone.NextSyncAsync();
        await EmccPair.LogInAsync(phone, "alice", AlicePin);
        await restarted.WaitAsync(WaitLimit, Ct);
        using (var homeAdmin = TrunkRoutingTests.Admin(pair.Home))
        {
            await TrunkRoutingTests.WaitForTrunkAsync(homeAdmin, "EMCC-Trunk-B", "fullService");
        }

        // One gateway for both calls that must reach it; each INVITE must be one of the two numbers.
        var gateway = await sipp.ListenAsync(
            pair.Visiting.Node.SipEndPoint!, Gateway, gatewayPort,
            sipp.Scenario("sipp-uas-answer-checked.xml", ("[check]", $@"^INVITE sip:(911|5550100)@127\.0\.3\.1:{gatewayPort} ")), calls: 2);

        // Use Trunk CSS (the default): EmergencyOnly.
        await ConnectsAsync(phone, "911");
        await RefusedAsync(phone, "5550100", pair);

        // Use phone's original device CSS: the lobby phone's LobbyCSS, as when nobody is logged in on it.
        await using (var db = pair.Visiting.Db())
        {
            var feature = await SettingsSections.ReadAsync<EmccFeatureConfiguration>(db, Ct);
            feature.CssForPstnAccessSipTrunk = CssForPstnAccessSipTrunk.UsePhonesOriginalDeviceCss;
            await pair.Visiting.ApplyAsync(new ProvisioningDocument { EmccFeatureConfiguration = feature });
        }

        await ConnectsAsync(phone, "5550100");
        await RefusedAsync(phone, "911", pair);
        Assert.Contains(pair.Visiting.Logs.Lines, l => l.Contains("EMCC-Trunk-A for SEP0B0000000001 dialled 5550100", StringComparison.Ordinal));

        SippCalls.AssertPassed(await gateway, "ClusterB's gateway expecting 911 (trunk CSS), then 5550100 (the phone's CSS)");
    }

    private static async Task ConnectsAsync(CiscoLikePhone phone, string number)
    {
        var call = await phone.PlaceCallAsync(number, cancellationToken: Ct);
        Assert.True(await call.Connected.WaitAsync(WaitLimit, Ct), $"{number} not connected: {call.Info}");
        await call.HangUpAsync(Ct);
    }

    private static async Task RefusedAsync(CiscoLikePhone phone, string number, EmccPair pair)
    {
        var refusedBefore = pair.Visiting.Service<CallCounters>().Snapshot().CallsRefusedByStatus.GetValueOrDefault(404);
        var call = await phone.PlaceCallAsync(number, cancellationToken: Ct);
        Assert.False(await call.Connected.WaitAsync(WaitLimit, Ct), $"{number} connected");
        Assert.Equal(404, call.Info.StatusCode);

        // Refused by ClusterB's digit analysis (the home routed it to the PSTN Access trunk).
        Assert.Equal(refusedBefore + 1, pair.Visiting.Service<CallCounters>().Snapshot().CallsRefusedByStatus.GetValueOrDefault(404));
    }
}
