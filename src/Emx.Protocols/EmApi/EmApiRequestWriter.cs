namespace Emx.Protocols.EmApi;

/// <summary>
/// Writes EM API requests the way well-behaved clients do (compact, no XML declaration, elements in DTD order,
/// user ids percent-encoded): for emx's own EMApp, the phone simulator, benchmarks and tests.
/// </summary>
public static class EmApiRequestWriter
{
    /// <summary>Writes the <c>&lt;request&gt;</c> or <c>&lt;query&gt;</c> document of <paramref name="request"/>.</summary>
    /// <param name="request">Any parsed or constructed request.</param>
    /// <returns>The XML text (not URL-encoded).</returns>
    public static string Write(EmApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var isQuery = request is EmApiDeviceUserQuery or EmApiUserDevicesQuery or EmApiDeviceProfileQuery or EmApiCheckUserQuery;
        var rootName = isQuery ? "query" : "request";
        var xml = new XmlOut().Open(rootName);
        xml.Open("appInfo")
            .Leaf("appID", request.AppInfo.AppId)
            .Leaf(request.AppInfo.IsEncrypted ? "appEncryptedCertificate" : "appCertificate", request.AppInfo.Certificate)
            .Close("appInfo");

        switch (request)
        {
            case EmApiLoginRequest login:
                xml.Open("login").Leaf("deviceName", login.DeviceName).Leaf("userID", EmUserId.Encode(login.UserId));
                xml.OptionalLeaf("deviceProfile", login.DeviceProfile);
                if (login.ExclusiveDuration is { } duration)
                {
                    xml.Open("exclusiveDuration");
                    if (duration.Minutes is { } minutes)
                    {
                        xml.Leaf("time", minutes.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        xml.Empty("indefinite");
                    }

                    xml.Close("exclusiveDuration");
                }

                Common(xml, request).Close("login");
                break;

            case EmApiLogoutRequest logout:
                Common(xml.Open("logout").Leaf("deviceName", logout.DeviceName), request).Close("logout");
                break;

            case EmApiLogoutAllRequest:
                Common(xml.Open("logoutAll"), request).Close("logoutAll");
                break;

            case EmApiDeviceUserQuery deviceUser:
                xml.Open("deviceUserQuery");
                foreach (var name in deviceUser.DeviceNames)
                {
                    xml.Leaf("deviceName", name);
                }

                Common(xml, request).Close("deviceUserQuery");
                break;

            case EmApiUserDevicesQuery userDevices:
                UserQuery(xml, "userDevicesQuery", userDevices.UserIds, request);
                break;

            case EmApiDeviceProfileQuery profiles:
                UserQuery(xml, "deviceProfileQuery", profiles.UserIds, request);
                break;

            case EmApiCheckUserQuery check:
                UserQuery(xml, "checkUser", check.UserIds, request);
                break;

            default:
                throw new ArgumentException($"Unknown request type {request.GetType().Name}.", nameof(request));
        }

        return xml.Close(rootName).ToString();
    }

    private static void UserQuery(XmlOut xml, string name, ValueList<string> userIds, EmApiRequest request)
    {
        xml.Open(name);
        foreach (var id in userIds)
        {
            xml.Leaf("userID", EmUserId.Encode(id));
        }

        Common(xml, request).Close(name);
    }

    private static XmlOut Common(XmlOut xml, EmApiRequest request) => xml
        .OptionalLeaf("remoteIPAddr", request.RemoteIpAddress)
        .OptionalLeaf("isViaHeaderSet", request.IsViaHeaderSet is { } via ? (via ? "true" : "false") : null);
}
