using Emx.Cluster.Configuration;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Emcc;
using Emx.Domain.Runtime;
using Emx.Domain.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.Security;

/// <summary>Why a bulk certificate operation did nothing.</summary>
public enum BulkCertificateError
{
    /// <summary>Bulk Certificate Management has no directory yet.</summary>
    NotConfigured,

    /// <summary>Cisco Bulk Provisioning Service is not activated on this node (seed: activate it first).</summary>
    ServiceNotActivated,

    /// <summary>Consolidate needs two or more clusters' exports.</summary>
    TooFewClusters,

    /// <summary>Import found no consolidated file.</summary>
    NotConsolidated,

    /// <summary>A cluster exported after the consolidation: consolidate again.</summary>
    ConsolidationStale,

    /// <summary>The shared location could not be read or written.</summary>
    TransferFailed,

    /// <summary>A file at the shared location is not a bulk certificate file.</summary>
    InvalidFile,
}

/// <summary>The outcome of Export, Consolidate or Import: the job recorded, and what happened or why not.</summary>
public sealed record BulkCertificateResult(long JobId, string Message, BulkCertificateError? Error = null, int Certificates = 0, IReadOnlyList<string>? Clusters = null)
{
    public bool Succeeded => Error is null;
}

/// <summary>Bulk Certificate Management as an administrator sees it: configured, last export, and whether to export again.</summary>
public sealed record BulkCertificateStatus(
    bool Configured, string? Location, DateTimeOffset? LastExport, BulkCertificateType? LastExportType, string? LastExportLocation,
    bool ReexportRequired, string Message, IReadOnlyList<string> ChangedCertificates);

/// <summary>
/// Bulk Certificate Management (seed, "Configure Certificates for Extension Mobility Cross Cluster"): Export writes
/// this cluster's certificates (every node's, public only) to <c>&lt;Cluster ID&gt;.pfx</c> at the shared location;
/// Consolidate merges every cluster's file into one when two or more exported; Import puts every other cluster's
/// certificates of the consolidated file into this cluster's trust stores by the seed's mapping. Each run is a job.
/// </summary>
public sealed partial class BulkCertificateService(
    IEmxDbContextFactory contexts, TrustStores trustStores, NodeCertificateService nodeCertificates, EmxConfigFile config, TimeProvider time,
    ILogger<BulkCertificateService> logger)
{
    /// <summary>Export: this cluster's certificates of <paramref name="type"/> to <c>&lt;Cluster ID&gt;.pfx</c>.</summary>
    public Task<BulkCertificateResult> ExportAsync(BulkCertificateType type, string actor, CancellationToken cancellationToken) =>
        RunAsync(EmccJobTypes.BulkCertificateExport, type, actor, async (db, clusterId, location) =>
        {
            var purposes = CertificateRules.Purposes(type);
            var rows = (await db.NodeCertificates.AsNoTracking().ToListAsync(cancellationToken))
                .Where(c => purposes.Contains(c.Purpose)).OrderBy(c => c.Node, StringComparer.Ordinal).ThenBy(c => c.Purpose).ToList();
            var file = SharedLocations.ExportFile(clusterId);
            await location.WriteAsync(file, CertificateBundle.Write(rows.Select(r => new BundledCertificate(clusterId, r.Node, r.Purpose, r.Der))), cancellationToken);
            db.CertificateExports.Add(new CertificateExport
            {
                Time = time.GetUtcNow(), Type = type, Location = location.Describe(file), Thumbprints = [.. rows.Select(r => r.Thumbprint)],
            });
            var nodes = rows.Select(r => r.Node).Distinct().Count();
            return new BulkCertificateResult(0, $"Exported {rows.Count} certificates of {nodes} node(s) to {location.Describe(file)}", Certificates: rows.Count, Clusters: [clusterId]);
        }, cancellationToken);

    /// <summary>Consolidate: every cluster's exported file into the consolidated file; two or more clusters must have exported.</summary>
    public Task<BulkCertificateResult> ConsolidateAsync(BulkCertificateType type, string actor, CancellationToken cancellationToken) =>
        RunAsync(EmccJobTypes.BulkCertificateConsolidate, type, actor, async (_, _, location) =>
        {
            var files = await location.ReadAllAsync(cancellationToken);
            var exports = new SortedDictionary<string, IReadOnlyList<BundledCertificate>>(StringComparer.Ordinal);
            foreach (var (name, bytes) in files.Where(f => f.Key != SharedLocations.ConsolidatedFile))
            {
                var (certificates, error) = CertificateBundle.Read(bytes);
                if (error is not null)
                {
                    return Failed(BulkCertificateError.InvalidFile, $"{location.Describe(name)} {error}");
                }

                exports[name[..^".pfx".Length]] = certificates;
            }

            if (exports.Count < 2)
            {
                // Seed: "This option is available only if two or more clusters exported their certificates to the SFTP server."
                return Failed(BulkCertificateError.TooFewClusters,
                    $"Consolidate needs the certificates of two or more clusters; {(exports.Count == 0 ? "none has" : $"only {exports.Keys.Single()} has")} exported to {location.Describe("")}");
            }

            var purposes = CertificateRules.Purposes(type);
            var all = exports.Values.SelectMany(c => c).Where(c => purposes.Contains(c.Purpose)).ToList();
            await location.WriteAsync(SharedLocations.ConsolidatedFile, CertificateBundle.Write(all), cancellationToken);
            return new BulkCertificateResult(0, $"Consolidated {all.Count} certificates of {exports.Count} clusters ({string.Join(", ", exports.Keys)}) into {location.Describe(SharedLocations.ConsolidatedFile)}",
                Certificates: all.Count, Clusters: [.. exports.Keys]);
        }, cancellationToken);

    /// <summary>
    /// Import: every other cluster's certificates of the consolidated file into the trust stores (CAPF to
    /// CallManager-trust; Tomcat to tomcat-trust; CallManager to CallManager-trust and Phone-SAST-trust; ITLRecovery to
    /// Phone-SAST-trust and CallManager-trust). A source cluster's earlier bulk-imported entries of the imported
    /// purposes are replaced, so a regenerated certificate stops being trusted.
    /// </summary>
    public async Task<BulkCertificateResult> ImportAsync(BulkCertificateType type, string actor, CancellationToken cancellationToken)
    {
        var result = await RunAsync(EmccJobTypes.BulkCertificateImport, type, actor, async (db, clusterId, location) =>
        {
            var files = await location.ReadAllAsync(cancellationToken);
            if (!files.TryGetValue(SharedLocations.ConsolidatedFile, out var consolidatedBytes))
            {
                return Failed(BulkCertificateError.NotConsolidated, $"There is no consolidated file at {location.Describe(SharedLocations.ConsolidatedFile)}: consolidate the certificates first (after two or more clusters exported)");
            }

            var (consolidated, error) = CertificateBundle.Read(consolidatedBytes);
            if (error is not null)
            {
                return Failed(BulkCertificateError.InvalidFile, $"{location.Describe(SharedLocations.ConsolidatedFile)} {error}");
            }

            // Seed: "If you export new certificates after consolidation, you must perform this procedure again."
            var stale = new List<string>();
            foreach (var (name, bytes) in files.Where(f => f.Key != SharedLocations.ConsolidatedFile))
            {
                var (exported, exportError) = CertificateBundle.Read(bytes);
                var cluster = name[..^".pfx".Length];
                var inConsolidated = consolidated.Where(c => c.ClusterId == cluster).Select(c => Convert.ToHexString(c.Der)).ToHashSet(StringComparer.Ordinal);
                if (exportError is null && inConsolidated.Count > 0 && exported.Any(c => !inConsolidated.Contains(Convert.ToHexString(c.Der))))
                {
                    stale.Add(cluster);
                }
            }

            if (stale.Count > 0)
            {
                return Failed(BulkCertificateError.ConsolidationStale,
                    $"{string.Join(", ", stale)} exported certificates after the consolidation: consolidate again, then import");
            }

            var purposes = CertificateRules.Purposes(type);
            var incoming = consolidated.Where(c => c.ClusterId != clusterId && purposes.Contains(c.Purpose)).ToList();
            var now = time.GetUtcNow();
            var sources = incoming.Select(c => c.ClusterId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var existing = await db.TrustedCertificates.Where(t => sources.Contains(t.SourceCluster)).ToListAsync(cancellationToken);
            db.TrustedCertificates.RemoveRange(existing.Where(t => t.SourcePurpose is { } p && purposes.Contains(p)));
            var added = 0;
            var seen = new HashSet<(TrustStore, string)>();
            foreach (var entry in incoming)
            {
                using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(entry.Der);
                var thumbprint = NodeCertificates.Thumbprint(certificate);
                foreach (var store in CertificateRules.ImportTargets(entry.Purpose))
                {
                    if (!seen.Add((store, thumbprint)))
                    {
                        continue;
                    }

                    var kept = existing.FirstOrDefault(t => t.Store == store && t.Thumbprint == thumbprint && !(t.SourcePurpose is { } p && purposes.Contains(p)));
                    if (kept is not null)
                    {
                        continue;
                    }

                    db.TrustedCertificates.Add(new TrustedCertificate
                    {
                        Store = store, Thumbprint = thumbprint, Subject = certificate.Subject,
                        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
                        SourceCluster = entry.ClusterId, SourceNode = entry.Node, SourcePurpose = entry.Purpose, Imported = now, Der = entry.Der,
                    });
                    added++;
                }
            }

            return new BulkCertificateResult(0,
                sources.Count == 0
                    ? $"The consolidated file holds no other cluster's certificates ({location.Describe(SharedLocations.ConsolidatedFile)})"
                    : $"Imported {incoming.Count} certificates of {string.Join(", ", sources)} into {added} trust store entries",
                Certificates: incoming.Count, Clusters: sources);
        }, cancellationToken);

        if (result.Succeeded)
        {
            await trustStores.RefreshAsync(cancellationToken);
        }

        return result;
    }

    /// <summary>Whether the cluster must export again: a certificate of the exported types is not in the last export.</summary>
    public async Task<BulkCertificateStatus> StatusAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var settings = await SettingsSections.ReadAsync<BulkCertificateManagement>(db, cancellationToken);
        var last = await db.CertificateExports.AsNoTracking().OrderByDescending(e => e.Id).FirstOrDefaultAsync(cancellationToken);
        var where = settings.Directory is null ? null : settings.Location == SharedLocationKind.Sftp ? $"sftp://{settings.UserId}@{settings.Server}:{settings.Port}/{settings.Directory.TrimStart('/')}" : settings.Directory;
        if (last is null)
        {
            return new BulkCertificateStatus(settings.Directory is not null, where, null, null, null, false,
                "This cluster has not exported its certificates yet.", []);
        }

        var current = await db.NodeCertificates.AsNoTracking().Select(c => new { c.Node, c.Purpose, c.Thumbprint }).ToListAsync(cancellationToken);
        var changed = CertificateRules.ChangedSinceExport(current.Select(c => (c.Node, c.Purpose, c.Thumbprint)), last.Type, last.Thumbprints);
        var message = changed.Count == 0
            ? $"The last export ({last.Time:u}) carries every current certificate."
            : $"Re-export required: {string.Join(", ", changed)} changed after the last export ({last.Time:u}). Export again, consolidate, and import in every cluster.";
        return new BulkCertificateStatus(true, where, last.Time, last.Type, last.Location, changed.Count > 0, message, changed);
    }

    private static BulkCertificateResult Failed(BulkCertificateError error, string message) => new(0, message, error);

    private async Task<BulkCertificateResult> RunAsync(
        string jobType, BulkCertificateType type, string actor, Func<EmxDbContext, string, ISharedLocation, Task<BulkCertificateResult>> operation, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var now = time.GetUtcNow();
        var job = new Job { Type = jobType, Submitted = now, SubmittedBy = actor, Status = JobStatus.Processing };
        BulkCertificateResult result;
        var settings = await SettingsSections.ReadAsync<BulkCertificateManagement>(db, cancellationToken);
        var clusterId = (await SettingsSections.ReadAsync<ClusterSettings>(db, cancellationToken)).Id;
        if (!config.Node.Services.Contains(NodeService.BulkProvisioning))
        {
            result = Failed(BulkCertificateError.ServiceNotActivated,
                $"Cisco Bulk Provisioning Service is not activated on node {config.Node.Name}: activate it (node.services: BulkProvisioning) or run this on a node where it is");
        }
        else if (nodeCertificates.KeyStore is not { } keyStore || SharedLocations.For(settings, keyStore) is not { } location)
        {
            result = Failed(BulkCertificateError.NotConfigured,
                "Bulk Certificate Management is not configured: set the bulkCertificateManagement section (the directory or SFTP server every participating cluster uses)");
        }
        else
        {
            try
            {
                result = await operation(db, clusterId, location);
            }
            catch (SharedLocationException ex)
            {
                result = Failed(BulkCertificateError.TransferFailed, ex.Message);
            }
        }

        job.Status = result.Succeeded ? JobStatus.Completed : JobStatus.Failed;
        job.Completed = time.GetUtcNow();
        job.Result = $"{type}: {result.Message}";
        db.Jobs.Add(job);
        db.AuditLog.Add(new AuditEntry { Time = now, Actor = actor, Action = jobType, Target = "certificates", Detail = job.Result });
        await db.SaveChangesAsync(cancellationToken);
        if (result.Succeeded)
        {
            LogCompleted(logger, jobType, result.Message);
        }
        else
        {
            LogFailed(logger, jobType, result.Message);
        }

        return result with { JobId = job.Id };
    }

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "{Job}: {Message}")]
    private static partial void LogCompleted(ILogger logger, string job, string message);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Warning, Message = "{Job} failed: {Message}")]
    private static partial void LogFailed(ILogger logger, string job, string message);
}
