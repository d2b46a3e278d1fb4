using System.Text.Json.Serialization;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;

namespace Emx.Domain.Emcc;

/// <summary>How far one step of the seed's EMCC configuration task flow is done.</summary>
public enum ChecklistStatus
{
    /// <summary>The step's objects exist and agree with each other.</summary>
    Done,

    /// <summary>Something the step creates does not exist (no EMCC device, no remote cluster ...).</summary>
    Missing,

    /// <summary>The step's objects exist but contradict the seed or each other (a service URL without #EMCC# ...).</summary>
    Inconsistent,

    /// <summary>The step does not apply to this cluster as configured (the findings say why).</summary>
    NotApplicable,

    /// <summary>emx records nothing the step could be judged by (the findings say what to verify by hand).</summary>
    NotChecked,
}

/// <summary>One step of the seed's "Extension Mobility Cross Cluster Configuration Task Flow" and how far it is done.</summary>
public sealed record ChecklistItem
{
    /// <summary>The step's number in the task flow: "6" for a top-level step, "2.3" for the third subtask of step 2.</summary>
    public required string TaskFlowStep { get; init; }

    /// <summary>The step's title exactly as the seed gives it, for example "Configure Remote Cluster Services".</summary>
    public required string Step { get; init; }

    /// <summary>The task-flow step this subtask belongs to ("Configure Extension Mobility"), or null for a top-level step.</summary>
    public string? Parent { get; init; }

    public required ChecklistStatus Status { get; init; }

    /// <summary>
    /// What is missing or inconsistent, naming the objects and fields; for <see cref="ChecklistStatus.NotChecked"/> and
    /// <see cref="ChecklistStatus.NotApplicable"/>, why. Empty when the step is done.
    /// </summary>
    public IReadOnlyList<string> Findings { get; init; } = [];

    /// <summary>Information that does not change the status (which node runs a service, how many EMCC devices exist ...).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Whether the step fails the checklist (missing or inconsistent).</summary>
    [JsonIgnore]
    public bool IsProblem => Status is ChecklistStatus.Missing or ChecklistStatus.Inconsistent;
}

/// <summary>The checklist of one cluster.</summary>
public sealed record EmccChecklistReport
{
    /// <summary>The Cluster ID of the checked cluster.</summary>
    public required string ClusterId { get; init; }

    /// <summary>The cluster's EMCC region settings (they must match in every participating cluster).</summary>
    public required EmccRegionSettings EmccRegion { get; init; }

    /// <summary>One item per task-flow step, in seed order.</summary>
    public required IReadOnlyList<ChecklistItem> Items { get; init; }

    /// <summary>True when no step is missing or inconsistent (steps not checked or not applicable do not count).</summary>
    public bool Complete => Items.All(i => !i.IsProblem);
}

/// <summary>
/// The EMCC region parameters of the EMCC Feature Configuration. The seed (table 2) requires every participating
/// cluster to use the same values.
/// </summary>
/// <param name="MaxAudioBitRateKbps">EMCC Region Max Audio Bit Rate, kb/s.</param>
/// <param name="MaxVideoCallBitRateKbps">EMCC Region Max Video Call Bit Rate (Includes Audio), kb/s.</param>
/// <param name="LinkLossType">EMCC Region Link Loss Type.</param>
public sealed record EmccRegionSettings(int MaxAudioBitRateKbps, int MaxVideoCallBitRateKbps, LinkLossType LinkLossType)
{
    /// <summary>The region settings of a feature configuration.</summary>
    public static EmccRegionSettings Of(EmccFeatureConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new(configuration.EmccRegionMaxAudioBitRate, configuration.EmccRegionMaxVideoCallBitRate, configuration.EmccRegionLinkLossType);
    }
}

/// <summary>Another participating cluster's EMCC region settings, as read from its admin API.</summary>
/// <param name="Name">How findings name the cluster, for example "ClusterB (http://127.0.2.1:8080/)".</param>
/// <param name="Region">Its EMCC region settings.</param>
public sealed record EmccPeer(string Name, EmccRegionSettings Region);

/// <summary>What the checks know besides the configuration objects.</summary>
public sealed record EmccCheckContext
{
    /// <summary>The cluster's nodes with their activated services; null when unknown (service activation is then not checked).</summary>
    public IReadOnlyList<ClusterNode>? Nodes { get; init; }

    /// <summary>How many EMCC devices exist; null means the document's Insert EMCC Devices count (0 when absent).</summary>
    public int? EmccDeviceCount { get; init; }

    /// <summary>Other participating clusters whose EMCC region settings must equal this cluster's.</summary>
    public IReadOnlyList<EmccPeer> Peers { get; init; } = [];

    /// <summary>
    /// Bulk Certificate Management's records (certificates, exports, trust stores); null when unknown, and the three
    /// certificate steps are then not checked.
    /// </summary>
    public EmccCertificateFacts? Certificates { get; init; }

    /// <summary>What the last remote cluster update learnt of each remote cluster; null when unknown (not checked).</summary>
    public IReadOnlyList<RemoteClusterStatus>? RemoteClusterStatuses { get; init; }

    /// <summary>
    /// The job scheduler's jobs the checks read (Insert EMCC Devices, Bulk Certificate Export/Consolidate/Import), any
    /// order; null when unknown.
    /// </summary>
    public IReadOnlyList<Job>? Jobs { get; init; }
}

/// <summary>What Bulk Certificate Management knows of this cluster: its own certificates, its exports, its trust stores.</summary>
public sealed record EmccCertificateFacts
{
    /// <summary>Whether the shared location (settings section bulkCertificateManagement) is set.</summary>
    public bool SharedLocationConfigured { get; init; }

    /// <summary>Every node's current certificates (node, purpose and thumbprint are read).</summary>
    public IReadOnlyList<NodeCertificate> Current { get; init; } = [];

    /// <summary>This cluster's bulk exports, any order.</summary>
    public IReadOnlyList<CertificateExport> Exports { get; init; } = [];

    /// <summary>The trust store entries (store, source cluster, node and purpose are read).</summary>
    public IReadOnlyList<TrustedCertificate> Trusted { get; init; } = [];
}

/// <summary>The job scheduler's job types the EMCC configuration creates.</summary>
public static class EmccJobTypes
{
    public const string InsertEmccDevices = "Insert EMCC Devices";
    public const string BulkCertificateExport = "Bulk Certificate Export";
    public const string BulkCertificateConsolidate = "Bulk Certificate Consolidate";
    public const string BulkCertificateImport = "Bulk Certificate Import";

    /// <summary>Every type above.</summary>
    public static readonly IReadOnlyList<string> All = [InsertEmccDevices, BulkCertificateExport, BulkCertificateConsolidate, BulkCertificateImport];
}
