using System.Globalization;
using System.Xml.Linq;
using Emx.Protocols;

namespace Emx.Protocols.Emcc;

/// <summary>The EMService-to-EMService request types between clusters (reference 3.2: check user, home login, logout, remote cluster update).</summary>
public enum EmccRequestType
{
    /// <summary>Visiting asks a remote cluster whether a user is at home there ("EMCC Check User Request").</summary>
    CheckUser,

    /// <summary>Visiting asks the home cluster to log the user in on a visiting phone ("EMCC Home Cluster Login Request").</summary>
    HomeLogin,

    /// <summary>Either side ends an EMCC login: visiting asks home to log out, or home tells visiting the user logged out.</summary>
    Logout,

    /// <summary>Remote cluster update ("getRemoteClusterInfo"): version, security mode, activated services.</summary>
    ClusterInfo,
}

/// <summary>The cluster that sends a request or answers one.</summary>
/// <param name="Id">Cluster ID (enterprise parameter).</param>
/// <param name="Version">Product version, e.g. <c>15.0</c>.</param>
/// <param name="SecurityMode">mixed or nonSecure.</param>
public sealed record EmccClusterInfo(string Id, string Version, string SecurityMode);

/// <summary>The visiting phone as the visiting cluster describes it to the home cluster (reference 3.2, blog S18).</summary>
public sealed record EmccDeviceInfo
{
    /// <summary>The device name (SEP + MAC).</summary>
    public required string Name { get; init; }

    /// <summary>The phone model (product type).</summary>
    public required string Model { get; init; }

    /// <summary>SIP or SCCP.</summary>
    public string Protocol { get; init; } = "SIP";

    /// <summary>True when the phone's security profile is encrypted or authenticated.</summary>
    public bool Secure { get; init; }

    /// <summary>The phone's geolocation by RFC 4776 field name (country, a1..a6, prd...), for the home cluster's geolocation filter.</summary>
    public IReadOnlyDictionary<string, string> Geolocation { get; init; } = new Dictionary<string, string>();
}

/// <summary>One inter-cluster request.</summary>
public sealed record EmccRequest
{
    /// <summary>The protocol version this implementation writes.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The request type.</summary>
    public required EmccRequestType Type { get; init; }

    /// <summary>The sending cluster.</summary>
    public required EmccClusterInfo From { get; init; }

    /// <summary>
    /// The sender's request number (its EMService/EMApp trace), so the answering cluster's trace can name it, as CUCM's
    /// does ("2 : 3 : ClusterOne"). Null when not given; only positive numbers are written or read.
    /// </summary>
    public long? RequestNumber { get; init; }

    /// <summary>The user id (check user, home login, logout).</summary>
    public string? UserId { get; init; }

    /// <summary>The PIN (check user, home login). Never logged.</summary>
    public string? Pin { get; init; }

    /// <summary>
    /// The login token the home cluster's check user answer gave (home login): the home cluster verified the PIN then,
    /// and accepts the token once, instead of verifying the PIN again. Never logged. Null when there is none.
    /// </summary>
    public string? LoginToken { get; init; }

    /// <summary>The chosen device profile (home login), or null for the user's default.</summary>
    public string? Profile { get; init; }

    /// <summary>The visiting phone (home login, logout).</summary>
    public EmccDeviceInfo? Device { get; init; }

    /// <summary>What ended the login, for traces (logout).</summary>
    public string? Reason { get; init; }

    /// <summary>The request without its secrets (PIN, login token), for traces and failure messages.</summary>
    public override string ToString() =>
        $"EmccRequest {{ Type = {Type}, From = {From.Id}, RequestNumber = {RequestNumber}, UserId = {UserId}, Pin = {(Pin is null ? "none" : "(given)")}, LoginToken = {(LoginToken is null ? "none" : "(given)")}, Device = {Device?.Name} }}";
}

/// <summary>A successful check user: the user exists at the answering cluster, with these device profiles.</summary>
/// <param name="UserId">The user id asked about.</param>
/// <param name="Exists">Whether the user is at home in the answering cluster.</param>
/// <param name="Profiles">The user's device profiles, the default first.</param>
/// <param name="LoginToken">
/// When the answering cluster verified the PIN for a named device: a short-lived, single-use token the home login
/// presents instead of the PIN being verified again (docs/emcc-protocol.md). Never logged.
/// </param>
public sealed record EmccCheckUserResult(string UserId, bool Exists, IReadOnlyList<string> Profiles, string? LoginToken = null)
{
    /// <summary>The result without the login token.</summary>
    public override string ToString() =>
        $"EmccCheckUserResult {{ UserId = {UserId}, Exists = {Exists}, Profiles = {string.Join(", ", Profiles)}, LoginToken = {(LoginToken is null ? "none" : "(given)")} }}";
}

/// <summary>The login token's wire form: base64url characters only, of a bounded length; anything else is ignored.</summary>
public static class EmccLoginToken
{
    /// <summary>The shortest token accepted (96 bits of base64url).</summary>
    public const int MinLength = 16;

    /// <summary>The longest token accepted.</summary>
    public const int MaxLength = 128;

    /// <summary>Whether <paramref name="token"/> has the token's form (length and alphabet); says nothing about its validity.</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: >= MinLength and <= MaxLength } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}

/// <summary>A successful home login: where the phone downloads its configuration and how long the login lasts.</summary>
public sealed record EmccHomeLoginResult
{
    /// <summary>The EMCC dummy device the home cluster allocated.</summary>
    public required string EmccDevice { get; init; }

    /// <summary>Default TFTP Server for EMCC Login Device (host:port of the home configuration server).</summary>
    public required string Tftp1 { get; init; }

    /// <summary>Backup TFTP Server for EMCC Login Device.</summary>
    public string? Tftp2 { get; init; }

    /// <summary>The login duration; null for no limit.</summary>
    public TimeSpan? LoginDuration { get; init; }

    /// <summary>The device profile logged in.</summary>
    public required string Profile { get; init; }

    /// <summary>The roaming device pool the home cluster chose (for traces).</summary>
    public string? DevicePool { get; init; }
}

/// <summary>A remote cluster update answer.</summary>
public sealed record EmccClusterInfoResult
{
    /// <summary>The answering cluster.</summary>
    public required EmccClusterInfo Cluster { get; init; }

    /// <summary>Services the answering cluster has active for EMCC: emcc, pstnAccess, rsvpAgent.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>EMCC Region Max Audio Bit Rate, kb/s (must match in all clusters).</summary>
    public int RegionMaxAudioBitRateKbps { get; init; }

    /// <summary>EMCC Region Max Video Call Bit Rate, kb/s.</summary>
    public int RegionMaxVideoCallBitRateKbps { get; init; }

    /// <summary>EMCC Region Link Loss Type: lowLoss or lossy.</summary>
    public string RegionLinkLossType { get; init; } = "lowLoss";
}

/// <summary>One inter-cluster answer: a result of the request's type, or an EMService error code.</summary>
public sealed record EmccResponse
{
    /// <summary>The request type answered.</summary>
    public required EmccRequestType Type { get; init; }

    /// <summary>The answering cluster.</summary>
    public EmccClusterInfo? From { get; init; }

    /// <summary>The EMService error code (reference Table 9), when the request failed.</summary>
    public int? ErrorCode { get; init; }

    /// <summary>The error's description.</summary>
    public string? ErrorText { get; init; }

    /// <summary>The check user result.</summary>
    public EmccCheckUserResult? CheckUser { get; init; }

    /// <summary>The home login result.</summary>
    public EmccHomeLoginResult? HomeLogin { get; init; }

    /// <summary>The remote cluster update result.</summary>
    public EmccClusterInfoResult? ClusterInfo { get; init; }

    /// <summary>True when no error code is set.</summary>
    public bool IsSuccess => ErrorCode is null;

    /// <summary>An error answer.</summary>
    public static EmccResponse Failure(EmccRequestType type, int code, string text, EmccClusterInfo? from = null) =>
        new() { Type = type, ErrorCode = code, ErrorText = text, From = from };
}

/// <summary>
/// The XML of the inter-cluster messages, modelled on the <c>emccResponse</c> CUCM logs (reference 3.2); the request
/// side (<c>emccRequest</c>) is emx's own (docs/emcc-protocol.md). Parsed with <see cref="SafeXml"/> (no DTD, no
/// external entities, bounded size and depth); unknown elements are ignored so a newer peer can add fields.
/// </summary>
public static class EmccXml
{
    private static readonly string[] GeolocationFields = ["country", "a1", "a2", "a3", "a4", "a5", "a6", "prd", "pod", "sts", "hno", "hns", "lmk", "loc", "flr", "nam", "pc"];

    /// <summary>Writes a request.</summary>
    public static string Write(EmccRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var root = new XElement("emccRequest",
            new XAttribute("version", EmccRequest.CurrentVersion.ToString(CultureInfo.InvariantCulture)),
            new XAttribute("type", TypeName(request.Type)),
            request.RequestNumber is > 0 and var number ? new XAttribute("requestNumber", number.ToString(CultureInfo.InvariantCulture)) : null,
            Cluster(request.From));
        if (request.UserId is { } userId)
        {
            root.Add(new XElement("user", new XAttribute("id", userId),
                request.Pin is { } pin ? new XElement("pin", pin) : null,
                EmccLoginToken.IsWellFormed(request.LoginToken) ? new XElement("loginToken", request.LoginToken) : null));
        }

        if (request.Profile is { } profile)
        {
            root.Add(new XElement("profile", profile));
        }

        if (request.Device is { } device)
        {
            root.Add(new XElement("device",
                new XAttribute("name", device.Name),
                new XAttribute("model", device.Model),
                new XAttribute("protocol", device.Protocol),
                new XAttribute("secure", device.Secure ? "true" : "false"),
                new XElement("geolocation", device.Geolocation
                    .Where(p => GeolocationFields.Contains(p.Key))
                    .Select(p => new XAttribute(p.Key, p.Value)))));
        }

        if (request.Reason is { } reason)
        {
            root.Add(new XElement("reason", reason));
        }

        return root.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>Writes a response.</summary>
    public static string Write(EmccResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var root = new XElement("emccResponse", new XAttribute("type", TypeName(response.Type)));
        if (response.From is { } from)
        {
            root.Add(Cluster(from));
        }

        if (response.ErrorCode is { } code)
        {
            root.Add(new XElement("failure", new XElement("error", new XAttribute("code", code.ToString(CultureInfo.InvariantCulture)), response.ErrorText ?? string.Empty)));
        }
        else if (response.CheckUser is { } check)
        {
            var user = new XElement("user", new XAttribute("id", check.UserId), new XElement("numProfiles", check.Profiles.Count.ToString(CultureInfo.InvariantCulture)));
            user.Add(check.Exists ? new XElement("exists") : new XElement("doesNotExist"));
            for (var i = 0; i < check.Profiles.Count; i++)
            {
                user.Add(new XElement("deviceProfile" + (i + 1).ToString(CultureInfo.InvariantCulture), check.Profiles[i]));
            }

            if (check.Exists && EmccLoginToken.IsWellFormed(check.LoginToken))
            {
                user.Add(new XElement("loginToken", check.LoginToken));
            }

            root.Add(new XElement("checkUser", user));
        }
        else if (response.HomeLogin is { } login)
        {
            root.Add(new XElement("homeLogin",
                new XElement("emccDevice", login.EmccDevice),
                new XElement("profile", login.Profile),
                new XElement("tftp1", login.Tftp1),
                login.Tftp2 is { } tftp2 ? new XElement("tftp2", tftp2) : null,
                login.LoginDuration is { } duration ? new XElement("loginDuration", ((long)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture)) : new XElement("indefinite"),
                login.DevicePool is { } pool ? new XElement("devicePool", pool) : null));
        }
        else if (response.ClusterInfo is { } info)
        {
            root.Add(new XElement("clusterInfo",
                Cluster(info.Cluster),
                new XElement("services", info.Services.Select(s => new XElement("service", s))),
                new XElement("emccRegion",
                    new XAttribute("maxAudioBitRateKbps", info.RegionMaxAudioBitRateKbps.ToString(CultureInfo.InvariantCulture)),
                    new XAttribute("maxVideoCallBitRateKbps", info.RegionMaxVideoCallBitRateKbps.ToString(CultureInfo.InvariantCulture)),
                    new XAttribute("linkLossType", info.RegionLinkLossType))));
        }
        else
        {
            root.Add(new XElement("done"));
        }

        return root.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>Parses a request; on failure <paramref name="error"/> says why (the answer is EMService error 1).</summary>
    public static bool TryParseRequest(string xml, out EmccRequest? request, out string? error)
    {
        ArgumentNullException.ThrowIfNull(xml);
        request = null;
        var document = SafeXml.Parse(xml);
        if (!document.IsSuccess)
        {
            error = document.Failure!.Message;
            return false;
        }

        var root = document.Root!;
        if (root.Name.LocalName != "emccRequest" || !TryType(root.Attribute("type")?.Value, out var type))
        {
            error = "Not an emccRequest of a known type.";
            return false;
        }

        if (!TryCluster(root.Element("cluster"), out var from))
        {
            error = "The request does not name its cluster.";
            return false;
        }

        var user = root.Element("user");
        var device = root.Element("device");
        EmccDeviceInfo? deviceInfo = null;
        if (device is not null)
        {
            if (device.Attribute("name")?.Value is not { Length: > 0 } name || device.Attribute("model")?.Value is not { Length: > 0 } model)
            {
                error = "<device> needs a name and a model.";
                return false;
            }

            deviceInfo = new EmccDeviceInfo
            {
                Name = name,
                Model = model,
                Protocol = device.Attribute("protocol")?.Value ?? "SIP",
                Secure = device.Attribute("secure")?.Value == "true",
                Geolocation = (device.Element("geolocation")?.Attributes() ?? [])
                    .Where(a => GeolocationFields.Contains(a.Name.LocalName))
                    .ToDictionary(a => a.Name.LocalName, a => a.Value, StringComparer.Ordinal),
            };
        }

        request = new EmccRequest
        {
            Type = type,
            From = from,
            RequestNumber = long.TryParse(root.Attribute("requestNumber")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0 ? number : null,
            UserId = user?.Attribute("id")?.Value.Trim(),
            Pin = user?.Element("pin")?.Value,
            LoginToken = Token(user),
            Profile = root.Element("profile")?.Value.Trim() is { Length: > 0 } profile ? profile : null,
            Device = deviceInfo,
            Reason = root.Element("reason")?.Value,
        };
        error = null;
        return true;
    }

    /// <summary>Parses a response; false when it is not a well-formed emccResponse (the caller treats it as error 1).</summary>
    public static bool TryParseResponse(string xml, out EmccResponse? response, out string? error)
    {
        ArgumentNullException.ThrowIfNull(xml);
        response = null;
        var document = SafeXml.Parse(xml);
        if (!document.IsSuccess)
        {
            error = document.Failure!.Message;
            return false;
        }

        var root = document.Root!;
        if (root.Name.LocalName != "emccResponse" || !TryType(root.Attribute("type")?.Value, out var type))
        {
            error = "Not an emccResponse of a known type.";
            return false;
        }

        TryCluster(root.Element("cluster"), out var from);
        error = null;
        if (root.Element("failure")?.Element("error") is { } failure)
        {
            if (!int.TryParse(failure.Attribute("code")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                error = "<error> has no numeric code.";
                return false;
            }

            response = EmccResponse.Failure(type, code, failure.Value, from);
            return true;
        }

        switch (type)
        {
            case EmccRequestType.CheckUser when root.Element("checkUser")?.Element("user") is { } user:
                var profiles = user.Elements().Where(e => e.Name.LocalName.StartsWith("deviceProfile", StringComparison.Ordinal)).Select(e => e.Value.Trim()).ToList();
                response = new EmccResponse
                {
                    Type = type,
                    From = from,
                    CheckUser = new EmccCheckUserResult(user.Attribute("id")?.Value ?? string.Empty, user.Element("exists") is not null, profiles, Token(user)),
                };
                return true;
            case EmccRequestType.HomeLogin when root.Element("homeLogin") is { } login:
                if (login.Element("emccDevice")?.Value is not { Length: > 0 } emccDevice || login.Element("tftp1")?.Value is not { Length: > 0 } tftp1
                    || login.Element("profile")?.Value is not { Length: > 0 } profile)
                {
                    error = "<homeLogin> needs emccDevice, profile and tftp1.";
                    return false;
                }

                TimeSpan? duration = long.TryParse(login.Element("loginDuration")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null;
                response = new EmccResponse
                {
                    Type = type,
                    From = from,
                    HomeLogin = new EmccHomeLoginResult
                    {
                        EmccDevice = emccDevice,
                        Profile = profile,
                        Tftp1 = tftp1,
                        Tftp2 = login.Element("tftp2")?.Value,
                        LoginDuration = duration,
                        DevicePool = login.Element("devicePool")?.Value,
                    },
                };
                return true;
            case EmccRequestType.ClusterInfo when root.Element("clusterInfo") is { } info && TryCluster(info.Element("cluster"), out var cluster):
                var region = info.Element("emccRegion");
                response = new EmccResponse
                {
                    Type = type,
                    From = from ?? cluster,
                    ClusterInfo = new EmccClusterInfoResult
                    {
                        Cluster = cluster!,
                        Services = [.. (info.Element("services")?.Elements("service") ?? []).Select(s => s.Value.Trim())],
                        RegionMaxAudioBitRateKbps = Int(region?.Attribute("maxAudioBitRateKbps")?.Value),
                        RegionMaxVideoCallBitRateKbps = Int(region?.Attribute("maxVideoCallBitRateKbps")?.Value),
                        RegionLinkLossType = region?.Attribute("linkLossType")?.Value ?? "lowLoss",
                    },
                };
                return true;
            case EmccRequestType.Logout:
                response = new EmccResponse { Type = type, From = from };
                return true;
            default:
                error = "The response has no result for its type.";
                return false;
        }
    }

    /// <summary>The user's login token when it has the token's form; anything else (too long, other characters, markup inside, repeated) counts as none.</summary>
    private static string? Token(XElement? user)
    {
        var tokens = user?.Elements("loginToken").Take(2).ToList();
        return tokens is [var only] && !only.HasElements && EmccLoginToken.IsWellFormed(only.Value) ? only.Value : null;
    }

    private static int Int(string? text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static XElement Cluster(EmccClusterInfo cluster) =>
        new("cluster", new XAttribute("id", cluster.Id), new XAttribute("version", cluster.Version), new XAttribute("securityMode", cluster.SecurityMode));

    private static bool TryCluster(XElement? element, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EmccClusterInfo? cluster)
    {
        cluster = element?.Attribute("id")?.Value is { Length: > 0 } id
            ? new EmccClusterInfo(id, element.Attribute("version")?.Value ?? string.Empty, element.Attribute("securityMode")?.Value ?? "nonSecure")
            : null;
        return cluster is not null;
    }

    private static string TypeName(EmccRequestType type) => type switch
    {
        EmccRequestType.CheckUser => "checkUser",
        EmccRequestType.HomeLogin => "homeLogin",
        EmccRequestType.Logout => "logout",
        _ => "clusterInfo",
    };

    private static bool TryType(string? name, out EmccRequestType type)
    {
        (var known, type) = name switch
        {
            "checkUser" => (true, EmccRequestType.CheckUser),
            "homeLogin" => (true, EmccRequestType.HomeLogin),
            "logout" => (true, EmccRequestType.Logout),
            "clusterInfo" => (true, EmccRequestType.ClusterInfo),
            _ => (false, EmccRequestType.CheckUser),
        };
        return known;
    }
}
