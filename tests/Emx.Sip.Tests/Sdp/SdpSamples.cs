using Emx.Sip.Sdp;
using Xunit;

namespace Emx.Sip.Tests.Sdp;

/// <summary>
/// Session descriptions as real UAs send them, written by hand from their known shapes (addresses and ids made
/// up). Each is in RFC 8866 field order with CRLF line ends, so the writer must give it back byte for byte.
/// </summary>
internal static class SdpSamples
{
    /// <summary>SIPp's built-in uac scenario, with its [local_ip]/[media_port] keywords substituted.</summary>
    public static readonly string Sipp = Crlf(
        "v=0",
        "o=user1 53655765 2353687637 IN IP4 127.0.0.1",
        "s=-",
        "c=IN IP4 127.0.0.1",
        "t=0 0",
        "m=audio 6000 RTP/AVP 0",
        "a=rtpmap:0 PCMU/8000");

    /// <summary>baresip 3.x: opus first, then G.722, G.711; telephone-event at both 48 kHz (for opus) and 8 kHz.</summary>
    public static readonly string Baresip = Crlf(
        "v=0",
        "o=- 1431296432 3257409722 IN IP4 192.168.1.50",
        "s=-",
        "c=IN IP4 192.168.1.50",
        "t=0 0",
        "a=tool:baresip 3.10.1",
        "m=audio 10000 RTP/AVP 96 9 0 8 101 102",
        "b=AS:128",
        "a=rtpmap:96 opus/48000/2",
        "a=fmtp:96 stereo=1;sprop-stereo=1;maxaveragebitrate=28000",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:101 telephone-event/48000",
        "a=fmtp:101 0-15",
        "a=rtpmap:102 telephone-event/8000",
        "a=fmtp:102 0-15",
        "a=rtcp-rsize",
        "a=sendrecv",
        "a=label:1",
        "a=ssrc:1742596811 cname:1d7b9c5f-ad4a-4b2c-a59a-0a8f4c8bbf52",
        "a=ptime:20");

    /// <summary>A Cisco 8845 (SIP, video): opus, G.722, iSAC, G.711, iLBC, G.729 with Annex B, DTMF; H.264 video.</summary>
    public static readonly string Cisco8845 = Crlf(
        "v=0",
        "o=Cisco-SIPUA 26282 0 IN IP4 10.10.20.31",
        "s=SIP Call",
        "b=AS:4064",
        "t=0 0",
        "m=audio 20872 RTP/AVP 114 9 124 0 8 116 18 101",
        "c=IN IP4 10.10.20.31",
        "b=TIAS:64000",
        "a=rtpmap:114 opus/48000/2",
        "a=fmtp:114 maxplaybackrate=16000;sprop-maxcapturerate=16000;maxaveragebitrate=64000;stereo=0;sprop-stereo=0;usedtx=0",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:124 ISAC/16000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:116 iLBC/8000",
        "a=fmtp:116 mode=20",
        "a=rtpmap:18 G729/8000",
        "a=fmtp:18 annexb=yes",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-15",
        "a=sendrecv",
        "m=video 20874 RTP/AVP 126 97",
        "c=IN IP4 10.10.20.31",
        "b=TIAS:4000000",
        "a=rtpmap:126 H264/90000",
        "a=fmtp:126 profile-level-id=42801E;packetization-mode=1;level-asymmetry-allowed=1",
        "a=rtpmap:97 H264/90000",
        "a=fmtp:97 profile-level-id=42801E;packetization-mode=0;level-asymmetry-allowed=1",
        "a=rtcp-fb:* nack pli",
        "a=rtcp-fb:* ccm fir",
        "a=sendrecv");

    /// <summary>An older Cisco SIP phone (79xx): G.711, G.729 without Annex B, L16, G.722, iLBC 30 ms, DTMF.</summary>
    public static readonly string Cisco7975 = Crlf(
        "v=0",
        "o=Cisco-SIPUA 11138 0 IN IP4 10.1.1.20",
        "s=SIP Call",
        "t=0 0",
        "m=audio 27466 RTP/AVP 0 8 18 102 9 116 101",
        "c=IN IP4 10.1.1.20",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:18 G729/8000",
        "a=fmtp:18 annexb=no",
        "a=rtpmap:102 L16/16000",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:116 iLBC/8000",
        "a=fmtp:116 mode=30",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-15",
        "a=sendrecv");

    /// <summary>A Cisco TelePresence endpoint: AAC-LD (MP4A-LATM) at 128/64/48 kb/s, G.722.1 32/24, G.722, G.711, G.729.</summary>
    public static readonly string CiscoTelePresence = Crlf(
        "v=0",
        "o=tandberg 7 2 IN IP4 10.30.1.5",
        "s=-",
        "c=IN IP4 10.30.1.5",
        "b=AS:6000",
        "t=0 0",
        "m=audio 2326 RTP/AVP 100 101 102 103 104 9 0 8 18 105",
        "b=TIAS:128000",
        "a=rtpmap:100 MP4A-LATM/90000",
        "a=fmtp:100 profile-level-id=24;object=23;bitrate=128000",
        "a=rtpmap:101 MP4A-LATM/90000",
        "a=fmtp:101 profile-level-id=24;object=23;bitrate=64000",
        "a=rtpmap:102 MP4A-LATM/90000",
        "a=fmtp:102 profile-level-id=24;object=23;bitrate=48000",
        "a=rtpmap:103 G7221/16000",
        "a=fmtp:103 bitrate=32000",
        "a=rtpmap:104 G7221/16000",
        "a=fmtp:104 bitrate=24000",
        "a=rtpmap:9 G722/8000",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:8 PCMA/8000",
        "a=rtpmap:18 G729/8000",
        "a=fmtp:18 annexb=no",
        "a=rtpmap:105 telephone-event/8000",
        "a=fmtp:105 0-15",
        "a=sendrecv",
        "m=video 2328 RTP/AVP 97",
        "b=TIAS:6000000",
        "a=rtpmap:97 H264/90000",
        "a=fmtp:97 profile-level-id=42e016;max-mbps=108000;max-fs=3600",
        "a=sendrecv",
        "m=application 5070 UDP/BFCP *",
        "a=floorctrl:c-s",
        "a=confid:1",
        "a=userid:7",
        "a=floorid:2 mstrm:3",
        "a=setup:actpass",
        "a=connection:new");

    /// <summary>An RFC 2543-style hold re-INVITE (c=0.0.0.0) with static payload types and no rtpmap at all.</summary>
    public static readonly string StaticHold = Crlf(
        "v=0",
        "o=gw 1000 1001 IN IP4 172.16.0.9",
        "s=Session",
        "c=IN IP4 0.0.0.0",
        "t=0 0",
        "m=audio 16384 RTP/AVP 18 4 15 3 9 8 0 13",
        "a=ptime:20",
        "a=sendonly");

    /// <summary>A T.38 re-INVITE: udptl, format t38, no RTP.</summary>
    public static readonly string T38 = Crlf(
        "v=0",
        "o=- 1 2 IN IP4 192.0.2.7",
        "s=-",
        "c=IN IP4 192.0.2.7",
        "t=0 0",
        "m=image 40000 udptl t38",
        "a=T38FaxVersion:0",
        "a=T38MaxBitRate:14400",
        "a=T38FaxRateManagement:transferredTCF",
        "a=T38FaxUdpEC:t38UDPRedundancy");

    /// <summary>Every field RFC 8866 defines, once, in order (the rarely seen ones included).</summary>
    public static readonly string EveryField = Crlf(
        "v=0",
        "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1",
        "s=Call to John Smith",
        "i=SDP Offer #1",
        "u=http://www.jdoe.example.com/home.html",
        "e=Jane Doe <jane@jdoe.example.com>",
        "p=+1 617 555-6011",
        "c=IN IP4 198.51.100.1",
        "b=CT:128",
        "t=3724394400 3724398000",
        "r=7d 1h 0 25h",
        "z=3730928400 -1h 3749680800 0",
        "k=prompt",
        "a=recvonly",
        "m=audio 49170/2 RTP/AVP 0",
        "i=Audio line",
        "c=IN IP4 203.0.113.1",
        "b=AS:64",
        "k=prompt",
        "a=ptime:30",
        "a=maxptime:60",
        "m=video 51372 RTP/AVP 99 90",
        "a=rtpmap:99 h263-1998/90000",
        "a=rtpmap:90 h263/90000");

    /// <summary>The canonical samples, by name, for theories.</summary>
    public static TheoryData<string> Names { get; } =
        ["Sipp", "Baresip", "Cisco8845", "Cisco7975", "CiscoTelePresence", "StaticHold", "T38", "EveryField"];

    public static string Get(string name) => name switch
    {
        "Sipp" => Sipp,
        "Baresip" => Baresip,
        "Cisco8845" => Cisco8845,
        "Cisco7975" => Cisco7975,
        "CiscoTelePresence" => CiscoTelePresence,
        "StaticHold" => StaticHold,
        "T38" => T38,
        "EveryField" => EveryField,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static string Crlf(params string[] lines) => string.Concat(lines.Select(l => l + "\r\n"));

    public static string Lf(params string[] lines) => string.Concat(lines.Select(l => l + "\n"));

    public static SdpSession Parse(string text)
    {
        var parsed = SdpParser.TryParse(text, out var session, out var error);
        Assert.True(parsed, $"parse failed: {error}");
        return session!;
    }

    public static SdpParseError ParseError(string text, SdpParserOptions? options = null)
    {
        var parsed = SdpParser.TryParse(text, options ?? SdpParserOptions.Default, out var session, out var error);
        Assert.False(parsed, $"expected a parse error, got: {session}");
        Assert.Null(session);
        return error!;
    }
}
