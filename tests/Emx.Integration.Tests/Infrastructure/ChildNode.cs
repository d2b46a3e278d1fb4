using System.Diagnostics;

namespace Emx.Integration.Tests.Infrastructure;

/// <summary><c>dotnet emx.dll serve --config FILE</c> as a child process, which a test can kill like a power cut (SIGKILL).</summary>
public sealed class ChildNode : IAsyncDisposable
{
    private readonly Process _process;

    private ChildNode(Process process, CapturingWriter stdout, CapturingWriter stderr)
    {
        _process = process;
        Stdout = stdout;
        Stderr = stderr;
    }

    public CapturingWriter Stdout { get; }

    public CapturingWriter Stderr { get; }

    /// <summary>The node's HTTP base URL, as it printed it.</summary>
    public Uri BaseUrl { get; private set; } = new("http://invalid/");

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the process and waits until it prints its health URL.</summary>
    public static async Task<ChildNode> StartAsync(string configFile, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { TestEnvironment.EmxDll, "serve", "--config", configFile, "--log-level", "Warning" })
        {
            start.ArgumentList.Add(argument);
        }

        var stdout = new CapturingWriter();
        var stderr = new CapturingWriter();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { stdout.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { stderr.WriteLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ChildNode(process, stdout, stderr);
        try
        {
            using var limit = Timeouts.After(timeout);
            var exited = process.WaitForExitAsync(limit.Token);
            var health = stdout.WaitForLineAsync(l => l.TrimStart().StartsWith("health", StringComparison.Ordinal), limit.Token);
            if (await Task.WhenAny(health, exited) != health || !health.IsCompletedSuccessfully)
            {
                Assert.Fail($"emx serve did not start (exited: {process.HasExited})\nstdout:\n{stdout}\nstderr:\n{stderr}");
            }

            var url = new Uri((await health).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
            child.BaseUrl = new Uri(url.GetLeftPart(UriPartial.Authority) + "/");
            return child;
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>The dotnet host running the tests (so the child uses the same runtime).</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        return Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    /// <summary>SIGKILL: no shutdown code runs, like a power cut or the OOM killer.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var limit = Timeouts.After(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(limit.Token);
    }

    /// <summary>SIGTERM (what systemd, docker stop and kill send), then waits for the exit; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!)
        {
            await kill.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, kill.ExitCode);
        }

        using var limit = Timeouts.After(timeout);
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }
}
