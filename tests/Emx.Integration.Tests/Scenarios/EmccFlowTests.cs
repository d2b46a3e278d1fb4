using System.Globalization;
using System.Net.Sockets;
using Emx.Phones;

namespace Emx.Integration.Tests.Scenarios;

/// <summary>
/// Issue 5's acceptance "The whole administrator flow of seed 003 can be performed from a fresh lab with the CLI and the
/// provisioning file, and <c>emx emcc check</c> passes afterwards": a bare <c>emx lab</c> (no users, phones or EMCC
/// configuration), then seed 003's steps in order with the commands and the files of examples/emcc-flow/ as an
/// administrator runs them (the files name the lab's standard ports; here they are rewritten to the free ports the lab
/// was started on), <c>emx emcc check</c> naming the missing step before the major steps, passing on both clusters at
/// the end, and an EMCC login through EMApp as the final proof. Everything goes through the CLI entry point.
/// </summary>
public sealed class EmccFlowTests
{
    private const string Password = "emx-lab-admin";
    private const string A = "127.0.1.1";
    private const string B = "127.0.2.1";
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact(Timeout = 600_000)]
    public async Task Seed003_FromABareLab_WithTheCliAndTheExampleFiles_EmccCheckPassesOnBothClustersAndAnEmccLoginWorks()
    {
        using var data = new TempDirectory();
        using var files = new TempDirectory();
        using var share = new TempDirectory();
        var ports = DistinctPorts();
        var urlA = $"http://{A}:{ports.Http}/";
        var urlB = $"http://{B}:{ports.Http}/";
        CopyExampleFiles(files.Path, ports, share.Path);

        // Seed 003 step 1, "Ensure that the following services are up and running": a fresh install runs Cisco
        // CallManager only, and the checklist names the services missing.
        await using (var fresh = await Lab.StartAsync(data.Path, ports, "--services", "callManager"))
        {
            var check = await CheckAsync(urlA);
            Assert.True(check.ExitCode == Emx.ExitCodes.ChecklistIncomplete, check.Describe("a fresh lab must fail the checklist"));
            var lines = Lines(check);
            Assert.Equal("- Cisco Tftp is not activated on any node", Below(lines, "2.1   Missing       Activate Services for Extension Mobility Cross Cluster"));
            Assert.Contains("- Cisco Extension Mobility is not activated on any node", lines);
            Assert.Equal("- Cisco Bulk Provisioning Service is not activated on any node", Below(lines, "3.1   Missing       Activate the Bulk Provisioning Service"));
        }

        // Services are node configuration: the lab started again with the lab files' services (CallManager, Tftp,
        // Extension Mobility, Bulk Provisioning, ILS) on the same data.
        await using var lab = await Lab.StartAsync(data.Path, ports);
        foreach (var url in new[] { urlA, urlB })
        {
            var check = await CheckAsync(url);
            Assert.True(check.ExitCode == Emx.ExitCodes.ChecklistIncomplete, check.Describe("a bare lab must fail the checklist"));
            var lines = Lines(check);
            Assert.Contains("2.1   Done          Activate Services for Extension Mobility Cross Cluster", lines);
            Assert.Contains("3.1   Done          Activate the Bulk Provisioning Service", lines);
            Assert.Equal("- no phone model supports Extension Mobility Cross Cluster (EMCC logins on any phone fail with 213)", Below(lines, "1     Missing       Generate a Phone Feature List"));
            Assert.Equal("- no end user has Enable Extension Mobility Cross Cluster checked (their EMCC logins fail with 31)",
                Below(lines, "2.4   Missing       Enable Extension Mobility Cross Cluster for a User"));
        }

        // Step 2: base phones (Enable Extension Mobility), device profiles with an EMCC CSS, end users with EMCC enabled.
        await ApplyBothAsync(files.Path, urlA, urlB, "02-phones-profiles-users.yaml");
        var afterUsers = Lines(await CheckAsync(urlA));
        Assert.Contains("2.3   Done          Configure a Device Profile for Extension Mobility Cross Cluster", afterUsers);
        Assert.Contains("2.4   Done          Enable Extension Mobility Cross Cluster for a User", afterUsers);
        Assert.Equal("- no phone service points at /emapp/EMAppServlet (the Extension Mobility phone service)",
            Below(afterUsers, "2.2   Missing       Configure the Extension Mobility Phone Service"));

        // Step 3: the EMCC phone service (with #EMCC#), an enterprise subscription.
        await ApplyBothAsync(files.Path, urlA, urlB, "03-phone-service.yaml");

        // Step 4: Bulk Certificate Management: the shared location, export on both, consolidate on B, import on both.
        await ApplyBothAsync(files.Path, urlA, urlB, "04-bulk-certificate-management.yaml");
        var beforeExport = Lines(await CheckAsync(urlA));
        Assert.Contains("2.2   Done          Configure the Extension Mobility Phone Service", beforeExport);
        Assert.Contains("2.5   Done          Subscribe Devices to Extension Mobility", beforeExport);
        Assert.Equal("- this cluster has not exported its certificates (Bulk Certificate Management > Export, Certificate Type All)",
            Below(beforeExport, "3.2   Missing       Configure Bulk Certificate Management and Export Certificates"));
        await CliAsync("certs", "export", "--url", urlA, "--password", Password);
        await CliAsync("certs", "export", "--url", urlB, "--password", Password);
        await CliAsync("certs", "consolidate", "--url", urlB, "--password", Password);
        await CliAsync("certs", "import", "--url", urlA, "--password", Password);
        await CliAsync("certs", "import", "--url", urlB, "--password", Password);
        var trust = await CliAsync("certs", "trust", "--url", urlA, "--password", Password, "--store", "tomcat-trust");
        Assert.Contains("\"sourceCluster\":\"ClusterB\"", trust.Stdout, StringComparison.Ordinal);

        // Midway: the certificates are done (no remote cluster yet, so consolidation and import do not apply), the
        // common device configuration is the next step missing.
        var midway = await CheckAsync(urlB);
        Assert.True(midway.ExitCode == Emx.ExitCodes.ChecklistIncomplete, midway.Describe("the checklist must fail midway"));
        var midwayLines = Lines(midway);
        Assert.Contains("3.2   Done          Configure Bulk Certificate Management and Export Certificates", midwayLines);
        Assert.Equal("- no common device configuration exists", Below(midwayLines, "4.1   Missing       Create a Common Device Configuration"));
        Assert.Equal("- no EMCC device inserted (EMCC logins fail with 33)", Below(midwayLines, "4.4   Missing       Add Extension Mobility Cross Cluster Devices"));

        // Steps 5 and 6: common device configuration, EMCC template (the default), Insert EMCC Devices as a job.
        await ApplyBothAsync(files.Path, urlA, urlB, "05-common-device-configuration.yaml");
        await ApplyBothAsync(files.Path, urlA, urlB, "06-emcc-template-and-devices.yaml");
        foreach (var url in new[] { urlA, urlB })
        {
            var jobs = await CliAsync("jobs", "--url", url, "--password", Password, "--type", "Insert EMCC Devices", "--wait", "60");
            var job = Assert.Single(Lines(jobs), l => l.Contains("Insert EMCC Devices", StringComparison.Ordinal));
            Assert.Contains("Completed", job, StringComparison.Ordinal);
            Assert.Contains("Inserted 10 EMCC devices (EMCC1..EMCC10) with template EMCC-Template; 10 in database", job, StringComparison.Ordinal);
        }

        // Steps 7 to 10: Cluster ID, geolocation filter, EMCC feature parameters, EMCC SIP trunk.
        var beforeFeatures = Lines(await CheckAsync(urlA));
        Assert.Contains("4.4   Done          Add Extension Mobility Cross Cluster Devices", beforeFeatures);
        Assert.Equal("- no geolocation filter exists", Below(beforeFeatures, "5     Missing       Configure a Geolocation Filter for Extension Mobility Cross Cluster"));
        foreach (var file in new[] { "07-cluster-id.yaml", "08-geolocation-filter.yaml", "09-emcc-feature-configuration.yaml", "10-emcc-sip-trunk.yaml" })
        {
            await ApplyBothAsync(files.Path, urlA, urlB, file);
        }

        // Step 11: the Intercluster Service Profile, validated first (the seed's report), then saved.
        foreach (var (url, letter) in new[] { (urlA, "a"), (urlB, "b") })
        {
            var report = await CliAsync("emcc", "validate-profile", "--url", url, "--password", Password, "-f", Path.Combine(files.Path, $"cluster-{letter}", "11-intercluster-service-profile.yaml"));
            Assert.Contains("no failure: the profile can be saved", report.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("failure ", report.Stdout, StringComparison.Ordinal);
        }

        await ApplyBothAsync(files.Path, urlA, urlB, "11-intercluster-service-profile.yaml");

        // Before step 12 only the remote cluster is missing.
        var beforeRemote = await CheckAsync(urlA);
        Assert.True(beforeRemote.ExitCode == Emx.ExitCodes.ChecklistIncomplete, beforeRemote.Describe("no remote cluster yet"));
        var beforeRemoteLines = Lines(beforeRemote);
        Assert.Equal("- no remote cluster is configured (EMCC logins fail with 36)", Below(beforeRemoteLines, "9     Missing       Configure Remote Cluster Services"));
        Assert.Contains("16 done, 1 missing, 0 inconsistent, 2 not applicable, 0 not checked: incomplete", beforeRemoteLines);

        // Step 12: the remote clusters, then Update Remote Cluster Now on both.
        await ApplyBothAsync(files.Path, urlA, urlB, "12-remote-cluster.yaml");
        var updateA = await CliAsync("emcc", "update-remote-cluster", "ClusterB", "--url", urlA, "--password", Password);
        Assert.StartsWith($"ClusterB ({B}:{ports.Https}): version 15.0, Remote Activated EMCC yes, PSTN Access yes, RSVP Agent yes; updated ", updateA.Stdout, StringComparison.Ordinal);
        await CliAsync("emcc", "update-remote-cluster", "ClusterA", "--url", urlB, "--password", Password);

        // The checklist passes on both clusters, each compared with the other's EMCC region.
        foreach (var (url, other) in new[] { (urlA, urlB), (urlB, urlA) })
        {
            var check = await CheckAsync(url, "--compare", other, "--verbose");
            Assert.True(check.ExitCode == Emx.ExitCodes.Ok, check.Describe("the configured pair must pass the checklist"));
            var lines = Lines(check);
            Assert.Contains("19 done, 0 missing, 0 inconsistent, 0 not applicable, 0 not checked: complete", lines);
            Assert.Contains(lines, l => l.StartsWith("note: trust stores hold 6 entries of Cluster", StringComparison.Ordinal));
        }

        // Step 13, the proof: alice (home ClusterA) logs in by EMCC on lobby phone SEP0B0000000001 of ClusterB; the phone
        // restarts and registers her line 1001 at ClusterA.
        await using var phone = new CiscoLikePhone(new CiscoLikePhoneOptions
        {
            DeviceName = Protocols.DeviceName.Parse("SEP0B0000000001"),
            Cluster = B,
            ConfigPort = ports.Config,
        });
        await phone.StartAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(["2901"], phone.RegisteredLines);
        var restarted = phone.NextSyncAsync();
        await phone.OpenServiceAsync("Extension Mobility", Ct);
        var welcome = await phone.SubmitInputAsync([new("userid", "alice"), new("seq", "24680")], Ct);
        Assert.True(welcome.Prompt == "Login successful", $"{welcome.Prompt} {welcome.Text}\n{lab.Stderr}");
        var atHome = await restarted.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(["1001"], atHome.RegisteredLines);
        Assert.Equal(new IPEndPoint(IPAddress.Parse(A), ports.Sip), phone.RegistrarEndPoint);
    }

    [Fact]
    public async Task ValidateProfile_FileWithoutTheSection_ExitCode2NamingIt()
    {
        using var files = new TempDirectory();
        var path = files.File("profile.yaml");
        await File.WriteAllTextAsync(path, "remoteClusters: []\n", Ct);

        var result = await CliResult.RunAsync(CliTimeout, "emcc", "validate-profile", "--url", "http://127.0.0.1:9", "--password", "x", "-f", path);

        Assert.True(result.ExitCode == Emx.ExitCodes.InvalidConfiguration, result.Describe("a file without the profile must exit 2"));
        Assert.Equal("emx emcc validate-profile: profile.yaml has no interclusterServiceProfile section", result.Stderr.Trim());
    }

    [Theory]
    [InlineData("interclusterServiceProfile: { emcc: maybe }\n")]
    [InlineData("interclusterServiceProfile: [1, 2\n")]
    [InlineData("\u0000\u0001 !!binary\n")]
    [InlineData("interclusterServiceProfile: { pstnAccess: { active: true, sipTrunk: &a [*a] } }\n")]
    public async Task ValidateProfile_MalformedFile_ExitCode2AndNothingSent(string yaml)
    {
        using var files = new TempDirectory();
        var path = files.File("profile.yaml");
        await File.WriteAllTextAsync(path, yaml, Ct);

        // Nothing listens on the URL: a request would be exit code 4, not 2.
        var result = await CliResult.RunAsync(CliTimeout, "emcc", "validate-profile", "--url", $"http://127.0.0.1:{Ports.FreeOn(IPAddress.Loopback)}", "--password", "x", "-f", path);

        Assert.True(result.ExitCode == Emx.ExitCodes.InvalidConfiguration, result.Describe("a malformed file must exit 2"));
        Assert.StartsWith("emx emcc validate-profile: profile.yaml is not a valid provisioning file", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateRemoteCluster_UnknownCluster_ExitCode3WithTheApisReason()
    {
        await using var lab = await EmAppLab.StartAsync();

        var result = await CliResult.RunAsync(CliTimeout, "emcc", "update-remote-cluster", "NoSuchCluster", "--url", lab.Node.HttpUrl.ToString(), "--password", Password);

        Assert.True(result.ExitCode == Emx.ExitCodes.Rejected, result.Describe("an unknown remote cluster must exit 3"));
        Assert.Contains("answered 404 to POST /api/v1/remoteClusters/NoSuchCluster/update: remoteClusters 'NoSuchCluster' does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateRemoteCluster_RemoteDoesNotAnswer_ExitCode1With208AndRemoteClustersShowsIt()
    {
        // Lab cluster A's remote cluster ClusterB (127.0.2.1:8443) does not run here.
        await using var lab = await EmAppLab.StartAsync(address: A);

        var result = await CliResult.RunAsync(CliTimeout, "emcc", "update-remote-cluster", "ClusterB", "--url", lab.Node.HttpUrl.ToString(), "--password", Password);
        var list = await CliResult.RunAsync(CliTimeout, "emcc", "remote-clusters", "--url", lab.Node.HttpUrl.ToString(), "--password", Password);

        Assert.True(result.ExitCode == Emx.ExitCodes.Failure, result.Describe("a remote cluster that does not answer must exit 1"));
        Assert.StartsWith("ClusterB (127.0.2.1:8443): version ?, Remote Activated EMCC no, PSTN Access no, RSVP Agent no; updated ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("emx emcc update-remote-cluster: ClusterB did not answer as expected: 208:", result.Stderr, StringComparison.Ordinal);
        Assert.True(list.ExitCode == Emx.ExitCodes.Ok, list.Describe("listing must exit 0"));
        Assert.Contains("; error 208:", list.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jobs_WaitForInsertEmccDevices_Exit0ListingTheJob_UnknownTypeExit1()
    {
        await using var lab = await EmAppLab.StartAsync();

        var found = await CliResult.RunAsync(CliTimeout, "jobs", "--url", lab.Node.HttpUrl.ToString(), "--password", Password, "--type", "insert emcc devices", "--wait", "5");
        var none = await CliResult.RunAsync(CliTimeout, "jobs", "--url", lab.Node.HttpUrl.ToString(), "--password", Password, "--type", "No Such Job", "--wait", "0");
        var badWait = await CliResult.RunAsync(CliTimeout, "jobs", "--url", lab.Node.HttpUrl.ToString(), "--password", Password, "--wait", "-1");

        Assert.True(found.ExitCode == Emx.ExitCodes.Ok, found.Describe("a completed job must exit 0"));
        var lines = Lines(found);
        Assert.StartsWith("ID    TYPE                          STATUS      SUBMITTED", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("Insert EMCC Devices           Completed", StringComparison.Ordinal) && l.EndsWith("Inserted 10 EMCC devices (EMCC1..EMCC10) with template EMCC-Template; 10 in database", StringComparison.Ordinal));
        Assert.True(none.ExitCode == Emx.ExitCodes.Failure, none.Describe("no job of the type must exit 1"));
        Assert.Equal("emx jobs: no job of type 'No Such Job'", none.Stderr.Trim());
        Assert.True(badWait.ExitCode == Emx.ExitCodes.InvalidConfiguration, badWait.Describe("a negative wait must exit 2"));
    }

    [Fact]
    public async Task Help_NewCommandsDescribeThemselves()
    {
        var update = await CliResult.RunAsync(CliTimeout, "emcc", "update-remote-cluster", "--help");
        var validate = await CliResult.RunAsync(CliTimeout, "emcc", "validate-profile", "--help");
        var jobs = await CliResult.RunAsync(CliTimeout, "jobs", "--help");
        var lab = await CliResult.RunAsync(CliTimeout, "lab", "--help");

        Assert.Contains("Update Remote Cluster Now", update.Stdout, StringComparison.Ordinal);
        Assert.Contains("Intercluster Service Profile validation report", validate.Stdout, StringComparison.Ordinal);
        Assert.Contains("--wait", jobs.Stdout, StringComparison.Ordinal);
        Assert.Contains("--bare", lab.Stdout, StringComparison.Ordinal);
        Assert.Contains("--services", lab.Stdout, StringComparison.Ordinal);
        Assert.All(new[] { update, validate, jobs, lab }, r => Assert.Equal(Emx.ExitCodes.Ok, r.ExitCode));
    }

    [Fact]
    public async Task Lab_InvalidPortOrService_ExitCode2()
    {
        var port = await CliResult.RunAsync(CliTimeout, "lab", "--bare", "--sip-port", "70000");
        var service = await CliResult.RunAsync(CliTimeout, "lab", "--bare", "--services", "teleportation");

        Assert.True(port.ExitCode == Emx.ExitCodes.InvalidConfiguration, port.Describe("an invalid port must exit 2"));
        Assert.Contains("ports must be 1-65535", port.Stderr, StringComparison.Ordinal);
        Assert.True(service.ExitCode == Emx.ExitCodes.InvalidConfiguration, service.Describe("an unknown service must exit 2"));
    }

    private sealed record LabPorts(int Http, int Https, int Config, int Sip);

    /// <summary>A running <c>emx lab --bare</c>, stopped (and its exit code checked) on dispose.</summary>
    private sealed class Lab : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task<int> _run;
        private readonly CapturingWriter _stdout;
        private readonly CapturingWriter _stderr;

        private Lab(CancellationTokenSource stop, Task<int> run, CapturingWriter stdout, CapturingWriter stderr)
        {
            _stop = stop;
            _run = run;
            _stdout = stdout;
            _stderr = stderr;
        }

        public string Stderr => _stderr.ToString();

        public static async Task<Lab> StartAsync(string dataDir, LabPorts ports, params string[] more)
        {
            var stdout = new CapturingWriter();
            var stderr = new CapturingWriter();
            var stop = Timeouts.After(TimeSpan.FromMinutes(9));
            string[] args =
            [
                "lab", "--bare", "--data-dir", dataDir, "--log-level", "Warning",
                "--http-port", Text(ports.Http), "--https-port", Text(ports.Https), "--config-port", Text(ports.Config), "--sip-port", Text(ports.Sip), .. more,
            ];
            var run = Emx.EmxCli.RunAsync(args, stdout, stderr, stop.Token);
            var lab = new Lab(stop, run, stdout, stderr);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            foreach (var (address, id) in new[] { (A, "ClusterA"), (B, "ClusterB") })
            {
                await Timeouts.WaitUntilAsync(async ct =>
                {
                    Assert.False(run.IsCompleted, $"the lab stopped early\nstdout:\n{stdout}\nstderr:\n{stderr}");
                    try
                    {
                        using var response = await http.GetAsync(new Uri($"http://{address}:{ports.Http}/health"), ct);
                        return response.IsSuccessStatusCode && JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("clusterId").GetString() == id;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                }, TimeSpan.FromSeconds(90), $"{id} to answer");
            }

            return lab;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            var exit = await _run.WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
            _stop.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Assert.True(exit == Emx.ExitCodes.Ok, $"the lab must exit 0 when stopped, exit {exit}\nstdout:\n{_stdout}\nstderr:\n{_stderr}");
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The example files as an administrator of this lab would use them: the lab's standard ports (8080, 8443, 5060)
    /// replaced by the ports it runs on, and the shared certificate directory by a temporary one.
    /// </summary>
    private static void CopyExampleFiles(string target, LabPorts ports, string share)
    {
        foreach (var cluster in new[] { "cluster-a", "cluster-b" })
        {
            var source = Path.Combine(AppContext.BaseDirectory, "examples", "emcc-flow", cluster);
            Directory.CreateDirectory(Path.Combine(target, cluster));
            foreach (var file in Directory.GetFiles(source, "*.yaml"))
            {
                var text = File.ReadAllText(file)
                    .Replace(":8080", ":" + Text(ports.Http), StringComparison.Ordinal)
                    .Replace("httpsPort: 8443", "httpsPort: " + Text(ports.Https), StringComparison.Ordinal)
                    .Replace("port: 5060", "port: " + Text(ports.Sip), StringComparison.Ordinal)
                    .Replace("/tmp/emx-emcc-certificates", share, StringComparison.Ordinal);
                File.WriteAllText(Path.Combine(target, cluster, Path.GetFileName(file)), text);
            }
        }
    }

    private static async Task ApplyBothAsync(string files, string urlA, string urlB, string name)
    {
        var a = await CliAsync("apply", "--url", urlA, "--password", Password, "-f", Path.Combine(files, "cluster-a", name));
        var b = await CliAsync("apply", "--url", urlB, "--password", Password, "-f", Path.Combine(files, "cluster-b", name));
        Assert.StartsWith($"applied {name}: ", a.Stdout, StringComparison.Ordinal);
        Assert.StartsWith($"applied {name}: ", b.Stdout, StringComparison.Ordinal);
    }

    /// <summary>One emx command that must succeed.</summary>
    private static async Task<CliResult> CliAsync(params string[] args)
    {
        var result = await CliResult.RunAsync(CliTimeout, args);
        Assert.True(result.ExitCode == Emx.ExitCodes.Ok, result.Describe("emx " + string.Join(' ', args.Where(a => a != Password))));
        return result;
    }

    private static Task<CliResult> CheckAsync(string url, params string[] more) =>
        CliResult.RunAsync(CliTimeout, ["emcc", "check", "--url", url, "--password", Password, .. more]);

    private static string[] Lines(CliResult result) => result.Stdout.Split('\n', StringSplitOptions.TrimEntries);

    /// <summary>The line after <paramref name="line"/> (its first finding), failing when the line is absent.</summary>
    private static string Below(string[] lines, string line)
    {
        var at = Array.IndexOf(lines, line);
        Assert.True(at >= 0, $"'{line}' not in:\n{string.Join('\n', lines)}");
        return lines[at + 1];
    }

    /// <summary>HTTP, HTTPS, config and SIP ports, different from each other, free on both lab addresses.</summary>
    private static LabPorts DistinctPorts()
    {
        var chosen = new HashSet<int>();
        int Next(Func<int> free)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var port = free();
                if (chosen.Add(port))
                {
                    return port;
                }
            }

            throw new InvalidOperationException("no distinct free port");
        }

        int Tcp() => Ports.FreeOn(IPAddress.Parse(A), IPAddress.Parse(B));
        return new LabPorts(Next(Tcp), Next(Tcp), Next(Tcp), Next(FreeSipPort));
    }

    /// <summary>A port free for TCP and UDP on both lab addresses (SIP listens on both transports).</summary>
    private static int FreeSipPort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Ports.FreeOn(IPAddress.Parse(A), IPAddress.Parse(B));
            try
            {
                using var a = new UdpClient(new IPEndPoint(IPAddress.Parse(A), port));
                using var b = new UdpClient(new IPEndPoint(IPAddress.Parse(B), port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP: try another.
            }
        }

        throw new InvalidOperationException("no port is free for TCP and UDP on both lab addresses");
    }
}
