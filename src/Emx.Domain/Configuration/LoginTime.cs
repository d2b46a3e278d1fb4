using System.Globalization;

namespace Emx.Domain.Configuration;

/// <summary>
/// The HHH:MM format of the Intra-/Inter-cluster Maximum Login Time service parameters: hours 0-168, minutes
/// 0-59, hours may be omitted (":30"), at most 168:00 (reference section 6).
/// </summary>
public static class LoginTime
{
    /// <summary>The largest allowed value, 168:00.</summary>
    public static readonly TimeSpan Maximum = TimeSpan.FromHours(168);

    /// <summary>Parses HHH:MM; false when malformed or out of range.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Trim().Split(':');
        if (parts.Length != 2 || parts[0].Length > 3 || parts[1].Length != 2)
        {
            return false;
        }

        var hours = 0;
        if (parts[0].Length > 0 && !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out hours))
        {
            return false;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes > 59)
        {
            return false;
        }

        var parsed = new TimeSpan(hours, minutes, 0);
        if (parsed > Maximum)
        {
            return false;
        }

        value = parsed;
        return true;
    }
}
