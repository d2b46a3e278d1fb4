using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Emx.Bench;

/// <summary>What <c>emx bench em</c> reports (the <c>--json</c> shape).</summary>
public sealed record EmBenchReport
{
    public required string Tool { get; init; }

    public required string Version { get; init; }

    public required MachineReport Machine { get; init; }

    public required RunReport Run { get; init; }

    /// <summary>Null when the run did not provision.</summary>
    public ProvisioningReport? Provisioning { get; init; }

    public required ResultsReport Results { get; init; }

    public required CpuReport Cpu { get; init; }

    /// <summary>How long the database's file system takes to make a write durable (fsync), before and after the load.</summary>
    public required StorageReport Storage { get; init; }

    /// <summary>The node's memory; null when it cannot be read (a remote node without --server-pid).</summary>
    public MemoryReport? Memory { get; init; }

    /// <summary>The node's Extension Mobility counters before and after the load.</summary>
    public required CountersReport ServerCounters { get; init; }

    public required TargetsReport Targets { get; init; }

    /// <summary>Zero errors, the targets met, not interrupted, and at least one pair done: exit code 0.</summary>
    public required bool Passed { get; init; }
}

/// <summary>The machine the benchmark ran on.</summary>
public sealed record MachineReport(int Cores, string Cpu, long MemoryBytes, string Os, string Runtime, string Architecture, bool OptimizedBuild)
{
    /// <summary>This machine.</summary>
    public static MachineReport Current() => new(
        Environment.ProcessorCount,
        ProcLine("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        ProcLine("/proc/meminfo", "MemTotal") is { } total && long.TryParse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture, out var kib)
            ? kib * 1024
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        typeof(MachineReport).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true);

    private static string? ProcLine(string path, string key)
    {
        try
        {
            return File.Exists(path)
                ? File.ReadLines(path).Where(l => l.StartsWith(key, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault()
                : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>How the run was set up.</summary>
public sealed record RunReport
{
    public required string Url { get; init; }

    public required bool InProcess { get; init; }

    public required int Phones { get; init; }

    public required int Clients { get; init; }

    public required double WarmupSeconds { get; init; }

    public required double DurationSeconds { get; init; }

    /// <summary>The measured window as it really ran (shorter when interrupted).</summary>
    public required double MeasuredSeconds { get; init; }

    public required bool Interrupted { get; init; }
}

/// <summary>The provisioning done before the run.</summary>
public sealed record ProvisioningReport(double Seconds, int Documents, int Created, int Updated, int Unchanged, int MaximumConcurrentRequestsBefore, int MaximumConcurrentRequestsAfter);

/// <summary>Throughput, latency and errors.</summary>
public sealed record ResultsReport
{
    /// <summary>Login+logout pairs whose logout completed in the measured window.</summary>
    public required long Pairs { get; init; }

    public required double PairsPerSecond { get; init; }

    /// <summary>Requests (logins and logouts) that completed in the measured window.</summary>
    public required long Requests { get; init; }

    public required double RequestsPerSecond { get; init; }

    /// <summary>Requests completed during the warm-up (not in the latencies).</summary>
    public required long WarmupRequests { get; init; }

    /// <summary>Per request type (login, logout, all), in milliseconds.</summary>
    public required IReadOnlyDictionary<string, LatencyReport> LatencyMs { get; init; }

    /// <summary>Every non-success over the whole run, warm-up included.</summary>
    public required long Errors { get; init; }

    /// <summary>"EM error N", "HTTP N", "timeout", "connection: ...".</summary>
    public required IReadOnlyDictionary<string, long> ErrorsByCode { get; init; }

    /// <summary>The lowest pairs/s over one sampling interval (about a second) of the window: what was sustained.</summary>
    public double? SlowestSecondPairsPerSecond { get; init; }

    /// <summary>Seconds into the window and pairs/s over the interval ending there.</summary>
    public required IReadOnlyList<double[]> PairsPerSecondSamples { get; init; }
}

/// <summary>Latency percentiles of one request type, in milliseconds.</summary>
public sealed record LatencyReport(long Count, double P50, double P95, double P99, double Max, double Mean)
{
    /// <summary>From a histogram of microseconds.</summary>
    public static LatencyReport Of(LatencyHistogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        return new LatencyReport(histogram.Count, Ms(histogram.Percentile(50)), Ms(histogram.Percentile(95)), Ms(histogram.Percentile(99)), Ms(histogram.Max), Math.Round(histogram.Mean / 1000, 3));
    }

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}

/// <summary>CPU time used during the measured window.</summary>
public sealed record CpuReport(CpuFigure? Server, CpuFigure? Client)
{
    internal static CpuReport Of(Sample? first, Sample? last, double seconds, int? serverPid, bool inProcess)
    {
        if (first is null || last is null || seconds <= 0)
        {
            return new CpuReport(null, null);
        }

        var own = CpuFigure.Of(inProcess ? "emx process: in-process node and load generator together" : "load generator (this process)", last.OwnCpuSeconds - first.OwnCpuSeconds, seconds);
        if (inProcess)
        {
            return new CpuReport(own, null);
        }

        var server = serverPid is { } pid && first.ServerCpuSeconds is { } a && last.ServerCpuSeconds is { } b
            ? CpuFigure.Of($"node (pid {pid})", b - a, seconds)
            : null;
        return new CpuReport(server, own);
    }
}

/// <summary>CPU seconds over a window and as a share of all the machine's cores.</summary>
public sealed record CpuFigure(string Label, double Seconds, double PercentOfMachine, double WindowSeconds)
{
    internal static CpuFigure Of(string label, double seconds, double window) =>
        new(label, Math.Round(seconds, 2), Math.Round(seconds / (window * Environment.ProcessorCount) * 100, 1), Math.Round(window, 2));
}

/// <summary>The node's memory over the measured window (one sample a second).</summary>
public sealed record MemoryReport
{
    public required string Of { get; init; }

    public required long RssStartBytes { get; init; }

    public required long RssEndBytes { get; init; }

    public required long RssMaxBytes { get; init; }

    /// <summary>Managed heap (in-process only).</summary>
    public long? GcHeapStartBytes { get; init; }

    public long? GcHeapEndBytes { get; init; }

    /// <summary>Gen 2 collections during the window (in-process only).</summary>
    public long? Gen2Collections { get; init; }

    /// <summary>Seconds into the window and RSS in MiB.</summary>
    public required IReadOnlyList<double[]> RssMibSamples { get; init; }

    internal static MemoryReport? From(IReadOnlyList<Sample> samples, bool available)
    {
        var rss = samples.Where(s => s.ServerRssBytes is not null).ToList();
        if (!available || rss.Count == 0)
        {
            return null;
        }

        var first = rss[0];
        var last = rss[^1];
        return new MemoryReport
        {
            Of = first.InProcess ? "emx process (node and load generator)" : "node",
            RssStartBytes = first.ServerRssBytes!.Value,
            RssEndBytes = last.ServerRssBytes!.Value,
            RssMaxBytes = rss.Max(s => s.ServerRssBytes!.Value),
            GcHeapStartBytes = first.GcHeapBytes,
            GcHeapEndBytes = last.GcHeapBytes,
            Gen2Collections = last.Gen2 - first.Gen2,
            RssMibSamples = [.. rss.Select(s => new[] { Math.Round(s.Seconds, 1), Math.Round(s.ServerRssBytes!.Value / (1024.0 * 1024), 1) })],
        };
    }
}

/// <summary>The node's Extension Mobility counters (GET /api/v1/counters/extensionMobility) around the load.</summary>
public sealed record CountersReport(JsonElement? Before, JsonElement? After);

/// <summary>The targets asked for and whether they were met.</summary>
public sealed record TargetsReport(double? PairsPerSecond, double? P99Ms, bool Met);

/// <summary>The storage's fsync latency where the database lives (in-process) or in the temporary directory (remote).</summary>
public sealed record StorageReport(string Directory, FsyncReport Before, FsyncReport After);

/// <summary>fsync latency of 16 KiB written over a preallocated 4 MiB file (as a reused WAL is), in milliseconds.</summary>
public sealed record FsyncReport(int Count, double P50Ms, double MeanMs, double P99Ms, double MaxMs);

/// <summary>Measures how long the file system takes to make a small write durable: the floor of a durable commit.</summary>
internal static class FsyncProbe
{
    public static FsyncReport Measure(string directory, int count = 200)
    {
        var path = Path.Combine(directory, $"emx-bench-fsync-{Environment.ProcessId}.tmp");
        var latencies = new double[count];
        var block = new byte[16 * 1024];
        const int FileBytes = 4 * 1024 * 1024;
        try
        {
            // Like a reused WAL: overwrite within a file whose size does not change, so only the data is flushed.
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            file.Write(new byte[FileBytes]);
            file.Flush(flushToDisk: true);
            for (var i = 0; i < count; i++)
            {
                file.Position = (long)i * block.Length % FileBytes;
                file.Write(block);
                var started = Stopwatch.GetTimestamp();
                file.Flush(flushToDisk: true);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }
        finally
        {
            File.Delete(path);
        }

        Array.Sort(latencies);
        return new FsyncReport(count, Math.Round(latencies[count / 2], 3), Math.Round(latencies.Average(), 3), Math.Round(latencies[(int)(count * 0.99)], 3), Math.Round(latencies[^1], 3));
    }
}

/// <summary>CPU and memory at one moment of the run.</summary>
internal sealed record Sample(long Timestamp, double Seconds, bool InProcess, double OwnCpuSeconds, double? ServerCpuSeconds, long? ServerRssBytes, long? GcHeapBytes, long? Gen2, long Pairs)
{
    public static Sample Take(long measureStart, int? serverPid, bool inProcess, long pairs)
    {
        var now = Stopwatch.GetTimestamp();
        var own = Environment.CpuUsage.TotalTime.TotalSeconds;
        if (inProcess)
        {
            return new Sample(now, Stopwatch.GetElapsedTime(measureStart, now).TotalSeconds, true, own, own, Environment.WorkingSet, GC.GetTotalMemory(false), GC.CollectionCount(2), pairs);
        }

        var (cpu, rss) = serverPid is { } pid ? ReadProc(pid) : (null, null);
        return new Sample(now, Stopwatch.GetElapsedTime(measureStart, now).TotalSeconds, false, own, cpu, rss, null, null, pairs);
    }

    /// <summary>utime+stime (fields 14, 15, in clock ticks of 1/100 s) and rss (field 24, pages) of /proc/PID/stat.</summary>
    private static (double? CpuSeconds, long? RssBytes) ReadProc(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            var pages = long.Parse(fields[21], CultureInfo.InvariantCulture);
            return (ticks / 100.0, pages * Environment.SystemPageSize);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (null, null);
        }
    }
}
