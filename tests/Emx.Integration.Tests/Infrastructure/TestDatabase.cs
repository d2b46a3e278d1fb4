using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Emx.Integration.Tests.Infrastructure;

/// <summary>
/// A database that exists only for one test: a SQLite file under a temporary directory, or a PostgreSQL database
/// <c>emx_t_&lt;guid&gt;</c> created on the admin connection. Disposing deletes it.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? _postgresAdmin;
    private readonly string? _postgresName;

    private TestDatabase(DatabaseProvider provider, string connectionString, TempDirectory? directory, string? postgresAdmin, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Directory = directory;
        _postgresAdmin = postgresAdmin;
        _postgresName = postgresName;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The temporary directory of a SQLite database (null for PostgreSQL).</summary>
    public TempDirectory? Directory { get; }

    /// <summary>The database section of a config file that points at this database.</summary>
    public DatabaseConfig Config => new() { Provider = Provider, ConnectionString = ConnectionString };

    /// <summary>Creates an empty database for <paramref name="provider"/>.</summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, CancellationToken cancellationToken)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                var directory = new TempDirectory();
                return new TestDatabase(provider, $"Data Source={Path.Combine(directory.Path, "emx.db")}", directory, null, null);
            case DatabaseProvider.Postgres:
                var admin = TestEnvironment.PostgresAdminConnectionString;
                if (admin is null)
                {
                    Assert.Fail(TestEnvironment.IsCi
                        ? TestEnvironment.MissingPostgresOnCi
                        : $"A PostgreSQL test ran without {TestEnvironment.PostgresVariable}; [DatabaseData] only emits it when configured.");
                }

                var name = $"emx_t_{Guid.NewGuid():N}";
                await using (var connection = new NpgsqlConnection(admin))
                {
                    await connection.OpenAsync(cancellationToken);
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
                    await create.ExecuteNonQueryAsync(cancellationToken);
                }

                var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
                return new TestDatabase(provider, builder.ConnectionString, null, admin, name);
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, null);
        }
    }

    /// <summary>A context on this database (the caller disposes it).</summary>
    public EmxDbContext CreateContext() => EmxDatabase.CreateContext(Provider, ConnectionString);

    /// <summary>The row count of every table of the model (configuration, runtime state, audit, jobs, indexes).</summary>
    public async Task<SortedDictionary<string, long>> RowCountsAsync(CancellationToken cancellationToken)
    {
        await using var db = CreateContext();
        return await new RowCounter(db).CountAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            using (var connection = new SqliteConnection(ConnectionString))
            {
                SqliteConnection.ClearPool(connection);
            }

            Directory?.Dispose();
            return;
        }

        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await using var admin = new NpgsqlConnection(_postgresAdmin);
        await admin.OpenAsync(CancellationToken.None);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresName}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync(CancellationToken.None);

        // The nodes' default key stores for this database (node.keyStore: data/keys/<database>/<node>).
        var keys = System.IO.Path.GetFullPath(System.IO.Path.Combine("data", "keys", _postgresName!));
        if (System.IO.Directory.Exists(keys))
        {
            System.IO.Directory.Delete(keys, recursive: true);
        }
    }
}

/// <summary>A directory under the system temp directory, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "emx-it-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process killed a moment ago may still hold a file; the OS temp cleaner gets it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Counts the rows of every table of a context's model.</summary>
public sealed class RowCounter(EmxDbContext db)
{
    public async Task<SortedDictionary<string, long>> CountAsync(CancellationToken cancellationToken)
    {
        var tables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct().ToList();
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        try
        {
            foreach (var table in tables)
            {
                await using DbCommand command = connection.CreateCommand();
#pragma warning disable CA2100 // table names come from the EF model, not from input
                command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
#pragma warning restore CA2100
                counts[table] = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        finally
        {
            await connection.CloseAsync();
        }

        return counts;
    }
}
