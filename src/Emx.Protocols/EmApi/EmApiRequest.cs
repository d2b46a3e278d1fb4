using System.Text;

namespace Emx.Protocols.EmApi;

/// <summary>
/// The <c>&lt;appInfo&gt;</c> credentials of an EM API request (reference 1.2): the application user id and either
/// its password (<c>appCertificate</c>) or an encrypted certificate (<c>appEncryptedCertificate</c>, used by EMApp).
/// <see cref="object.ToString"/> never prints the certificate.
/// </summary>
public sealed record EmAppInfo
{
    /// <summary>The <c>appID</c>: a CUCM application or end user id.</summary>
    public required string AppId { get; init; }

    /// <summary>The <c>appCertificate</c> (password) or <c>appEncryptedCertificate</c> value, untrimmed.</summary>
    public required string Certificate { get; init; }

    /// <summary>True when the credential came as <c>appEncryptedCertificate</c>.</summary>
    public bool IsEncrypted { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("AppId = ").Append(AppId).Append(", Certificate = ***, IsEncrypted = ").Append(IsEncrypted);
        return true;
    }
}

/// <summary>How long a login lasts (<c>&lt;exclusiveDuration&gt;</c>): a number of minutes, or indefinite.</summary>
public sealed record ExclusiveDuration
{
    /// <summary>Indefinite: <c>&lt;indefinite/&gt;</c>.</summary>
    public static ExclusiveDuration Indefinite { get; } = new();

    /// <summary>The <c>&lt;time&gt;</c> value in minutes; null means indefinite.</summary>
    public int? Minutes { get; init; }

    /// <summary>True for <c>&lt;indefinite/&gt;</c>.</summary>
    public bool IsIndefinite => Minutes is null;

    /// <summary>A duration of <paramref name="minutes"/> minutes (<c>&lt;time&gt;N&lt;/time&gt;</c>).</summary>
    /// <param name="minutes">Zero or more minutes.</param>
    /// <returns>The duration.</returns>
    public static ExclusiveDuration FromMinutes(int minutes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minutes);
        return new ExclusiveDuration { Minutes = minutes };
    }
}

/// <summary>
/// A parsed EM API message: the root <c>&lt;request&gt;</c> (login, logout, logoutAll) or <c>&lt;query&gt;</c>
/// (deviceUserQuery, userDevicesQuery, deviceProfileQuery, checkUser). User ids are already percent-decoded.
/// </summary>
public abstract record EmApiRequest
{
    /// <summary>The caller's credentials.</summary>
    public required EmAppInfo AppInfo { get; init; }

    /// <summary><c>remoteIPAddr</c>: the phone's address, set by EMApp; null when absent.</summary>
    public string? RemoteIpAddress { get; init; }

    /// <summary>
    /// <c>isViaHeaderSet</c>: whether the phone's HTTP request carried a <c>Via</c> header; null when absent.
    /// Parsed like Java's <c>Boolean.parseBoolean</c>: "true" in any case is true, anything else false.
    /// </summary>
    public bool? IsViaHeaderSet { get; init; }
}

/// <summary><c>&lt;request&gt;&lt;login&gt;</c>: log <see cref="UserId"/> in on <see cref="DeviceName"/>.</summary>
public sealed record EmApiLoginRequest : EmApiRequest
{
    /// <summary><c>deviceName</c>, as sent (any string; unknown devices are a business error, not a parse error).</summary>
    public required string DeviceName { get; init; }

    /// <summary><c>userID</c>, percent-decoded.</summary>
    public required string UserId { get; init; }

    /// <summary><c>deviceProfile</c>; null means the user's default device profile.</summary>
    public string? DeviceProfile { get; init; }

    /// <summary><c>exclusiveDuration</c>; null when absent (the service's maximum login time applies).</summary>
    public ExclusiveDuration? ExclusiveDuration { get; init; }
}

/// <summary><c>&lt;request&gt;&lt;logout&gt;</c>: log out whoever is on <see cref="DeviceName"/>.</summary>
public sealed record EmApiLogoutRequest : EmApiRequest
{
    /// <summary><c>deviceName</c>, as sent.</summary>
    public required string DeviceName { get; init; }
}

/// <summary><c>&lt;request&gt;&lt;logoutAll&gt;</c>: log out every EM user.</summary>
public sealed record EmApiLogoutAllRequest : EmApiRequest;

/// <summary><c>&lt;query&gt;&lt;deviceUserQuery&gt;</c>: who is logged in on these devices.</summary>
public sealed record EmApiDeviceUserQuery : EmApiRequest
{
    /// <summary>One or more <c>deviceName</c> values, in document order.</summary>
    public required ValueList<string> DeviceNames { get; init; }
}

/// <summary><c>&lt;query&gt;&lt;userDevicesQuery&gt;</c>: where these users are logged in.</summary>
public sealed record EmApiUserDevicesQuery : EmApiRequest
{
    /// <summary>One or more <c>userID</c> values (percent-decoded), in document order.</summary>
    public required ValueList<string> UserIds { get; init; }
}

/// <summary>
/// <c>&lt;query&gt;&lt;deviceProfileQuery&gt;</c> (also accepted under the DevNet spelling
/// <c>userDeviceProfileQuery</c>): the device profiles associated with these users.
/// </summary>
public sealed record EmApiDeviceProfileQuery : EmApiRequest
{
    /// <summary>One or more <c>userID</c> values (percent-decoded), in document order.</summary>
    public required ValueList<string> UserIds { get; init; }
}

/// <summary><c>&lt;query&gt;&lt;checkUser&gt;</c>: whether these users exist in this cluster.</summary>
public sealed record EmApiCheckUserQuery : EmApiRequest
{
    /// <summary>One or more <c>userID</c> values (percent-decoded), in document order.</summary>
    public required ValueList<string> UserIds { get; init; }
}
