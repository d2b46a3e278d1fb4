using System.Diagnostics.CodeAnalysis;
using Emx.Domain.Configuration;
using Emx.Domain.Media;
using Emx.Sip.Sdp;

namespace Emx.Cluster.CallControl.Media;

/// <summary>
/// Applies the region codec policy (<see cref="CodecPreference"/>) to an SDP offer before it is passed on: each
/// enabled RTP audio stream keeps only the codecs eligible under the effective Max Audio Bit Rate, most preferred
/// first, followed by its telephone-event and CN payloads.
/// </summary>
/// <remarks>
/// <para>
/// Per enabled (port &gt; 0) audio m= line with an RTP protocol: each format is resolved to an encoding (its
/// rtpmap, else the RFC 3551 static assignment) and mapped to a table row by <see cref="RtpAudioCodecs"/>; unknown
/// encodings (Opus among them, see <see cref="CodecPreference"/>) are dropped. The eligible formats are ordered by
/// the table, offer order breaking ties (two payloads on one row). telephone-event (RFC 4733) and CN (RFC 3389)
/// payloads follow, in offer order, when their clock rate is that of a codec kept: a named-event or comfort-noise
/// payload only works at its codec's clock rate, so baresip's telephone-event/48000, which goes with Opus, leaves
/// with it. The rtpmap, fmtp and rtcp-fb attributes of formats no longer listed are removed; other attributes,
/// the o= line, b= lines and non-audio media are untouched (Max Video Call Bit Rate is not applied here).
/// </para>
/// <para>
/// When an enabled audio stream keeps no codec, the offer cannot be accepted:
/// <see cref="SdpCodecFilterOutcome.NoCommonCodec"/>, which the SIP core answers with 488 Not Acceptable Here and
/// <c>Warning: 305</c> "Incompatible media format" (RFC 3261 §20.43; 304 "Media type not available" does not arise,
/// since media other than audio pass through). An offer without an enabled audio stream passes unchanged.
/// </para>
/// </remarks>
public static class SdpCodecFilter
{
    /// <summary>Filters and reorders the audio codecs of <paramref name="offer"/>.</summary>
    /// <param name="offer">The SDP offer as received.</param>
    /// <param name="maxAudioBitRateKbps">The effective Max Audio Bit Rate in kb/s: the lower of both regions' (for EMCC, the EMCC region's).</param>
    /// <param name="lossType">The link loss type of the region relationship.</param>
    public static SdpCodecFilterResult Apply(SdpSession offer, int maxAudioBitRateKbps, LinkLossType lossType)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentOutOfRangeException.ThrowIfNegative(maxAudioBitRateKbps);
        var media = new SdpMediaDescription[offer.Media.Count];
        for (var i = 0; i < media.Length; i++)
        {
            var description = offer.Media[i];
            if (!description.IsAudio || !description.IsRtp || description.Port == 0)
            {
                media[i] = description;
                continue;
            }

            var filtered = FilterAudio(description, maxAudioBitRateKbps, lossType);
            if (filtered is null)
            {
                return SdpCodecFilterResult.NoCommonCodec(i);
            }

            media[i] = filtered;
        }

        return SdpCodecFilterResult.Filtered(offer with { Media = media });
    }

    private static SdpMediaDescription? FilterAudio(SdpMediaDescription media, int maxAudioBitRateKbps, LinkLossType lossType)
    {
        var candidates = new List<(string Format, SdpRtpMap RtpMap, AudioCodec Codec)>();
        var companions = new List<(string Format, int ClockRate)>();
        foreach (var format in media.Formats.Distinct(StringComparer.Ordinal))
        {
            var rtpMap = media.GetRtpMap(format);
            if (rtpMap is null)
            {
                continue;
            }

            if (rtpMap.Is(SdpNames.TelephoneEvent) || rtpMap.Is(SdpNames.ComfortNoise))
            {
                companions.Add((format, rtpMap.ClockRate));
            }
            else if (RtpAudioCodecs.TryMap(rtpMap, media.GetFmtp(format), out var codec))
            {
                candidates.Add((format, rtpMap, codec));
            }
        }

        var selected = CodecPreference.Select(candidates.Select(c => c.Codec), maxAudioBitRateKbps, lossType);
        if (selected.Count == 0)
        {
            return null;
        }

        var rank = new Dictionary<AudioCodec, int>();
        for (var i = 0; i < selected.Count; i++)
        {
            rank[selected[i]] = i;
        }

        var kept = candidates.Where(c => rank.ContainsKey(c.Codec)).OrderBy(c => rank[c.Codec]).ToList();
        var clockRates = kept.Select(c => c.RtpMap.ClockRate).ToHashSet();
        var formats = kept.Select(c => c.Format)
            .Concat(companions.Where(c => clockRates.Contains(c.ClockRate)).Select(c => c.Format))
            .ToArray();

        var listed = formats.ToHashSet(StringComparer.Ordinal);
        var attributes = media.Attributes.Where(a => !IsPayloadAttribute(a) || listed.Contains(a.FirstToken)).ToArray();
        return media with { Formats = formats, Attributes = attributes };
    }

    /// <summary>rtpmap, fmtp and rtcp-fb name a format first; rtcp-fb's wildcard <c>*</c> applies to all and stays.</summary>
    private static bool IsPayloadAttribute(SdpAttribute attribute) =>
        (string.Equals(attribute.Name, SdpNames.RtpMap, StringComparison.OrdinalIgnoreCase)
            || string.Equals(attribute.Name, SdpNames.Fmtp, StringComparison.OrdinalIgnoreCase)
            || string.Equals(attribute.Name, SdpNames.RtcpFeedback, StringComparison.OrdinalIgnoreCase))
        && attribute.FirstToken != "*";
}

/// <summary>What <see cref="SdpCodecFilter.Apply"/> decided.</summary>
public enum SdpCodecFilterOutcome
{
    /// <summary>The offer, rewritten, can be passed on.</summary>
    Filtered,

    /// <summary>An audio stream has no eligible codec: answer 488 with Warning 305.</summary>
    NoCommonCodec,
}

/// <summary>The result of <see cref="SdpCodecFilter.Apply"/>.</summary>
public sealed record SdpCodecFilterResult
{
    /// <summary>The SIP warn-code for <see cref="SdpCodecFilterOutcome.NoCommonCodec"/> (RFC 3261 §20.43).</summary>
    public const int IncompatibleMediaFormatWarningCode = 305;

    /// <summary>The warn-text that goes with <see cref="IncompatibleMediaFormatWarningCode"/>.</summary>
    public const string IncompatibleMediaFormatWarningText = "Incompatible media format";

    private SdpCodecFilterResult(SdpCodecFilterOutcome outcome, SdpSession? offer, int? rejectedMediaIndex)
    {
        Outcome = outcome;
        Offer = offer;
        RejectedMediaIndex = rejectedMediaIndex;
    }

    /// <summary>What was decided.</summary>
    public SdpCodecFilterOutcome Outcome { get; }

    /// <summary>The rewritten offer, when <see cref="IsFiltered"/>.</summary>
    public SdpSession? Offer { get; }

    /// <summary>The index of the first audio m= line without an eligible codec, for <see cref="SdpCodecFilterOutcome.NoCommonCodec"/>.</summary>
    public int? RejectedMediaIndex { get; }

    /// <summary>True when <see cref="Offer"/> holds the rewritten offer.</summary>
    [MemberNotNullWhen(true, nameof(Offer))]
    public bool IsFiltered => Outcome == SdpCodecFilterOutcome.Filtered;

    /// <summary>305 for <see cref="SdpCodecFilterOutcome.NoCommonCodec"/>, otherwise null.</summary>
    public int? WarningCode => IsFiltered ? null : IncompatibleMediaFormatWarningCode;

    /// <summary>"Incompatible media format" for <see cref="SdpCodecFilterOutcome.NoCommonCodec"/>, otherwise null.</summary>
    public string? WarningText => IsFiltered ? null : IncompatibleMediaFormatWarningText;

    internal static SdpCodecFilterResult Filtered(SdpSession offer) => new(SdpCodecFilterOutcome.Filtered, offer, null);

    internal static SdpCodecFilterResult NoCommonCodec(int mediaIndex) => new(SdpCodecFilterOutcome.NoCommonCodec, null, mediaIndex);
}
