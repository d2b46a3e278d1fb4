using Emx.Protocols.Errors;

namespace Emx.Protocols.EmApi;

/// <summary>
/// One <c>&lt;device&gt;</c> of a deviceUserQuery answer (reference 1.6 a). Written as, in this exact order,
/// <c>userID</c> or <c>&lt;none/&gt;</c>, <c>lastlogin</c> or <c>&lt;none/&gt;</c>, <c>emccDevice</c> yes/no;
/// or <c>&lt;doesNotExist/&gt;</c> alone for an unknown device.
/// </summary>
public sealed record EmDeviceUserResult
{
    /// <summary>The device name as queried.</summary>
    public required string DeviceName { get; init; }

    /// <summary>False for an unknown device (<c>&lt;doesNotExist/&gt;</c>); the other members are then ignored.</summary>
    public bool Exists { get; init; } = true;

    /// <summary>The user logged in now; null writes <c>&lt;none/&gt;</c>.</summary>
    public string? CurrentUserId { get; init; }

    /// <summary>The last user who logged in; null writes <c>&lt;none/&gt;</c>.</summary>
    public string? LastLoginUserId { get; init; }

    /// <summary>Whether the device is used by an EMCC login (<c>emccDevice</c> yes/no).</summary>
    public bool IsEmccDevice { get; init; }

    /// <summary>An unknown device.</summary>
    /// <param name="deviceName">The device name as queried.</param>
    /// <returns>The result.</returns>
    public static EmDeviceUserResult NotFound(string deviceName) => new() { DeviceName = deviceName, Exists = false };
}

/// <summary>
/// One <c>&lt;user&gt;</c> of a userDevicesQuery answer (reference 1.6 b): <c>deviceName</c>+ when logged in
/// somewhere, <c>&lt;none/&gt;</c> when logged in nowhere, <c>&lt;doesNotExist/&gt;</c> for an unknown user.
/// </summary>
public sealed record EmUserDevicesResult
{
    /// <summary>The user id (percent-encoded when written).</summary>
    public required string UserId { get; init; }

    /// <summary>False for an unknown user.</summary>
    public bool Exists { get; init; } = true;

    /// <summary>Devices the user is logged in on; empty writes <c>&lt;none/&gt;</c>.</summary>
    public ValueList<string> DeviceNames { get; init; } = [];

    /// <summary>An unknown user.</summary>
    /// <param name="userId">The user id as queried.</param>
    /// <returns>The result.</returns>
    public static EmUserDevicesResult NotFound(string userId) => new() { UserId = userId, Exists = false };
}

/// <summary>A device profile of a deviceProfileQuery answer.</summary>
public sealed record EmDeviceProfileEntry
{
    /// <summary><c>deviceProfileName</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>isDefaultDeviceProfile</c>, written with Informix booleans <c>t</c>/<c>f</c>.</summary>
    public bool IsDefault { get; init; }
}

/// <summary>
/// One <c>&lt;user&gt;</c> of a deviceProfileQuery answer (reference 1.6 c). Our choices where the reference is
/// silent: a user without profiles gets <c>&lt;none/&gt;</c>, an unknown user <c>&lt;doesNotExist/&gt;</c>, and a
/// per-user error <c>&lt;failure&gt;&lt;error code="N"&gt;</c> (the path a third-party client reads).
/// </summary>
public sealed record EmUserDeviceProfilesResult
{
    /// <summary>The user id (percent-encoded when written).</summary>
    public required string UserId { get; init; }

    /// <summary>False for an unknown user.</summary>
    public bool Exists { get; init; } = true;

    /// <summary>The user's device profiles in the order to write them.</summary>
    public ValueList<EmDeviceProfileEntry> Profiles { get; init; } = [];

    /// <summary>A per-user error; when set it is written instead of profiles.</summary>
    public EmServiceErrorCode? ErrorCode { get; init; }

    /// <summary>Text of <see cref="ErrorCode"/>; the catalogue's quick description when null.</summary>
    public string? ErrorText { get; init; }

    /// <summary>An unknown user.</summary>
    /// <param name="userId">The user id as queried.</param>
    /// <returns>The result.</returns>
    public static EmUserDeviceProfilesResult NotFound(string userId) => new() { UserId = userId, Exists = false };
}

/// <summary>
/// One <c>&lt;user&gt;</c> of a checkUser answer (reference 1.6 d): <c>&lt;exists&gt;id&lt;/exists&gt;</c>, or (our
/// choice, the reference shows only the positive form) <c>&lt;doesNotExist/&gt;</c>.
/// </summary>
public sealed record EmCheckUserResult
{
    /// <summary>The user id (percent-encoded when written).</summary>
    public required string UserId { get; init; }

    /// <summary>Whether the user exists in this cluster.</summary>
    public required bool Exists { get; init; }
}
