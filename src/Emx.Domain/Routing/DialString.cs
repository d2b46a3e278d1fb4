namespace Emx.Domain.Routing;

/// <summary>Why a dialed string cannot be analysed at all (before any pattern is tried).</summary>
public enum DialStringError
{
    /// <summary>Nothing was dialed. The SIP core answers 484 Address Incomplete (RFC 3261 §21.4.22).</summary>
    Empty,

    /// <summary>
    /// Longer than <see cref="DialString.MaxLength"/>. No dial plan entry can be that long (patterns and directory
    /// numbers are at most 48 characters with their wildcards), so the SIP core answers 404 Not Found.
    /// </summary>
    TooLong,

    /// <summary>
    /// A character outside 0-9, *, # and a leading '+' (a '+' anywhere else counts too). CUCM would look such a
    /// user part up as a directory URI; emx has no URI dialing, so the SIP core answers 404 Not Found, logging this
    /// reason rather than "no route".
    /// </summary>
    InvalidCharacter,
}

/// <summary>The alphabet of dialed strings: what digit analysis accepts as input.</summary>
public static class DialString
{
    /// <summary>Longest dialed string analysed, in characters (a leading '+' included).</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// Whether <paramref name="dialed"/> is a well-formed dialed string: 1-<see cref="MaxLength"/> characters from
    /// 0-9, * and #, optionally starting with '+' (E.164).
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> dialed, out DialStringError error)
    {
        if (dialed.IsEmpty)
        {
            error = DialStringError.Empty;
            return false;
        }

        if (dialed.Length > MaxLength)
        {
            error = DialStringError.TooLong;
            return false;
        }

        for (var i = 0; i < dialed.Length; i++)
        {
            if (Symbol(dialed[i]) < 0 || (dialed[i] == '+' && i > 0))
            {
                error = DialStringError.InvalidCharacter;
                return false;
            }
        }

        error = default;
        return true;
    }

    /// <summary>Symbol index of a dialed character: 0-9 for digits, 10 for '*', 11 for '#', 12 for '+'; -1 otherwise.</summary>
    internal static int Symbol(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        '*' => 10,
        '#' => 11,
        '+' => 12,
        _ => -1,
    };

    /// <summary>Number of symbols in the alphabet.</summary>
    internal const int SymbolCount = 13;
}
