using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Emx.Integration.Tests.Infrastructure;

/// <summary>
/// A private OpenSSH server on 127.0.0.1 for the SFTP tests: generated host and client keys, the client key authorized,
/// internal-sftp, no PAM, no chroot, logging to stderr (<c>sshd -D -e</c>). Without sshd, sftp or ssh-keygen a test
/// fails when CI=true (.ci/run installs openssh-server and openssh-client) and otherwise writes a diagnostic and
/// returns, as the SIPp tests do. Disposing kills sshd and deletes everything.
/// </summary>
public sealed class Sshd : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly DirectoryInfo _directory;
    private readonly List<string> _log;

    private Sshd(Process process, DirectoryInfo directory, int port, string hostKey, List<string> log)
    {
        _process = process;
        _directory = directory;
        Port = port;
        HostKey = hostKey;
        _log = log;
    }

    public int Port { get; }

    /// <summary>The server's public host key as known_hosts writes it ("ssh-ed25519 AAAA...").</summary>
    public string HostKey { get; }

    /// <summary>The client's private key (authorized on the server; mode 0600).</summary>
    public string ClientKey => Path.Combine(_directory.FullName, "client");

    /// <summary>The user the client logs in as (the user running the tests).</summary>
    public static string UserName => Environment.UserName;

    /// <summary>A directory the SFTP user can write (absolute path, same on the server since there is no chroot).</summary>
    public string ShareDirectory => Path.Combine(_directory.FullName, "share");

    /// <summary>What sshd wrote so far (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>The sshd executable (absolute: sshd re-executes itself), or null after the CI check and a diagnostic.</summary>
    public static string? Find(string testName)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/usr/bin"]).ToList();
        string? Locate(string name) => path.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
        var sshd = Locate("sshd");
        var missing = new[] { ("sshd", sshd), ("sftp", Locate("sftp")), ("ssh-keygen", Locate("ssh-keygen")) }.Where(t => t.Item2 is null).Select(t => t.Item1).ToList();
        string? problem = missing.Count > 0 ? $"{string.Join(", ", missing)} not installed (Debian packages openssh-server, openssh-client)" : null;

        // sshd refuses to start without its privilege separation directory (the package's service unit creates it).
        if (problem is null && !Directory.Exists("/run/sshd"))
        {
            try
            {
                Directory.CreateDirectory("/run/sshd");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problem = $"/run/sshd does not exist and cannot be created ({ex.Message})";
            }
        }

        if (problem is null)
        {
            return sshd;
        }

        Assert.False(TestEnvironment.IsCi, $"{problem}, but CI=true: .ci/run must install openssh-server and openssh-client.");
        var notRun = $"{problem}: {testName} NOT run.";
        TestContext.Current.SendDiagnosticMessage(notRun);
        TestContext.Current.TestOutputHelper?.WriteLine(notRun);
        return null;
    }

    /// <summary>Generates keys and a configuration and starts sshd on a free port of 127.0.0.1; returns once it listens.</summary>
    public static async Task<Sshd> StartAsync(string sshd, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("emx-sshd-");
        Directory.CreateDirectory(Path.Combine(directory.FullName, "share"));
        var host = Path.Combine(directory.FullName, "host");
        var client = Path.Combine(directory.FullName, "client");
        await KeygenAsync(host, cancellationToken);
        await KeygenAsync(client, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory.FullName, "authorized_keys"), await File.ReadAllTextAsync(client + ".pub", cancellationToken), cancellationToken);
        var config = Path.Combine(directory.FullName, "sshd_config");
        await File.WriteAllLinesAsync(config,
        [
            "ListenAddress 127.0.0.1",
            $"HostKey {host}",
            $"AuthorizedKeysFile {Path.Combine(directory.FullName, "authorized_keys")}",
            "PidFile none",
            "UsePAM no",
            "StrictModes no",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "PermitRootLogin prohibit-password",
            $"AllowUsers {UserName}",
            "Subsystem sftp internal-sftp",
            "LogLevel VERBOSE",
        ], cancellationToken);

        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var start = new ProcessStartInfo(sshd) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-D", "-e", "-f", config, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var log = new List<string>();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("sshd exited"));
                return;
            }

            lock (log)
            {
                log.Add(e.Data);
            }

            if (e.Data.Contains("Server listening on", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        var server = new Sshd(process, directory, port, string.Join(' ', (await File.ReadAllTextAsync(host + ".pub", cancellationToken)).Split(' ').Take(2)), log);
        try
        {
            await listening.Task.WaitAsync(StartLimit, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            var text = server.Log;
            await server.DisposeAsync();
            Assert.Fail($"sshd did not start listening within {StartLimit.TotalSeconds} s: {ex.Message}\n{text}");
        }

        return server;
    }

    private static async Task KeygenAsync(string path, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ssh-keygen") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-q", "-t", "ed25519", "-N", "", "-C", "emx-test", "-f", path })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        within.CancelAfter(TimeSpan.FromSeconds(20));
        var errors = process.StandardError.ReadToEndAsync(within.Token);
        await process.WaitForExitAsync(within.Token);
        Assert.True(process.ExitCode == 0, $"ssh-keygen failed: {await errors}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _process.WaitForExitAsync(bounded.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or did not exit within 5 s after SIGKILL (nothing more can be done).
        }
        finally
        {
            _process.Dispose();
            try
            {
                _directory.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
