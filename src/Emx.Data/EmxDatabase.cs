using System.Data.Common;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Emx.Data;

/// <summary>Database providers emx runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded SQLite file: the zero-configuration default for a single-node cluster.</summary>
    Sqlite,

    /// <summary>PostgreSQL: several nodes share one database.</summary>
    Postgres,
}

/// <summary>Builds contexts for a provider and applies its migrations.</summary>
public static class EmxDatabase
{
    /// <summary>Configures <paramref name="builder"/> for the provider and connection string.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, DatabaseProvider provider, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                builder.UseSqlite(connectionString).AddInterceptors(SqlitePragmas.Instance);
                break;
            case DatabaseProvider.Postgres:
                builder.UseNpgsql(connectionString);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown database provider");
        }

        // Migrations are hand-kept SQL per provider (docs/decisions/0002); the model snapshot check is a test instead.
        builder.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
        return builder;
    }

    /// <summary>A new context for the provider.</summary>
    public static EmxDbContext CreateContext(DatabaseProvider provider, string connectionString) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteEmxDbContext(
            (DbContextOptions<SqliteEmxDbContext>)Configure(new DbContextOptionsBuilder<SqliteEmxDbContext>(), provider, connectionString).Options),
        DatabaseProvider.Postgres => new PostgresEmxDbContext(
            (DbContextOptions<PostgresEmxDbContext>)Configure(new DbContextOptionsBuilder<PostgresEmxDbContext>(), provider, connectionString).Options),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown database provider"),
    };

    /// <summary>Applies pending migrations (each in its own transaction; EF takes the migration lock on PostgreSQL).</summary>
    public static async Task MigrateAsync(EmxDbContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>The schema script the current model produces for the provider (what the migrations must add up to).</summary>
    public static string ModelScript(DatabaseProvider provider)
    {
        using var context = CreateContext(provider, provider == DatabaseProvider.Sqlite ? "Data Source=:memory:" : "Host=localhost;Database=emx_model");
        return context.Database.GenerateCreateScript();
    }

    internal static string ReadScript(string resource)
    {
        var assembly = typeof(EmxDatabase).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(resource, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>
/// Applies the SQLite settings every connection needs: WAL journal (readers never block the writer), synchronous
/// FULL (a committed transaction survives power loss), foreign keys, and a busy timeout so concurrent writers wait
/// instead of failing.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>A migration whose body is a provider SQL script embedded under Migrations/&lt;Provider&gt;/.</summary>
public abstract class ScriptMigration : Migration
{
    /// <summary>The embedded script's file name (for example <c>Sqlite.0001_Initial.sql</c>).</summary>
    protected abstract string Script { get; }

    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        ArgumentNullException.ThrowIfNull(migrationBuilder);
        migrationBuilder.Sql(EmxDatabase.ReadScript(Script));
    }
}
