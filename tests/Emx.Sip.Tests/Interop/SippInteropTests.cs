using System.Diagnostics;
using System.Net;
using Emx.Sip.Tests.Transport;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Xunit;

namespace Emx.Sip.Tests.Interop;

/// <summary>
/// Interoperability with SIPp (Debian package sip-tester), an independent SIP implementation. Without sipp on
/// the PATH the test fails when CI=true and otherwise returns after a diagnostic line (xunit's skip is not used,
/// so a passing local run without sipp is visible in the diagnostics, and CI can never pass without it).
/// </summary>
public sealed class SippInteropTests
{
    [Fact(Timeout = 90_000)]
    public async Task Sipp_OptionsUacOverUdp_TenCallsAnswered200()
    {
        var sipp = FindOnPath("sipp");
        if (sipp is null)
        {
            Assert.False(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "sipp is not installed, but CI=true: install Debian package sip-tester in .ci/run.");
            const string NotRun = "sipp is not on the PATH: SIPp interop test NOT run (install sip-tester).";
            TestContext.Current.SendDiagnosticMessage(NotRun);
            TestContext.Current.TestOutputHelper?.WriteLine(NotRun);
            return;
        }

        var user = new AnsweringUser();
        await using var layer = new SipTransactionLayer([new SipUdpTransport(new IPEndPoint(IPAddress.Loopback, 0))], user);
        layer.Start();
        var server = layer.Transports[0].LocalEndPoint;
        var workDirectory = Directory.CreateTempSubdirectory("emx-sipp-");
        try
        {
            var scenario = Path.Combine(AppContext.BaseDirectory, "Interop", "sipp-options-uac.xml");
            var start = new ProcessStartInfo(sipp)
            {
                WorkingDirectory = workDirectory.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                $"127.0.0.1:{server.Port}", "-sf", scenario, "-m", "10", "-r", "50", "-t", "u1",
                "-i", "127.0.0.1", "-bind_local", "-nostdin", "-recv_timeout", "5000",
                "-timeout", "20s", "-timeout_error", "-trace_err",
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var within = Loopback.Within(60);
            try
            {
                await process.WaitForExitAsync(within.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var log = string.Join(Environment.NewLine, await output, await errors, ErrorLogs(workDirectory));
            Assert.True(process.ExitCode == 0, $"sipp exited with {process.ExitCode}:{Environment.NewLine}{Tail(log)}");
            Assert.Equal(10, user.Requests);
        }
        finally
        {
            workDirectory.Delete(recursive: true);
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private static string ErrorLogs(DirectoryInfo directory) =>
        string.Join(Environment.NewLine, directory.GetFiles("*errors.log").Select(file => File.ReadAllText(file.FullName)));

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
