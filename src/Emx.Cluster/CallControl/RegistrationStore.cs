using Emx.Data;
using Emx.Domain.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Emx.Cluster.CallControl;

/// <summary>
/// The bindings table (kamailio's usrloc to <see cref="RegistrarRules"/>' registrar): reads, writes and purges
/// <see cref="Registration"/> rows inside the caller's context and transaction. Expired rows are never returned and
/// are deleted whenever their address of record is written, and at node start.
/// </summary>
public static class RegistrationStore
{
    /// <summary>The live bindings of an address of record, every partition, tracked for update.</summary>
    public static Task<List<Registration>> LiveAsync(EmxDbContext db, string aor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Registrations.Where(r => r.Aor == aor && r.ExpiresAt > now).OrderBy(r => r.Id).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Every binding of several addresses of record, in one query: the live ones tracked for update, by address of
    /// record in id order; the expired ones marked for deletion (deleted by the caller's next save), as whenever an
    /// address of record is written.
    /// </summary>
    public static async Task<Dictionary<string, List<Registration>>> OfAorsAsync(EmxDbContext db, IReadOnlyCollection<string> aors, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(aors);
        var rows = await db.Registrations.Where(r => aors.Contains(r.Aor)).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        var live = new Dictionary<string, List<Registration>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (row.ExpiresAt > now)
            {
                if (!live.TryGetValue(row.Aor, out var list))
                {
                    live[row.Aor] = list = [];
                }

                list.Add(row);
            }
            else
            {
                db.Registrations.Remove(row);
            }
        }

        return live;
    }

    /// <summary>The live bindings a device holds (read only).</summary>
    public static Task<List<Registration>> OfDeviceAsync(EmxDbContext db, string deviceName, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Registrations.AsNoTracking().Where(r => r.DeviceName == deviceName && r.ExpiresAt > now).OrderBy(r => r.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Deletes the expired bindings of one address of record.</summary>
    public static Task<int> PurgeExpiredAsync(EmxDbContext db, string aor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Registrations.Where(r => r.Aor == aor && r.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Deletes every expired binding.</summary>
    public static Task<int> PurgeExpiredAsync(EmxDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Registrations.Where(r => r.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes a device's bindings of lines that are no longer on its current configuration (after a login or
    /// logout), so a line stops reaching a phone that no longer shows it even if the phone never re-registers.
    /// </summary>
    public static async Task<int> RemoveLinesNotOnAsync(EmxDbContext db, string deviceName, IReadOnlyCollection<string> currentKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(currentKeys);
        var rows = await db.Registrations.Where(r => r.DeviceName == deviceName).ToListAsync(cancellationToken);
        var stale = rows.Where(r => !currentKeys.Contains(LineKey(r.Aor, r.Partition))).ToList();
        db.Registrations.RemoveRange(stale);
        await db.SaveChangesAsync(cancellationToken);
        return stale.Count;
    }

    /// <summary>The key <see cref="RemoveLinesNotOnAsync"/> compares: directory number and partition.</summary>
    public static string LineKey(string dn, string? partition) => dn + "/" + (partition ?? string.Empty);

    /// <summary>
    /// Applies a successful decision to the tracked <paramref name="existing"/> bindings (the caller saves); returns the
    /// address of record's live bindings after it (new ones get their ids when saved).
    /// </summary>
    public static IReadOnlyList<Registration> Apply(
        EmxDbContext db,
        IReadOnlyList<Registration> existing,
        RegisterDecision decision,
        RegisterRequest request,
        RegistrationSource source,
        string node,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        var byId = existing.ToDictionary(e => e.Id);
        foreach (var id in decision.Removals)
        {
            db.Registrations.Remove(byId[id]);
        }

        var removed = decision.Removals.ToHashSet();
        var live = existing.Where(e => !removed.Contains(e.Id)).ToList();

        foreach (var write in decision.Writes)
        {
            var binding = write.ExistingId is { } id ? byId[id] : new Registration();
            binding.Aor = request.Dn;
            binding.Partition = write.Partition;
            binding.Contact = write.Contact;
            binding.DeviceName = request.DeviceName!;
            binding.InstanceId = write.InstanceId;
            binding.CallId = request.CallId;
            binding.CSeq = request.CSeq;
            binding.Source = source.ToString();
            binding.ConnectionId = source.ConnectionId;
            binding.Node = node;
            binding.Updated = now;
            binding.ExpiresAt = write.ExpiresAt;
            if (write.ExistingId is null)
            {
                db.Registrations.Add(binding);
                live.Add(binding);
            }
        }

        return live;
    }
}
