using System.Globalization;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security;
using Emx.Testing;

namespace Emx.Integration.Tests;

/// <summary>
/// SIPp (Debian sip-tester) playing the phones and gateways of a call test: registers a line from the port its later
/// call runs use (SIPp matches messages to calls by Call-ID, so the caller must be the registered binding), places
/// calls, and listens as an answering, refusing or ringing line or gateway. Scenarios that need per-test values are
/// written from the templates in Sipp/ into a scratch directory removed on dispose.
/// </summary>
public sealed class SippCalls : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(40);

    private readonly string _sipp;
    private readonly DirectoryInfo _scenarios = Directory.CreateTempSubdirectory("emx-sipp-scenario-");

    private SippCalls(string sipp) => _sipp = sipp;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The runner, or null when sipp is not installed (then the test returns; CI fails in <see cref="Sipp.Find"/>).</summary>
    public static SippCalls? Find(string testName) => Sipp.Find(testName) is { } sipp ? new SippCalls(sipp) : null;

    /// <summary>A UDP port free on <paramref name="address"/> now.</summary>
    public static int FreeUdpPort(string address = "127.0.0.1")
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>A TCP port nothing listens on (bound, then released).</summary>
    public static int ClosedTcpPort(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Fails with the SIPp output unless it exited 0.</summary>
    public static void AssertPassed((int ExitCode, string Log) run, string who) =>
        Assert.True(run.ExitCode == 0, $"{who}: sipp exited with {run.ExitCode}:{Environment.NewLine}{run.Log}");

    /// <summary>Registers line <paramref name="dn"/> of <paramref name="device"/> from 127.0.0.1:<paramref name="port"/>.</summary>
    public async Task RegisterAsync(IPEndPoint server, int port, string dn, string device)
    {
        var run = await Sipp.RunAsync(
            _sipp, [.. Arguments(server, "127.0.0.1", port, ScenarioPath("sipp-register-own-line.xml"), calls: 1, sendsFirst: true), "-key", "dn", dn, "-key", "mac", device[3..]],
            RunLimit, Ct);
        AssertPassed(run, $"registering {dn} of {device}");
    }

    /// <summary>Places <paramref name="calls"/> calls (one at a time) from the line registered at 127.0.0.1:<paramref name="port"/>.</summary>
    public Task<(int ExitCode, string Log)> CallAsync(IPEndPoint server, int port, string scenario, string dn, string called, int calls = 1) =>
        Sipp.RunAsync(_sipp, [.. Arguments(server, "127.0.0.1", port, ScenarioPath(scenario), calls, sendsFirst: true), "-key", "dn", dn, "-s", called], RunLimit, Ct);

    /// <summary>
    /// Starts a SIPp UAS on <paramref name="address"/>:<paramref name="port"/> for <paramref name="calls"/> calls and
    /// returns once its socket is bound (or it ended early); the task completes when it exits.
    /// </summary>
    public async Task<Task<(int ExitCode, string Log)>> ListenAsync(IPEndPoint server, string address, int port, string scenario, int calls = 1)
    {
        var run = Sipp.RunAsync(_sipp, Arguments(server, address, port, ScenarioPath(scenario), calls, sendsFirst: false), RunLimit, Ct);
        var local = new IPEndPoint(IPAddress.Parse(address), port);

        // The kernel's socket table, read without binding (a probe bind could take the port from SIPp).
        await Timeouts.WaitUntilAsync(
            _ => Task.FromResult(run.IsCompleted || IPGlobalProperties.GetIPGlobalProperties().GetActiveUdpListeners().Contains(local)),
            TimeSpan.FromSeconds(10),
            $"SIPp to listen on {local}",
            TimeSpan.FromMilliseconds(50));
        return run;
    }

    /// <summary>
    /// Writes <paramref name="template"/> (a file in Sipp/) with each placeholder replaced by its value, XML-escaped (the
    /// values go into attributes), and returns the new file's path.
    /// </summary>
    public string Scenario(string template, params (string Placeholder, string Value)[] values)
    {
        var text = File.ReadAllText(ScenarioPath(template));
        foreach (var (placeholder, value) in values)
        {
            Assert.Contains(placeholder, text, StringComparison.Ordinal);
            text = text.Replace(placeholder, SecurityElement.Escape(value), StringComparison.Ordinal);
        }

        var path = Path.Combine(_scenarios.FullName, Guid.NewGuid().ToString("N") + "-" + template);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            _scenarios.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Left to the system's temp cleanup.
        }
    }

    private static string ScenarioPath(string scenario) => Path.IsPathRooted(scenario) ? scenario : Path.Combine(AppContext.BaseDirectory, "Sipp", scenario);

    private static string[] Arguments(IPEndPoint server, string address, int port, string scenario, int calls, bool sendsFirst)
    {
        List<string> arguments =
        [
            server.Address + ":" + server.Port.ToString(CultureInfo.InvariantCulture), "-sf", scenario,
            "-m", calls.ToString(CultureInfo.InvariantCulture), "-t", "u1", "-i", address, "-p", port.ToString(CultureInfo.InvariantCulture), "-nostdin",
            "-recv_timeout", "10000", "-timeout", "30s", "-timeout_error", "-trace_err",
        ];
        if (sendsFirst)
        {
            // One call at a time, each as soon as the previous one ended.
            arguments.AddRange(["-r", "10", "-l", "1"]);
        }

        return [.. arguments];
    }
}
