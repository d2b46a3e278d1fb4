using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
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

/// <summary>
/// The registrar's batch path on the <c>Registrations</c> table in plain ADO.NET on the caller's connection and
/// transaction (SQLite and PostgreSQL both: quoted identifiers, <c>@</c> parameters, <c>RETURNING</c>): one query reads
/// the bindings of every address of record of a batch, then one prepared statement per change. A refresh of an
/// unchanged binding is one UPDATE of its CSeq, time and expiry. No change tracking: the rows it returns are plain
/// objects the caller owns.
/// </summary>
internal sealed class RegistrationBatch : IAsyncDisposable
{
    private const string Columns = "\"Id\", \"Aor\", \"Partition\", \"Contact\", \"DeviceName\", \"InstanceId\", \"CallId\", \"CSeq\", \"Source\", \"ConnectionId\", \"Node\", \"Updated\", \"ExpiresAt\"";

    private static readonly (string Name, DbType Type)[] RowParameters =
    [
        ("@aor", DbType.String), ("@partition", DbType.String), ("@contact", DbType.String), ("@device", DbType.String),
        ("@instance", DbType.String), ("@callid", DbType.String), ("@cseq", DbType.Int64), ("@source", DbType.String),
        ("@connection", DbType.Int64), ("@node", DbType.String), ("@updated", DbType.Int64), ("@expires", DbType.Int64),
    ];

    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private DbCommand? _refresh;
    private DbCommand? _update;
    private DbCommand? _insert;
    private DbCommand? _delete;

    public RegistrationBatch(DbConnection connection, DbTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>Statements executed (for the batch's profile).</summary>
    public int Statements { get; private set; }

    /// <summary>
    /// Every binding of <paramref name="aors"/>: the live ones by address of record in id order; the expired ones are
    /// deleted (as whenever an address of record is written).
    /// </summary>
    public async Task<Dictionary<string, List<Registration>>> ReadAsync(IReadOnlyList<string> aors, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var live = new Dictionary<string, List<Registration>>(StringComparer.Ordinal);
        if (aors.Count == 0)
        {
            return live;
        }

        var expired = new List<long>();
        await using (var select = _connection.CreateCommand())
        {
            select.Transaction = _transaction;
            var names = new StringBuilder();
            for (var i = 0; i < aors.Count; i++)
            {
                names.Append(i == 0 ? "@a0" : ", @a" + i.ToString(CultureInfo.InvariantCulture));
                Add(select, "@a" + i.ToString(CultureInfo.InvariantCulture), aors[i]);
            }

            select.CommandText = "SELECT " + Columns + " FROM \"Registrations\" WHERE \"Aor\" IN (" + names + ") ORDER BY \"Id\"";
            Statements++;
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            var nowMs = now.ToUnixTimeMilliseconds();
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new Registration
                {
                    Id = reader.GetInt64(0),
                    Aor = reader.GetString(1),
                    Partition = reader.IsDBNull(2) ? null : reader.GetString(2),
                    Contact = reader.GetString(3),
                    DeviceName = reader.GetString(4),
                    InstanceId = reader.IsDBNull(5) ? null : reader.GetString(5),
                    CallId = reader.GetString(6),
                    CSeq = reader.GetInt64(7),
                    Source = reader.IsDBNull(8) ? null : reader.GetString(8),
                    ConnectionId = reader.GetInt64(9),
                    Node = reader.IsDBNull(10) ? null : reader.GetString(10),
                    Updated = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)),
                    ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12)),
                };
                if (row.ExpiresAt.ToUnixTimeMilliseconds() > nowMs)
                {
                    if (!live.TryGetValue(row.Aor, out var list))
                    {
                        live[row.Aor] = list = [];
                    }

                    list.Add(row);
                }
                else
                {
                    expired.Add(row.Id);
                }
            }
        }

        foreach (var id in expired)
        {
            await DeleteAsync(id, cancellationToken);
        }

        return live;
    }

    /// <summary>
    /// Applies a successful decision to <paramref name="existing"/> (rows from <see cref="ReadAsync"/>): deletes,
    /// updates (a refresh: CSeq, time and expiry only) and inserts; returns the live bindings after it, new ones with
    /// their ids.
    /// </summary>
    public async Task<IReadOnlyList<Registration>> ApplyAsync(
        IReadOnlyList<Registration> existing,
        RegisterDecision decision,
        RegisterRequest request,
        RegistrationSource source,
        string node,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        foreach (var id in decision.Removals)
        {
            await DeleteAsync(id, cancellationToken);
        }

        var live = decision.Removals.Count == 0 ? [.. existing] : existing.Where(e => !decision.Removals.Contains(e.Id)).ToList();
        var sourceText = source.ToString();
        foreach (var write in decision.Writes)
        {
            var binding = write.ExistingId is { } id ? existing.First(e => e.Id == id) : new Registration();
            var unchanged = write.ExistingId is not null
                && binding.Aor == request.Dn
                && binding.Partition == write.Partition
                && binding.Contact == write.Contact
                && binding.DeviceName == request.DeviceName
                && binding.InstanceId == write.InstanceId
                && binding.CallId == request.CallId
                && binding.Source == sourceText
                && binding.ConnectionId == source.ConnectionId
                && binding.Node == node;
            binding.Aor = request.Dn;
            binding.Partition = write.Partition;
            binding.Contact = write.Contact;
            binding.DeviceName = request.DeviceName!;
            binding.InstanceId = write.InstanceId;
            binding.CallId = request.CallId;
            binding.CSeq = request.CSeq;
            binding.Source = sourceText;
            binding.ConnectionId = source.ConnectionId;
            binding.Node = node;
            binding.Updated = now;
            binding.ExpiresAt = write.ExpiresAt;
            if (unchanged)
            {
                await RefreshAsync(binding, cancellationToken);
            }
            else if (write.ExistingId is not null)
            {
                await UpdateAsync(binding, cancellationToken);
            }
            else
            {
                binding.Id = await InsertAsync(binding, cancellationToken);
                live.Add(binding);
            }
        }

        return live;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in new[] { _refresh, _update, _insert, _delete })
        {
            if (command is not null)
            {
                await command.DisposeAsync();
            }
        }
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static void Set(DbCommand command, int index, object? value) => command.Parameters[index].Value = value ?? DBNull.Value;

    private async Task DeleteAsync(long id, CancellationToken cancellationToken)
    {
        var command = _delete ??= Prepare("DELETE FROM \"Registrations\" WHERE \"Id\" = @id", ("@id", DbType.Int64));
        Set(command, 0, id);
        await ExecuteAsync(command, cancellationToken);
    }

    private async Task RefreshAsync(Registration binding, CancellationToken cancellationToken)
    {
        var command = _refresh ??= Prepare(
            "UPDATE \"Registrations\" SET \"CSeq\" = @cseq, \"Updated\" = @updated, \"ExpiresAt\" = @expires WHERE \"Id\" = @id",
            ("@cseq", DbType.Int64), ("@updated", DbType.Int64), ("@expires", DbType.Int64), ("@id", DbType.Int64));
        Set(command, 0, binding.CSeq);
        Set(command, 1, binding.Updated.ToUnixTimeMilliseconds());
        Set(command, 2, binding.ExpiresAt.ToUnixTimeMilliseconds());
        Set(command, 3, binding.Id);
        await ExecuteAsync(command, cancellationToken);
    }

    private async Task UpdateAsync(Registration binding, CancellationToken cancellationToken)
    {
        var command = _update ??= Prepare(
            "UPDATE \"Registrations\" SET \"Aor\" = @aor, \"Partition\" = @partition, \"Contact\" = @contact, \"DeviceName\" = @device, "
            + "\"InstanceId\" = @instance, \"CallId\" = @callid, \"CSeq\" = @cseq, \"Source\" = @source, \"ConnectionId\" = @connection, "
            + "\"Node\" = @node, \"Updated\" = @updated, \"ExpiresAt\" = @expires WHERE \"Id\" = @id",
            [.. RowParameters, ("@id", DbType.Int64)]);
        SetRow(command, binding);
        Set(command, 12, binding.Id);
        await ExecuteAsync(command, cancellationToken);
    }

    private async Task<long> InsertAsync(Registration binding, CancellationToken cancellationToken)
    {
        var command = _insert ??= Prepare(
            "INSERT INTO \"Registrations\" (\"Aor\", \"Partition\", \"Contact\", \"DeviceName\", \"InstanceId\", \"CallId\", \"CSeq\", \"Source\", "
            + "\"ConnectionId\", \"Node\", \"Updated\", \"ExpiresAt\") VALUES (@aor, @partition, @contact, @device, @instance, @callid, @cseq, "
            + "@source, @connection, @node, @updated, @expires) RETURNING \"Id\"",
            RowParameters);
        SetRow(command, binding);
        Statements++;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static void SetRow(DbCommand command, Registration binding)
    {
        Set(command, 0, binding.Aor);
        Set(command, 1, binding.Partition);
        Set(command, 2, binding.Contact);
        Set(command, 3, binding.DeviceName);
        Set(command, 4, binding.InstanceId);
        Set(command, 5, binding.CallId);
        Set(command, 6, binding.CSeq);
        Set(command, 7, binding.Source);
        Set(command, 8, binding.ConnectionId);
        Set(command, 9, binding.Node);
        Set(command, 10, binding.Updated.ToUnixTimeMilliseconds());
        Set(command, 11, binding.ExpiresAt.ToUnixTimeMilliseconds());
    }

    private async Task ExecuteAsync(DbCommand command, CancellationToken cancellationToken)
    {
        Statements++;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A command reused for every row of the batch (its parameters rebound each time; prepared on first use by the provider).</summary>
    private DbCommand Prepare(string sql, params (string Name, DbType Type)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = type;
            parameter.Value = DBNull.Value;
            command.Parameters.Add(parameter);
        }

        command.Prepare();
        return command;
    }
}
