using System.Globalization;

namespace Emx.Domain.Media;

/// <summary>
/// An audio codec at one bit rate: one row of CUCM's audio codec preference table
/// (wire-formats.md §10). Two codecs are equal when name and bit rate are, so G.722 at 64 kb/s and at 56 kb/s are
/// different rows; the well-known instances below are the table's rows.
/// </summary>
/// <remarks>
/// The bit rate is the nominal one CUCM classes the codec by when it compares it with a region's Max Audio Bit Rate:
/// iLBC is 16 kb/s in both its 20 ms (15.2 kb/s) and 30 ms (13.3 kb/s) modes, GSM EFR (12.2 kb/s) and GSM FR are
/// 13 kb/s as the table gives them, and G.723.1 (6.3 or 5.3 kb/s) is 6 kb/s, our choice where the table is silent.
/// </remarks>
public sealed record AudioCodec
{
    /// <summary>Creates a codec descriptor.</summary>
    /// <param name="name">The codec name as CUCM's table writes it, e.g. <c>G.722</c>, <c>AAC-LD (MP4A-LATM)</c>.</param>
    /// <param name="bitRateKbps">The nominal bit rate in kb/s, positive.</param>
    public AudioCodec(string name, int bitRateKbps)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bitRateKbps);
        Name = name;
        BitRateKbps = bitRateKbps;
    }

    /// <summary>The codec name, e.g. <c>G.711 mu-law</c>.</summary>
    public string Name { get; }

    /// <summary>The nominal bit rate in kb/s.</summary>
    public int BitRateKbps { get; }

    /// <summary>AMR-WB, 24 kb/s (23.85 kb/s top mode).</summary>
    public static AudioCodec AmrWb24 { get; } = new("AMR-WB", 24);

    /// <summary>AMR, 13 kb/s (12.2 kb/s top mode).</summary>
    public static AudioCodec Amr13 { get; } = new("AMR", 13);

    /// <summary>AAC-LD in the MP4A-LATM payload format (RFC 6416), 128 kb/s.</summary>
    public static AudioCodec AacLdLatm128 { get; } = new(AacLdLatmName, 128);

    /// <summary>AAC-LD in the mpeg4-generic payload format (RFC 3640), 64 kb/s.</summary>
    public static AudioCodec AacLdMpeg4Generic64 { get; } = new("AAC-LD (mpeg4-generic)", 64);

    /// <summary>AAC-LD (MP4A-LATM), 64 kb/s.</summary>
    public static AudioCodec AacLdLatm64 { get; } = new(AacLdLatmName, 64);

    /// <summary>AAC-LD (MP4A-LATM), 56 kb/s.</summary>
    public static AudioCodec AacLdLatm56 { get; } = new(AacLdLatmName, 56);

    /// <summary>Linear 16-bit PCM, 16 kHz mono: 256 kb/s.</summary>
    public static AudioCodec L16At256 { get; } = new("L16", 256);

    /// <summary>AAC-LD (MP4A-LATM), 48 kb/s.</summary>
    public static AudioCodec AacLdLatm48 { get; } = new(AacLdLatmName, 48);

    /// <summary>G.722, 64 kb/s.</summary>
    public static AudioCodec G722At64 { get; } = new(G722Name, 64);

    /// <summary>iSAC, 32 kb/s.</summary>
    public static AudioCodec Isac32 { get; } = new("iSAC", 32);

    /// <summary>AAC-LD (MP4A-LATM), 32 kb/s.</summary>
    public static AudioCodec AacLdLatm32 { get; } = new(AacLdLatmName, 32);

    /// <summary>G.722.1, 32 kb/s.</summary>
    public static AudioCodec G7221At32 { get; } = new(G7221Name, 32);

    /// <summary>G.722, 56 kb/s.</summary>
    public static AudioCodec G722At56 { get; } = new(G722Name, 56);

    /// <summary>G.722.1, 24 kb/s.</summary>
    public static AudioCodec G7221At24 { get; } = new(G7221Name, 24);

    /// <summary>G.722, 48 kb/s.</summary>
    public static AudioCodec G722At48 { get; } = new(G722Name, 48);

    /// <summary>AAC-LD (MP4A-LATM), 24 kb/s.</summary>
    public static AudioCodec AacLdLatm24 { get; } = new(AacLdLatmName, 24);

    /// <summary>G.711 mu-law, 64 kb/s.</summary>
    public static AudioCodec G711MuLaw64 { get; } = new(G711MuLawName, 64);

    /// <summary>G.711 A-law, 64 kb/s.</summary>
    public static AudioCodec G711ALaw64 { get; } = new(G711ALawName, 64);

    /// <summary>G.711 mu-law, 56 kb/s.</summary>
    public static AudioCodec G711MuLaw56 { get; } = new(G711MuLawName, 56);

    /// <summary>G.711 A-law, 56 kb/s.</summary>
    public static AudioCodec G711ALaw56 { get; } = new(G711ALawName, 56);

    /// <summary>iLBC, classed at 16 kb/s (15.2 kb/s in 20 ms mode, 13.3 kb/s in 30 ms mode).</summary>
    public static AudioCodec Ilbc16 { get; } = new("iLBC", 16);

    /// <summary>G.728, 16 kb/s.</summary>
    public static AudioCodec G728At16 { get; } = new("G.728", 16);

    /// <summary>GSM Enhanced Full Rate, classed at 13 kb/s as the table gives it.</summary>
    public static AudioCodec GsmEfr13 { get; } = new("GSM EFR", 13);

    /// <summary>GSM Full Rate, 13 kb/s.</summary>
    public static AudioCodec GsmFr13 { get; } = new("GSM FR", 13);

    /// <summary>G.729, 8 kb/s.</summary>
    public static AudioCodec G729 { get; } = new("G.729", 8);

    /// <summary>G.729 Annex A (reduced complexity), 8 kb/s.</summary>
    public static AudioCodec G729A { get; } = new("G.729a", 8);

    /// <summary>G.729 Annex B (VAD and comfort noise), 8 kb/s.</summary>
    public static AudioCodec G729B { get; } = new("G.729b", 8);

    /// <summary>G.729 Annexes A and B, 8 kb/s.</summary>
    public static AudioCodec G729AB { get; } = new("G.729ab", 8);

    /// <summary>G.723.1, classed at 6 kb/s (6.3 and 5.3 kb/s modes).</summary>
    public static AudioCodec G7231 { get; } = new("G.723.1", 6);

    private const string AacLdLatmName = "AAC-LD (MP4A-LATM)";
    private const string G722Name = "G.722";
    private const string G7221Name = "G.722.1";
    private const string G711MuLawName = "G.711 mu-law";
    private const string G711ALawName = "G.711 A-law";

    /// <summary><c>G.722 64 kb/s</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {BitRateKbps} kb/s");
}
