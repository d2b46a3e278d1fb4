using System.Diagnostics.CodeAnalysis;

namespace Emx.Protocols;

/// <summary>
/// A Cisco phone device name: <c>SEP</c> followed by the 12 hexadecimal digits of the MAC address, upper case
/// (the name of the phone's <c>SEP&lt;MAC&gt;.cnf.xml</c> file). The EM API itself accepts any device name
/// string (an unknown name is answered with <c>doesNotExist</c>, not a parse error), so the EM API models keep
/// device names as strings; use this type where a real phone identity is required.
/// </summary>
public readonly record struct DeviceName
{
    /// <summary>The device-name prefix of Cisco phones.</summary>
    public const string Prefix = "SEP";

    /// <summary>Suffix of a phone configuration file name.</summary>
    public const string ConfigFileSuffix = ".cnf.xml";

    private readonly string? _value;

    private DeviceName(string value) => _value = value;

    /// <summary>The normalised name, e.g. <c>SEP001122AABBCC</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>The MAC address part: 12 upper-case hexadecimal digits.</summary>
    public string Mac => Value.Length > Prefix.Length ? Value[Prefix.Length..] : string.Empty;

    /// <summary>The configuration file name, e.g. <c>SEP001122AABBCC.cnf.xml</c>.</summary>
    public string ConfigFileName => Value + ConfigFileSuffix;

    /// <summary>
    /// The SIP instance identifier a Cisco phone puts in the <c>+sip.instance</c> Contact parameter (RFC 5626 §4.1;
    /// reference 11): <c>&lt;urn:uuid:00000000-0000-0000-0000-MMMMMMMMMMMM&gt;</c>, the MAC address in the last group.
    /// </summary>
    public string InstanceId => "<urn:uuid:00000000-0000-0000-0000-" + Mac + ">";

    /// <summary>
    /// The device a <c>+sip.instance</c> value (unquoted) names: <c>&lt;urn:uuid:00000000-0000-0000-0000-MAC&gt;</c>,
    /// angle brackets optional, case-insensitive. Any other value, including a well-formed UUID that is not of
    /// this shape, names no device.
    /// </summary>
    /// <param name="instanceId">The unquoted +sip.instance value.</param>
    /// <param name="deviceName">The device name when the value names one.</param>
    /// <returns>True when the value is a Cisco device instance identifier.</returns>
    public static bool TryFromInstanceId([NotNullWhen(true)] string? instanceId, out DeviceName deviceName)
    {
        const string Urn = "urn:uuid:";
        const string ZeroGroups = "00000000-0000-0000-0000-";
        deviceName = default;
        if (instanceId is null)
        {
            return false;
        }

        var value = instanceId.AsSpan().Trim();
        if (value.Length >= 2 && value[0] == '<' && value[^1] == '>')
        {
            value = value[1..^1];
        }

        if (value.Length != Urn.Length + ZeroGroups.Length + 12
            || !value.StartsWith(Urn, StringComparison.OrdinalIgnoreCase)
            || !value[Urn.Length..].StartsWith(ZeroGroups, StringComparison.Ordinal))
        {
            return false;
        }

        return TryParse(Prefix + value[(Urn.Length + ZeroGroups.Length)..].ToString(), out deviceName);
    }

    /// <summary>
    /// Parses <c>SEP</c> + 12 hex digits. Letters may be in either case on input; the result is upper case.
    /// </summary>
    /// <param name="text">Candidate device name.</param>
    /// <param name="deviceName">The normalised name when valid.</param>
    /// <returns>True when <paramref name="text"/> is a valid SEP device name.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, out DeviceName deviceName)
    {
        deviceName = default;
        if (text is null || text.Length != Prefix.Length + 12
            || !text.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            || !IsHex(text.AsSpan(Prefix.Length)))
        {
            return false;
        }

        deviceName = new DeviceName(text.ToUpperInvariant());
        return true;
    }

    /// <summary>Parses a device name, throwing on invalid input (for trusted, programmer-supplied values).</summary>
    /// <param name="text">A SEP device name.</param>
    /// <returns>The normalised name.</returns>
    /// <exception cref="FormatException">The text is not a valid SEP device name.</exception>
    public static DeviceName Parse(string text) =>
        TryParse(text, out var name) ? name : throw new FormatException($"'{text}' is not a SEP device name (SEP + 12 hex digits).");

    /// <summary>Builds the device name of a MAC address given as 12 hex digits, optionally separated by ':', '-' or '.'.</summary>
    /// <param name="mac">The MAC address.</param>
    /// <param name="deviceName">The device name when valid.</param>
    /// <returns>True when <paramref name="mac"/> is a valid MAC address.</returns>
    public static bool TryFromMac([NotNullWhen(true)] string? mac, out DeviceName deviceName)
    {
        deviceName = default;
        if (mac is null)
        {
            return false;
        }

        var digits = mac.Replace(":", string.Empty, StringComparison.Ordinal)
            .Replace("-", string.Empty, StringComparison.Ordinal)
            .Replace(".", string.Empty, StringComparison.Ordinal);
        return TryParse(Prefix + digits, out deviceName);
    }

    /// <summary>Parses a configuration file name such as <c>SEP001122AABBCC.cnf.xml</c> (case-insensitive).</summary>
    /// <param name="fileName">The requested file name.</param>
    /// <param name="deviceName">The device name when valid.</param>
    /// <returns>True when the file name is a SEP configuration file name.</returns>
    public static bool TryParseConfigFileName([NotNullWhen(true)] string? fileName, out DeviceName deviceName)
    {
        deviceName = default;
        return fileName is not null
            && fileName.EndsWith(ConfigFileSuffix, StringComparison.OrdinalIgnoreCase)
            && TryParse(fileName[..^ConfigFileSuffix.Length], out deviceName);
    }

    /// <summary>The normalised name.</summary>
    /// <returns><see cref="Value"/>.</returns>
    public override string ToString() => Value;

    private static bool IsHex(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
