using System.Net;

namespace Emx.Bench;

/// <summary>Which registrar/proxy <c>emx bench sip</c> measures.</summary>
public enum SipBenchTarget
{
    /// <summary>emx and Kamailio, side by side in the same run.</summary>
    Both,

    /// <summary>emx only (no ratio).</summary>
    Emx,

    /// <summary>Kamailio only (no ratio).</summary>
    Kamailio,
}

/// <summary>The options of <c>emx bench sip</c>.</summary>
public sealed record SipBenchOptions
{
    /// <summary>Phones, each with one line (directory number) of its own: the REGISTER population; half call the other half.</summary>
    public int Phones { get; init; } = 1000;

    /// <summary>A fixed offered rate (calls per second) for both phases; null searches for the highest sustained rate.</summary>
    public double? Rate { get; init; }

    /// <summary>
    /// Seconds of the measured run at the rate found (or given): longer than RFC 3261 Timer J (32 s), so a server that
    /// holds each completed transaction for it (emx) has reached its steady state.
    /// </summary>
    public double DurationSeconds { get; init; } = 40;

    /// <summary>Seconds of each trial of the search.</summary>
    public double TrialSeconds { get; init; } = 4;

    /// <summary>The search's first offered rate, per second.</summary>
    public double StartRate { get; init; } = 100;

    /// <summary>The search's highest offered rate, per second.</summary>
    public double MaxRate { get; init; } = 40_000;

    /// <summary>A trial sustains its rate only with a p99 response time at most this (ms).</summary>
    public double P99BoundMs { get; init; } = 100;

    /// <summary>emx's share of Kamailio's rate that passes (0.5: the target).</summary>
    public double TargetRatio { get; init; } = 0.5;

    /// <summary>Which servers to measure.</summary>
    public SipBenchTarget Target { get; init; } = SipBenchTarget.Both;

    /// <summary>Skip the INVITE phase.</summary>
    public bool SkipInvite { get; init; }

    /// <summary>Register <see cref="MemoryPhones"/> devices to emx and report its memory after a forced GC.</summary>
    public bool MemoryCheck { get; init; }

    /// <summary>Devices registered by the memory check (Cisco's MaxPhones: 60,000).</summary>
    public int MemoryPhones { get; init; } = 60_000;

    /// <summary>The memory check passes with the process's resident set at most this (bytes; 1 GB).</summary>
    public long MemoryLimitBytes { get; init; } = 1_000_000_000;

    /// <summary>Also write the results as a markdown snippet to this file.</summary>
    public FileInfo? Output { get; init; }

    /// <summary>Machine-readable output on stdout.</summary>
    public bool Json { get; init; }

    /// <summary>The sipp executable; null looks on the PATH.</summary>
    public string? SippPath { get; init; }

    /// <summary>The kamailio executable; null looks on the PATH, then /usr/sbin.</summary>
    public string? KamailioPath { get; init; }

    /// <summary>Loopback address Kamailio listens on.</summary>
    public IPAddress KamailioAddress { get; init; } = IPAddress.Parse("127.0.9.1");

    /// <summary>Loopback address the in-process emx node listens on.</summary>
    public IPAddress EmxAddress { get; init; } = IPAddress.Parse("127.0.9.2");

    /// <summary>Loopback address the SIPp phones send from.</summary>
    public IPAddress LoadAddress { get; init; } = IPAddress.Parse("127.0.9.3");
}
