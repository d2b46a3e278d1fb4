using Emx.Domain.Security;

namespace Emx.Domain.Runtime;

/// <summary>
/// One certificate of one node (Certificate Management's list): the public certificate only. Its private key lives in
/// the node's key store on disk (docs/decisions/0011), in the file named by <see cref="Thumbprint"/>.
/// </summary>
public sealed class NodeCertificate
{
    /// <summary>The node (ClusterNode name).</summary>
    public string Node { get; set; } = "";

    public CertificatePurpose Purpose { get; set; }

    /// <summary>Subject distinguished name.</summary>
    public string Subject { get; set; } = "";

    /// <summary>SHA-256 thumbprint, upper-case hex (what an administrator compares).</summary>
    public string Thumbprint { get; set; } = "";

    /// <summary>Key algorithm and size, e.g. RSA 2048.</summary>
    public string KeyAlgorithm { get; set; } = "";

    public DateTimeOffset NotBefore { get; set; }

    public DateTimeOffset NotAfter { get; set; }

    /// <summary>When this certificate was generated (first start or regeneration).</summary>
    public DateTimeOffset Created { get; set; }

    /// <summary>The certificate, DER.</summary>
    public byte[] Der { get; set; } = [];
}

/// <summary>One certificate in one cluster-wide trust store.</summary>
public sealed class TrustedCertificate
{
    public long Id { get; set; }

    public TrustStore Store { get; set; }

    /// <summary>SHA-256 thumbprint, upper-case hex.</summary>
    public string Thumbprint { get; set; } = "";

    public string Subject { get; set; } = "";

    public DateTimeOffset NotAfter { get; set; }

    /// <summary>The cluster the certificate came from (its Cluster ID).</summary>
    public string SourceCluster { get; set; } = "";

    /// <summary>The node of that cluster it belongs to, when known.</summary>
    public string? SourceNode { get; set; }

    /// <summary>What it is for in its own cluster, when known.</summary>
    public CertificatePurpose? SourcePurpose { get; set; }

    public DateTimeOffset Imported { get; set; }

    /// <summary>The certificate, DER (public only).</summary>
    public byte[] Der { get; set; } = [];
}

/// <summary>A bulk certificate export of this cluster: what it carried, so a later regeneration is detected.</summary>
public sealed class CertificateExport
{
    public long Id { get; set; }

    public DateTimeOffset Time { get; set; }

    public BulkCertificateType Type { get; set; }

    /// <summary>The file written, e.g. <c>ClusterA.pfx</c>, and where.</summary>
    public string Location { get; set; } = "";

    /// <summary>Thumbprints of the certificates exported.</summary>
    public List<string> Thumbprints { get; set; } = [];
}
