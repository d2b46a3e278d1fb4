using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Emx.Cluster.Security;

/// <summary>
/// The node's certificates. Today the Tomcat certificate (HTTPS on <c>node.ports.https</c>): self-signed, created at
/// first start like CUCM's, RSA 2048 / SHA-256, valid five years, with the node's address and name as subject
/// alternative names and both server and client authentication usages (EMCC's mutual TLS will present it too).
/// </summary>
public sealed class NodeCertificates
{
    private X509Certificate2? _tomcat;

    /// <summary>The Tomcat certificate with its private key, once startup has loaded or created it.</summary>
    public X509Certificate2? Tomcat => Volatile.Read(ref _tomcat);

    /// <summary>Loads the stored certificate.</summary>
    public void Load(byte[] pkcs12) => Volatile.Write(ref _tomcat, X509CertificateLoader.LoadPkcs12(pkcs12, password: null));

    /// <summary>Creates a new self-signed Tomcat certificate for a node; returns it as PKCS#12.</summary>
    public static byte[] CreateTomcat(string nodeName, string address, DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={nodeName}, OU=emx, O=emx", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(nodeName);
        if (IPAddress.TryParse(address, out var ip))
        {
            names.AddIpAddress(ip);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(5));
        return certificate.Export(X509ContentType.Pkcs12);
    }

    /// <summary>Whether a stored certificate still fits the node: not expiring within 30 days, and naming its address.</summary>
    public static bool StillValid(byte[] pkcs12, string address, DateTimeOffset now)
    {
        using var certificate = X509CertificateLoader.LoadPkcs12(pkcs12, password: null);
        if (certificate.NotAfter.ToUniversalTime() < now.UtcDateTime.AddDays(30))
        {
            return false;
        }

        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateIPAddresses()).Select(a => a.ToString());
        return !IPAddress.TryParse(address, out _) || names.Contains(address);
    }
}
