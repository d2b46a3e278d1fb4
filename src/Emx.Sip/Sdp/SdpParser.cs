using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Emx.Sip.Sdp;

/// <summary>
/// Parses a session description (RFC 8866 §5, §9) from an <c>application/sdp</c> body.
/// </summary>
/// <remarks>
/// <para>
/// Strict where a mistake changes meaning: the body must be UTF-8 without NULs, start with <c>v=0</c>, carry one
/// <c>o=</c> and one <c>s=</c>, use only the type letters RFC 8866 defines (§5: a description with an unknown one
/// must be ignored), and every <c>o=</c>, <c>c=</c>, <c>b=</c>, <c>t=</c>, <c>m=</c>, <c>a=rtpmap</c> and
/// <c>a=fmtp</c> line must follow its grammar. A medium needs a connection, its own or the session's (§5.7).
/// </para>
/// <para>
/// Tolerant where deployed UAs deviate without ambiguity: lines may end in LF alone (SIPp scenario files, some
/// gateways) and the last one may lack its line end; blank lines are skipped; within the session section and
/// within each media section the lines may come in any order (a= before c= or b=, b= after a=...); <c>t=</c> may
/// be missing; fields of the structured lines may be separated by several spaces. A session-only line after the
/// first <c>m=</c> is still an error, since it cannot be told apart from a broken body.
/// </para>
/// <para>Work is linear in the input and bounded by <see cref="SdpParserOptions"/>.</para>
/// </remarks>
public static class SdpParser
{
    // RFC 8866 §9: token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Parses a body with <see cref="SdpParserOptions.Default"/>.</summary>
    public static bool TryParse(
        ReadOnlySpan<byte> body,
        [NotNullWhen(true)] out SdpSession? session,
        [NotNullWhen(false)] out SdpParseError? error) =>
        TryParse(body, SdpParserOptions.Default, out session, out error);

    /// <summary>Parses a body, which must be UTF-8 (RFC 8866 §5: the default charset; <c>a=charset</c> is not supported).</summary>
    /// <param name="body">The message body.</param>
    /// <param name="options">Resource limits.</param>
    /// <param name="session">The session description, when parsing succeeded.</param>
    /// <param name="error">Why parsing failed, otherwise.</param>
    /// <returns>True when <paramref name="session"/> was produced.</returns>
    public static bool TryParse(
        ReadOnlySpan<byte> body,
        SdpParserOptions options,
        [NotNullWhen(true)] out SdpSession? session,
        [NotNullWhen(false)] out SdpParseError? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        session = null;
        if (body.Length > options.MaxBodySize)
        {
            error = TooLarge(options);
            return false;
        }

        if (!Utf8.IsValid(body))
        {
            error = new SdpParseError(SdpParseErrorKind.InvalidText, "The body is not valid UTF-8");
            return false;
        }

        return TryParseText(Encoding.UTF8.GetString(body), options, out session, out error);
    }

    /// <summary>Parses a body already decoded, with <see cref="SdpParserOptions.Default"/>.</summary>
    public static bool TryParse(
        string body,
        [NotNullWhen(true)] out SdpSession? session,
        [NotNullWhen(false)] out SdpParseError? error) =>
        TryParse(body, SdpParserOptions.Default, out session, out error);

    /// <summary>Parses a body already decoded; <see cref="SdpParserOptions.MaxBodySize"/> counts its UTF-8 bytes.</summary>
    public static bool TryParse(
        string body,
        SdpParserOptions options,
        [NotNullWhen(true)] out SdpSession? session,
        [NotNullWhen(false)] out SdpParseError? error)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(options);
        session = null;

        // A string longer than the limit is over it in bytes too; only a shorter one needs counting.
        if (body.Length > options.MaxBodySize || Encoding.UTF8.GetByteCount(body) > options.MaxBodySize)
        {
            error = TooLarge(options);
            return false;
        }

        return TryParseText(body, options, out session, out error);
    }

    private static SdpParseError TooLarge(SdpParserOptions options) =>
        new(SdpParseErrorKind.BodyTooLarge, $"The body is larger than {options.MaxBodySize} bytes");

    private static bool TryParseText(
        string text, SdpParserOptions options, [NotNullWhen(true)] out SdpSession? session, [NotNullWhen(false)] out SdpParseError? error)
    {
        session = null;
        var state = new ParseState();
        var position = 0;
        var lineNumber = 0;
        while (position < text.Length)
        {
            var lineFeed = text.IndexOf('\n', position);
            var end = lineFeed < 0 ? text.Length : lineFeed;
            var line = text.AsSpan(position, end - position);
            position = lineFeed < 0 ? text.Length : lineFeed + 1;
            lineNumber++;
            if (lineNumber > options.MaxLines)
            {
                error = new SdpParseError(SdpParseErrorKind.TooManyLines, $"More than {options.MaxLines} lines");
                return false;
            }

            if (!line.IsEmpty && line[^1] == '\r')
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                continue;
            }

            if (line.Length > options.MaxLineLength)
            {
                error = new SdpParseError(SdpParseErrorKind.LineTooLong, $"Line longer than {options.MaxLineLength} characters", lineNumber);
                return false;
            }

            error = ParseLine(state, line, lineNumber, options);
            if (error is not null)
            {
                return false;
            }
        }

        error = Complete(state, out session);
        return error is null;
    }

    private static SdpParseError? ParseLine(ParseState state, ReadOnlySpan<char> line, int lineNumber, SdpParserOptions options)
    {
        if (line.ContainsAny('\0', '\r'))
        {
            return new SdpParseError(SdpParseErrorKind.InvalidText, "NUL or bare CR in a line", lineNumber);
        }

        if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetter(line[0]))
        {
            return new SdpParseError(SdpParseErrorKind.MalformedLine, "Expected <type>=<value>", lineNumber);
        }

        var type = line[0];
        var value = line[2..];
        if (!state.SeenVersion)
        {
            if (type != 'v')
            {
                return new SdpParseError(SdpParseErrorKind.MissingVersion, "The first line is not v=", lineNumber);
            }

            state.SeenVersion = true;
            return value.TrimEnd(' ') is "0"
                ? null
                : new SdpParseError(SdpParseErrorKind.UnsupportedVersion, "Only v=0 is defined", lineNumber);
        }

        if (value.Length > 0 && value[0] is ' ' or '\t' && type is not ('s' or 'i' or 'a'))
        {
            return new SdpParseError(SdpParseErrorKind.MalformedLine, "Space after '='", lineNumber);
        }

        var media = state.CurrentMedia;
        switch (type)
        {
            case 'v' or 'o' or 's' or 'u' or 'e' or 'p' or 't' or 'r' or 'z' when media is not null:
                return new SdpParseError(SdpParseErrorKind.LineNotAllowedInMedia, $"{type}= after the first m= line", lineNumber);
            case 'v':
                return Duplicate('v', lineNumber);
            case 'o':
                return state.Origin is not null ? Duplicate(type, lineNumber) : ParseOrigin(state, value, lineNumber);
            case 's':
                if (state.SessionName is not null)
                {
                    return Duplicate(type, lineNumber);
                }

                state.SessionName = value.ToString();
                return null;
            case 'i':
                if ((media is null ? state.Information : media.Information) is not null)
                {
                    return Duplicate(type, lineNumber);
                }

                if (media is null)
                {
                    state.Information = value.ToString();
                }
                else
                {
                    media.Information = value.ToString();
                }

                return null;
            case 'u':
                if (state.Uri is not null)
                {
                    return Duplicate(type, lineNumber);
                }

                state.Uri = value.ToString();
                return null;
            case 'e':
                state.Emails.Add(value.ToString());
                return null;
            case 'p':
                state.Phones.Add(value.ToString());
                return null;
            case 'c':
                return ParseConnection(state, media, value, lineNumber);
            case 'b':
                return ParseBandwidth(media?.Bandwidths ?? state.Bandwidths, value, lineNumber);
            case 't':
                return ParseTiming(state, value, lineNumber);
            case 'r':
                if (state.Timings.Count == 0)
                {
                    return new SdpParseError(SdpParseErrorKind.MalformedTiming, "r= without a t= line before it", lineNumber);
                }

                state.Timings[^1].Repeats.Add(value.ToString());
                return null;
            case 'z':
                if (state.TimeZones is not null)
                {
                    return Duplicate(type, lineNumber);
                }

                state.TimeZones = value.ToString();
                return null;
            case 'k':
                if ((media is null ? state.EncryptionKey : media.EncryptionKey) is not null)
                {
                    return Duplicate(type, lineNumber);
                }

                if (media is null)
                {
                    state.EncryptionKey = value.ToString();
                }
                else
                {
                    media.EncryptionKey = value.ToString();
                }

                return null;
            case 'a':
                return ParseAttribute(media?.Attributes ?? state.Attributes, value, lineNumber);
            case 'm':
                if (state.Media.Count >= options.MaxMediaDescriptions)
                {
                    return new SdpParseError(
                        SdpParseErrorKind.TooManyMediaDescriptions, $"More than {options.MaxMediaDescriptions} m= lines", lineNumber);
                }

                return ParseMedia(state, value, lineNumber);
            default:
                return new SdpParseError(SdpParseErrorKind.UnknownLineType, $"Unknown line type '{type}'", lineNumber);
        }
    }

    private static SdpParseError Duplicate(char type, int lineNumber) =>
        new(SdpParseErrorKind.DuplicateLine, $"More than one {type}= line", lineNumber);

    private static SdpParseError? ParseOrigin(ParseState state, ReadOnlySpan<char> value, int lineNumber)
    {
        var fields = Fields(value);
        if (fields.Count != 6 || !IsDigits(fields[1]) || !IsDigits(fields[2]))
        {
            return new SdpParseError(
                SdpParseErrorKind.MalformedOrigin,
                "Expected o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> with numeric id and version",
                lineNumber);
        }

        state.Origin = new SdpOrigin(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
        return null;
    }

    private static SdpParseError? ParseConnection(ParseState state, MediaBuilder? media, ReadOnlySpan<char> value, int lineNumber)
    {
        var fields = Fields(value);
        if (fields.Count != 3)
        {
            return new SdpParseError(SdpParseErrorKind.MalformedConnection, "Expected c=<nettype> <addrtype> <address>", lineNumber);
        }

        var connection = new SdpConnection(fields[0], fields[1], fields[2]);
        if (media is not null)
        {
            media.Connections.Add(connection);
            return null;
        }

        if (state.Connection is not null)
        {
            return Duplicate('c', lineNumber);
        }

        state.Connection = connection;
        return null;
    }

    private static SdpParseError? ParseBandwidth(List<SdpBandwidth> bandwidths, ReadOnlySpan<char> value, int lineNumber)
    {
        var colon = value.IndexOf(':');
        if (colon <= 0 || !IsToken(value[..colon]) || !TryParseNumber(value[(colon + 1)..].TrimEnd(' '), out var number)
            || number > (ulong)long.MaxValue)
        {
            return new SdpParseError(SdpParseErrorKind.MalformedBandwidth, "Expected b=<bwtype>:<number>", lineNumber);
        }

        bandwidths.Add(new SdpBandwidth(value[..colon].ToString(), (long)number));
        return null;
    }

    private static SdpParseError? ParseTiming(ParseState state, ReadOnlySpan<char> value, int lineNumber)
    {
        var fields = Fields(value);
        if (fields.Count != 2 || !TryParseNumber(fields[0], out var start) || !TryParseNumber(fields[1], out var stop))
        {
            return new SdpParseError(SdpParseErrorKind.MalformedTiming, "Expected t=<start-time> <stop-time>", lineNumber);
        }

        state.Timings.Add(new TimingBuilder(start, stop));
        return null;
    }

    private static SdpParseError? ParseAttribute(List<SdpAttribute> attributes, ReadOnlySpan<char> value, int lineNumber)
    {
        var colon = value.IndexOf(':');
        var name = colon < 0 ? value : value[..colon];
        if (!IsToken(name))
        {
            return new SdpParseError(SdpParseErrorKind.MalformedAttribute, "Attribute name missing or not a token", lineNumber);
        }

        var attribute = new SdpAttribute(name.ToString(), colon < 0 ? null : value[(colon + 1)..].ToString());

        // The two attributes codec negotiation relies on are checked here, so that nothing downstream meets a
        // payload mapping it cannot read.
        if (name.Equals(SdpNames.RtpMap, StringComparison.OrdinalIgnoreCase) && !SdpRtpMap.TryParse(attribute.Value, out _))
        {
            return new SdpParseError(
                SdpParseErrorKind.MalformedAttribute, "Expected a=rtpmap:<payload type> <encoding>/<clock rate>[/<channels>]", lineNumber);
        }

        if (name.Equals(SdpNames.Fmtp, StringComparison.OrdinalIgnoreCase) && (attribute.Value is null || !IsToken(attribute.FirstToken)))
        {
            return new SdpParseError(SdpParseErrorKind.MalformedAttribute, "Expected a=fmtp:<format> <parameters>", lineNumber);
        }

        attributes.Add(attribute);
        return null;
    }

    private static SdpParseError? ParseMedia(ParseState state, ReadOnlySpan<char> value, int lineNumber)
    {
        var fields = Fields(value);
        if (fields.Count < 3 || !IsToken(fields[0]) || !IsProtocol(fields[2]))
        {
            return new SdpParseError(SdpParseErrorKind.MalformedMedia, "Expected m=<media> <port> <proto> <fmt> ...", lineNumber);
        }

        var portText = fields[1].AsSpan();
        var slash = portText.IndexOf('/');
        int? portCount = null;
        if (!TryParsePort(slash < 0 ? portText : portText[..slash], out var port))
        {
            return new SdpParseError(SdpParseErrorKind.MalformedMedia, "The port is not a number from 0 to 65535", lineNumber);
        }

        if (slash >= 0)
        {
            if (!TryParsePort(portText[(slash + 1)..], out var count) || count == 0)
            {
                return new SdpParseError(SdpParseErrorKind.MalformedMedia, "The number of ports is not a number from 1 to 65535", lineNumber);
            }

            portCount = count;
        }

        var formats = fields.GetRange(3, fields.Count - 3);

        // RFC 8866 §9 requires one format at least; a disabled stream (port 0) without any is tolerated.
        if (formats.Count == 0 && port != 0)
        {
            return new SdpParseError(SdpParseErrorKind.MalformedMedia, "No formats on an enabled stream", lineNumber);
        }

        var isRtp = SdpMediaDescription.IsRtpProtocol(fields[2]);
        foreach (var format in formats)
        {
            if (isRtp ? !SdpRtpMap.TryParsePayloadType(format, out _) : !IsToken(format))
            {
                return new SdpParseError(
                    SdpParseErrorKind.MalformedMedia, isRtp ? "An RTP format is not a payload type from 0 to 127" : "A format is not a token", lineNumber);
            }
        }

        state.Media.Add(new MediaBuilder(fields[0], port, portCount, fields[2], formats, lineNumber));
        return null;
    }

    private static SdpParseError? Complete(ParseState state, out SdpSession? session)
    {
        session = null;
        if (!state.SeenVersion)
        {
            return new SdpParseError(SdpParseErrorKind.MissingVersion, "The body is empty");
        }

        if (state.Origin is null)
        {
            return new SdpParseError(SdpParseErrorKind.MissingOrigin, "No o= line");
        }

        if (state.SessionName is null)
        {
            return new SdpParseError(SdpParseErrorKind.MissingSessionName, "No s= line");
        }

        var media = new SdpMediaDescription[state.Media.Count];
        for (var i = 0; i < media.Length; i++)
        {
            var builder = state.Media[i];
            if (builder.Connections.Count == 0 && state.Connection is null)
            {
                return new SdpParseError(
                    SdpParseErrorKind.MissingConnection, "A media description has no c= line and there is no session-level one", builder.LineNumber);
            }

            media[i] = new SdpMediaDescription
            {
                Media = builder.Media,
                Port = builder.Port,
                PortCount = builder.PortCount,
                Protocol = builder.Protocol,
                Formats = builder.Formats.ToArray(),
                Information = builder.Information,
                Connections = builder.Connections.ToArray(),
                Bandwidths = builder.Bandwidths.ToArray(),
                EncryptionKey = builder.EncryptionKey,
                Attributes = builder.Attributes.ToArray(),
            };
        }

        session = new SdpSession
        {
            Version = 0,
            Origin = state.Origin,
            SessionName = state.SessionName,
            Information = state.Information,
            Uri = state.Uri,
            Emails = state.Emails.ToArray(),
            Phones = state.Phones.ToArray(),
            Connection = state.Connection,
            Bandwidths = state.Bandwidths.ToArray(),
            Timings = state.Timings.Select(t => new SdpTiming(t.Start, t.Stop) { Repeats = t.Repeats.ToArray() }).ToArray(),
            TimeZones = state.TimeZones,
            EncryptionKey = state.EncryptionKey,
            Attributes = state.Attributes.ToArray(),
            Media = media,
        };
        return null;
    }

    /// <summary>The space-separated fields of a structured line; runs of spaces and a trailing space are tolerated.</summary>
    private static List<string> Fields(ReadOnlySpan<char> value)
    {
        var fields = new List<string>();
        foreach (var range in value.Split(' '))
        {
            var field = value[range];
            if (!field.IsEmpty)
            {
                fields.Add(field.ToString());
            }
        }

        return fields;
    }

    internal static bool IsToken(ReadOnlySpan<char> value) => !value.IsEmpty && !value.ContainsAnyExcept(TokenChars);

    private static bool IsProtocol(string value)
    {
        foreach (var range in value.AsSpan().Split('/'))
        {
            if (!IsToken(value.AsSpan(range)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> value) => !value.IsEmpty && !value.ContainsAnyExceptInRange('0', '9');

    private static bool TryParseNumber(ReadOnlySpan<char> value, out ulong number)
    {
        number = 0;
        return IsDigits(value) && ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    private static bool TryParsePort(ReadOnlySpan<char> value, out int port)
    {
        port = 0;
        if (value.Length is 0 or > 5 || !IsDigits(value))
        {
            return false;
        }

        port = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
        return port <= 65535;
    }

    private sealed class ParseState
    {
        public bool SeenVersion { get; set; }

        public SdpOrigin? Origin { get; set; }

        public string? SessionName { get; set; }

        public string? Information { get; set; }

        public string? Uri { get; set; }

        public List<string> Emails { get; } = [];

        public List<string> Phones { get; } = [];

        public SdpConnection? Connection { get; set; }

        public List<SdpBandwidth> Bandwidths { get; } = [];

        public List<TimingBuilder> Timings { get; } = [];

        public string? TimeZones { get; set; }

        public string? EncryptionKey { get; set; }

        public List<SdpAttribute> Attributes { get; } = [];

        public List<MediaBuilder> Media { get; } = [];

        public MediaBuilder? CurrentMedia => Media.Count == 0 ? null : Media[^1];
    }

    private sealed class TimingBuilder(ulong start, ulong stop)
    {
        public ulong Start { get; } = start;

        public ulong Stop { get; } = stop;

        public List<string> Repeats { get; } = [];
    }

    private sealed class MediaBuilder(string media, int port, int? portCount, string protocol, List<string> formats, int lineNumber)
    {
        public string Media { get; } = media;

        public int Port { get; } = port;

        public int? PortCount { get; } = portCount;

        public string Protocol { get; } = protocol;

        public List<string> Formats { get; } = formats;

        public int LineNumber { get; } = lineNumber;

        public string? Information { get; set; }

        public List<SdpConnection> Connections { get; } = [];

        public List<SdpBandwidth> Bandwidths { get; } = [];

        public string? EncryptionKey { get; set; }

        public List<SdpAttribute> Attributes { get; } = [];
    }
}
