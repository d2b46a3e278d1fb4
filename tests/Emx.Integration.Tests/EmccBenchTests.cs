using System.Text.Json;
using Emx.Bench;

namespace Emx.Integration.Tests;

/// <summary>Behaviour of <c>emx bench emcc</c> (not its timing): two clusters, real EMCC logins and logouts, a report without errors.</summary>
public sealed class EmccBenchTests
{
    [Fact(Timeout = 120_000)]
    public async Task TinyRun_LogsInAndOutAcrossClusters_ReportsPairsAndNoErrors()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var markdown = Path.Combine(Path.GetTempPath(), $"emx-bench-emcc-{Guid.NewGuid():N}.md");
        try
        {
            var exit = await EmxCli.RunAsync(
                ["--log-level", "Warning", "bench", "emcc", "--users", "3", "--clients", "1", "--duration", "2", "--warmup", "0", "--json", "--output", markdown],
                stdout, stderr, TestContext.Current.CancellationToken);

            using var json = JsonDocument.Parse(stdout.ToString());
            var root = json.RootElement;
            Assert.Equal("emx bench emcc", root.GetProperty("tool").GetString());
            var results = root.GetProperty("results");
            Assert.True(results.GetProperty("pairs").GetInt64() > 0, stderr.ToString() + stdout);
            Assert.True(results.GetProperty("errors").GetInt64() == 0, stderr.ToString() + stdout);
            Assert.Empty(results.GetProperty("errorsByCode").EnumerateObject());
            foreach (var type in new[] { "login", "logout" })
            {
                var latency = results.GetProperty("latencyMs").GetProperty(type);
                Assert.True(latency.GetProperty("count").GetInt64() > 0, type);
                Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p99").GetDouble(), type);
            }

            var run = root.GetProperty("run");
            Assert.Equal(3, run.GetProperty("users").GetInt32());
            Assert.False(run.GetProperty("interrupted").GetBoolean());
            Assert.Equal(3, root.GetProperty("provisioning").GetProperty("visitingCreated").GetInt32());
            Assert.True(root.GetProperty("rss").GetProperty("afterLoadBytes").GetInt64() > 0);
            Assert.Equal(Environment.ProcessorCount, root.GetProperty("machine").GetProperty("cores").GetInt32());

            // Timing is not judged here: the exit code only follows the report.
            var passed = root.GetProperty("passed").GetBoolean();
            Assert.Equal(passed ? ExitCodes.Ok : ExitCodes.Failure, exit);
            var section = await File.ReadAllTextAsync(markdown, TestContext.Current.CancellationToken);
            Assert.Contains("### emx bench emcc: 3 users, 1 clients", section, StringComparison.Ordinal);
            Assert.Contains(passed ? "| PASS |" : "| FAIL |", section, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(markdown);
        }
    }

    [Theory]
    [InlineData("--users", "0")]
    [InlineData("--users", "30000")]
    [InlineData("--clients", "4")]
    public async Task InvalidOptions_ExitCodeTwo_BeforeAnythingStarts(string option, string value)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        string[] args = option == "--users" ? ["bench", "emcc", option, value] : ["bench", "emcc", "--users", "3", option, value];
        var exit = await EmxCli.RunAsync(args, stdout, stderr, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.InvalidConfiguration, exit);
        Assert.Contains("emx bench emcc:", stderr.ToString(), StringComparison.Ordinal);
    }
}
