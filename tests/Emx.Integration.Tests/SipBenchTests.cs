using System.Text.Json;
using Emx.Bench;
using Emx.Testing;

namespace Emx.Integration.Tests;

/// <summary>
/// Behaviour of <c>emx bench sip</c> (not its timing): at a tiny scale against emx alone it provisions, registers
/// through SIPp, and reports. Without sipp on the PATH the SIPp test fails when CI=true and otherwise returns after a
/// diagnostic line (no skips). Kamailio is not needed (--target emx).
/// </summary>
public sealed class SipBenchTests
{
    [Fact(Timeout = 180_000)]
    public async Task TinyRunAgainstEmx_RegistersEveryPhone_AndReportsBothPhases()
    {
        if (Sipp.Find("emx bench sip test") is null)
        {
            return;
        }

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await EmxCli.RunAsync(
            ["--log-level", "Warning", "bench", "sip", "--target", "emx", "--phones", "20", "--rate", "20", "--duration", "2", "--json"],
            stdout, stderr, TestContext.Current.CancellationToken);

        Assert.True(exit is ExitCodes.Ok or ExitCodes.Failure, $"exit {exit}: {stderr}");
        using var json = JsonDocument.Parse(stdout.ToString());
        var root = json.RootElement;
        Assert.Equal("emx bench sip", root.GetProperty("tool").GetString());
        var run = root.GetProperty("run");
        Assert.Equal(20, run.GetProperty("phones").GetInt32());
        Assert.Equal("fixed", run.GetProperty("method").GetString());
        Assert.Equal(["emx"], run.GetProperty("targets").EnumerateArray().Select(t => t.GetString()));
        Assert.StartsWith("SIPp", run.GetProperty("sipp").GetString(), StringComparison.Ordinal);
        Assert.False(run.GetProperty("interrupted").GetBoolean());
        Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() > 0);

        var phases = root.GetProperty("phases").EnumerateArray().ToList();
        Assert.Equal(["register", "invite"], phases.Select(p => p.GetProperty("name").GetString()));

        // REGISTER: every phone registered once first, then 40 REGISTERs (20/s for 2 s) refreshed them, all 200.
        var register = phases[0].GetProperty("emx");
        Assert.Equal("ok", register.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, phases[0].GetProperty("kamailio").ValueKind);
        var trials = register.GetProperty("trials").EnumerateArray().ToList();
        var prime = Assert.Single(trials, t => t.GetProperty("kind").GetString() == "prime");
        Assert.Equal(20, prime.GetProperty("successful").GetInt64());
        Assert.Equal(0, prime.GetProperty("failed").GetInt64());
        Assert.Equal(40, register.GetProperty("successful").GetInt64());
        Assert.Equal(0, register.GetProperty("failed").GetInt64());
        Assert.True(register.GetProperty("ratePerSecond").GetDouble() > 0);
        var latency = register.GetProperty("latencyMs");
        Assert.Equal(40, latency.GetProperty("count").GetInt64());
        Assert.True(latency.GetProperty("p50").GetDouble() > 0 && latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p99").GetDouble());

        // INVITE: the lines registered from the callers' and the called phones' addresses; then either emx proxies the
        // calls, or (until its INVITE proxy exists) refuses every one with 405, reported as unsupported and a failure.
        var invite = phases[1].GetProperty("emx");
        Assert.Equal(2, invite.GetProperty("trials").EnumerateArray().Count(t => t.GetProperty("kind").GetString() == "prime" && t.GetProperty("successful").GetInt64() == 10));
        var status = invite.GetProperty("status").GetString();
        Assert.True(status is "ok" or "unsupported", $"{status}: {invite.GetProperty("reason")}");
        if (status == "unsupported")
        {
            Assert.Contains("405", invite.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.False(phases[1].GetProperty("passed").GetBoolean());
            Assert.Equal(ExitCodes.Failure, exit);
            Assert.False(root.GetProperty("passed").GetBoolean());
        }
        else
        {
            Assert.True(invite.GetProperty("successful").GetInt64() > 0);
            Assert.True(invite.GetProperty("otherLatencyMs").TryGetProperty("bye", out _));
        }

        Assert.Contains("emx bench sip: REGISTER against emx", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--phones", "1")]
    [InlineData("--rate", "0")]
    [InlineData("--duration", "0")]
    public async Task InvalidOptions_ExitCodeTwo_BeforeAnythingStarts(string option, string value)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await EmxCli.RunAsync(["bench", "sip", option, value], stdout, stderr, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.InvalidConfiguration, exit);
        Assert.Contains("emx bench sip:", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SippFiles_AreParsed_StatusLinesLatencyAndSpan()
    {
        var directory = Directory.CreateTempSubdirectory("emx-sipp-read-");
        try
        {
            File.WriteAllLines(Path.Combine(directory.FullName, "stats.csv"),
            [
                "StartTime;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);FailedMaxUDPRetrans(C);FailedUnexpectedMessage(C);Retransmissions(C);",
                "x;0;0;0;0;0;0;0;",
                "x;1;3;1;2;1;1;4;",
            ]);
            File.WriteAllText(Path.Combine(directory.FullName, "errors.log"),
                "2026-11-22\t03:20:13.730886\t1795317613.730886: Aborting call on unexpected message for Call-Id '1-2@127.0.9.3': while expecting '200' (index 3), received 'SIP/2.0 405 Method Not Allowed\nVia: SIP/2.0/UDP 127.0.9.3:5070\n'" +
                "2026-11-22\t03:20:13.731000\t1795317613.731000: Dead call 2-2@127.0.9.3 (successful), received 'SIP/2.0 200 OK\n'");
            File.WriteAllLines(Path.Combine(directory.FullName, "latency.log"),
            [
                "invite;1000.000000;100.000000;1000.000000",
                "bye;500.000000;100.000000;2000.000000",
                "invite;3000.000000;101.000000;3000.000000",
                "not a line",
            ]);

            var outcome = SippProcess.Read(directory.FullName, 1, 5.0, "sipp output");

            Assert.Equal((3L, 2L, 4L), (outcome.Successful, outcome.Failed, outcome.Retransmissions));
            Assert.Equal(new Dictionary<string, long> { ["405 Method Not Allowed"] = 1, ["FailedMaxUDPRetrans"] = 1 }, outcome.Failures);
            Assert.Equal(2, outcome.Latency["invite"].Count);
            Assert.Equal(3000, outcome.Latency["invite"].Max);
            Assert.Equal(1, outcome.Latency["bye"].Count);

            // From the first request sent (100.001 s - 1 ms) to the last answer (101.003 s).
            Assert.Equal(1.003, outcome.SpanSeconds!.Value, 3);
            Assert.Equal(3 / 1.003, outcome.AchievedRate, 3);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void Names_MatchTheInstanceIdsOfTheScenario()
    {
        Assert.Equal("SEPB50000000000", SipBench.PhoneName(0));
        Assert.Equal("B5000000EA5F", SipBench.Mac(59_999));
        Assert.Equal("7059999", SipBench.Dn(59_999));
        Assert.True(Protocols.DeviceName.TryFromInstanceId("<urn:uuid:00000000-0000-0000-0000-" + SipBench.Mac(42) + ">", out var device));
        Assert.Equal(SipBench.PhoneName(42), device.Value);
    }
}
