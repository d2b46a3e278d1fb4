namespace Emx.Sip.Sdp;

/// <summary>Why a session description was rejected.</summary>
public enum SdpParseErrorKind
{
    /// <summary>The body is larger than <see cref="SdpParserOptions.MaxBodySize"/>.</summary>
    BodyTooLarge = 1,

    /// <summary>More lines than <see cref="SdpParserOptions.MaxLines"/>.</summary>
    TooManyLines,

    /// <summary>A line longer than <see cref="SdpParserOptions.MaxLineLength"/>.</summary>
    LineTooLong,

    /// <summary>More <c>m=</c> lines than <see cref="SdpParserOptions.MaxMediaDescriptions"/>.</summary>
    TooManyMediaDescriptions,

    /// <summary>The body is not UTF-8, or holds a NUL or a CR that does not end a line (RFC 8866 §5, §9).</summary>
    InvalidText,

    /// <summary>A line is not <c>&lt;type&gt;=&lt;value&gt;</c> with a lower-case letter as type and no space around <c>=</c>.</summary>
    MalformedLine,

    /// <summary>A type letter RFC 8866 does not define; §5 says such a description must be ignored as a whole.</summary>
    UnknownLineType,

    /// <summary>The first line is not <c>v=</c> (or the body is empty).</summary>
    MissingVersion,

    /// <summary>A <c>v=</c> value other than 0.</summary>
    UnsupportedVersion,

    /// <summary>No <c>o=</c> line.</summary>
    MissingOrigin,

    /// <summary>No <c>s=</c> line.</summary>
    MissingSessionName,

    /// <summary>A medium has no <c>c=</c> line and there is no session-level one (RFC 8866 §5.7).</summary>
    MissingConnection,

    /// <summary>A line that may occur once per level (v, o, s, i, u, c at session level, z, k) occurs again.</summary>
    DuplicateLine,

    /// <summary>A session-only line (v, o, s, u, e, p, t, r, z) after the first <c>m=</c> line.</summary>
    LineNotAllowedInMedia,

    /// <summary>The <c>o=</c> line does not have six fields, or its session id or version is not a number.</summary>
    MalformedOrigin,

    /// <summary>A <c>c=</c> line does not have three fields.</summary>
    MalformedConnection,

    /// <summary>A <c>b=</c> line is not <c>&lt;type&gt;:&lt;number&gt;</c>.</summary>
    MalformedBandwidth,

    /// <summary>A <c>t=</c> line is not two numbers, or an <c>r=</c> line has no <c>t=</c> line before it.</summary>
    MalformedTiming,

    /// <summary>
    /// An <c>m=</c> line lacks a field, has a port or port count that is not a number in range, has no formats on
    /// an enabled stream, or lists a format that is not a payload type (0-127) for an RTP protocol.
    /// </summary>
    MalformedMedia,

    /// <summary>An <c>a=</c> line has no name, or an rtpmap or fmtp value does not follow its grammar.</summary>
    MalformedAttribute,
}

/// <summary>Why <see cref="SdpParser"/> rejected a body, and where.</summary>
/// <param name="Kind">The kind of failure.</param>
/// <param name="Reason">A short human-readable description (safe to log: it never quotes the body).</param>
/// <param name="LineNumber">The 1-based line of the problem, or 0 when it concerns the whole body.</param>
public sealed record SdpParseError(SdpParseErrorKind Kind, string Reason, int LineNumber = 0)
{
    /// <summary>True for the errors caused by <see cref="SdpParserOptions"/> limits.</summary>
    public bool IsLimitExceeded => Kind is SdpParseErrorKind.BodyTooLarge or SdpParseErrorKind.TooManyLines
        or SdpParseErrorKind.LineTooLong or SdpParseErrorKind.TooManyMediaDescriptions;

    /// <inheritdoc/>
    public override string ToString() => LineNumber > 0 ? $"{Kind} at line {LineNumber}: {Reason}" : $"{Kind}: {Reason}";
}

/// <summary>
/// Resource limits of <see cref="SdpParser"/>. The defaults are far above what phones send (a Cisco video phone's
/// offer is about 2 KiB and 60 lines; a WebRTC offer with ICE candidates a few hundred lines).
/// </summary>
public sealed class SdpParserOptions
{
    private readonly int _maxBodySize = 64 * 1024;
    private readonly int _maxLines = 1024;
    private readonly int _maxLineLength = 4096;
    private readonly int _maxMediaDescriptions = 32;

    /// <summary>The default limits: 64 KiB, 1,024 lines of at most 4,096 characters, 32 media descriptions.</summary>
    public static SdpParserOptions Default { get; } = new();

    /// <summary>The largest body accepted, in bytes (UTF-8). Default 64 KiB, the largest SIP message over UDP.</summary>
    public int MaxBodySize
    {
        get => _maxBodySize;
        init => _maxBodySize = Positive(value);
    }

    /// <summary>The most lines accepted, blank lines included. Default 1,024.</summary>
    public int MaxLines
    {
        get => _maxLines;
        init => _maxLines = Positive(value);
    }

    /// <summary>The longest line accepted, in characters, without its line end. Default 4,096.</summary>
    public int MaxLineLength
    {
        get => _maxLineLength;
        init => _maxLineLength = Positive(value);
    }

    /// <summary>The most <c>m=</c> lines accepted. Default 32.</summary>
    public int MaxMediaDescriptions
    {
        get => _maxMediaDescriptions;
        init => _maxMediaDescriptions = Positive(value);
    }

    private static int Positive(int value) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Limits must be positive.");
}
