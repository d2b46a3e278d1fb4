using System.Diagnostics;
using Xunit;

namespace Emx.Testing;

/// <summary>
/// Runs SIPp (Debian package sip-tester), the independent SIP implementation the interop tests talk to. Without sipp
/// on the PATH a test fails when CI=true (so CI can never pass without it) and otherwise writes a diagnostic line and
/// returns (xunit's skip is not used: a local run without sipp stays visible in the diagnostics).
/// </summary>
public static class Sipp
{
    /// <summary>The sipp executable, or null (after the CI check and a diagnostic) when it is not installed.</summary>
    public static string? Find(string testName)
    {
        var sipp = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "sipp"))
            .FirstOrDefault(File.Exists);
        if (sipp is null)
        {
            Assert.False(
                string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                "sipp is not installed, but CI=true: install Debian package sip-tester in .ci/run.");
            var notRun = $"sipp is not on the PATH: {testName} NOT run (install sip-tester).";
            TestContext.Current.SendDiagnosticMessage(notRun);
            TestContext.Current.TestOutputHelper?.WriteLine(notRun);
        }

        return sipp;
    }

    /// <summary>Runs sipp in a scratch directory, bounded in time; returns its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Log)> RunAsync(string sipp, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var workDirectory = Directory.CreateTempSubdirectory("emx-sipp-");
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
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            within.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(within.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            var errorLogs = workDirectory.GetFiles("*errors.log").Select(file => File.ReadAllText(file.FullName));
            var log = string.Join(Environment.NewLine, [await output, await errors, .. errorLogs]);
            return (process.ExitCode, log.Length <= 12000 ? log : log[^12000..]);
        }
        finally
        {
            workDirectory.Delete(recursive: true);
        }
    }
}
