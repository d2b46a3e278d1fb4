using System.Text.RegularExpressions;
using Emx.Cluster.ExtensionMobility;
using Microsoft.Extensions.Logging;
using static Emx.Integration.Tests.EmAppLab;
using static Emx.Integration.Tests.EmccPair;

namespace Emx.Integration.Tests;

/// <summary>
/// The EMCC traces of both clusters during a login read like the seed 004 walkthrough: the visiting EMApp request's
/// number, the device checks, findHomeCluster and check user at the home cluster, the home login, the visiting device
/// login and processing times; the home cluster names the visiting request it answers. Never the PIN.
/// </summary>
public sealed partial class EmccTraceTests
{
    /// <summary>A PIN no other log text could contain by chance.</summary>
    private const string Pin = "73915048";

    private const string WrongPin = "60285917";

    private static Task<EmccPair> StartWithPinAsync() =>
        EmccPair.StartAsync(home: doc => doc.EndUsers.Single(u => u.UserId == "alice").Pin = Pin);

    private static List<string> TraceOf(EmAppLab lab) =>
        [.. lab.Logs.Lines.Where(l => l.Contains(EmTrace.Category, StringComparison.Ordinal))];

    [Fact(Timeout = 120_000)]
    public async Task EmccLogin_BothClustersTraceTheSeedsSequence_WithRequestNumbersAndTimes_NeverThePin()
    {
        await using var pair = await StartWithPinAsync();
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);

        var welcome = await LogInAsync(phone, "alice", Pin);

        Assert.True("Login successful" == welcome.Prompt, $"{welcome.Prompt} {welcome.Text}\n{pair.Traces()}");
        var visiting = TraceOf(pair.Visiting);
        var home = TraceOf(pair.Home);
        var all = string.Join("\n", visiting) + "\n---\n" + string.Join("\n", home);
        var number = VisitingRequest().Match(string.Join("\n", visiting));
        Assert.True(number.Success, all);
        var n = number.Groups[1].Value;

        // Visiting cluster: one request number from EMApp to the refresh screen, each step in the seed's order.
        AssertInOrder(visiting, all,
            $"EM request {n} [EmApp SEP0B0000000001] emapp received: GET device=SEP0B0000000001",
            $"EM request {n} [EmApp SEP0B0000000001] user: alice is not a user of this cluster: EMCC Request",
            $"EMCC request {n} [visiting alice on SEP0B0000000001] processEmccRequest: Received EMCC Login Request for alice on SEP0B0000000001",
            $"EMCC request {n} [visiting alice on SEP0B0000000001] checkDeviceAllowsLogin: SEP0B0000000001: model Cisco 8845 supports EMCC",
            $"EMCC request {n} [visiting alice on SEP0B0000000001] findHomeCluster: Finding Home Cluster for User: alice: asking ClusterA",
            $"EMCC request {n} [visiting alice on SEP0B0000000001] EmccCheckUser: ClusterA (https://127.0.1.1:",
            $"EMCC request {n} [visiting alice on SEP0B0000000001] EmccLoginRequest: Home Cluster for User alice is ClusterA",
            $"EMCC request {n} [visiting alice on SEP0B0000000001] performDoLogin: home login at ClusterA: success: EMCC1, profile alice-8845",
            $"EMCC request {n} [visiting alice on SEP0B0000000001] performVisitingDeviceLogin: SEP0B0000000001: configuration points at home ClusterA",
            $"EMCC request {n} [visiting alice on SEP0B0000000001] EmccRequest: result: success: Successfully performed Login for user alice at SEP0B0000000001 (processing time",
            $"EM request {n} [EmApp SEP0B0000000001] emapp result: EMCC login success (home ClusterA) (processing time");
        Assert.Contains(visiting, l => l.Contains("EmccCheckUser: ClusterA", StringComparison.Ordinal) && l.Contains("User Exists, 1 device profile(s), login token given (processing time", StringComparison.Ordinal));

        // Home cluster: two requests of its own (check user, home login), each naming the visiting request it answers.
        var from = $"[home alice from ClusterB request {n}]";
        AssertInOrder(home, all,
            $"{from} EMService: Request Type=EMCC: check user from ClusterB",
            $"{from} EmccCheckUser: Checking if User alice exists in local database",
            $"{from} authenticate pin: accepted; User Exists; Device Profiles: alice-8845; login token issued for SEP0B0000000001",
            $"{from} EmccRequest: check user result: success (processing time",
            $"{from} EMService: Request Type=EMCC: home login from ClusterB",
            $"{from} processEmccRequest: Received EMCC Home Cluster Login Request for alice on SEP0B0000000001 (Cisco 8845, non-secure)",
            $"{from} authenticate pin: verified at check user (login token accepted)",
            $"{from} processEmccRequest: DeviceSecurityMode: 0 HomeCluster SecurityMode: 0",
            $"{from} EmccHomeLogin: Performing Home Device Login for alice: SEP0B0000000001 as EMCC1, profile alice-8845, device pool Roaming-London",
            $"{from} computeLoginDuration: SEP0B0000000001: scheduleLogout: automatic logout in 28800 secs",
            $"{from} EmccRequest: home login result: success (processing time");
        var homeNumbers = home.Select(l => HomeRequest().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(homeNumbers.Count == 2, all);

        AssertNeverSecret(pair, Pin);
    }

    [Fact(Timeout = 120_000)]
    public async Task EmccLogin_WrongPin_BothClustersTraceTheRefusal_2_NeverThePin()
    {
        await using var pair = await StartWithPinAsync();
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);

        var screen = await LogInAsync(phone, "alice", WrongPin);

        Assert.True(Display(2) == screen.Text, $"{screen.Text}\n{pair.Traces()}");
        var visiting = TraceOf(pair.Visiting);
        var home = TraceOf(pair.Home);
        var all = string.Join("\n", visiting) + "\n---\n" + string.Join("\n", home);
        AssertInOrder(home, all,
            "EmccCheckUser: Checking if User alice exists in local database",
            "authenticate pin: refused: wrong PIN",
            "EmccRequest: check user result: error 2: EMCC Authentication Error (processing time");
        AssertInOrder(visiting, all,
            "EmccCheckUser: ClusterA (https://127.0.1.1:",
            "EmccRequest: result: error 2: home cluster ClusterA did not accept the PIN (processing time");
        Assert.DoesNotContain(home, l => l.Contains("home login", StringComparison.Ordinal));
        AssertNeverSecret(pair, WrongPin);
        AssertNeverSecret(pair, Pin);
    }

    /// <summary>Each expected fragment is found in a line after the previous fragment's line.</summary>
    private static void AssertInOrder(List<string> lines, string all, params string[] fragments)
    {
        var at = -1;
        foreach (var fragment in fragments)
        {
            var next = lines.FindIndex(at + 1, l => l.Contains(fragment, StringComparison.Ordinal));
            Assert.True(next > at, $"'{fragment}' not found after line {at}:\n{all}");
            at = next;
        }
    }

    /// <summary>No log line of either cluster, at any level and in any category, holds the secret or an XML body with credentials.</summary>
    private static void AssertNeverSecret(EmccPair pair, string secret)
    {
        foreach (var line in pair.Home.Logs.Lines.Concat(pair.Visiting.Logs.Lines))
        {
            Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
            Assert.DoesNotContain("<pin>", line, StringComparison.Ordinal);
            Assert.DoesNotContain("loginToken", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TraceSwitch_NamesOnlyEmxCategories()
    {
        var categories = EmxCli.TraceCategories(" em, SIP ,Emx.Trace.Custom,,Microsoft.AspNetCore.Hosting.Diagnostics,System.Net.Http,Emx.Trace;rm -rf,emcc," + new string('a', 300));

        Assert.Equal([EmTrace.Category, "Emx.Trace.Sip", "Emx.Trace.Custom"], categories);
        Assert.Empty(EmxCli.TraceCategories(null));
        Assert.Empty(EmxCli.TraceCategories(" , ,"));
    }

    [Fact]
    public void TraceSwitch_TurnsTheEmTraceOnAtDebug_UnderAWarningLogLevel_AndNothingElse()
    {
        using var on = LoggerFactory.Create(logging => EmxCli.ConfigureLogging(logging, LogLevel.Warning, "em"));
        using var off = LoggerFactory.Create(logging => EmxCli.ConfigureLogging(logging, LogLevel.Warning, null));

        Assert.True(on.CreateLogger(EmTrace.Category).IsEnabled(LogLevel.Debug));
        Assert.False(on.CreateLogger("Emx.Cluster.Emcc.EmccMaintenance").IsEnabled(LogLevel.Information));
        Assert.False(on.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information));
        Assert.False(off.CreateLogger(EmTrace.Category).IsEnabled(LogLevel.Debug));
        Assert.False(new EmTrace(off).Enabled);
    }

    [GeneratedRegex(@"EMCC request (\d+) \[visiting alice on SEP0B0000000001\]")]
    private static partial Regex VisitingRequest();

    [GeneratedRegex(@"EMCC request (\d+) \[home alice from ClusterB")]
    private static partial Regex HomeRequest();
}
