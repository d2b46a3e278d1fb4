namespace Emx.Protocols.CiscoIpPhone;

/// <summary>
/// InputFlags of an InputItem (reference 2.4, Cisco development notes): <c>A</c> ASCII, <c>T</c> telephone
/// (digits, #, *), <c>N</c> numeric, <c>E</c> equation, <c>U</c> upper case, <c>L</c> lower case, each optionally
/// followed by the password modifier <c>P</c> (<c>AP</c>, <c>NP</c>). Case-sensitive.
/// </summary>
public static class CiscoIpPhoneInputFlags
{
    /// <summary>ASCII text.</summary>
    public const string Ascii = "A";

    /// <summary>Telephone number (digits, #, *).</summary>
    public const string Telephone = "T";

    /// <summary>Numeric.</summary>
    public const string Numeric = "N";

    /// <summary>Equation (digits and math symbols).</summary>
    public const string Equation = "E";

    /// <summary>Upper-case text.</summary>
    public const string Uppercase = "U";

    /// <summary>Lower-case text.</summary>
    public const string Lowercase = "L";

    /// <summary>The password modifier (masks input).</summary>
    public const char PasswordModifier = 'P';

    /// <summary>True when <paramref name="flags"/> is a base flag optionally followed by <c>P</c>.</summary>
    /// <param name="flags">Candidate flags.</param>
    /// <returns>Whether the phone accepts them.</returns>
    public static bool IsValid(string? flags) => flags is { Length: 1 or 2 }
        && flags[0] is 'A' or 'T' or 'N' or 'E' or 'U' or 'L'
        && (flags.Length == 1 || flags[1] == PasswordModifier);
}
