using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Emx.Sip.Sdp;

/// <summary>
/// An RTP payload mapping, <c>a=rtpmap:&lt;payload type&gt; &lt;encoding name&gt;/&lt;clock rate&gt;[/&lt;encoding
/// parameters&gt;]</c> (RFC 8866 §6.6), or the static assignment of RFC 3551 §6 when no rtpmap is given.
/// </summary>
/// <param name="PayloadType">0 to 127.</param>
/// <param name="EncodingName">The encoding name as received; compare it case-insensitively (RFC 4855 §3).</param>
/// <param name="ClockRate">The RTP clock rate in Hz (8000 for G.722, RFC 3551 §4.5.2).</param>
/// <param name="Channels">For audio, the number of channels when given (<c>opus/48000/2</c>); otherwise null.</param>
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int? Channels = null)
{
    /// <summary>The highest RTP payload type (the field has 7 bits, RFC 3550 §5.1).</summary>
    public const int MaxPayloadType = 127;

    // RFC 3551 §6, tables 4 and 5. Unassigned and reserved numbers (1, 2, 19, 20-24, 27, 29, 30, 35-95) are absent.
    private static readonly SdpRtpMap?[] StaticTypes = CreateStaticTypes();

    /// <summary>The payload type as it appears in the <c>m=</c> format list.</summary>
    public string Format => PayloadType.ToString(CultureInfo.InvariantCulture);

    /// <summary>True when <see cref="EncodingName"/> is <paramref name="name"/>, ignoring case.</summary>
    public bool Is(string name) => string.Equals(EncodingName, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The static payload type assignment of RFC 3551 §6 (0 PCMU, 3 GSM, 4 G723, 8 PCMA, 9 G722, 13 CN, 15 G728,
    /// 18 G729, ...), or false for a dynamic, unassigned or reserved number.
    /// </summary>
    public static bool TryGetStatic(int payloadType, [NotNullWhen(true)] out SdpRtpMap? rtpMap)
    {
        rtpMap = payloadType >= 0 && payloadType < StaticTypes.Length ? StaticTypes[payloadType] : null;
        return rtpMap is not null;
    }

    /// <summary>
    /// Parses an rtpmap attribute value, <c>96 opus/48000/2</c>. Spaces around the parts are tolerated; the
    /// payload type must be 0-127 and the clock rate and channel count positive integers.
    /// </summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out SdpRtpMap? rtpMap)
    {
        rtpMap = null;
        if (value is null)
        {
            return false;
        }

        var text = value.AsSpan().Trim(' ');
        var space = text.IndexOf(' ');
        if (space <= 0 || !TryParsePayloadType(text[..space], out var payloadType))
        {
            return false;
        }

        var encoding = text[(space + 1)..].TrimStart(' ');
        var firstSlash = encoding.IndexOf('/');
        if (firstSlash <= 0)
        {
            return false;
        }

        var name = encoding[..firstSlash];
        if (name.ContainsAny(' ', '\t'))
        {
            return false;
        }

        var rest = encoding[(firstSlash + 1)..];
        var secondSlash = rest.IndexOf('/');
        var clockText = secondSlash < 0 ? rest : rest[..secondSlash];
        if (!TryParsePositive(clockText, out var clockRate))
        {
            return false;
        }

        int? channels = null;
        if (secondSlash >= 0)
        {
            if (!TryParsePositive(rest[(secondSlash + 1)..], out var count))
            {
                return false;
            }

            channels = count;
        }

        rtpMap = new SdpRtpMap(payloadType, name.ToString(), clockRate, channels);
        return true;
    }

    /// <summary>Parses a payload type, 0-127, written as plain decimal digits.</summary>
    public static bool TryParsePayloadType(ReadOnlySpan<char> text, out int payloadType)
    {
        payloadType = -1;
        if (text.IsEmpty || text.Length > 3 || !IsDigits(text))
        {
            return false;
        }

        var value = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        if (value > MaxPayloadType)
        {
            return false;
        }

        payloadType = value;
        return true;
    }

    /// <summary>The attribute value, <c>&lt;payload type&gt; &lt;encoding&gt;/&lt;clock rate&gt;[/&lt;channels&gt;]</c>.</summary>
    public string ToAttributeValue() => Format + " " + ToString();

    /// <summary>The encoding, <c>PCMU/8000</c> or <c>opus/48000/2</c>.</summary>
    public override string ToString() =>
        Channels is { } channels
            ? string.Create(CultureInfo.InvariantCulture, $"{EncodingName}/{ClockRate}/{channels}")
            : string.Create(CultureInfo.InvariantCulture, $"{EncodingName}/{ClockRate}");

    private static bool TryParsePositive(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        return text.Length is > 0 and <= 9 && IsDigits(text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static SdpRtpMap?[] CreateStaticTypes()
    {
        var types = new SdpRtpMap?[35];
        void Add(int payloadType, string name, int clockRate, int? channels = null) =>
            types[payloadType] = new SdpRtpMap(payloadType, name, clockRate, channels);

        Add(0, "PCMU", 8000);
        Add(3, "GSM", 8000);
        Add(4, "G723", 8000);
        Add(5, "DVI4", 8000);
        Add(6, "DVI4", 16000);
        Add(7, "LPC", 8000);
        Add(8, "PCMA", 8000);
        Add(9, "G722", 8000);
        Add(10, "L16", 44100, 2);
        Add(11, "L16", 44100);
        Add(12, "QCELP", 8000);
        Add(13, "CN", 8000);
        Add(14, "MPA", 90000);
        Add(15, "G728", 8000);
        Add(16, "DVI4", 11025);
        Add(17, "DVI4", 22050);
        Add(18, "G729", 8000);
        Add(25, "CelB", 90000);
        Add(26, "JPEG", 90000);
        Add(28, "nv", 90000);
        Add(31, "H261", 90000);
        Add(32, "MPV", 90000);
        Add(33, "MP2T", 90000);
        Add(34, "H263", 90000);
        return types;
    }
}

/// <summary>
/// Reads the <c>name=value</c> parameters of an fmtp value (<c>annexb=no</c>, <c>mode=20</c>,
/// <c>bitrate=64000;profile-level-id=24;object=23</c>). Parameters are separated by <c>;</c> with optional spaces
/// (RFC 4855 §3 leaves the syntax to each payload format; this is the common one).
/// </summary>
public static class SdpFormatParameters
{
    /// <summary>
    /// The value of parameter <paramref name="name"/> (compared case-insensitively) in
    /// <paramref name="parameters"/>, or null when absent; a parameter given without <c>=</c> has the value "".
    /// </summary>
    public static string? Get(string? parameters, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (parameters is null)
        {
            return null;
        }

        foreach (var range in parameters.AsSpan().Split(';'))
        {
            var part = parameters.AsSpan(range).Trim(' ');
            var equals = part.IndexOf('=');
            var key = (equals < 0 ? part : part[..equals]).TrimEnd(' ');
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return equals < 0 ? string.Empty : part[(equals + 1)..].Trim(' ').ToString();
            }
        }

        return null;
    }
}
