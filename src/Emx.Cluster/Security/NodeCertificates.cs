using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Emx.Domain.Security;

namespace Emx.Cluster.Security;

/// <summary>
/// The certificates of this node with their private keys, in memory, as startup or a regeneration left them. The HTTPS
/// listener and the inter-cluster client read <see cref="Tomcat"/> on every new connection, so a regenerated
/// certificate is used from the next connection on.
/// </summary>
public sealed class NodeCertificates
{
    private ImmutableDictionary<CertificatePurpose, X509Certificate2> _loaded = ImmutableDictionary<CertificatePurpose, X509Certificate2>.Empty;

    /// <summary>The Tomcat certificate (HTTPS, inter-cluster EMCC) with its private key, once startup has loaded or created it.</summary>
    public X509Certificate2? Tomcat => Get(CertificatePurpose.Tomcat);

    /// <summary>This node's certificate for <paramref name="purpose"/>, with its private key, or null before startup.</summary>
    public X509Certificate2? Get(CertificatePurpose purpose) => Volatile.Read(ref _loaded).GetValueOrDefault(purpose);

    /// <summary>Makes <paramref name="certificate"/> (with its private key) the one in use for <paramref name="purpose"/>.</summary>
    public void Use(CertificatePurpose purpose, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ImmutableInterlocked.Update(ref _loaded, d => d.SetItem(purpose, certificate));
    }

    /// <summary>
    /// Creates a self-signed certificate as CUCM does for its own: RSA 2048 with SHA-256, valid five years, subject naming
    /// the node and the purpose, the node's name and address as subject alternative names (docs/decisions/0011).
    /// </summary>
    public static (X509Certificate2 Certificate, RSA Key) Create(string nodeName, string address, CertificatePurpose purpose, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        var key = RSA.Create(2048);
        var cn = purpose switch
        {
            CertificatePurpose.Capf => "CAPF-" + nodeName,
            CertificatePurpose.ItlRecovery => "ITLRECOVERY_" + nodeName,
            CertificatePurpose.Tftp => "TFTP-" + nodeName,
            _ => nodeName,
        };
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("emx");
        subject.AddOrganizationalUnitName(CertificateRules.DisplayName(purpose));
        subject.AddCommonName(cn);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(nodeName);
        if (IPAddress.TryParse(address, out var ip))
        {
            names.AddIpAddress(ip);
        }

        request.CertificateExtensions.Add(names.Build());
        if (purpose == CertificatePurpose.Capf)
        {
            // CAPF issues phones' locally significant certificates: a CA.
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        }
        else
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        }

        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1), now.AddMinutes(-5), now + CertificateRules.Validity, serial);
        var publicOnly = X509CertificateLoader.LoadCertificate(signed.RawData);
        return (publicOnly, key);
    }

    /// <summary>The SHA-256 thumbprint in upper-case hex.</summary>
    public static string Thumbprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }

    /// <summary>Whether a certificate still fits the node: not expiring within 30 days, and naming its address.</summary>
    public static bool StillValid(X509Certificate2 certificate, string address, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.NotAfter.ToUniversalTime() < (now + CertificateRules.RenewBefore).UtcDateTime)
        {
            return false;
        }

        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateIPAddresses()).Select(a => a.ToString());
        return !IPAddress.TryParse(address, out _) || names.Contains(address);
    }
}
