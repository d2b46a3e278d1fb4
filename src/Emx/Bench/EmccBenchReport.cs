namespace Emx.Bench;

/// <summary>What <c>emx bench emcc</c> reports (the <c>--json</c> shape). Machine, latency, CPU, memory and storage as <c>emx bench em</c>.</summary>
public sealed record EmccBenchReport
{
    public required string Tool { get; init; }

    public required string Version { get; init; }

    public required MachineReport Machine { get; init; }

    public required EmccRunReport Run { get; init; }

    public required EmccProvisioningReport Provisioning { get; init; }

    public required EmccResultsReport Results { get; init; }

    public required CpuReport Cpu { get; init; }

    /// <summary>fsync latency where both clusters' SQLite files live, before and after the load.</summary>
    public required StorageReport Storage { get; init; }

    /// <summary>The emx process (both nodes and the load generator) over the measured window.</summary>
    public MemoryReport? Memory { get; init; }

    /// <summary>
    /// The machine's 1-minute load average (/proc/loadavg) before and after the load, null where unreadable: other
    /// processes' demand for the same cores, which every figure here shares them with.
    /// </summary>
    public double[]? LoadAverage { get; init; }

    /// <summary>RSS of the emx process before the nodes started, after provisioning, and after the load.</summary>
    public required EmccRssReport Rss { get; init; }

    public required EmccTargetsReport Targets { get; init; }

    /// <summary>Zero errors, the targets met, not interrupted, and at least one pair done: exit code 0.</summary>
    public required bool Passed { get; init; }
}

/// <summary>How the run was set up.</summary>
public sealed record EmccRunReport
{
    /// <summary>The home cluster's EMApp base URL (logouts).</summary>
    public required string HomeUrl { get; init; }

    /// <summary>The visiting cluster's EMApp base URL (logins).</summary>
    public required string VisitingUrl { get; init; }

    /// <summary>How the clusters reach each other's EMService.</summary>
    public required string InterCluster { get; init; }

    public required int Users { get; init; }

    public required int Clients { get; init; }

    public required double WarmupSeconds { get; init; }

    public required double DurationSeconds { get; init; }

    /// <summary>The measured window as it really ran (shorter when interrupted).</summary>
    public required double MeasuredSeconds { get; init; }

    public required bool Interrupted { get; init; }
}

/// <summary>Provisioning of the two clusters before the load (nodes' start included).</summary>
public sealed record EmccProvisioningReport(double Seconds, int HomeCreated, int VisitingCreated, int EmccDevicesInserted);

/// <summary>Throughput, latency and errors.</summary>
public sealed record EmccResultsReport
{
    /// <summary>Login+logout pairs whose logout completed in the measured window.</summary>
    public required long Pairs { get; init; }

    public required double PairsPerSecond { get; init; }

    /// <summary>Successful EMCC logins completed in the measured window, per second.</summary>
    public required double LoginsPerSecond { get; init; }

    /// <summary>Requests completed during the warm-up (not in the latencies).</summary>
    public required long WarmupRequests { get; init; }

    /// <summary>Login (visiting EMApp) and logout (home EMApp), in milliseconds; successes and failures alike.</summary>
    public required IReadOnlyDictionary<string, LatencyReport> LatencyMs { get; init; }

    /// <summary>Every non-success over the whole run, warm-up included.</summary>
    public required long Errors { get; init; }

    /// <summary>"login 208", "logout 19", "login HTTP 500", "login timeout", "logout connection: ...", "login unrecognised answer".</summary>
    public required IReadOnlyDictionary<string, long> ErrorsByCode { get; init; }

    /// <summary>The lowest pairs/s over one sampling interval (about a second) of the window: what was sustained.</summary>
    public double? SlowestSecondPairsPerSecond { get; init; }

    /// <summary>Seconds into the window and pairs/s over the interval ending there.</summary>
    public required IReadOnlyList<double[]> PairsPerSecondSamples { get; init; }
}

/// <summary>RSS of the emx process at three moments.</summary>
public sealed record EmccRssReport(long BeforeStartBytes, long AfterProvisioningBytes, long AfterLoadBytes);

/// <summary>The targets, where they come from, and whether each was met.</summary>
public sealed record EmccTargetsReport(
    string Source, double LoginsPerSecond, double LoginP50Ms, double LoginP99Ms, bool LoginsPerSecondMet, bool LoginP50Met, bool LoginP99Met)
{
    public bool Met => LoginsPerSecondMet && LoginP50Met && LoginP99Met;
}
