namespace Emx.Sip.Parsing;

/// <summary>
/// Resource limits for <see cref="SipMessageParser"/> and <see cref="SipStreamFramer"/>. Exceeding one yields a
/// distinct <see cref="SipParseErrorKind"/> whose suggested response is 513 (Message Too Large).
/// </summary>
public sealed class SipParserOptions
{
    private readonly int _maxMessageSize = 64 * 1024;
    private readonly int _maxHeaderCount = 256;
    private readonly int _maxHeaderLineLength = 8 * 1024;

    /// <summary>The default limits: 64 KiB messages, 256 header values, 8 KiB header fields.</summary>
    public static SipParserOptions Default { get; } = new();

    /// <summary>
    /// The largest message (start line, headers and body) accepted, in bytes. The default, 64 KiB, is the
    /// largest UDP datagram; RFC 3261 §18.1.1 expects larger messages to use a congestion-controlled transport.
    /// </summary>
    public int MaxMessageSize
    {
        get => _maxMessageSize;
        init => _maxMessageSize = Positive(value);
    }

    /// <summary>
    /// The most header field values accepted; each element of a comma-separated list counts, so a single
    /// line cannot smuggle in thousands of Via or Contact values.
    /// </summary>
    public int MaxHeaderCount
    {
        get => _maxHeaderCount;
        init => _maxHeaderCount = Positive(value);
    }

    /// <summary>
    /// The longest start line or header field accepted, in bytes; a folded field counts all its continuation
    /// lines, so folding cannot be used to get around the limit.
    /// </summary>
    public int MaxHeaderLineLength
    {
        get => _maxHeaderLineLength;
        init => _maxHeaderLineLength = Positive(value);
    }

    private static int Positive(int value) =>
        value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Limits must be positive.");
}
