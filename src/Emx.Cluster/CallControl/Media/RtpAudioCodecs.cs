using System.Diagnostics.CodeAnalysis;
using Emx.Domain.Media;
using Emx.Sip.Sdp;

namespace Emx.Cluster.CallControl.Media;

/// <summary>
/// Maps an RTP audio encoding (rtpmap plus fmtp) to the row of CUCM's codec preference table it belongs to
/// (<see cref="CodecPreference"/>). Encoding names compare case-insensitively (RFC 4855 §3); the clock rate must be
/// the payload format's, and a channel count, when given, must be 1: every row is a mono codec.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>PCMU/8000 and PCMA/8000: G.711 mu-law and A-law 64 kb/s (the 56 kb/s rows have no SDP form).</item>
/// <item>G722/8000: G.722 64 kb/s (the 48 and 56 kb/s rows have no SDP form).</item>
/// <item>G7221/16000 with fmtp <c>bitrate=24000</c> or <c>32000</c> (required by RFC 5577): G.722.1 24 or 32 kb/s;
/// other rates, G7221/32000 (Annex C) and a missing bitrate are dropped.</item>
/// <item>G729/8000 (and the non-standard G729A name): RTP cannot tell G.729 from G.729 Annex A, which decode each
/// other's streams, and every phone implements Annex A, so <c>annexb=no</c> maps to G.729a and <c>annexb=yes</c>
/// or no annexb (its default, RFC 3555 §4.1.9) to G.729ab. The table's G.729 and G.729b rows are never produced from
/// SDP; the ranking inside the family therefore puts an annexb=no payload first. G729D/G729E (other rates) are
/// dropped.</item>
/// <item>iLBC/8000, <c>mode=20</c> (15.2 kb/s) or <c>mode=30</c>/absent (13.3 kb/s, RFC 3952 default): both the
/// iLBC 16 kb/s row; another mode is dropped.</item>
/// <item>L16/16000 mono: L16 256 kb/s (16 bits x 16 kHz); other L16 rates are dropped.</item>
/// <item>AMR-WB/16000: AMR-WB 24 kb/s; AMR/8000: AMR 13 kb/s.</item>
/// <item>MP4A-LATM (any clock rate; Cisco uses 90000) with fmtp <c>bitrate</c> of 128000, 64000, 56000, 48000,
/// 32000 or 24000: the AAC-LD (MP4A-LATM) row of that rate; any other or no bitrate is dropped.</item>
/// <item>mpeg4-generic (any clock rate) without a bitrate or with <c>bitrate=64000</c>: AAC-LD (mpeg4-generic) 64 kb/s.</item>
/// <item>iSAC/16000: iSAC 32 kb/s (iSAC/32000, super-wideband, is dropped).</item>
/// <item>G728/8000: G.728; GSM/8000: GSM FR; GSM-EFR/8000: GSM EFR; G723/8000: G.723.1.</item>
/// <item>Anything else (opus, speex, G726-32, telephone-event, CN...) maps to nothing.</item>
/// </list>
/// </remarks>
public static class RtpAudioCodecs
{
    /// <summary>The table row of <paramref name="rtpMap"/> with fmtp parameters <paramref name="fmtp"/>, if any.</summary>
    public static bool TryMap(SdpRtpMap rtpMap, string? fmtp, [NotNullWhen(true)] out AudioCodec? codec)
    {
        ArgumentNullException.ThrowIfNull(rtpMap);
        codec = rtpMap.Channels is null or 1 ? Map(rtpMap.EncodingName.ToUpperInvariant(), rtpMap.ClockRate, fmtp) : null;
        return codec is not null;
    }

    private static AudioCodec? Map(string name, int clockRate, string? fmtp) => (name, clockRate) switch
    {
        ("PCMU", 8000) => AudioCodec.G711MuLaw64,
        ("PCMA", 8000) => AudioCodec.G711ALaw64,
        ("G722", 8000) => AudioCodec.G722At64,
        ("G7221", 16000) => SdpFormatParameters.Get(fmtp, "bitrate") switch
        {
            "24000" => AudioCodec.G7221At24,
            "32000" => AudioCodec.G7221At32,
            _ => null,
        },
        ("G729" or "G729A", 8000) => string.Equals(SdpFormatParameters.Get(fmtp, "annexb"), "no", StringComparison.OrdinalIgnoreCase)
            ? AudioCodec.G729A
            : AudioCodec.G729AB,
        ("ILBC", 8000) => SdpFormatParameters.Get(fmtp, "mode") is null or "20" or "30" ? AudioCodec.Ilbc16 : null,
        ("L16", 16000) => AudioCodec.L16At256,
        ("AMR-WB", 16000) => AudioCodec.AmrWb24,
        ("AMR", 8000) => AudioCodec.Amr13,
        ("MP4A-LATM", _) => SdpFormatParameters.Get(fmtp, "bitrate") switch
        {
            "128000" => AudioCodec.AacLdLatm128,
            "64000" => AudioCodec.AacLdLatm64,
            "56000" => AudioCodec.AacLdLatm56,
            "48000" => AudioCodec.AacLdLatm48,
            "32000" => AudioCodec.AacLdLatm32,
            "24000" => AudioCodec.AacLdLatm24,
            _ => null,
        },
        ("MPEG4-GENERIC", _) => SdpFormatParameters.Get(fmtp, "bitrate") is null or "64000" ? AudioCodec.AacLdMpeg4Generic64 : null,
        ("ISAC", 16000) => AudioCodec.Isac32,
        ("G728", 8000) => AudioCodec.G728At16,
        ("GSM", 8000) => AudioCodec.GsmFr13,
        ("GSM-EFR", 8000) => AudioCodec.GsmEfr13,
        ("G723", 8000) => AudioCodec.G7231,
        _ => null,
    };
}
