namespace Emx.Sip.Parsing;

/// <summary>Why a message could not be parsed or framed.</summary>
public enum SipParseErrorKind
{
    /// <summary>Nothing but CRLFs (a keep-alive, RFC 5626 §3.5.1) or no bytes at all; drop silently.</summary>
    Empty = 0,

    /// <summary>The Request-Line or Status-Line does not follow RFC 3261 §7.1/§7.2.</summary>
    MalformedStartLine,

    /// <summary>A well-formed SIP-Version other than SIP/2.0 (RFC 3261 §8.2.2 answers requests with 505).</summary>
    VersionNotSupported,

    /// <summary>A header line or a known header's value does not follow its grammar.</summary>
    MalformedHeader,

    /// <summary>Content-Length is not a non-negative integer, conflicts with another, or is missing on a stream.</summary>
    InvalidContentLength,

    /// <summary>The message ends inside a line, or its body is shorter than Content-Length.</summary>
    Truncated,

    /// <summary>The message is larger than <see cref="SipParserOptions.MaxMessageSize"/>.</summary>
    MessageTooLarge,

    /// <summary>More header values than <see cref="SipParserOptions.MaxHeaderCount"/>.</summary>
    TooManyHeaders,

    /// <summary>A start line or header field longer than <see cref="SipParserOptions.MaxHeaderLineLength"/>.</summary>
    HeaderLineTooLong,
}
