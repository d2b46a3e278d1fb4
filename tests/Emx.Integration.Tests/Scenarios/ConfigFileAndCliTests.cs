using Emx.Cluster;
using Emx.Domain.Validation;
using YamlDotNet.RepresentationModel;

namespace Emx.Integration.Tests.Scenarios;

/// <summary>
/// The config file and the emx command line: the shipped example is accepted as written, invalid files are refused
/// naming the field (exit code 2), every command has help, and emx apply reports its outcome by exit code.
/// </summary>
public sealed class ConfigFileAndCliTests
{
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>examples/cluster-a.yaml with the node moved to 127.0.0.1 and a free port, and the database moved to <paramref name="connectionString"/>.</summary>
    private static string ClusterAOnLoopback(string connectionString)
    {
        var root = YamlSubset.Load(TestEnvironment.ExampleText("cluster-a.yaml"));
        var node = (YamlMappingNode)root["node"];
        node.Children[new YamlScalarNode("address")] = new YamlScalarNode("127.0.0.1");
        ((YamlMappingNode)node["ports"]).Children[new YamlScalarNode("http")] = new YamlScalarNode("0");
        ((YamlMappingNode)root["database"]).Children[new YamlScalarNode("connectionString")] = new YamlScalarNode(connectionString);
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    [Fact]
    public void ClusterAExample_AsWritten_ParsesAndValidatesWithoutErrors()
    {
        var errors = new List<ConfigError>();

        var config = ConfigSerializer.ReadYaml<EmxConfigFile>(TestEnvironment.ExampleText("cluster-a.yaml"), "cluster-a.yaml", errors);

        Assert.Empty(errors);
        Assert.NotNull(config);
        Assert.Empty(NodeStartup.ValidateConfigFile(config));
        Assert.Equal("ClusterA", config.Cluster?.Id);
        Assert.Equal("cucm-a1", config.Node.Name);
        Assert.NotNull(config.Provision);
    }

    [Fact]
    public async Task ClusterAExample_StartedOnLoopback_AppliesItsProvisioning()
    {
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, Ct);
        var text = ClusterAOnLoopback(database.ConnectionString);
        var errors = new List<ConfigError>();
        var config = ConfigSerializer.ReadYaml<EmxConfigFile>(text, "cluster-a.yaml", errors);
        var expected = ConfigSerializer.ReadYaml<EmxConfigFile>(text, "cluster-a.yaml", errors)!;
        Assert.Empty(errors);

        await using var node = await TestNode.StartFromConfigAsync(config!, database, Ct);

        var health = (await node.GetAsync("/health", node.Anonymous, Ct)).ShouldBe(HttpStatusCode.OK).Json;
        Assert.Equal("ClusterA", health.GetProperty("clusterId").GetString());
        Assert.Equal("cucm-a1", health.GetProperty("node").GetString());
        Assert.Equal(["bulkProvisioning", "callManager", "extensionMobility", "tftp"],
            health.GetProperty("services").EnumerateArray().Where(s => s.GetProperty("activated").GetBoolean())
                .Select(s => s.GetProperty("service").GetString()!).Order(StringComparer.Ordinal));
        var document = expected.Provision!;
        document.Cluster = expected.Cluster;
        await StoredState.AssertHoldsAsync(node, document);
        Assert.Equal(10, await node.CountAsync("emccDevices", Ct));
    }

    [Fact]
    public async Task Serve_ClusterAExampleOnLoopback_RunsUntilCancelledAndExitsZero()
    {
        using var directory = new TempDirectory();
        var file = directory.File("cluster-a.yaml");
        await File.WriteAllTextAsync(file, ClusterAOnLoopback($"Data Source={directory.File("cluster-a.db")}"), Ct);
        var stdout = new CapturingWriter();
        var stderr = new CapturingWriter();
        using var stop = Timeouts.After(TimeSpan.FromSeconds(60));

        var serve = Emx.EmxCli.RunAsync(["serve", "--config", file, "--log-level", "Warning"], stdout, stderr, stop.Token);
        try
        {
            var healthLine = await stdout.WaitForLineAsync(l => l.TrimStart().StartsWith("health", StringComparison.Ordinal), stop.Token)
                .WaitAsync(TimeSpan.FromSeconds(30), Ct);
            var url = new Uri(healthLine.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            Assert.Equal("127.0.0.1", url.Host);
            using var http = new HttpClient(new SecretScanningHandler(new SocketsHttpHandler()));
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:change-me-now")));
            var health = JsonDocument.Parse(await http.GetStringAsync(url, Ct)).RootElement;
            Assert.Equal("ClusterA", health.GetProperty("clusterId").GetString());
            var alice = await http.GetAsync(new Uri(url, "/api/v1/endUsers/alice"), Ct);
            Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
            Assert.Contains("ClusterA node cucm-a1 (sqlite) started", stdout.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
        }

        var exit = await serve.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True(exit == Emx.ExitCodes.Ok, $"exit {exit}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("Stopping.", stdout.ToString(), StringComparison.Ordinal);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={directory.File("cluster-a.db")}"))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
        }
    }

    /// <summary>A valid config file; each invalid case changes one thing in it.</summary>
    private const string ValidConfig = """
        cluster: { id: ClusterA }
        node: { name: n1, address: 127.0.0.1, ports: { http: 0, https: 0, config: 0, sip: 0 } }
        database: { provider: sqlite, connectionString: "Data Source=DB" }
        admin: { userId: admin, password: admin-password }
        """;

    public static TheoryData<string, string, string, string> InvalidConfigs => new()
    {
        { "port out of range", "http: 0,", "http: 70000,", "node.ports.http: is 70000" },
        { "unknown database provider", "provider: sqlite", "provider: mysql", "mysql" },
        { "invalid Cluster ID", "id: ClusterA", "id: \"Cluster A!\"", "cluster.id" },
        { "address not an IP", "address: 127.0.0.1", "address: localhost", "node.address: 'localhost' is not an IP address" },
        { "unknown top-level field", "admin:", "colour: red\nadmin:", "field 'colour'" },
        { "unknown nested field", "name: n1,", "name: n1, colour: red,", "field 'colour'" },
        { "two listeners on one port", "http: 0, https: 0,", "http: 8080, https: 8080,", "node.ports: port 8080 is used by http and https" },
        { "short admin password", "password: admin-password", "password: short", "admin.password" },
        { "invalid provisioning", "admin:", "provision:\n  phones: [{ name: SEPXYZ, model: Cisco 8845 }]\nadmin:", "phones 'SEPXYZ' name" },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigs))]
    public async Task Serve_InvalidConfigFile_RefusesToStartNamingTheFieldWithExitCode2(string what, string find, string replace, string message)
    {
        using var directory = new TempDirectory();
        var file = directory.File("emx.yaml");
        var text = ValidConfig.Replace("DB", directory.File("emx.db"), StringComparison.Ordinal);
        Assert.Contains(find, text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, text.Replace(find, replace, StringComparison.Ordinal), Ct);

        var result = await CliResult.RunAsync(CliTimeout, "serve", "--config", file, "--log-level", "Warning");

        Assert.True(result.ExitCode == Emx.ExitCodes.InvalidConfiguration, result.Describe($"{what}: expected exit code 2"));
        Assert.True(result.Stderr.Contains(message, StringComparison.OrdinalIgnoreCase), result.Describe($"{what}: stderr must say '{message}'"));
        Assert.DoesNotContain("started", result.Stdout, StringComparison.Ordinal);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={directory.File("emx.db")}");
        Microsoft.Data.Sqlite.SqliteConnection.ClearPool(connection);
    }

    [Fact]
    public async Task Serve_MissingConfigFile_ExitCode2()
    {
        using var directory = new TempDirectory();

        var result = await CliResult.RunAsync(CliTimeout, "serve", "--config", directory.File("nowhere.yaml"));

        Assert.True(result.ExitCode == Emx.ExitCodes.InvalidConfiguration, result.Describe("expected exit code 2"));
        Assert.Contains("does not exist", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("serve", "Start one node of one cluster")]
    [InlineData("lab", "Start a lab of two clusters")]
    [InlineData("apply", "Apply a provisioning file to a running cluster")]
    [InlineData("version", "Print the emx version")]
    public async Task Help_EveryCommand_ExitsZeroAndDescribesIt(string command, string description)
    {
        var result = await CliResult.RunAsync(CliTimeout, command, "--help");

        Assert.True(result.ExitCode == Emx.ExitCodes.Ok, result.Describe("--help must exit 0"));
        Assert.Contains(description, result.Stdout, StringComparison.Ordinal);
        Assert.Contains($" {command} [options]", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Help_Root_ListsEveryCommand()
    {
        var result = await CliResult.RunAsync(CliTimeout, "--help");

        Assert.True(result.ExitCode == Emx.ExitCodes.Ok, result.Describe("--help must exit 0"));
        foreach (var command in new[] { "serve", "lab", "apply", "version" })
        {
            Assert.Contains($"  {command} ", result.Stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("serve")]
    [InlineData("apply", "--url", "ftp://example.com", "--file", "x.yaml")]
    [InlineData("lab", "--http-port", "eighty")]
    public async Task Cli_UsageError_ExitCode2(params string[] args)
    {
        var result = await CliResult.RunAsync(CliTimeout, args);

        Assert.True(result.ExitCode == Emx.ExitCodes.InvalidConfiguration, result.Describe("a usage error must exit 2"));
        Assert.NotEmpty(result.Stderr);
    }

    [Fact]
    public async Task Version_NoOptions_PrintsTheVersion()
    {
        var result = await CliResult.RunAsync(CliTimeout, "version");

        Assert.Equal(Emx.ExitCodes.Ok, result.ExitCode);
        Assert.Equal($"emx {Emx.Web.EmxNode.Version}", result.Stdout.Trim());
        Assert.Matches(@"^emx \d+\.\d+\.\d+", result.Stdout);
    }

    [Fact]
    public async Task Apply_ValidFileToRunningNode_ExitsZeroWithSummaryAndIsIdempotent()
    {
        await using var node = await TestNode.StartAsync(DatabaseProvider.Sqlite, null, Ct);
        using var directory = new TempDirectory();

        var first = await CliResult.RunAsync(CliTimeout, "apply", "--url", node.BaseUrl.ToString(), "--file", TestEnvironment.Example("provisioning-complete.yaml"),
            "--user", TestNode.AdminUser, "--password", TestNode.AdminPassword);
        var second = await CliResult.RunAsync(CliTimeout, "apply", "-u", node.BaseUrl.ToString().TrimEnd('/'), "-f", TestEnvironment.Example("provisioning-complete.yaml"),
            "--password", TestNode.AdminPassword);

        Assert.True(first.ExitCode == Emx.ExitCodes.Ok, first.Describe("apply must succeed"));
        Assert.Matches(@"^applied provisioning-complete\.yaml: 44 created, 7 updated, 0 unchanged, 5 EMCC devices inserted\s*$", first.Stdout);
        Assert.True(second.ExitCode == Emx.ExitCodes.Ok, second.Describe("apply must succeed"));
        Assert.Matches(@"^applied provisioning-complete\.yaml: 0 created, 0 updated, 51 unchanged, 0 EMCC devices inserted\s*$", second.Stdout);
        Assert.Equal(2, await node.CountAsync("phones", Ct));
    }

    [Fact]
    public async Task Apply_RejectedFile_ExitCode3WithEveryErrorOnStderr()
    {
        await using var node = await TestNode.StartAsync(DatabaseProvider.Sqlite, null, Ct);
        using var directory = new TempDirectory();
        var file = directory.File("bad.yaml");
        await File.WriteAllTextAsync(file, "partitions: [Internal]\ncallingSearchSpaces: [{ name: CSS1, partitions: [Internal, Nowhere] }]\nphones: [{ name: SEPXYZ, model: Cisco 8845 }]\n", Ct);
        var before = await node.SnapshotAsync(Ct);

        var result = await CliResult.RunAsync(CliTimeout, "apply", "--url", node.BaseUrl.ToString(), "--file", file, "--password", TestNode.AdminPassword);

        Assert.True(result.ExitCode == Emx.ExitCodes.Rejected, result.Describe("a rejected file must exit 3"));
        Assert.Contains("bad.yaml was rejected", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("callingSearchSpaces 'CSS1' partitions", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("phones 'SEPXYZ' name", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("phones 'SEPXYZ' model", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
        ConfigSnapshot.AssertSame(before, await node.SnapshotAsync(Ct), "emx apply of a rejected file");
    }

    [Fact]
    public async Task Apply_WrongPassword_ExitCode4()
    {
        await using var node = await TestNode.StartAsync(DatabaseProvider.Sqlite, null, Ct);

        var result = await CliResult.RunAsync(CliTimeout, "apply", "--url", node.BaseUrl.ToString(), "--file", TestEnvironment.Example("provisioning-complete.yaml"),
            "--password", "not-the-admin-password");

        Assert.True(result.ExitCode == Emx.ExitCodes.Unreachable, result.Describe("refused credentials must exit 4"));
        Assert.Contains("refused the credentials", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, await node.CountAsync("phones", Ct));
    }

    [Fact]
    public async Task Apply_UnreachableUrl_ExitCode4()
    {
        var port = Ports.FreeOn(IPAddress.Loopback);

        var result = await CliResult.RunAsync(CliTimeout, "apply", "--url", $"http://127.0.0.1:{port}", "--file", TestEnvironment.Example("provisioning-complete.yaml"),
            "--password", TestNode.AdminPassword, "--timeout", "10");

        Assert.True(result.ExitCode == Emx.ExitCodes.Unreachable, result.Describe("an unreachable node must exit 4"));
        Assert.Contains("cannot reach", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_MissingFile_ExitCode2()
    {
        using var directory = new TempDirectory();

        var result = await CliResult.RunAsync(CliTimeout, "apply", "--url", "http://127.0.0.1:9", "--file", directory.File("none.yaml"), "--password", "x-password");

        Assert.True(result.ExitCode == Emx.ExitCodes.InvalidConfiguration, result.Describe("a missing file must exit 2"));
        Assert.Contains("does not exist", result.Stderr, StringComparison.Ordinal);
    }
}
