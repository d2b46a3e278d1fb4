using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Emx.Protocols.EmApi;

/// <summary>Where <see cref="EmApiXmlParameter.Extract"/> found the XML.</summary>
public enum EmApiXmlSource
{
    /// <summary>An <c>xml=</c> parameter of the URL query string (encoded, or raw XML as some portals send).</summary>
    QueryStringParameter,

    /// <summary>The whole query string is the XML, without <c>xml=</c> (<c>EMServiceServlet?&lt;query&gt;…</c>).</summary>
    QueryString,

    /// <summary>An <c>xml=</c> field of an <c>application/x-www-form-urlencoded</c> body (the documented shape).</summary>
    FormBody,

    /// <summary>The body itself is the XML (<c>text/xml</c>).</summary>
    XmlBody,
}

/// <summary>Why no XML could be extracted.</summary>
public enum EmApiXmlExtractionFailure
{
    /// <summary>Neither the query string nor the body carries an EM API document.</summary>
    Missing,

    /// <summary>The query string, body or decoded XML exceeds the size limit (checked before decoding).</summary>
    TooLarge,
}

/// <summary>The outcome of <see cref="EmApiXmlParameter.Extract"/>.</summary>
public sealed record EmApiXmlExtraction
{
    private EmApiXmlExtraction(string? xml, EmApiXmlSource source, EmApiXmlExtractionFailure? failure)
    {
        Xml = xml;
        Source = source;
        Failure = failure;
    }

    /// <summary>The XML text on success.</summary>
    public string? Xml { get; }

    /// <summary>Where the XML came from (meaningful on success).</summary>
    public EmApiXmlSource Source { get; }

    /// <summary>The reason on failure.</summary>
    public EmApiXmlExtractionFailure? Failure { get; }

    /// <summary>True when <see cref="Xml"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Xml))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => Xml is not null;

    internal static EmApiXmlExtraction Found(string xml, EmApiXmlSource source) => new(xml, source, null);

    internal static EmApiXmlExtraction Fail(EmApiXmlExtractionFailure failure) => new(null, default, failure);
}

/// <summary>
/// Gets the EM API XML out of an HTTP request in every shape real clients use (reference 1.1, 7, 8.1). Pure: it
/// takes the raw query string, the Content-Type header and the body bytes.
/// <list type="number">
/// <item>The query string is looked at first (a lenient server must, for clients that also send a body):
/// an <c>xml=</c> parameter, or, failing that, a query string that is itself the XML (starts with <c>&lt;</c> or
/// <c>%3C</c>).</item>
/// <item>Then the body: an <c>xml=</c> form field (form content type, or any body that is not XML), or the body
/// itself for <c>text/xml</c>/<c>application/xml</c> or a body starting with <c>&lt;</c>.</item>
/// </list>
/// Decoding policy: an encoded value (the normal case) is decoded as form data: <c>%XX</c> in either case as
/// UTF-8 bytes and <c>+</c> as a space. A raw value (one starting with a literal <c>&lt;</c>, sent unencoded by some
/// portals) runs to the end of the input rather than to the next <c>&amp;</c> (raw XML may contain <c>&amp;amp;</c>),
/// is cut after its last <c>&gt;</c>, and only <c>%XX</c> is decoded (HTTP stacks escape spaces in URLs);
/// <c>+</c> stays literal. The Authorization header is irrelevant here and ignored by design.
/// </summary>
public static class EmApiXmlParameter
{
    /// <summary>Default maximum decoded XML length in characters (64 KiB, matching <see cref="SafeXmlOptions"/>).</summary>
    public const int DefaultMaxXmlLength = SafeXmlOptions.DefaultMaxInputLength;

    /// <summary>Extracts the XML document.</summary>
    /// <param name="queryString">The raw (still encoded) query string, with or without the leading '?'; null if none.</param>
    /// <param name="contentType">The Content-Type header value; null if none.</param>
    /// <param name="body">The request body bytes (empty for GET).</param>
    /// <param name="maxXmlLength">Maximum decoded XML length in characters. Encoded input may be up to three
    /// times longer (every character as <c>%XX</c>); anything longer is refused before decoding.</param>
    /// <returns>The XML text and its source, or why there is none.</returns>
    public static EmApiXmlExtraction Extract(string? queryString, string? contentType, ReadOnlySpan<byte> body, int maxXmlLength = DefaultMaxXmlLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxXmlLength);
        var maxEncoded = (long)maxXmlLength * 3 + 16;

        if (!string.IsNullOrEmpty(queryString))
        {
            var query = queryString[0] == '?' ? queryString[1..] : queryString;
            if (query.Length > maxEncoded)
            {
                return EmApiXmlExtraction.Fail(EmApiXmlExtractionFailure.TooLarge);
            }

            var queryBytes = Encoding.UTF8.GetBytes(query);
            if (TryFindXmlField(queryBytes, out var fieldValue, out var raw))
            {
                return Finish(fieldValue, raw, Encoding.UTF8, EmApiXmlSource.QueryStringParameter, maxXmlLength);
            }

            if (TryWholeValue(queryBytes, out var whole, out raw))
            {
                return Finish(whole, raw, Encoding.UTF8, EmApiXmlSource.QueryString, maxXmlLength);
            }
        }

        if (body.IsEmpty)
        {
            return EmApiXmlExtraction.Fail(EmApiXmlExtractionFailure.Missing);
        }

        if (body.Length > maxEncoded)
        {
            return EmApiXmlExtraction.Fail(EmApiXmlExtractionFailure.TooLarge);
        }

        var (mediaType, encoding) = ParseContentType(contentType);
        var trimmed = TrimStart(body);
        var looksLikeXml = trimmed.Length > 0 && trimmed[0] == (byte)'<';
        var isXmlType = mediaType is "text/xml" or "application/xml" || mediaType.EndsWith("+xml", StringComparison.Ordinal);

        if (!looksLikeXml && TryFindXmlField(body, out var formValue, out var formRaw))
        {
            return Finish(formValue, formRaw, encoding, EmApiXmlSource.FormBody, maxXmlLength);
        }

        if (looksLikeXml || isXmlType)
        {
            var text = encoding.GetString(trimmed);
            return text.Length > maxXmlLength
                ? EmApiXmlExtraction.Fail(EmApiXmlExtractionFailure.TooLarge)
                : EmApiXmlExtraction.Found(text, EmApiXmlSource.XmlBody);
        }

        return EmApiXmlExtraction.Fail(EmApiXmlExtractionFailure.Missing);
    }

    private static EmApiXmlExtraction Finish(
        ReadOnlySpan<byte> value, bool raw, Encoding encoding, EmApiXmlSource source, int maxXmlLength)
    {
        var text = encoding.GetString(PercentDecode(value, plusIsSpace: !raw));
        if (text.Length > maxXmlLength)
        {
            return EmApiXmlExtraction.Fail(EmApiXmlExtractionFailure.TooLarge);
        }

        return string.IsNullOrWhiteSpace(text)
            ? EmApiXmlExtraction.Fail(EmApiXmlExtractionFailure.Missing)
            : EmApiXmlExtraction.Found(text, source);
    }

    /// <summary>Finds the first field named <c>xml</c> (any case) in <c>a=b&amp;c=d</c> data.</summary>
    private static bool TryFindXmlField(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> value, out bool raw)
    {
        var position = 0;
        while (position <= data.Length)
        {
            var rest = data[position..];
            var amp = rest.IndexOf((byte)'&');
            var pair = amp < 0 ? rest : rest[..amp];
            var eq = pair.IndexOf((byte)'=');
            if (eq >= 0 && IsXmlName(pair[..eq]))
            {
                var start = position + eq + 1;
                var candidate = data[start..];
                if (StartsRaw(candidate))
                {
                    value = CutAfterLastGreaterThan(candidate);
                    raw = true;
                    return true;
                }

                value = pair[(eq + 1)..];
                raw = false;
                return true;
            }

            if (amp < 0)
            {
                break;
            }

            position += amp + 1;
        }

        value = default;
        raw = false;
        return false;
    }

    /// <summary>The whole input is the XML: raw (<c>&lt;</c>) or encoded (<c>%3C</c>).</summary>
    private static bool TryWholeValue(ReadOnlySpan<byte> data, out ReadOnlySpan<byte> value, out bool raw)
    {
        var trimmed = TrimStart(data);
        if (StartsRaw(trimmed))
        {
            value = CutAfterLastGreaterThan(trimmed);
            raw = true;
            return true;
        }

        if (trimmed.Length >= 3 && trimmed[0] == (byte)'%' && trimmed[1] == (byte)'3' && (trimmed[2] | 0x20) == (byte)'c')
        {
            value = trimmed;
            raw = false;
            return true;
        }

        value = default;
        raw = false;
        return false;
    }

    private static bool IsXmlName(ReadOnlySpan<byte> name) =>
        name.Length == 3 && (name[0] | 0x20) == 'x' && (name[1] | 0x20) == 'm' && (name[2] | 0x20) == 'l';

    private static bool StartsRaw(ReadOnlySpan<byte> value)
    {
        var trimmed = TrimStart(value);
        return trimmed.Length > 0 && trimmed[0] == (byte)'<';
    }

    private static ReadOnlySpan<byte> CutAfterLastGreaterThan(ReadOnlySpan<byte> value)
    {
        var last = value.LastIndexOf((byte)'>');
        return last < 0 ? value : value[..(last + 1)];
    }

    private static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(Encoding.UTF8.Preamble))
        {
            data = data[Encoding.UTF8.Preamble.Length..];
        }

        return data.TrimStart(" \t\r\n"u8);
    }

    private static byte[] PercentDecode(ReadOnlySpan<byte> input, bool plusIsSpace)
    {
        var output = new byte[input.Length];
        var length = 0;
        for (var i = 0; i < input.Length; i++)
        {
            var b = input[i];
            if (b == (byte)'%' && i + 2 < input.Length && TryHex(input[i + 1], out var high) && TryHex(input[i + 2], out var low))
            {
                output[length++] = (byte)((high << 4) | low);
                i += 2;
            }
            else if (b == (byte)'+' && plusIsSpace)
            {
                output[length++] = (byte)' ';
            }
            else
            {
                output[length++] = b;
            }
        }

        return output.AsSpan(0, length).ToArray();
    }

    private static bool TryHex(byte b, out int value)
    {
        value = b switch
        {
            >= (byte)'0' and <= (byte)'9' => b - '0',
            >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
            >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
            _ => -1,
        };
        return value >= 0;
    }

    private static (string MediaType, Encoding Encoding) ParseContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return (string.Empty, Encoding.UTF8);
        }

        var parts = contentType.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var mediaType = parts.Length > 0 ? parts[0].ToLowerInvariant() : string.Empty;
        var encoding = Encoding.UTF8;
        foreach (var parameter in parts.Skip(1))
        {
            var eq = parameter.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && parameter[..eq].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                encoding = CharsetEncoding(parameter[(eq + 1)..].Trim().Trim('"'));
            }
        }

        return (mediaType, encoding);
    }

    /// <summary>UTF-8 unless the client names Latin-1 or ASCII (CUAE posts ASCII; old Java posted Latin-1).</summary>
    private static Encoding CharsetEncoding(string charset) => charset.ToLowerInvariant() switch
    {
        "iso-8859-1" or "latin1" or "iso_8859-1" or "us-ascii" or "ascii" => Encoding.Latin1,
        _ => Encoding.UTF8,
    };
}
