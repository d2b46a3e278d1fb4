using System.Net;
using System.Net.Sockets;
using System.Text;
using Emx.Sip.Messages;

namespace Emx.Sip.Parsing;

/// <summary>Productions of the RFC 3261 §25.1 grammar shared by several typed header parsers.</summary>
internal static class SipGrammar
{
    /// <summary>
    /// Parses <c>*( SEMI generic-param )</c> up to the end of the scanner, where
    /// generic-param = token [ EQUAL gen-value ] and gen-value = token / host / quoted-string.
    /// </summary>
    public static bool TryParseParameters(ref SipScanner scanner, out SipParameterCollection parameters)
    {
        parameters = SipParameterCollection.Empty;
        List<SipParameter>? list = null;
        while (true)
        {
            scanner.SkipWhitespace();
            if (scanner.AtEnd)
            {
                parameters = SipParameterCollection.FromList(list);
                return true;
            }

            if (!scanner.TryConsume(';'))
            {
                return false;
            }

            scanner.SkipWhitespace();
            var name = scanner.ReadToken();
            if (name.IsEmpty)
            {
                return false;
            }

            string? value = null;
            if (scanner.TryConsumeSeparator('='))
            {
                if (scanner.Peek() == '"')
                {
                    if (!scanner.TryReadQuotedString(out var raw, out _))
                    {
                        return false;
                    }

                    value = new string(raw);
                }
                else
                {
                    var text = scanner.ReadWhile(SipCharacters.GenericValue);
                    if (text.IsEmpty)
                    {
                        return false;
                    }

                    value = new string(text);
                }
            }

            (list ??= []).Add(new SipParameter(new string(name), value));
        }
    }

    /// <summary>host = hostname / IPv4address / IPv6reference (RFC 3261 §25.1).</summary>
    public static bool IsValidHost(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty || host.Length > 255)
        {
            return false;
        }

        if (host[0] == '[')
        {
            return host.Length > 2 && host[^1] == ']' && IsIPv6(host[1..^1]);
        }

        if (host.IndexOfAnyExcept(SipCharacters.Host) >= 0)
        {
            return false;
        }

        // hostname = *( domainlabel "." ) toplabel [ "." ]; a toplabel starts with ALPHA, so a name whose last
        // label starts with a digit can only be an IPv4address.
        var name = host[^1] == '.' ? host[..^1] : host;
        if (name.IsEmpty)
        {
            return false;
        }

        var lastDot = name.LastIndexOf('.');
        if (SipCharacters.IsDigit(name[lastDot + 1]))
        {
            return IsIPv4(host);
        }

        foreach (var range in name.Split('.'))
        {
            var label = name[range];
            if (label.IsEmpty || label.Length > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each at most 255.</summary>
    public static bool IsIPv4(ReadOnlySpan<char> text)
    {
        var parts = 0;
        foreach (var range in text.Split('.'))
        {
            var part = text[range];
            if (++parts > 4 || part.IsEmpty || part.Length > 3 || part.IndexOfAnyExceptInRange('0', '9') >= 0)
            {
                return false;
            }

            if (int.Parse(part, provider: System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return parts == 4;
    }

    /// <summary>IPv6address, without brackets and without a zone index (the SIP grammar has none).</summary>
    public static bool IsIPv6(ReadOnlySpan<char> text) =>
        text.Contains(':') && !text.Contains('%')
        && IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>An IPv4address or IPv6address (with or without brackets), as the Via received parameter holds.</summary>
    public static bool IsIPAddress(ReadOnlySpan<char> text)
    {
        if (text.Length > 2 && text[0] == '[' && text[^1] == ']')
        {
            text = text[1..^1];
        }

        return IsIPv4(text) || IsIPv6(text);
    }

    /// <summary>
    /// Reads <c>host [ COLON port ]</c> as the Via sent-by production, where COLON = SWS ":" SWS.
    /// </summary>
    public static bool TryReadHostPort(ref SipScanner scanner, out string host, out int? port)
    {
        host = string.Empty;
        port = null;
        ReadOnlySpan<char> hostText;
        if (scanner.Peek() == '[')
        {
            var rest = scanner.Rest;
            var close = rest.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            hostText = rest[..(close + 1)];
            scanner.Advance(close + 1);
        }
        else
        {
            hostText = scanner.ReadWhile(SipCharacters.Host);
        }

        if (!IsValidHost(hostText))
        {
            return false;
        }

        host = new string(hostText);
        if (scanner.TryConsumeSeparator(':'))
        {
            if (!TryParsePort(scanner.ReadWhile(SipCharacters.Host), out var value))
            {
                return false;
            }

            port = value;
        }

        return true;
    }

    /// <summary>port = 1*DIGIT, limited to the 16-bit range of transport ports.</summary>
    public static bool TryParsePort(ReadOnlySpan<char> text, out int port)
    {
        port = 0;
        if (!TryParseDigits(text, out var value) || value > 65535)
        {
            return false;
        }

        port = (int)value;
        return true;
    }

    /// <summary>
    /// Parses 1*DIGIT. Values beyond <see cref="ulong.MaxValue"/> saturate, so callers can range-check
    /// without overflow (leading zeros, as in RFC 4475 wsinv's "0068", are fine).
    /// </summary>
    public static bool TryParseDigits(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!SipCharacters.IsDigit(c))
            {
                return false;
            }

            var digit = (ulong)(c - '0');
            value = value > (ulong.MaxValue - digit) / 10 ? ulong.MaxValue : (value * 10) + digit;
        }

        return true;
    }

    /// <summary>
    /// delta-seconds = 1*DIGIT. RFC 3261 bounds these to 2**32-1 (§20.19); larger values are clamped there,
    /// which is how RFC 4475 §3.1.2.4 suggests treating an overlarge expiry without failing the request.
    /// </summary>
    public static bool TryParseDeltaSeconds(ReadOnlySpan<char> text, out uint value)
    {
        value = 0;
        if (!TryParseDigits(text.Trim(" \t"), out var digits))
        {
            return false;
        }

        value = digits > uint.MaxValue ? uint.MaxValue : (uint)digits;
        return true;
    }

    /// <summary>Formats text as a quoted-string, escaping DQUOTE, backslash and control characters (CR and LF become SP).</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2);
        builder.Append('"');
        foreach (var c in text)
        {
            if (c is '\r' or '\n')
            {
                // quoted-pair cannot carry CR or LF (RFC 3261 §25.1); they would end the header line.
                builder.Append(' ');
                continue;
            }

            if (c is '"' or '\\' || (c < ' ' && c != '\t') || c == '\x7F')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.Append('"').ToString();
    }
}
