using System.Data.Common;
using Emx.Cluster.Provisioning;
using Emx.Cluster.Security;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.ExtensionMobility;
using Emx.Domain.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.ExtensionMobility;

/// <summary>Which interface a request came through.</summary>
public enum EmChannel
{
    /// <summary>The EM API (/emservice/EMServiceServlet).</summary>
    Api,

    /// <summary>The phone's EM service (/emapp/EMAppServlet): a manual login or logout on the phone.</summary>
    EmApp,

    /// <summary>emx itself: automatic logout at expiry, Auto Logout of another phone, administrator action.</summary>
    System,
}

/// <summary>Who asks and from where; traced with every step.</summary>
public sealed record EmRequestContext
{
    /// <summary>A number per request, for the traces.</summary>
    public required long RequestNumber { get; init; }

    public required EmChannel Channel { get; init; }

    /// <summary>The acting account (appID, or the user on the phone).</summary>
    public required string Actor { get; init; }

    /// <summary>Whether the acting account may act for any user (Standard EM Authentication Proxy Rights).</summary>
    public bool HasProxyRights { get; init; }

    /// <summary>The client address (remoteIPAddr for the API, the phone's address for EMApp).</summary>
    public string? SourceAddress { get; init; }

    /// <summary>Whether the request came through an HTTP proxy (a Via header, or isViaHeaderSet).</summary>
    public bool ViaProxy { get; init; }
}

/// <summary>A login request.</summary>
public sealed record EmLoginCommand
{
    public required string DeviceName { get; init; }

    public required string UserId { get; init; }

    public string? DeviceProfile { get; init; }

    /// <summary>null: the policy default; <see cref="Timeout.InfiniteTimeSpan"/>: indefinite.</summary>
    public TimeSpan? Duration { get; init; }
}

/// <summary>The outcome of a login or logout: success, or the reason it was refused.</summary>
public sealed record EmOutcome
{
    public EmRejection? Rejection { get; init; }

    public bool Succeeded => Rejection is null;

    public static readonly EmOutcome Success = new();

    public static EmOutcome Reject(EmRejection rejection) => new() { Rejection = rejection };
}

/// <summary>One device's answer to deviceUserQuery.</summary>
public sealed record EmDeviceStatus(string DeviceName, bool Exists, string? CurrentUserId, string? CurrentProfile, string? LastUserId, bool IsEmcc);

/// <summary>
/// The one Extension Mobility login state machine: EM API, EMApp, automatic logout (and later EMCC and Roaming) all
/// log users in and out here. Every change is one transaction (device state, restart requests, audit); in-process
/// locks on the user and the devices make concurrent requests on one user or one device take turns.
/// </summary>
public sealed partial class ExtensionMobilityService(
    IEmxDbContextFactory contexts,
    SettingsCache settings,
    EmCounters counters,
    EmTrace trace,
    TimeProvider time,
    ILogger<ExtensionMobilityService> logger)
{
    private readonly KeyedLocks _locks = new();
    private long _requestNumber;

    /// <summary>Raised after a login commits with an expiry, so the automatic-logout scheduler can wake early.</summary>
    public event Action<DateTimeOffset>? ExpiryScheduled;

    /// <summary>Raised after changes commit, with the device events they wrote (the SIP layer delivers restarts).</summary>
    public event Action<IReadOnlyList<DeviceEvent>>? DeviceEventsWritten;

    /// <summary>Announces device events another feature wrote (EMCC logins and logouts), so the phones are restarted.</summary>
    public void Announce(IReadOnlyList<DeviceEvent> events) => DeviceEventsWritten?.Invoke(events);

    /// <summary>
    /// Raised after a change committed that alters what devices may register without restarting them (a visiting
    /// cluster's EMCC record removed: the phone is at home, its home cluster restarts it), so derived caches forget them.
    /// </summary>
    public event Action<IReadOnlyList<string>>? DevicesChanged;

    /// <summary>Announces devices whose current configuration changed without a device event (see <see cref="DevicesChanged"/>).</summary>
    public void AnnounceChanged(IReadOnlyList<string> deviceNames) => DevicesChanged?.Invoke(deviceNames);

    /// <summary>A new request number for traces.</summary>
    public long NextRequestNumber() => Interlocked.Increment(ref _requestNumber);

    /// <summary>The counters.</summary>
    public EmCounters Counters => counters;

    /// <summary>
    /// Runs a login/logout under Maximum Concurrent Requests: beyond it the request is refused at once with
    /// <see cref="EmRejection.Busy"/> and counted in Requests Throttled.
    /// </summary>
    public async Task<EmOutcome> ThrottledAsync(EmRequestContext context, Func<Task<EmOutcome>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(action);
        var parameters = await settings.GetAsync<ExtensionMobilityServiceParameters>(cancellationToken);
        if (!counters.TryEnter(parameters.MaximumConcurrentRequests))
        {
            trace.Step(context, "throttled", $"Maximum Concurrent Requests ({parameters.MaximumConcurrentRequests}) reached");
            counters.Failure(EmRejection.Busy);
            return EmOutcome.Reject(EmRejection.Busy);
        }

        try
        {
            return await action();
        }
        finally
        {
            counters.Exit();
        }
    }

    /// <summary>Logs a user in on a phone.</summary>
    public async Task<EmOutcome> LoginAsync(EmLoginCommand command, EmRequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(context);
        var started = time.GetTimestamp();
        trace.Step(context, "login received", $"device={command.DeviceName} user={command.UserId} profile={command.DeviceProfile ?? "(default)"}");
        var parameters = await settings.GetAsync<ExtensionMobilityServiceParameters>(cancellationToken);
        var outcome = await LoginCoreAsync(command, context, parameters, cancellationToken);
        Finish(context, "login", outcome, started);
        return outcome;
    }

    private async Task<EmOutcome> LoginCoreAsync(EmLoginCommand command, EmRequestContext context, ExtensionMobilityServiceParameters parameters, CancellationToken cancellationToken)
    {
        if (await CheckSourceAsync(context, parameters, cancellationToken) is { } sourceRejection)
        {
            return EmOutcome.Reject(sourceRejection);
        }

        if (!context.HasProxyRights && context.Channel != EmChannel.System && !string.Equals(context.Actor, command.UserId, StringComparison.Ordinal))
        {
            return EmOutcome.Reject(EmRejection.LacksProxyRights);
        }

        // The user's lock first, then the devices': a user cannot win two phones at once under Not Allowed, and two
        // users cannot win one phone. Auto Logout's other devices are locked too, in key order.
        using var userLock = await _locks.AcquireAsync(["user:" + command.UserId], cancellationToken);
        await using var db = contexts.Create();
        LoginFacts facts;
        try
        {
            // One connection for the whole login (reads, re-read, commit) instead of one open per query.
            await db.Database.OpenConnectionAsync(cancellationToken);
            facts = await ReadLoginFactsAsync(db, command, parameters, cancellationToken);
        }
        catch (DbException ex)
        {
            LogDatabaseFailure(logger, ex, "reading login policy facts");
            return EmOutcome.Reject(EmRejection.PolicyValidationFailed);
        }

        var decision = LoginRules.DecideLogin(facts);
        if (decision.Rejection is { } rejection)
        {
            trace.Step(context, "policy", $"refused: {rejection}");
            return EmOutcome.Reject(rejection);
        }

        trace.Step(context, "policy", $"accepted: profile={decision.Profile} duration={(decision.Duration?.ToString() ?? "indefinite")} autoLogout={decision.AutoLogoutDevices.Count}");
        using var deviceLocks = await _locks.AcquireAsync(decision.AutoLogoutDevices.Append(command.DeviceName).Select(d => "device:" + d), cancellationToken);

        // Re-read the phone's state under its lock: a logout or another login may have finished meanwhile.
        var state = await db.ExtensionMobilityDynamics.FirstOrDefaultAsync(e => e.DeviceName == command.DeviceName, cancellationToken);
        if (state is { IsLoggedIn: true })
        {
            return EmOutcome.Reject(EmRejection.DeviceInUse);
        }

        var now = time.GetUtcNow();
        var events = new List<DeviceEvent>();
        foreach (var other in decision.AutoLogoutDevices)
        {
            var otherState = await db.ExtensionMobilityDynamics.FirstOrDefaultAsync(e => e.DeviceName == other, cancellationToken);
            if (otherState is { IsLoggedIn: true } && otherState.CurrentUserId == command.UserId)
            {
                otherState.LogOut(now);
                events.Add(Event(other, DeviceEventKind.Restart, "auto logout: user logged in on " + command.DeviceName, now));
                Audit(db, context, "logout", other, $"auto logout of {command.UserId} (logged in on {command.DeviceName})", now);
                trace.Step(context, "auto logout", $"device={other}");
            }
        }

        if (state is null)
        {
            state = ExtensionMobilityDynamic.ForDevice(command.DeviceName);
            db.ExtensionMobilityDynamics.Add(state);
        }

        state.LogIn(command.UserId, decision.Profile!, now, decision.Duration);
        events.Add(Event(command.DeviceName, DeviceEventKind.Restart, "login " + command.UserId, now));
        if (context.Channel == EmChannel.EmApp && parameters.ClearCallLogsOnIntraClusterEm)
        {
            events.Add(Event(command.DeviceName, DeviceEventKind.ClearCallHistory, "login (Clear Call Logs on Intra-cluster EM)", now));
        }

        db.DeviceEvents.AddRange(events);
        Audit(db, context, "login", command.DeviceName, $"user {command.UserId} profile {decision.Profile}", now);
        if (!await SaveAsync(db, context, cancellationToken))
        {
            return EmOutcome.Reject(EmRejection.DatabaseError);
        }

        counters.Login();
        for (var i = 0; i < decision.AutoLogoutDevices.Count; i++)
        {
            counters.Logout();
        }

        if (state.ExpiresAt is { } expires)
        {
            ExpiryScheduled?.Invoke(expires);
        }

        DeviceEventsWritten?.Invoke(events);
        return EmOutcome.Success;
    }

    private static async Task<LoginFacts> ReadLoginFactsAsync(EmxDbContext db, EmLoginCommand command, ExtensionMobilityServiceParameters parameters, CancellationToken cancellationToken)
    {
        var phone = await db.Config<Phone>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == command.DeviceName, cancellationToken);
        var model = phone is null ? null : await db.Config<PhoneModel>().AsNoTracking().FirstOrDefaultAsync(m => m.Name == phone.Model, cancellationToken);
        var user = await db.Config<EndUser>().AsNoTracking().FirstOrDefaultAsync(u => u.UserId == command.UserId, cancellationToken);
        var wanted = command.DeviceProfile ?? user?.EffectiveDefaultProfile;
        var existing = wanted is null
            ? []
            : await db.Config<DeviceProfile>().AsNoTracking().Where(p => p.Name == wanted).Select(p => p.Name).ToListAsync(cancellationToken);
        var state = await db.ExtensionMobilityDynamics.AsNoTracking().FirstOrDefaultAsync(e => e.DeviceName == command.DeviceName, cancellationToken);
        var userDevices = await db.ExtensionMobilityDynamics.AsNoTracking()
            .Where(e => e.CurrentUserId == command.UserId).Select(e => e.DeviceName).ToListAsync(cancellationToken);
        return new LoginFacts
        {
            DeviceName = command.DeviceName,
            UserId = command.UserId,
            RequestedProfile = command.DeviceProfile,
            RequestedDuration = command.Duration,
            Phone = phone,
            Model = model,
            User = user,
            DeviceState = state,
            UserDevices = userDevices,
            ExistingProfiles = existing.ToHashSet(StringComparer.Ordinal),
            Parameters = parameters,
        };
    }

    /// <summary>Logs out whoever is logged in on a phone.</summary>
    public async Task<EmOutcome> LogoutAsync(string deviceName, EmRequestContext context, CancellationToken cancellationToken, string reason = "logout")
    {
        ArgumentNullException.ThrowIfNull(deviceName);
        ArgumentNullException.ThrowIfNull(context);
        var started = time.GetTimestamp();
        trace.Step(context, "logout received", $"device={deviceName}");
        var parameters = await settings.GetAsync<ExtensionMobilityServiceParameters>(cancellationToken);
        var outcome = await LogoutCoreAsync(deviceName, context, parameters, expectedVersion: null, reason, cancellationToken);
        Finish(context, "logout", outcome, started);
        return outcome;
    }

    /// <summary>
    /// Logs out an expired login, only if the phone still has the login that expired (<paramref name="version"/>), so a
    /// login is never logged out twice and a newer login is never cut short.
    /// </summary>
    public async Task<EmOutcome> LogoutExpiredAsync(string deviceName, long version, CancellationToken cancellationToken)
    {
        var context = new EmRequestContext { RequestNumber = NextRequestNumber(), Channel = EmChannel.System, Actor = "system", HasProxyRights = true };
        var started = time.GetTimestamp();
        trace.Step(context, "automatic logout", $"device={deviceName} (login time expired)");
        var parameters = await settings.GetAsync<ExtensionMobilityServiceParameters>(cancellationToken);
        var outcome = await LogoutCoreAsync(deviceName, context, parameters, version, "automatic logout (maximum login time)", cancellationToken);
        Finish(context, "automatic logout", outcome, started);
        return outcome;
    }

    private async Task<EmOutcome> LogoutCoreAsync(string deviceName, EmRequestContext context, ExtensionMobilityServiceParameters parameters, long? expectedVersion, string reason, CancellationToken cancellationToken)
    {
        if (context.Channel != EmChannel.System && await CheckSourceAsync(context, parameters, cancellationToken) is { } sourceRejection)
        {
            return EmOutcome.Reject(sourceRejection);
        }

        using var deviceLock = await _locks.AcquireAsync(["device:" + deviceName], cancellationToken);
        await using var db = contexts.Create();
        Phone? phone;
        ExtensionMobilityDynamic? state;
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            phone = await db.Config<Phone>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == deviceName, cancellationToken);
            state = await db.ExtensionMobilityDynamics.FirstOrDefaultAsync(e => e.DeviceName == deviceName, cancellationToken);
        }
        catch (DbException ex)
        {
            LogDatabaseFailure(logger, ex, "reading the device's login state");
            return EmOutcome.Reject(EmRejection.StatusUnavailable);
        }

        if (expectedVersion is { } version && state?.Version != version)
        {
            trace.Step(context, "policy", "the login already ended or changed; nothing to do");
            return EmOutcome.Reject(EmRejection.NoUserLoggedIn);
        }

        if (LoginRules.DecideLogout(phone, state) is { } rejection)
        {
            trace.Step(context, "policy", $"refused: {rejection}");
            return EmOutcome.Reject(rejection);
        }

        if (!context.HasProxyRights && context.Channel == EmChannel.Api && state!.CurrentUserId != context.Actor)
        {
            return EmOutcome.Reject(EmRejection.LacksProxyRights);
        }

        var now = time.GetUtcNow();
        var user = state!.CurrentUserId;
        state.LogOut(now);
        var events = new List<DeviceEvent> { Event(deviceName, DeviceEventKind.Restart, reason + " " + user, now) };
        if (context.Channel == EmChannel.EmApp && parameters.ClearCallLogsOnIntraClusterEm)
        {
            events.Add(Event(deviceName, DeviceEventKind.ClearCallHistory, "logout (Clear Call Logs on Intra-cluster EM)", now));
        }

        db.DeviceEvents.AddRange(events);
        Audit(db, context, "logout", deviceName, $"user {user} ({reason})", now);
        if (!await SaveAsync(db, context, cancellationToken))
        {
            return EmOutcome.Reject(EmRejection.DatabaseError);
        }

        counters.Logout();
        DeviceEventsWritten?.Invoke(events);
        return EmOutcome.Success;
    }

    /// <summary>logoutAll: logs out every phone that has a user (each in its own transaction; Cisco warns to run it off-peak).</summary>
    public async Task<EmOutcome> LogoutAllAsync(EmRequestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.HasProxyRights)
        {
            return EmOutcome.Reject(EmRejection.LacksProxyRights);
        }

        var parameters = await settings.GetAsync<ExtensionMobilityServiceParameters>(cancellationToken);
        if (await CheckSourceAsync(context, parameters, cancellationToken) is { } sourceRejection)
        {
            return EmOutcome.Reject(sourceRejection);
        }

        List<string> devices;
        await using (var db = contexts.Create())
        {
            devices = await db.ExtensionMobilityDynamics.AsNoTracking().Where(e => e.CurrentUserId != null).Select(e => e.DeviceName).ToListAsync(cancellationToken);
        }

        trace.Step(context, "logoutAll", $"{devices.Count} phones have a user");
        foreach (var device in devices)
        {
            var outcome = await LogoutCoreAsync(device, context, parameters, null, "logoutAll", cancellationToken);
            if (outcome.Rejection is EmRejection.DatabaseError or EmRejection.StatusUnavailable)
            {
                return outcome;
            }
        }

        return EmOutcome.Success;
    }

    /// <summary>deviceUserQuery: who is logged in on each phone, and who was last.</summary>
    public async Task<IReadOnlyList<EmDeviceStatus>> DeviceStatusAsync(IReadOnlyList<string> deviceNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceNames);
        await using var db = contexts.Create();
        var phones = await db.Config<Phone>().AsNoTracking().Where(p => deviceNames.Contains(p.Name)).Select(p => p.Name).ToListAsync(cancellationToken);
        var states = await db.ExtensionMobilityDynamics.AsNoTracking().Where(e => deviceNames.Contains(e.DeviceName)).ToDictionaryAsync(e => e.DeviceName, cancellationToken);
        return deviceNames.Select(name => phones.Contains(name)
            ? states.TryGetValue(name, out var s)
                ? new EmDeviceStatus(name, true, s.CurrentUserId, s.CurrentProfile, s.LastUserId, s.IsEmcc)
                : new EmDeviceStatus(name, true, null, null, null, false)
            : new EmDeviceStatus(name, false, null, null, null, false)).ToList();
    }

    /// <summary>userDevicesQuery: the phones each user is logged in on; null for an unknown user.</summary>
    public async Task<IReadOnlyList<(string UserId, IReadOnlyList<string>? Devices)>> UserDevicesAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        await using var db = contexts.Create();
        var users = await db.Config<EndUser>().AsNoTracking().Where(u => userIds.Contains(u.UserId)).Select(u => u.UserId).ToListAsync(cancellationToken);
        var logins = await db.ExtensionMobilityDynamics.AsNoTracking().Where(e => e.CurrentUserId != null && userIds.Contains(e.CurrentUserId))
            .Select(e => new { e.CurrentUserId, e.DeviceName }).ToListAsync(cancellationToken);
        return userIds.Select(id => (id, users.Contains(id)
            ? (IReadOnlyList<string>?)logins.Where(l => l.CurrentUserId == id).Select(l => l.DeviceName).Order(StringComparer.Ordinal).ToList()
            : null)).ToList();
    }

    /// <summary>deviceProfileQuery: each user's controlled profiles and which is the default; null for an unknown user.</summary>
    public async Task<IReadOnlyList<(string UserId, IReadOnlyList<(string Profile, bool IsDefault)>? Profiles)>> UserProfilesAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        await using var db = contexts.Create();
        var users = await db.Config<EndUser>().AsNoTracking().Where(u => userIds.Contains(u.UserId)).ToDictionaryAsync(u => u.UserId, cancellationToken);
        return userIds.Select(id => (id, users.TryGetValue(id, out var u)
            ? (IReadOnlyList<(string, bool)>?)u.ControlledProfiles.Select(p => (p, p == u.EffectiveDefaultProfile)).ToList()
            : null)).ToList();
    }

    /// <summary>checkUser: whether each user exists in this cluster.</summary>
    public async Task<IReadOnlyList<(string UserId, bool Exists)>> CheckUsersAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        await using var db = contexts.Create();
        var users = await db.Config<EndUser>().AsNoTracking().Where(u => userIds.Contains(u.UserId)).Select(u => u.UserId).ToListAsync(cancellationToken);
        return userIds.Select(id => (id, users.Contains(id))).ToList();
    }

    /// <summary>Expired logins: (device, version, expiry), soonest first.</summary>
    public async Task<IReadOnlyList<(string DeviceName, long Version, DateTimeOffset ExpiresAt)>> ExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        var rows = await db.ExtensionMobilityDynamics.AsNoTracking().Where(e => e.ExpiresAt != null && e.ExpiresAt <= now)
            .OrderBy(e => e.ExpiresAt).Take(limit).Select(e => new { e.DeviceName, e.Version, e.ExpiresAt }).ToListAsync(cancellationToken);
        return rows.Select(r => (r.DeviceName, r.Version, r.ExpiresAt!.Value)).ToList();
    }

    /// <summary>The earliest pending expiry, or null.</summary>
    public async Task<DateTimeOffset?> NextExpiryAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.Create();
        return await db.ExtensionMobilityDynamics.AsNoTracking().Where(e => e.ExpiresAt != null).OrderBy(e => e.ExpiresAt).Select(e => e.ExpiresAt).FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<EmRejection?> CheckSourceAsync(EmRequestContext context, ExtensionMobilityServiceParameters parameters, CancellationToken cancellationToken)
    {
        if (!parameters.ValidateIpAddress || context.Channel == EmChannel.System)
        {
            return null;
        }

        HashSet<string> known;
        await using (var db = contexts.Create())
        {
            var nodes = await db.Nodes.AsNoTracking().Select(n => n.Address).ToListAsync(cancellationToken);
            known = nodes.ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (context.SourceAddress is { } source && !known.Contains(source))
            {
                // A registered phone is a trusted source (reference section 6: "cache, trusted list, or registered device").
                // Sources are written transport:address:port, so the address is matched between its two colons.
                var address = ":" + CallControl.RegistrationSource.FormatAddress(source) + ":";
                var now = time.GetUtcNow();
                if (await db.Registrations.AsNoTracking().AnyAsync(r => r.Source != null && r.Source.Contains(address) && r.ExpiresAt > now, cancellationToken))
                {
                    known.Add(source);
                }
            }
        }

        var rejection = LoginRules.CheckSource(context.SourceAddress, context.ViaProxy, parameters, known.Contains);
        if (rejection is not null)
        {
            trace.Step(context, "source", $"refused {context.SourceAddress ?? "(unknown)"} via-proxy={context.ViaProxy}: {rejection}");
        }

        return rejection;
    }

    private async Task<bool> SaveAsync(EmxDbContext db, EmRequestContext context, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is DbUpdateException or DbException)
        {
            LogDatabaseFailure(logger, ex, $"writing request {context.RequestNumber}");
            return false;
        }
    }

    private void Finish(EmRequestContext context, string what, EmOutcome outcome, long started)
    {
        var elapsed = time.GetElapsedTime(started);
        if (outcome.Rejection is { } rejection)
        {
            counters.Failure(rejection);
        }

        trace.Step(context, what + " result", outcome.Succeeded ? "success" : $"failure: {outcome.Rejection}", elapsed);
    }

    private static DeviceEvent Event(string device, DeviceEventKind kind, string reason, DateTimeOffset now) =>
        new() { DeviceName = device, Kind = kind, Reason = reason, Time = now };

    private static void Audit(EmxDbContext db, EmRequestContext context, string action, string device, string detail, DateTimeOffset now) =>
        db.AuditLog.Add(new AuditEntry { Time = now, Actor = $"{context.Channel.ToString().ToLowerInvariant()}:{context.Actor}", Action = action, Target = "em", Key = device, Detail = detail });

    [LoggerMessage(EventId = 2000, Level = LogLevel.Error, Message = "Extension Mobility database failure while {What}")]
    private static partial void LogDatabaseFailure(ILogger logger, Exception exception, string what);
}
