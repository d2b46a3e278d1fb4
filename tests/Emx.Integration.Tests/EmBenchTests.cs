using System.Text.Json;
using Emx.Bench;

namespace Emx.Integration.Tests;

/// <summary>Behaviour of <c>emx bench em</c> (not its timing): it runs, reports, and its exit code means what it says.</summary>
public sealed class EmBenchTests
{
    [Fact]
    public async Task InProcessRun_ReportsPairsAndNoErrors_AsJson()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await EmxCli.RunAsync(
            ["--log-level", "Warning", "bench", "em", "--phones", "10", "--clients", "2", "--duration", "2", "--warmup", "0", "--json"],
            stdout, stderr, TestContext.Current.CancellationToken);

        Assert.True(exit == ExitCodes.Ok, stderr.ToString() + stdout);
        using var json = JsonDocument.Parse(stdout.ToString());
        var root = json.RootElement;
        Assert.Equal("emx bench em", root.GetProperty("tool").GetString());
        Assert.True(root.GetProperty("passed").GetBoolean());

        var run = root.GetProperty("run");
        Assert.True(run.GetProperty("inProcess").GetBoolean());
        Assert.Equal(10, run.GetProperty("phones").GetInt32());
        Assert.Equal(2, run.GetProperty("clients").GetInt32());
        Assert.False(run.GetProperty("interrupted").GetBoolean());

        var results = root.GetProperty("results");
        Assert.True(results.GetProperty("pairs").GetInt64() > 0);
        Assert.True(results.GetProperty("pairsPerSecond").GetDouble() > 0);
        Assert.Equal(0, results.GetProperty("errors").GetInt64());
        Assert.Empty(results.GetProperty("errorsByCode").EnumerateObject());
        foreach (var type in new[] { "login", "logout", "all" })
        {
            var latency = results.GetProperty("latencyMs").GetProperty(type);
            Assert.True(latency.GetProperty("count").GetInt64() > 0, type);
            var p50 = latency.GetProperty("p50").GetDouble();
            var p99 = latency.GetProperty("p99").GetDouble();
            Assert.True(p50 > 0 && p50 <= p99 && p99 <= latency.GetProperty("max").GetDouble(), type);
        }

        // Every login was followed by its logout: as many of each, give or take the pair straddling the window's edges.
        var counts = results.GetProperty("latencyMs");
        Assert.InRange(counts.GetProperty("login").GetProperty("count").GetInt64() - counts.GetProperty("logout").GetProperty("count").GetInt64(), -2, 2);

        var provisioning = root.GetProperty("provisioning");
        Assert.Equal(3 * 10 + 3, provisioning.GetProperty("created").GetInt32());
        Assert.Equal(100, provisioning.GetProperty("maximumConcurrentRequestsAfter").GetInt32());

        var machine = root.GetProperty("machine");
        Assert.Equal(Environment.ProcessorCount, machine.GetProperty("cores").GetInt32());
        Assert.True(machine.GetProperty("memoryBytes").GetInt64() > 0);
        Assert.False(string.IsNullOrEmpty(machine.GetProperty("runtime").GetString()));

        Assert.True(root.GetProperty("cpu").GetProperty("server").GetProperty("seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("memory").GetProperty("rssEndBytes").GetInt64() > 0);
        Assert.True(root.GetProperty("storage").GetProperty("before").GetProperty("count").GetInt32() > 0);

        // The server saw the same logins and logouts, and refused none.
        var after = root.GetProperty("serverCounters").GetProperty("after");
        Assert.True(after.GetProperty("logins").GetInt64() >= results.GetProperty("pairs").GetInt64());
        Assert.Equal(0, after.GetProperty("requestsThrottled").GetInt64());
        Assert.Empty(after.GetProperty("failuresByReason").EnumerateObject());
    }

    [Fact]
    public async Task UnreachableTarget_ExitCodeOne_AndTextReportSaysMissed()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await EmxCli.RunAsync(
            ["--log-level", "Warning", "bench", "em", "--phones", "4", "--clients", "2", "--duration", "1", "--warmup", "0", "--target-pairs-per-second", "1000000"],
            stdout, stderr, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains("MISSED", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("errors: 0", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("result: FAIL", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--phones", "0")]
    [InlineData("--clients", "50")]
    [InlineData("--duration", "0")]
    public async Task InvalidOptions_ExitCodeTwo_BeforeAnythingStarts(string option, string value)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        string[] args = option == "--phones" ? ["bench", "em", option, value] : ["bench", "em", "--phones", "10", option, value];
        var exit = await EmxCli.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.InvalidConfiguration, exit);
        Assert.Contains("emx bench em:", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonLoopbackUrl_IsRefused()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await EmxCli.RunAsync(["bench", "em", "--url", "http://192.0.2.10:8080", "--admin-password", "x"], stdout, stderr, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.InvalidConfiguration, exit);
        Assert.Contains("not a loopback address", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Names_AreValidAndDistinct()
    {
        Assert.Equal("SEPBE0000000000", EmBench.PhoneName(0));
        Assert.Equal("SEPBE000000EA5F", EmBench.PhoneName(59_999));
        Assert.Equal("emxbench059999", EmBench.UserId(59_999));
        Assert.Equal("emxbench000001-udp", EmBench.ProfileName(1));
        Assert.Equal(60_000, Enumerable.Range(0, 60_000).Select(EmBench.PhoneName).Distinct().Count());
    }
}
