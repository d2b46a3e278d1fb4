using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;
using Emx.Sip.Messages;

namespace Emx.Sip.Parsing;

/// <summary>
/// Parses one SIP message (RFC 3261 §7) from a UDP datagram or from a frame cut by <see cref="SipStreamFramer"/>.
/// </summary>
/// <remarks>
/// <para>
/// Parsing is strict where RFC 3261's grammar is, because what a parser lets through a proxy forwards: a bad
/// start line, header line or known header's value fails the message. Unknown headers are kept verbatim, and
/// semantic rules (mandatory headers, duplicates, Max-Forwards, extensions...) are left to
/// <see cref="Validation.SipRequestValidator"/>.
/// </para>
/// <para>
/// Work is linear in the input and bounded by <see cref="SipParserOptions"/>: no line is searched beyond the
/// header-line limit, no header section beyond the message-size limit.
/// </para>
/// </remarks>
public static class SipMessageParser
{
    private static readonly SearchValues<byte> WhitespaceBytes = SearchValues.Create(" \t"u8);

    private static ReadOnlySpan<byte> Whitespace => " \t"u8;

    /// <summary>Parses with <see cref="SipParserOptions.Default"/>.</summary>
    public static bool TryParse(
        ReadOnlySpan<byte> data,
        [NotNullWhen(true)] out SipMessage? message,
        [NotNullWhen(false)] out SipParseError? error) =>
        TryParse(data, SipParserOptions.Default, out message, out error);

    /// <summary>
    /// Parses one message. Octets after the body that Content-Length delimits are ignored, as RFC 3261 §18.3
    /// requires for datagrams (RFC 4475 dblreq); without Content-Length the body runs to the end of the data.
    /// </summary>
    /// <param name="data">The datagram, or one complete frame from a stream.</param>
    /// <param name="options">Resource limits.</param>
    /// <param name="message">The message, when parsing succeeded.</param>
    /// <param name="error">Why parsing failed and what to answer, otherwise.</param>
    /// <returns>True when <paramref name="message"/> was produced.</returns>
    public static bool TryParse(
        ReadOnlySpan<byte> data,
        SipParserOptions options,
        [NotNullWhen(true)] out SipMessage? message,
        [NotNullWhen(false)] out SipParseError? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        message = null;

        // RFC 3261 §7.5: CRLFs before the start line are ignored (they are keep-alives, RFC 5626 §3.5.1).
        var offset = 0;
        while (offset + 1 < data.Length && data[offset] == '\r' && data[offset + 1] == '\n')
        {
            offset += 2;
        }

        data = data[offset..];
        if (data.IsEmpty)
        {
            error = new SipParseError(SipParseErrorKind.Empty, "Empty message", isResponse: false);
            return false;
        }

        var isResponse = data.Length >= 4 && Ascii.EqualsIgnoreCase(data[..4], "SIP/"u8);
        var startLineLength = IndexOfLineEnd(data, options.MaxHeaderLineLength);
        if (startLineLength < 0)
        {
            error = LineError(data, options, isResponse, null, null, "start line");
            return false;
        }

        // The headers are read even after a bad start line: a 400 response needs the Via, From, To, Call-ID and
        // CSeq of the request it answers (RFC 3261 §8.2.6).
        var startLine = ParseStartLine(data[..startLineLength], isResponse);
        SipMessage? candidate = null;
        if (startLine.Error is null)
        {
            candidate = startLine.IsResponse
                ? new SipResponse(startLine.StatusCode, startLine.ReasonPhrase)
                : new SipRequest(startLine.Method!, startLine.RequestUri!);
        }

        var headers = candidate?.Headers ?? new SipHeaderCollection();
        if (!TryReadHeaders(data, startLineLength + 2, options, headers, startLine, out var bodyStart, out error))
        {
            return false;
        }

        if (startLine.Error is { } startLineError)
        {
            error = new SipParseError(startLineError.Kind, startLineError.Reason, isResponse, startLine.Method, headers);
            return false;
        }

        if (!TryGetBody(data, bodyStart, headers, options, startLine, out var body, out error))
        {
            return false;
        }

        message = candidate!;
        message.Body = body;

        // Known headers are checked here rather than on first use, so that nothing downstream meets a message
        // whose Via, CSeq or Contact cannot be read (RFC 4475 §3.1.2: badinv01, scalar02, quotbal, baddate...).
        if (message.FindMalformedHeader() is { } malformed)
        {
            error = new SipParseError(
                SipParseErrorKind.MalformedHeader, $"Malformed {malformed} header field", isResponse, startLine.Method, headers, malformed);
            message = null;
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>
    /// The length of the line at the start of <paramref name="data"/> (up to its CRLF), or -1 when no CRLF
    /// occurs within <paramref name="limit"/> octets.
    /// </summary>
    internal static int IndexOfLineEnd(ReadOnlySpan<byte> data, int limit)
    {
        var window = data.Length > limit + 2 ? data[..(limit + 2)] : data;
        var index = window.IndexOf("\r\n"u8);
        return index > limit ? -1 : index;
    }

    private static SipParseError LineError(
        ReadOnlySpan<byte> rest, SipParserOptions options, bool isResponse, string? method, SipHeaderCollection? headers, string what) =>
        rest.Length > options.MaxHeaderLineLength
            ? new SipParseError(SipParseErrorKind.HeaderLineTooLong, $"Header line too long ({what})", isResponse, method, headers)
            : new SipParseError(SipParseErrorKind.Truncated, $"Message truncated in the {what}", isResponse, method, headers);

    /// <summary>
    /// Reads header lines after the start line up to the empty line, unfolding continuation lines
    /// (RFC 3261 §7.3.1) and splitting comma-separated lists of list-valued headers.
    /// </summary>
    private static bool TryReadHeaders(
        ReadOnlySpan<byte> data,
        int position,
        SipParserOptions options,
        SipHeaderCollection headers,
        StartLine startLine,
        out int bodyStart,
        [NotNullWhen(false)] out SipParseError? error)
    {
        bodyStart = data.Length;
        var fieldStart = -1;
        var fieldEnd = -1;
        while (true)
        {
            if (position > options.MaxMessageSize)
            {
                error = new SipParseError(
                    SipParseErrorKind.MessageTooLarge, "Message too large (header section)", startLine.IsResponseLike, startLine.Method, headers);
                return false;
            }

            if (position >= data.Length)
            {
                // The datagram ended after a complete header line but without the empty line. RFC 3261 §7 wants
                // the empty line; on a datagram its end is the message boundary anyway (§18.3), so the header
                // section is taken as complete and the body as empty. (Stream frames always have the empty line.)
                bodyStart = data.Length;
                break;
            }

            var rest = data[position..];
            var lineLength = IndexOfLineEnd(rest, options.MaxHeaderLineLength);
            if (lineLength < 0)
            {
                error = LineError(rest, options, startLine.IsResponseLike, startLine.Method, headers, "header section");
                return false;
            }

            if (lineLength == 0)
            {
                bodyStart = position + 2;
                break;
            }

            if (SipCharacters.IsWhitespace(rest[0]))
            {
                // A continuation line (header folding) extends the field it follows.
                if (fieldStart < 0)
                {
                    error = new SipParseError(
                        SipParseErrorKind.MalformedHeader, "Header section starts with a continuation line", startLine.IsResponseLike, startLine.Method, headers);
                    return false;
                }

                fieldEnd = position + lineLength;
                if (fieldEnd - fieldStart > options.MaxHeaderLineLength)
                {
                    error = new SipParseError(
                        SipParseErrorKind.HeaderLineTooLong, "Header line too long (folded field)", startLine.IsResponseLike, startLine.Method, headers);
                    return false;
                }
            }
            else
            {
                if (fieldStart >= 0 && !TryAddField(data[fieldStart..fieldEnd], options, headers, startLine, out error))
                {
                    return false;
                }

                fieldStart = position;
                fieldEnd = position + lineLength;
            }

            position += lineLength + 2;
        }

        if (fieldStart >= 0 && !TryAddField(data[fieldStart..fieldEnd], options, headers, startLine, out error))
        {
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryAddField(
        ReadOnlySpan<byte> field,
        SipParserOptions options,
        SipHeaderCollection headers,
        StartLine startLine,
        [NotNullWhen(false)] out SipParseError? error)
    {
        // header-name HCOLON value, where HCOLON = *( SP / HTAB ) ":" SWS: the colon is on the first line.
        var firstLineLength = field.IndexOf((byte)'\r');
        var colon = (firstLineLength < 0 ? field : field[..firstLineLength]).IndexOf((byte)':');
        if (colon < 0)
        {
            error = Malformed("Header line without a colon", null);
            return false;
        }

        var nameBytes = field[..colon].TrimEnd(Whitespace);
        if (nameBytes.IsEmpty || nameBytes.IndexOfAnyExcept(SipCharacters.TokenBytes) >= 0)
        {
            error = Malformed("Invalid header name", null);
            return false;
        }

        var name = HeaderName(nameBytes);
        if (!TryDecodeValue(field[(colon + 1)..], out var value))
        {
            error = Malformed($"Invalid characters in {name} header field", name);
            return false;
        }

        return SipHeaderNames.IsList(name)
            ? TrySplitList(value, name, headers, options, startLine, out error)
            : TryAddValue(name, value, headers, options, startLine, out error);

        SipParseError Malformed(string reason, string? headerName) =>
            new(SipParseErrorKind.MalformedHeader, reason, startLine.IsResponseLike, startLine.Method, headers, headerName);
    }

    /// <summary>
    /// Splits a list-valued header at commas that are outside quoted strings and angle brackets
    /// (RFC 3261 §7.3.1), adding each element. Empty elements (RFC 4475 badinv01: <c>;;,;,,</c>) are an error.
    /// </summary>
    private static bool TrySplitList(
        string value,
        string name,
        SipHeaderCollection headers,
        SipParserOptions options,
        StartLine startLine,
        [NotNullWhen(false)] out SipParseError? error)
    {
        error = null;
        if (value.Length == 0 || !value.Contains(',', StringComparison.Ordinal))
        {
            // An entirely empty value is legal for lists such as Supported or Accept.
            return Add(value, out error);
        }

        var inQuotes = false;
        var inAngles = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuotes)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
            }
            else if (inAngles)
            {
                inAngles = c != '>';
            }
            else if (c == '"')
            {
                inQuotes = true;
            }
            else if (c == '<')
            {
                inAngles = true;
            }
            else if (c == ',')
            {
                if (!Add(Trim(value, start, i), out error))
                {
                    return false;
                }

                start = i + 1;
            }
        }

        return Add(Trim(value, start, value.Length), out error);

        bool Add(string element, [NotNullWhen(false)] out SipParseError? addError)
        {
            if (element.Length == 0 && value.Length != 0)
            {
                addError = new SipParseError(
                    SipParseErrorKind.MalformedHeader, $"Empty element in {name} header field", startLine.IsResponseLike, startLine.Method, headers, name);
                return false;
            }

            return TryAddValue(name, element, headers, options, startLine, out addError);
        }

        static string Trim(string text, int start, int end) => text[start..end].Trim(' ', '\t');
    }

    /// <summary>Adds one header value, enforcing <see cref="SipParserOptions.MaxHeaderCount"/>.</summary>
    private static bool TryAddValue(
        string name,
        string value,
        SipHeaderCollection headers,
        SipParserOptions options,
        StartLine startLine,
        [NotNullWhen(false)] out SipParseError? error)
    {
        if (headers.Count >= options.MaxHeaderCount)
        {
            error = new SipParseError(
                SipParseErrorKind.TooManyHeaders, "Too many header fields", startLine.IsResponseLike, startLine.Method, headers);
            return false;
        }

        headers.AddUnchecked(name, value);
        error = null;
        return true;
    }

    private static string HeaderName(ReadOnlySpan<byte> name)
    {
        Span<char> chars = name.Length <= 128 ? stackalloc char[name.Length] : new char[name.Length];
        Encoding.ASCII.GetChars(name, chars);
        return SipHeaderNames.TryGetCanonical(chars, out var canonical) ? canonical : new string(chars);
    }

    /// <summary>
    /// Unfolds (each CRLF with the white space around it becomes one SP), trims, checks and decodes a header value.
    /// Control characters are only allowed inside a quoted-pair of a quoted-string (RFC 4475 intmeth quotes NUL,
    /// BEL and DEL); the octets must be UTF-8 (RFC 3261 §7.3.1, TEXT-UTF8).
    /// </summary>
    private static bool TryDecodeValue(ReadOnlySpan<byte> raw, out string value)
    {
        value = string.Empty;
        byte[]? rented = null;
        try
        {
            if (raw.IndexOf((byte)'\r') >= 0)
            {
                rented = ArrayPool<byte>.Shared.Rent(raw.Length);
                raw = Unfold(raw, rented);
            }

            raw = raw.Trim(Whitespace);
            if (raw.IndexOfAny(SipCharacters.ControlBytes) >= 0 && !ControlsAreQuoted(raw))
            {
                return false;
            }

            if (!Ascii.IsValid(raw) && !Utf8.IsValid(raw))
            {
                return false;
            }

            value = raw.IsEmpty ? string.Empty : Encoding.UTF8.GetString(raw);
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static ReadOnlySpan<byte> Unfold(ReadOnlySpan<byte> raw, byte[] buffer)
    {
        var length = 0;
        while (!raw.IsEmpty)
        {
            var crlf = raw.IndexOf("\r\n"u8);
            if (crlf < 0)
            {
                raw.CopyTo(buffer.AsSpan(length));
                length += raw.Length;
                break;
            }

            var segment = raw[..crlf].TrimEnd(Whitespace);
            segment.CopyTo(buffer.AsSpan(length));
            length += segment.Length;
            buffer[length++] = (byte)' ';
            raw = raw[(crlf + 2)..].TrimStart(Whitespace);
        }

        return buffer.AsSpan(0, length);
    }

    private static bool ControlsAreQuoted(ReadOnlySpan<byte> value)
    {
        var inQuotes = false;
        for (var i = 0; i < value.Length; i++)
        {
            var b = value[i];
            if (inQuotes && b == '\\' && i + 1 < value.Length && value[i + 1] is not ((byte)'\r' or (byte)'\n'))
            {
                i++;
            }
            else if (b == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (SipCharacters.ControlBytes.Contains(b))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryGetBody(
        ReadOnlySpan<byte> data,
        int bodyStart,
        SipHeaderCollection headers,
        SipParserOptions options,
        StartLine startLine,
        out ReadOnlyMemory<byte> body,
        [NotNullWhen(false)] out SipParseError? error)
    {
        body = ReadOnlyMemory<byte>.Empty;
        var available = data.Length - bodyStart;
        long length = -1;
        foreach (var header in headers)
        {
            if (!SipHeaderCollection.NameEquals(header.Name, SipHeaderNames.ContentLength))
            {
                continue;
            }

            if (!SipGrammar.TryParseDigits(header.Value, out var value))
            {
                // Content-Length = 1*DIGIT: "-999" (RFC 4475 ncl) or "five" cannot frame anything.
                error = Error(SipParseErrorKind.InvalidContentLength, "Invalid Content-Length");
                return false;
            }

            var clamped = (long)Math.Min(value, long.MaxValue);
            if (length >= 0 && clamped != length)
            {
                // RFC 4475 §3.3.9 (mcl01): "From a framing perspective, this situation is equivalent to an invalid
                // Content-Length value": which one delimits the body cannot be known.
                error = Error(SipParseErrorKind.InvalidContentLength, "Conflicting Content-Length values");
                return false;
            }

            length = clamped;
        }

        if (length < 0)
        {
            // No Content-Length: on a datagram the body is the rest of the packet (RFC 3261 §18.3, §20.14).
            length = available;
        }

        if (bodyStart + length > options.MaxMessageSize)
        {
            error = Error(SipParseErrorKind.MessageTooLarge, "Message too large");
            return false;
        }

        if (length > available)
        {
            // RFC 3261 §18.3: a message shorter than its Content-Length is an error: requests get a 400,
            // responses are discarded (RFC 4475 clerr).
            error = Error(SipParseErrorKind.Truncated, "Content-Length exceeds the message length");
            return false;
        }

        body = length == 0 ? ReadOnlyMemory<byte>.Empty : data.Slice(bodyStart, (int)length).ToArray();
        error = null;
        return true;

        SipParseError Error(SipParseErrorKind kind, string reason) =>
            new(kind, reason, startLine.IsResponseLike, startLine.Method, headers, SipHeaderNames.ContentLength);
    }

    private static StartLine ParseStartLine(ReadOnlySpan<byte> line, bool isResponse) =>
        isResponse ? ParseStatusLine(line) : ParseRequestLine(line);

    // Request-Line = Method SP Request-URI SP SIP-Version CRLF
    private static StartLine ParseRequestLine(ReadOnlySpan<byte> line)
    {
        var firstSpace = line.IndexOf((byte)' ');
        if (firstSpace <= 0 || line[..firstSpace].IndexOfAnyExcept(SipCharacters.TokenBytes) >= 0)
        {
            return StartLine.Failed(SipParseErrorKind.MalformedStartLine, "Malformed Request-Line", null, isResponse: false);
        }

        Span<char> methodChars = firstSpace <= 64 ? stackalloc char[firstSpace] : new char[firstSpace];
        Encoding.ASCII.GetChars(line[..firstSpace], methodChars);
        var method = SipMethods.Intern(methodChars);
        var lastSpace = line.LastIndexOf((byte)' ');
        if (lastSpace == firstSpace)
        {
            return StartLine.Failed(SipParseErrorKind.MalformedStartLine, "Malformed Request-Line", method, isResponse: false);
        }

        if (lastSpace == line.Length - 1)
        {
            // RFC 4475 trws: SP after the SIP-Version.
            return StartLine.Failed(SipParseErrorKind.MalformedStartLine, "Trailing white space in Request-Line", method, isResponse: false);
        }

        var uriBytes = line[(firstSpace + 1)..lastSpace];
        if (uriBytes.IsEmpty || uriBytes[0] == ' ' || uriBytes[^1] == ' ')
        {
            // RFC 4475 lwsstart: the elements are separated by exactly one SP.
            return StartLine.Failed(SipParseErrorKind.MalformedStartLine, "Request-Line elements must be separated by single spaces", method, isResponse: false);
        }

        var versionResult = CheckVersion(line[(lastSpace + 1)..]);
        if (versionResult is not null)
        {
            return StartLine.Failed(versionResult.Value.Kind, versionResult.Value.Reason, method, isResponse: false);
        }

        if (uriBytes.IndexOfAny(WhitespaceBytes) >= 0)
        {
            // RFC 4475 lwsruri.
            return StartLine.Failed(SipParseErrorKind.MalformedStartLine, "White space in Request-URI", method, isResponse: false);
        }

        if (!Ascii.IsValid(uriBytes) || !SipUri.TryParse(Encoding.ASCII.GetString(uriBytes), out var uri))
        {
            // RFC 4475 ltgtruri: "<sip:...>" is not a URI.
            return StartLine.Failed(SipParseErrorKind.MalformedStartLine, "Malformed Request-URI", method, isResponse: false);
        }

        if (uri.IsSip && uri.Headers.Count > 0)
        {
            // RFC 3261 §19.1.1 (table): headers are not allowed in the Request-URI (RFC 4475 escruri).
            return StartLine.Failed(SipParseErrorKind.MalformedStartLine, "Headers not allowed in Request-URI", method, isResponse: false);
        }

        return StartLine.Request(method, uri);
    }

    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
    private static StartLine ParseStatusLine(ReadOnlySpan<byte> line)
    {
        var space = line.IndexOf((byte)' ');
        if (space < 0)
        {
            return StartLine.Failed(SipParseErrorKind.MalformedStartLine, "Malformed Status-Line", null, isResponse: true);
        }

        var versionResult = CheckVersion(line[..space]);
        if (versionResult is not null)
        {
            return StartLine.Failed(versionResult.Value.Kind, versionResult.Value.Reason, null, isResponse: true);
        }

        // Status-Code = 3DIGIT, 100-699 (RFC 4475 bigcode sends 4294967301).
        var rest = line[(space + 1)..];
        var codeLength = rest.IndexOf((byte)' ');
        var code = codeLength < 0 ? rest : rest[..codeLength];
        if (code.Length != 3 || code.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0 || code[0] is < (byte)'1' or > (byte)'6')
        {
            return StartLine.Failed(SipParseErrorKind.MalformedStartLine, "Invalid Status-Code", null, isResponse: true);
        }

        var statusCode = ((code[0] - '0') * 100) + ((code[1] - '0') * 10) + (code[2] - '0');

        // Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII / UTF8-CONT / SP / HTAB): any UTF-8
        // text without control characters; it may be empty (RFC 4475 noreason) or non-ASCII (unreason).
        var reason = codeLength < 0 ? [] : rest[(codeLength + 1)..];
        if (reason.IndexOfAny(SipCharacters.ControlBytes) >= 0 || !Utf8.IsValid(reason))
        {
            return StartLine.Failed(SipParseErrorKind.MalformedStartLine, "Invalid Reason-Phrase", null, isResponse: true);
        }

        return StartLine.Response(statusCode, Encoding.UTF8.GetString(reason));
    }

    // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; only 2.0 is supported.
    private static (SipParseErrorKind Kind, string Reason)? CheckVersion(ReadOnlySpan<byte> version)
    {
        if (version.Length < 7 || !Ascii.EqualsIgnoreCase(version[..4], "SIP/"u8))
        {
            return (SipParseErrorKind.MalformedStartLine, "Invalid SIP-Version");
        }

        var number = version[4..];
        var dot = number.IndexOf((byte)'.');
        if (dot <= 0 || dot == number.Length - 1
            || number[..dot].IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
            || number[(dot + 1)..].IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0)
        {
            return (SipParseErrorKind.MalformedStartLine, "Invalid SIP-Version");
        }

        var major = number[..dot].TrimStart((byte)'0');
        var minor = number[(dot + 1)..].TrimStart((byte)'0');
        return major.SequenceEqual("2"u8) && minor.IsEmpty
            ? null
            : (SipParseErrorKind.VersionNotSupported, "SIP Version Not Supported");
    }

    /// <summary>The outcome of reading the start line; an error is reported once the headers are read too.</summary>
    private sealed class StartLine
    {
        private StartLine()
        {
        }

        public bool IsResponse { get; private init; }

        /// <summary>True when the line started like a Status-Line, even if it then failed to parse.</summary>
        public bool IsResponseLike { get; private init; }

        public string? Method { get; private init; }

        public SipUri? RequestUri { get; private init; }

        public int StatusCode { get; private init; }

        public string ReasonPhrase { get; private init; } = string.Empty;

        public (SipParseErrorKind Kind, string Reason)? Error { get; private init; }

        public static StartLine Request(string method, SipUri uri) => new() { Method = method, RequestUri = uri };

        public static StartLine Response(int statusCode, string reasonPhrase) =>
            new() { IsResponse = true, IsResponseLike = true, StatusCode = statusCode, ReasonPhrase = reasonPhrase };

        public static StartLine Failed(SipParseErrorKind kind, string reason, string? method, bool isResponse) =>
            new() { IsResponseLike = isResponse, Method = method, Error = (kind, reason) };
    }
}
