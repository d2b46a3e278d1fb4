using System.Diagnostics;
using System.Globalization;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// The registrar against SIPp (Debian package sip-tester), an independent SIP implementation playing a Cisco phone.
/// Without sipp on the PATH the tests fail when CI=true and otherwise return after a diagnostic line (no skips).
/// </summary>
public sealed class RegistrarSippTests
{
    [Theory(Timeout = 90_000)]
    [InlineData("sipp-register-own-line.xml", "1901")]
    [InlineData("sipp-register-foreign-line.xml", "1001")]
    public async Task Sipp_RegisterAsPhone1_OwnLine200ForeignLine403(string scenario, string dn)
    {
        var sipp = FindOnPath("sipp");
        if (sipp is null)
        {
            Assert.False(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "sipp is not installed, but CI=true: install Debian package sip-tester in .ci/run.");
            const string NotRun = "sipp is not on the PATH: SIPp registrar test NOT run (install sip-tester).";
            TestContext.Current.SendDiagnosticMessage(NotRun);
            TestContext.Current.TestOutputHelper?.WriteLine(NotRun);
            return;
        }

        await using var lab = await StartAsync();
        var server = lab.Node.SipEndPoint!;
        var workDirectory = Directory.CreateTempSubdirectory("emx-sipp-register-");
        try
        {
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
                $"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}", "-sf", Path.Combine(AppContext.BaseDirectory, "Sipp", scenario),
                "-key", "dn", dn, "-key", "mac", Phone1[3..],
                "-m", "3", "-r", "10", "-t", "u1", "-i", "127.0.0.1", "-bind_local", "-nostdin",
                "-recv_timeout", "5000", "-timeout", "20s", "-timeout_error", "-trace_err",
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(Ct);
            var errors = process.StandardError.ReadToEndAsync(Ct);
            using var within = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            within.CancelAfter(TimeSpan.FromSeconds(60));
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
            var bound = (await lab.RegistrationsAsync(Phone1)).Select(r => r.Aor).ToList();
            Assert.Equal(dn == "1901" ? ["1901"] : [], bound);
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
