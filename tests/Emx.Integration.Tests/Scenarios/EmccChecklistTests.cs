using System.Net.Http.Headers;
using Emx.Domain.Emcc;

namespace Emx.Integration.Tests.Scenarios;

/// <summary>
/// <c>emx emcc check</c> and the admin API behind it against lab cluster A (examples/lab/cluster-a.yaml on its own
/// address, 127.0.1.1, so the feature parameters name this node), and against a second lab node whose EMCC region
/// differs for <c>--compare</c>. Also the Intercluster Service Profile validation report.
/// </summary>
public sealed class EmccChecklistTests
{
    private const string AdminPassword = "emx-lab-admin";
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<EmAppLab> StartClusterAAsync(Action<ProvisioningDocument>? customize = null) => EmAppLab.StartAsync(customize, address: "127.0.1.1");

    private static HttpClient Admin(EmAppLab lab)
    {
        var http = new HttpClient { BaseAddress = lab.Node.HttpUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + AdminPassword)));
        return http;
    }

    private static Task<CliResult> CheckAsync(EmAppLab lab, params string[] more) =>
        CliResult.RunAsync(CliTimeout, ["emcc", "check", "--url", lab.Node.HttpUrl.ToString(), "--password", AdminPassword, .. more]);

    /// <summary>
    /// Lab clusters A and B that trust each other (Bulk Certificate Management) and point at each other, each updated
    /// from the other once (Update Remote Cluster Now): every step of the checklist can be judged done.
    /// </summary>
    private static async Task<EmccPair> StartCompletePairAsync()
    {
        var pair = await EmccPair.StartAsync();
        try
        {
            await pair.UpdateHomeNowAsync();
            using var home = EmccPair.Admin(pair.Home);
            using var update = await home.PostAsync(new Uri("api/v1/remoteClusters/ClusterB/update", UriKind.Relative), null, Ct);
            Assert.True(update.StatusCode == HttpStatusCode.OK, await update.Content.ReadAsStringAsync(Ct));
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task ChecklistEndpoint_TrustingAndUpdatedPair_EveryStepDone()
    {
        await using var pair = await StartCompletePairAsync();
        using var http = Admin(pair.Home);

        using var response = await http.GetAsync(new Uri("/api/v1/emcc/checklist", UriKind.Relative), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var report = JsonSerializer.Deserialize<EmccChecklistReport>(body, ConfigSerializer.Json)!;
        Assert.Equal("ClusterA", report.ClusterId);
        Assert.True(report.Complete, body);
        Assert.Equal(
            "1:Done 2.1:Done 2.2:Done 2.3:Done 2.4:Done 2.5:Done 3.1:Done 3.2:Done 3.3:Done 3.4:Done "
            + "4.1:Done 4.2:Done 4.3:Done 4.4:Done 5:Done 6:Done 7:Done 8:Done 9:Done",
            string.Join(" ", report.Items.Select(i => $"{i.TaskFlowStep}:{i.Status}")));
        Assert.Equal("Configure Remote Cluster Services", report.Items[^1].Step);
        Assert.Contains("Cisco Bulk Provisioning Service is activated on cucm-a1", Assert.Single(report.Items, i => i.TaskFlowStep == "3.1").Notes);
        var devices = Assert.Single(report.Items, i => i.TaskFlowStep == "4.4").Notes;
        Assert.Equal("EMCC devices in database: 10", devices[0]);
        Assert.StartsWith("Insert EMCC Devices job ", devices[1], StringComparison.Ordinal);
        Assert.EndsWith(": Inserted 10 EMCC devices (EMCC1..EMCC10) with template EMCC-Template; 10 in database", devices[1], StringComparison.Ordinal);
        Assert.Equal(["trust stores hold 6 entries of ClusterB: CallManager-trust 3, tomcat-trust 1, Phone-SAST-trust 2"], Assert.Single(report.Items, i => i.TaskFlowStep == "3.4").Notes);
        Assert.StartsWith("remote cluster ClusterB: version 15.0, Remote Activated EMCC yes, PSTN Access yes, RSVP Agent yes (updated ",
            Assert.Single(Assert.Single(report.Items, i => i.TaskFlowStep == "9").Notes), StringComparison.Ordinal);
        Assert.Equal(new EmccRegionSettings(8, 384, LinkLossType.LowLoss), report.EmccRegion);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("done", json.RootElement.GetProperty("items")[7].GetProperty("status").GetString());
        Assert.True(json.RootElement.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task ChecklistEndpoint_LoneLabCluster_CertificateStepsMissingWithReasons()
    {
        // Lab cluster A alone: no shared location, no export, nothing of ClusterB in the trust stores.
        await using var lab = await StartClusterAAsync();
        using var http = Admin(lab);

        var report = JsonSerializer.Deserialize<EmccChecklistReport>(await http.GetStringAsync(new Uri("/api/v1/emcc/checklist", UriKind.Relative), Ct), ConfigSerializer.Json)!;

        var export = Assert.Single(report.Items, i => i.TaskFlowStep == "3.2");
        Assert.Equal(ChecklistStatus.Missing, export.Status);
        Assert.Equal(
        [
            "Bulk Certificate Management has no shared location (settings section bulkCertificateManagement: the directory or SFTP server every participating cluster uses)",
            "this cluster has not exported its certificates (Bulk Certificate Management > Export, Certificate Type All)",
        ], export.Findings);
        Assert.Equal(["nothing of this cluster can be consolidated: it has not exported its certificates"], Assert.Single(report.Items, i => i.TaskFlowStep == "3.3").Findings);
        Assert.Equal(
            ["no certificate of remote cluster ClusterB is in the trust stores (Bulk Certificate Management > Import, after the consolidation); EMCC requests between the clusters are refused (208)"],
            Assert.Single(report.Items, i => i.TaskFlowStep == "3.4").Findings);
        Assert.False(report.Complete);
    }

    [Fact]
    public async Task ChecklistEndpoint_RegeneratedCertificateAfterExport_ExportStepInconsistentAskingForReExport()
    {
        await using var pair = await StartCompletePairAsync();
        using var http = Admin(pair.Home);
        using (var regenerate = await http.PostAsync(new Uri("/api/v1/certificates/cucm-a1/tomcat/regenerate", UriKind.Relative), null, Ct))
        {
            Assert.True(regenerate.IsSuccessStatusCode, await regenerate.Content.ReadAsStringAsync(Ct));
        }

        var report = JsonSerializer.Deserialize<EmccChecklistReport>(await http.GetStringAsync(new Uri("/api/v1/emcc/checklist", UriKind.Relative), Ct), ConfigSerializer.Json)!;

        var export = Assert.Single(report.Items, i => i.IsProblem);
        Assert.Equal(("3.2", ChecklistStatus.Inconsistent), (export.TaskFlowStep, export.Status));
        var finding = Assert.Single(export.Findings);
        Assert.StartsWith("re-export required: cucm-a1 tomcat (changed after the export of ", finding, StringComparison.Ordinal);
        Assert.EndsWith("); export again, consolidate, and import in every cluster", finding, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChecklistEndpoint_RemoteClusterDisabledThroughTheApi_RemoteStepInconsistent()
    {
        await using var pair = await StartCompletePairAsync();
        using var http = Admin(pair.Home);
        using (var put = await http.PutAsync(new Uri("/api/v1/remoteClusters/ClusterB", UriKind.Relative),
                   new StringContent($$"""{"clusterId":"ClusterB","fullyQualifiedName":"127.0.2.1","httpsPort":{{pair.Visiting.Node.HttpsUrl!.Port}},"emcc":false}""", Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var report = JsonSerializer.Deserialize<EmccChecklistReport>(await http.GetStringAsync(new Uri("/api/v1/emcc/checklist", UriKind.Relative), Ct), ConfigSerializer.Json)!;

        var remote = Assert.Single(report.Items, i => i.IsProblem);
        Assert.Equal("9", remote.TaskFlowStep);
        Assert.Equal(ChecklistStatus.Inconsistent, remote.Status);
        Assert.Equal(["remote cluster ClusterB has EMCC disabled"], remote.Findings);
        Assert.False(report.Complete);
    }

    [Fact]
    public async Task ChecklistEndpoint_RemoteClusterDoesNotAnswer_RemoteStepInconsistentWith208()
    {
        await using var pair = await StartCompletePairAsync();
        await pair.StopHomeAsync();
        await pair.UpdateHomeNowAsync();
        using var http = Admin(pair.Visiting);

        var report = JsonSerializer.Deserialize<EmccChecklistReport>(await http.GetStringAsync(new Uri("/api/v1/emcc/checklist", UriKind.Relative), Ct), ConfigSerializer.Json)!;

        var remote = Assert.Single(report.Items, i => i.IsProblem);
        Assert.Equal(("9", ChecklistStatus.Inconsistent), (remote.TaskFlowStep, remote.Status));
        var finding = Assert.Single(remote.Findings);
        Assert.StartsWith("remote cluster ClusterA did not answer the update of ", finding, StringComparison.Ordinal);
        Assert.Contains("(208: ", finding, StringComparison.Ordinal);
        Assert.EndsWith("EMCC logins towards it fail until an update succeeds (Update Remote Cluster Now)", finding, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmccCheck_TrustingAndUpdatedPair_TableAndExitCode0()
    {
        await using var pair = await StartCompletePairAsync();

        var result = await CheckAsync(pair.Home);

        Assert.True(result.ExitCode == Emx.ExitCodes.Ok, result.Describe("a complete cluster must exit 0"));
        var lines = result.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal($"EMCC checklist of cluster ClusterA ({pair.Home.Node.HttpUrl}): the seed's Extension Mobility Cross Cluster Configuration Task Flow", lines[0]);
        Assert.Equal("STEP  STATUS        TASK", lines[1]);
        Assert.Equal("1     Done          Generate a Phone Feature List", lines[2]);
        Assert.Equal("2.1   Done          Activate Services for Extension Mobility Cross Cluster", lines[3]);
        Assert.Contains("3.2   Done          Configure Bulk Certificate Management and Export Certificates", lines);
        Assert.Contains("9     Done          Configure Remote Cluster Services", lines);
        Assert.Contains("19 done, 0 missing, 0 inconsistent, 0 not applicable, 0 not checked: complete", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("note:", StringComparison.Ordinal));
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task EmccCheck_Verbose_PrintsNotes()
    {
        await using var pair = await StartCompletePairAsync();

        var result = await CheckAsync(pair.Home, "--verbose");

        Assert.True(result.ExitCode == Emx.ExitCodes.Ok, result.Describe("a complete cluster must exit 0"));
        var lines = result.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("note: EMCC devices in database: 10", lines);
        Assert.Contains(lines, l => l.StartsWith("note: last export: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmccCheck_NoTftpServerAndNoRemoteCluster_ExitCode5NamingTheSteps()
    {
        await using var lab = await StartClusterAAsync(d =>
        {
            d.RemoteClusters.Clear();
            d.EmccFeatureConfiguration!.DefaultTftpServerForEmccLoginDevice = null;
        });

        var result = await CheckAsync(lab);

        Assert.True(result.ExitCode == Emx.ExitCodes.ChecklistIncomplete, result.Describe("a missing step must exit 5"));
        var lines = result.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        var feature = Array.IndexOf(lines, "6     Missing       Configure Feature Parameters for Extension Mobility Cross Cluster");
        Assert.True(feature > 0, result.Stdout);
        Assert.Equal("- default TFTP server for EMCC login device is not set (login would fail with 39)", lines[feature + 1]);
        var remote = Array.IndexOf(lines, "9     Missing       Configure Remote Cluster Services");
        Assert.True(remote > 0, result.Stdout);
        Assert.Equal("- no remote cluster is configured (EMCC logins fail with 36)", lines[remote + 1]);
        Assert.Contains("3.3   NotApplicable Consolidate the Certificates", lines);
        Assert.Contains("3.4   NotApplicable Import the Certificates into the Clusters", lines);
        Assert.Contains("8     Inconsistent  Configure an Intercluster Service Profile for Extension Mobility Cross Cluster", lines);
        Assert.Contains("13 done, 3 missing, 1 inconsistent, 2 not applicable, 0 not checked: incomplete", lines);
    }

    [Fact]
    public async Task EmccCheck_CompareWithClusterOfOtherEmccRegion_FeatureParametersInconsistentExitCode5()
    {
        await using var pair = await StartCompletePairAsync();
        await using var other = await EmAppLab.StartAsync(d =>
        {
            d.Cluster = new ClusterSettings { Id = "ClusterC" };
            d.EmccFeatureConfiguration!.EmccRegionMaxAudioBitRate = 16;
            d.EmccFeatureConfiguration.EmccRegionMaxVideoCallBitRate = 512;
            d.EmccFeatureConfiguration.EmccRegionLinkLossType = LinkLossType.Lossy;
        });

        var result = await CheckAsync(pair.Home, "--compare", other.Node.HttpUrl.ToString());

        Assert.True(result.ExitCode == Emx.ExitCodes.ChecklistIncomplete, result.Describe("differing EMCC regions must exit 5"));
        var peer = $"ClusterC ({other.Node.HttpUrl})";
        var lines = result.Stdout.Split('\n', StringSplitOptions.TrimEntries);
        var feature = Array.IndexOf(lines, "6     Inconsistent  Configure Feature Parameters for Extension Mobility Cross Cluster");
        Assert.True(feature > 0, result.Stdout);
        Assert.Equal(
        [
            $"- EMCC Region Max Audio Bit Rate is 8 kb/s here but 16 kb/s in {peer}; all participating clusters must use the same value",
            $"- EMCC Region Max Video Call Bit Rate is 384 kb/s here but 512 kb/s in {peer}; all participating clusters must use the same value",
            $"- EMCC Region Link Loss Type is Low Loss here but Lossy in {peer}; all participating clusters must use the same type for two-way audio",
        ], lines[(feature + 1)..(feature + 4)]);
        Assert.Contains("18 done, 0 missing, 1 inconsistent, 0 not applicable, 0 not checked: incomplete", lines);
    }

    [Fact]
    public async Task EmccCheck_CompareWithClusterOfSameEmccRegion_ExitCode0AndJsonNotesTheComparison()
    {
        await using var pair = await StartCompletePairAsync();
        await using var other = await EmAppLab.StartAsync(d => d.Cluster = new ClusterSettings { Id = "ClusterC" });

        var result = await CheckAsync(pair.Home, "--compare", other.Node.HttpUrl.ToString(), "--json");

        Assert.True(result.ExitCode == Emx.ExitCodes.Ok, result.Describe("equal EMCC regions must exit 0"));
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.True(json.RootElement.GetProperty("complete").GetBoolean());
        var feature = json.RootElement.GetProperty("items")[15];
        Assert.Equal("Configure Feature Parameters for Extension Mobility Cross Cluster", feature.GetProperty("step").GetString());
        Assert.Equal("done", feature.GetProperty("status").GetString());
        Assert.Contains($"EMCC region compared with ClusterC ({other.Node.HttpUrl})", feature.GetProperty("notes").EnumerateArray().Select(n => n.GetString()));
    }

    [Fact]
    public async Task EmccCheck_CompareTargetUnreachable_ExitCode4()
    {
        await using var home = await StartClusterAAsync();
        var port = Ports.FreeOn(IPAddress.Loopback);

        var result = await CheckAsync(home, "--compare", $"http://127.0.0.1:{port}");

        Assert.True(result.ExitCode == Emx.ExitCodes.Unreachable, result.Describe("an unreachable --compare cluster must exit 4"));
        Assert.Contains($"emx emcc check: cannot compare with http://127.0.0.1:{port}/: cannot reach", result.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("EMCC checklist of cluster ClusterA", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmccCheck_WrongPassword_ExitCode4()
    {
        await using var lab = await StartClusterAAsync();

        var result = await CliResult.RunAsync(CliTimeout, "emcc", "check", "--url", lab.Node.HttpUrl.ToString(), "--password", "not-the-password");

        Assert.True(result.ExitCode == Emx.ExitCodes.Unreachable, result.Describe("refused credentials must exit 4"));
        Assert.Equal($"emx emcc check: {lab.Node.HttpUrl} refused the credentials of 'admin' (401)", result.Stderr.Trim());
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task EmccCheck_Help_DescribesTheCommand()
    {
        var result = await CliResult.RunAsync(CliTimeout, "emcc", "check", "--help");

        Assert.True(result.ExitCode == Emx.ExitCodes.Ok, result.Describe("--help must exit 0"));
        Assert.Contains("Report which steps of the seed's EMCC configuration task flow are missing or inconsistent", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--compare", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateServiceProfile_PstnAccessWithoutTrunk_ReportsFailureAndWritesNothing()
    {
        await using var lab = await StartClusterAAsync();
        using var http = Admin(lab);

        using var response = await http.PostAsync(new Uri("/api/v1/settings/interclusterServiceProfile/validate", UriKind.Relative),
            new StringContent("""{"emcc":true,"pstnAccess":{"active":true},"rsvpAgent":{"active":false}}""", Encoding.UTF8, "application/json"), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.False(json.RootElement.GetProperty("canSave").GetBoolean());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray()
            .Select(c => $"{c.GetProperty("service").GetString()}|{c.GetProperty("check").GetString()}|{c.GetProperty("status").GetString()}|{c.GetProperty("detail").GetString()}")
            .ToList();
        Assert.Equal(
        [
            "EMCC|EMCC Active|success|EMCC is active",
            "EMCC|Default TFTP Server for EMCC Login Device|success|127.0.1.1",
            "EMCC|EMCC Geolocation Filter|success|CountryStateCity",
            "EMCC|Default Server For Remote Cluster Update|success|127.0.1.1",
            "EMCC|Default EMCC Template|success|EMCC-Template",
            "EMCC|EMCC Devices|success|EMCC devices in database: 10",
            "PSTN Access|PSTN Access SIP Trunk|failure|PSTN Access is active but no PSTN Access SIP Trunk is selected",
            "RSVP Agent|RSVP Agent Active|notActive|RSVP Agent is not active: EMCC calls get no RSVP-based call admission control",
        ], checks);

        var stored = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/settings/interclusterServiceProfile", UriKind.Relative), Ct)).RootElement;
        Assert.Equal("EMCC-Trunk-B", stored.GetProperty("pstnAccess").GetProperty("sipTrunk").GetString());
        Assert.True(stored.GetProperty("rsvpAgent").GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task ValidateServiceProfile_EmptyBody_ValidatesTheStoredProfile()
    {
        await using var lab = await StartClusterAAsync();
        using var http = Admin(lab);

        using var response = await http.PostAsync(new Uri("/api/v1/settings/interclusterServiceProfile/validate", UriKind.Relative), new StringContent("", Encoding.UTF8, "application/json"), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var report = JsonSerializer.Deserialize<InterclusterServiceProfileReport>(body, ConfigSerializer.Json)!;
        Assert.True(report.CanSave);
        Assert.Equal(8, report.Checks.Count);
        Assert.Equal(new ServiceProfileCheck("RSVP Agent", "RSVP Agent SIP Trunk", ServiceProfileCheckStatus.Success, "EMCC-Trunk-B"), report.Checks[^1]);
    }

    [Fact]
    public async Task ValidateServiceProfile_MalformedBody_400NamingTheField()
    {
        await using var lab = await StartClusterAAsync();
        using var http = Admin(lab);

        using var response = await http.PostAsync(new Uri("/api/v1/settings/interclusterServiceProfile/validate", UriKind.Relative),
            new StringContent("""{"emcc":"yes"}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("emcc", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }
}
