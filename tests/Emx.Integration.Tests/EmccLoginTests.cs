using System.Net;
using System.Net.Sockets;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Phones;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// EMCC end to end with two lab clusters and the Cisco-like phone: alice's home is ClusterA (127.0.1.1); she logs in
/// on lobby phone SEP0B0000000001 of ClusterB (127.0.2.1). ClusterB finds her home by asking ClusterA (check user),
/// ClusterA lends an EMCC device, the phone restarts, follows the mini-config to ClusterA's TFTP and registers her line
/// 1001 there; a ClusterA phone's call to 1001 rings it. Logout at home sends the phone back to ClusterB and its own line.
/// </summary>
public sealed class EmccLoginTests
{
    private const string HomeAddress = "127.0.1.1";
    private const string VisitingAddress = "127.0.2.1";
    private const string VisitingPhone = "SEP0B0000000001";
    private const string Gateway = "127.0.3.1";

    /// <summary>Two clusters that trust each other after Bulk Certificate Management (export, consolidate, import).</summary>
    private sealed class Pair : IAsyncDisposable
    {
        public required EmAppLab Home { get; init; }

        public required EmAppLab Visiting { get; init; }

        public async ValueTask DisposeAsync()
        {
            await Visiting.DisposeAsync();
            await Home.DisposeAsync();
        }
    }

    private static async Task<Pair> StartPairAsync(Action<ProvisioningDocument>? home = null, Action<ProvisioningDocument>? visiting = null)
    {
        var homeLab = await StartAsync(home, HomeAddress, https: EmccPair.FreeTcpPort(HomeAddress));
        var visitingLab = await StartAsync(visiting, VisitingAddress, https: EmccPair.FreeTcpPort(VisitingAddress), labFile: "cluster-b.yaml");

        await EmccPair.ExchangeCertificatesAsync(homeLab, visitingLab);

        // The lab files name CUCM's fixed ports; point each cluster at the other's real ones.
        await homeLab.ApplyAsync(new ProvisioningDocument
        {
            RemoteClusters = [new RemoteCluster { ClusterId = "ClusterB", FullyQualifiedName = VisitingAddress, HttpsPort = visitingLab.Node.HttpsUrl!.Port, Emcc = true, PstnAccess = true, RsvpAgent = true }],
            SipTrunks = [TrunkRoutingTests.EmccTrunk("EMCC-Trunk-B", VisitingAddress, visitingLab.Node.SipEndPoint!.Port)],
        });
        await visitingLab.ApplyAsync(new ProvisioningDocument
        {
            RemoteClusters = [new RemoteCluster { ClusterId = "ClusterA", FullyQualifiedName = HomeAddress, HttpsPort = homeLab.Node.HttpsUrl!.Port, Emcc = true, PstnAccess = true, RsvpAgent = true }],
            SipTrunks = [TrunkRoutingTests.EmccTrunk("EMCC-Trunk-A", HomeAddress, homeLab.Node.SipEndPoint!.Port)],
        });
        await homeLab.UseThisNodesEmServiceAsync();
        await visitingLab.UseThisNodesEmServiceAsync();
        return new Pair { Home = homeLab, Visiting = visitingLab };
    }

    private static string Traces(Pair pair) =>
        "home:\n" + string.Join("\n", pair.Home.Logs.Lines.Where(l => l.Contains("EMCC", StringComparison.Ordinal) || l.Contains("check-sync", StringComparison.Ordinal)))
        + "\nvisiting:\n" + string.Join("\n", pair.Visiting.Logs.Lines.Where(l => l.Contains("EMCC", StringComparison.Ordinal) || l.Contains("check-sync", StringComparison.Ordinal)));

    [Fact(Timeout = 120_000)]
    public async Task EmccLogin_PhoneRegistersAtHomeAndRingsForTheUsersLine_LogoutAtHomeSendsItBack()
    {
        await using var pair = await StartPairAsync();
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);
        Assert.Equal(["2901"], phone.RegisteredLines);
        var visitingSip = phone.RegistrarEndPoint;

        var restarted = phone.NextSyncAsync();
        var welcome = await EmccPair.LogInAsync(phone, "alice", AlicePin);
        Assert.True("Login successful" == welcome.Prompt, $"{welcome.Prompt} {welcome.Text}\n{Traces(pair)}");
        PhoneSyncedEventArgs atHome;
        try
        {
            atHome = await restarted.WaitAsync(WaitLimit, Ct);
        }
        catch (TimeoutException)
        {
            Assert.Fail("the phone did not re-sync:\n" + Traces(pair));
            throw;
        }

        Assert.Equal(["1001"], atHome.RegisteredLines);
        Assert.Equal(pair.Home.Node.SipEndPoint, phone.RegistrarEndPoint);
        Assert.NotEqual(visitingSip, phone.RegistrarEndPoint);
        Assert.Equal(["1001"], (await pair.Home.RegistrationsAsync(VisitingPhone)).Select(r => r.Aor));
        Assert.Empty(await pair.Visiting.RegistrationsAsync(VisitingPhone));

        await using (var db = pair.Home.Db())
        {
            var session = Assert.Single(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
            Assert.Equal((EmccSide.Home, "alice", "EMCC1", "ClusterB", "alice-8845"), (session.Side, session.UserId, session.EmccDevice, session.RemoteClusterId, session.DeviceProfile));
            Assert.Equal("Roaming-London", session.RoamingDevicePool); // the phone is in London; ClusterA's filter is country/state/city
            Assert.Equal(TimeSpan.FromHours(8), session.LoginDuration); // Inter-cluster Maximum Login Time
        }

        await using (var db = pair.Visiting.Db())
        {
            var session = Assert.Single(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
            Assert.Equal((EmccSide.Visiting, "alice", "ClusterA"), (session.Side, session.UserId, session.RemoteClusterId));
        }

        // A call to alice's line at home rings the visiting phone, which is now registered there.
        await using var homePhone = await pair.Home.StartPhoneAsync(Phone2);
        var incoming = phone.NextIncomingCallAsync();
        var call = await homePhone.PlaceCallAsync("1001", cancellationToken: Ct);
        var ringing = await incoming.WaitAsync(WaitLimit, Ct);
        Assert.Equal("1001", ringing.LineDn);
        Assert.True(await ringing.AnswerAsync(Ct));
        Assert.True(await call.Connected.WaitAsync(WaitLimit, Ct));
        await call.HangUpAsync(Ct);

        // Logout from the phone, at home: the EMCC device is freed and the phone goes back to its own cluster and line.
        var back = phone.NextSyncAsync();
        await phone.OpenServiceAsync("Extension Mobility", Ct);
        var goodbye = await phone.PressSoftKeyAsync("Logout", Ct);
        var returned = await back.WaitAsync(WaitLimit, Ct);

        Assert.Equal("Logout successful", goodbye!.Prompt);
        Assert.Equal(["2901"], returned.RegisteredLines);
        Assert.Equal(visitingSip, phone.RegistrarEndPoint);
        await using (var db = pair.Home.Db())
        {
            Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
        }

        await using (var db = pair.Visiting.Db())
        {
            Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
        }

        Assert.Empty(await pair.Home.RegistrationsAsync(VisitingPhone));
    }

    [Fact(Timeout = 120_000)]
    public async Task EmccPhone_Dials911_HomeSendsItBackOverThePstnAccessTrunk_VisitingGatewayReceivesIt()
    {
        using var sipp = SippCalls.Find("SIPp EMCC emergency call test");
        if (sipp is null)
        {
            return;
        }

        // ClusterB's local gateway (a SIPp UA on 127.0.3.1), reached by 911 through its Standard Local Route Group.
        var gatewayPort = SippCalls.FreeUdpPort(Gateway);
        await using var pair = await StartPairAsync(visiting: doc =>
        {
            doc.SipTrunks.Add(new SipTrunk { Name = "GW-London", Destination = Gateway, Port = gatewayPort, Css = "AllCSS", OptionsPing = false });
            doc.RouteGroups.Add(new RouteGroup { Name = "RG-London", Members = ["GW-London"] });
            doc.DevicePools.Single(p => p.Name == "Default").LocalRouteGroup = "RG-London";
        });
        var visitingSip = pair.Visiting.Node.SipEndPoint!;
        var pstnAccess = TrunkRoutingTests.EmccTrunk("EMCC-Trunk-A", HomeAddress, pair.Home.Node.SipEndPoint!.Port);
        pstnAccess.DevicePool = "Default";
        await pair.Visiting.ApplyAsync(new ProvisioningDocument { SipTrunks = [pstnAccess] });
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);
        var restarted = phone.NextSyncAsync();
        await EmccPair.LogInAsync(phone, "alice", AlicePin);
        await restarted.WaitAsync(WaitLimit, Ct);
        var gateway = await sipp.ListenAsync(
            visitingSip, Gateway, gatewayPort, sipp.Scenario("sipp-uas-answer-checked.xml", ("[check]", $@"^INVITE sip:911@127\.0\.3\.1:{gatewayPort} ")));

        using (var homeAdmin = TrunkRoutingTests.Admin(pair.Home))
        {
            // The PSTN Access trunk was re-pointed at ClusterB's real port: wait until its ping says it is in service.
            await TrunkRoutingTests.WaitForTrunkAsync(homeAdmin, "EMCC-Trunk-B", "fullService");
        }

        var call = await phone.PlaceCallAsync("911", cancellationToken: Ct);
        Assert.True(await call.Connected.WaitAsync(WaitLimit, Ct), $"911 not connected: {call.Info}");
        await call.HangUpAsync(Ct);

        SippCalls.AssertPassed(await gateway, "ClusterB's gateway expecting 911");
        Assert.Equal(1, pair.Home.Service<Cluster.CallControl.CallCounters>().Snapshot().CallsCompleted);
        Assert.Equal(1, pair.Visiting.Service<Cluster.CallControl.CallCounters>().Snapshot().CallsCompleted);
    }

    [Fact(Timeout = 120_000)]
    public async Task EmccLogin_Refusals_ShowTheSeedsCodes()
    {
        await using var pair = await StartPairAsync(home: doc =>
        {
            // bob is at home in ClusterA but not enabled for EMCC (31).
            var bob = doc.EndUsers.Single(u => u.UserId == "bob");
            bob.EnableExtensionMobilityCrossCluster = false;
        });
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);

        Assert.Equal(EmccPair.Display(23), (await EmccPair.LogInAsync(phone, "nobody", "12345")).Text);
        Assert.Equal(EmccPair.Display(2), (await EmccPair.LogInAsync(phone, "alice", "99999")).Text);
        Assert.Equal(EmccPair.Display(31), (await EmccPair.LogInAsync(phone, "bob", BobPin)).Text);
        Assert.Equal(["2901"], phone.RegisteredLines);
    }

    [Theory(Timeout = 120_000)]
    [InlineData(37)] // the visiting phone's name is also a phone of the home cluster
    [InlineData(39)] // home: Default TFTP Server for EMCC Login Device not set
    [InlineData(201)] // home: EMCC not active in the Intercluster Service Profile
    [InlineData(211)] // visiting: EMCC/PSTN Access not active in its Intercluster Service Profile
    [InlineData(32)] // visiting: the phone's model does not support EMCC
    [InlineData(46)] // visiting mixed mode, secure phone, non-secure home (seed Table 5)
    [InlineData(43)] // home: the default EMCC template's device security profile is not Non Secure
    public async Task EmccLogin_ConfigurationRefusals_GiveTheSeedsCode(int code)
    {
        Action<ProvisioningDocument>? home = null;
        Action<ProvisioningDocument>? visiting = null;
        switch (code)
        {
            case 37:
                home = doc => doc.Phones.Add(new Phone { Name = VisitingPhone, Model = "Cisco 8845", Lines = [new Line { Dn = "1903", Partition = "Internal" }] });
                break;
            case 39:
                home = doc => doc.EmccFeatureConfiguration!.DefaultTftpServerForEmccLoginDevice = null;
                break;
            case 201:
                home = doc => doc.InterclusterServiceProfile!.Emcc = false;
                break;
            case 211:
                visiting = doc => doc.InterclusterServiceProfile!.PstnAccess = new InterclusterTrunkService();
                break;
            case 32:
                visiting = doc => doc.PhoneModels.Single(m => m.Name == "Cisco 8845").Features.Remove(PhoneFeature.ExtensionMobilityCrossCluster);
                break;
            case 46:
                visiting = doc =>
                {
                    doc.Cluster ??= new ClusterSettings { Id = "ClusterB" };
                    doc.Cluster.SecurityMode = ClusterSecurityMode.Mixed;
                    doc.DeviceSecurityProfiles.Add(new DeviceSecurityProfile { Name = "Encrypted SIP", Mode = DeviceSecurityMode.Encrypted });
                    doc.Phones.Single(p => p.Name == VisitingPhone).DeviceSecurityProfile = "Encrypted SIP";
                };
                break;
            case 43:
                home = doc =>
                {
                    doc.DeviceSecurityProfiles.Add(new DeviceSecurityProfile { Name = "Encrypted SIP", Mode = DeviceSecurityMode.Encrypted });
                    doc.EmccTemplates.Single(t => t.Default).DeviceSecurityProfile = "Encrypted SIP";
                };
                break;
        }

        await using var pair = await StartPairAsync(home, visiting);
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);

        var screen = await EmccPair.LogInAsync(phone, "alice", AlicePin);

        Assert.True(EmccPair.Display(code) == screen.Text, $"expected {EmccPair.Display(code)}, got {screen.Text}\n{Traces(pair)}");
        Assert.Equal(["2901"], phone.RegisteredLines);
        await using var db = pair.Home.Db();
        Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task EmccLogin_EveryEmccDeviceInUse_33()
    {
        await using var pair = await StartPairAsync(home: doc =>
        {
            doc.EmccDevices = new EmccDeviceInsertion { Count = 1 };
            doc.EndUsers.Single(u => u.UserId == "bob").EnableExtensionMobilityCrossCluster = true;
        });
        await using var first = await pair.Visiting.StartPhoneAsync(VisitingPhone);
        await using var second = await pair.Visiting.StartPhoneAsync("SEP0B0000000002");
        var restarted = first.NextSyncAsync();
        Assert.Equal("Login successful", (await EmccPair.LogInAsync(first, "alice", AlicePin)).Prompt);
        await restarted.WaitAsync(WaitLimit, Ct);

        Assert.Equal(EmccPair.Display(33), (await EmccPair.LogInAsync(second, "bob", BobPin)).Text);
    }

    [Fact(Timeout = 120_000)]
    public async Task VisitingAdministratorsLogOut_CleansOnlyTheVisitingRecord_PhoneStaysAtHome()
    {
        await using var pair = await StartPairAsync();
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);
        var restarted = phone.NextSyncAsync();
        await EmccPair.LogInAsync(phone, "alice", AlicePin);
        await restarted.WaitAsync(WaitLimit, Ct);
        using var admin = TrunkRoutingTests.Admin(pair.Visiting);

        using var response = await admin.PostAsync(new Uri($"/api/v1/phones/{VisitingPhone}/logout", UriKind.Relative), null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using (var db = pair.Visiting.Db())
        {
            Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
        }

        await using (var db = pair.Home.Db())
        {
            Assert.Single(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
        }

        Assert.Equal(["1001"], phone.RegisteredLines);
        Assert.Equal(["1001"], (await pair.Home.RegistrationsAsync(VisitingPhone)).Select(r => r.Aor));
    }

    [Fact(Timeout = 120_000)]
    public async Task DisablingEmccForALoggedInUser_DoesNotLogThemOut_ButBlocksTheNextLogin()
    {
        await using var pair = await StartPairAsync();
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);
        var restarted = phone.NextSyncAsync();
        await EmccPair.LogInAsync(phone, "alice", AlicePin);
        await restarted.WaitAsync(WaitLimit, Ct);
        await using (var db = pair.Home.Db())
        {
            var alice = await db.Config<EndUser>().AsNoTracking().SingleAsync(u => u.UserId == "alice", Ct);
            alice.EnableExtensionMobilityCrossCluster = false;
            alice.Pin = AlicePin;
            await pair.Home.ApplyAsync(new ProvisioningDocument { EndUsers = [alice] });
        }

        await using (var db = pair.Home.Db())
        {
            Assert.Single(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
        }

        Assert.Equal(["1001"], phone.RegisteredLines);
        var back = phone.NextSyncAsync();
        await phone.OpenServiceAsync("Extension Mobility", Ct);
        await phone.PressSoftKeyAsync("Logout", Ct);
        await back.WaitAsync(WaitLimit, Ct);

        Assert.Equal(EmccPair.Display(31), (await EmccPair.LogInAsync(phone, "alice", AlicePin)).Text);
    }

    [Fact(Timeout = 120_000)]
    public async Task EmccLogin_IntercomLinesOfTheProfileAreNotPresented()
    {
        await using var pair = await StartPairAsync(home: doc =>
        {
            doc.Partitions.Add(new Partition { Name = "Intercom" });
            doc.DeviceProfiles.Single(p => p.Name == "alice-8845").Lines.Add(new Line { Dn = "8001", Partition = "Intercom", Intercom = true });
        });
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);
        var restarted = phone.NextSyncAsync();

        await EmccPair.LogInAsync(phone, "alice", AlicePin);
        var atHome = await restarted.WaitAsync(WaitLimit, Ct);

        Assert.Equal(["1001"], atHome.RegisteredLines);
        Assert.Equal(["1001"], (await pair.Home.RegistrationsAsync(VisitingPhone)).Select(r => r.Aor));
    }

    [Fact(Timeout = 120_000)]
    public async Task EmccLogin_UntrustedHome_208()
    {
        await using var home = await StartAsync(address: HomeAddress, https: EmccPair.FreeTcpPort(HomeAddress));
        await using var visiting = await StartAsync(address: VisitingAddress, labFile: "cluster-b.yaml");
        await visiting.ApplyAsync(new ProvisioningDocument
        {
            RemoteClusters = [new RemoteCluster { ClusterId = "ClusterA", FullyQualifiedName = HomeAddress, HttpsPort = home.Node.HttpsUrl!.Port, Emcc = true, PstnAccess = true }],
        });
        await visiting.UseThisNodesEmServiceAsync();
        await using var phone = await visiting.StartPhoneAsync(VisitingPhone);

        // No certificate exchange: the home cluster is not trusted, "EMService Connection Error".
        Assert.Equal(EmccPair.Display(208), (await EmccPair.LogInAsync(phone, "alice", AlicePin)).Text);
    }
}
