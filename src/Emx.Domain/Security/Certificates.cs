namespace Emx.Domain.Security;

/// <summary>
/// What a node certificate is for (Cisco Unified OS Administration &gt; Security &gt; Certificate Management). Every node
/// has one of each, self-signed, created at its first start.
/// </summary>
public enum CertificatePurpose
{
    /// <summary>HTTPS (CUCM's Tomcat, port 8443): EM API, EMApp and inter-cluster EMCC, which presents it as client certificate too.</summary>
    Tomcat,

    /// <summary>CallManager: SIP over TLS and configuration file signing.</summary>
    CallManager,

    /// <summary>Certificate Authority Proxy Function: the issuer of phones' locally significant certificates.</summary>
    Capf,

    /// <summary>ITLRecovery: the recovery signer of phones' identity trust lists.</summary>
    ItlRecovery,

    /// <summary>TFTP: the TFTP service's certificate (not exported: the seed's import mapping has no trust store for it).</summary>
    Tftp,
}

/// <summary>The cluster-wide trust stores (certificate-name "-trust" in CUCM).</summary>
public enum TrustStore
{
    /// <summary>CallManager-trust.</summary>
    CallManagerTrust,

    /// <summary>tomcat-trust: the peers inter-cluster HTTPS (EMCC) accepts, as server and as client.</summary>
    TomcatTrust,

    /// <summary>
    /// Phone-SAST-trust. The seed also writes "PhoneSast-trust" (for ITLRecovery); it is the same store.
    /// </summary>
    PhoneSastTrust,

    /// <summary>CAPF-trust (bulk import puts nothing here; the seed's mapping sends CAPF certificates to CallManager-trust).</summary>
    CapfTrust,
}

/// <summary>Which certificates a bulk certificate operation covers (Bulk Certificate Export: Certificate Type).</summary>
public enum BulkCertificateType
{
    /// <summary>Tomcat, CallManager, CAPF and ITLRecovery.</summary>
    All,
    Tomcat,
    CallManager,
    Capf,
    ItlRecovery,
}

/// <summary>The seed's rules for bulk certificate management, as pure functions.</summary>
public static class CertificateRules
{
    /// <summary>Self-signed node certificates are valid five years, as CUCM's are.</summary>
    public static readonly TimeSpan Validity = TimeSpan.FromDays(5 * 365);

    /// <summary>A certificate this close to expiry is regenerated at start.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>The purposes bulk export carries (every purpose the import mapping knows).</summary>
    public static readonly IReadOnlyList<CertificatePurpose> Exportable =
        [CertificatePurpose.Tomcat, CertificatePurpose.CallManager, CertificatePurpose.Capf, CertificatePurpose.ItlRecovery];

    /// <summary>
    /// Where another cluster's certificate goes on import (seed, "Configure Bulk Certificate Management and Export
    /// Certificates"): CAPF to CallManager-trust; Tomcat to tomcat-trust; CallManager to CallManager-trust and
    /// Phone-SAST-trust; ITLRecovery to PhoneSast-trust and CallManager-trust. TFTP goes nowhere.
    /// </summary>
    public static IReadOnlyList<TrustStore> ImportTargets(CertificatePurpose purpose) => purpose switch
    {
        CertificatePurpose.Capf => [TrustStore.CallManagerTrust],
        CertificatePurpose.Tomcat => [TrustStore.TomcatTrust],
        CertificatePurpose.CallManager => [TrustStore.CallManagerTrust, TrustStore.PhoneSastTrust],
        CertificatePurpose.ItlRecovery => [TrustStore.PhoneSastTrust, TrustStore.CallManagerTrust],
        _ => [],
    };

    /// <summary>The purposes a certificate type selects.</summary>
    public static IReadOnlyList<CertificatePurpose> Purposes(BulkCertificateType type) => type switch
    {
        BulkCertificateType.All => Exportable,
        BulkCertificateType.Tomcat => [CertificatePurpose.Tomcat],
        BulkCertificateType.CallManager => [CertificatePurpose.CallManager],
        BulkCertificateType.Capf => [CertificatePurpose.Capf],
        BulkCertificateType.ItlRecovery => [CertificatePurpose.ItlRecovery],
        _ => [],
    };

    /// <summary>The CUCM name of a trust store ("CallManager-trust", "tomcat-trust", "Phone-SAST-trust", "CAPF-trust").</summary>
    public static string DisplayName(TrustStore store) => store switch
    {
        TrustStore.CallManagerTrust => "CallManager-trust",
        TrustStore.TomcatTrust => "tomcat-trust",
        TrustStore.PhoneSastTrust => "Phone-SAST-trust",
        TrustStore.CapfTrust => "CAPF-trust",
        _ => store.ToString(),
    };

    /// <summary>The CUCM name of a certificate ("tomcat", "CallManager", "CAPF", "ITLRecovery", "TFTP").</summary>
    public static string DisplayName(CertificatePurpose purpose) => purpose switch
    {
        CertificatePurpose.Tomcat => "tomcat",
        CertificatePurpose.CallManager => "CallManager",
        CertificatePurpose.Capf => "CAPF",
        CertificatePurpose.ItlRecovery => "ITLRecovery",
        CertificatePurpose.Tftp => "TFTP",
        _ => purpose.ToString(),
    };

    /// <summary>
    /// Re-export is required when a certificate that the last export should have carried (its purpose was selected)
    /// is not in it: regenerated since, or a node added since. Returns those certificates' descriptions.
    /// </summary>
    public static IReadOnlyList<string> ChangedSinceExport(
        IEnumerable<(string Node, CertificatePurpose Purpose, string Thumbprint)> current, BulkCertificateType exportedType, IReadOnlyCollection<string> exportedThumbprints)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(exportedThumbprints);
        var selected = Purposes(exportedType);
        return current
            .Where(c => selected.Contains(c.Purpose) && !exportedThumbprints.Contains(c.Thumbprint, StringComparer.OrdinalIgnoreCase))
            .Select(c => $"{c.Node} {DisplayName(c.Purpose)}")
            .ToList();
    }
}
