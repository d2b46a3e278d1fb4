using System.Diagnostics;
using System.Globalization;
using System.Text;
using Emx.Domain.Configuration;

namespace Emx.Cluster.Security;

/// <summary>A transfer to or from the shared location failed; the message says why in words an administrator can act on.</summary>
public sealed class SharedLocationException(string message) : Exception(message)
{
    public SharedLocationException()
        : this("The shared location failed.")
    {
    }

    public SharedLocationException(string message, Exception inner)
        : this(message + ": " + inner?.Message)
    {
    }
}

/// <summary>Where the clusters exchange bulk certificate files (Bulk Certificate Management): a directory or an SFTP server.</summary>
public interface ISharedLocation
{
    /// <summary>Every bulk certificate file there: the clusters' <c>*.pfx</c> and the consolidated file, by name.</summary>
    Task<IReadOnlyDictionary<string, byte[]>> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Writes (replaces) one file, so that a reader never sees half of it.</summary>
    Task WriteAsync(string name, byte[] content, CancellationToken cancellationToken);

    /// <summary>Where a file is, in words (<c>sftp://user@host:22/dir/ClusterA.pfx</c>).</summary>
    string Describe(string name);
}

/// <summary>The shared location of a <see cref="BulkCertificateManagement"/> section.</summary>
public static class SharedLocations
{
    /// <summary>The consolidated file's name: a different extension from the clusters' files, so no Cluster ID can collide with it.</summary>
    public const string ConsolidatedFile = "consolidated.p12";

    /// <summary>The file a cluster exports to.</summary>
    public static string ExportFile(string clusterId) => clusterId + ".pfx";

    /// <summary>The location the settings name, or null when Bulk Certificate Management is not configured.</summary>
    public static ISharedLocation? For(BulkCertificateManagement settings, NodeKeyStore keyStore)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Directory is null)
        {
            return null;
        }

        return settings.Location == SharedLocationKind.Sftp
            ? new SftpLocation(settings, keyStore)
            : new DirectoryLocation(settings.Directory);
    }

    internal static bool IsBulkFile(string name) =>
        name == ConsolidatedFile || (name.EndsWith(".pfx", StringComparison.Ordinal) && name.Length > 4 && !name.Contains('/', StringComparison.Ordinal));
}

/// <summary>A directory every participating cluster's nodes reach (a shared mount; one machine in a lab).</summary>
public sealed class DirectoryLocation(string directory) : ISharedLocation
{
    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, byte[]>> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            throw new SharedLocationException($"the directory {directory} does not exist");
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!SharedLocations.IsBulkFile(name))
            {
                continue;
            }

            if (new FileInfo(path).Length > CertificateBundle.MaxBytes)
            {
                throw new SharedLocationException($"{path} is larger than a bulk certificate file can be");
            }

            files[name] = await File.ReadAllBytesAsync(path, cancellationToken);
        }

        return files;
    }

    /// <inheritdoc />
    public async Task WriteAsync(string name, byte[] content, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            throw new SharedLocationException($"the directory {directory} does not exist");
        }

        var target = Path.Combine(directory, name);
        var part = target + ".part";
        try
        {
            await File.WriteAllBytesAsync(part, content, cancellationToken);
            File.Move(part, target, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SharedLocationException($"cannot write {target}", ex);
        }
    }

    /// <inheritdoc />
    public string Describe(string name) => Path.Combine(directory, name);
}

/// <summary>
/// An SFTP server, through OpenSSH's <c>sftp</c> client in batch mode (<c>-b</c>): key authentication only
/// (<c>-i</c>, BatchMode), no user or system ssh configuration (<c>-F none</c>), host key checked strictly against a
/// known_hosts file this node manages in its key store (the configured host key, or the key seen first).
/// </summary>
public sealed class SftpLocation(BulkCertificateManagement settings, NodeKeyStore keyStore) : ISharedLocation
{
    private string Remote => settings.Directory!;

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, byte[]>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var local = Directory.CreateTempSubdirectory("emx-bulk-");
        try
        {
            // A leading '-' lets a command fail without ending the batch: "no *.pfx yet" is not an error.
            var batch = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"cd \"{Remote}\"\n")
                .Append(CultureInfo.InvariantCulture, $"-get *.pfx \"{local.FullName}/\"\n")
                .Append(CultureInfo.InvariantCulture, $"-get {SharedLocations.ConsolidatedFile} \"{local.FullName}/\"\n");
            await RunAsync(batch.ToString(), cancellationToken);
            return await new DirectoryLocation(local.FullName).ReadAllAsync(cancellationToken);
        }
        finally
        {
            local.Delete(recursive: true);
        }
    }

    /// <inheritdoc />
    public async Task WriteAsync(string name, byte[] content, CancellationToken cancellationToken)
    {
        var local = Directory.CreateTempSubdirectory("emx-bulk-");
        try
        {
            var file = Path.Combine(local.FullName, name);
            await File.WriteAllBytesAsync(file, content, cancellationToken);

            // Upload beside the target, then rename over it (OpenSSH's posix-rename): readers see the old file or the new.
            var batch = new StringBuilder()
                .Append(CultureInfo.InvariantCulture, $"cd \"{Remote}\"\n")
                .Append(CultureInfo.InvariantCulture, $"put \"{file}\" \"{name}.part\"\n")
                .Append(CultureInfo.InvariantCulture, $"rename \"{name}.part\" \"{name}\"\n");
            await RunAsync(batch.ToString(), cancellationToken);
        }
        finally
        {
            local.Delete(recursive: true);
        }
    }

    /// <inheritdoc />
    public string Describe(string name) => $"sftp://{settings.UserId}@{settings.Server}:{settings.Port}/{Remote.TrimStart('/')}/{name}";

    private async Task RunAsync(string batch, CancellationToken cancellationToken)
    {
        var sftp = FindSftp() ?? throw new SharedLocationException("OpenSSH's sftp client is not installed on this node (Debian package openssh-client)");
        if (!File.Exists(settings.IdentityFile))
        {
            throw new SharedLocationException($"the identity file {settings.IdentityFile} does not exist on this node");
        }

        var knownHosts = PrepareKnownHosts();
        var scratch = Directory.CreateTempSubdirectory("emx-sftp-");
        try
        {
            var batchFile = Path.Combine(scratch.FullName, "batch");
            await File.WriteAllTextAsync(batchFile, batch, cancellationToken);
            var start = new ProcessStartInfo(sftp)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            string[] arguments =
            [
                "-F", "none", "-b", batchFile, "-i", settings.IdentityFile!, "-P", settings.Port.ToString(CultureInfo.InvariantCulture),
                "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no",
                "-o", "StrictHostKeyChecking=" + (settings.HostKey is null ? "accept-new" : "yes"),
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=" + Math.Min(settings.TimeoutSeconds, 30).ToString(CultureInfo.InvariantCulture),
                "-o", "User=" + settings.UserId,
                "--", Host(),
            ];
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new SharedLocationException($"cannot start {sftp}");
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            within.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
            try
            {
                await process.WaitForExitAsync(within.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                throw new SharedLocationException($"sftp to {settings.Server}:{settings.Port} did not finish within {settings.TimeoutSeconds} s");
            }

            await output;
            var stderr = (await errors).Trim();
            if (process.ExitCode != 0)
            {
                // The reason is at the end (after OpenSSH's host key warning banner, for example).
                var detail = stderr.Length > 600 ? "..." + stderr[^600..] : stderr;
                throw new SharedLocationException($"sftp to {settings.UserId}@{settings.Server}:{settings.Port} failed (exit {process.ExitCode}): {detail}");
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private string Host() => settings.Server!.Contains(':', StringComparison.Ordinal) ? $"[{settings.Server}]" : settings.Server!;

    private string PrepareKnownHosts()
    {
        var path = keyStore.KnownHostsPath;
        if (settings.HostKey is { } key)
        {
            var host = settings.Port == 22 ? settings.Server! : $"[{settings.Server}]:{settings.Port.ToString(CultureInfo.InvariantCulture)}";
            keyStore.WriteFile(path, $"{host} {key}\n");
        }
        else if (!File.Exists(path))
        {
            keyStore.WriteFile(path, "");
        }

        return path;
    }

    private static string? FindSftp() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Select(directory => Path.Combine(directory, "sftp"))
            .FirstOrDefault(File.Exists);
}
