using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Emx.Web.Cisco;

/// <summary>How the user identifies themself on the login form (<c>loginType</c>, reference 2.1).</summary>
internal enum EmLoginType
{
    /// <summary>User ID and PIN (the default).</summary>
    Uid,

    /// <summary>Primary extension and PIN.</summary>
    Dn,

    /// <summary>Self-Service User ID and PIN.</summary>
    Sp,
}

/// <summary>
/// One EMApp request as the phone sent it (reference 2.2): <c>device</c>, <c>userid</c>, <c>seq</c> (the PIN),
/// <c>doLogout</c>, <c>EMCC</c>, <c>loginType</c>, and emx's own continuation parameters <c>token</c>, <c>profile</c>,
/// <c>newpin</c>, <c>newpin2</c>. Parameter names are matched case-insensitively; a repeated parameter counts once
/// (the first value). <see cref="ToString"/> never prints a PIN.
/// </summary>
internal sealed class EmAppRequest
{
    public const string DeviceParameter = "device";
    public const string UserIdParameter = "userid";
    public const string PinParameter = "seq";
    public const string DoLogoutParameter = "doLogout";
    public const string EmccParameter = "EMCC";
    public const string LoginTypeParameter = "loginType";
    public const string TokenParameter = "token";
    public const string ProfileParameter = "profile";
    public const string NewPinParameter = "newpin";
    public const string NewPinAgainParameter = "newpin2";

    /// <summary>Longest host name taken from the Host header for the URLs the screens point back to.</summary>
    private const int MaxHostLength = 100;

    /// <summary>The HTTP method (GET, POST or HEAD).</summary>
    public required string Method { get; init; }

    /// <summary><c>device</c>, as sent (null when absent).</summary>
    public string? Device { get; init; }

    /// <summary><c>userid</c>: the user id, primary extension or self-service id typed on the phone.</summary>
    public string? UserId { get; init; }

    /// <summary><c>seq</c>: the PIN.</summary>
    public string? Pin { get; init; }

    /// <summary>Whether <c>userid</c> or <c>seq</c> is present: a login form submission.</summary>
    public bool IsSubmission => UserId is not null || Pin is not null;

    /// <summary><c>doLogout=true</c>.</summary>
    public bool DoLogout { get; init; }

    /// <summary><c>EMCC=true</c> (the phone substituted #EMCC#; the literal token or absence means false).</summary>
    public bool Emcc { get; init; }

    /// <summary><c>loginType</c>, null when invalid (215).</summary>
    public EmLoginType? LoginType { get; init; }

    /// <summary>Whether <c>loginType</c> was given (and valid): the screens then keep it in their URLs.</summary>
    public bool LoginTypeGiven { get; init; }

    /// <summary><c>token</c>: continues a login after the PIN was verified (profile choice, PIN change).</summary>
    public string? Token { get; init; }

    /// <summary><c>profile</c>: the chosen entry of the profile menu (1-based).</summary>
    public string? Profile { get; init; }

    /// <summary><c>newpin</c>.</summary>
    public string? NewPin { get; init; }

    /// <summary><c>newpin2</c>: the new PIN again.</summary>
    public string? NewPinAgain { get; init; }

    /// <summary>The phone's address (the TCP peer).</summary>
    public string? SourceAddress { get; init; }

    /// <summary>Whether the request came through an HTTP proxy (a Via header).</summary>
    public bool ViaProxy { get; init; }

    /// <summary><c>scheme://host:port</c> the phone reached: where the screens' URLs point.</summary>
    public required string Origin { get; init; }

    /// <summary>The operation whose display strings errors use.</summary>
    public Protocols.Errors.EmOperation Operation => DoLogout ? Protocols.Errors.EmOperation.Logout : Protocols.Errors.EmOperation.Login;

    /// <summary>Reads the request from the query string and, for a form POST, the body (the query string wins).</summary>
    public static EmAppRequest From(HttpContext http, IReadOnlyDictionary<string, StringValues> body)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(body);
        var query = http.Request.Query;
        string? Get(string name) =>
            query.TryGetValue(name, out var q) && q.Count > 0 ? q[0]
            : body.TryGetValue(name, out var b) && b.Count > 0 ? b[0]
            : null;

        var loginType = Get(LoginTypeParameter);
        var peer = http.Connection.RemoteIpAddress;
        return new EmAppRequest
        {
            Method = http.Request.Method,
            Device = Get(DeviceParameter),
            UserId = Get(UserIdParameter),
            Pin = Get(PinParameter),
            DoLogout = string.Equals(Get(DoLogoutParameter), "true", StringComparison.OrdinalIgnoreCase),
            Emcc = string.Equals(Get(EmccParameter), "true", StringComparison.OrdinalIgnoreCase),
            LoginType = ParseLoginType(loginType),
            LoginTypeGiven = !string.IsNullOrEmpty(loginType),
            Token = Get(TokenParameter),
            Profile = Get(ProfileParameter),
            NewPin = Get(NewPinParameter),
            NewPinAgain = Get(NewPinAgainParameter),
            SourceAddress = peer is null ? null : (peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer).ToString(),
            ViaProxy = http.Request.Headers.Via.Count > 0,
            Origin = OriginOf(http),
        };
    }

    /// <summary>UID (default, also when empty), DN or SP, in any case; anything else is invalid (null).</summary>
    public static EmLoginType? ParseLoginType(string? value) => value?.ToUpperInvariant() switch
    {
        null or "" or "UID" => EmLoginType.Uid,
        "DN" => EmLoginType.Dn,
        "SP" => EmLoginType.Sp,
        _ => null,
    };

    /// <summary>
    /// The Host header when it is a plausible host (Kestrel has checked its syntax) and short enough for the 256-character
    /// URL limit of CiscoIPPhone objects; otherwise the local address and port the phone connected to.
    /// </summary>
    private static string OriginOf(HttpContext http)
    {
        var scheme = http.Request.IsHttps ? "https" : "http";
        var host = http.Request.Host;
        if (host.HasValue && host.Value.Length <= MaxHostLength && host.Value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']'))
        {
            return scheme + "://" + host.Value;
        }

        var local = http.Connection.LocalIpAddress ?? IPAddress.Loopback;
        var address = local.IsIPv4MappedToIPv6 ? local.MapToIPv4() : local;
        var text = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();
        return string.Create(CultureInfo.InvariantCulture, $"{scheme}://{text}:{http.Connection.LocalPort}");
    }

    /// <summary>For traces: every parameter but the PINs, which are only said to be present.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Method).Append(" device=").Append(Clip(Device))
            .Append(" loginType=").Append(LoginType?.ToString().ToUpperInvariant() ?? "(invalid)")
            .Append(" EMCC=").Append(Emcc ? "true" : "false");
        if (UserId is not null)
        {
            text.Append(" userid=").Append(Clip(UserId));
        }

        if (Pin is not null)
        {
            text.Append(" seq=(").Append(Pin.Length == 0 ? "blank" : "given").Append(')');
        }

        if (DoLogout)
        {
            text.Append(" doLogout=true");
        }

        if (Token is not null)
        {
            text.Append(" token=(given) profile=").Append(Clip(Profile));
        }

        if (NewPin is not null || NewPinAgain is not null)
        {
            text.Append(" newpin=(given)");
        }

        return text.Append(" from ").Append(SourceAddress ?? "(unknown)").Append(ViaProxy ? " via proxy" : string.Empty).ToString();
    }

    /// <summary>A value safe to put in a trace line: at most 64 characters, control characters replaced.</summary>
    public static string Clip(string? value)
    {
        if (value is null)
        {
            return "(none)";
        }

        var cut = value.Length > 64 ? value[..64] + "..." : value;
        return string.Create(cut.Length, cut, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });
    }
}
