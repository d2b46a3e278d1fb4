using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Emx.Phones;

/// <summary>
/// The phone's session descriptions (RFC 4566) as plain text, and the little of offer/answer (RFC 3264) a phone that
/// sends no media needs: one audio stream, the codec chosen, telephone-event (RFC 4733) kept when both sides have it.
/// </summary>
/// <remarks>Private to the phone on purpose: a general SDP model belongs in Emx.Sip, not here.</remarks>
internal static class PhoneSdp
{
    /// <summary>The dynamic payload type a Cisco 88xx uses for telephone-event.</summary>
    public const int TelephoneEventPayloadType = 101;

    private const string TelephoneEvent = "telephone-event";

    /// <summary>The audio codecs the phone knows, with their static payload types (RFC 3551 table 4).</summary>
    private static readonly Dictionary<string, int> StaticPayloadTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PCMU"] = 0,
        ["PCMA"] = 8,
        ["G722"] = 9,
        ["G729"] = 18,
    };

    /// <summary>The codec names the phone can offer, in the order a Cisco 88xx prefers them.</summary>
    public static IReadOnlyList<string> DefaultCodecs { get; } = ["G722", "PCMU", "PCMA", "G729"];

    /// <summary>True for a codec name the phone knows (case-insensitive).</summary>
    public static bool IsKnownCodec(string name) => StaticPayloadTypes.ContainsKey(name);

    /// <summary>
    /// An offer like a Cisco 88xx's: every codec of <paramref name="codecs"/> in order, then telephone-event 101.
    /// </summary>
    public static string CreateOffer(IPAddress address, int port, IReadOnlyList<string> codecs, long sessionId, long version)
    {
        var formats = codecs.Select(c => (StaticPayloadTypes[c], Canonical(c))).Append((TelephoneEventPayloadType, TelephoneEvent)).ToList();
        return Write(address, port, formats, sessionId, version);
    }

    /// <summary>The answer to an offer once <see cref="Negotiate"/> has chosen.</summary>
    public static string CreateAnswer(IPAddress address, int port, SdpChoice choice, long sessionId, long version)
    {
        var formats = new List<(int, string)> { (choice.PayloadType, choice.Codec) };
        if (choice.TelephoneEventPayloadType is { } events)
        {
            formats.Add((events, TelephoneEvent));
        }

        return Write(address, port, formats, sessionId, version);
    }

    /// <summary>
    /// Chooses the first codec of the offer's first audio stream that the phone supports (the offerer's preference,
    /// RFC 3264 §6.1), keeping the offer's payload type numbers. Null when the offer has no usable audio stream or no
    /// codec in common: the phone then answers 488 Not Acceptable Here.
    /// </summary>
    public static SdpChoice? Negotiate(string offer, IReadOnlyList<string> codecs)
    {
        if (ParseAudio(offer) is not { Port: > 0 } audio)
        {
            return null;
        }

        int? events = audio.Formats.FirstOrDefault(f => string.Equals(f.Encoding, TelephoneEvent, StringComparison.OrdinalIgnoreCase)) is { Encoding: not null } te
            ? te.PayloadType
            : null;
        foreach (var format in audio.Formats)
        {
            var codec = format.Encoding ?? StaticName(format.PayloadType);
            if (codec is not null && codecs.Contains(codec, StringComparer.OrdinalIgnoreCase))
            {
                return new SdpChoice(Canonical(codec), format.PayloadType, events, audio.Address, audio.Port);
            }
        }

        return null;
    }

    /// <summary>
    /// What an answer (or the far end's offer, for a 2xx to an INVITE without one) settled on: its first audio codec
    /// that is not telephone-event. Null when there is none.
    /// </summary>
    public static SdpChoice? ReadChoice(string sdp)
    {
        if (ParseAudio(sdp) is not { Port: > 0 } audio)
        {
            return null;
        }

        int? events = audio.Formats.FirstOrDefault(f => string.Equals(f.Encoding, TelephoneEvent, StringComparison.OrdinalIgnoreCase)) is { Encoding: not null } te
            ? te.PayloadType
            : null;
        foreach (var format in audio.Formats)
        {
            var codec = format.Encoding ?? StaticName(format.PayloadType);
            if (codec is not null && !string.Equals(codec, TelephoneEvent, StringComparison.OrdinalIgnoreCase))
            {
                return new SdpChoice(IsKnownCodec(codec) ? Canonical(codec) : codec, format.PayloadType, events, audio.Address, audio.Port);
            }
        }

        return null;
    }

    private static string Write(IPAddress address, int port, List<(int PayloadType, string Name)> formats, long sessionId, long version)
    {
        var family = address.AddressFamily == AddressFamily.InterNetworkV6 ? "IP6" : "IP4";
        var text = new StringBuilder();
        text.Append("v=0\r\n");
        text.Append(CultureInfo.InvariantCulture, $"o=Cisco-SIPUA {sessionId} {version} IN {family} {address}\r\n");
        text.Append("s=SIP Call\r\n");
        text.Append(CultureInfo.InvariantCulture, $"c=IN {family} {address}\r\n");
        text.Append("t=0 0\r\n");
        text.Append(CultureInfo.InvariantCulture, $"m=audio {port} RTP/AVP {string.Join(' ', formats.Select(f => f.PayloadType))}\r\n");
        foreach (var (payloadType, name) in formats)
        {
            text.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{payloadType} {name}/8000\r\n");
            if (name == "G729")
            {
                text.Append(CultureInfo.InvariantCulture, $"a=fmtp:{payloadType} annexb=no\r\n");
            }
            else if (name == TelephoneEvent)
            {
                text.Append(CultureInfo.InvariantCulture, $"a=fmtp:{payloadType} 0-15\r\n");
            }
        }

        text.Append("a=ptime:20\r\n");
        text.Append("a=sendrecv\r\n");
        return text.ToString();
    }

    /// <summary>The first audio media description: its connection address, port and formats with their rtpmap names.</summary>
    private static AudioStream? ParseAudio(string sdp)
    {
        IPAddress? sessionAddress = null;
        IPAddress? mediaAddress = null;
        var port = -1;
        List<int>? payloadTypes = null;
        var names = new Dictionary<int, string>();
        var section = 0; // 0 session, 1 the first audio stream, 2 past it
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length < 2 || line[1] != '=')
            {
                continue;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 'm' when section == 0:
                    var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length >= 3 && parts[0] == "audio" && parts[2].StartsWith("RTP/", StringComparison.Ordinal))
                    {
                        var portText = parts[1].Split('/')[0];
                        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                        {
                            return null;
                        }

                        payloadTypes = [.. parts.Skip(3).Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) ? pt : -1).Where(pt => pt is >= 0 and <= 127)];
                        section = 1;
                    }

                    break;
                case 'm' when section == 1:
                    section = 2;
                    break;
                case 'c' when section < 2:
                    var address = ParseConnection(value);
                    if (section == 0)
                    {
                        sessionAddress = address;
                    }
                    else
                    {
                        mediaAddress = address;
                    }

                    break;
                case 'a' when section == 1 && value.StartsWith("rtpmap:", StringComparison.Ordinal):
                    var map = value["rtpmap:".Length..];
                    var space = map.IndexOf(' ', StringComparison.Ordinal);
                    if (space > 0 && int.TryParse(map.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var mapped))
                    {
                        names[mapped] = map[(space + 1)..].Split('/')[0].Trim();
                    }

                    break;
            }
        }

        if (payloadTypes is null)
        {
            return null;
        }

        return new AudioStream(mediaAddress ?? sessionAddress, port, [.. payloadTypes.Select(pt => new Format(pt, names.GetValueOrDefault(pt)))]);
    }

    private static IPAddress? ParseConnection(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 && IPAddress.TryParse(parts[2].Split('/')[0], out var address) ? address : null;
    }

    private static string? StaticName(int payloadType) =>
        StaticPayloadTypes.FirstOrDefault(p => p.Value == payloadType).Key;

    private static string Canonical(string codec) => StaticPayloadTypes.Keys.FirstOrDefault(k => string.Equals(k, codec, StringComparison.OrdinalIgnoreCase)) ?? codec;

    private sealed record Format(int PayloadType, string? Encoding);

    private sealed record AudioStream(IPAddress? Address, int Port, IReadOnlyList<Format> Formats);
}

/// <summary>The outcome of offer/answer: the codec, its payload type, telephone-event's, and where the far end wants RTP.</summary>
internal sealed record SdpChoice(string Codec, int PayloadType, int? TelephoneEventPayloadType, IPAddress? RemoteAddress, int RemotePort);
