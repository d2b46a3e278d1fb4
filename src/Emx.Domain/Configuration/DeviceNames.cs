using System.Globalization;

namespace Emx.Domain.Configuration;

/// <summary>Device name rules.</summary>
public static class DeviceNames
{
    /// <summary>Whether <paramref name="name"/> is a phone device name: SEP followed by 12 hexadecimal digits (upper case).</summary>
    public static bool IsPhoneName(string? name) =>
        name is { Length: 15 } && name.StartsWith("SEP", StringComparison.Ordinal) && name.AsSpan(3).ContainsOnlyUpperHex();

    /// <summary>Normalises a phone name typed with lower-case hex digits (sep0a1b...) to CUCM's upper-case form.</summary>
    public static string Normalize(string name) =>
        name is { Length: 15 } && name.StartsWith("SEP", StringComparison.OrdinalIgnoreCase)
            ? string.Concat("SEP", name[3..].ToUpperInvariant())
            : name;

    /// <summary>The MAC address of a phone name as 12 upper-case hex digits.</summary>
    public static string MacOf(string phoneName) => IsPhoneName(phoneName) ? phoneName[3..] : throw new ArgumentException("not a phone device name", nameof(phoneName));

    private static bool ContainsOnlyUpperHex(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigitUpper(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A product version such as 15.0, 9.1 or 8.6: the EMCC rules distinguish 8.x from 9.x or later.</summary>
/// <param name="Major">Major version.</param>
/// <param name="Minor">Minor version.</param>
public readonly record struct ProductVersion(int Major, int Minor)
{
    /// <summary>Whether this is 9.x or later (seed tables 5-7).</summary>
    public bool Is9OrLater => Major >= 9;

    /// <summary>Parses "15.0", "9.1", "8.6", "12.5.1"; versions before 8.0 are rejected (EMCC came with 8.x).</summary>
    public static bool TryParse(string? text, out ProductVersion version)
    {
        version = default;
        var parts = text?.Split('.') ?? [];
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor) || major < 8 || major > 99)
        {
            return false;
        }

        version = new ProductVersion(major, minor);
        return true;
    }
}
