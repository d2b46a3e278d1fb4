using Emx.Cluster.ExtensionMobility;
using Emx.Cluster.Provisioning;
using Emx.Cluster.Security;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Emcc;
using Emx.Domain.Runtime;
using Emx.Domain.Security;
using Emx.Protocols.Emcc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.Emcc;

/// <summary>The outcome of an EMCC login or logout as the visiting EMApp shows it: success, or an error code of seed Tables 8/9.</summary>
/// <param name="ErrorCode">Null on success.</param>
/// <param name="Detail">For traces.</param>
/// <param name="HomeClusterId">The user's home cluster, once found.</param>
public sealed record EmccOutcome(int? ErrorCode, string Detail, string? HomeClusterId = null)
{
    public bool Succeeded => ErrorCode is null;
}

/// <summary>
/// Extension Mobility Cross Cluster, both sides of the seed's login sequence (reference 3.2). Visiting side: the
/// device checks, finding the home cluster by asking each remote cluster (check user), the home login, then the
/// visiting device login that points the phone at its home cluster. Home side: answering check user, the home login
/// (PIN, Enable EMCC, known visiting cluster, duplicate device, security matrix, TFTP, EMCC device allocation,
/// roaming device pool, login duration) and logouts from either side. Every state change is one transaction; the
/// phone is restarted through the same device events (check-sync) Extension Mobility uses.
/// </summary>
public sealed partial class EmccService(
    IEmxDbContextFactory contexts,
    SettingsCache settings,
    AdminCredentials credentials,
    EmccPeerClient peers,
    ExtensionMobilityService extensionMobility,
    TimeProvider time,
    ILoggerFactory loggers)
{
    /// <summary>
    /// The EMCC trace category: the Extension Mobility trace's (<see cref="EmTrace.Category"/>, Debug), as EMCC is part
    /// of CUCM's Cisco Extension Mobility service. One line per step on both clusters, like the seed 004 walkthrough.
    /// </summary>
    public const string TraceCategory = EmTrace.Category;

    private readonly EmTrace _trace = new(loggers);
    private readonly KeyedLocks _locks = new();
    private readonly EmccConfigCache _config = new(contexts, settings, time);

    /// <summary>The home cluster's login tokens (check user verified the PIN; the home login does not again).</summary>
    public EmccLoginTokens LoginTokens { get; } = new(time);

    /// <summary>This cluster as it introduces itself to others.</summary>
    public async Task<EmccClusterInfo> IdentityAsync(CancellationToken cancellationToken)
    {
        var cluster = await settings.GetAsync<ClusterSettings>(cancellationToken).ConfigureAwait(false);
        return new EmccClusterInfo(cluster.Id, cluster.Version, cluster.SecurityMode == ClusterSecurityMode.Mixed ? "mixed" : "nonSecure");
    }

    // ------------------------------------------------------------------ home side (requests from other clusters)

    /// <summary>Answers a request from another cluster's EMService.</summary>
    public async Task<EmccResponse> HandleAsync(EmccRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var trace = new TraceScope(extensionMobility.NextRequestNumber(), "home", request.UserId ?? "-", request.From.Id, request.RequestNumber, null);
        var step = StepName(request.Type);
        if (Tracing)
        {
            Trace(trace, "EMService", $"Request Type=EMCC: {step} from {request.From.Id} ({request.From.Version}, {request.From.SecurityMode})");
        }

        var me = await IdentityAsync(cancellationToken).ConfigureAwait(false);
        var response = request.Type switch
        {
            EmccRequestType.CheckUser => await CheckUserAsync(request, trace, cancellationToken).ConfigureAwait(false),
            EmccRequestType.HomeLogin => await HomeLoginAsync(request, me, trace, cancellationToken).ConfigureAwait(false),
            EmccRequestType.Logout => await RemoteLogoutAsync(request, trace, cancellationToken).ConfigureAwait(false),
            _ => await ClusterInfoAsync(me, cancellationToken).ConfigureAwait(false),
        };
        if (Tracing)
        {
            Trace(trace, "EmccRequest", step + " result: " + Result(response.ErrorCode, response.ErrorText), time.GetElapsedTime(started));
        }

        return response with { From = me };
    }

    private async Task<EmccResponse> ClusterInfoAsync(EmccClusterInfo me, CancellationToken cancellationToken)
    {
        var profile = await settings.GetAsync<InterclusterServiceProfile>(cancellationToken).ConfigureAwait(false);
        var feature = await settings.GetAsync<EmccFeatureConfiguration>(cancellationToken).ConfigureAwait(false);
        var services = new List<string>();
        if (profile.Emcc)
        {
            services.Add("emcc");
        }

        if (profile.PstnAccess.Active)
        {
            services.Add("pstnAccess");
        }

        if (profile.RsvpAgent.Active)
        {
            services.Add("rsvpAgent");
        }

        return new EmccResponse
        {
            Type = EmccRequestType.ClusterInfo,
            ClusterInfo = new EmccClusterInfoResult
            {
                Cluster = me,
                Services = services,
                RegionMaxAudioBitRateKbps = feature.EmccRegionMaxAudioBitRate,
                RegionMaxVideoCallBitRateKbps = feature.EmccRegionMaxVideoCallBitRate,
                RegionLinkLossType = feature.EmccRegionLinkLossType == LinkLossType.Lossy ? "lossy" : "lowLoss",
            },
        };
    }

    private async Task<EmccResponse> CheckUserAsync(EmccRequest request, TraceScope trace, CancellationToken cancellationToken)
    {
        var userId = request.UserId ?? string.Empty;
        if (Tracing)
        {
            Trace(trace, "EmccCheckUser", $"Checking if User {userId} exists in local database");
        }

        await using var db = contexts.Create();
        var user = await db.Config<EndUser>().AsNoTracking().FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            Trace(trace, "EmccCheckUser", "no user exists with that id here");
            return new EmccResponse { Type = EmccRequestType.CheckUser, CheckUser = new EmccCheckUserResult(userId, false, []) };
        }

        var check = await credentials.CheckPinAsync(user, request.Pin ?? string.Empty, cancellationToken).ConfigureAwait(false);
        if (check == CredentialCheck.LockedOut)
        {
            // The directory will not authenticate the user now, whatever PIN is typed: 204 "Directory server error".
            Trace(trace, "authenticate pin", "refused: PIN locked by the credential policy (204)");
            return EmccResponse.Failure(EmccRequestType.CheckUser, 204, "Directory server error");
        }

        if (check != CredentialCheck.Accepted)
        {
            Trace(trace, "authenticate pin", "refused: wrong PIN");
            return EmccResponse.Failure(EmccRequestType.CheckUser, 2, "EMCC Authentication Error");
        }

        if (user.PinMustChangeAtNextLogin)
        {
            // The PIN is changed at home (self-care or a home phone); the visiting cluster cannot change it.
            Trace(trace, "authenticate pin", "accepted; User Must Change at Next Login (41)");
            return EmccResponse.Failure(EmccRequestType.CheckUser, 41, "PIN change is required");
        }

        var profiles = user.ControlledProfiles.ToList();
        if (user.EffectiveDefaultProfile is { } preferred && profiles.Remove(preferred))
        {
            profiles.Insert(0, preferred);
        }

        // The PIN was verified for this device: the home login that follows presents the token instead (older
        // visiting clusters name no device and get none).
        var token = request.Device is { Name.Length: > 0 } device && user.PinHash is { } pinHash
            ? LoginTokens.Issue(user.UserId, request.From.Id, device.Name, pinHash)
            : null;
        if (Tracing)
        {
            Trace(trace, "authenticate pin", $"accepted; User Exists; Device Profiles: {string.Join(", ", profiles)}; login token {(token is null ? "not issued" : "issued for " + request.Device!.Name)}");
        }

        return new EmccResponse { Type = EmccRequestType.CheckUser, CheckUser = new EmccCheckUserResult(userId, true, profiles, token) };
    }

    private async Task<EmccResponse> HomeLoginAsync(EmccRequest request, EmccClusterInfo me, TraceScope trace, CancellationToken cancellationToken)
    {
        var userId = request.UserId ?? string.Empty;
        var device = request.Device;
        if (device is null || userId.Length == 0)
        {
            return Fail(1, "a home login needs a user and a device");
        }

        if (Tracing)
        {
            Trace(trace, "processEmccRequest", $"Received EMCC Home Cluster Login Request for {userId} on {device.Name} ({device.Model}, {(device.Secure ? "secure" : "non-secure")})");
        }

        using var held = await _locks.AcquireAsync(["user:" + userId, "device:" + device.Name], cancellationToken).ConfigureAwait(false);
        var config = await _config.GetAsync(cancellationToken).ConfigureAwait(false);
        var remote = config.Remote(request.From.Id);
        if (remote is null)
        {
            return Fail(35, $"visiting cluster {request.From.Id} is not a remote cluster here");
        }

        var profile = await settings.GetAsync<InterclusterServiceProfile>(cancellationToken).ConfigureAwait(false);
        if (!profile.Emcc)
        {
            return Fail(201, "EMCC is not active in this cluster's Intercluster Service Profile");
        }

        if (!remote.Emcc)
        {
            return Fail(38, $"EMCC is not enabled for remote cluster {remote.ClusterId}");
        }

        await using var db = contexts.Create();
        var user = await db.Config<EndUser>().AsNoTracking().FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return Fail(23, "no such user");
        }

        if (LoginTokens.TryConsume(request.LoginToken, userId, request.From.Id, device.Name, user.PinHash))
        {
            Trace(trace, "authenticate pin", "verified at check user (login token accepted)");
        }
        else
        {
            Trace(trace, "authenticate pin", request.LoginToken is null ? "no login token: verifying the PIN" : "login token not valid (expired, used, or for another login): verifying the PIN");
            if (await credentials.CheckPinAsync(user, request.Pin ?? string.Empty, cancellationToken).ConfigureAwait(false) != CredentialCheck.Accepted)
            {
                return Fail(2, "PIN refused");
            }
        }

        if (!user.EnableExtensionMobilityCrossCluster)
        {
            return Fail(31, "Enable Extension Mobility Cross Cluster is not checked for the user");
        }

        if (await db.Config<Phone>().AsNoTracking().AnyAsync(p => p.Name == device.Name, cancellationToken).ConfigureAwait(false))
        {
            return Fail(37, $"{device.Name} is also a phone of this cluster (duplicate device name)");
        }

        var security = EmccRules.Security(me.Version, me.SecurityMode == "mixed", request.From.Version, request.From.SecurityMode == "mixed", device.Secure);
        if (Tracing)
        {
            Trace(trace, "processEmccRequest", $"DeviceSecurityMode: {(device.Secure ? 1 : 0)} HomeCluster SecurityMode: {(me.SecurityMode == "mixed" ? 1 : 0)} -> {security.Outcome}");
        }

        if (!security.Allowed)
        {
            return Fail(security.ErrorCode!.Value, "security mode: " + security.Outcome);
        }

        if (config.Tftp1 is not { } tftp1)
        {
            return Fail(39, "Default TFTP Server for EMCC Login Device is not set");
        }

        var template = config.DefaultTemplate;
        if (template?.DeviceSecurityProfile is { } securityProfileName
            && config.SecurityProfiles.TryGetValue(securityProfileName, out var templateSecurity) && templateSecurity.IsSecure)
        {
            return Fail(43, $"the default EMCC template's device security profile {securityProfileName} is not Non Secure");
        }

        var parameters = await settings.GetAsync<ExtensionMobilityServiceParameters>(cancellationToken).ConfigureAwait(false);

        // One read for this device's home login (re-login) and the user's other EMCC logins.
        var sessions = await db.EmccSessions.Where(s => s.Side == EmccSide.Home && (s.UserId == userId || s.DeviceName == device.Name)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var existing = sessions.FirstOrDefault(s => s.DeviceName == device.Name);
        var elsewhere = sessions.Any(s => s.UserId == userId && s.DeviceName != device.Name)
            || await db.ExtensionMobilityDynamics.AnyAsync(e => e.CurrentUserId == userId, cancellationToken).ConfigureAwait(false);
        if (elsewhere && parameters.MultipleLoginBehavior == MultipleLoginBehavior.NotAllowed)
        {
            return Fail(25, "the user is logged in elsewhere and Multiple Login Behavior is Multiple Logins Not Allowed");
        }

        var profileName = request.Profile ?? user.EffectiveDefaultProfile;
        if (profileName is null || !user.ControlledProfiles.Contains(profileName)
            || !await db.Config<DeviceProfile>().AnyAsync(p => p.Name == profileName, cancellationToken).ConfigureAwait(false))
        {
            return Fail(12, "no device profile for the user");
        }

        // The lowest-numbered EMCC device no home login holds, found in the database (not by reading them all).
        var emccDevice = existing?.EmccDevice
            ?? await db.Config<EmccDevice>().AsNoTracking()
                .Where(d => !db.EmccSessions.Any(s => s.Side == EmccSide.Home && s.EmccDevice == d.Name))
                .OrderBy(d => d.Number).Select(d => d.Name)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (emccDevice is null)
        {
            return Fail(33, "every EMCC dummy device is in use");
        }

        var roaming = EmccRules.RoamingDevicePool(device.Geolocation, config.GeolocationFilter, config.DevicePools, config.Geolocations)?.Name ?? template?.DevicePool ?? "Default";
        TimeSpan? duration = LoginTime.TryParse(parameters.InterClusterMaximumLoginTime, out var limit) && limit > TimeSpan.Zero ? limit : null;
        var now = time.GetUtcNow();

        var session = existing ?? new EmccSession { Side = EmccSide.Home, DeviceName = device.Name };
        session.EmccDevice = emccDevice;
        session.UserId = userId;
        session.DeviceProfile = profileName;
        session.RemoteClusterId = request.From.Id;
        session.PhoneModel = device.Model;
        session.PhoneSecure = device.Secure && security.Outcome == EmccSecurityOutcome.SecureEmcc;
        session.RoamingDevicePool = roaming;
        session.LoginTime = now;
        session.LoginDuration = duration;
        session.LastSeen = now;
        if (existing is null)
        {
            db.EmccSessions.Add(session);
        }

        db.AuditLog.Add(new AuditEntry { Time = now, Actor = "emcc:" + request.From.Id, Action = "emccHomeLogin", Target = "emcc", Key = device.Name, Detail = $"{userId} on {emccDevice} with {profileName}, pool {roaming}" });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        if (Tracing)
        {
            Trace(trace, "EmccHomeLogin", $"Performing Home Device Login for {userId}: {device.Name} as {emccDevice}, profile {profileName}, device pool {roaming}, TFTP {tftp1}");
            Trace(trace, "computeLoginDuration", duration is { } d
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{device.Name}: scheduleLogout: automatic logout in {d.TotalSeconds:0} secs")
                : $"{device.Name}: no Inter-cluster Maximum Login Time, no automatic logout");
        }

        return new EmccResponse
        {
            Type = EmccRequestType.HomeLogin,
            HomeLogin = new EmccHomeLoginResult { EmccDevice = emccDevice, Profile = profileName, Tftp1 = tftp1, Tftp2 = config.Tftp2, LoginDuration = duration, DevicePool = roaming },
        };

        static EmccResponse Fail(int code, string detail) => EmccResponse.Failure(EmccRequestType.HomeLogin, code, detail);
    }

    /// <summary>A logout sent by the other side: from the visiting cluster (home frees the device and restarts the phone), or from home (visiting forgets).</summary>
    private async Task<EmccResponse> RemoteLogoutAsync(EmccRequest request, TraceScope trace, CancellationToken cancellationToken)
    {
        var deviceName = request.Device?.Name ?? string.Empty;
        await using var db = contexts.Create();
        var sessions = await db.EmccSessions.Where(s => s.DeviceName == deviceName && s.RemoteClusterId == request.From.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (sessions.Count == 0)
        {
            return EmccResponse.Failure(EmccRequestType.Logout, 19, $"No user logged in: {deviceName} has no EMCC login with {request.From.Id}");
        }

        var now = time.GetUtcNow();
        db.EmccSessions.RemoveRange(sessions);
        var events = new List<DeviceEvent>();
        if (sessions.Any(s => s.Side == EmccSide.Home))
        {
            events.Add(new DeviceEvent { DeviceName = deviceName, Kind = DeviceEventKind.Restart, Reason = "EMCC logout from " + request.From.Id, Time = now });
            db.DeviceEvents.AddRange(events);
        }

        db.AuditLog.Add(new AuditEntry { Time = now, Actor = "emcc:" + request.From.Id, Action = "emccLogout", Target = "emcc", Key = deviceName, Detail = request.Reason });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        if (Tracing)
        {
            Trace(trace, "logout", $"{deviceName}: EMCC login of {sessions[0].UserId} ended ({request.Reason ?? "logout"}){(events.Count > 0 ? "; the phone restarts" : string.Empty)}");
        }

        if (events.Count > 0)
        {
            extensionMobility.Announce(events);
        }
        else
        {
            // The visiting record is gone: the phone, restarted by its home cluster, registers its own lines here again.
            extensionMobility.AnnounceChanged([deviceName]);
        }

        return new EmccResponse { Type = EmccRequestType.Logout };
    }

    // ------------------------------------------------------------------ visiting side

    /// <summary>
    /// The visiting side of an EMCC login from EMApp (EMCC=true, the user is not local): device checks, find the
    /// home cluster, home login, then the visiting device login that restarts the phone towards its home cluster.
    /// </summary>
    public Task<EmccOutcome> VisitingLoginAsync(string deviceName, string userId, string pin, CancellationToken cancellationToken) =>
        VisitingLoginAsync(deviceName, userId, pin, null, cancellationToken);

    /// <summary>As <see cref="VisitingLoginAsync(string, string, string, CancellationToken)"/>, traced under the EMApp request's number.</summary>
    public async Task<EmccOutcome> VisitingLoginAsync(string deviceName, string userId, string pin, long? requestNumber, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceName);
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(pin);
        var started = time.GetTimestamp();
        var number = requestNumber ?? extensionMobility.NextRequestNumber();
        var trace = new TraceScope(number, "visiting", userId, null, null, deviceName);
        if (Tracing)
        {
            Trace(trace, "processEmccRequest", $"Received EMCC Login Request for {userId} on {deviceName}");
        }

        var me = await IdentityAsync(cancellationToken).ConfigureAwait(false);
        using var held = await _locks.AcquireAsync(["device:" + deviceName], cancellationToken).ConfigureAwait(false);
        var config = await _config.GetAsync(cancellationToken).ConfigureAwait(false);
        List<RemoteCluster> remotes;
        EmccDeviceInfo info;
        await using (var db = contexts.Create())
        {
            var phone = await db.Config<Phone>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == deviceName, cancellationToken).ConfigureAwait(false);
            if (phone is null)
            {
                return Refuse(11, "the device does not exist");
            }

            if (!config.Models.TryGetValue(phone.Model, out var model) || !model.Supports(PhoneFeature.ExtensionMobilityCrossCluster))
            {
                return Refuse(32, $"model {phone.Model} does not support EMCC");
            }

            if (!phone.EnableExtensionMobility)
            {
                return Refuse(22, "Enable Extension Mobility is unchecked on the device");
            }

            if (await db.ExtensionMobilityDynamics.AnyAsync(e => e.DeviceName == deviceName && e.CurrentUserId != null, cancellationToken).ConfigureAwait(false)
                || await db.EmccSessions.AnyAsync(s => s.Side == EmccSide.Visiting && s.DeviceName == deviceName, cancellationToken).ConfigureAwait(false))
            {
                return Refuse(18, "another user is logged in on the device");
            }

            var profile = await settings.GetAsync<InterclusterServiceProfile>(cancellationToken).ConfigureAwait(false);
            if (!profile.Emcc || !profile.PstnAccess.Active)
            {
                return Refuse(211, "EMCC or PSTN Access is not active in this cluster's Intercluster Service Profile");
            }

            remotes = [.. config.Remotes];
            if (remotes.Count == 0)
            {
                return Refuse(36, "no remote cluster is configured");
            }

            var inactive = await db.RemoteClusterStatuses.AsNoTracking().Where(s => !s.EmccRemoteActivated).ToDictionaryAsync(s => s.ClusterId, s => s.LastError, cancellationToken).ConfigureAwait(false);
            var enabled = remotes.Where(r => r.Emcc).ToList();
            remotes.RemoveAll(r => !r.Emcc || inactive.ContainsKey(r.ClusterId));
            if (remotes.Count == 0)
            {
                // 212 "Cluster ID is invalid" when the remote cluster update found a cluster id mismatch (42) everywhere.
                return enabled.Count > 0 && enabled.All(r => RemoteClusterUpdater.IsClusterIdMismatch(inactive[r.ClusterId]))
                    ? Refuse(212, "every remote cluster with EMCC failed its remote cluster update with a cluster id mismatch (42)")
                    : Refuse(208, "no remote cluster has EMCC remotely activated");
            }

            var securityProfile = phone.DeviceSecurityProfile is { } spName ? config.SecurityProfiles.GetValueOrDefault(spName) : null;
            var geolocation = phone.Geolocation is { } geoName ? config.Geolocations.GetValueOrDefault(geoName) : null;
            info = new EmccDeviceInfo
            {
                Name = deviceName,
                Model = phone.Model,
                Protocol = phone.Protocol.ToString(),
                Secure = securityProfile?.IsSecure == true,
                Geolocation = geolocation is null ? new Dictionary<string, string>() : EmccRules.Fields(geolocation),
            };
        }

        if (Tracing)
        {
            Trace(trace, "checkDeviceAllowsLogin", $"{deviceName}: model {info.Model} supports EMCC, Extension Mobility enabled, no user currently logged in ({(info.Secure ? "secure" : "non-secure")})");
            Trace(trace, "findHomeCluster", $"Finding Home Cluster for User: {userId}: asking {string.Join(", ", remotes.Select(r => r.ClusterId))}");
        }

        // findHomeCluster: ask every remote cluster with EMCC whether the user is theirs. The device goes along, so
        // the home cluster can give a login token for it (the home login then needs no second PIN check).
        RemoteCluster? home = null;
        IReadOnlyList<string> profiles = [];
        string? loginToken = null;
        int? firstError = null;
        foreach (var remote in remotes)
        {
            var asked = time.GetTimestamp();
            var check = await peers.SendAsync(remote, new EmccRequest { Type = EmccRequestType.CheckUser, From = me, RequestNumber = number, UserId = userId, Pin = pin, Device = info }, cancellationToken).ConfigureAwait(false);
            if (Tracing)
            {
                Trace(trace, "EmccCheckUser", $"{remote.ClusterId} ({EmccPeerClient.UrlOf(remote)}): " + (check.ErrorCode is { } error
                    ? $"error {error}: {check.ErrorText}"
                    : check.CheckUser is { Exists: true } exists ? $"User Exists, {exists.Profiles.Count} device profile(s), login token {(exists.LoginToken is null ? "none" : "given")}" : "no such user"), time.GetElapsedTime(asked));
            }

            if (check.ErrorCode is { } code)
            {
                firstError ??= code;
                if (code is 2 or 41 or 204)
                {
                    // The user is at home there: a wrong PIN (2), a PIN that must be changed first (41) or is locked (204).
                    return Refuse(code, $"home cluster {remote.ClusterId} did not accept the PIN", remote.ClusterId);
                }

                continue;
            }

            if (check.CheckUser is { Exists: true } found)
            {
                if (found.Profiles.Count == 0)
                {
                    // The user is at home there but the home has no device profile to offer: User Profile Absent, as in a local login.
                    return Refuse(205, $"home cluster {remote.ClusterId} has no device profile for the user", remote.ClusterId);
                }

                home = remote;
                profiles = found.Profiles;
                loginToken = found.LoginToken;
                break;
            }
        }

        if (home is null)
        {
            return firstError is { } unreachable && unreachable != 19
                ? Refuse(unreachable, "no remote cluster answered check user")
                : Refuse(23, "the user is not found in any remote cluster");
        }

        if (Tracing)
        {
            Trace(trace, "EmccLoginRequest", $"Home Cluster for User {userId} is {home.ClusterId} ({EmccPeerClient.UrlOf(home)}); Device Profile for this user is: {(profiles.Count > 0 ? profiles[0] : "(default)")}");
        }

        var sent = time.GetTimestamp();
        var login = await peers.SendAsync(home, new EmccRequest
        {
            Type = EmccRequestType.HomeLogin,
            From = me,
            RequestNumber = number,
            UserId = userId,
            Pin = pin,
            LoginToken = loginToken,
            Profile = profiles.Count > 0 ? profiles[0] : null,
            Device = info,
        }, cancellationToken).ConfigureAwait(false);
        if (Tracing)
        {
            Trace(trace, "performDoLogin", $"home login at {home.ClusterId}: " + (login.HomeLogin is { } answer
                ? $"success: {answer.EmccDevice}, profile {answer.Profile}, device pool {answer.DevicePool ?? "-"}, TFTP {answer.Tftp1}"
                : $"error {login.ErrorCode ?? 0}: {login.ErrorText}"), time.GetElapsedTime(sent));
        }

        if (login.ErrorCode is not null || login.HomeLogin is not { } result)
        {
            return Refuse(login.ErrorCode ?? 0, "home login refused: " + login.ErrorText, home.ClusterId);
        }

        // Performing Visiting Device Login: the phone's configuration now points at its home cluster.
        var now = time.GetUtcNow();
        await using (var db = contexts.Create())
        {
            db.EmccSessions.Add(new EmccSession
            {
                Side = EmccSide.Visiting,
                DeviceName = deviceName,
                UserId = userId,
                DeviceProfile = result.Profile,
                RemoteClusterId = home.ClusterId,
                PhoneModel = info.Model,
                PhoneSecure = info.Secure,
                HomeTftp = result.Tftp1,
                HomeBackupTftp = result.Tftp2,
                EmccDevice = result.EmccDevice,
                LoginTime = now,
                LoginDuration = result.LoginDuration,
                LastSeen = now,
            });
            var restart = new DeviceEvent { DeviceName = deviceName, Kind = DeviceEventKind.Restart, Reason = $"EMCC login {userId} (home {home.ClusterId})", Time = now };
            db.DeviceEvents.Add(restart);
            db.AuditLog.Add(new AuditEntry { Time = now, Actor = "emapp:" + userId, Action = "emccVisitingLogin", Target = "emcc", Key = deviceName, Detail = $"home {home.ClusterId}, {result.EmccDevice}" });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            extensionMobility.Announce([restart]);
        }

        if (Tracing)
        {
            Trace(trace, "performVisitingDeviceLogin", $"{deviceName}: configuration points at home {home.ClusterId} (TFTP {result.Tftp1}); the phone restarts");
            Trace(trace, "EmccRequest", $"result: success: Successfully performed Login for user {userId} at {deviceName}", time.GetElapsedTime(started));
        }

        return new EmccOutcome(null, "logged in", home.ClusterId);

        EmccOutcome Refuse(int code, string detail, string? homeId = null)
        {
            if (Tracing)
            {
                Trace(trace, "EmccRequest", "result: " + Result(code, detail), time.GetElapsedTime(started));
            }

            return new EmccOutcome(code, detail, homeId);
        }
    }

    /// <summary>
    /// Ends an EMCC login at home (the user pressed Logout on the phone, now registered here; the automatic logout;
    /// or the home administrator): frees the EMCC device, restarts the phone (it goes back to its visiting cluster)
    /// and tells the visiting cluster, best effort (if it is unreachable its expired-device maintenance cleans up).
    /// </summary>
    public async Task<EmccOutcome> HomeLogoutAsync(string deviceName, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceName);
        var started = time.GetTimestamp();
        var number = extensionMobility.NextRequestNumber();
        using var held = await _locks.AcquireAsync(["device:" + deviceName], cancellationToken).ConfigureAwait(false);
        EmccSession? session;
        await using (var db = contexts.Create())
        {
            session = await db.EmccSessions.FirstOrDefaultAsync(s => s.Side == EmccSide.Home && s.DeviceName == deviceName, cancellationToken).ConfigureAwait(false);
            if (session is null)
            {
                if (Tracing)
                {
                    Trace(new TraceScope(number, "home", "-", null, null, deviceName), "logout", $"{reason}: no EMCC login on {deviceName} (19)", time.GetElapsedTime(started));
                }

                return new EmccOutcome(19, "no EMCC login on " + deviceName);
            }

            var trace = new TraceScope(number, "home", session.UserId, null, null, deviceName);
            var visiting = (await _config.GetAsync(cancellationToken).ConfigureAwait(false)).Remote(session.RemoteClusterId);
            var now = time.GetUtcNow();
            db.EmccSessions.Remove(session);
            var restart = new DeviceEvent { DeviceName = deviceName, Kind = DeviceEventKind.Restart, Reason = "EMCC " + reason + " " + session.UserId, Time = now };
            db.DeviceEvents.Add(restart);
            db.AuditLog.Add(new AuditEntry { Time = now, Actor = "emcc", Action = "emccHomeLogout", Target = "emcc", Key = deviceName, Detail = $"{session.UserId} ({reason}); {session.EmccDevice} freed" });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            if (Tracing)
            {
                Trace(trace, "logout", $"home logout ({reason}); {session.EmccDevice} freed; the phone restarts towards {session.RemoteClusterId}");
            }

            await TellVisitingAsync(visiting, session, reason, trace, cancellationToken).ConfigureAwait(false);
            extensionMobility.Announce([restart]);
            if (Tracing)
            {
                Trace(trace, "EmccRequest", "logout result: success", time.GetElapsedTime(started));
            }
        }

        return new EmccOutcome(null, "logged out", null);
    }

    private async Task TellVisitingAsync(RemoteCluster? visiting, EmccSession session, string reason, TraceScope trace, CancellationToken cancellationToken)
    {
        if (visiting is null)
        {
            return;
        }

        var me = await IdentityAsync(cancellationToken).ConfigureAwait(false);
        var sent = time.GetTimestamp();
        var answer = await peers.SendAsync(visiting, new EmccRequest
        {
            Type = EmccRequestType.Logout,
            From = me,
            RequestNumber = trace.Number,
            UserId = session.UserId,
            Device = new EmccDeviceInfo { Name = session.DeviceName, Model = session.PhoneModel ?? "unknown" },
            Reason = reason,
        }, cancellationToken).ConfigureAwait(false);
        if (Tracing)
        {
            Trace(trace, "logout", answer.ErrorCode is { } code
                ? $"visiting cluster {visiting.ClusterId} not told (error {code}): its expired EMCC device maintenance will clean up"
                : $"visiting cluster {visiting.ClusterId} told", time.GetElapsedTime(sent));
        }
    }

    /// <summary>
    /// The visiting administrator's Log Out button: only cleans this cluster's record (seed "Visiting Device Logout
    /// Limitations"); the phone stays registered at home until it is reset or logged out there.
    /// </summary>
    public async Task<EmccOutcome> VisitingAdminLogoutAsync(string deviceName, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceName);
        await using var db = contexts.Create();
        var session = await db.EmccSessions.FirstOrDefaultAsync(s => s.Side == EmccSide.Visiting && s.DeviceName == deviceName, cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return new EmccOutcome(19, "no EMCC login on " + deviceName);
        }

        db.EmccSessions.Remove(session);
        db.AuditLog.Add(new AuditEntry { Time = time.GetUtcNow(), Actor = actor, Action = "emccVisitingLogout", Target = "emcc", Key = deviceName, Detail = session.UserId + " (database cleanup; the phone stays at home)" });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        extensionMobility.AnnounceChanged([deviceName]);
        return new EmccOutcome(null, "visiting record removed", session.RemoteClusterId);
    }

    /// <summary>Whether the EMCC trace is on: details are only built then.</summary>
    private bool Tracing => _trace.Enabled;

    private void Trace(in TraceScope scope, string step, string detail, TimeSpan? elapsed = null)
    {
        if (!_trace.Enabled)
        {
            return;
        }

        var party = scope.PeerCluster is { } peer
            ? "from " + peer + (scope.PeerRequestNumber is { } n ? " request " + n.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)
            : "on " + scope.Device;
        _trace.Emcc(scope.Number, scope.Side, scope.User, party, step, detail, elapsed);
    }

    private static string Result(int? code, string? text) => code is { } c ? $"error {c.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {text}" : "success";

    private static string StepName(EmccRequestType type) => type switch
    {
        EmccRequestType.CheckUser => "check user",
        EmccRequestType.HomeLogin => "home login",
        EmccRequestType.Logout => "logout",
        _ => "cluster info",
    };

    /// <summary>What every trace line of one request names: its number, the side, the user, and the peer's request or the device.</summary>
    private readonly record struct TraceScope(long Number, string Side, string User, string? PeerCluster, long? PeerRequestNumber, string? Device);
}
