using Emx.Domain.Configuration;
using Emx.Domain.Runtime;

namespace Emx.Domain.ExtensionMobility;

/// <summary>Why an Extension Mobility request is refused, in the domain's words; each edge maps it to its protocol once.</summary>
public enum EmRejection
{
    /// <summary>No such phone (EMService 11).</summary>
    DeviceNotFound,

    /// <summary>Enable Extension Mobility is unchecked on the phone, or its model has no EM (EMService 22 at login, 5 at logout).</summary>
    DeviceLogonDisabled,

    /// <summary>No such user, or a non-numeric id while Alphanumeric User ID is false (EMService 23).</summary>
    UserNotFound,

    /// <summary>The user has no usable device profile, or asked for one they do not control (EMService 12).</summary>
    ProfileNotFound,

    /// <summary>Someone else is logged in on the phone (EMService 18).</summary>
    DeviceInUse,

    /// <summary>Multiple Login Behavior is Not Allowed and the user is logged in on another phone (EMService 25).</summary>
    UserLoggedInElsewhere,

    /// <summary>Logout of a phone nobody is logged in on (EMService 19).</summary>
    NoUserLoggedIn,

    /// <summary>Too many concurrent requests (EMService 26).</summary>
    Busy,

    /// <summary>Validate IP Address is on and the source is not trusted (EMService 28).</summary>
    UntrustedSource,

    /// <summary>The request came through a proxy and Allow Proxy is off (EMService 30).</summary>
    ProxyNotAllowed,

    /// <summary>The acting account may not act for this user (EMService 10).</summary>
    LacksProxyRights,

    /// <summary>Wrong credentials for the acting account (EMService 3), or a wrong PIN (EMApp 201).</summary>
    AuthenticationFailed,

    /// <summary>The user must change the PIN before logging in (EMService 41).</summary>
    PinChangeRequired,

    /// <summary>The user has no PIN to check, or the directory record cannot be read (EMService 9).</summary>
    UserInfoUnavailable,

    /// <summary>Reading the state needed to decide failed (EMService 4).</summary>
    PolicyValidationFailed,

    /// <summary>Writing the change failed (EMService 6).</summary>
    DatabaseError,

    /// <summary>The device's current login state could not be read (EMService 21).</summary>
    StatusUnavailable,
}

/// <summary>What the Multiple Login Behavior lets a login do about the user's other phones.</summary>
public sealed record LoginDecision
{
    /// <summary>The refusal, or null when the login may proceed.</summary>
    public EmRejection? Rejection { get; init; }

    /// <summary>The device profile to load.</summary>
    public string? Profile { get; init; }

    /// <summary>How long the login lasts; null means until logout.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Phones the user is logged in on that must be logged out first (Auto Logout).</summary>
    public IReadOnlyList<string> AutoLogoutDevices { get; init; } = [];

    /// <summary>A refusal.</summary>
    public static LoginDecision Reject(EmRejection rejection) => new() { Rejection = rejection };
}

/// <summary>Everything a login decision depends on, read in one consistent view.</summary>
public sealed record LoginFacts
{
    public required string DeviceName { get; init; }

    public required string UserId { get; init; }

    /// <summary>The profile the request names, or null for the user's default.</summary>
    public string? RequestedProfile { get; init; }

    /// <summary>The duration the request asks for: null = the policy default, <see cref="Timeout.InfiniteTimeSpan"/> = indefinite.</summary>
    public TimeSpan? RequestedDuration { get; init; }

    public Phone? Phone { get; init; }

    public PhoneModel? Model { get; init; }

    public EndUser? User { get; init; }

    /// <summary>The phone's EM state (null: never had a login).</summary>
    public ExtensionMobilityDynamic? DeviceState { get; init; }

    /// <summary>Phones (other than this one) the user is logged in on now.</summary>
    public IReadOnlyList<string> UserDevices { get; init; } = [];

    /// <summary>Names of the device profiles that exist among the user's controlled profiles.</summary>
    public IReadOnlySet<string> ExistingProfiles { get; init; } = new HashSet<string>();

    public required ExtensionMobilityServiceParameters Parameters { get; init; }
}

/// <summary>
/// The Extension Mobility login and logout rules (seed table 9 and the Cisco Extension Mobility service parameters),
/// as pure functions. EM, EMCC and Roaming logins all pass through here.
/// </summary>
public static class LoginRules
{
    /// <summary>Decides a login, checking in Cisco's order: device, device EM, user, profile, phone busy, multiple logins.</summary>
    public static LoginDecision DecideLogin(LoginFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.Phone is null)
        {
            return LoginDecision.Reject(EmRejection.DeviceNotFound);
        }

        if (!facts.Phone.EnableExtensionMobility || facts.Model?.Supports(PhoneFeature.ExtensionMobility) == false)
        {
            return LoginDecision.Reject(EmRejection.DeviceLogonDisabled);
        }

        if (facts.User is null || !UserIdAllowed(facts.UserId, facts.Parameters))
        {
            return LoginDecision.Reject(EmRejection.UserNotFound);
        }

        var profile = facts.RequestedProfile ?? facts.User.EffectiveDefaultProfile;
        if (profile is null || !facts.User.ControlledProfiles.Contains(profile) || !facts.ExistingProfiles.Contains(profile))
        {
            return LoginDecision.Reject(EmRejection.ProfileNotFound);
        }

        if (facts.DeviceState is { IsLoggedIn: true })
        {
            return LoginDecision.Reject(EmRejection.DeviceInUse);
        }

        var others = facts.UserDevices.Where(d => d != facts.DeviceName).ToList();
        var autoLogout = Array.Empty<string>() as IReadOnlyList<string>;
        if (others.Count > 0)
        {
            switch (facts.Parameters.MultipleLoginBehavior)
            {
                case MultipleLoginBehavior.NotAllowed:
                    return LoginDecision.Reject(EmRejection.UserLoggedInElsewhere);
                case MultipleLoginBehavior.AutoLogout:
                    autoLogout = others;
                    break;
            }
        }

        return new LoginDecision
        {
            Profile = profile,
            Duration = LoginDuration(facts.RequestedDuration, facts.User, facts.Parameters),
            AutoLogoutDevices = autoLogout,
        };
    }

    /// <summary>
    /// The login duration: an explicit exclusiveDuration wins; otherwise the Intra-cluster Maximum Login Time when it
    /// is enforced (a user's own maximum overrides it); and an enforced maximum caps any explicit value. 0:00 means no
    /// maximum.
    /// </summary>
    public static TimeSpan? LoginDuration(TimeSpan? requested, EndUser user, ExtensionMobilityServiceParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(parameters);
        TimeSpan? maximum = null;
        if (parameters.EnforceIntraClusterMaximumLoginTime)
        {
            var text = user.MaximumLoginTime ?? parameters.IntraClusterMaximumLoginTime;
            if (LoginTime.TryParse(text, out var max) && max > TimeSpan.Zero)
            {
                maximum = max;
            }
        }

        TimeSpan? duration = requested == Timeout.InfiniteTimeSpan ? null : requested ?? maximum;
        if (maximum is { } cap && (duration is null || duration > cap))
        {
            duration = cap;
        }

        return duration;
    }

    /// <summary>Decides a logout of a phone.</summary>
    public static EmRejection? DecideLogout(Phone? phone, ExtensionMobilityDynamic? state)
    {
        if (phone is null)
        {
            return EmRejection.DeviceNotFound;
        }

        if (!phone.EnableExtensionMobility)
        {
            return EmRejection.DeviceLogonDisabled;
        }

        return state is { IsLoggedIn: true } ? null : EmRejection.NoUserLoggedIn;
    }

    /// <summary>Alphanumeric User ID = False admits numeric user ids only.</summary>
    public static bool UserIdAllowed(string userId, ExtensionMobilityServiceParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters.AlphanumericUserId || (userId.Length > 0 && userId.All(char.IsAsciiDigit));
    }

    /// <summary>
    /// Validate IP Address / Trusted List of IPs / Allow Proxy (reference section 6): with validation on, the source must
    /// be in the trusted list, a node of this cluster, or a registered phone; a request that came through a proxy is
    /// refused unless Allow Proxy is on.
    /// </summary>
    public static EmRejection? CheckSource(string? sourceAddress, bool viaProxy, ExtensionMobilityServiceParameters parameters, Func<string, bool> isKnownHost)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(isKnownHost);
        if (!parameters.ValidateIpAddress)
        {
            return null;
        }

        if (viaProxy && !parameters.AllowProxy)
        {
            return EmRejection.ProxyNotAllowed;
        }

        if (sourceAddress is null)
        {
            return EmRejection.UntrustedSource;
        }

        var trusted = parameters.TrustedIps.Contains(sourceAddress, StringComparer.OrdinalIgnoreCase) || isKnownHost(sourceAddress);
        return trusted ? null : EmRejection.UntrustedSource;
    }
}
