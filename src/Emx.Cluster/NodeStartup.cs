using System.Net;
using System.Security.Cryptography;
using Emx.Cluster.Configuration;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Domain.Security;
using Emx.Domain.Validation;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster;

/// <summary>Creates contexts for one database, from a pool (see <see cref="EmxDatabase.CreatePool"/>).</summary>
public sealed class EmxDbContextFactory(DatabaseConfig config) : IEmxDbContextFactory
{
    private readonly Lazy<Func<EmxDbContext>> _pool = new(() => EmxDatabase.CreatePool(config.Provider, config.ConnectionString));

    /// <summary>The database this factory opens.</summary>
    public DatabaseConfig Config { get; } = config;

    /// <inheritdoc />
    public EmxDbContext Create() => _pool.Value();
}

/// <summary>What the node printed at first start that the operator must see once (a generated admin password).</summary>
public sealed record StartupNotice(string Message);

/// <summary>Brings a node's database and configuration to the state its config file asks for, before it listens.</summary>
public sealed partial class NodeStartup(IEmxDbContextFactory contexts, ProvisioningService provisioning, TimeProvider time, ILogger<NodeStartup> logger, Security.NodeCertificateService? certificates = null, Security.TrustStores? trustStores = null)
{
    /// <summary>Checks a config file before anything is touched: every problem, with its field.</summary>
    public static IReadOnlyList<ConfigError> ValidateConfigFile(EmxConfigFile config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new List<ConfigError>();
        var node = config.Node;
        if (string.IsNullOrWhiteSpace(node.Name) || node.Name.Length > 64)
        {
            errors.Add(new ConfigError("node", "", "name", "is required (at most 64 characters)"));
        }

        if (!IPAddress.TryParse(node.Address, out _))
        {
            errors.Add(new ConfigError("node", "", "address", $"'{node.Address}' is not an IP address (listeners bind to it)"));
        }

        var ports = new (string Name, int Value)[] { ("http", node.Ports.Http), ("https", node.Ports.Https), ("config", node.Ports.Config), ("sip", node.Ports.Sip) };
        foreach (var (name, value) in ports)
        {
            if (value is < 0 or > 65535)
            {
                errors.Add(new ConfigError("node", "", $"ports.{name}", $"is {value}; valid ports are 1 to 65535 (0 picks a free port)"));
            }
        }

        // SIP listens on TCP too (with CallManager activated), so its port cannot be another listener's.
        var sipListens = node.Services.Contains(NodeService.CallManager);
        foreach (var dup in ports.Where(p => p.Value > 0 && (p.Name != "sip" || sipListens)).GroupBy(p => p.Value).Where(g => g.Count() > 1))
        {
            errors.Add(new ConfigError("node", "", "ports", $"port {dup.Key} is used by {string.Join(" and ", dup.Select(d => d.Name))}"));
        }

        if (string.IsNullOrWhiteSpace(config.Database.ConnectionString))
        {
            errors.Add(new ConfigError("database", "", "connectionString", "is required"));
        }

        if (config.Cluster is { } cluster)
        {
            errors.AddRange(ConfigValidator.Validate(new ProvisioningDocument { Cluster = cluster }, EmptyCatalog.Instance));
        }

        if (config.Admin is { Password: { } password } && password.Length < 8)
        {
            errors.Add(new ConfigError("admin", "", "password", "must be at least 8 characters"));
        }

        return errors;
    }

    /// <summary>
    /// Migrates the database, creates the standard groups, records this node, applies the configured cluster
    /// identity and provisioning (all or nothing), and makes sure an administrator exists.
    /// </summary>
    public async Task<(IReadOnlyList<ConfigError> Errors, StartupNotice? Notice)> InitializeAsync(EmxConfigFile config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        EnsureSqliteDirectory(config.Database);
        await using (var db = contexts.Create())
        {
            await EmxDatabase.MigrateAsync(db, cancellationToken);
            LogMigrated(logger, config.Database.Provider);
            foreach (var group in AccessControlGroup.StandardGroups)
            {
                if (!await db.Config<AccessControlGroup>().AnyAsync(g => g.Name == group, cancellationToken))
                {
                    db.Add(new AccessControlGroup { Name = group, Description = "Standard group" });
                }
            }

            var node = await db.Nodes.FindAsync([config.Node.Name], cancellationToken);
            if (node is null)
            {
                node = new ClusterNode { Name = config.Node.Name };
                db.Nodes.Add(node);
            }

            node.Address = config.Node.Address;
            node.HttpPort = config.Node.Ports.Http;
            node.HttpsPort = config.Node.Ports.Https;
            node.ConfigPort = config.Node.Ports.Config;
            node.SipPort = config.Node.Ports.Sip;
            node.Services = [.. config.Node.Services.Distinct()];
            node.LastStarted = time.GetUtcNow();
            if (certificates is not null)
            {
                var keyStore = new Security.NodeKeyStore(config.Node.ResolveKeyStore(config.Database));
                await certificates.InitializeAsync(db, node.Name, node.Address, keyStore, cancellationToken);
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        if (trustStores is not null)
        {
            await trustStores.RefreshAsync(cancellationToken);
        }

        var document = config.Provision ?? new ProvisioningDocument();
        document.Cluster ??= config.Cluster;
        if (document.Cluster is not null || document.ObjectLists().Any() || document.Sections().Any() || document.EmccDevices is not null)
        {
            var result = await provisioning.ApplyAsync(document, $"config:{config.Node.Name}", cancellationToken);
            if (!result.Succeeded)
            {
                return (result.Errors, null);
            }
        }

        var notice = await EnsureAdministratorAsync(config.Admin, cancellationToken);
        return ([], notice);
    }

    private async Task<StartupNotice?> EnsureAdministratorAsync(AdminConfig? admin, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var userId = admin?.UserId ?? "admin";
        var existing = await db.Config<ApplicationUser>().FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken);
        string? generated = null;
        if (existing is null)
        {
            var anySuperUser = (await db.Config<ApplicationUser>().ToListAsync(cancellationToken))
                .Any(u => u.Groups.Contains(AccessControlGroup.StandardCcmSuperUsers));
            if (anySuperUser && admin?.Password is null)
            {
                return null;
            }

            var password = admin?.Password ?? (generated = GeneratePassword());
            db.Add(new ApplicationUser
            {
                UserId = userId,
                Description = "Administrator created at first start",
                PasswordHash = SecretHasher.HashPassword(password),
                Groups = [AccessControlGroup.StandardCcmSuperUsers, AccessControlGroup.StandardEmAuthenticationProxyRights],
            });
        }
        else if (admin?.Password is { } password && !SecretHasher.Verify(password, existing.PasswordHash))
        {
            existing.PasswordHash = SecretHasher.HashPassword(password);
            if (!existing.Groups.Contains(AccessControlGroup.StandardCcmSuperUsers))
            {
                existing.Groups = [.. existing.Groups, AccessControlGroup.StandardCcmSuperUsers];
            }
        }
        else
        {
            return null;
        }

        db.AuditLog.Add(new AuditEntry { Time = time.GetUtcNow(), Actor = "system", Action = "bootstrap", Target = "applicationUsers", Key = userId });
        await db.SaveChangesAsync(cancellationToken);
        LogAdministrator(logger, userId);
        return generated is null
            ? null
            : new StartupNotice($"Created administrator '{userId}' with password: {generated}\nIt is shown only this once; change it through the admin API.");
    }

    private static string GeneratePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', 'x').Replace('/', 'y');

    private static void EnsureSqliteDirectory(DatabaseConfig database)
    {
        if (database.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }

        var path = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(path) && path != ":memory:" && directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Database migrated ({Provider})")]
    private static partial void LogMigrated(ILogger logger, DatabaseProvider provider);

    /// <summary>
    /// Records the ports the listeners actually bound (port 0 picks free ones), so the rest of the cluster and other
    /// clusters (EMCC TFTP for the login device, configuration files) name reachable ports.
    /// </summary>
    public async Task RecordBoundPortsAsync(string nodeName, int? http, int? https, int? config, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        if (await db.Nodes.FindAsync([nodeName], cancellationToken) is not { } node)
        {
            return;
        }

        node.HttpPort = http ?? node.HttpPort;
        node.HttpsPort = https ?? node.HttpsPort;
        node.ConfigPort = config ?? node.ConfigPort;
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Administrator {UserId} created or updated from configuration")]
    private static partial void LogAdministrator(ILogger logger, string userId);

    private sealed class EmptyCatalog : IConfigCatalog
    {
        public static readonly EmptyCatalog Instance = new();

        public bool Exists(string kind, string key) => false;

        public T? Find<T>(string key)
            where T : class, IConfigObject => null;

        public IReadOnlyList<T> All<T>()
            where T : class, IConfigObject => [];

        public int Count(string kind) => 0;

        public T Section<T>()
            where T : class, ISettingsSection, new() => new();
    }
}
