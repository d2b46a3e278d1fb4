using System.Text;

namespace Emx.Protocols.EmApi;

/// <summary>
/// The EM API carries user ids UTF-8 percent-encoded (reference 1.7: <c>em%40cisco.com</c> for <c>em@cisco.com</c>),
/// in <c>&lt;userID&gt;</c> text and in <c>user id="…"</c> attributes.
/// </summary>
public static class EmUserId
{
    private const string HexUpper = "0123456789ABCDEF";

    /// <summary>
    /// Decodes <c>%XX</c> sequences as UTF-8. <c>+</c> stays a plus sign (the XML is not form data); malformed
    /// sequences (<c>%G1</c>, a lone <c>%</c>, invalid UTF-8) are kept literally.
    /// </summary>
    /// <param name="value">The value as written in the XML.</param>
    /// <returns>The user id.</returns>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(value) : value;
    }

    /// <summary>
    /// Encodes every character outside the RFC 3986 unreserved set (<c>A-Z a-z 0-9 - . _ ~</c>) as UTF-8
    /// <c>%XX</c> with upper-case hex, e.g. <c>em@cisco.com</c> becomes <c>em%40cisco.com</c>.
    /// </summary>
    /// <param name="userId">The user id.</param>
    /// <returns>The encoded form written in responses.</returns>
    public static string Encode(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var needs = false;
        foreach (var c in userId)
        {
            if (!IsUnreserved(c))
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return userId;
        }

        var sb = new StringBuilder(userId.Length + 8);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < userId.Length; i++)
        {
            var c = userId[i];
            if (IsUnreserved(c))
            {
                sb.Append(c);
                continue;
            }

            int written;
            if (char.IsHighSurrogate(c) && i + 1 < userId.Length && char.IsLowSurrogate(userId[i + 1]))
            {
                written = new Rune(c, userId[i + 1]).EncodeToUtf8(utf8);
                i++;
            }
            else
            {
                written = (Rune.IsValid(c) ? new Rune(c) : Rune.ReplacementChar).EncodeToUtf8(utf8);
            }

            for (var b = 0; b < written; b++)
            {
                sb.Append('%').Append(HexUpper[utf8[b] >> 4]).Append(HexUpper[utf8[b] & 0xF]);
            }
        }

        return sb.ToString();
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
