using System.Globalization;

namespace Emx.Sip.Sdp;

/// <summary>
/// A media description (RFC 8866 §5.14): the <c>m=</c> line and the <c>i=</c>, <c>c=</c>, <c>b=</c>, <c>k=</c> and
/// <c>a=</c> lines that follow it.
/// </summary>
public sealed record SdpMediaDescription
{
    /// <summary>The media type, e.g. <c>audio</c>, <c>video</c>, <c>image</c>; see <see cref="SdpNames"/>.</summary>
    public required string Media { get; init; }

    /// <summary>The transport port, 0-65535; 0 marks a rejected or disabled stream (RFC 3264 §5.1, §6).</summary>
    public required int Port { get; init; }

    /// <summary>The number of ports of <c>&lt;port&gt;/&lt;number of ports&gt;</c>, or null when not given.</summary>
    public int? PortCount { get; init; }

    /// <summary>The transport protocol, e.g. <c>RTP/AVP</c>, <c>RTP/SAVP</c>, <c>UDP/TLS/RTP/SAVPF</c>, <c>udptl</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>The format list: RTP payload type numbers for RTP protocols, in the offerer's order of preference.</summary>
    public required IReadOnlyList<string> Formats { get; init; }

    /// <summary>The media title, <c>i=</c>.</summary>
    public string? Information { get; init; }

    /// <summary>The media-level <c>c=</c> lines (several only for layered multicast); empty when the session-level one applies.</summary>
    public IReadOnlyList<SdpConnection> Connections { get; init; } = [];

    /// <summary>The media-level <c>b=</c> lines.</summary>
    public IReadOnlyList<SdpBandwidth> Bandwidths { get; init; } = [];

    /// <summary>The obsolete <c>k=</c> line, verbatim (RFC 8866 §5.12).</summary>
    public string? EncryptionKey { get; init; }

    /// <summary>The media-level <c>a=</c> lines, in order.</summary>
    public IReadOnlyList<SdpAttribute> Attributes { get; init; } = [];

    /// <summary>True for <c>m=audio</c>.</summary>
    public bool IsAudio => string.Equals(Media, SdpNames.Audio, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// True when the protocol is an RTP profile (<c>RTP/AVP</c>, <c>RTP/SAVPF</c>, <c>UDP/TLS/RTP/SAVP</c>,
    /// <c>TCP/RTP/AVP</c>...): the formats are then payload type numbers.
    /// </summary>
    public bool IsRtp => IsRtpProtocol(Protocol);

    /// <summary>The media-level direction attribute, or null when there is none (the session-level one then applies).</summary>
    public SdpDirection? Direction => SdpAttributeList.FindDirection(Attributes);

    /// <summary>The <c>a=ptime</c> value in milliseconds, or null when absent or not an integer.</summary>
    public int? Ptime => ReadMilliseconds(SdpNames.Ptime);

    /// <summary>The <c>a=maxptime</c> value in milliseconds, or null when absent or not an integer.</summary>
    public int? MaxPtime => ReadMilliseconds(SdpNames.MaxPtime);

    /// <summary>The value of the first attribute named <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? GetAttributeValue(string name) => SdpAttributeList.FindValue(Attributes, name);

    /// <summary>The attributes named <paramref name="name"/> (case-insensitive), in order.</summary>
    public IReadOnlyList<SdpAttribute> GetAttributes(string name) => SdpAttributeList.FindAll(Attributes, name);

    /// <summary>
    /// The encoding of <paramref name="format"/>: its <c>a=rtpmap</c> when there is one, otherwise the RFC 3551
    /// static assignment for payload types 0-34 (<c>0</c> is PCMU/8000, <c>18</c> G729/8000...). Null for a
    /// non-RTP medium, a dynamic payload type without rtpmap or a format that is not a payload type.
    /// </summary>
    public SdpRtpMap? GetRtpMap(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        if (!IsRtp || !SdpRtpMap.TryParsePayloadType(format, out var payloadType))
        {
            return null;
        }

        foreach (var attribute in Attributes)
        {
            if (IsNamed(attribute, SdpNames.RtpMap) && attribute.FirstToken == format
                && SdpRtpMap.TryParse(attribute.Value, out var rtpMap))
            {
                return rtpMap;
            }
        }

        return SdpRtpMap.TryGetStatic(payloadType, out var staticMap) ? staticMap : null;
    }

    /// <summary>The format-specific parameters of <c>a=fmtp:&lt;format&gt; &lt;parameters&gt;</c>, or null when absent.</summary>
    public string? GetFmtp(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        foreach (var attribute in Attributes)
        {
            if (IsNamed(attribute, SdpNames.Fmtp) && attribute.FirstToken == format)
            {
                var value = attribute.Value!;
                return value.Length > format.Length ? value[(format.Length + 1)..].Trim(' ') : string.Empty;
            }
        }

        return null;
    }

    /// <summary>A copy whose direction attribute is <paramref name="direction"/> (replacing any, at the same place).</summary>
    public SdpMediaDescription WithDirection(SdpDirection direction) =>
        this with { Attributes = SdpAttributeList.WithDirection(Attributes, direction) };

    /// <summary>The <c>m=</c> line value, without <c>m=</c>.</summary>
    public string MediaLine()
    {
        var port = PortCount is { } count
            ? string.Create(CultureInfo.InvariantCulture, $"{Port}/{count}")
            : Port.ToString(CultureInfo.InvariantCulture);
        return Formats.Count == 0
            ? $"{Media} {port} {Protocol}"
            : $"{Media} {port} {Protocol} {string.Join(' ', Formats)}";
    }

    internal static bool IsRtpProtocol(string protocol)
    {
        foreach (var range in protocol.AsSpan().Split('/'))
        {
            if (protocol.AsSpan(range).Equals("RTP", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsNamed(SdpAttribute attribute, string name) =>
        string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase);

    private int? ReadMilliseconds(string name) =>
        int.TryParse(GetAttributeValue(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
}

/// <summary>Lookups shared by the session-level and media-level attribute lists.</summary>
internal static class SdpAttributeList
{
    public static string? FindValue(IReadOnlyList<SdpAttribute> attributes, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var attribute in attributes)
        {
            if (string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return attribute.Value;
            }
        }

        return null;
    }

    public static IReadOnlyList<SdpAttribute> FindAll(IReadOnlyList<SdpAttribute> attributes, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return attributes.Where(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase)).ToArray();
    }

    public static SdpDirection? FindDirection(IReadOnlyList<SdpAttribute> attributes)
    {
        foreach (var attribute in attributes)
        {
            if (attribute.Value is null && ToDirection(attribute.Name) is { } direction)
            {
                return direction;
            }
        }

        return null;
    }

    public static IReadOnlyList<SdpAttribute> WithDirection(IReadOnlyList<SdpAttribute> attributes, SdpDirection direction)
    {
        var replacement = new SdpAttribute(direction switch
        {
            SdpDirection.SendRecv => SdpNames.SendRecv,
            SdpDirection.SendOnly => SdpNames.SendOnly,
            SdpDirection.RecvOnly => SdpNames.RecvOnly,
            SdpDirection.Inactive => SdpNames.Inactive,
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown direction."),
        });

        var result = new List<SdpAttribute>(attributes.Count + 1);
        var replaced = false;
        foreach (var attribute in attributes)
        {
            if (attribute.Value is null && ToDirection(attribute.Name) is not null)
            {
                if (!replaced)
                {
                    result.Add(replacement);
                    replaced = true;
                }

                continue;
            }

            result.Add(attribute);
        }

        if (!replaced)
        {
            result.Add(replacement);
        }

        return result;
    }

    private static SdpDirection? ToDirection(string name) => name.ToLowerInvariant() switch
    {
        SdpNames.SendRecv => SdpDirection.SendRecv,
        SdpNames.SendOnly => SdpDirection.SendOnly,
        SdpNames.RecvOnly => SdpDirection.RecvOnly,
        SdpNames.Inactive => SdpDirection.Inactive,
        _ => null,
    };
}
