using System.Net;
using Emx.Cluster.Emcc;
using Emx.Cluster.ExtensionMobility;
using Emx.Cluster.Provisioning;
using Emx.Cluster.Security;
using Emx.Domain.Configuration;
using Emx.Phones;
using Emx.Protocols.CiscoIpPhone;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Emx.Integration.Tests.EmAppLab;
using static Emx.Integration.Tests.EmccPair;

namespace Emx.Integration.Tests;

/// <summary>
/// The EMCC codes of seed Tables 8 and 9 that the older EMCC tests do not reach (202, 204, 205, 207, 210, 213; 35, 36,
/// 38, 40, 41, 42 in a login, 45), each created for real between lab clusters A (home) and B (visiting) and read off
/// the visiting phone's screen. One pair serves the class; a test that changes configuration puts it back.
/// Code 44 ("Configuration Issue", the cluster ID is not valid) does not arise in emx (docs/operations.md, "EMCC error
/// codes"): Cluster IDs are validated when configured, a Remote Cluster entry cannot carry the cluster's own ID, and
/// every inter-cluster request's sender is bound to the Cluster ID of the certificate it presents, which a cluster
/// never imports for its own ID; so a peer's cluster id is either right or 42.
/// </summary>
public sealed class EmccErrorCodeTests(EmccErrorCodeTests.Clusters clusters) : IClassFixture<EmccErrorCodeTests.Clusters>
{
    private const string Ipv6Phone = "SEP0B0000000003";
    private const string SecurePhone = "SEP0B0000000004";

    /// <summary>The pair, with users and phones for each situation.</summary>
    public sealed class Clusters : IAsyncLifetime
    {
        internal EmccPair Pair { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Pair = await EmccPair.StartAsync(
            home: doc =>
            {
                doc.DeviceProfiles.Add(new DeviceProfile { Name = "ivy-8845", ProductType = "Cisco 8845", Lines = [new Line { Dn = "1011", Partition = "Internal" }] });
                doc.DeviceProfiles.Add(new DeviceProfile { Name = "jack-8845", ProductType = "Cisco 8845", Lines = [new Line { Dn = "1012", Partition = "Internal" }] });

                // hank has no device profile (205); ivy must change her PIN (41); jack's PIN gets locked (204).
                doc.EndUsers.Add(new EndUser { UserId = "hank", Pin = "11223", EnableExtensionMobilityCrossCluster = true });
                doc.EndUsers.Add(new EndUser { UserId = "ivy", Pin = "44556", EnableExtensionMobilityCrossCluster = true, PinMustChangeAtNextLogin = true, ControlledProfiles = ["ivy-8845"] });
                doc.EndUsers.Add(new EndUser { UserId = "jack", Pin = "77889", EnableExtensionMobilityCrossCluster = true, ControlledProfiles = ["jack-8845"] });
            },
            visiting: doc =>
            {
                // Mixed mode, so a secure phone can exist (45); an IPv6-only phone (213).
                doc.Cluster ??= new ClusterSettings { Id = "ClusterB" };
                doc.Cluster.SecurityMode = ClusterSecurityMode.Mixed;
                doc.DeviceSecurityProfiles.Add(new DeviceSecurityProfile { Name = "Encrypted SIP", Mode = DeviceSecurityMode.Encrypted });
                doc.CommonDeviceConfigurations.Add(new CommonDeviceConfiguration { Name = "IPv6-Only", IpAddressingMode = "ipv6Only" });
                doc.Phones.Add(new Phone
                {
                    Name = Ipv6Phone, Model = "Cisco 8845", Css = "AllCSS", Geolocation = "London", EnableExtensionMobility = true, CommonDeviceConfiguration = "IPv6-Only",
                    Lines = [new Line { Dn = "2903", Partition = "Internal" }],
                });
                doc.Phones.Add(new Phone
                {
                    Name = SecurePhone, Model = "Cisco 8845", Css = "AllCSS", Geolocation = "London", EnableExtensionMobility = true, DeviceSecurityProfile = "Encrypted SIP",
                    Lines = [new Line { Dn = "2904", Partition = "Internal" }],
                });
            });

        public async ValueTask DisposeAsync()
        {
            if (Pair is not null)
            {
                await Pair.DisposeAsync();
            }
        }
    }

    private EmccPair Pair => clusters.Pair;

    [Fact(Timeout = 60_000)]
    public async Task BlankUserIdOrPin_202_TheLoginFormAgain_NothingAsked()
    {
        await using var phone = await Pair.Visiting.StartPhoneAsync(VisitingPhone);
        var asked = EmccRequests();

        var blankPin = await LogInAsync(phone, "alice", "");
        var blankUser = await LogInAsync(phone, " ", "24680");

        Assert.Equal("Please try to login again (202)", Display(202));
        Assert.Equal((PhoneScreenKind.Input, Display(202)), (blankPin.Kind, blankPin.Prompt));
        Assert.Equal((PhoneScreenKind.Input, Display(202)), (blankUser.Kind, blankUser.Prompt));
        Assert.Equal(asked, EmccRequests()); // nothing was asked of EMService, here or at home
        Assert.Equal(["2901"], phone.RegisteredLines);
    }

    [Fact(Timeout = 60_000)]
    public async Task DeviceNameMissingFromTheServiceUrl_207()
    {
        // Only a third-party client can send this (the phone fills #DEVICENAME#).
        var login = await Pair.Visiting.EmAppAsync("EMCC=true");
        var empty = await Pair.Visiting.EmAppAsync("device=&EMCC=true&userid=alice&seq=24680");
        var logout = await Pair.Visiting.EmAppAsync("EMCC=true&doLogout=true");

        Assert.Equal("Login is unavailable(207)", Display(207));
        Assert.Equal(Display(207), login.ScreenAs<CiscoIpPhoneText>().Text);
        Assert.Equal(Display(207), empty.ScreenAs<CiscoIpPhoneText>().Text);
        Assert.Equal("Logout is unavailable(207)", logout.ScreenAs<CiscoIpPhoneText>().Text);
        await using var db = Pair.Home.Db();
        Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task UserWithoutADeviceProfileAtHome_205()
    {
        await using var phone = await Pair.Visiting.StartPhoneAsync(VisitingPhone);

        var screen = await LogInAsync(phone, "hank", "11223");

        Assert.Equal("Login is unavailable (205)", Display(205));
        Assert.True(Display(205) == screen.Text, $"{screen.Text}\n{Pair.Traces()}");
        Assert.Contains(Pair.Visiting.Logs.Lines, l => l.Contains("result: error 205: home cluster ClusterA has no device profile for the user", StringComparison.Ordinal));
        await using var db = Pair.Home.Db();
        Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task UserMustChangePinAtNextLogin_41()
    {
        await using var phone = await Pair.Visiting.StartPhoneAsync(VisitingPhone);

        var screen = await LogInAsync(phone, "ivy", "44556");

        Assert.Equal("PIN change is required", Display(41));
        Assert.True(Display(41) == screen.Text, $"{screen.Text}\n{Pair.Traces()}");
        Assert.Contains(Pair.Home.Logs.Lines, l => l.Contains("User Must Change at Next Login (41)", StringComparison.Ordinal));

        // A wrong PIN is still 2: the PIN is checked before anything is said about changing it.
        Assert.Equal(Display(2), (await LogInAsync(phone, "ivy", "99999")).Text);
        await using var db = Pair.Home.Db();
        Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
        Assert.True((await db.Config<EndUser>().AsNoTracking().SingleAsync(u => u.UserId == "ivy", Ct)).PinMustChangeAtNextLogin);
    }

    [Fact(Timeout = 60_000)]
    public async Task PinLockedByTheHomesCredentialPolicy_204_EvenWithTheRightPin()
    {
        await using var phone = await Pair.Visiting.StartPhoneAsync(VisitingPhone);

        // ClusterA's credential policy: 5 failed logons lock the PIN for 30 minutes.
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Equal(Display(2), (await LogInAsync(phone, "jack", "00000")).Text);
        }

        var screen = await LogInAsync(phone, "jack", "77889");

        Assert.Equal("Login is unavailable (204)", Display(204));
        Assert.True(Display(204) == screen.Text, $"{screen.Text}\n{Pair.Traces()}");
        Assert.DoesNotContain(Pair.Home.Logs.Lines.Concat(Pair.Visiting.Logs.Lines), l => l.Contains("77889", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task Ipv6OnlyPhone_213_ItsModelSupportsEmcc()
    {
        await using var phone = await Pair.Visiting.StartPhoneAsync(Ipv6Phone);

        var screen = await LogInAsync(phone, "alice", AlicePin);

        Assert.Equal("Login is unavailable(213)", Display(213));
        Assert.True(Display(213) == screen.Text, $"{screen.Text}\n{Pair.Traces()}");
        Assert.Equal(["2903"], phone.RegisteredLines);
        Assert.Contains(Pair.Visiting.Logs.Lines, l => l.Contains($"{Ipv6Phone}: IPv6-only (common device configuration)", StringComparison.Ordinal));
        await using var db = Pair.Home.Db();
        Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task VisitingClusterNotARemoteClusterOfTheHome_35()
    {
        await using var phone = await Pair.Visiting.StartPhoneAsync(VisitingPhone);
        try
        {
            await DeleteAsync(Pair.Home, "remoteClusters/ClusterB");

            var screen = await LogInAsync(phone, "alice", AlicePin);

            Assert.Equal("Login is unavailable(35)", Display(35));
            Assert.True(Display(35) == screen.Text, $"{screen.Text}\n{Pair.Traces()}");
            Assert.Equal(["2901"], phone.RegisteredLines);
        }
        finally
        {
            await Pair.PointHomeAtVisitingAsync();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task NoRemoteClusterAtTheVisitingCluster_36()
    {
        await using var phone = await Pair.Visiting.StartPhoneAsync(VisitingPhone);
        try
        {
            await DeleteAsync(Pair.Visiting, "remoteClusters/ClusterA");

            var screen = await LogInAsync(phone, "alice", AlicePin);

            Assert.Equal("Login is unavailable(36)", Display(36));
            Assert.True(Display(36) == screen.Text, $"{screen.Text}\n{Pair.Traces()}");
        }
        finally
        {
            await Pair.PointVisitingAtHomeAsync();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task HomeDoesNotAllowEmccFromTheVisitingCluster_38()
    {
        await using var phone = await Pair.Visiting.StartPhoneAsync(VisitingPhone);
        try
        {
            // ClusterA's Remote Cluster entry for ClusterB with the EMCC service unchecked.
            await Pair.Home.ApplyAsync(new ProvisioningDocument
            {
                RemoteClusters = [new RemoteCluster { ClusterId = "ClusterB", FullyQualifiedName = VisitingAddress, HttpsPort = Pair.Visiting.Node.HttpsUrl!.Port, Emcc = false, PstnAccess = true, RsvpAgent = true }],
            });

            var screen = await LogInAsync(phone, "alice", AlicePin);

            Assert.Equal("Login is unavailable(38)", Display(38));
            Assert.True(Display(38) == screen.Text, $"{screen.Text}\n{Pair.Traces()}");
        }
        finally
        {
            await Pair.PointHomeAtVisitingAsync();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task VisitingClusterIdChangedAfterTheCertificateExchange_42InTheLogin()
    {
        // The remote cluster update ran before the change, so ClusterA is still Remote Activated at the visiting
        // cluster; the home cluster sees requests that name ClusterB2 from a certificate imported as ClusterB's.
        Assert.True((await Pair.UpdateHomeNowAsync()).EmccRemoteActivated, Pair.Traces());
        ClusterSettings original;
        await using (var db = Pair.Visiting.Db())
        {
            original = await SettingsSections.ReadAsync<ClusterSettings>(db, Ct);
        }

        await using var phone = await Pair.Visiting.StartPhoneAsync(VisitingPhone);
        try
        {
            await Pair.Visiting.ApplyAsync(new ProvisioningDocument { Cluster = new ClusterSettings { Id = "ClusterB2", Version = original.Version, SecurityMode = original.SecurityMode } });

            var screen = await LogInAsync(phone, "alice", AlicePin);

            Assert.Equal("Login is unavailable(42)", Display(42));
            Assert.True(Display(42) == screen.Text, $"{screen.Text}\n{Pair.Traces()}");
            await using var db = Pair.Home.Db();
            Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
        }
        finally
        {
            await Pair.Visiting.ApplyAsync(new ProvisioningDocument { Cluster = original });
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task SecurePhoneInAMixedVisitingCluster_An8xClusterGives45_A9xNonSecureHome46()
    {
        await using var phone = await Pair.Visiting.StartPhoneAsync(SecurePhone);
        ClusterSettings home, visiting;
        await using (var db = Pair.Home.Db())
        {
            home = await SettingsSections.ReadAsync<ClusterSettings>(db, Ct);
        }

        await using (var db = Pair.Visiting.Db())
        {
            visiting = await SettingsSections.ReadAsync<ClusterSettings>(db, Ct);
        }

        Assert.Equal((ClusterSecurityMode.NonSecure, ClusterSecurityMode.Mixed), (home.SecurityMode, visiting.SecurityMode));
        Assert.Equal("Login is unsuccessful(45)", Display(45));
        try
        {
            // Table 7: home 8.x (non-secure), visiting 9.x or later mixed, secure phone: "Login fails" (45).
            await Pair.Home.ApplyAsync(new ProvisioningDocument { Cluster = new ClusterSettings { Id = home.Id, Version = "8.6", SecurityMode = home.SecurityMode } });
            Assert.Equal(Display(45), (await LogInAsync(phone, "alice", AlicePin)).Text);
            await Pair.Home.ApplyAsync(new ProvisioningDocument { Cluster = home });

            // Table 6: visiting 8.x mixed, secure phone, home 9.x or later: "Not supported" (45).
            await Pair.Visiting.ApplyAsync(new ProvisioningDocument { Cluster = new ClusterSettings { Id = visiting.Id, Version = "8.6", SecurityMode = visiting.SecurityMode } });
            Assert.Equal(Display(45), (await LogInAsync(phone, "alice", AlicePin)).Text);
            await Pair.Visiting.ApplyAsync(new ProvisioningDocument { Cluster = visiting });

            // Both 9.x or later, non-secure home: 46, not 45 (Table 5).
            Assert.Equal(Display(46), (await LogInAsync(phone, "alice", AlicePin)).Text);
        }
        finally
        {
            await Pair.Home.ApplyAsync(new ProvisioningDocument { Cluster = home });
            await Pair.Visiting.ApplyAsync(new ProvisioningDocument { Cluster = visiting });
        }

        Assert.Equal(["2904"], phone.RegisteredLines);
    }

    [Fact(Timeout = 90_000)]
    public async Task HomeTakesTheCheckUserRequestButNeverAnswers_40_ShownAs23()
    {
        // Its own pair: the visiting cluster waits 3 s for an answer (15 s in production) behind a relay that goes quiet.
        await using var pair = await EmccPair.StartAsync(visitingServices: services => services.AddSingleton(sp =>
            new EmccHttp(sp.GetRequiredService<InterClusterHttpClientFactory>().Create(Timeout.InfiniteTimeSpan), TimeSpan.FromSeconds(3))));
        await using var relay = new TcpRelay(IPAddress.Parse(HomeAddress), new IPEndPoint(IPAddress.Parse(HomeAddress), pair.Home.Node.HttpsUrl!.Port));
        await pair.PointVisitingAtHomeAsync(relay.Port);
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);

        // Through the relay the home answers: the remote cluster update leaves a connection open for the next request.
        var up = await pair.UpdateHomeNowAsync();
        Assert.True(up.EmccRemoteActivated, up.LastError + "\n" + pair.Traces());
        Assert.Equal(1, relay.Accepted);

        relay.Silent = true;
        var screen = await LogInAsync(phone, "alice", AlicePin);

        Assert.Equal("Please try to login again (23)", Display(40));
        Assert.True(Display(40) == screen.Text, $"{screen.Text}\n{pair.Traces()}");
        Assert.Contains(pair.Visiting.Logs.Lines, l => l.Contains("result: error 40: no remote cluster answered check user", StringComparison.Ordinal));
        Assert.Equal(1, relay.Accepted); // the request went out on the open connection: connected, then nothing came back
        Assert.Equal(["2901"], phone.RegisteredLines);

        // The remote cluster update sees the same silence: Remote Activated false, recorded as no reply (40).
        var silent = await pair.UpdateHomeNowAsync();
        Assert.False(silent.EmccRemoteActivated);
        Assert.True(RemoteClusterUpdater.IsNoReply(silent.LastError), silent.LastError);
    }

    [Fact(Timeout = 60_000)]
    public async Task VisitingDatabaseUnreachable_EmAppCannotStart_210_UntilItIsBack()
    {
        // Only the visiting cluster matters: EMApp fails before anything is asked of another cluster.
        await using var visiting = await EmAppLab.StartAsync(address: VisitingAddress, labFile: "cluster-b.yaml");
        var directory = visiting.DataDirectory.FullName;
        var away = directory + "-away";
        Assert.IsType<CiscoIpPhoneInput>((await visiting.EmAppAsync($"device={VisitingPhone}&EMCC=true")).Screen);
        try
        {
            // The database file goes away: no connection can be opened (the pooled ones are closed, the cached
            // parameters forgotten, as after their few seconds' lifetime).
            Directory.Move(directory, away);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            visiting.Service<SettingsCache>().Invalidate();

            var login = await visiting.EmAppAsync($"device={VisitingPhone}&EMCC=true");
            var logout = await visiting.EmAppAsync($"device={VisitingPhone}&EMCC=true&doLogout=true");

            Assert.Equal("Login is unavailable(210)", Display(210));
            Assert.Equal(Display(210), login.ScreenAs<CiscoIpPhoneText>().Text);
            Assert.Equal("Logout is unavailable(210)", logout.ScreenAs<CiscoIpPhoneText>().Text);
            Assert.Contains(visiting.Logs.Lines, l => l.Contains("could not read its service parameters from the database (210", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(away))
            {
                Directory.Move(away, directory);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }

        // The database is back: the login form again.
        visiting.Service<SettingsCache>().Invalidate();
        Assert.IsType<CiscoIpPhoneInput>((await visiting.EmAppAsync($"device={VisitingPhone}&EMCC=true")).Screen);
    }

    /// <summary>How many EMCC requests the visiting cluster has started so far.</summary>
    private int EmccRequests() => Pair.Visiting.Logs.Lines.Count(l => l.Contains("EMCC visiting login [", StringComparison.Ordinal) && l.Contains("EMCC Request for", StringComparison.Ordinal));

    private static async Task DeleteAsync(EmAppLab lab, string path)
    {
        using var admin = Admin(lab);
        using var response = await admin.DeleteAsync(new Uri("api/v1/" + path, UriKind.Relative), Ct);
        Assert.True(response.IsSuccessStatusCode, $"DELETE {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }
}
