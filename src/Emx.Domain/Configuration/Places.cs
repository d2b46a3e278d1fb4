namespace Emx.Domain.Configuration;

/// <summary>A geolocation: civic address fields (CUCM System &gt; Geolocation Configuration, RFC 4776 names).</summary>
public sealed class Geolocation : NamedConfigObject
{
    /// <summary>Two-letter country code (ISO 3166).</summary>
    public string? Country { get; set; }

    /// <summary>National subdivision (state, province).</summary>
    public string? A1 { get; set; }

    /// <summary>County, parish.</summary>
    public string? A2 { get; set; }

    /// <summary>City, township.</summary>
    public string? A3 { get; set; }

    /// <summary>City division, borough.</summary>
    public string? A4 { get; set; }

    /// <summary>Neighbourhood.</summary>
    public string? A5 { get; set; }

    /// <summary>Street.</summary>
    public string? A6 { get; set; }

    /// <summary>Leading street direction.</summary>
    public string? Prd { get; set; }

    /// <summary>Trailing street suffix.</summary>
    public string? Pod { get; set; }

    /// <summary>Street suffix.</summary>
    public string? Sts { get; set; }

    /// <summary>House number.</summary>
    public string? Hno { get; set; }

    /// <summary>House number suffix.</summary>
    public string? Hns { get; set; }

    /// <summary>Landmark.</summary>
    public string? Lmk { get; set; }

    /// <summary>Additional location information.</summary>
    public string? Loc { get; set; }

    /// <summary>Floor.</summary>
    public string? Flr { get; set; }

    /// <summary>Name of resident or business.</summary>
    public string? Nam { get; set; }

    /// <summary>Postal code.</summary>
    public string? Pc { get; set; }

    /// <summary>The value of one civic field.</summary>
    public string? Get(GeolocationField field) => field switch
    {
        GeolocationField.Country => Country,
        GeolocationField.A1 => A1,
        GeolocationField.A2 => A2,
        GeolocationField.A3 => A3,
        GeolocationField.A4 => A4,
        GeolocationField.A5 => A5,
        GeolocationField.A6 => A6,
        GeolocationField.Prd => Prd,
        GeolocationField.Pod => Pod,
        GeolocationField.Sts => Sts,
        GeolocationField.Hno => Hno,
        GeolocationField.Hns => Hns,
        GeolocationField.Lmk => Lmk,
        GeolocationField.Loc => Loc,
        GeolocationField.Flr => Flr,
        GeolocationField.Nam => Nam,
        GeolocationField.Pc => Pc,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };
}

/// <summary>A geolocation filter: which civic fields count when two geolocations are compared.</summary>
public sealed class GeolocationFilter : NamedConfigObject
{
    /// <summary>The significant fields (for example country, a1, a3).</summary>
    public List<GeolocationField> Fields { get; set; } = [];
}

/// <summary>A location (locations-based call admission control).</summary>
public sealed class Location : NamedConfigObject
{
    /// <summary>Audio bandwidth in kb/s; null means unlimited.</summary>
    public int? AudioBandwidthKbps { get; set; }

    /// <summary>Video bandwidth in kb/s; null means unlimited.</summary>
    public int? VideoBandwidthKbps { get; set; }
}

/// <summary>A region: codec and bit-rate limits for calls of devices in it.</summary>
public sealed class Region : NamedConfigObject
{
    /// <summary>Max Audio Bit Rate in kb/s (8, 16, 24, 32, 48, 56, 64, 256...). Default 64.</summary>
    public int MaxAudioBitRateKbps { get; set; } = 64;

    /// <summary>Max Video Call Bit Rate (includes audio) in kb/s, 0-8128. Default 384.</summary>
    public int MaxVideoCallBitRateKbps { get; set; } = 384;

    /// <summary>Link Loss Type. Default Low Loss.</summary>
    public LinkLossType LinkLossType { get; set; } = LinkLossType.LowLoss;
}

/// <summary>
/// A device pool. A device pool with a <see cref="Geolocation"/> serves as an EMCC roaming device pool: the home
/// cluster places an EMCC-logged-in phone in the pool whose geolocation best matches the phone's after the EMCC
/// geolocation filter is applied.
/// </summary>
public sealed class DevicePool : NamedConfigObject
{
    public string? Region { get; set; }

    public string? Location { get; set; }

    /// <summary>Geolocation characterising the remote site (roaming device pools).</summary>
    public string? Geolocation { get; set; }

    /// <summary>Adjunct CSS: highest-priority CSS for EMCC phones placed in this roaming device pool.</summary>
    public string? AdjunctCss { get; set; }

    /// <summary>The route group that the Standard Local Route Group resolves to for devices in this pool.</summary>
    public string? LocalRouteGroup { get; set; }

    public string? UserLocale { get; set; }

    public string? NetworkLocale { get; set; }

    /// <summary>Date/time group name. Default CMLocal.</summary>
    public string DateTimeGroup { get; set; } = "CMLocal";

    /// <summary>Unified CM group: the nodes (by name) the devices register to, in priority order; empty means every CallManager node.</summary>
    public List<string> CallManagerGroup { get; set; } = [];

    public string? MohAudioSource { get; set; }
}
