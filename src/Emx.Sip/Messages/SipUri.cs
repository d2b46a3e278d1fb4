using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;
using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>
/// An immutable URI as it appears in SIP: a SIP or SIPS URI (RFC 3261 §19.1), a tel URI (RFC 3966, see
/// RFC 3261 §19.1.6), or any other absoluteURI, which is kept opaque.
/// </summary>
/// <remarks>
/// <para>
/// A parsed URI remembers its exact text, so <see cref="ToString"/> reproduces what was received.
/// Component properties are %-unescaped for application use (<see cref="User"/> of <c>sip:%75ser@host</c> is
/// <c>user</c>); equality follows the RFC 3261 §19.1.4 comparison rules, which work on the escaped form.
/// </para>
/// <para>
/// This is a value object (immutable, compared by value) rather than a struct: it carries parameter
/// collections and is usually passed around as part of larger header values.
/// </para>
/// </remarks>
public sealed class SipUri : IEquatable<SipUri>
{
    // RFC 3261 §19.1.4: "A user, ttl, or method uri-parameter appearing in only one URI never matches, even if
    // it contains the default value", "A URI that includes an maddr parameter will not match a URI that contains
    // no maddr parameter", and the same is said of transport.
    private static readonly string[] ParametersThatMustBeInBoth = ["user", "ttl", "method", "maddr", "transport"];

    private readonly string _text;
    private readonly string? _userRaw;
    private readonly string? _passwordRaw;

    private SipUri(
        string text,
        string scheme,
        string? userRaw,
        string? passwordRaw,
        string host,
        int? port,
        SipParameterCollection parameters,
        SipParameterCollection headers,
        string schemeSpecificPart)
    {
        _text = text;
        Scheme = scheme;
        _userRaw = userRaw;
        _passwordRaw = passwordRaw;
        User = userRaw is null ? null : SipUriEscaping.Unescape(userRaw);
        Password = passwordRaw is null ? null : SipUriEscaping.Unescape(passwordRaw);
        Host = host;
        Port = port;
        Parameters = parameters;
        Headers = headers;
        SchemeSpecificPart = schemeSpecificPart;
    }

    /// <summary>The scheme in lower case, e.g. <c>sip</c>, <c>sips</c>, <c>tel</c>.</summary>
    public string Scheme { get; }

    /// <summary>True for <c>sip:</c> and <c>sips:</c> URIs.</summary>
    public bool IsSip => Scheme is "sip" or "sips";

    /// <summary>True for <c>sips:</c> URIs.</summary>
    public bool IsSecure => Scheme == "sips";

    /// <summary>True for RFC 3966 <c>tel:</c> URIs.</summary>
    public bool IsTel => Scheme == "tel";

    /// <summary>
    /// The %-unescaped user part of a SIP/SIPS URI, or the telephone-subscriber of a tel URI;
    /// <see langword="null"/> when absent (e.g. <c>sip:example.com</c>) or for other schemes.
    /// </summary>
    public string? User { get; }

    /// <summary>The %-unescaped password of a SIP/SIPS URI, if present (its use is NOT RECOMMENDED, RFC 3261 §19.1.1).</summary>
    public string? Password { get; }

    /// <summary>The host of a SIP/SIPS URI (IPv6 references keep their brackets); empty for other schemes.</summary>
    public string Host { get; }

    /// <summary>The explicit port, or <see langword="null"/> when the URI has none (which is not the same as 5060).</summary>
    public int? Port { get; }

    /// <summary>The uri-parameters, with names and values %-unescaped.</summary>
    public SipParameterCollection Parameters { get; }

    /// <summary>
    /// The headers component (<c>?name=value&amp;...</c>) of a SIP/SIPS URI, with names and values %-unescaped.
    /// </summary>
    public SipParameterCollection Headers { get; }

    /// <summary>Everything after the scheme's colon, as received.</summary>
    public string SchemeSpecificPart { get; }

    /// <summary>The <c>transport</c> uri-parameter, if any.</summary>
    public string? Transport => Parameters.GetValue("transport");

    /// <summary>The <c>maddr</c> uri-parameter, if any.</summary>
    public string? Maddr => Parameters.GetValue("maddr");

    /// <summary>The <c>user</c> uri-parameter (e.g. <c>phone</c>), if any.</summary>
    public string? UserParameter => Parameters.GetValue("user");

    /// <summary>True when the <c>lr</c> parameter marks a loose router (RFC 3261 §19.1.1).</summary>
    public bool IsLooseRouter => Parameters.Contains("lr");

    /// <summary>Parses <paramref name="text"/>; see <see cref="TryParse(string?, out SipUri?)"/>.</summary>
    /// <exception cref="FormatException">The text is not a valid URI.</exception>
    public static SipUri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var uri) ? uri : throw new FormatException("Invalid URI: " + text);
    }

    /// <summary>
    /// Parses a SIP-URI, SIPS-URI or absoluteURI (RFC 3261 §25.1). SIP and SIPS URIs are validated component by
    /// component, including their escapes; tel URIs per RFC 3966's character set; other schemes only need
    /// RFC 2396 URI characters.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        return text is not null && TryParse(text.AsSpan(), text, out uri);
    }

    /// <inheritdoc cref="TryParse(string?, out SipUri?)"/>
    public static bool TryParse(ReadOnlySpan<char> text, [NotNullWhen(true)] out SipUri? uri) =>
        TryParse(text, null, out uri);

    /// <summary>Creates a SIP (or SIPS) URI from unescaped components, escaping them as required.</summary>
    public static SipUri CreateSip(string? user, string host, int? port = null, bool secure = false)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!SipGrammar.IsValidHost(host))
        {
            throw new ArgumentException("Invalid host: " + host, nameof(host));
        }

        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port));
        }

        if (user is { Length: 0 })
        {
            throw new ArgumentException("The user part cannot be empty; pass null for none.", nameof(user));
        }

        var userRaw = user is null ? null : SipUriEscaping.Escape(user, SipCharacters.User);
        return Create(secure ? "sips" : "sip", userRaw, null, host, port, SipParameterCollection.Empty, SipParameterCollection.Empty);
    }

    /// <summary>Returns a copy of this SIP/SIPS/tel URI with uri-parameter <paramref name="name"/> set.</summary>
    public SipUri WithParameter(string name, string? value = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        EnsureStructured();
        return Create(Scheme, _userRaw, _passwordRaw, Host, Port, Parameters.With(name, value), Headers);
    }

    /// <summary>Returns a copy of this SIP/SIPS/tel URI without uri-parameter <paramref name="name"/>.</summary>
    public SipUri WithoutParameter(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        EnsureStructured();
        return Parameters.Contains(name)
            ? Create(Scheme, _userRaw, _passwordRaw, Host, Port, Parameters.Without(name), Headers)
            : this;
    }

    /// <summary>The URI text; for a parsed URI, exactly the text that was parsed.</summary>
    public override string ToString() => _text;

    /// <summary>
    /// URI equivalence per RFC 3261 §19.1.4 for SIP/SIPS (case-sensitive userinfo, case-insensitive host and
    /// parameters, unreserved escapes equal to their characters, parameter order ignored, user/ttl/method/maddr/
    /// transport parameters and headers never ignored), RFC 3966 §4 for tel URIs, and exact text for other schemes.
    /// </summary>
    /// <remarks>
    /// As RFC 3261 points out, this relation is not transitive: <c>sip:carol@chicago.com</c> equals both
    /// <c>sip:carol@chicago.com;security=on</c> and <c>sip:carol@chicago.com;security=off</c>, which differ.
    /// </remarks>
    public bool Equals(SipUri? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (!string.Equals(Scheme, other.Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        if (IsSip)
        {
            return SipEquals(other);
        }

        if (IsTel)
        {
            return TelEquals(other);
        }

        return string.Equals(SchemeSpecificPart, other.SchemeSpecificPart, StringComparison.Ordinal);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SipUri other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        if (IsSip)
        {
            return HashCode.Combine(
                Scheme,
                _userRaw is null ? 0 : StringComparer.Ordinal.GetHashCode(SipUriEscaping.NormalizeForComparison(_userRaw)),
                StringComparer.OrdinalIgnoreCase.GetHashCode(NormalizeHost(Host)),
                Port);
        }

        if (IsTel)
        {
            return HashCode.Combine(Scheme, StringComparer.OrdinalIgnoreCase.GetHashCode(StripVisualSeparators(User ?? string.Empty)));
        }

        return HashCode.Combine(Scheme, StringComparer.Ordinal.GetHashCode(SchemeSpecificPart));
    }

    /// <summary>RFC 3261 §19.1.4 equivalence; see <see cref="Equals(SipUri?)"/>.</summary>
    public static bool operator ==(SipUri? left, SipUri? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Negation of RFC 3261 §19.1.4 equivalence.</summary>
    public static bool operator !=(SipUri? left, SipUri? right) => !(left == right);

    private static bool TryParse(ReadOnlySpan<char> text, string? original, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        var colon = text.IndexOf(':');
        if (colon <= 0 || !SipCharacters.IsAlpha(text[0]) || text[..colon].IndexOfAnyExcept(SipCharacters.Scheme) >= 0)
        {
            return false;
        }

        var scheme = SchemeName(text[..colon]);
        var rest = text[(colon + 1)..];
        if (rest.IsEmpty)
        {
            return false;
        }

        original ??= new string(text);
        return scheme switch
        {
            "sip" or "sips" => TryParseSip(original, scheme, rest, out uri),
            "tel" => TryParseTel(original, rest, out uri),
            _ => TryParseOpaque(original, scheme, rest, out uri),
        };
    }

    // SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ]
    private static bool TryParseSip(string original, string scheme, ReadOnlySpan<char> rest, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        var schemeSpecificPart = original[^rest.Length..];

        // Neither uri-parameters nor headers may hold an unescaped "@", so the first one ends the userinfo. The
        // user part itself may contain ";", "?" and "/" (user-unreserved), as in RFC 4475 semiuri and intmeth.
        string? userRaw = null;
        string? passwordRaw = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            var colon = userInfo.IndexOf(':');
            var user = colon >= 0 ? userInfo[..colon] : userInfo;
            if (user.IsEmpty || !SipCharacters.IsEscapedRun(user, SipCharacters.User))
            {
                return false;
            }

            userRaw = new string(user);
            if (colon >= 0)
            {
                var password = userInfo[(colon + 1)..];
                if (!SipCharacters.IsEscapedRun(password, SipCharacters.Password))
                {
                    return false;
                }

                passwordRaw = new string(password);
            }

            rest = rest[(at + 1)..];
        }

        // hostport = host [ ":" port ]
        int hostLength;
        if (!rest.IsEmpty && rest[0] == '[')
        {
            hostLength = rest.IndexOf(']') + 1;
            if (hostLength == 0)
            {
                return false;
            }
        }
        else
        {
            hostLength = rest.IndexOfAnyExcept(SipCharacters.Host);
            if (hostLength < 0)
            {
                hostLength = rest.Length;
            }
        }

        var host = rest[..hostLength];
        if (!SipGrammar.IsValidHost(host))
        {
            return false;
        }

        rest = rest[hostLength..];
        int? port = null;
        if (!rest.IsEmpty && rest[0] == ':')
        {
            var end = rest.IndexOfAny(';', '?');
            var portText = end < 0 ? rest[1..] : rest[1..end];
            if (!SipGrammar.TryParsePort(portText, out var value))
            {
                return false;
            }

            port = value;
            rest = rest[(1 + portText.Length)..];
        }

        if (!TryParseUriParameters(ref rest, out var parameters)
            || !TryParseUriHeaders(rest, out var headers))
        {
            return false;
        }

        uri = new SipUri(original, scheme, userRaw, passwordRaw, new string(host), port, parameters, headers, schemeSpecificPart);
        return true;
    }

    // uri-parameters = *( ";" uri-parameter ); uri-parameter = pname [ "=" pvalue ] (all of the RFC 3261
    // uri-parameter forms are instances of other-param syntactically).
    private static bool TryParseUriParameters(ref ReadOnlySpan<char> rest, out SipParameterCollection parameters)
    {
        parameters = SipParameterCollection.Empty;
        List<SipParameter>? list = null;
        while (!rest.IsEmpty && rest[0] == ';')
        {
            rest = rest[1..];
            var end = rest.IndexOfAny(';', '?');
            var segment = end < 0 ? rest : rest[..end];
            rest = rest[segment.Length..];

            var equals = segment.IndexOf('=');
            var name = equals < 0 ? segment : segment[..equals];
            if (name.IsEmpty || !SipCharacters.IsEscapedRun(name, SipCharacters.Param))
            {
                return false;
            }

            string? value = null;
            if (equals >= 0)
            {
                var valueText = segment[(equals + 1)..];
                if (valueText.IsEmpty || !SipCharacters.IsEscapedRun(valueText, SipCharacters.Param))
                {
                    return false;
                }

                value = SipUriEscaping.Unescape(new string(valueText));
            }

            (list ??= []).Add(new SipParameter(SipUriEscaping.Unescape(new string(name)), value));
        }

        parameters = SipParameterCollection.FromList(list);
        return true;
    }

    // headers = "?" header *( "&" header ); header = hname "=" hvalue
    private static bool TryParseUriHeaders(ReadOnlySpan<char> rest, out SipParameterCollection headers)
    {
        headers = SipParameterCollection.Empty;
        if (rest.IsEmpty)
        {
            return true;
        }

        if (rest[0] != '?' || rest.Length == 1)
        {
            return false;
        }

        var list = new List<SipParameter>();
        var text = rest[1..];
        foreach (var range in text.Split('&'))
        {
            var header = text[range];
            var equals = header.IndexOf('=');
            if (equals <= 0)
            {
                return false;
            }

            var name = header[..equals];
            var value = header[(equals + 1)..];
            if (!SipCharacters.IsEscapedRun(name, SipCharacters.HeaderNameValue)
                || !SipCharacters.IsEscapedRun(value, SipCharacters.HeaderNameValue))
            {
                return false;
            }

            list.Add(new SipParameter(SipUriEscaping.Unescape(new string(name)), SipUriEscaping.Unescape(new string(value))));
        }

        headers = SipParameterCollection.FromList(list);
        return true;
    }

    // telephoneuri = "tel:" telephone-subscriber; telephone-subscriber = (global-number / local-number) *par
    private static bool TryParseTel(string original, ReadOnlySpan<char> rest, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        var schemeSpecificPart = original[^rest.Length..];
        var semicolon = rest.IndexOf(';');
        var number = semicolon < 0 ? rest : rest[..semicolon];
        if (number.IsEmpty || number.IndexOfAnyExcept(SipCharacters.TelephoneNumber) >= 0
            || number.IndexOfAnyInRange('0', '9') < 0 && number.IndexOfAny('*', '#') < 0)
        {
            return false;
        }

        rest = rest[number.Length..];
        if (!TryParseUriParameters(ref rest, out var parameters) || !rest.IsEmpty)
        {
            return false;
        }

        uri = new SipUri(original, "tel", new string(number), null, string.Empty, null, parameters, SipParameterCollection.Empty, schemeSpecificPart);
        return true;
    }

    // absoluteURI = scheme ":" ( hier-part / opaque-part ): kept opaque, only its characters are checked.
    private static bool TryParseOpaque(string original, string scheme, ReadOnlySpan<char> rest, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        if (!SipCharacters.IsEscapedRun(rest, SipCharacters.Uric))
        {
            return false;
        }

        uri = new SipUri(original, scheme, null, null, string.Empty, null, SipParameterCollection.Empty, SipParameterCollection.Empty, original[^rest.Length..]);
        return true;
    }

    private static string SchemeName(ReadOnlySpan<char> scheme)
    {
        if (scheme.Equals("sip", StringComparison.OrdinalIgnoreCase))
        {
            return "sip";
        }

        if (scheme.Equals("sips", StringComparison.OrdinalIgnoreCase))
        {
            return "sips";
        }

        if (scheme.Equals("tel", StringComparison.OrdinalIgnoreCase))
        {
            return "tel";
        }

        Span<char> lower = scheme.Length <= 64 ? stackalloc char[scheme.Length] : new char[scheme.Length];
        scheme.ToLowerInvariant(lower);
        return new string(lower);
    }

    private static SipUri Create(
        string scheme,
        string? userRaw,
        string? passwordRaw,
        string host,
        int? port,
        SipParameterCollection parameters,
        SipParameterCollection headers)
    {
        var builder = new StringBuilder(64);
        builder.Append(scheme).Append(':');
        var schemeSpecificStart = builder.Length;
        if (userRaw is not null)
        {
            builder.Append(userRaw);
            if (passwordRaw is not null)
            {
                builder.Append(':').Append(passwordRaw);
            }

            if (scheme != "tel")
            {
                builder.Append('@');
            }
        }

        builder.Append(host);
        if (port is not null)
        {
            builder.Append(':').Append(port.Value.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var parameter in parameters)
        {
            builder.Append(';').Append(SipUriEscaping.Escape(parameter.Name, SipCharacters.Param));
            if (parameter.Value is not null)
            {
                builder.Append('=').Append(SipUriEscaping.Escape(parameter.Value, SipCharacters.Param));
            }
        }

        for (var i = 0; i < headers.Count; i++)
        {
            builder.Append(i == 0 ? '?' : '&')
                .Append(SipUriEscaping.Escape(headers[i].Name, SipCharacters.HeaderNameValue))
                .Append('=')
                .Append(SipUriEscaping.Escape(headers[i].Value ?? string.Empty, SipCharacters.HeaderNameValue));
        }

        var text = builder.ToString();
        return new SipUri(text, scheme, userRaw, passwordRaw, host, port, parameters, headers, text[schemeSpecificStart..]);
    }

    private void EnsureStructured()
    {
        if (!IsSip && !IsTel)
        {
            throw new InvalidOperationException($"A {Scheme}: URI is opaque; its parameters cannot be edited.");
        }
    }

    private bool SipEquals(SipUri other)
    {
        // Userinfo is compared case-sensitively, after decoding escapes of unreserved characters.
        if (!EscapedEquals(_userRaw, other._userRaw) || !EscapedEquals(_passwordRaw, other._passwordRaw))
        {
            return false;
        }

        if (!HostEquals(Host, other.Host) || Port != other.Port)
        {
            return false;
        }

        foreach (var parameter in Parameters)
        {
            if (other.Parameters.TryGetValue(parameter.Name, out var otherValue))
            {
                if (!string.Equals(parameter.Value, otherValue, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
            else if (MustBeInBoth(parameter.Name))
            {
                return false;
            }
        }

        foreach (var parameter in other.Parameters)
        {
            if (!Parameters.Contains(parameter.Name) && MustBeInBoth(parameter.Name))
            {
                return false;
            }
        }

        // "URI header components are never ignored": both URIs need the same set of headers.
        return HeadersEqual(Headers, other.Headers);
    }

    private bool TelEquals(SipUri other)
    {
        // RFC 3966 §4: numbers are equal after removing visual separators; parameters must match as sets.
        if (!string.Equals(StripVisualSeparators(User!), StripVisualSeparators(other.User!), StringComparison.OrdinalIgnoreCase)
            || Parameters.Count != other.Parameters.Count)
        {
            return false;
        }

        foreach (var parameter in Parameters)
        {
            if (!other.Parameters.TryGetValue(parameter.Name, out var value)
                || !string.Equals(parameter.Value, value, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MustBeInBoth(string name)
    {
        foreach (var special in ParametersThatMustBeInBoth)
        {
            if (string.Equals(special, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool EscapedEquals(string? left, string? right)
    {
        if (left is null || right is null)
        {
            return left is null && right is null;
        }

        return string.Equals(left, right, StringComparison.Ordinal)
            || string.Equals(
                SipUriEscaping.NormalizeForComparison(left),
                SipUriEscaping.NormalizeForComparison(right),
                StringComparison.Ordinal);
    }

    private static bool HostEquals(string left, string right)
    {
        if (string.Equals(left, right, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // Two spellings of one IPv6 address ("[::1]" and "[0:0::1]") are the same host.
        return left.StartsWith('[') && right.StartsWith('[')
            && IPAddress.TryParse(left.AsSpan(1, left.Length - 2), out var a)
            && IPAddress.TryParse(right.AsSpan(1, right.Length - 2), out var b)
            && a.Equals(b);
    }

    private static string NormalizeHost(string host) =>
        host.StartsWith('[') && IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out var address)
            ? address.ToString()
            : host;

    private static bool HeadersEqual(SipParameterCollection left, SipParameterCollection right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        if (left.Count == 0)
        {
            return true;
        }

        static List<SipParameter> Sorted(SipParameterCollection headers)
        {
            var list = new List<SipParameter>(headers);
            list.Sort((a, b) =>
            {
                var byName = StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name);
                return byName != 0 ? byName : StringComparer.Ordinal.Compare(a.Value, b.Value);
            });
            return list;
        }

        var sortedLeft = Sorted(left);
        var sortedRight = Sorted(right);
        for (var i = 0; i < sortedLeft.Count; i++)
        {
            if (!string.Equals(sortedLeft[i].Name, sortedRight[i].Name, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(sortedLeft[i].Value, sortedRight[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string StripVisualSeparators(string number)
    {
        if (number.AsSpan().IndexOfAny("-.()") < 0)
        {
            return number;
        }

        var builder = new StringBuilder(number.Length);
        foreach (var c in number)
        {
            if (c is not ('-' or '.' or '(' or ')'))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
