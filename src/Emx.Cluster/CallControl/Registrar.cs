using System.Data.Common;
using Emx.Cluster.Configuration;
using Emx.Cluster.Provisioning;
using Emx.Cluster.ExtensionMobility;
using Emx.Data;
using Emx.Domain.Runtime;
using Emx.Sip.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.CallControl;

/// <summary>The outcome of one REGISTER: the decision and, on success, every live binding of the address of record.</summary>
/// <param name="Decision">The status and what changed.</param>
/// <param name="Bindings">The live bindings after the change (listed in the 200, RFC 3261 §10.3 step 8).</param>
/// <param name="Now">When it was decided (remaining expiry times count from it).</param>
public sealed record RegisterResult(RegisterDecision Decision, IReadOnlyList<Registration> Bindings, DateTimeOffset Now);

/// <summary>
/// Runs REGISTER requests: reads the facts (the device's current lines, the bindings), lets <see cref="RegistrarRules"/>
/// decide and writes the outcome through <see cref="RegistrationStore"/>. Requests for one address of record take
/// turns on an in-process lock.
/// </summary>
/// <remarks>
/// Group commit: the REGISTERs waiting to be written are written together, in one transaction (at most
/// <see cref="RegistrarOptions.MaxRegistersPerCommit"/>): their bindings and devices read together, each decided by
/// the same rules as alone, one save and one commit (one fsync with SQLite synchronous=FULL) make them all durable,
/// and only then does each get its answer: a 200 still means the binding is on disk. While a batch is being written
/// the next REGISTERs queue, so batches grow with the load and a lone REGISTER is written at once. A database failure
/// in a batch of several retries each alone, so one bad REGISTER cannot fail the others.
/// </remarks>
public sealed partial class Registrar(IEmxDbContextFactory contexts, RegistrarOptions options, EmxConfigFile config, TimeProvider time, DeviceLinesCache deviceLines, ILogger<Registrar> logger)
{
    private readonly KeyedLocks _locks = new();
    private readonly Lock _queueLock = new();
    private readonly Queue<PendingRegister> _queue = new();
    private bool _writing;
    private int _pending;

    /// <summary>The limits in force.</summary>
    public RegistrarOptions Options => options;

    /// <summary>REGISTERs waiting for their commit, queued or in the commit being written: the registrar's backlog.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Handles one REGISTER that arrived from <paramref name="source"/>.</summary>
    public async Task<RegisterResult> RegisterAsync(SipRequest request, RegistrationSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        var (parsed, rejection) = RegistrarRules.Parse(request);
        if (parsed is null)
        {
            LogRejected(logger, "(unreadable)", "-", source, rejection!.StatusCode, rejection.ReasonPhrase);
            return new RegisterResult(rejection!, [], time.GetUtcNow());
        }

        using var held = await _locks.AcquireAsync(["aor:" + parsed.Dn], cancellationToken);
        RegisterResult result;
        try
        {
            result = await WriteAsync(parsed, source, cancellationToken);
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException)
        {
            LogDatabaseFailure(logger, ex, parsed.Dn);
            result = new RegisterResult(RegisterDecision.Reject(500, "Registrar database unavailable"), [], time.GetUtcNow());
        }

        var decision = result.Decision;
        if (decision.IsSuccess)
        {
            LogRegistered(logger, parsed.Dn, parsed.DeviceName ?? "-", source, decision.Writes.Count, decision.Removals.Count, result.Bindings.Count);
        }
        else
        {
            LogRejected(logger, parsed.Dn, parsed.DeviceName ?? "-", source, decision.StatusCode, decision.ReasonPhrase);
        }

        return result;
    }

    /// <summary>Queues the REGISTER for the next commit; completes once it is committed (or failed).</summary>
    private Task<RegisterResult> WriteAsync(RegisterRequest request, RegistrationSource source, CancellationToken cancellationToken)
    {
        var pending = new PendingRegister(request, source, cancellationToken);
        Interlocked.Increment(ref _pending);
        bool lead;
        lock (_queueLock)
        {
            _queue.Enqueue(pending);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
        {
            // The first REGISTER to find no batch being written writes every batch until the queue is empty.
            _ = Task.Run(WriteBatchesAsync, CancellationToken.None);
        }

        return pending.Completion.Task;
    }

    private async Task WriteBatchesAsync()
    {
        while (true)
        {
            List<PendingRegister> batch;
            lock (_queueLock)
            {
                if (_queue.Count == 0)
                {
                    _writing = false;
                    return;
                }

                batch = new List<PendingRegister>(Math.Min(_queue.Count, options.MaxRegistersPerCommit));
                while (batch.Count < options.MaxRegistersPerCommit && _queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
            }

            await WriteBatchAsync(batch);
            Interlocked.Add(ref _pending, -batch.Count);
        }
    }

    private async Task WriteBatchAsync(List<PendingRegister> batch)
    {
        var live = new List<PendingRegister>(batch.Count);
        foreach (var pending in batch)
        {
            if (pending.CancellationToken.IsCancellationRequested)
            {
                pending.Completion.TrySetCanceled(pending.CancellationToken);
            }
            else
            {
                live.Add(pending);
            }
        }

        if (live.Count == 0)
        {
            return;
        }

        try
        {
            var results = await CommitAsync(live);
            for (var i = 0; i < live.Count; i++)
            {
                live[i].Completion.TrySetResult(results[i]);
            }

            if (live.Count > 1)
            {
                LogBatch(logger, live.Count);
            }
        }
        catch (Exception ex) when (live.Count > 1 && ex is DbException or DbUpdateException)
        {
            // Nothing of the batch was committed: write each alone, so only a REGISTER that fails by itself fails.
            foreach (var pending in live)
            {
                try
                {
                    pending.Completion.TrySetResult((await CommitAsync([pending]))[0]);
                }
                catch (Exception single)
                {
                    pending.Completion.TrySetException(single);
                }
            }
        }
        catch (Exception ex)
        {
            foreach (var pending in live)
            {
                pending.Completion.TrySetException(ex);
            }
        }
    }

    /// <summary>
    /// One transaction for the batch: the bindings of every address of record read in one query, the devices' current
    /// lines from <see cref="DeviceLinesCache"/> (the ones it lacks read together), every REGISTER decided in turn,
    /// its changes written with prepared statements (a refresh is one UPDATE), one commit. The REGISTERs of a batch
    /// are for different addresses of record (each holds its address's lock until answered), so none reads what
    /// another writes.
    /// </summary>
    private async Task<RegisterResult[]> CommitAsync(List<PendingRegister> batch)
    {
        // Not cancelled half-way: the REGISTERs of a batch are committed together or not at all.
        var ct = CancellationToken.None;
        await using var db = contexts.Create();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await using var writer = new RegistrationBatch(db.Database.GetDbConnection(), transaction.GetDbTransaction());
        var now = time.GetUtcNow();
        var aors = batch.Select(p => p.Request.Dn).Distinct(StringComparer.Ordinal).ToList();
        var bindings = await writer.ReadAsync(aors, now, ct);
        var lines = await DeviceLinesAsync(db, batch, ct);

        var results = new RegisterResult[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (request, source) = (batch[i].Request, batch[i].Source);
            var existing = bindings.GetValueOrDefault(request.Dn) ?? [];
            var deviceLines = request.DeviceName is { } name ? lines.GetValueOrDefault(name) : null;

            // Whether the number exists matters only when the device does not have it (403 or 404): asked only then.
            var dnExists = deviceLines is not null && (deviceLines.Any(l => l.Dn == request.Dn)
                || await db.DirectoryNumbers.AsNoTracking().AnyAsync(d => d.Dn == request.Dn, ct));
            var facts = new RegisterFacts { Now = now, DeviceLines = deviceLines, DnExists = dnExists, Existing = existing };
            var decision = RegistrarRules.Decide(request, facts, options);
            var live = decision.IsSuccess ? await writer.ApplyAsync(existing, decision, request, source, config.Node.Name, now, ct) : [];
            results[i] = new RegisterResult(decision, live.Count > 1 ? [.. live.OrderBy(b => b.Id)] : live, now);
        }

        await transaction.CommitAsync(ct);
        return results;
    }

    /// <summary>The current lines of the batch's devices (null: no such device), from the cache or read together.</summary>
    private async Task<Dictionary<string, IReadOnlyList<CurrentLine>?>> DeviceLinesAsync(EmxDbContext db, List<PendingRegister> batch, CancellationToken ct)
    {
        var lines = new Dictionary<string, IReadOnlyList<CurrentLine>?>(StringComparer.Ordinal);
        List<string>? missing = null;
        foreach (var pending in batch)
        {
            if (pending.Request.DeviceName is not { } name || lines.ContainsKey(name))
            {
                continue;
            }

            if (deviceLines.TryGet(name, out var cached))
            {
                lines[name] = cached;
            }
            else if (!(missing ??= []).Contains(name))
            {
                missing.Add(name);
            }
        }

        if (missing is null)
        {
            return lines;
        }

        // Taken before the read: a login committed meanwhile forgets the device, and what was read is not kept.
        var epoch = deviceLines.Epoch;
        var version = deviceLines.ConfigurationVersion;
        var devices = await CurrentDevice.ReadManyAsync(db, missing, ct);
        var read = new List<KeyValuePair<string, IReadOnlyList<CurrentLine>?>>(missing.Count);
        foreach (var name in missing)
        {
            var current = devices.GetValueOrDefault(name)?.Lines;
            lines[name] = current;
            read.Add(new(name, current));
        }

        deviceLines.Store(read, epoch, version);
        return lines;
    }

    /// <summary>A REGISTER waiting for its commit.</summary>
    private sealed record PendingRegister(RegisterRequest Request, RegistrationSource Source, CancellationToken CancellationToken)
    {
        public TaskCompletionSource<RegisterResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "REGISTER {Aor} from {Device} at {Source}: {Written} written, {Removed} removed, {Bindings} live")]
    private static partial void LogRegistered(ILogger logger, string aor, string device, RegistrationSource source, int written, int removed, int bindings);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "REGISTER {Aor} from {Device} at {Source} refused: {StatusCode} {Reason}")]
    private static partial void LogRejected(ILogger logger, string aor, string device, RegistrationSource source, int statusCode, string? reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Registrar database failure on REGISTER {Aor}")]
    private static partial void LogDatabaseFailure(ILogger logger, Exception exception, string aor);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Registrar: {Count} REGISTERs committed together")]
    private static partial void LogBatch(ILogger logger, int count);
}
