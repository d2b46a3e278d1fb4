using System.Buffers;
using System.Text;
using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>%-escaping of URI components (RFC 3261 §19.1.2, RFC 2396 §2.4).</summary>
internal static class SipUriEscaping
{
    /// <summary>
    /// Decodes every %HEXHEX escape. The octets are interpreted as UTF-8 (invalid sequences become U+FFFD);
    /// returns the same instance when there is nothing to decode.
    /// </summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('%'))
        {
            return text;
        }

        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var length = 0;
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c == '%' && i + 2 < text.Length
                    && SipCharacters.IsHexDigit(text[i + 1]) && SipCharacters.IsHexDigit(text[i + 2]))
                {
                    bytes[length++] = (byte)((SipCharacters.HexValue(text[i + 1]) << 4) | SipCharacters.HexValue(text[i + 2]));
                    i += 2;
                }
                else if (c < 0x80)
                {
                    bytes[length++] = (byte)c;
                }
                else
                {
                    var width = char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1;
                    length += Encoding.UTF8.GetBytes(text.AsSpan(i, width), bytes.AsSpan(length));
                    i += width - 1;
                }
            }

            return Encoding.UTF8.GetString(bytes, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Escapes every character outside <paramref name="allowed"/> as %HEXHEX of its UTF-8 octets.</summary>
    public static string Escape(string text, SearchValues<char> allowed)
    {
        if (text.AsSpan().IndexOfAnyExcept(allowed) < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        Span<byte> octets = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (allowed.Contains(c))
            {
                builder.Append(c);
                continue;
            }

            var width = char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1;
            var count = Encoding.UTF8.GetBytes(text.AsSpan(i, width), octets);
            i += width - 1;
            for (var j = 0; j < count; j++)
            {
                builder.Append('%').Append(HexUpper(octets[j] >> 4)).Append(HexUpper(octets[j] & 0xF));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The comparison form of an escaped component: RFC 3261 §19.1.4 makes characters outside the reserved set
    /// equivalent to their escapes, so those escapes are decoded; escapes of reserved characters are kept, with
    /// upper-case hex digits, because "%3B" and ";" are not equivalent.
    /// </summary>
    public static string NormalizeForComparison(string raw)
    {
        if (!raw.Contains('%'))
        {
            return raw;
        }

        var builder = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%' && i + 2 < raw.Length
                && SipCharacters.IsHexDigit(raw[i + 1]) && SipCharacters.IsHexDigit(raw[i + 2]))
            {
                var decoded = (char)((SipCharacters.HexValue(raw[i + 1]) << 4) | SipCharacters.HexValue(raw[i + 2]));
                if (SipCharacters.Reserved.Contains(decoded))
                {
                    builder.Append('%').Append(char.ToUpperInvariant(raw[i + 1])).Append(char.ToUpperInvariant(raw[i + 2]));
                }
                else
                {
                    builder.Append(decoded);
                }

                i += 2;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static char HexUpper(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);
}
