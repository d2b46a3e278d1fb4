using System.Collections.ObjectModel;
using Emx.Domain.Configuration;

namespace Emx.Domain.Media;

/// <summary>
/// CUCM's audio codec preference (10.x and later): among the codecs both ends support, the first in the order of
/// the link loss type whose bit rate fits the region's Max Audio Bit Rate (for EMCC, the EMCC region's; between two
/// regions, the lower of the two). Pure: the table of wire-formats.md §10, nothing else.
/// </summary>
/// <remarks>
/// <para>
/// Both orders have 29 rows. Rows 1-22 are the published table; the two orders differ only in rows 9-11, where Low
/// Loss prefers G.722 64 kb/s over iSAC and AAC-LD 32 kb/s and Lossy puts it after them (the seed: "G.722 is
/// preferred over iSAC when the link loss type is set as low loss"). Rows 23-29 are the tail the source showed
/// only in part, in the order documented there and chosen by us: GSM EFR, GSM FR (13 kb/s), then the G.729 family
/// (8 kb/s) as G.729, G.729a, G.729b, G.729ab, then G.723.1 (6 kb/s). So the EMCC default of 8 kb/s leaves the
/// G.729 family and G.723.1.
/// </para>
/// <para>
/// Opus is not in the table, and it is dropped: a codec the table does not list is never eligible, so an Opus
/// payload is removed from an offer like any unknown encoding. The table is the specification we implement and has
/// no Opus row, and a variable-rate codec (6 to 510 kb/s) has no single bit rate to be ranked and capped by;
/// placing it would be invention. UAs that offer Opus (baresip, for one) offer G.722 and G.711 beside it.
/// </para>
/// </remarks>
public static class CodecPreference
{
    private static readonly ReadOnlyCollection<AudioCodec> LowLossOrder = Array.AsReadOnly(CreateOrder(LinkLossType.LowLoss));
    private static readonly ReadOnlyCollection<AudioCodec> LossyOrder = Array.AsReadOnly(CreateOrder(LinkLossType.Lossy));

    /// <summary>The full preference order for <paramref name="lossType"/>, most preferred first (29 rows).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lossType"/> is not a defined value.</exception>
    public static IReadOnlyList<AudioCodec> Order(LinkLossType lossType) => lossType switch
    {
        LinkLossType.LowLoss => LowLossOrder,
        LinkLossType.Lossy => LossyOrder,
        _ => throw new ArgumentOutOfRangeException(nameof(lossType), lossType, "Unknown link loss type."),
    };

    /// <summary>
    /// The codecs of <paramref name="offered"/> that are in the table and whose bit rate is at most
    /// <paramref name="maxAudioBitRateKbps"/>, most preferred first, each once. Codecs not in the table (Opus...)
    /// are left out. An empty result means there is no common codec (SIP: 488 Not Acceptable Here).
    /// </summary>
    /// <param name="offered">The codecs one side supports, in any order.</param>
    /// <param name="maxAudioBitRateKbps">The effective Max Audio Bit Rate in kb/s (the lower of both regions'); not negative.</param>
    /// <param name="lossType">The link loss type of the region relationship (or the EMCC region).</param>
    public static IReadOnlyList<AudioCodec> Select(IEnumerable<AudioCodec> offered, int maxAudioBitRateKbps, LinkLossType lossType)
    {
        ArgumentNullException.ThrowIfNull(offered);
        ArgumentOutOfRangeException.ThrowIfNegative(maxAudioBitRateKbps);
        var order = Order(lossType);
        var wanted = offered.Where(c => c is not null && c.BitRateKbps <= maxAudioBitRateKbps).ToHashSet();
        return order.Where(wanted.Contains).ToArray();
    }

    private static AudioCodec[] CreateOrder(LinkLossType lossType)
    {
        AudioCodec[] middle = lossType == LinkLossType.LowLoss
            ? [AudioCodec.G722At64, AudioCodec.Isac32, AudioCodec.AacLdLatm32]
            : [AudioCodec.Isac32, AudioCodec.AacLdLatm32, AudioCodec.G722At64];

        return
        [
            AudioCodec.AmrWb24,
            AudioCodec.Amr13,
            AudioCodec.AacLdLatm128,
            AudioCodec.AacLdMpeg4Generic64,
            AudioCodec.AacLdLatm64,
            AudioCodec.AacLdLatm56,
            AudioCodec.L16At256,
            AudioCodec.AacLdLatm48,
            .. middle,
            AudioCodec.G7221At32,
            AudioCodec.G722At56,
            AudioCodec.G7221At24,
            AudioCodec.G722At48,
            AudioCodec.AacLdLatm24,
            AudioCodec.G711MuLaw64,
            AudioCodec.G711ALaw64,
            AudioCodec.G711MuLaw56,
            AudioCodec.G711ALaw56,
            AudioCodec.Ilbc16,
            AudioCodec.G728At16,
            AudioCodec.GsmEfr13,
            AudioCodec.GsmFr13,
            AudioCodec.G729,
            AudioCodec.G729A,
            AudioCodec.G729B,
            AudioCodec.G729AB,
            AudioCodec.G7231,
        ];
    }
}
