using System.Globalization;
using Emx.Domain.Configuration;

namespace Emx.Domain.Emcc;

/// <summary>What a login gets under the security-mode tables of the seed (Tables 5-7).</summary>
public enum EmccSecurityOutcome
{
    /// <summary>"Secure EMCC".</summary>
    SecureEmcc,

    /// <summary>"Non-secure EMCC".</summary>
    NonSecureEmcc,

    /// <summary>"Login fails": error 46 (secure phone, mixed visiting, non-secure home) or 45 (home 8.x).</summary>
    LoginFails,

    /// <summary>"Not supported" (visiting cluster 8.x with a secure phone): error 45.</summary>
    NotSupported,
}

/// <summary>The security-mode decision and the EMService error code it gives when the login cannot go ahead.</summary>
/// <param name="Outcome">The table's "EMCC Status".</param>
/// <param name="ErrorCode">45 or 46 when the login is refused, else null.</param>
public sealed record EmccSecurityDecision(EmccSecurityOutcome Outcome, int? ErrorCode)
{
    public bool Allowed => ErrorCode is null;
}

/// <summary>
/// The pure rules of an EMCC login on the home side: the security-mode matrix (seed Tables 5, 6 and 7, row by row),
/// and the roaming device pool chosen by the EMCC Geolocation Filter.
/// </summary>
public static class EmccRules
{
    /// <summary>
    /// The seed's tables as written: (home 9.x+, home mixed, visiting 9.x+, visiting mixed, phone secure) -> status.
    /// Combinations the tables do not list (a secure phone in a non-secure 9.x visiting cluster) follow Table 7's
    /// last row: the phone cannot be secure there, so the login is non-secure EMCC.
    /// </summary>
    private static readonly Dictionary<(bool HomeModern, bool HomeMixed, bool VisitingModern, bool VisitingMixed, bool PhoneSecure), EmccSecurityOutcome> Table = new()
    {
        // Table 5: both 9.x or later.
        [(true, true, true, true, true)] = EmccSecurityOutcome.SecureEmcc,
        [(true, true, true, true, false)] = EmccSecurityOutcome.NonSecureEmcc,
        [(true, true, true, false, false)] = EmccSecurityOutcome.NonSecureEmcc,
        [(true, false, true, true, true)] = EmccSecurityOutcome.LoginFails,
        [(true, false, true, false, false)] = EmccSecurityOutcome.NonSecureEmcc,

        // Table 6: visiting 8.x, home 9.x or later.
        [(true, true, false, true, true)] = EmccSecurityOutcome.NotSupported,
        [(true, true, false, true, false)] = EmccSecurityOutcome.NonSecureEmcc,
        [(true, true, false, false, false)] = EmccSecurityOutcome.NonSecureEmcc,
        [(true, false, false, true, true)] = EmccSecurityOutcome.NotSupported,
        [(true, false, false, false, false)] = EmccSecurityOutcome.NonSecureEmcc,

        // Table 7: visiting 9.x or later, home 8.x.
        [(false, true, true, true, true)] = EmccSecurityOutcome.LoginFails,
        [(false, true, true, true, false)] = EmccSecurityOutcome.NonSecureEmcc,
        [(false, true, true, false, false)] = EmccSecurityOutcome.NonSecureEmcc,
        [(false, false, true, true, true)] = EmccSecurityOutcome.LoginFails,
        [(false, false, true, false, false)] = EmccSecurityOutcome.NonSecureEmcc,
        [(false, false, true, false, true)] = EmccSecurityOutcome.NonSecureEmcc,
    };

    /// <summary>
    /// Whether a phone can log in by EMCC whatever its model can do: not when its common device configuration makes it
    /// IPv6 only (seed restrictions: EMCC does not support IPv6-only phones). The EMApp refusal is 213, "Device does not
    /// support EMCC"; the model's own capability is the EMService's check, 32.
    /// </summary>
    public static bool DeviceSupportsEmcc(CommonDeviceConfiguration? commonDeviceConfiguration) =>
        !string.Equals(commonDeviceConfiguration?.IpAddressingMode?.Trim(), "ipv6Only", StringComparison.OrdinalIgnoreCase);

    /// <summary>The major version of a version string (<c>15.0</c> -> 15, <c>8.6(2)</c> -> 8); null when it has none.</summary>
    public static int? MajorVersion(string? version)
    {
        if (string.IsNullOrWhiteSpace(version))
        {
            return null;
        }

        var digits = new string([.. version.Trim().TakeWhile(char.IsAsciiDigit)]);
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : null;
    }

    /// <summary>
    /// The seed's security-mode decision for a login. Versions before 8 are not supported at all (45), as EMCC
    /// itself arrived in 8.0.
    /// </summary>
    public static EmccSecurityDecision Security(string homeVersion, bool homeMixed, string visitingVersion, bool visitingMixed, bool phoneSecure)
    {
        var home = MajorVersion(homeVersion) ?? 0;
        var visiting = MajorVersion(visitingVersion) ?? 0;
        if (home < 8 || visiting < 8)
        {
            return new EmccSecurityDecision(EmccSecurityOutcome.NotSupported, 45);
        }

        var key = (home >= 9, homeMixed, visiting >= 9, visitingMixed, phoneSecure);
        if (!Table.TryGetValue(key, out var outcome))
        {
            // A secure phone in a non-secure visiting cluster (both 9.x+, or home 9.x+ with visiting 8.x): it cannot
            // run secure there, so it is a non-secure login as Table 7's last row says.
            outcome = EmccSecurityOutcome.NonSecureEmcc;
        }

        return outcome switch
        {
            EmccSecurityOutcome.LoginFails => new EmccSecurityDecision(outcome, home < 9 ? 45 : 46),
            EmccSecurityOutcome.NotSupported => new EmccSecurityDecision(outcome, 45),
            _ => new EmccSecurityDecision(outcome, null),
        };
    }

    /// <summary>
    /// The roaming device pool for a visiting phone: among device pools with a geolocation, the one whose geolocation
    /// agrees with the phone's on the most fields of the EMCC Geolocation Filter (a pool that contradicts the phone on
    /// a filtered field is out; ties go to the name first in ordinal order). Null when none matches on any field or
    /// there is no filter: the caller falls back to the EMCC device's own pool.
    /// </summary>
    public static DevicePool? RoamingDevicePool(
        IReadOnlyDictionary<string, string> phoneGeolocation,
        GeolocationFilter? filter,
        IEnumerable<DevicePool> devicePools,
        IReadOnlyDictionary<string, Geolocation> geolocations)
    {
        ArgumentNullException.ThrowIfNull(phoneGeolocation);
        ArgumentNullException.ThrowIfNull(devicePools);
        ArgumentNullException.ThrowIfNull(geolocations);
        if (filter is null || filter.Fields.Count == 0)
        {
            return null;
        }

        DevicePool? best = null;
        var bestScore = 0;
        foreach (var pool in devicePools.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (pool.Geolocation is null || !geolocations.TryGetValue(pool.Geolocation, out var location))
            {
                continue;
            }

            var score = 0;
            var contradicts = false;
            foreach (var field in filter.Fields)
            {
                var name = field.ToString().ToLowerInvariant();
                var phone = phoneGeolocation.GetValueOrDefault(name);
                var site = Field(location, field);
                if (string.IsNullOrWhiteSpace(phone) || string.IsNullOrWhiteSpace(site))
                {
                    continue;
                }

                if (string.Equals(phone.Trim(), site.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    score++;
                }
                else
                {
                    contradicts = true;
                    break;
                }
            }

            if (!contradicts && score > bestScore)
            {
                best = pool;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>A geolocation as RFC 4776 field name -> value (country, a1..a6, prd, pod, sts, ...), skipping empty fields.</summary>
    public static Dictionary<string, string> Fields(Geolocation geolocation)
    {
        ArgumentNullException.ThrowIfNull(geolocation);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in Enum.GetValues<GeolocationField>())
        {
            if (Field(geolocation, field) is { Length: > 0 } value)
            {
                fields[field.ToString().ToLowerInvariant()] = value;
            }
        }

        return fields;
    }

    private static string? Field(Geolocation g, GeolocationField field) => field switch
    {
        GeolocationField.Country => g.Country,
        GeolocationField.A1 => g.A1,
        GeolocationField.A2 => g.A2,
        GeolocationField.A3 => g.A3,
        GeolocationField.A4 => g.A4,
        GeolocationField.A5 => g.A5,
        GeolocationField.A6 => g.A6,
        GeolocationField.Prd => g.Prd,
        GeolocationField.Pod => g.Pod,
        GeolocationField.Sts => g.Sts,
        GeolocationField.Hno => g.Hno,
        GeolocationField.Hns => g.Hns,
        GeolocationField.Lmk => g.Lmk,
        GeolocationField.Loc => g.Loc,
        GeolocationField.Flr => g.Flr,
        GeolocationField.Nam => g.Nam,
        _ => g.Pc,
    };
}
