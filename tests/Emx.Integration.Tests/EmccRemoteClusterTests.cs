using System.Net;
using System.Text;
using System.Text.Json;
using Emx.Cluster.Configuration;
using Emx.Cluster.Emcc;
using Emx.Cluster.Provisioning;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Microsoft.EntityFrameworkCore;
using static Emx.Integration.Tests.EmAppLab;
using static Emx.Integration.Tests.EmccPair;

namespace Emx.Integration.Tests;

/// <summary>
/// The remote cluster update between lab clusters A (home) and B (visiting): Remote Activated and version learnt from
/// the peer, 208 while the peer is down and until the next update after it is back (seed "Visiting Device Login
/// Limitations"), cluster id mismatch (42, shown as 212 at login), which node runs the update, and Enable All Remote
/// Cluster Services When Adding A New Remote Cluster.
/// </summary>
public sealed class EmccRemoteClusterTests
{
    [Fact(Timeout = 120_000)]
    public async Task RemoteClusterUpdate_PeerAnswers_MarksItActiveWithItsVersion()
    {
        await using var pair = await EmccPair.StartAsync(home: doc => doc.Cluster = new ClusterSettings { Id = "ClusterA", Version = "14.0" });
        var updater = pair.Visiting.Service<RemoteClusterUpdater>();
        Assert.Equal(RemoteClusterUpdateRole.Default, await updater.RoleAsync(Ct)); // cluster-b.yaml names 127.0.2.1, this node

        // Pointing ClusterA at the home node's real port dropped what the start-up update learnt, so it is due at once.
        var next = await updater.RunDueAsync(Ct);
        var state = Assert.Single(await updater.StatesAsync(Ct));
        Assert.True(state.LastError is null, state.LastError + "\n" + pair.Traces());
        Assert.Equal(("ClusterA", "14.0", true, true, true), (state.ClusterId, state.RemoteVersion, state.EmccRemoteActivated, state.PstnAccessRemoteActivated, state.RsvpAgentRemoteActivated));
        Assert.Equal(state.LastUpdate + TimeSpan.FromMinutes(30), next); // Remote Cluster Update Interval, default 30

        using var admin = Admin(pair.Visiting);
        using var listed = JsonDocument.Parse(await admin.GetStringAsync(new Uri("api/v1/remoteClusters/status", UriKind.Relative), Ct));
        var row = Assert.Single(listed.RootElement.EnumerateArray());
        Assert.Equal(("ClusterA", "14.0", true, JsonValueKind.Null), (row.GetProperty("clusterId").GetString(), row.GetProperty("remoteVersion").GetString(),
            row.GetProperty("emccRemoteActivated").GetBoolean(), row.GetProperty("lastError").ValueKind));

        using var unknown = await admin.PostAsync(new Uri("api/v1/remoteClusters/ClusterZ/update", UriKind.Relative), null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact(Timeout = 180_000)]
    public async Task EmccLogin_HomeClusterDown_208UntilUpdateRemoteClusterNowAfterItIsBack()
    {
        await using var pair = await EmccPair.StartAsync();
        var up = await pair.UpdateHomeNowAsync();
        Assert.Equal((true, "15.0", (string?)null), (up.EmccRemoteActivated, up.RemoteVersion, up.LastError));
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);

        await pair.StopHomeAsync();
        var down = await pair.UpdateHomeNowAsync();
        Assert.Equal((false, false, false), (down.EmccRemoteActivated, down.PstnAccessRemoteActivated, down.RsvpAgentRemoteActivated));
        Assert.StartsWith("208: EMService Connection Error: ClusterA", down.LastError, StringComparison.Ordinal);
        Assert.Equal("15.0", down.RemoteVersion); // the last version learnt stays on show
        Assert.Equal("Login is unavailable(208)", Display(208));
        Assert.Equal(Display(208), (await LogInAsync(phone, "alice", AlicePin)).Text);
        Assert.Contains(pair.Visiting.Logs.Lines, l => l.Contains("EmccRequest: result: error 208: no remote cluster has EMCC remotely activated", StringComparison.Ordinal));

        // Back in service, but the visiting cluster has not noticed yet: still "Login is unavailable" (seed).
        await pair.StartHomeAsync();
        Assert.Equal(Display(208), (await LogInAsync(phone, "alice", AlicePin)).Text);

        // Update Remote Cluster Now: Remote Activated is true again and logins work.
        var again = await pair.UpdateHomeNowAsync();
        Assert.Equal((true, true, true, (string?)null), (again.EmccRemoteActivated, again.PstnAccessRemoteActivated, again.RsvpAgentRemoteActivated, again.LastError));
        var restarted = phone.NextSyncAsync();
        var welcome = await LogInAsync(phone, "alice", AlicePin);
        Assert.True("Login successful" == welcome.Prompt, $"{welcome.Prompt} {welcome.Text}\n{pair.Traces()}");
        Assert.Equal(["1001"], (await restarted.WaitAsync(WaitLimit, Ct)).RegisteredLines);
        Assert.Equal(pair.Home.Node.SipEndPoint, phone.RegistrarEndPoint);
    }

    [Fact(Timeout = 120_000)]
    public async Task RemoteClusterUpdate_ClusterIdMismatch_Records42AndLoginShows212()
    {
        // The visiting cluster's entry for the home cluster says ClusterX; the home cluster's Cluster ID is ClusterA.
        await using var pair = await EmccPair.StartAsync(homeIdAtVisiting: "ClusterX");
        var state = await pair.UpdateHomeNowAsync();
        Assert.Equal(("ClusterX", false, false, false), (state.ClusterId, state.EmccRemoteActivated, state.PstnAccessRemoteActivated, state.RsvpAgentRemoteActivated));
        Assert.Equal($"42: Invalid ClusterID: {HomeAddress}:{state.HttpsPort} answered as cluster 'ClusterA', not 'ClusterX'", state.LastError);
        Assert.Null(state.RemoteVersion);

        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);
        Assert.Equal("Login is unavailable(212)", Display(212));
        Assert.Equal(Display(212), (await LogInAsync(phone, "alice", AlicePin)).Text);
        Assert.Equal(["2901"], phone.RegisteredLines);
        await using var db = pair.Home.Db();
        Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct)); // the home cluster was never asked
    }

    [Fact(Timeout = 120_000)]
    public async Task RemoteClusterUpdate_BackupServer_UpdatesOnlyWhenTheDefaultIsAWholeIntervalLate()
    {
        await using var lab = await EmAppLab.StartAsync(doc =>
        {
            doc.EmccFeatureConfiguration!.DefaultServerForRemoteClusterUpdate = "cucm-a2";
            doc.EmccFeatureConfiguration.BackupServerForRemoteClusterUpdate = "cucm-a1"; // this node
        });
        var updater = lab.Service<RemoteClusterUpdater>();
        Assert.Equal(RemoteClusterUpdateRole.Backup, await updater.RoleAsync(Ct));

        // ClusterB has never been updated, so at start the backup did it (nobody else had); let that finish first.
        var started = Task.Run(async () =>
        {
            while ((await updater.StatesAsync(Ct)).Single().LastUpdate is null)
            {
                await Task.Delay(50, Ct);
            }
        }, Ct);
        await started.WaitAsync(WaitLimit, Ct);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(lab.Service<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds()); // stored to the millisecond

        // 45 minutes since the default node's last update: within two intervals of 30, the backup leaves it alone.
        await SetStatusAsync(lab, now - TimeSpan.FromMinutes(45));
        var next = await updater.RunDueAsync(Ct);
        Assert.Equal(now + TimeSpan.FromMinutes(15), next);
        var untouched = Assert.Single(await updater.StatesAsync(Ct));
        Assert.Equal(("ClusterB", "15.0", true, "set by the test"), (untouched.ClusterId, untouched.RemoteVersion, untouched.EmccRemoteActivated, untouched.LastError));

        // 61 minutes: the default node has missed a whole interval; the backup updates (ClusterB is not running: 208).
        await SetStatusAsync(lab, now - TimeSpan.FromMinutes(61));
        await updater.RunDueAsync(Ct);
        var updated = Assert.Single(await updater.StatesAsync(Ct));
        Assert.Equal((false, "15.0"), (updated.EmccRemoteActivated, updated.RemoteVersion));
        Assert.StartsWith("208: ", updated.LastError, StringComparison.Ordinal);
        Assert.True(updated.LastUpdate >= now, $"{updated.LastUpdate:o} < {now:o}");

        // Neither the default nor the backup: only Update Remote Cluster Now runs here.
        await using (var db = lab.Db())
        {
            var feature = await SettingsSections.ReadAsync<EmccFeatureConfiguration>(db, Ct);
            feature.BackupServerForRemoteClusterUpdate = null;
            await lab.ApplyAsync(new ProvisioningDocument { EmccFeatureConfiguration = feature });
        }

        Assert.Equal(RemoteClusterUpdateRole.None, await updater.RoleAsync(Ct));
        Assert.Null(await updater.RunDueAsync(Ct));
    }

    private static async Task SetStatusAsync(EmAppLab lab, DateTimeOffset lastUpdate)
    {
        await using var db = lab.Db();
        var status = await db.RemoteClusterStatuses.FirstOrDefaultAsync(s => s.ClusterId == "ClusterB", Ct);
        if (status is null)
        {
            status = new RemoteClusterStatus { ClusterId = "ClusterB" };
            db.RemoteClusterStatuses.Add(status);
        }

        (status.RemoteVersion, status.EmccRemoteActivated, status.PstnAccessRemoteActivated, status.RsvpAgentRemoteActivated) = ("15.0", true, true, true);
        (status.LastUpdate, status.LastError) = (lastUpdate, "set by the test");
        await db.SaveChangesAsync(Ct);
    }

    [Fact(Timeout = 120_000)]
    public async Task AddRemoteCluster_EnableAllRemoteClusterServices_OmittedServicesStartEnabled()
    {
        await using var lab = await EmAppLab.StartAsync(doc => doc.EmccFeatureConfiguration!.EnableAllRemoteClusterServicesWhenAddingANewRemoteCluster = true);
        using var admin = Admin(lab);

        var added = await CreateAsync(admin, """{ "clusterId": "ClusterC", "fullyQualifiedName": "127.0.3.1" }""");
        Assert.Equal((true, true, true, false), (added.Emcc, added.PstnAccess, added.RsvpAgent, added.Tftp));

        // A service the administrator states keeps its value.
        var stated = await CreateAsync(admin, """{ "clusterId": "ClusterD", "fullyQualifiedName": "127.0.4.1", "emcc": false }""");
        Assert.Equal((false, true, true), (stated.Emcc, stated.PstnAccess, stated.RsvpAgent));

        // Provisioning states the whole object and is taken as written.
        await lab.ApplyAsync(new ProvisioningDocument { RemoteClusters = [new RemoteCluster { ClusterId = "ClusterE", FullyQualifiedName = "127.0.5.1" }] });

        // With the parameter False (its default) a new remote cluster starts with every service off.
        await using (var db = lab.Db())
        {
            var feature = await SettingsSections.ReadAsync<EmccFeatureConfiguration>(db, Ct);
            feature.EnableAllRemoteClusterServicesWhenAddingANewRemoteCluster = false;
            await lab.ApplyAsync(new ProvisioningDocument { EmccFeatureConfiguration = feature });
        }

        var manual = await CreateAsync(admin, """{ "clusterId": "ClusterF", "fullyQualifiedName": "127.0.6.1" }""");
        Assert.Equal((false, false, false), (manual.Emcc, manual.PstnAccess, manual.RsvpAgent));

        await using (var db = lab.Db())
        {
            var stored = await db.Config<RemoteCluster>().AsNoTracking().Where(r => r.ClusterId != "ClusterB").OrderBy(r => r.ClusterId)
                .Select(r => new { r.ClusterId, r.Emcc, r.PstnAccess, r.RsvpAgent, r.Tftp }).ToListAsync(Ct);
            Assert.Equal(
                [("ClusterC", true, true, true, false), ("ClusterD", false, true, true, false), ("ClusterE", false, false, false, false), ("ClusterF", false, false, false, false)],
                stored.Select(r => (r.ClusterId, r.Emcc, r.PstnAccess, r.RsvpAgent, r.Tftp)));
        }
    }

    private static async Task<RemoteCluster> CreateAsync(HttpClient admin, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await admin.PostAsync(new Uri("api/v1/remoteClusters", UriKind.Relative), content, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonSerializer.Deserialize<RemoteCluster>(body, ConfigSerializer.Json)!;
    }
}
