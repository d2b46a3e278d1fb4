using System.Globalization;
using Emx.Protocols.Errors;

namespace Emx.Protocols.EmApi;

/// <summary>
/// Writes EM API responses byte-exactly in CUCM's shapes (reference 1.4, 1.6): the declaration
/// <c>&lt;?xml version="1.0"?&gt;</c> and a newline, then <c>&lt;response&gt;</c>. Success is one element per line as
/// in the CUCM 12.0 trace; every other response is compact, as in Cisco's examples. No trailing newline. User ids
/// are percent-encoded (<see cref="EmUserId.Encode"/>); all text and attributes are XML-escaped.
/// </summary>
public static class EmApiResponseWriter
{
    /// <summary>The declaration every response starts with (CUAE expects it).</summary>
    public const string Declaration = "<?xml version=\"1.0\"?>\n";

    /// <summary>The MIME type to serve responses with.</summary>
    public const string ContentType = "text/xml";

    /// <summary><c>&lt;response&gt;&lt;success/&gt;&lt;/response&gt;</c> for a login, logout or logoutAll.</summary>
    /// <returns>The document.</returns>
    public static string Success() => Declaration + "<response>\n<success/>\n</response>";

    /// <summary><c>&lt;response&gt;&lt;failure&gt;&lt;error code="N"&gt;text&lt;/error&gt;&lt;/failure&gt;&lt;/response&gt;</c>.</summary>
    /// <param name="code">The EMService code.</param>
    /// <param name="text">The message, e.g. <c>Could not authenticate 'appid'</c>.</param>
    /// <returns>The document.</returns>
    public static string Failure(EmServiceErrorCode code, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var xml = Start();
        WriteFailure(xml, code, text);
        return End(xml);
    }

    /// <summary>A failure whose text is the catalogue's quick description of <paramref name="code"/>.</summary>
    /// <param name="code">The EMService code.</param>
    /// <returns>The document.</returns>
    public static string Failure(EmServiceErrorCode code) => Failure(code, EmErrorCatalog.Get(code).QuickDescription);

    /// <summary>The deviceUserQuery answer.</summary>
    /// <param name="devices">One result per queried device, in query order.</param>
    /// <returns>The document.</returns>
    public static string DeviceUserResults(IEnumerable<EmDeviceUserResult> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        var xml = Start().Open("deviceUserResults");
        foreach (var device in devices)
        {
            xml.Open("device", ("name", device.DeviceName));
            if (!device.Exists)
            {
                xml.Empty("doesNotExist");
            }
            else
            {
                UserIdOrNone(xml, "userID", device.CurrentUserId);
                UserIdOrNone(xml, "lastlogin", device.LastLoginUserId);
                xml.Leaf("emccDevice", device.IsEmccDevice ? "yes" : "no");
            }

            xml.Close("device");
        }

        return End(xml.Close("deviceUserResults"));
    }

    /// <summary>The userDevicesQuery answer.</summary>
    /// <param name="users">One result per queried user, in query order.</param>
    /// <returns>The document.</returns>
    public static string UserDevicesResults(IEnumerable<EmUserDevicesResult> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var xml = Start().Open("userDevicesResults");
        foreach (var user in users)
        {
            xml.Open("user", ("id", EmUserId.Encode(user.UserId)));
            if (!user.Exists)
            {
                xml.Empty("doesNotExist");
            }
            else if (user.DeviceNames.Count == 0)
            {
                xml.Empty("none");
            }
            else
            {
                foreach (var device in user.DeviceNames)
                {
                    xml.Leaf("deviceName", device);
                }
            }

            xml.Close("user");
        }

        return End(xml.Close("userDevicesResults"));
    }

    /// <summary>The deviceProfileQuery (or userDeviceProfileQuery) answer.</summary>
    /// <param name="users">One result per queried user, in query order.</param>
    /// <returns>The document.</returns>
    public static string DeviceProfileResults(IEnumerable<EmUserDeviceProfilesResult> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var xml = Start().Open("deviceProfileResults");
        foreach (var user in users)
        {
            xml.Open("user", ("id", EmUserId.Encode(user.UserId)));
            if (user.ErrorCode is { } code)
            {
                WriteFailure(xml, code, user.ErrorText ?? EmErrorCatalog.Get(code).QuickDescription);
            }
            else if (!user.Exists)
            {
                xml.Empty("doesNotExist");
            }
            else if (user.Profiles.Count == 0)
            {
                xml.Empty("none");
            }
            else
            {
                foreach (var profile in user.Profiles)
                {
                    xml.Open("deviceProfile")
                        .Leaf("deviceProfileName", profile.Name)
                        .Leaf("isDefaultDeviceProfile", profile.IsDefault ? "t" : "f")
                        .Close("deviceProfile");
                }
            }

            xml.Close("user");
        }

        return End(xml.Close("deviceProfileResults"));
    }

    /// <summary>The checkUser answer.</summary>
    /// <param name="users">One result per queried user, in query order.</param>
    /// <returns>The document.</returns>
    public static string CheckUserResults(IEnumerable<EmCheckUserResult> users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var xml = Start().Open("checkUserResults");
        foreach (var user in users)
        {
            var id = EmUserId.Encode(user.UserId);
            xml.Open("user", ("id", id));
            if (user.Exists)
            {
                xml.Leaf("exists", id);
            }
            else
            {
                xml.Empty("doesNotExist");
            }

            xml.Close("user");
        }

        return End(xml.Close("checkUserResults"));
    }

    private static XmlOut Start() => new XmlOut().Raw(Declaration).Raw("<response>");

    private static string End(XmlOut xml) => xml.Raw("</response>").ToString();

    private static void WriteFailure(XmlOut xml, EmServiceErrorCode code, string text) =>
        xml.Open("failure")
            .Leaf("error", text, ("code", ((int)code).ToString(CultureInfo.InvariantCulture)))
            .Close("failure");

    private static void UserIdOrNone(XmlOut xml, string name, string? userId)
    {
        if (string.IsNullOrEmpty(userId))
        {
            xml.Empty("none");
        }
        else
        {
            xml.Leaf(name, EmUserId.Encode(userId));
        }
    }
}
