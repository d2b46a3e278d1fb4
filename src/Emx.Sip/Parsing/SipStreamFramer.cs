using System.Text;

namespace Emx.Sip.Parsing;

/// <summary>
/// Cuts a byte stream (TCP, TLS) into messages: the header section ends at the first empty line and the body
/// is exactly Content-Length bytes, which RFC 3261 §18.3 makes mandatory on streams. Use one instance per
/// connection.
/// </summary>
/// <remarks>
/// Call <see cref="Frame"/> with all unconsumed bytes, starting at the beginning of the next message, each
/// time more arrive. The framer remembers how far it has searched, so a message that trickles in byte by byte
/// costs linear, not quadratic, time. After a <see cref="SipFrameStatus.Message"/> or keep-alive result,
/// consume <see cref="SipFrameResult.Length"/> bytes and call again: several messages may be buffered.
/// </remarks>
public sealed class SipStreamFramer
{
    private readonly SipParserOptions _options;
    private int _searched;
    private int _frameLength = -1;

    /// <summary>Creates a framer with the given limits (default <see cref="SipParserOptions.Default"/>).</summary>
    public SipStreamFramer(SipParserOptions? options = null) => _options = options ?? SipParserOptions.Default;

    /// <summary>Examines the unconsumed bytes of the stream.</summary>
    public SipFrameResult Frame(ReadOnlySpan<byte> buffer)
    {
        if (_frameLength >= 0)
        {
            return buffer.Length >= _frameLength ? Complete() : NeedMore();
        }

        if (buffer.IsEmpty)
        {
            return NeedMore();
        }

        if (buffer[0] == '\r')
        {
            return FrameKeepAlive(buffer);
        }

        // The header section ends at CRLFCRLF; resume the search where the previous call stopped.
        var limit = Math.Min(buffer.Length, _options.MaxMessageSize);
        var from = Math.Min(Math.Max(0, _searched - 3), limit);
        var index = buffer[from..limit].IndexOf("\r\n\r\n"u8);
        if (index < 0)
        {
            if (buffer.Length >= _options.MaxMessageSize)
            {
                return Invalid(buffer, SipParseErrorKind.MessageTooLarge, "Message too large (header section)");
            }

            _searched = buffer.Length;
            return NeedMore();
        }

        var headerEnd = from + index + 4;
        var contentLength = FindContentLength(buffer[..(headerEnd - 2)], out var reason);
        if (contentLength < 0)
        {
            return Invalid(buffer, SipParseErrorKind.InvalidContentLength, reason!);
        }

        if (headerEnd + contentLength > _options.MaxMessageSize)
        {
            return Invalid(buffer, SipParseErrorKind.MessageTooLarge, "Message too large");
        }

        _frameLength = headerEnd + (int)contentLength;
        return buffer.Length >= _frameLength ? Complete() : NeedMore();
    }

    /// <summary>Forgets any partially framed message (e.g. when the connection is reused after an error).</summary>
    public void Reset()
    {
        _searched = 0;
        _frameLength = -1;
    }

    /// <summary>
    /// Finds the single Content-Length value (full or compact "l" name, any case, possibly folded).
    /// Returns -1 with a reason when it is missing, malformed or given twice with different values.
    /// </summary>
    private static long FindContentLength(ReadOnlySpan<byte> headerSection, out string? reason)
    {
        reason = null;
        long result = -1;

        // Skip the start line; then each field is a line not starting with white space plus its continuations.
        var position = headerSection.IndexOf("\r\n"u8) + 2;
        while (position < headerSection.Length)
        {
            var lineLength = headerSection[position..].IndexOf("\r\n"u8);
            var fieldEnd = position + lineLength;
            while (fieldEnd + 2 < headerSection.Length && SipCharacters.IsWhitespace(headerSection[fieldEnd + 2]))
            {
                fieldEnd += 2 + headerSection[(fieldEnd + 2)..].IndexOf("\r\n"u8);
            }

            var field = headerSection[position..fieldEnd];
            position = fieldEnd + 2;
            var colon = field.IndexOf((byte)':');
            if (colon < 0)
            {
                continue;
            }

            var name = field[..colon].TrimEnd(" \t"u8);
            if (!Ascii.EqualsIgnoreCase(name, "Content-Length"u8) && !Ascii.EqualsIgnoreCase(name, "l"u8))
            {
                continue;
            }

            var value = ParseDigits(field[(colon + 1)..]);
            if (value < 0)
            {
                reason = "Invalid Content-Length";
                return -1;
            }

            if (result >= 0 && result != value)
            {
                reason = "Conflicting Content-Length values";
                return -1;
            }

            result = value;
        }

        if (result < 0)
        {
            reason = "Content-Length is required on stream transports";
        }

        return result;
    }

    /// <summary>Parses LWS 1*DIGIT LWS (folding included); values beyond int.MaxValue saturate.</summary>
    private static long ParseDigits(ReadOnlySpan<byte> value)
    {
        value = value.Trim(" \t\r\n"u8);
        if (value.IsEmpty)
        {
            return -1;
        }

        long result = 0;
        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return -1;
            }

            result = Math.Min((result * 10) + (b - '0'), int.MaxValue);
        }

        return result;
    }

    private SipFrameResult FrameKeepAlive(ReadOnlySpan<byte> buffer)
    {
        // RFC 5626 §3.5.1: a ping is CRLFCRLF, a pong is CRLF. A lone CRLF is only known not to be half of a
        // ping once the next byte is seen.
        if (buffer.Length < 2)
        {
            return NeedMore();
        }

        if (buffer[1] != '\n')
        {
            return Invalid(buffer, SipParseErrorKind.MalformedStartLine, "Bare CR on stream");
        }

        if (buffer.Length >= 4 && buffer[2] == '\r' && buffer[3] == '\n')
        {
            return new SipFrameResult(SipFrameStatus.KeepAlivePing, 4, null);
        }

        if (buffer.Length >= 4 || (buffer.Length == 3 && buffer[2] != '\r'))
        {
            return new SipFrameResult(SipFrameStatus.KeepAlivePong, 2, null);
        }

        return NeedMore();
    }

    private SipFrameResult Complete()
    {
        var length = _frameLength;
        Reset();
        return new SipFrameResult(SipFrameStatus.Message, length, null);
    }

    private static SipFrameResult NeedMore() => new(SipFrameStatus.NeedMoreData, 0, null);

    private SipFrameResult Invalid(ReadOnlySpan<byte> buffer, SipParseErrorKind kind, string reason)
    {
        Reset();
        var isResponse = buffer.Length >= 4 && Ascii.EqualsIgnoreCase(buffer[..4], "SIP/"u8);
        return new SipFrameResult(SipFrameStatus.Invalid, 0, new SipParseError(kind, reason, isResponse));
    }
}
