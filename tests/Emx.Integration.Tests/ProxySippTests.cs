using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Emx.Cluster.CallControl;
using Emx.Testing;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// Calls through emx's proxy between SIPp instances (Debian sip-tester) playing registered Cisco phone lines of the
/// lab cluster: lobby phone 1 (1901) and lobby phone 2 (1902), both Internal with AllCSS. SIPp matches messages to
/// calls by Call-ID, so each line is first registered by a short SIPp run from the port the later run uses.
/// Without sipp the tests fail when CI=true and otherwise return after a diagnostic line.
/// </summary>
public sealed class ProxySippTests
{
    [Fact(Timeout = 120_000)]
    public async Task Sipp_CallBetweenTwoRegisteredLines_RingsAnswersAndHangsUpThroughTheRecordRoute()
    {
        var sipp = Sipp.Find("SIPp call test");
        if (sipp is null)
        {
            return;
        }

        await using var lab = await StartAsync();
        var server = lab.Node.SipEndPoint!;
        var callerPort = FreeUdpPort();
        var calleePort = FreeUdpPort();
        await RegisterAsync(sipp, server, callerPort, "1901", Phone1);
        await RegisterAsync(sipp, server, calleePort, "1902", Phone2);

        var answering = Sipp.RunAsync(sipp, Arguments(server, calleePort, "sipp-call-uas.xml", sendsFirst: false), TimeSpan.FromSeconds(60), Ct);
        await Task.Delay(500, Ct);
        var (exitCode, log) = await Sipp.RunAsync(sipp, [.. Arguments(server, callerPort, "sipp-call-uac.xml", sendsFirst: true), "-key", "dn", "1901", "-s", "1902"], TimeSpan.FromSeconds(60), Ct);
        var (calleeExit, calleeLog) = await answering;

        Assert.True(exitCode == 0, $"caller sipp exited with {exitCode}:{Environment.NewLine}{log}");
        Assert.True(calleeExit == 0, $"callee sipp exited with {calleeExit}:{Environment.NewLine}{calleeLog}");
        var counters = lab.Service<CallCounters>().Snapshot();
        Assert.Equal(1, counters.CallsAttempted);
        Assert.Equal(1, counters.CallsCompleted);
        Assert.Equal(0, counters.CallsActive);
        Assert.Equal(0, counters.CallsInProgress);
    }

    [Fact(Timeout = 120_000)]
    public async Task Sipp_RegionOf8Kbps_CalleeIsOfferedOnlyG729AndDtmf()
    {
        var sipp = Sipp.Find("SIPp region codec test");
        if (sipp is null)
        {
            return;
        }

        // The EMCC default Max Audio Bit Rate: of the caller's PCMU, PCMA, G729 and telephone-event only G729 fits.
        await using var lab = await StartAsync(p => p.Regions[0].MaxAudioBitRateKbps = 8);
        var server = lab.Node.SipEndPoint!;
        var callerPort = FreeUdpPort();
        var calleePort = FreeUdpPort();
        await RegisterAsync(sipp, server, callerPort, "1901", Phone1);
        await RegisterAsync(sipp, server, calleePort, "1902", Phone2);
        var uas = (await File.ReadAllTextAsync(ScenarioPath("sipp-call-uas.xml"), Ct)).Replace(
            "<recv request=\"INVITE\" rrs=\"true\" />",
            "<recv request=\"INVITE\" rrs=\"true\"><action><ereg regexp=\"m=audio [0-9]+ RTP/AVP 18 101\" search_in=\"body\" check_it=\"true\" assign_to=\"m\" /></action></recv><Reference variables=\"m\" />",
            StringComparison.Ordinal);
        var scenario = await WriteScenarioAsync("uas-g729.xml", uas);

        var answering = Sipp.RunAsync(sipp, Arguments(server, calleePort, scenario, sendsFirst: false), TimeSpan.FromSeconds(60), Ct);
        await Task.Delay(500, Ct);
        var (exitCode, log) = await Sipp.RunAsync(sipp, [.. Arguments(server, callerPort, "sipp-call-uac.xml", sendsFirst: true), "-key", "dn", "1901", "-s", "1902"], TimeSpan.FromSeconds(60), Ct);
        var (calleeExit, calleeLog) = await answering;

        Assert.True(exitCode == 0, $"caller sipp exited with {exitCode}:{Environment.NewLine}{log}");
        Assert.True(calleeExit == 0, $"callee sipp (expects m=audio ... 18 101) exited with {calleeExit}:{Environment.NewLine}{calleeLog}");
    }

    [Fact(Timeout = 120_000)]
    public async Task Sipp_NoOfferedCodecFitsTheRegion_488WithWarning305()
    {
        var sipp = Sipp.Find("SIPp no common codec test");
        if (sipp is null)
        {
            return;
        }

        // The refused-call scenario offers PCMU only; 8 kb/s leaves nothing.
        await using var lab = await StartAsync(p => p.Regions[0].MaxAudioBitRateKbps = 8);
        var server = lab.Node.SipEndPoint!;
        var callerPort = FreeUdpPort();
        var calleePort = FreeUdpPort();
        await RegisterAsync(sipp, server, callerPort, "1901", Phone1);
        await RegisterAsync(sipp, server, calleePort, "1902", Phone2);
        var refused = (await File.ReadAllTextAsync(ScenarioPath("sipp-call-refused.xml"), Ct)).Replace(
            "<recv response=\"[status]\" />",
            "<recv response=\"488\"><action><ereg regexp=\"Warning: 305 [^ ]+ .Incompatible media format.\" search_in=\"msg\" check_it=\"true\" assign_to=\"w\" /></action></recv><Reference variables=\"w\" />",
            StringComparison.Ordinal);
        var scenario = await WriteScenarioAsync("refused-488.xml", refused);

        var (exitCode, log) = await Sipp.RunAsync(sipp, [.. Arguments(server, callerPort, scenario, sendsFirst: true), "-key", "dn", "1901", "-s", "1902"], TimeSpan.FromSeconds(60), Ct);

        Assert.True(exitCode == 0, $"sipp exited with {exitCode}:{Environment.NewLine}{log}");
        Assert.Equal(1, lab.Service<CallCounters>().Snapshot().CallsRefusedByStatus[488]);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("1999", 404)] // matches nothing in AllCSS: unallocated number
    [InlineData("1902", 480)] // a line of the cluster, not registered
    [InlineData("911", 503)] // Emergency -> Standard Local Route Group, and the Default device pool has no local route group
    public async Task Sipp_CallRefused_GetsTheStatusCucmWouldReleaseWith(string called, int status)
    {
        var sipp = Sipp.Find("SIPp refused call test");
        if (sipp is null)
        {
            return;
        }

        await using var lab = await StartAsync();
        var server = lab.Node.SipEndPoint!;
        var callerPort = FreeUdpPort();
        await RegisterAsync(sipp, server, callerPort, "1901", Phone1);
        var scenario = Path.Combine(Directory.CreateTempSubdirectory("emx-sipp-scenario-").FullName, "refused.xml");
        await File.WriteAllTextAsync(scenario, (await File.ReadAllTextAsync(ScenarioPath("sipp-call-refused.xml"), Ct)).Replace("[status]", status.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal), Ct);

        var (exitCode, log) = await Sipp.RunAsync(sipp, [.. Arguments(server, callerPort, scenario, sendsFirst: true), "-key", "dn", "1901", "-s", called], TimeSpan.FromSeconds(60), Ct);

        Assert.True(exitCode == 0, $"sipp exited with {exitCode}:{Environment.NewLine}{log}");
        Assert.Equal(1, lab.Service<CallCounters>().Snapshot().CallsRefusedByStatus[status]);
    }

    [Fact(Timeout = 120_000)]
    public async Task Sipp_CallFromAnUnregisteredAddress_Gets403()
    {
        var sipp = Sipp.Find("SIPp unknown caller test");
        if (sipp is null)
        {
            return;
        }

        await using var lab = await StartAsync();
        var server = lab.Node.SipEndPoint!;
        var scenario = Path.Combine(Directory.CreateTempSubdirectory("emx-sipp-scenario-").FullName, "refused.xml");
        await File.WriteAllTextAsync(scenario, (await File.ReadAllTextAsync(ScenarioPath("sipp-call-refused.xml"), Ct)).Replace("[status]", "403", StringComparison.Ordinal), Ct);

        var (exitCode, log) = await Sipp.RunAsync(sipp, [.. Arguments(server, FreeUdpPort(), scenario, sendsFirst: true), "-key", "dn", "1901", "-s", "1902"], TimeSpan.FromSeconds(60), Ct);

        Assert.True(exitCode == 0, $"sipp exited with {exitCode}:{Environment.NewLine}{log}");
    }

    private static async Task RegisterAsync(string sipp, IPEndPoint server, int port, string dn, string device)
    {
        var (exitCode, log) = await Sipp.RunAsync(
            sipp, [.. Arguments(server, port, "sipp-register-own-line.xml", sendsFirst: true), "-key", "dn", dn, "-key", "mac", device[3..]], TimeSpan.FromSeconds(30), Ct);
        Assert.True(exitCode == 0, $"registering {dn} failed with {exitCode}:{Environment.NewLine}{log}");
    }

    private static string[] Arguments(IPEndPoint server, int localPort, string scenario, bool sendsFirst)
    {
        List<string> arguments =
        [
            $"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}", "-sf", Path.IsPathRooted(scenario) ? scenario : ScenarioPath(scenario),
            "-m", "1", "-t", "u1", "-i", "127.0.0.1", "-p", localPort.ToString(CultureInfo.InvariantCulture), "-nostdin",
            "-recv_timeout", "10000", "-timeout", "30s", "-timeout_error", "-trace_err",
        ];
        if (sendsFirst)
        {
            arguments.AddRange(["-r", "1"]);
        }

        return [.. arguments];
    }

    private static async Task<string> WriteScenarioAsync(string name, string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("emx-sipp-scenario-").FullName, name);
        await File.WriteAllTextAsync(path, text, Ct);
        return path;
    }

    private static string ScenarioPath(string name) => Path.Combine(AppContext.BaseDirectory, "Sipp", name);

    private static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
