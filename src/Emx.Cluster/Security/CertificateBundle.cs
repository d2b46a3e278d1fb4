using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using Emx.Domain.Security;

namespace Emx.Cluster.Security;

/// <summary>One certificate in a bulk certificate file, with where it comes from.</summary>
public sealed record BundledCertificate(string ClusterId, string Node, CertificatePurpose Purpose, byte[] Der);

/// <summary>
/// The bulk certificate files: PKCS#12 holding public certificates only (no key bags), each certificate bag carrying a
/// friendly name <c>&lt;cluster id&gt;/&lt;purpose&gt;/&lt;node&gt;</c> so an importer knows the certificate's cluster
/// and purpose. Sealed with an integrity MAC under the empty password, as other tools expect (openssl reads it with
/// <c>-passin pass:</c>); the MAC protects against damage, not forgery: the shared location is what is trusted.
/// </summary>
public static class CertificateBundle
{
    /// <summary>A bulk file larger than this is refused (a cluster's export is a few kilobytes a node).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>More certificates than this in one file are refused.</summary>
    public const int MaxCertificates = 4096;

    private const string FriendlyNameOid = "1.2.840.113549.1.9.20";

    /// <summary>Writes a file.</summary>
    public static byte[] Write(IEnumerable<BundledCertificate> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var contents = new Pkcs12SafeContents();
        foreach (var entry in certificates)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(entry.Der);
            var bag = contents.AddCertificate(certificate);
            bag.Attributes.Add(FriendlyNameAttribute($"{entry.ClusterId}/{entry.Purpose}/{entry.Node}"));
        }

        var builder = new Pkcs12Builder();
        builder.AddSafeContentsUnencrypted(contents);
        builder.SealWithMac(string.Empty, HashAlgorithmName.SHA256, 2048);
        return builder.Encode();
    }

    /// <summary>Reads a file; an error (in words) when it is not a bulk certificate file or carries a private key.</summary>
    public static (IReadOnlyList<BundledCertificate> Certificates, string? Error) Read(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length > MaxBytes)
        {
            return ([], $"is larger than {MaxBytes / (1024 * 1024)} MiB");
        }

        try
        {
            var info = Pkcs12Info.Decode(bytes, out var consumed, skipCopy: false);
            if (consumed != bytes.Length)
            {
                return ([], "has trailing data after the PKCS#12 structure");
            }

            var result = new List<BundledCertificate>();
            foreach (var safe in info.AuthenticatedSafe)
            {
                if (safe.ConfidentialityMode != Pkcs12ConfidentialityMode.None)
                {
                    return ([], "has encrypted contents (a private key?); a bulk certificate file holds public certificates only: refused");
                }

                foreach (var bag in safe.GetBags())
                {
                    if (bag is not Pkcs12CertBag certBag)
                    {
                        return ([], "holds something other than certificates (a private key?); refused");
                    }

                    if (!certBag.IsX509Certificate || result.Count >= MaxCertificates)
                    {
                        return ([], result.Count >= MaxCertificates ? $"holds more than {MaxCertificates} certificates" : "holds a certificate that is not X.509");
                    }

                    var name = FriendlyName(certBag);
                    var parts = name?.Split('/', 3);
                    if (parts is not { Length: 3 } || !Enum.TryParse<CertificatePurpose>(parts[1], ignoreCase: false, out var purpose)
                        || parts[0].Length == 0 || parts[2].Length == 0)
                    {
                        return ([], $"has a certificate without the '<cluster>/<purpose>/<node>' friendly name ({name ?? "none"})");
                    }

                    using var certificate = certBag.GetCertificate();
                    result.Add(new BundledCertificate(parts[0], parts[2], purpose, certificate.RawData));
                }
            }

            return (result, null);
        }
        catch (CryptographicException ex)
        {
            return ([], $"is not a valid PKCS#12 file ({ex.Message})");
        }
    }

    // PKCS#9 friendlyName: a BMPString (RFC 2985 §5.5.1).
    private static AsnEncodedData FriendlyNameAttribute(string name)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteCharacterString(UniversalTagNumber.BMPString, name);
        return new AsnEncodedData(new Oid(FriendlyNameOid), writer.Encode());
    }

    private static string? FriendlyName(Pkcs12CertBag bag)
    {
        foreach (var attribute in bag.Attributes)
        {
            if (attribute.Oid.Value == FriendlyNameOid && attribute.Values.Count == 1)
            {
                try
                {
                    return AsnDecoder.ReadCharacterString(attribute.Values[0].RawData, AsnEncodingRules.BER, UniversalTagNumber.BMPString, out _);
                }
                catch (AsnContentException)
                {
                    return null;
                }
            }
        }

        return null;
    }
}
