namespace Emx.Bench;

/// <summary>The options of <c>emx bench em</c>.</summary>
public sealed record EmBenchOptions
{
    /// <summary>A running node's HTTP base URL; null starts an in-process node on 127.0.0.1 with a temporary SQLite database.</summary>
    public Uri? Url { get; init; }

    /// <summary>Phones, and as many users (one device profile each).</summary>
    public int Phones { get; init; } = 1000;

    /// <summary>Concurrent clients; each owns a disjoint set of phone/user pairs.</summary>
    public int Clients { get; init; } = 32;

    /// <summary>Measured seconds.</summary>
    public double DurationSeconds { get; init; } = 60;

    /// <summary>Seconds run before measuring (not counted in the latencies or throughput).</summary>
    public double WarmupSeconds { get; init; } = 5;

    /// <summary>Administrator of the node (provisioning, settings, counters).</summary>
    public string AdminUser { get; init; } = "admin";

    /// <summary>Administrator password (remote node only; the in-process node gets a generated one).</summary>
    public string? AdminPassword { get; init; }

    /// <summary>Create the phones, users, profiles, model and proxy user, and raise Maximum Concurrent Requests to 100 (idempotent).</summary>
    public bool Provision { get; init; }

    /// <summary>The EM API application user (Standard EM Authentication Proxy Rights) the clients act as.</summary>
    public string AppUser { get; init; } = "emxbench-api";

    /// <summary>Its password.</summary>
    public string AppPassword { get; init; } = "emx-bench-api-secret";

    /// <summary>The process id of a remote node on this machine, to read its CPU time and RSS from /proc.</summary>
    public int? ServerPid { get; init; }

    /// <summary>Pairs per second below which the exit code is 1.</summary>
    public double? TargetPairsPerSecond { get; init; }

    /// <summary>p99 (per request, ms) above which the exit code is 1.</summary>
    public double? TargetP99Ms { get; init; }

    /// <summary>Allow a --url that is not a loopback address (load is meant for a node on this machine).</summary>
    public bool AllowNonLoopback { get; init; }

    /// <summary>Machine-readable output.</summary>
    public bool Json { get; init; }
}
