namespace Emx.Bench;

/// <summary>What <c>emx bench sip</c> reports (the <c>--json</c> shape).</summary>
public sealed record SipBenchReport
{
    public required string Tool { get; init; }

    public required string Version { get; init; }

    public required MachineReport Machine { get; init; }

    public required SipRunReport Run { get; init; }

    /// <summary>fsync latency where emx's SQLite database lives, before and after the load (null without emx).</summary>
    public StorageReport? Storage { get; init; }

    /// <summary>The REGISTER phase, then the INVITE phase (unless skipped).</summary>
    public required IReadOnlyList<SipPhaseReport> Phases { get; init; }

    /// <summary>The 60,000-device memory check (null unless asked for).</summary>
    public SipMemoryReport? Memory { get; init; }

    /// <summary>Every target evaluated was met, and the run was not interrupted: exit code 0.</summary>
    public required bool Passed { get; init; }
}

/// <summary>How the run was set up.</summary>
public sealed record SipRunReport
{
    public required int Phones { get; init; }

    /// <summary>"search" (the highest sustained rate, then a measured run at it) or "fixed" (one measured run at --rate).</summary>
    public required string Method { get; init; }

    public double? FixedRate { get; init; }

    public required double TrialSeconds { get; init; }

    public required double DurationSeconds { get; init; }

    public required double StartRate { get; init; }

    public required double MaxRate { get; init; }

    /// <summary>A run sustains its rate only with a p99 at most this.</summary>
    public required double P99BoundMs { get; init; }

    /// <summary>emx's share of Kamailio's rate that passes.</summary>
    public required double TargetRatio { get; init; }

    public required IReadOnlyList<string> Targets { get; init; }

    public required string Sipp { get; init; }

    public string? Kamailio { get; init; }

    /// <summary>emx's SIP address (in-process node, SQLite synchronous=FULL).</summary>
    public string? EmxSip { get; init; }

    public string? KamailioSip { get; init; }

    /// <summary>The address the SIPp phones send from.</summary>
    public required string LoadAddress { get; init; }

    public required bool Interrupted { get; init; }

    /// <summary>/proc/loadavg (1, 5, 15 minutes) when the run started and ended: other work on the machine shows here.</summary>
    public string? LoadAverageStart { get; init; }

    public string? LoadAverageEnd { get; init; }
}

/// <summary>One phase (REGISTER or INVITE), both targets side by side.</summary>
public sealed record SipPhaseReport
{
    /// <summary>"register" or "invite".</summary>
    public required string Name { get; init; }

    public SipTargetResult? Emx { get; init; }

    public SipTargetResult? Kamailio { get; init; }

    /// <summary>emx's rate over Kamailio's (null unless both ran and Kamailio sustained a rate).</summary>
    public double? Ratio { get; init; }

    /// <summary>Whether the phase met its target: the ratio with both targets, else the target's own run.</summary>
    public required bool Passed { get; init; }
}

/// <summary>One target's result in one phase.</summary>
public sealed record SipTargetResult
{
    /// <summary>"emx" or "kamailio".</summary>
    public required string Target { get; init; }

    /// <summary>"ok" (a rate was sustained), "unsupported" (every call refused as not implemented: 405/501), "failed".</summary>
    public required string Status { get; init; }

    /// <summary>Why, when not ok.</summary>
    public string? Reason { get; init; }

    /// <summary>The measured run's successful transactions per second (0 when none was sustained).</summary>
    public required double RatePerSecond { get; init; }

    /// <summary>The measured run's offered rate (null when no run was measured).</summary>
    public double? OfferedRate { get; init; }

    /// <summary>Whether the measured run met every criterion (no failure, at least 95 % of the offered rate, p99 within the bound).</summary>
    public required bool Sustained { get; init; }

    public required double MeasuredSeconds { get; init; }

    public required long Successful { get; init; }

    public required long Failed { get; init; }

    public required long Retransmissions { get; init; }

    /// <summary>The phase's transaction (REGISTER, or INVITE to 200) in the measured run, ms.</summary>
    public LatencyReport? LatencyMs { get; init; }

    /// <summary>Other transactions of the measured run (the BYE of the INVITE phase), ms.</summary>
    public IReadOnlyDictionary<string, LatencyReport> OtherLatencyMs { get; init; } = new Dictionary<string, LatencyReport>(StringComparer.Ordinal);

    /// <summary>Failures by cause over every run of the phase (status line of an unexpected answer, or SIPp's category).</summary>
    public required IReadOnlyDictionary<string, long> FailuresByCause { get; init; }

    /// <summary>CPU of the server and of SIPp during the measured run, % of all cores.</summary>
    public double? ServerCpuPercent { get; init; }

    public double? LoadGeneratorCpuPercent { get; init; }

    /// <summary>Every run: the search's trials and the measured run(s).</summary>
    public required IReadOnlyList<SipTrialReport> Trials { get; init; }
}

/// <summary>
/// One SIPp run of a phase: its kind ("prime": registering the lines first, "search" or "measure"), the offered and
/// achieved rates per second, the calls that succeeded and failed, retransmissions, p50 and p99 in ms, and whether
/// it sustained the offered rate.
/// </summary>
public sealed record SipTrialReport(string Kind, double Offered, double Achieved, long Successful, long Failed, long Retransmissions, double P50Ms, double P99Ms, bool Passed);

/// <summary>The memory check: many devices registered to emx (and Kamailio for comparison).</summary>
public sealed record SipMemoryReport
{
    public required int Devices { get; init; }

    /// <summary>Addresses of record with a live binding in emx's database after the registration.</summary>
    public long? EmxRegistered { get; init; }

    public double? EmxRegisterSeconds { get; init; }

    public long? EmxRegisterFailed { get; init; }

    /// <summary>The emx process's resident set after provisioning the devices, before they register (forced GC).</summary>
    public long? EmxRssBeforeBytes { get; init; }

    /// <summary>The resident set right after the registration (forced full GC), the completed REGISTER transactions still held (Timer J, 32 s).</summary>
    public long? EmxRssWithTransactionsBytes { get; init; }

    /// <summary>Managed heap in use then.</summary>
    public long? EmxGcHeapWithTransactionsBytes { get; init; }

    /// <summary>The emx process's resident set with every device registered, 34 s later (the transactions gone), after a forced full compacting GC.</summary>
    public long? EmxRssBytes { get; init; }

    /// <summary>Managed heap in use then.</summary>
    public long? EmxGcHeapBytes { get; init; }

    /// <summary>The process's peak resident set (VmHWM) over its life, provisioning included.</summary>
    public long? EmxPeakRssBytes { get; init; }

    public required long LimitBytes { get; init; }

    /// <summary>Kamailio's proportional set size (all processes) with the same devices registered (in memory).</summary>
    public long? KamailioPssBytes { get; init; }

    public long? KamailioRegistered { get; init; }

    public string? Reason { get; init; }

    /// <summary>Every device registered to emx and its resident set within the limit, at once and 34 s later.</summary>
    public required bool Passed { get; init; }
}
