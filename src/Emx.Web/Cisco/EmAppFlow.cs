using System.Data.Common;
using System.Globalization;
using Emx.Cluster.ExtensionMobility;
using Emx.Cluster.Provisioning;
using Emx.Cluster.Security;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.ExtensionMobility;
using Emx.Domain.Security;
using Emx.Protocols.CiscoIpPhone;
using Emx.Protocols.Errors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Web.Cisco;

/// <summary>
/// EMApp, the phone's Extension Mobility service (reference 2.3): the login form or the logout confirmation, the PIN
/// check, the PIN change, the profile choice, then the one login state machine (<see cref="ExtensionMobilityService"/>,
/// channel EmApp) in-process. Every refusal becomes one screen with the seed's display string.
/// <para>
/// Failed logins answer the same bytes whatever went wrong: an unknown user id, a wrong PIN and a PIN locked by the
/// credential policy all give the same 201 form for the phone, whatever user id was typed (PIN-guessing tools compare
/// Content-Length, reference 7); an unknown user and a locked one also pay a PIN hash, so timing hardly tells either.
/// </para>
/// </summary>
internal sealed partial class EmAppFlow(
    IEmxDbContextFactory contexts,
    ExtensionMobilityService em,
    AdminCredentials credentials,
    SettingsCache settings,
    ProvisioningService provisioning,
    EmAppSessions sessions,
    EmTrace trace,
    Cluster.Emcc.EmccService emcc,
    TimeProvider time,
    ILogger<EmAppFlow> logger)
{
    /// <summary>Longest user id, extension or self-service id looked up (user ids are at most 128 characters).</summary>
    private const int MaxUserIdLength = 128;

    /// <summary>Longest PIN the credential policy admits.</summary>
    private const int MaxPinLength = 128;

    private static readonly Lazy<string> DummyPinHash = new(() => SecretHasher.HashPin(Guid.NewGuid().ToString()));

    /// <summary>A test seam: awaited inside Maximum Concurrent Requests, before the request's work.</summary>
    internal Func<CancellationToken, Task>? InsideThrottle { get; set; }

    /// <summary>Answers one request with the screen to show.</summary>
    public async Task<CiscoIpPhoneObject> HandleAsync(EmAppRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var device = request.Device is null ? null : DeviceNames.Normalize(request.Device);
        var attempt = new Attempt(request, new EmRequestContext
        {
            RequestNumber = em.NextRequestNumber(),
            Channel = EmChannel.EmApp,
            Actor = device is not null && DeviceNames.IsPhoneName(device) ? device : "phone",
            HasProxyRights = true,
            SourceAddress = request.SourceAddress,
            ViaProxy = request.ViaProxy,
        });
        trace.Step(attempt.Context, "emapp received", request.ToString());
        var screen = await DecideAsync(attempt, device, cancellationToken);
        trace.Step(attempt.Context, "emapp result", screen.Summary, time.GetElapsedTime(started));
        return screen.Object;
    }

    /// <summary>The screen for a request that failed unexpectedly: 6 (database) or 0 (unknown).</summary>
    public static CiscoIpPhoneObject Failure(Exception exception, EmAppRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var code = exception is DbException or DbUpdateException ? EmServiceErrorCode.DatabaseError : EmServiceErrorCode.UnknownError;
        return EmAppScreens.Error(EmErrorCatalog.Get(code).PhoneDisplay(request.Operation));
    }

    private async Task<Screen> DecideAsync(Attempt attempt, string? device, CancellationToken ct)
    {
        var request = attempt.Request;
        if (string.IsNullOrEmpty(device))
        {
            return AppError(EmAppErrorCode.DeviceNameEmpty, request.Operation);
        }

        if (request.LoginType is not { } loginType)
        {
            return AppError(EmAppErrorCode.LoginTypeInvalid, request.Operation);
        }

        if (!DeviceNames.IsPhoneName(device))
        {
            trace.Step(attempt.Context, "device", $"{EmAppRequest.Clip(device)} is not a phone device name");
            return Rejected(EmRejection.DeviceNotFound, request.Operation);
        }

        attempt.Urls = new EmAppUrls(request.Origin, device, request.Emcc, request.LoginTypeGiven ? loginType : null);
        ExtensionMobilityServiceParameters parameters;
        try
        {
            parameters = await settings.GetAsync<ExtensionMobilityServiceParameters>(ct);
        }
        catch (Exception ex) when (ex is DbException || ex.InnerException is DbException)
        {
            // EMApp starts every request from its service parameters; without the database it cannot start at all:
            // 210 "Init Fail-Contact Admin" (a database failure later in the request is 6, Database Error).
            LogInitFailed(logger, ex);
            trace.Step(attempt.Context, "emapp", "could not read the Extension Mobility service parameters (210)");
            return AppError(EmAppErrorCode.InitFailContactAdmin, request.Operation);
        }
        if (request.DoLogout)
        {
            return await ThrottledAsync(attempt, () => LogoutAsync(attempt, device, ct), ct);
        }

        if (request.Token is not null)
        {
            return await ThrottledAsync(attempt, () => ContinueAsync(attempt, device, loginType, parameters, ct), ct);
        }

        if (request.IsSubmission)
        {
            if (string.IsNullOrWhiteSpace(request.UserId) || string.IsNullOrEmpty(request.Pin))
            {
                return Retry(attempt, loginType, parameters, EmAppErrorCode.BlankUserIdOrPin);
            }

            return await ThrottledAsync(attempt, () => SubmitAsync(attempt, device, loginType, parameters, request.UserId, request.Pin, ct), ct);
        }

        return await LandingAsync(attempt, device, loginType, parameters, ct);
    }

    /// <summary>The service opened on the phone: the logout confirmation when somebody is logged in, else the login form.</summary>
    private async Task<Screen> LandingAsync(Attempt attempt, string device, EmLoginType loginType, ExtensionMobilityServiceParameters parameters, CancellationToken ct)
    {
        await using var db = contexts.Create();
        if (await db.EmccSessions.AsNoTracking().FirstOrDefaultAsync(s => s.DeviceName == device, ct) is { } emccLogin)
        {
            // A phone logged in by EMCC: at home it is not one of this cluster's phones, at the visiting cluster it
            // is; either way the user may log out.
            trace.Step(attempt.Context, "device", $"{device}: {emccLogin.UserId} is logged in by EMCC ({emccLogin.Side} side)");
            return new Screen(EmAppScreens.LogoutConfirmation(attempt.Urls!, emccLogin.UserId), "logout confirmation (EMCC)");
        }

        if (await PhoneRefusalAsync(attempt, db, device, ct) is { } refusal)
        {
            return refusal;
        }

        var state = await db.ExtensionMobilityDynamics.AsNoTracking().FirstOrDefaultAsync(e => e.DeviceName == device, ct);
        if (state is { IsLoggedIn: true })
        {
            trace.Step(attempt.Context, "device", $"{device}: {state.CurrentUserId} is logged in");
            return new Screen(EmAppScreens.LogoutConfirmation(attempt.Urls!, state.CurrentUserId!), "logout confirmation");
        }

        string? prefill = null;
        if (parameters.RememberLastUserLoggedIn && state?.LastUserId is { } last)
        {
            prefill = loginType == EmLoginType.Uid
                ? last
                : await db.Config<EndUser>().AsNoTracking().Where(u => u.UserId == last)
                    .Select(u => loginType == EmLoginType.Dn ? u.PrimaryExtension : u.SelfServiceId).FirstOrDefaultAsync(ct);
        }

        trace.Step(attempt.Context, "device", $"{device}: nobody logged in; login form{(prefill is null ? string.Empty : " (last user remembered)")}");
        return new Screen(EmAppScreens.LoginForm(attempt.Urls!, loginType, parameters.AlphanumericUserId, prefill), "login form");
    }

    /// <summary>A login form submission: find the user, check the PIN, then the PIN change or the profile choice, then log in.</summary>
    private async Task<Screen> SubmitAsync(Attempt attempt, string device, EmLoginType loginType, ExtensionMobilityServiceParameters parameters, string typed, string pin, CancellationToken ct)
    {
        await using var db = contexts.Create();
        if (await PhoneRefusalAsync(attempt, db, device, ct) is { } refusal)
        {
            return refusal;
        }

        var (user, ambiguous) = await FindUserAsync(db, loginType, typed, parameters, ct);
        if (ambiguous)
        {
            trace.Step(attempt.Context, "user", $"{loginType.ToString().ToUpperInvariant()} {EmAppRequest.Clip(typed)} belongs to several users");
            return AppError(EmAppErrorCode.DnHasMultipleUsers, EmOperation.Login);
        }

        if (user is null)
        {
            if (attempt.Request.Emcc)
            {
                // Not a user of this cluster: an EMCC login, the home cluster found by asking the remote clusters.
                trace.Step(attempt.Context, "user", $"{EmAppRequest.Clip(typed)} is not a user of this cluster: EMCC Request");
                if (!await DeviceSupportsEmccAsync(db, device, ct))
                {
                    trace.Step(attempt.Context, "device", $"{device}: IPv6-only (common device configuration); EMCC does not support it");
                    return AppError(EmAppErrorCode.DeviceDoesNotSupportEmcc, EmOperation.Login);
                }

                var outcome = await emcc.VisitingLoginAsync(device, typed, pin, attempt.Context.RequestNumber, ct);
                if (outcome.ErrorCode is { } code)
                {
                    return EmccError(code, EmOperation.Login);
                }

                trace.Step(attempt.Context, "emcc", $"logged in at home cluster {outcome.HomeClusterId}; phone restarts towards it");
                return new Screen(EmAppScreens.LoginSucceeded(typed, null), "EMCC login success (home " + outcome.HomeClusterId + ")");
            }

            SecretHasher.Verify(pin, DummyPinHash.Value);
            trace.Step(attempt.Context, "pin check", $"refused: no user {EmAppRequest.Clip(typed)} ({loginType.ToString().ToUpperInvariant()})");
            return Retry(attempt, loginType, parameters, EmAppErrorCode.AuthenticationError);
        }

        attempt.Context = attempt.Context with { Actor = user.UserId };
        var check = await credentials.CheckPinAsync(user, pin, ct);
        if (check != CredentialCheck.Accepted)
        {
            if (check == CredentialCheck.LockedOut)
            {
                SecretHasher.Verify(pin, DummyPinHash.Value);
            }

            trace.Step(attempt.Context, "pin check", check == CredentialCheck.LockedOut ? "refused: locked out by the credential policy" : "refused: wrong PIN");
            return Retry(attempt, loginType, parameters, EmAppErrorCode.AuthenticationError);
        }

        trace.Step(attempt.Context, "pin check", "accepted");
        if (user.PinMustChangeAtNextLogin)
        {
            var session = sessions.Start(device, user.UserId, pinChangePending: true);
            trace.Step(attempt.Context, "pin change", "User Must Change at Next Login is set (41)");
            return new Screen(EmAppScreens.ChangePin(attempt.Urls!, session.Token), "41: change PIN form");
        }

        return await ChooseProfileAsync(attempt, db, device, user, session: null, ct);
    }

    /// <summary>The next step of a login whose PIN was verified: the new PIN, or the profile chosen in the menu.</summary>
    private async Task<Screen> ContinueAsync(Attempt attempt, string device, EmLoginType loginType, ExtensionMobilityServiceParameters parameters, CancellationToken ct)
    {
        var request = attempt.Request;
        var session = sessions.Find(request.Token, device);
        if (session is null)
        {
            trace.Step(attempt.Context, "session", "unknown or expired token; the user logs in again");
            return new Screen(EmAppScreens.LoginForm(attempt.Urls!, loginType, parameters.AlphanumericUserId, null, "Session expired; log in again"), "login form (session expired)");
        }

        attempt.Context = attempt.Context with { Actor = session.UserId };
        await using var db = contexts.Create();
        if (await PhoneRefusalAsync(attempt, db, device, ct) is { } refusal)
        {
            sessions.End(session);
            return refusal;
        }

        var user = await db.Config<EndUser>().AsNoTracking().FirstOrDefaultAsync(u => u.UserId == session.UserId, ct);
        if (user is null)
        {
            sessions.End(session);
            return Rejected(EmRejection.UserNotFound, EmOperation.Login);
        }

        if (session.PinChangePending)
        {
            return await ChangePinAsync(attempt, db, device, session, user, loginType, parameters, ct);
        }

        if (session.Profiles is { } offered)
        {
            if (!int.TryParse(request.Profile, NumberStyles.None, CultureInfo.InvariantCulture, out var choice) || choice < 1 || choice > offered.Count)
            {
                trace.Step(attempt.Context, "profile", $"no valid choice ({EmAppRequest.Clip(request.Profile)}); menu again");
                return new Screen(EmAppScreens.ProfileMenu(attempt.Urls!, session.Token, offered), $"profile menu ({offered.Count})");
            }

            sessions.End(session);
            trace.Step(attempt.Context, "profile", $"chosen: {offered[choice - 1]}");
            return await LoginAsync(attempt, device, user.UserId, offered[choice - 1], ct);
        }

        return await ChooseProfileAsync(attempt, db, device, user, session, ct);
    }

    /// <summary>41: checks the new PIN (digits, the credential policy's minimum length, twice the same, not the old one) and stores it.</summary>
    private async Task<Screen> ChangePinAsync(Attempt attempt, EmxDbContext db, string device, EmAppSession session, EndUser user, EmLoginType loginType, ExtensionMobilityServiceParameters parameters, CancellationToken ct)
    {
        var request = attempt.Request;
        if (request.NewPin is null && request.NewPinAgain is null)
        {
            return new Screen(EmAppScreens.ChangePin(attempt.Urls!, session.Token), "41: change PIN form");
        }

        var policy = await settings.GetAsync<CredentialPolicy>(ct);
        if (PinProblem(request.NewPin, request.NewPinAgain, policy, user) is { } problem)
        {
            trace.Step(attempt.Context, "pin change", "refused: " + problem);
            if (++session.RefusedPinChanges >= EmAppSessions.MaxPinChangeAttempts)
            {
                sessions.End(session);
                return new Screen(EmAppScreens.LoginForm(attempt.Urls!, loginType, parameters.AlphanumericUserId, null, "PIN not changed; log in again"), "login form (PIN change abandoned)");
            }

            return new Screen(EmAppScreens.ChangePin(attempt.Urls!, session.Token, problem), "41: change PIN form (" + problem + ")");
        }

        if (!await provisioning.ChangePinAsync(user.UserId, request.NewPin!, "emapp:" + user.UserId, ct))
        {
            sessions.End(session);
            return Rejected(EmRejection.UserNotFound, EmOperation.Login);
        }

        session.PinChangePending = false;
        LogPinChanged(logger, user.UserId);
        trace.Step(attempt.Context, "pin change", "new PIN stored; User Must Change at Next Login cleared");
        return await ChooseProfileAsync(attempt, db, device, user, session, ct);
    }

    /// <summary>What is wrong with a new PIN, as a prompt (at most 32 characters), or null.</summary>
    private static string? PinProblem(string? pin, string? again, CredentialPolicy policy, EndUser user)
    {
        if (string.IsNullOrEmpty(pin) || string.IsNullOrEmpty(again))
        {
            return "Enter the new PIN twice";
        }

        if (!pin.All(char.IsAsciiDigit))
        {
            return "The PIN must be digits only";
        }

        if (pin.Length < policy.MinimumPinLength)
        {
            return string.Create(CultureInfo.InvariantCulture, $"The PIN needs {policy.MinimumPinLength} digits or more");
        }

        if (pin.Length > MaxPinLength)
        {
            return "The PIN is too long";
        }

        if (!string.Equals(pin, again, StringComparison.Ordinal))
        {
            return "The PINs do not match";
        }

        return SecretHasher.Verify(pin, user.PinHash) ? "Choose a PIN you did not use" : null;
    }

    /// <summary>
    /// The profiles to offer: the user's controlled profiles that exist (the default first), narrowed to those made for
    /// the phone's model when any are; none gives 205, one logs in at once, several give the menu.
    /// </summary>
    private async Task<Screen> ChooseProfileAsync(Attempt attempt, EmxDbContext db, string device, EndUser user, EmAppSession? session, CancellationToken ct)
    {
        var model = await db.Config<Phone>().AsNoTracking().Where(p => p.Name == device).Select(p => p.Model).FirstOrDefaultAsync(ct);
        var controlled = user.ControlledProfiles;
        var existing = await db.Config<DeviceProfile>().AsNoTracking().Where(p => controlled.Contains(p.Name))
            .Select(p => new { p.Name, p.ProductType }).ToListAsync(ct);
        var productTypes = existing.ToDictionary(p => p.Name, p => p.ProductType, StringComparer.Ordinal);
        var ordered = controlled.Where(productTypes.ContainsKey).Distinct(StringComparer.Ordinal)
            .OrderBy(name => name == user.EffectiveDefaultProfile ? 0 : 1)
            .ToList();
        var matching = ordered.Where(name => productTypes[name] == model).ToList();
        var candidates = matching.Count > 0 ? matching : ordered;
        trace.Step(attempt.Context, "profiles", $"{candidates.Count} for model {model}: {EmAppRequest.Clip(string.Join(", ", candidates))}");
        if (candidates.Count == 0)
        {
            EndIfAny(session);
            return AppError(EmAppErrorCode.UserProfileAbsent, EmOperation.Login);
        }

        if (candidates.Count == 1)
        {
            EndIfAny(session);
            return await LoginAsync(attempt, device, user.UserId, candidates[0], ct);
        }

        session ??= sessions.Start(device, user.UserId, pinChangePending: false);
        session.Profiles = candidates;
        return new Screen(EmAppScreens.ProfileMenu(attempt.Urls!, session.Token, candidates), $"profile menu ({candidates.Count})");
    }

    private void EndIfAny(EmAppSession? session)
    {
        if (session is not null)
        {
            sessions.End(session);
        }
    }

    private async Task<Screen> LoginAsync(Attempt attempt, string device, string userId, string profile, CancellationToken ct)
    {
        var command = new EmLoginCommand { DeviceName = device, UserId = userId, DeviceProfile = profile };
        var outcome = await em.LoginAsync(command, attempt.Context, ct);
        return outcome.Rejection is { } rejection
            ? Rejected(rejection, EmOperation.Login)
            : new Screen(EmAppScreens.LoginSucceeded(userId, profile), "login success");
    }

    private async Task<Screen> LogoutAsync(Attempt attempt, string device, CancellationToken ct)
    {
        await using (var db = contexts.Create())
        {
            if (await db.EmccSessions.AsNoTracking().FirstOrDefaultAsync(s => s.DeviceName == device, ct) is { } emccLogin)
            {
                var ended = emccLogin.Side == Domain.Runtime.EmccSide.Home
                    ? await emcc.HomeLogoutAsync(device, "logout", ct)
                    : await emcc.VisitingAdminLogoutAsync(device, "emapp:" + emccLogin.UserId, ct);
                trace.Step(attempt.Context, "emcc", $"{device}: EMCC logout ({emccLogin.Side} side): {ended.Detail}");
                return ended.ErrorCode is { } code ? EmccError(code, EmOperation.Logout) : new Screen(EmAppScreens.LogoutSucceeded(), "EMCC logout success");
            }
        }

        var outcome = await em.LogoutAsync(device, attempt.Context, ct);
        return outcome.Rejection is { } rejection
            ? Rejected(rejection, EmOperation.Logout)
            : new Screen(EmAppScreens.LogoutSucceeded(), "logout success");
    }

    /// <summary>11 for an unknown phone, 22 when Extension Mobility is off on it (or its model has none); null when it may proceed.</summary>
    private async Task<Screen?> PhoneRefusalAsync(Attempt attempt, EmxDbContext db, string device, CancellationToken ct)
    {
        var phone = await db.Config<Phone>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == device, ct);
        if (phone is null)
        {
            trace.Step(attempt.Context, "device", $"{device}: no such phone");
            return Rejected(EmRejection.DeviceNotFound, EmOperation.Login);
        }

        var model = await db.Config<PhoneModel>().AsNoTracking().FirstOrDefaultAsync(m => m.Name == phone.Model, ct);
        if (!phone.EnableExtensionMobility || model?.Supports(PhoneFeature.ExtensionMobility) == false)
        {
            trace.Step(attempt.Context, "device", $"{device}: Extension Mobility is not enabled");

            // Opening the service on such a phone is 22; finding the flag off when the user submits (it was switched
            // off after the form was shown) is the Hoteling flag error, 20 (decision 0006).
            if (attempt.Request.UserId is not null || attempt.Request.Pin is not null || attempt.Request.Token is not null)
            {
                var display = EmErrorCatalog.Get(EmServiceErrorCode.HotelingFlagError).PhoneDisplay(EmOperation.Login);
                return new Screen(EmAppScreens.Error(display), "20 (Hoteling flag error): " + display);
            }

            return Rejected(EmRejection.DeviceLogonDisabled, EmOperation.Login);
        }

        return null;
    }

    /// <summary>213 unless the phone may log in by EMCC (<see cref="Domain.Emcc.EmccRules.DeviceSupportsEmcc"/>).</summary>
    private static async Task<bool> DeviceSupportsEmccAsync(EmxDbContext db, string device, CancellationToken ct)
    {
        var name = await db.Config<Phone>().AsNoTracking().Where(p => p.Name == device).Select(p => p.CommonDeviceConfiguration).FirstOrDefaultAsync(ct);
        var common = name is null ? null : await db.Config<CommonDeviceConfiguration>().AsNoTracking().FirstOrDefaultAsync(c => c.Name == name, ct);
        return Domain.Emcc.EmccRules.DeviceSupportsEmcc(common);
    }

    /// <summary>The user a login form names, by user id, primary extension or self-service id; several matches are ambiguous (216).</summary>
    private static async Task<(EndUser? User, bool Ambiguous)> FindUserAsync(EmxDbContext db, EmLoginType loginType, string typed, ExtensionMobilityServiceParameters parameters, CancellationToken ct)
    {
        if (typed.Length > MaxUserIdLength || typed.Any(char.IsControl))
        {
            return (null, false);
        }

        var users = db.Config<EndUser>().AsNoTracking();
        switch (loginType)
        {
            case EmLoginType.Uid:
                return LoginRules.UserIdAllowed(typed, parameters)
                    ? (await users.FirstOrDefaultAsync(u => u.UserId == typed, ct), false)
                    : (null, false);
            default:
                var matches = await (loginType == EmLoginType.Dn ? users.Where(u => u.PrimaryExtension == typed) : users.Where(u => u.SelfServiceId == typed))
                    .OrderBy(u => u.UserId).Take(2).ToListAsync(ct);
                return (matches.Count == 1 ? matches[0] : null, matches.Count > 1);
        }
    }

    /// <summary>Runs the work under Maximum Concurrent Requests; beyond it the answer is 26.</summary>
    private async Task<Screen> ThrottledAsync(Attempt attempt, Func<Task<Screen>> work, CancellationToken ct)
    {
        Screen? screen = null;
        var outcome = await em.ThrottledAsync(attempt.Context, async () =>
        {
            if (InsideThrottle is { } hook)
            {
                await hook(ct);
            }

            screen = await work();
            return EmOutcome.Success;
        }, ct);
        return outcome.Rejection is { } rejection ? Rejected(rejection, attempt.Request.Operation) : screen!.Value;
    }

    /// <summary>
    /// The login form again with the code's display string. After 202 (nothing was checked) it keeps what the user
    /// typed; after 201 it is the same for every user id, so its bytes cannot tell which part was wrong.
    /// </summary>
    private static Screen Retry(Attempt attempt, EmLoginType loginType, ExtensionMobilityServiceParameters parameters, EmAppErrorCode code)
    {
        var typed = code == EmAppErrorCode.BlankUserIdOrPin ? attempt.Request.UserId : null;
        return new(EmAppScreens.Retry(attempt.Urls!, loginType, parameters.AlphanumericUserId, typed, code), $"{(int)code}: login form again");
    }

    /// <summary>The one mapping of a domain refusal to the phone: EMService code (EmErrorMapping), then the seed's display string.</summary>
    private static Screen Rejected(EmRejection rejection, EmOperation operation)
    {
        var code = EmErrorMapping.ToEmService(rejection, operation);
        var display = EmErrorCatalog.Get(code).PhoneDisplay(operation);
        return new Screen(EmAppScreens.Error(display), string.Create(CultureInfo.InvariantCulture, $"{(int)code} ({rejection}): {display}"));
    }

    /// <summary>An EMCC error code (seed Tables 8 and 9) with the seed's display string; unknown codes show as 0.</summary>
    private static Screen EmccError(int code, EmOperation operation)
    {
        var display = EmErrorCatalog.TryGet(code, out var definition)
            ? definition.PhoneDisplay(operation)
            : EmErrorCatalog.Get(EmServiceErrorCode.UnknownError).PhoneDisplay(operation);
        return new Screen(EmAppScreens.Error(display), string.Create(CultureInfo.InvariantCulture, $"{code} (EMCC): {display}"));
    }

    private static Screen AppError(EmAppErrorCode code, EmOperation operation)
    {
        var display = EmErrorCatalog.Get(code).PhoneDisplay(operation);
        return new Screen(EmAppScreens.Error(display), string.Create(CultureInfo.InvariantCulture, $"{(int)code}: {display}"));
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Error, Message = "EMApp could not read its service parameters from the database (210 Init Fail-Contact Admin)")]
    private static partial void LogInitFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2400, Level = LogLevel.Information, Message = "User {UserId} changed their PIN at Extension Mobility login")]
    private static partial void LogPinChanged(ILogger logger, string userId);

    private readonly record struct Screen(CiscoIpPhoneObject Object, string Summary);

    /// <summary>One request on its way: what the phone sent, who it is by now, and where the screens point.</summary>
    private sealed class Attempt(EmAppRequest request, EmRequestContext context)
    {
        public EmAppRequest Request { get; } = request;

        public EmRequestContext Context { get; set; } = context;

        public EmAppUrls? Urls { get; set; }
    }
}
