using System.Globalization;
using System.Xml.Linq;
using Emx.Protocols.Errors;

namespace Emx.Protocols.EmApi;

/// <summary>
/// Parses EM API documents (reference 1.3 and 1.5) strictly but tolerantly: no XML declaration needed, a DOCTYPE
/// is tolerated (never processed), whitespace between elements is fine, child order is free, unknown children
/// (such as CUCM 12's <c>&lt;loginType&gt;</c>) are ignored, <c>&lt;indefinite/&gt;</c> and
/// <c>&lt;indefinite&gt;&lt;/indefinite&gt;</c> are the same. Identifiers are trimmed; the certificate is not.
/// A missing or duplicated required element, or text where elements belong, is error 1; a query without a known
/// query element is error 8.
/// </summary>
public static class EmApiRequestParser
{
    /// <summary>Parses the XML text of an EM API request or query.</summary>
    /// <param name="xml">The document (see <see cref="EmApiXmlParameter"/> for getting it out of an HTTP request).</param>
    /// <param name="options">XML limits; <see cref="SafeXmlOptions.Default"/> when null.</param>
    /// <returns>The request, or the error code to answer.</returns>
    public static EmApiParseResult Parse(string xml, SafeXmlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var document = SafeXml.Parse(xml, options);
        if (!document.IsSuccess)
        {
            return EmApiParseResult.Fail(
                EmServiceErrorCode.ErrorOnParsing,
                "The request is not acceptable XML: " + document.Failure.Message,
                document.Failure);
        }

        var root = document.Root;
        return root.Name.LocalName switch
        {
            "request" => ParseRequest(root),
            "query" => ParseQuery(root),
            _ => ParseError($"The root element must be <request> or <query>, not <{root.Name.LocalName}>."),
        };
    }

    private static EmApiParseResult ParseError(string message) =>
        EmApiParseResult.Fail(EmServiceErrorCode.ErrorOnParsing, message);

    private static EmApiParseResult ParseRequest(XElement root)
    {
        if (XmlRead.HasStrayText(root))
        {
            return ParseError("<request> contains text outside its elements.");
        }

        if (!TryParseAppInfo(root, out var appInfo, out var error))
        {
            return ParseError(error);
        }

        var operations = root.Elements()
            .Where(e => e.Name.LocalName is "login" or "logout" or "logoutAll")
            .ToList();
        if (operations.Count != 1)
        {
            return ParseError(operations.Count == 0
                ? "<request> must contain <login>, <logout> or <logoutAll>."
                : "<request> must contain exactly one of <login>, <logout>, <logoutAll>.");
        }

        var operation = operations[0];
        if (XmlRead.HasStrayText(operation))
        {
            return ParseError($"<{operation.Name.LocalName}> contains text outside its elements.");
        }

        if (!TryParseCommon(operation, out var remoteIp, out var isVia, out error))
        {
            return ParseError(error);
        }

        switch (operation.Name.LocalName)
        {
            case "login":
                if (!XmlRead.TryGetRequiredLeaf(operation, "deviceName", out var loginDevice, out error)
                    || !XmlRead.TryGetRequiredLeaf(operation, "userID", out var userId, out error)
                    || !XmlRead.TryGetOptionalLeaf(operation, "deviceProfile", out var profile, out error)
                    || !TryParseExclusiveDuration(operation, out var duration, out error))
                {
                    return ParseError(error!);
                }

                return EmApiParseResult.Success(new EmApiLoginRequest
                {
                    AppInfo = appInfo,
                    DeviceName = loginDevice.Trim(),
                    UserId = EmUserId.Decode(userId.Trim()),
                    DeviceProfile = profile?.Trim(),
                    ExclusiveDuration = duration,
                    RemoteIpAddress = remoteIp,
                    IsViaHeaderSet = isVia,
                });

            case "logout":
                if (!XmlRead.TryGetRequiredLeaf(operation, "deviceName", out var logoutDevice, out error))
                {
                    return ParseError(error!);
                }

                return EmApiParseResult.Success(new EmApiLogoutRequest
                {
                    AppInfo = appInfo,
                    DeviceName = logoutDevice.Trim(),
                    RemoteIpAddress = remoteIp,
                    IsViaHeaderSet = isVia,
                });

            default:
                return EmApiParseResult.Success(new EmApiLogoutAllRequest
                {
                    AppInfo = appInfo,
                    RemoteIpAddress = remoteIp,
                    IsViaHeaderSet = isVia,
                });
        }
    }

    private static EmApiParseResult ParseQuery(XElement root)
    {
        if (XmlRead.HasStrayText(root))
        {
            return ParseError("<query> contains text outside its elements.");
        }

        if (!TryParseAppInfo(root, out var appInfo, out var error))
        {
            return ParseError(error);
        }

        var queries = root.Elements()
            .Where(e => e.Name.LocalName is "deviceUserQuery" or "userDevicesQuery" or "deviceProfileQuery"
                or "userDeviceProfileQuery" or "checkUser")
            .ToList();
        if (queries.Count == 0)
        {
            var other = root.Elements().FirstOrDefault(e => e.Name.LocalName != "appInfo");
            return EmApiParseResult.Fail(
                EmServiceErrorCode.QueryTypeUndetermined,
                other is null
                    ? "<query> contains no query element."
                    : $"<{other.Name.LocalName}> is not a known query type.");
        }

        if (queries.Count > 1)
        {
            return ParseError("<query> must contain exactly one query element.");
        }

        var query = queries[0];
        if (XmlRead.HasStrayText(query))
        {
            return ParseError($"<{query.Name.LocalName}> contains text outside its elements.");
        }

        if (!TryParseCommon(query, out var remoteIp, out var isVia, out error))
        {
            return ParseError(error);
        }

        if (query.Name.LocalName == "deviceUserQuery")
        {
            if (!TryGetRepeatedLeaf(query, "deviceName", decodeUserId: false, out var deviceNames, out error))
            {
                return ParseError(error);
            }

            return EmApiParseResult.Success(new EmApiDeviceUserQuery
            {
                AppInfo = appInfo,
                DeviceNames = deviceNames,
                RemoteIpAddress = remoteIp,
                IsViaHeaderSet = isVia,
            });
        }

        if (!TryGetRepeatedLeaf(query, "userID", decodeUserId: true, out var userIds, out error))
        {
            return ParseError(error);
        }

        EmApiRequest request = query.Name.LocalName switch
        {
            "userDevicesQuery" => new EmApiUserDevicesQuery { AppInfo = appInfo, UserIds = userIds },
            "checkUser" => new EmApiCheckUserQuery { AppInfo = appInfo, UserIds = userIds },
            _ => new EmApiDeviceProfileQuery { AppInfo = appInfo, UserIds = userIds },
        };
        return EmApiParseResult.Success(request with { RemoteIpAddress = remoteIp, IsViaHeaderSet = isVia });
    }

    private static bool TryParseAppInfo(XElement root, out EmAppInfo appInfo, out string error)
    {
        appInfo = null!;
        if (!XmlRead.TryGetOptionalElement(root, "appInfo", out var element, out var lookupError))
        {
            error = lookupError!;
            return false;
        }

        if (element is null)
        {
            error = $"<{root.Name.LocalName}> is missing <appInfo>.";
            return false;
        }

        if (XmlRead.HasStrayText(element))
        {
            error = "<appInfo> contains text outside its elements.";
            return false;
        }

        if (!XmlRead.TryGetRequiredLeaf(element, "appID", out var appId, out lookupError)
            || !XmlRead.TryGetOptionalLeaf(element, "appCertificate", out var certificate, out lookupError)
            || !XmlRead.TryGetOptionalLeaf(element, "appEncryptedCertificate", out var encrypted, out lookupError))
        {
            error = lookupError!;
            return false;
        }

        if ((certificate is null) == (encrypted is null))
        {
            error = "<appInfo> must contain exactly one of <appCertificate>, <appEncryptedCertificate>.";
            return false;
        }

        appInfo = new EmAppInfo
        {
            AppId = appId.Trim(),
            Certificate = certificate ?? encrypted!,
            IsEncrypted = encrypted is not null,
        };
        error = string.Empty;
        return true;
    }

    private static bool TryParseCommon(XElement operation, out string? remoteIp, out bool? isVia, out string error)
    {
        isVia = null;
        if (!XmlRead.TryGetOptionalLeaf(operation, "remoteIPAddr", out remoteIp, out var lookupError)
            || !XmlRead.TryGetOptionalLeaf(operation, "isViaHeaderSet", out var via, out lookupError))
        {
            error = lookupError!;
            return false;
        }

        remoteIp = remoteIp?.Trim();
        if (via is not null)
        {
            // Java's Boolean.parseBoolean: only "true" (any case) is true.
            isVia = string.Equals(via.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        }

        error = string.Empty;
        return true;
    }

    private static bool TryParseExclusiveDuration(XElement login, out ExclusiveDuration? duration, out string? error)
    {
        duration = null;
        if (!XmlRead.TryGetOptionalElement(login, "exclusiveDuration", out var element, out error))
        {
            return false;
        }

        if (element is null)
        {
            return true;
        }

        if (XmlRead.HasStrayText(element))
        {
            error = "<exclusiveDuration> must contain <time> or <indefinite>.";
            return false;
        }

        if (!XmlRead.TryGetOptionalLeaf(element, "time", out var time, out error)
            || !XmlRead.TryGetOptionalElement(element, "indefinite", out var indefinite, out error))
        {
            return false;
        }

        if ((time is null) == (indefinite is null))
        {
            error = "<exclusiveDuration> must contain exactly one of <time>, <indefinite>.";
            return false;
        }

        if (indefinite is not null)
        {
            if (indefinite.HasElements || !string.IsNullOrWhiteSpace(indefinite.Value))
            {
                error = "<indefinite> must be empty.";
                return false;
            }

            duration = ExclusiveDuration.Indefinite;
            return true;
        }

        if (!int.TryParse(time!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
        {
            error = "<time> must be a whole number of minutes.";
            return false;
        }

        duration = ExclusiveDuration.FromMinutes(minutes);
        return true;
    }

    private static bool TryGetRepeatedLeaf(
        XElement parent, string localName, bool decodeUserId, out ValueList<string> values, out string error)
    {
        var list = new List<string>();
        foreach (var child in XmlRead.Children(parent, localName))
        {
            var text = XmlRead.LeafText(child);
            if (text is null)
            {
                values = [];
                error = $"<{localName}> must contain text only.";
                return false;
            }

            text = text.Trim();
            list.Add(decodeUserId ? EmUserId.Decode(text) : text);
        }

        if (list.Count == 0)
        {
            values = [];
            error = $"<{parent.Name.LocalName}> must contain at least one <{localName}>.";
            return false;
        }

        values = ValueList.From(list);
        error = string.Empty;
        return true;
    }
}
