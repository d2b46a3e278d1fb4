namespace Emx.Bench;

/// <summary>The options of <c>emx bench emcc</c>.</summary>
public sealed record EmccBenchOptions
{
    /// <summary>
    /// The largest <see cref="Users"/>: the home cluster needs one EMCC device per user, and seed table 4's rule
    /// Phones + 2 x EMCC devices &lt;= MaxPhones (60,000) leaves (60,000 - the lab's 2 home phones) / 2.
    /// </summary>
    public const int MaxUsers = 29_999;

    /// <summary>The issue's target (issue 5, "Performance"): at least this many EMCC logins per second.</summary>
    public const double IssueTargetLoginsPerSecond = 100;

    /// <summary>The issue's target: login p50 under this (ms).</summary>
    public const double IssueTargetLoginP50Ms = 20;

    /// <summary>The issue's target: login p99 under this (ms).</summary>
    public const double IssueTargetLoginP99Ms = 100;

    /// <summary>Users at home (EMCC enabled, one device profile and a PIN each), as many EMCC phones at the visiting cluster, and as many EMCC devices at home. 1 to <see cref="MaxUsers"/>.</summary>
    public int Users { get; init; } = 100;

    /// <summary>Concurrent clients; each owns a disjoint set of phone/user pairs.</summary>
    public int Clients { get; init; } = 4;

    /// <summary>Measured seconds.</summary>
    public double DurationSeconds { get; init; } = 30;

    /// <summary>
    /// Seconds run before measuring (not counted in the latencies or throughput). Longer than <c>emx bench em</c>'s 5 s:
    /// with two nodes in one process on two cores, tier-1 JIT recompilation still took a fifth of the CPU 15-35 s in.
    /// </summary>
    public double WarmupSeconds { get; init; } = 20;

    /// <summary>EMCC logins per second below which the run fails. Default: the issue's 100.</summary>
    public double TargetLoginsPerSecond { get; init; } = IssueTargetLoginsPerSecond;

    /// <summary>Login p50 (ms) at or above which the run fails. Default: the issue's 20.</summary>
    public double TargetLoginP50Ms { get; init; } = IssueTargetLoginP50Ms;

    /// <summary>Login p99 (ms) at or above which the run fails. Default: the issue's 100.</summary>
    public double TargetLoginP99Ms { get; init; } = IssueTargetLoginP99Ms;

    /// <summary>Also write the report as a Markdown section to this file (overwritten).</summary>
    public FileInfo? Output { get; init; }

    /// <summary>Machine-readable output on stdout.</summary>
    public bool Json { get; init; }
}
