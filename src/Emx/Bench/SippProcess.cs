using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Emx.Bench;

/// <summary>One SIPp run as a client (UAC): what to send, where from, how fast and how many.</summary>
public sealed record SippClientRun
{
    /// <summary>The scenario file.</summary>
    public required string Scenario { get; init; }

    /// <summary>The injection file (-inf).</summary>
    public required string InjectionFile { get; init; }

    /// <summary>The server.</summary>
    public required IPEndPoint Remote { get; init; }

    /// <summary>The address and port SIPp sends from (its phones' contacts).</summary>
    public required IPEndPoint Local { get; init; }

    /// <summary>Calls started per second (-r, -rp 1000).</summary>
    public required double Rate { get; init; }

    /// <summary>Calls in all (-m).</summary>
    public required long Calls { get; init; }

    /// <summary>Calls open at once at most (-l).</summary>
    public required int Limit { get; init; }
}

/// <summary>What one SIPp client run did, read from its statistics, error and action logs.</summary>
public sealed record SippOutcome
{
    public required int ExitCode { get; init; }

    /// <summary>Wall-clock time of the run, process start to exit.</summary>
    public required double Seconds { get; init; }

    /// <summary>From the first timed request sent to the last answer (the scenarios' log), without SIPp's start and exit.</summary>
    public double? SpanSeconds { get; init; }

    public required long Successful { get; init; }

    public required long Failed { get; init; }

    public required long Retransmissions { get; init; }

    /// <summary>Failed calls by cause: an unexpected final answer by its status line ("405 Method Not Allowed"), else SIPp's category.</summary>
    public required IReadOnlyDictionary<string, long> Failures { get; init; }

    /// <summary>Response times by the scenario's label (register, invite, bye), microseconds.</summary>
    public required IReadOnlyDictionary<string, LatencyHistogram> Latency { get; init; }

    /// <summary>The end of SIPp's output and error log, for diagnostics.</summary>
    public required string LogTail { get; init; }

    /// <summary>Successful calls per second over <see cref="SpanSeconds"/> (else the whole run).</summary>
    public double AchievedRate => SpanSeconds is > 0 and var span ? Successful / span : Seconds > 0 ? Successful / Seconds : 0;
}

/// <summary>
/// Runs SIPp (Debian package sip-tester) for <c>emx bench sip</c>: a bounded client run whose statistics
/// (-trace_stat), unexpected answers (-trace_err) and per-call response times (the scenarios' gettimeofday log
/// actions, -trace_logs) are parsed into a <see cref="SippOutcome"/>, or a server (UAS) left running until stopped.
/// </summary>
public static partial class SippProcess
{
    /// <summary>The failure columns of SIPp's statistics file (cumulative "(C)" values), in the order they are reported.</summary>
    private static readonly string[] FailureColumns =
    [
        "FailedCannotSendMessage", "FailedMaxUDPRetrans", "FailedTcpConnect", "FailedTcpClosed", "FailedUnexpectedMessage",
        "FailedCallRejected", "FailedCmdNotSent", "FailedRegexpDoesntMatch", "FailedRegexpShouldntMatch", "FailedRegexpHdrNotFound",
        "FailedOutboundCongestion", "FailedTimeoutOnRecv", "FailedTimeoutOnSend",
    ];

    /// <summary>The sipp executable: <paramref name="configured"/>, or sipp on the PATH; null when there is none.</summary>
    public static string? Find(string? configured) =>
        configured is not null ? (File.Exists(configured) ? configured : null) : Executables.OnPath("sipp");

    /// <summary>SIPp's version line ("SIPp v3.6.1-...").</summary>
    public static async Task<string> VersionAsync(string sipp, CancellationToken cancellationToken)
    {
        var (_, output) = await Executables.RunAsync(sipp, ["-v"], TimeSpan.FromSeconds(10), cancellationToken);
        return output.Split('\n').Select(l => l.Trim().TrimEnd('.')).FirstOrDefault(l => l.StartsWith("SIPp", StringComparison.Ordinal)) ?? "SIPp (version unknown)";
    }

    /// <summary>Runs SIPp as a client until its calls are done (or <paramref name="timeout"/> passes: it is killed and the run fails).</summary>
    public static async Task<SippOutcome> RunClientAsync(string sipp, SippClientRun run, string workDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var directory = Directory.CreateDirectory(Path.Combine(workDirectory, "sipp-" + Guid.NewGuid().ToString("N")[..8]));
        string[] arguments =
        [
            run.Remote.ToString(), "-sf", run.Scenario, "-inf", run.InjectionFile,
            "-i", run.Local.Address.ToString(), "-p", Invariant(run.Local.Port), "-t", "u1",
            "-r", Invariant((long)Math.Max(1, Math.Round(run.Rate))), "-rp", "1000", "-m", Invariant(run.Calls), "-l", Invariant(run.Limit),
            "-nostdin", "-recv_timeout", "10000",
            "-trace_err", "-error_file", "errors.log",
            "-trace_stat", "-stf", "stats.csv", "-fd", "3600",
            "-trace_logs", "-log_file", "latency.log",
        ];

        var watch = Stopwatch.StartNew();
        var (exitCode, output) = await Executables.RunAsync(sipp, arguments, timeout, cancellationToken, directory.FullName);
        var seconds = watch.Elapsed.TotalSeconds;
        try
        {
            return Read(directory.FullName, exitCode, seconds, output);
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Starts SIPp as a server (UAS) on <paramref name="local"/>; it runs until the returned process is killed.</summary>
    public static Process StartServer(string sipp, string scenario, IPEndPoint local, string workDirectory)
    {
        ArgumentNullException.ThrowIfNull(local);
        var directory = Directory.CreateDirectory(Path.Combine(workDirectory, "sipp-uas-" + Guid.NewGuid().ToString("N")[..8]));
        var start = new ProcessStartInfo(sipp)
        {
            WorkingDirectory = directory.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-sf", scenario, "-i", local.Address.ToString(), "-p", Invariant(local.Port), "-t", "u1", "-nostdin", "-recv_timeout", "10000" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("sipp did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Parses the files of one run (internal for tests).</summary>
    internal static SippOutcome Read(string directory, int exitCode, double seconds, string output)
    {
        var stats = ReadStats(Path.Combine(directory, "stats.csv"));
        var errors = File.Exists(Path.Combine(directory, "errors.log")) ? File.ReadAllText(Path.Combine(directory, "errors.log")) : string.Empty;
        var failed = Column(stats, "FailedCall(C)");
        var failures = new SortedDictionary<string, long>(StringComparer.Ordinal);

        // Unexpected answers by status line; the rest of the failures by SIPp's own categories.
        long byStatus = 0;
        foreach (Match m in UnexpectedAnswer().Matches(errors))
        {
            var status = m.Groups[1].Value.Trim();
            failures[status] = failures.GetValueOrDefault(status) + 1;
            byStatus++;
        }

        foreach (var column in FailureColumns)
        {
            var count = Column(stats, column + "(C)");
            if (column == "FailedUnexpectedMessage")
            {
                count -= byStatus;
            }

            if (count > 0)
            {
                failures[column] = count;
            }
        }

        var latency = new Dictionary<string, LatencyHistogram>(StringComparer.Ordinal);
        double firstSent = double.MaxValue, lastDone = double.MinValue;
        var latencyFile = Path.Combine(directory, "latency.log");
        if (File.Exists(latencyFile))
        {
            // label;elapsed microseconds;answer's seconds;answer's microseconds (the scenarios' log actions).
            foreach (var line in File.ReadLines(latencyFile))
            {
                var fields = line.Split(';');
                if (fields.Length < 2 || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var micros))
                {
                    continue;
                }

                if (!latency.TryGetValue(fields[0], out var histogram))
                {
                    latency[fields[0]] = histogram = new LatencyHistogram();
                }

                histogram.Record((long)micros);
                if (fields.Length >= 4
                    && double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var doneSeconds)
                    && double.TryParse(fields[3], NumberStyles.Float, CultureInfo.InvariantCulture, out var doneMicros))
                {
                    var done = doneSeconds + (doneMicros / 1e6);
                    lastDone = Math.Max(lastDone, done);
                    firstSent = Math.Min(firstSent, done - (micros / 1e6));
                }
            }
        }

        var tail = (output + Environment.NewLine + errors).Trim();
        return new SippOutcome
        {
            ExitCode = exitCode,
            Seconds = seconds,
            SpanSeconds = lastDone > firstSent ? lastDone - firstSent : null,
            Successful = Column(stats, "SuccessfulCall(C)"),
            Failed = failed,
            Retransmissions = Column(stats, "Retransmissions(C)"),
            Failures = failures,
            Latency = latency,
            LogTail = tail.Length <= 3000 ? tail : tail[^3000..],
        };
    }

    private static Dictionary<string, string> ReadStats(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return values;
        }

        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        if (lines.Count < 2)
        {
            return values;
        }

        var header = lines[0].Split(';');
        var last = lines[^1].Split(';');
        for (var i = 0; i < header.Length && i < last.Length; i++)
        {
            values[header[i]] = last[i];
        }

        return values;
    }

    private static long Column(Dictionary<string, string> stats, string name) =>
        stats.TryGetValue(name, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    // "Aborting call on unexpected message for Call-Id '...': while expecting '200' (index 3), received 'SIP/2.0 405 Method Not Allowed"
    [GeneratedRegex(@"Aborting call on unexpected message for Call-Id '[^']*': while [^\r\n]*?, received 'SIP/2\.0 (\d{3}[^\r\n]*)")]
    private static partial Regex UnexpectedAnswer();
}

/// <summary>Finding and running the external programs of the SIP benchmark.</summary>
internal static class Executables
{
    /// <summary>The first <paramref name="name"/> on the PATH, then in <paramref name="extraDirectories"/>.</summary>
    public static string? OnPath(string name, params string[] extraDirectories) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(extraDirectories)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs a program to its end, bounded; returns its exit code and output (stdout then stderr), killed on timeout (exit code -1).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken, string? workDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (workDirectory is not null)
        {
            start.WorkingDirectory = workDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException(program + " did not start");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        within.CancelAfter(timeout);
        var exitCode = -1;
        try
        {
            await process.WaitForExitAsync(within.Token);
            exitCode = process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
        }

        var text = await output + Environment.NewLine + await errors;
        return (exitCode, text.Length <= 4000 ? text : text[^4000..]);
    }

    /// <summary>CPU seconds (utime + stime) of a process from /proc, or null.</summary>
    public static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>CPU seconds of the children this process has waited for (cutime + cstime of /proc/self/stat): the SIPp runs that ended.</summary>
    public static double ReapedChildrenCpuSeconds()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>The process ids whose parent is <paramref name="pid"/>.</summary>
    public static IEnumerable<int> Children(int pid)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.Integer, CultureInfo.InvariantCulture, out var child))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var parent) && parent == pid)
            {
                yield return child;
            }
        }
    }

    /// <summary>A field of /proc/PID/status or smaps_rollup in bytes ("VmRSS", "VmHWM", "Pss"), or null.</summary>
    public static long? ProcKib(string path, string field)
    {
        try
        {
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>A free UDP port on <paramref name="address"/> (bound and released: the next bind normally gets it).</summary>
    public static int FreeUdpPort(IPAddress address)
    {
        using var socket = new System.Net.Sockets.Socket(address.AddressFamily, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
