using System.Data.Common;
using Emx.Cluster.Configuration;
using Emx.Cluster.Provisioning;
using Emx.Cluster.ExtensionMobility;
using Emx.Data;
using Emx.Domain.Runtime;
using Emx.Sip.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.CallControl;

/// <summary>The outcome of one REGISTER: the decision and, on success, every live binding of the address of record.</summary>
/// <param name="Decision">The status and what changed.</param>
/// <param name="Bindings">The live bindings after the change (listed in the 200, RFC 3261 §10.3 step 8).</param>
/// <param name="Now">When it was decided (remaining expiry times count from it).</param>
public sealed record RegisterResult(RegisterDecision Decision, IReadOnlyList<Registration> Bindings, DateTimeOffset Now);

/// <summary>
/// Runs REGISTER requests: reads the facts (the device's current lines, the live bindings), lets
/// <see cref="RegistrarRules"/> decide and writes the outcome through <see cref="RegistrationStore"/>, all in one
/// transaction per REGISTER. Requests for one address of record take turns on an in-process lock.
/// </summary>
public sealed partial class Registrar(IEmxDbContextFactory contexts, RegistrarOptions options, EmxConfigFile config, TimeProvider time, ILogger<Registrar> logger)
{
    private readonly KeyedLocks _locks = new();

    /// <summary>The limits in force.</summary>
    public RegistrarOptions Options => options;

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
            result = await RegisterCoreAsync(parsed, source, cancellationToken);
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

    private async Task<RegisterResult> RegisterCoreAsync(RegisterRequest request, RegistrationSource source, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow();
        await RegistrationStore.PurgeExpiredAsync(db, request.Dn, now, cancellationToken);
        var existing = await RegistrationStore.LiveAsync(db, request.Dn, now, cancellationToken);
        var device = request.DeviceName is { } name ? await CurrentDevice.ReadAsync(db, name, cancellationToken) : null;
        var facts = new RegisterFacts
        {
            Now = now,
            DeviceLines = device?.Lines,
            DnExists = await db.DirectoryNumbers.AsNoTracking().AnyAsync(d => d.Dn == request.Dn, cancellationToken),
            Existing = existing,
        };
        var decision = RegistrarRules.Decide(request, facts, options);
        if (!decision.IsSuccess)
        {
            await transaction.CommitAsync(cancellationToken);
            return new RegisterResult(decision, [], now);
        }

        RegistrationStore.Apply(db, existing, decision, request, source, config.Node.Name, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var bindings = await db.Registrations.AsNoTracking()
            .Where(r => r.Aor == request.Dn && r.ExpiresAt > now).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        return new RegisterResult(decision, bindings, now);
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Debug, Message = "REGISTER {Aor} from {Device} at {Source}: {Written} written, {Removed} removed, {Bindings} live")]
    private static partial void LogRegistered(ILogger logger, string aor, string device, RegistrationSource source, int written, int removed, int bindings);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "REGISTER {Aor} from {Device} at {Source} refused: {StatusCode} {Reason}")]
    private static partial void LogRejected(ILogger logger, string aor, string device, RegistrationSource source, int statusCode, string? reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Registrar database failure on REGISTER {Aor}")]
    private static partial void LogDatabaseFailure(ILogger logger, Exception exception, string aor);
}
