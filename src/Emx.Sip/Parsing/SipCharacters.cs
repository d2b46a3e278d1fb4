using System.Buffers;
using System.Text;

namespace Emx.Sip.Parsing;

/// <summary>
/// Character classes of the RFC 3261 §25.1 grammar, as vectorizable <see cref="SearchValues{T}"/> sets.
/// </summary>
internal static class SipCharacters
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    private const string TokenText = Alphanumeric + "-.!%*_+`'~";

    // unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
    private const string UnreservedText = Alphanumeric + "-_.!~*'()";

    /// <summary>RFC 3261 token characters.</summary>
    public static readonly SearchValues<char> Token = SearchValues.Create(TokenText);

    /// <summary>RFC 3261 token characters, as bytes (header names are matched before decoding).</summary>
    public static readonly SearchValues<byte> TokenBytes = SearchValues.Create(Encoding.ASCII.GetBytes(TokenText));

    /// <summary>
    /// word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "&lt;" / "&gt;" /
    /// ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}"), used by Call-ID.
    /// </summary>
    public static readonly SearchValues<char> Word = SearchValues.Create(TokenText + "()<>:\\\"/[]?{}");

    /// <summary>RFC 3261 user = 1*( unreserved / escaped / user-unreserved ), without the escape introducer.</summary>
    public static readonly SearchValues<char> User = SearchValues.Create(UnreservedText + "&=+$,;?/");

    /// <summary>RFC 3261 password = *( unreserved / escaped / "&amp;" / "=" / "+" / "$" / "," ).</summary>
    public static readonly SearchValues<char> Password = SearchValues.Create(UnreservedText + "&=+$,");

    /// <summary>RFC 3261 paramchar = param-unreserved / unreserved / escaped.</summary>
    public static readonly SearchValues<char> Param = SearchValues.Create(UnreservedText + "[]/:&+$");

    /// <summary>RFC 3261 hname/hvalue characters: hnv-unreserved / unreserved / escaped.</summary>
    public static readonly SearchValues<char> HeaderNameValue = SearchValues.Create(UnreservedText + "[]/?:+$");

    /// <summary>RFC 2396 uric (reserved / unreserved / escaped) plus the RFC 2732 brackets, for non-SIP absoluteURIs.</summary>
    public static readonly SearchValues<char> Uric = SearchValues.Create(UnreservedText + ";/?:@&=+$,[]");

    /// <summary>RFC 2396 reserved characters: their escaped form is NOT equivalent to the literal (RFC 3261 §19.1.4).</summary>
    public static readonly SearchValues<char> Reserved = SearchValues.Create(";/?:@&=+$,");

    /// <summary>Characters of hostnames and IPv4 addresses (the underscore is tolerated, as deployed DNS names use it).</summary>
    public static readonly SearchValues<char> Host = SearchValues.Create(Alphanumeric + "-._");

    /// <summary>scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).</summary>
    public static readonly SearchValues<char> Scheme = SearchValues.Create(Alphanumeric + "+-.");

    /// <summary>gen-value = token / host / quoted-string: token characters plus those of IPv6 references.</summary>
    public static readonly SearchValues<char> GenericValue = SearchValues.Create(TokenText + ":[]");

    /// <summary>RFC 3966 telephone-subscriber characters: digits, hex digits, "*", "#", "+" and visual separators.</summary>
    public static readonly SearchValues<char> TelephoneNumber = SearchValues.Create("0123456789ABCDEFabcdef*#+-.()");

    /// <summary>
    /// Control octets that may not appear in a header value outside a quoted-pair: %x00-08, %x0A-1F and DEL.
    /// Horizontal tab is linear white space and therefore allowed.
    /// </summary>
    public static readonly SearchValues<byte> ControlBytes = SearchValues.Create(CreateControlBytes());

    public static bool IsWhitespace(char c) => c is ' ' or '\t';

    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    public static bool IsDigit(char c) => c is >= '0' and <= '9';

    public static bool IsAlpha(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');

    public static bool IsHexDigit(char c) => char.IsAsciiHexDigit(c);

    public static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>True when every character is in <paramref name="allowed"/> or part of a well-formed %HEXHEX escape.</summary>
    public static bool IsEscapedRun(ReadOnlySpan<char> text, SearchValues<char> allowed)
    {
        var i = 0;
        while (i < text.Length)
        {
            var next = text[i..].IndexOfAnyExcept(allowed);
            if (next < 0)
            {
                return true;
            }

            i += next;
            if (text[i] != '%' || i + 2 >= text.Length)
            {
                return false;
            }

            if (!IsHexDigit(text[i + 1]) || !IsHexDigit(text[i + 2]))
            {
                return false;
            }

            i += 3;
        }

        return true;
    }

    private static byte[] CreateControlBytes()
    {
        var bytes = new List<byte>(33);
        for (var b = 0; b < 0x20; b++)
        {
            if (b != '\t')
            {
                bytes.Add((byte)b);
            }
        }

        bytes.Add(0x7F);
        return [.. bytes];
    }
}
