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
                builder.UseSqlite(connectionString).AddInterceptors(SqlitePragmas.Instance, SqliteWriteGate.For(connectionString));
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

    /// <summary>
    /// A pool of contexts for the provider: a context taken from it skips building options, resolving EF's internal
    /// services and creating its change tracker, which a new context pays on every request. Disposing a pooled context
    /// resets it (change tracker, connection, transaction) and returns it to the pool.
    /// </summary>
    public static Func<EmxDbContext> CreatePool(DatabaseProvider provider, string connectionString, int poolSize = 256)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = new PooledDbContextFactory<SqliteEmxDbContext>(
                    (DbContextOptions<SqliteEmxDbContext>)Configure(new DbContextOptionsBuilder<SqliteEmxDbContext>(), provider, connectionString).Options, poolSize);
                return sqlite.CreateDbContext;
            case DatabaseProvider.Postgres:
                var postgres = new PooledDbContextFactory<PostgresEmxDbContext>(
                    (DbContextOptions<PostgresEmxDbContext>)Configure(new DbContextOptionsBuilder<PostgresEmxDbContext>(), provider, connectionString).Options, poolSize);
                return postgres.CreateDbContext;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown database provider");
        }
    }

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
/// instead of failing. They belong to the native connection, which Microsoft.Data.Sqlite pools and hands out again on
/// the next open, so they are applied once per native connection rather than on every open.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;";

    // Native connections already set up; an entry goes when its handle is collected.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Applied = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (IsApplied(connection))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        MarkApplied(connection);
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (IsApplied(connection))
        {
            return;
        }

        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        MarkApplied(connection);
    }

    private static bool IsApplied(DbConnection connection) =>
        connection is Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle } && Applied.TryGetValue(handle, out _);

    private static void MarkApplied(DbConnection connection)
    {
        if (connection is Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle })
        {
            Applied.AddOrUpdate(handle, Instance);
        }
    }
}

/// <summary>
/// Serialises this process's write transactions on one SQLite database with an async gate, taken before
/// <c>BEGIN IMMEDIATE</c> and released at commit or rollback. SQLite has one writer at a time anyway; without the gate
/// concurrent writers meet <c>SQLITE_BUSY</c> inside sqlite3_step and wait in its busy handler, which sleeps 1, 2, 5 ...
/// 100 ms on a blocked thread-pool thread (Microsoft.Data.Sqlite is synchronous underneath), so under load latency
/// climbs to hundreds of milliseconds while the CPU idles. With the gate they queue without a thread and enter in turn.
/// Transactions, their isolation and their durability are unchanged; other processes still meet busy_timeout. A gate
/// not obtained within the busy timeout is bypassed, leaving the decision to SQLite exactly as before.
/// </summary>
#pragma warning disable CA1001 // One gate per database file for the life of the process; never disposed.
internal sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbConnectionInterceptor
#pragma warning restore CA1001
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SqliteWriteGate> Gates = new(StringComparer.Ordinal);
    private static readonly TimeSpan BypassAfter = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<DbContext, bool> _holders = new();

    /// <summary>The gate of the database file a connection string names (one per file in the process).</summary>
    public static SqliteWriteGate For(string connectionString)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        var key = string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == Microsoft.Data.Sqlite.SqliteOpenMode.Memory
            ? connectionString
            : Path.GetFullPath(builder.DataSource);
        return Gates.GetOrAdd(key, _ => new SqliteWriteGate());
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (eventData.Context is { } context && !_holders.ContainsKey(context) && _gate.Wait(BypassAfter))
        {
            _holders[context] = true;
        }

        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        // A context already holding the gate (its previous transaction ended unseen) keeps it rather than wait on itself.
        if (eventData.Context is { } context && !_holders.ContainsKey(context) && await _gate.WaitAsync(BypassAfter, cancellationToken).ConfigureAwait(false))
        {
            _holders[context] = true;
        }

        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => ReleaseUnlessActive(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ReleaseUnlessActive(eventData.Context);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback (an exception) is rolled back by SQLite when the connection
    // closes or is disposed: release there too.
    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Release(DbContext? context)
    {
        if (context is not null && _holders.TryRemove(context, out _))
        {
            _gate.Release();
        }
    }

    // Beginning failed: nothing is held by SQLite. A failed commit or rollback: release only once the transaction is over.
    private void ReleaseUnlessActive(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
        {
            Release(context);
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
