using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Emx.Bench;

/// <summary>
/// Kamailio (Debian package kamailio) as <c>emx bench sip</c>'s reference: bench/kamailio/kamailio.cfg run in the
/// foreground (-DD: the creator does not daemonize, its worker processes are its children; -E: logs to stderr) on one
/// loopback address and port (-l), with shared and private memory sized for 60,000 contacts and the transactions of
/// the INVITE phase (-m, -M). Killed, with its workers, when disposed.
/// </summary>
public sealed class KamailioProcess : IAsyncDisposable
{
    /// <summary>Shared memory (MB): usrloc's 60,000 contacts take about 40 MB, INVITE transactions live 5 s after completion.</summary>
    public const int SharedMemoryMb = 1024;

    /// <summary>Private memory per process (MB).</summary>
    public const int PrivateMemoryMb = 16;

    /// <summary>UDP worker processes (two cores; Kamailio's default is 8).</summary>
    public const int Workers = 4;

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private KamailioProcess(Process process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    /// <summary>Where it listens (UDP).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>The main process id.</summary>
    public int Pid => _process.Id;

    /// <summary>The kamailio executable: <paramref name="configured"/>, or kamailio on the PATH or in /usr/sbin; null when there is none.</summary>
    public static string? Find(string? configured) =>
        configured is not null ? (File.Exists(configured) ? configured : null) : Executables.OnPath("kamailio", "/usr/sbin", "/usr/local/sbin");

    /// <summary>Kamailio's version line ("kamailio 5.6.3 (x86_64/linux)").</summary>
    public static async Task<string> VersionAsync(string kamailio, CancellationToken cancellationToken)
    {
        var (_, output) = await Executables.RunAsync(kamailio, ["-v"], TimeSpan.FromSeconds(10), cancellationToken);
        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("version:", StringComparison.Ordinal));
        return line is null ? "kamailio (version unknown)" : line["version:".Length..].Trim();

    }

    /// <summary>Starts it on <paramref name="address"/> (a free port) and waits until it answers an OPTIONS.</summary>
    public static async Task<KamailioProcess> StartAsync(string kamailio, string configFile, IPAddress address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var port = Executables.FreeUdpPort(address);
        var endPoint = new IPEndPoint(address, port);
        var start = new ProcessStartInfo(kamailio)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "-f", configFile, "-DD", "-E", "-l", "udp:" + endPoint, "-m", Invariant(SharedMemoryMb), "-M", Invariant(PrivateMemoryMb),
                     "-n", Invariant(Workers),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("kamailio did not start");
        var started = new KamailioProcess(process, endPoint);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(15), cancellationToken);
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    /// <summary>CPU seconds of the main process and its workers.</summary>
    public double CpuSeconds() => Processes().Sum(pid => Executables.CpuSeconds(pid) ?? 0);

    /// <summary>Proportional set size (shared memory split between the processes that map it) of all its processes, bytes.</summary>
    public long PssBytes() => Processes().Sum(pid => Executables.ProcKib($"/proc/{pid}/smaps_rollup", "Pss") ?? 0);

    /// <summary>The last lines it logged (diagnostics).</summary>
    public string LogTail()
    {
        lock (_log)
        {
            return _log.ToString();
        }
    }

    /// <summary>Kills it and its workers.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
        }

        _process.Dispose();
    }

    private IEnumerable<int> Processes() => _process.HasExited ? [] : [_process.Id, .. Executables.Children(_process.Id)];

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
            if (_log.Length > 8000)
            {
                _log.Remove(0, _log.Length - 4000);
            }
        }
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(EndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(EndPoint.Address, 0));
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var buffer = new byte[4096];
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        for (var attempt = 1; ; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"kamailio exited with {_process.ExitCode}:{Environment.NewLine}{LogTail()}");
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"kamailio did not answer OPTIONS on {EndPoint} within {timeout.TotalSeconds:0} s:{Environment.NewLine}{LogTail()}");
            }

            var options = Encoding.ASCII.GetBytes(
                $"OPTIONS sip:{EndPoint} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch=z9hG4bK-emxbench-{attempt}\r\nFrom: <sip:probe@{local}>;tag=probe\r\n" +
                $"To: <sip:{EndPoint}>\r\nCall-ID: emx-bench-probe-{attempt}\r\nCSeq: {attempt} OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
            await socket.SendToAsync(options, SocketFlags.None, EndPoint, cancellationToken);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromMilliseconds(200));
            try
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                if (received.ReceivedBytes > 8 && Encoding.ASCII.GetString(buffer, 0, 8) == "SIP/2.0 ")
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            catch (SocketException)
            {
                // ICMP port unreachable while it starts: try again.
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
