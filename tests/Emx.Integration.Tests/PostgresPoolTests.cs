using Emx.Data;
using Emx.Domain.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Emx.Integration.Tests;

/// <summary>Pooled contexts on PostgreSQL (EMX_TEST_POSTGRES, set by CI): concurrent writers, clean reuse.</summary>
public sealed class PostgresPoolTests
{
    [Fact]
    public async Task PooledContexts_ConcurrentWriters_AllCommit_AndComeBackClean()
    {
        var server = Environment.GetEnvironmentVariable("EMX_TEST_POSTGRES");
        if (string.IsNullOrEmpty(server))
        {
            Assert.Skip("EMX_TEST_POSTGRES is not set");
        }

        var ct = TestContext.Current.CancellationToken;
        var pool = EmxDatabase.CreatePool(DatabaseProvider.Postgres, $"{server};Database=emx_pool_{Guid.NewGuid():N}");
        await using (var db = pool())
        {
            await EmxDatabase.MigrateAsync(db, ct);
        }

        try
        {
            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(
                async () =>
                {
                    await using var db = pool();
                    db.AuditLog.Add(new AuditEntry { Time = DateTimeOffset.UnixEpoch, Actor = $"writer {i:D2}", Action = "test", Target = "pool" });
                    await db.SaveChangesAsync(ct);
                },
                ct)));

            await using (var db = pool())
            {
                db.AuditLog.Add(new AuditEntry { Time = DateTimeOffset.UnixEpoch, Actor = "unsaved", Action = "test", Target = "pool" });
            }

            await using (var db = pool())
            {
                Assert.Empty(db.ChangeTracker.Entries());
                var actors = await db.AuditLog.AsNoTracking().Select(a => a.Actor).ToListAsync(ct);
                Assert.Equal(Enumerable.Range(0, 20).Select(i => $"writer {i:D2}"), actors.Order(StringComparer.Ordinal));
            }
        }
        finally
        {
            await using var db = pool();
            await db.Database.EnsureDeletedAsync(ct);
        }
    }
}
