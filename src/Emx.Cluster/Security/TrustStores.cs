using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Runtime;
using Emx.Domain.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.Security;

/// <summary>A trust store entry as the admin API lists it.</summary>
public sealed record TrustedCertificateInfo(
    long Id, TrustStore Store, string StoreName, string Subject, string Thumbprint, DateTimeOffset NotAfter, string SourceCluster, string? SourceNode,
    CertificatePurpose? SourcePurpose, DateTimeOffset Imported)
{
    public static TrustedCertificateInfo From(TrustedCertificate t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.Id, t.Store, CertificateRules.DisplayName(t.Store), t.Subject, t.Thumbprint, t.NotAfter, t.SourceCluster, t.SourceNode, t.SourcePurpose, t.Imported);
    }
}

/// <summary>Whether a peer's certificate is trusted, and through which entry.</summary>
public sealed record TrustDecision(bool Trusted, TrustedCertificateInfo? Entry, string Reason);

/// <summary>
/// The cluster-wide trust stores (CallManager-trust, tomcat-trust, Phone-SAST-trust, CAPF-trust). The database is the
/// truth; TLS callbacks, which cannot wait, decide on an in-memory snapshot that this node refreshes after its own
/// changes and at most <see cref="MaxAge"/> after another node's.
/// </summary>
public sealed partial class TrustStores(IEmxDbContextFactory contexts, TimeProvider time, ILogger<TrustStores> logger)
{
    /// <summary>How stale the snapshot may be before a request refreshes it (another node of the cluster imported).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private TrustSnapshot _current = TrustSnapshot.Empty;

    /// <summary>The snapshot in force.</summary>
    public TrustSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Reloads the snapshot from the database.</summary>
    public async Task<TrustSnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.TrustedCertificates.AsNoTracking().ToListAsync(cancellationToken);
        var snapshot = new TrustSnapshot(rows, time.GetUtcNow(), time);
        Volatile.Write(ref _current, snapshot);
        return snapshot;
    }

    /// <summary>The snapshot, refreshed first when older than <see cref="MaxAge"/>.</summary>
    public async ValueTask<TrustSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        var current = Current;
        return time.GetUtcNow() - current.Loaded > MaxAge ? await RefreshAsync(cancellationToken) : current;
    }

    /// <summary>The entries of one store, or of all.</summary>
    public async Task<IReadOnlyList<TrustedCertificateInfo>> ListAsync(TrustStore? store, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var query = db.TrustedCertificates.AsNoTracking();
        if (store is { } s)
        {
            query = query.Where(t => t.Store == s);
        }

        var rows = await query.ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Store).ThenBy(r => r.SourceCluster, StringComparer.Ordinal).ThenBy(r => r.Id).Select(TrustedCertificateInfo.From).ToList();
    }

    /// <summary>Deletes one entry; false when it does not exist.</summary>
    public async Task<bool> DeleteAsync(long id, string actor, CancellationToken cancellationToken)
    {
        await using (var db = contexts.Create())
        {
            var row = await db.TrustedCertificates.FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
            if (row is null)
            {
                return false;
            }

            db.TrustedCertificates.Remove(row);
            db.AuditLog.Add(new AuditEntry
            {
                Time = time.GetUtcNow(), Actor = actor, Action = "delete", Target = "trustStores",
                Key = $"{CertificateRules.DisplayName(row.Store)}/{row.Thumbprint}", Detail = $"{row.Subject} from {row.SourceCluster}",
            });
            await db.SaveChangesAsync(cancellationToken);
            LogDeleted(logger, row.Store, row.Subject, row.SourceCluster, actor);
        }

        await RefreshAsync(cancellationToken);
        return true;
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "{Store}: removed {Subject} of cluster {Cluster} ({Actor})")]
    private static partial void LogDeleted(ILogger logger, TrustStore store, string subject, string cluster, string actor);
}

/// <summary>An immutable view of the trust stores at one moment.</summary>
public sealed class TrustSnapshot
{
    private readonly ImmutableDictionary<TrustStore, ImmutableArray<(TrustedCertificate Row, X509Certificate2 Certificate)>> _stores;
    private readonly TimeProvider _time;

    internal TrustSnapshot(IEnumerable<TrustedCertificate> rows, DateTimeOffset loaded, TimeProvider time)
    {
        _time = time;
        Loaded = loaded;
        _stores = rows
            .Select(r => (Row: r, Certificate: TryLoad(r.Der)))
            .Where(e => e.Certificate is not null)
            .GroupBy(e => e.Row.Store)
            .ToImmutableDictionary(g => g.Key, g => g.Select(e => (e.Row, e.Certificate!)).ToImmutableArray());
    }

    internal static TrustSnapshot Empty { get; } = new([], DateTimeOffset.MinValue, TimeProvider.System);

    /// <summary>When it was read from the database.</summary>
    public DateTimeOffset Loaded { get; }

    /// <summary>How many entries a store holds.</summary>
    public int Count(TrustStore store) => _stores.TryGetValue(store, out var entries) ? entries.Length : 0;

    /// <summary>
    /// Whether <paramref name="certificate"/> is trusted by <paramref name="store"/>: it is in the store (same SHA-256
    /// thumbprint) or chains to a certificate of the store, and is within its validity period. Nothing from the
    /// operating system's store counts.
    /// </summary>
    public TrustDecision Validate(X509Certificate2? certificate, TrustStore store)
    {
        var name = CertificateRules.DisplayName(store);
        if (certificate is null)
        {
            return new TrustDecision(false, null, $"the peer presented no certificate ({name} decides whom this cluster trusts)");
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (certificate.NotBefore.ToUniversalTime() > now || certificate.NotAfter.ToUniversalTime() < now)
        {
            return new TrustDecision(false, null, $"the peer's certificate {certificate.Subject} is outside its validity period");
        }

        if (!_stores.TryGetValue(store, out var entries) || entries.IsEmpty)
        {
            return new TrustDecision(false, null, $"{name} is empty: import the other clusters' certificates (Bulk Certificate Management)");
        }

        var thumbprint = NodeCertificates.Thumbprint(certificate);
        foreach (var (row, _) in entries)
        {
            if (string.Equals(row.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase))
            {
                return new TrustDecision(true, TrustedCertificateInfo.From(row), $"in {name}");
            }
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        foreach (var (_, trusted) in entries)
        {
            chain.ChainPolicy.CustomTrustStore.Add(trusted);
        }

        if (chain.Build(certificate) && chain.ChainElements.Count > 1)
        {
            var root = chain.ChainElements[^1].Certificate;
            var rootThumbprint = NodeCertificates.Thumbprint(root);
            var entry = entries.FirstOrDefault(e => string.Equals(e.Row.Thumbprint, rootThumbprint, StringComparison.OrdinalIgnoreCase)).Row;
            if (entry is not null)
            {
                return new TrustDecision(true, TrustedCertificateInfo.From(entry), $"issued by {root.Subject} in {name}");
            }
        }

        return new TrustDecision(false, null, $"the peer's certificate {certificate.Subject} (SHA-256 {thumbprint}) is not in {name} and chains to nothing in it");
    }

    private static X509Certificate2? TryLoad(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
