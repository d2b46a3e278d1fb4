using System.Diagnostics;
using Emx.Data;
using Emx.Domain.Runtime;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Emx.Integration.Tests;

/// <summary>
/// The in-process write gate of a SQLite database (taken at BEGIN, given back at commit or rollback) and the context
/// pool: whatever way a transaction ends, the next writer gets in, and no write is lost or leaked between contexts.
/// </summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("emx-gate-");
    private Func<EmxDbContext> _pool = null!;

    // Far below the gate's 10 s bypass: a leaked gate would show as a wait of about 10 s.
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    public async ValueTask InitializeAsync()
    {
        _pool = EmxDatabase.CreatePool(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_dir.FullName, "gate.db")}");
        await using var db = _pool();
        await EmxDatabase.MigrateAsync(db, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task TransactionDisposedWithoutCommit_RollsBack_AndReleasesTheGate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var db = _pool())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.AuditLog.Add(Entry("abandoned"));
            await db.SaveChangesAsync(ct);
        }

        var watch = Stopwatch.StartNew();
        await WriteAsync("next", ct);

        Assert.True(watch.Elapsed < Prompt, $"the next writer waited {watch.Elapsed}");
        Assert.Equal(["next"], await ActorsAsync(ct));
    }

    [Fact]
    public async Task FailedSaveChanges_ReleasesTheGate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var db = _pool())
        {
            db.ExtensionMobilityDynamics.Add(ExtensionMobilityDynamic.ForDevice("SEP000000000001"));
            await db.SaveChangesAsync(ct);
        }

        await using (var db = _pool())
        {
            // The same key again: the INSERT fails inside SaveChanges' own transaction.
            db.AuditLog.Add(Entry("lost"));
            db.ExtensionMobilityDynamics.Add(ExtensionMobilityDynamic.ForDevice("SEP000000000001"));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(ct));
        }

        var watch = Stopwatch.StartNew();
        await WriteAsync("after failure", ct);

        Assert.True(watch.Elapsed < Prompt, $"the next writer waited {watch.Elapsed}");
        Assert.Equal(["after failure"], await ActorsAsync(ct));
    }

    [Fact]
    public async Task ExplicitRollback_ReleasesTheGate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var db = _pool())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.AuditLog.Add(Entry("rolled back"));
            await db.SaveChangesAsync(ct);
            await transaction.RollbackAsync(ct);

            // The same context (and connection) writes again after its rollback.
            db.ChangeTracker.Clear();
            db.AuditLog.Add(Entry("same context"));
            await db.SaveChangesAsync(ct);
        }

        var watch = Stopwatch.StartNew();
        await WriteAsync("other context", ct);

        Assert.True(watch.Elapsed < Prompt, $"the next writer waited {watch.Elapsed}");
        Assert.Equal(["other context", "same context"], await ActorsAsync(ct));
    }

    [Fact]
    public async Task ConcurrentWriters_AllCommit_OneTransactionEach()
    {
        var ct = TestContext.Current.CancellationToken;
        var writers = Enumerable.Range(0, 40).Select(i => Task.Run(() => WriteAsync($"writer {i:D2}", ct), ct));

        await Task.WhenAll(writers);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"writer {i:D2}"), await ActorsAsync(ct));
    }

    [Fact]
    public async Task PooledContext_ComesBackClean()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var db = _pool())
        {
            db.AuditLog.Add(Entry("unsaved"));
            Assert.Single(db.ChangeTracker.Entries());
        }

        await using (var db = _pool())
        {
            Assert.Empty(db.ChangeTracker.Entries());
            Assert.Null(db.Database.CurrentTransaction);
        }

        Assert.Empty(await ActorsAsync(ct));
    }

    private async Task WriteAsync(string actor, CancellationToken ct)
    {
        await using var db = _pool();
        db.AuditLog.Add(Entry(actor));
        db.AuditLog.Add(Entry(actor + " (second row)"));
        await db.SaveChangesAsync(ct);
    }

    private async Task<List<string>> ActorsAsync(CancellationToken ct)
    {
        await using var db = _pool();
        var actors = await db.AuditLog.AsNoTracking().Select(a => a.Actor).ToListAsync(ct);
        return [.. actors.Where(a => !a.EndsWith(" (second row)", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    private static AuditEntry Entry(string actor) =>
        new() { Time = DateTimeOffset.UnixEpoch, Actor = actor, Action = "test", Target = "gate" };
}
