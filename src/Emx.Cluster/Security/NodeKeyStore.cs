using System.Security.Cryptography;
using Emx.Domain.Security;

namespace Emx.Cluster.Security;

/// <summary>
/// This node's private keys on disk: one PKCS#8 PEM file per certificate, named by purpose and thumbprint, mode 0600
/// in a 0700 directory (docs/decisions/0011). A new key is written under its own name before the database names it,
/// so a crash between the two leaves the old pair usable; the superseded file is deleted afterwards.
/// </summary>
public sealed class NodeKeyStore
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>A key store in <paramref name="directory"/> (created on first write).</summary>
    public NodeKeyStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The directory.</summary>
    public string Directory { get; }

    /// <summary>The file of one certificate's key.</summary>
    public string PathFor(CertificatePurpose purpose, string thumbprint) =>
        Path.Combine(Directory, $"{purpose.ToString().ToLowerInvariant()}-{thumbprint.ToUpperInvariant()}.key");

    /// <summary>Writes a key (atomically: a temporary file renamed into place).</summary>
    public void Write(CertificatePurpose purpose, string thumbprint, AsymmetricAlgorithm key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var pem = key.ExportPkcs8PrivateKeyPem();
        var target = PathFor(purpose, thumbprint);
        var temporary = target + ".tmp";
        WriteFile(temporary, pem);
        File.Move(temporary, target, overwrite: true);
    }

    /// <summary>Writes a small text file of the key store (the managed known_hosts), mode 0600.</summary>
    public void WriteFile(string path, string content)
    {
        EnsureDirectory();
        var options = new FileStreamOptions { Mode = System.IO.FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        // An existing file keeps its mode on open; make sure it is private.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }

    /// <summary>Reads a key, or null when its file is missing or unreadable.</summary>
    public RSA? TryReadRsa(CertificatePurpose purpose, string thumbprint)
    {
        var path = PathFor(purpose, thumbprint);
        if (!File.Exists(path))
        {
            return null;
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(path));
            return rsa;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException or IOException or UnauthorizedAccessException)
        {
            rsa.Dispose();
            return null;
        }
    }

    /// <summary>Deletes a key file (a superseded certificate's).</summary>
    public void Delete(CertificatePurpose purpose, string thumbprint)
    {
        var path = PathFor(purpose, thumbprint);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    /// <summary>The known_hosts file this node manages for the bulk certificate SFTP server.</summary>
    public string KnownHostsPath => Path.Combine(Directory, "known_hosts");

    private void EnsureDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
            return;
        }

        System.IO.Directory.CreateDirectory(Directory, DirectoryMode);
        File.SetUnixFileMode(Directory, DirectoryMode);
    }
}
