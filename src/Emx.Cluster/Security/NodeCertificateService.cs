using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Runtime;
using Emx.Domain.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.Security;

/// <summary>A node certificate as the admin API lists it: public facts only.</summary>
public sealed record NodeCertificateInfo(
    string Node, CertificatePurpose Type, string Subject, string Thumbprint, string KeyAlgorithm, DateTimeOffset NotBefore, DateTimeOffset NotAfter, DateTimeOffset Created)
{
    public static NodeCertificateInfo From(NodeCertificate c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Node, c.Purpose, c.Subject, c.Thumbprint, c.KeyAlgorithm, c.NotBefore, c.NotAfter, c.Created);
    }
}

/// <summary>Why a regeneration did not happen.</summary>
public enum RegenerateRefusal
{
    /// <summary>The node is another node of the cluster: its key store is on its own disk, so it regenerates its own.</summary>
    OtherNode,

    /// <summary>No such node.</summary>
    UnknownNode,
}

/// <summary>
/// Creates, loads and regenerates this node's certificates (Tomcat, CallManager, CAPF, ITLRecovery, TFTP): the public
/// certificate in the cluster database (<see cref="NodeCertificate"/>), the private key in the node's
/// <see cref="NodeKeyStore"/>, the pair in memory in <see cref="NodeCertificates"/>.
/// </summary>
public sealed partial class NodeCertificateService(IEmxDbContextFactory contexts, NodeCertificates certificates, TimeProvider time, ILogger<NodeCertificateService> logger) : IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private string? _node;
    private string? _address;
    private NodeKeyStore? _keyStore;

    /// <summary>This node's key store, once <see cref="InitializeAsync"/> ran.</summary>
    public NodeKeyStore? KeyStore => _keyStore;

    /// <summary>This node's name, once <see cref="InitializeAsync"/> ran.</summary>
    public string? NodeName => _node;

    /// <summary>
    /// At start: loads each certificate whose key file is present, matches it and still fits the node; creates the
    /// others (first start, a lost key store, expiry within 30 days, a changed address). The caller saves.
    /// </summary>
    public async Task InitializeAsync(EmxDbContext db, string node, string address, NodeKeyStore keyStore, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(keyStore);
        _node = node;
        _address = address;
        _keyStore = keyStore;
        var now = time.GetUtcNow();
        var stored = await db.NodeCertificates.Where(c => c.Node == node).ToListAsync(cancellationToken);
        foreach (var purpose in Enum.GetValues<CertificatePurpose>())
        {
            var row = stored.FirstOrDefault(c => c.Purpose == purpose);
            if (row is not null && TryLoad(row, keyStore, address, now) is { } loaded)
            {
                certificates.Use(purpose, loaded);
                continue;
            }

            var previous = row?.Thumbprint;
            if (row is null)
            {
                row = new NodeCertificate { Node = node, Purpose = purpose };
                db.NodeCertificates.Add(row);
            }

            certificates.Use(purpose, CreateInto(row, keyStore, node, address, now));
            LogCreated(logger, node, purpose, row.Thumbprint, previous is null ? "first start" : "no usable stored certificate");
        }
    }

    /// <summary>The certificates of every node of the cluster.</summary>
    public async Task<IReadOnlyList<NodeCertificateInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.NodeCertificates.AsNoTracking().ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Node, StringComparer.Ordinal).ThenBy(r => r.Purpose).Select(NodeCertificateInfo.From).ToList();
    }

    /// <summary>The public certificate (PEM) of a node's certificate, or null.</summary>
    public async Task<string?> PemAsync(string node, CertificatePurpose purpose, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var row = await db.NodeCertificates.AsNoTracking().FirstOrDefaultAsync(c => c.Node == node && c.Purpose == purpose, cancellationToken);
        return row is null ? null : PemEncoding.WriteString("CERTIFICATE", row.Der);
    }

    /// <summary>
    /// Regenerates one of this node's certificates: a new key and self-signed certificate replace the old from the next
    /// connection on. The cluster must export its certificates again (the bulk status says so until it does).
    /// </summary>
    public async Task<(NodeCertificateInfo? Certificate, RegenerateRefusal? Refusal)> RegenerateAsync(string node, CertificatePurpose purpose, string actor, CancellationToken cancellationToken)
    {
        if (_node is null || _keyStore is null || _address is null)
        {
            throw new InvalidOperationException("The node's certificates are not initialized.");
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            await using var db = contexts.Create();
            if (!string.Equals(node, _node, StringComparison.Ordinal))
            {
                return (null, await db.Nodes.AnyAsync(n => n.Name == node, cancellationToken) ? RegenerateRefusal.OtherNode : RegenerateRefusal.UnknownNode);
            }

            var row = await db.NodeCertificates.FirstOrDefaultAsync(c => c.Node == node && c.Purpose == purpose, cancellationToken);
            if (row is null)
            {
                row = new NodeCertificate { Node = node, Purpose = purpose };
                db.NodeCertificates.Add(row);
            }

            var previous = row.Thumbprint;
            var now = time.GetUtcNow();
            var created = CreateInto(row, _keyStore, node, _address, now);
            db.AuditLog.Add(new AuditEntry
            {
                Time = now,
                Actor = actor,
                Action = "regenerate",
                Target = "certificates",
                Key = $"{node}/{CertificateRules.DisplayName(purpose)}",
                Detail = $"SHA-256 {previous} replaced by {row.Thumbprint}",
            });
            await db.SaveChangesAsync(cancellationToken);
            certificates.Use(purpose, created);
            if (previous.Length > 0 && previous != row.Thumbprint)
            {
                _keyStore.Delete(purpose, previous);
            }

            LogRegenerated(logger, node, purpose, row.Thumbprint, actor);
            return (NodeCertificateInfo.From(row), null);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private static X509Certificate2 CreateInto(NodeCertificate row, NodeKeyStore keyStore, string node, string address, DateTimeOffset now)
    {
        var (certificate, key) = NodeCertificates.Create(node, address, row.Purpose, now);
        using (certificate)
        using (key)
        {
            var thumbprint = NodeCertificates.Thumbprint(certificate);

            // The key file first: the database never names a certificate whose key is not on disk.
            keyStore.Write(row.Purpose, thumbprint, key);
            row.Thumbprint = thumbprint;
            row.Subject = certificate.Subject;
            row.KeyAlgorithm = $"RSA {key.KeySize}";
            row.NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
            row.NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
            row.Created = now;
            row.Der = certificate.RawData;
            return WithKey(certificate, key);
        }
    }

    private static X509Certificate2? TryLoad(NodeCertificate row, NodeKeyStore keyStore, string address, DateTimeOffset now)
    {
        using var key = keyStore.TryReadRsa(row.Purpose, row.Thumbprint);
        if (key is null || row.Der.Length == 0)
        {
            return null;
        }

        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(row.Der);
            if (!NodeCertificates.StillValid(certificate, address, now))
            {
                return null;
            }

            return WithKey(certificate, key);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // The key does not belong to the certificate (or the stored certificate is damaged): make a new pair.
            return null;
        }
    }

    /// <summary>
    /// Pairs a certificate with its key. The result is re-imported from PKCS#12 so TLS on every platform can use the key
    /// (an ephemeral key object is not accepted everywhere); it lives only in memory.
    /// </summary>
    private static X509Certificate2 WithKey(X509Certificate2 certificate, RSA key)
    {
        using var paired = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(paired.Export(X509ContentType.Pkcs12), password: null);
    }

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Node {Node}: created its self-signed {Purpose} certificate (SHA-256 {Thumbprint}; {Reason})")]
    private static partial void LogCreated(ILogger logger, string node, CertificatePurpose purpose, string thumbprint, string reason);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Node {Node}: {Purpose} certificate regenerated by {Actor} (SHA-256 {Thumbprint}); export the cluster's certificates again")]
    private static partial void LogRegenerated(ILogger logger, string node, CertificatePurpose purpose, string thumbprint, string actor);
}
