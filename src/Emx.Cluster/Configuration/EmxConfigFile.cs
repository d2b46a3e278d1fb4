using Emx.Data;
using Emx.Domain.Configuration;

namespace Emx.Cluster.Configuration;

/// <summary>
/// The file <c>emx serve --config</c> reads: which cluster and node this process is, where its database is,
/// the first administrator, and optionally the provisioning applied at start (examples/cluster-a.yaml).
/// </summary>
public sealed class EmxConfigFile
{
    /// <summary>Cluster identity (Cluster ID enterprise parameter, version, security mode).</summary>
    public ClusterSettings? Cluster { get; set; }

    public NodeConfig Node { get; set; } = new();

    public DatabaseConfig Database { get; set; } = new();

    public AdminConfig? Admin { get; set; }

    /// <summary>Provisioning applied at start, all or nothing, before the node starts listening.</summary>
    public ProvisioningDocument? Provision { get; set; }
}

/// <summary>This node: name, listening address and ports, activated services.</summary>
public sealed class NodeConfig
{
    /// <summary>Node name (CUCM server name). Default emx1.</summary>
    public string Name { get; set; } = "emx1";

    /// <summary>Address every listener binds to. Default 127.0.0.1 (loopback).</summary>
    public string Address { get; set; } = "127.0.0.1";

    public PortsConfig Ports { get; set; } = new();

    /// <summary>Services activated on this node. Default: CallManager, Tftp, ExtensionMobility.</summary>
    public List<NodeService> Services { get; set; } = [NodeService.CallManager, NodeService.Tftp, NodeService.ExtensionMobility];

    /// <summary>
    /// Directory of this node's private keys: one file per certificate, mode 0600, in a 0700 directory; never in the
    /// database. Default: <c>keys/&lt;node name&gt;</c> beside the SQLite database file; with PostgreSQL
    /// <c>data/keys/&lt;database&gt;/&lt;node name&gt;</c> under the working directory.
    /// </summary>
    public string? KeyStore { get; set; }

    /// <summary>The key store directory in effect for <paramref name="database"/> (absolute).</summary>
    public string ResolveKeyStore(DatabaseConfig database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (!string.IsNullOrWhiteSpace(KeyStore))
        {
            return Path.GetFullPath(KeyStore);
        }

        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            if (!string.IsNullOrEmpty(file) && file != ":memory:" && !file.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "keys", Name);
            }

            return Path.GetFullPath(Path.Combine("data", "keys", Name));
        }

        var name = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        return Path.GetFullPath(Path.Combine("data", "keys", string.IsNullOrEmpty(name) ? "postgres" : name, Name));
    }
}

/// <summary>Listening ports of a node (1-65535; 0 picks a free port, for tests).</summary>
public sealed class PortsConfig
{
    /// <summary>HTTP: EM API, EMApp, admin API. Default 8080.</summary>
    public int Http { get; set; } = 8080;

    /// <summary>HTTPS with the node's Tomcat certificate (inter-cluster EMCC with mutual TLS, secure EM API and EMApp). Default 8443; 0 picks a free port.</summary>
    public int Https { get; set; } = 8443;

    /// <summary>Phone configuration files over HTTP (SEP&lt;MAC&gt;.cnf.xml). Default 6970.</summary>
    public int Config { get; set; } = 6970;

    /// <summary>SIP (UDP and TCP, one port), open when CallManager is activated on the node. Default 5060; 0 picks a free port, recorded on the node so configuration files carry it.</summary>
    public int Sip { get; set; } = 5060;
}

/// <summary>Where the cluster's database is.</summary>
public sealed class DatabaseConfig
{
    /// <summary>sqlite (default) or postgres.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Connection string. Default: <c>Data Source=data/emx.db</c> relative to the working directory.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/emx.db";
}

/// <summary>The first administrator (an application user in Standard CCM Super Users).</summary>
public sealed class AdminConfig
{
    /// <summary>Default admin.</summary>
    public string UserId { get; set; } = "admin";

    /// <summary>Password in clear text; stored hashed. When absent and no administrator exists, one is generated and printed once.</summary>
    public string? Password { get; set; }
}
