using Emx.Cluster.CallControl.Media;
using Emx.Domain.Media;
using Emx.Sip.Sdp;

namespace Emx.Integration.Tests.CallControl;

public sealed class SdpCodecFilterTests
{
    private const string Cisco8845Head =
        "v=0\r\no=Cisco-SIPUA 26282 0 IN IP4 10.10.20.31\r\ns=SIP Call\r\nb=AS:4064\r\nt=0 0\r\n";

    private const string Cisco8845Video =
        "m=video 20874 RTP/AVP 126 97\r\n" +
        "c=IN IP4 10.10.20.31\r\n" +
        "b=TIAS:4000000\r\n" +
        "a=rtpmap:126 H264/90000\r\n" +
        "a=fmtp:126 profile-level-id=42801E;packetization-mode=1;level-asymmetry-allowed=1\r\n" +
        "a=rtpmap:97 H264/90000\r\n" +
        "a=fmtp:97 profile-level-id=42801E;packetization-mode=0;level-asymmetry-allowed=1\r\n" +
        "a=rtcp-fb:* nack pli\r\n" +
        "a=sendrecv\r\n";

    private const string Cisco8845 =
        Cisco8845Head +
        "m=audio 20872 RTP/AVP 114 9 124 0 8 116 18 101\r\n" +
        "c=IN IP4 10.10.20.31\r\n" +
        "b=TIAS:64000\r\n" +
        "a=rtpmap:114 opus/48000/2\r\n" +
        "a=fmtp:114 maxplaybackrate=16000;sprop-maxcapturerate=16000;maxaveragebitrate=64000;stereo=0;sprop-stereo=0;usedtx=0\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:124 ISAC/16000\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:116 iLBC/8000\r\n" +
        "a=fmtp:116 mode=20\r\n" +
        "a=rtpmap:18 G729/8000\r\n" +
        "a=fmtp:18 annexb=yes\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=sendrecv\r\n" +
        Cisco8845Video;

    private const string Baresip =
        "v=0\r\n" +
        "o=- 1431296432 3257409722 IN IP4 192.168.1.50\r\n" +
        "s=-\r\n" +
        "c=IN IP4 192.168.1.50\r\n" +
        "t=0 0\r\n" +
        "a=tool:baresip 3.10.1\r\n" +
        "m=audio 10000 RTP/AVP 96 9 0 8 101 102\r\n" +
        "b=AS:128\r\n" +
        "a=rtpmap:96 opus/48000/2\r\n" +
        "a=fmtp:96 stereo=1;sprop-stereo=1;maxaveragebitrate=28000\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/48000\r\n" +
        "a=fmtp:101 0-15\r\n" +
        "a=rtpmap:102 telephone-event/8000\r\n" +
        "a=fmtp:102 0-15\r\n" +
        "a=rtcp-rsize\r\n" +
        "a=sendrecv\r\n" +
        "a=ptime:20\r\n";

    private const string TelePresence =
        "v=0\r\n" +
        "o=tandberg 7 2 IN IP4 10.30.1.5\r\n" +
        "s=-\r\n" +
        "c=IN IP4 10.30.1.5\r\n" +
        "t=0 0\r\n" +
        "m=audio 2326 RTP/AVP 100 101 102 103 104 9 0 8 18 105\r\n" +
        "a=rtpmap:100 MP4A-LATM/90000\r\n" +
        "a=fmtp:100 profile-level-id=24;object=23;bitrate=128000\r\n" +
        "a=rtpmap:101 MP4A-LATM/90000\r\n" +
        "a=fmtp:101 profile-level-id=24;object=23;bitrate=64000\r\n" +
        "a=rtpmap:102 MP4A-LATM/90000\r\n" +
        "a=fmtp:102 profile-level-id=24;object=23;bitrate=48000\r\n" +
        "a=rtpmap:103 G7221/16000\r\n" +
        "a=fmtp:103 bitrate=32000\r\n" +
        "a=rtpmap:104 G7221/16000\r\n" +
        "a=fmtp:104 bitrate=24000\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:18 G729/8000\r\n" +
        "a=fmtp:18 annexb=no\r\n" +
        "a=rtpmap:105 telephone-event/8000\r\n" +
        "a=fmtp:105 0-15\r\n" +
        "m=application 5070 UDP/BFCP *\r\n" +
        "a=floorctrl:c-s\r\n";

    private static SdpSession Parse(string text)
    {
        Assert.True(SdpParser.TryParse(text, out var session, out var error), error?.ToString());
        return session;
    }

    private static SdpSession Filtered(string offer, int maxKbps, LinkLossType lossType)
    {
        var result = SdpCodecFilter.Apply(Parse(offer), maxKbps, lossType);
        Assert.True(result.IsFiltered, $"expected a filtered offer, got {result.Outcome}");
        Assert.Null(result.WarningCode);
        Assert.Null(result.WarningText);
        Assert.Null(result.RejectedMediaIndex);
        return result.Offer;
    }

    [Fact]
    public void Apply_Cisco8845At64KbpsLowLoss_DropsOpusAndOrdersG722First()
    {
        var offer = Filtered(Cisco8845, 64, LinkLossType.LowLoss);

        Assert.Equal(
            Cisco8845Head +
            "m=audio 20872 RTP/AVP 9 124 0 8 116 18 101\r\n" +
            "c=IN IP4 10.10.20.31\r\n" +
            "b=TIAS:64000\r\n" +
            "a=rtpmap:9 G722/8000\r\n" +
            "a=rtpmap:124 ISAC/16000\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            "a=rtpmap:8 PCMA/8000\r\n" +
            "a=rtpmap:116 iLBC/8000\r\n" +
            "a=fmtp:116 mode=20\r\n" +
            "a=rtpmap:18 G729/8000\r\n" +
            "a=fmtp:18 annexb=yes\r\n" +
            "a=rtpmap:101 telephone-event/8000\r\n" +
            "a=fmtp:101 0-15\r\n" +
            "a=sendrecv\r\n" +
            Cisco8845Video,
            SdpWriter.Write(offer));
    }

    [Fact]
    public void Apply_Cisco8845At64KbpsLossy_PutsIsacBeforeG722()
    {
        var offer = Filtered(Cisco8845, 64, LinkLossType.Lossy);

        Assert.Equal(["124", "9", "0", "8", "116", "18", "101"], offer.Media[0].Formats);
    }

    [Theory]
    [InlineData(LinkLossType.LowLoss)]
    [InlineData(LinkLossType.Lossy)]
    public void Apply_Cisco8845AtEmccDefault8Kbps_LeavesG729AndDtmf(LinkLossType lossType)
    {
        var offer = Filtered(Cisco8845, 8, lossType);
        var audio = offer.Media[0];

        Assert.Equal(["18", "101"], audio.Formats);
        Assert.Equal(
            ["rtpmap:18 G729/8000", "fmtp:18 annexb=yes", "rtpmap:101 telephone-event/8000", "fmtp:101 0-15", "sendrecv"],
            audio.Attributes.Select(a => a.ToString()));
        Assert.Equal(["126", "97"], offer.Media[1].Formats);
    }

    [Fact]
    public void Apply_Cisco8845At16Kbps_KeepsIlbcBeforeG729()
    {
        Assert.Equal(["116", "18", "101"], Filtered(Cisco8845, 16, LinkLossType.LowLoss).Media[0].Formats);
    }

    [Fact]
    public void Apply_BaresipAt64Kbps_DropsOpusAndItsTelephoneEventAt48kHz()
    {
        var offer = Filtered(Baresip, 64, LinkLossType.LowLoss);

        Assert.Equal(
            "v=0\r\n" +
            "o=- 1431296432 3257409722 IN IP4 192.168.1.50\r\n" +
            "s=-\r\n" +
            "c=IN IP4 192.168.1.50\r\n" +
            "t=0 0\r\n" +
            "a=tool:baresip 3.10.1\r\n" +
            "m=audio 10000 RTP/AVP 9 0 8 102\r\n" +
            "b=AS:128\r\n" +
            "a=rtpmap:9 G722/8000\r\n" +
            "a=rtpmap:0 PCMU/8000\r\n" +
            "a=rtpmap:8 PCMA/8000\r\n" +
            "a=rtpmap:102 telephone-event/8000\r\n" +
            "a=fmtp:102 0-15\r\n" +
            "a=rtcp-rsize\r\n" +
            "a=sendrecv\r\n" +
            "a=ptime:20\r\n",
            SdpWriter.Write(offer));
    }

    [Fact]
    public void Apply_BaresipAtEmccDefault8Kbps_HasNoCommonCodec()
    {
        var result = SdpCodecFilter.Apply(Parse(Baresip), 8, LinkLossType.LowLoss);

        Assert.False(result.IsFiltered);
        Assert.Equal(SdpCodecFilterOutcome.NoCommonCodec, result.Outcome);
        Assert.Null(result.Offer);
        Assert.Equal(0, result.RejectedMediaIndex);
        Assert.Equal(305, result.WarningCode);
        Assert.Equal("Incompatible media format", result.WarningText);
    }

    [Fact]
    public void Apply_OpusOnly_HasNoCommonCodecWhateverTheBitRate()
    {
        var offer = Baresip.Replace("RTP/AVP 96 9 0 8 101 102", "RTP/AVP 96 101", StringComparison.Ordinal);

        var result = SdpCodecFilter.Apply(Parse(offer), 256, LinkLossType.Lossy);

        Assert.Equal(SdpCodecFilterOutcome.NoCommonCodec, result.Outcome);
    }

    [Theory]
    [InlineData(256, "100 101 102 9 103 104 0 8 18 105", 17)]
    [InlineData(64, "101 102 9 103 104 0 8 18 105", 15)]
    [InlineData(48, "102 103 104 18 105", 10)]
    [InlineData(32, "103 104 18 105", 8)]
    [InlineData(24, "104 18 105", 6)]
    [InlineData(8, "18 105", 4)]
    public void Apply_TelePresenceLowLoss_MapsAacLdAndG7221ByBitrate(int maxKbps, string formats, int attributes)
    {
        var offer = Filtered(TelePresence, maxKbps, LinkLossType.LowLoss);
        var audio = offer.Media[0];

        Assert.Equal(formats.Split(' '), audio.Formats);
        Assert.Equal(attributes, audio.Attributes.Count);
        Assert.All(audio.Attributes, a => Assert.Contains(a.FirstToken, audio.Formats));
        Assert.Equal(["*"], offer.Media[1].Formats);
        Assert.Equal("floorctrl:c-s", Assert.Single(offer.Media[1].Attributes).ToString());
    }

    [Fact]
    public void Apply_TelePresenceLossy_KeepsTheLowLossOrderWhenNeitherIsacNorAacLd32IsOffered()
    {
        // Lossy only moves G.722 64 after iSAC and AAC-LD 32; neither is offered here, so the order is unchanged.
        Assert.Equal(
            ["101", "102", "9", "103", "104", "0", "8", "18", "105"],
            Filtered(TelePresence, 64, LinkLossType.Lossy).Media[0].Formats);
    }

    [Fact]
    public void Apply_OlderCiscoPhoneAt256Kbps_PutsL16FirstAndMapsAnnexbNoToG729a()
    {
        const string Offer =
            "v=0\r\no=Cisco-SIPUA 11138 0 IN IP4 10.1.1.20\r\ns=SIP Call\r\nt=0 0\r\n" +
            "m=audio 27466 RTP/AVP 0 8 18 102 9 116 101\r\nc=IN IP4 10.1.1.20\r\n" +
            "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\n" +
            "a=rtpmap:102 L16/16000\r\na=rtpmap:9 G722/8000\r\na=rtpmap:116 iLBC/8000\r\na=fmtp:116 mode=30\r\n" +
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n";

        var audio = Filtered(Offer, 256, LinkLossType.LowLoss).Media[0];

        Assert.Equal(["102", "9", "0", "8", "116", "18", "101"], audio.Formats);
        Assert.Equal(11, audio.Attributes.Count);
    }

    [Fact]
    public void Apply_StaticPayloadTypesWithoutRtpmap_AreRankedByTheirRfc3551Encodings()
    {
        const string Offer =
            "v=0\r\no=gw 1000 1001 IN IP4 172.16.0.9\r\ns=Session\r\nc=IN IP4 172.16.0.9\r\nt=0 0\r\n" +
            "m=audio 16384 RTP/AVP 18 4 15 3 9 8 0 13\r\na=ptime:20\r\na=sendonly\r\n";

        var audio = Filtered(Offer, 16, LinkLossType.LowLoss).Media[0];

        // G.728, GSM FR, G.729ab (no fmtp: Annex B by default), G.723.1, then comfort noise at 8 kHz.
        Assert.Equal(["15", "3", "18", "4", "13"], audio.Formats);
        Assert.Equal(["ptime:20", "sendonly"], audio.Attributes.Select(a => a.ToString()));
    }

    [Fact]
    public void Apply_RemovedPayload_LosesItsRtcpFeedbackButNotTheWildcard()
    {
        const string Offer =
            "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n" +
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 96 13\r\n" +
            "a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n" +
            "a=rtpmap:96 PCMU/8000\r\na=rtcp-fb:* nack\r\na=rtpmap:13 CN/8000\r\na=rtcp-mux\r\n";

        var audio = Filtered(Offer, 64, LinkLossType.LowLoss).Media[0];

        // Two payloads on the G.711 mu-law row keep their offer order.
        Assert.Equal(["0", "96", "13"], audio.Formats);
        Assert.Equal(["rtpmap:96 PCMU/8000", "rtcp-fb:* nack", "rtpmap:13 CN/8000", "rtcp-mux"], audio.Attributes.Select(a => a.ToString()));
    }

    [Fact]
    public void Apply_DisabledAudioAndNonAudioMedia_PassUnchanged()
    {
        const string Offer =
            "v=0\r\no=- 1 2 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n" +
            "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n" +
            "m=image 40000 udptl t38\r\na=T38FaxVersion:0\r\n";

        var offer = Filtered(Offer, 8, LinkLossType.LowLoss);

        Assert.Equal(Offer, SdpWriter.Write(offer));
    }

    [Fact]
    public void Apply_NoCommonCodecInTheSecondAudioStream_NamesIt()
    {
        const string Offer =
            "v=0\r\no=- 1 2 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n" +
            "m=audio 5004 RTP/AVP 18\r\nm=audio 5006 RTP/AVP 0\r\n";

        var result = SdpCodecFilter.Apply(Parse(Offer), 8, LinkLossType.LowLoss);

        Assert.Equal(SdpCodecFilterOutcome.NoCommonCodec, result.Outcome);
        Assert.Equal(1, result.RejectedMediaIndex);
    }

    [Fact]
    public void Apply_NegativeBitRate_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SdpCodecFilter.Apply(Parse(Baresip), -1, LinkLossType.LowLoss));
    }

    public static TheoryData<string, string?, string?> Mappings { get; } = new()
    {
        { "0 PCMU/8000", null, "G.711 mu-law 64 kb/s" },
        { "8 PCMA/8000", null, "G.711 A-law 64 kb/s" },
        { "9 G722/8000", null, "G.722 64 kb/s" },
        { "97 G7221/16000", "bitrate=24000", "G.722.1 24 kb/s" },
        { "97 G7221/16000", "bitrate=32000", "G.722.1 32 kb/s" },
        { "97 G7221/16000", "bitrate=48000", null },
        { "97 G7221/16000", null, null },
        { "97 G7221/32000", "bitrate=32000", null },
        { "18 G729/8000", "annexb=no", "G.729a 8 kb/s" },
        { "18 G729/8000", "annexb=NO", "G.729a 8 kb/s" },
        { "18 G729/8000", "annexb=yes", "G.729ab 8 kb/s" },
        { "18 G729/8000", null, "G.729ab 8 kb/s" },
        { "98 G729a/8000", "annexb=no", "G.729a 8 kb/s" },
        { "98 G729D/8000", null, null },
        { "116 iLBC/8000", "mode=20", "iLBC 16 kb/s" },
        { "116 iLBC/8000", "mode=30", "iLBC 16 kb/s" },
        { "116 iLBC/8000", null, "iLBC 16 kb/s" },
        { "116 iLBC/8000", "mode=25", null },
        { "102 L16/16000", null, "L16 256 kb/s" },
        { "102 L16/16000/1", null, "L16 256 kb/s" },
        { "102 L16/16000/2", null, null },
        { "102 L16/8000", null, null },
        { "110 AMR-WB/16000", "octet-align=1", "AMR-WB 24 kb/s" },
        { "111 AMR/8000", null, "AMR 13 kb/s" },
        { "114 MP4A-LATM/90000", "profile-level-id=24;object=23;bitrate=56000", "AAC-LD (MP4A-LATM) 56 kb/s" },
        { "114 mp4a-latm/48000", "bitrate=24000", "AAC-LD (MP4A-LATM) 24 kb/s" },
        { "114 MP4A-LATM/90000", "bitrate=96000", null },
        { "114 MP4A-LATM/90000", "profile-level-id=24", null },
        { "115 mpeg4-generic/48000", "streamtype=5;mode=AAC-hbr;config=B98C00", "AAC-LD (mpeg4-generic) 64 kb/s" },
        { "115 mpeg4-generic/48000", "bitrate=64000", "AAC-LD (mpeg4-generic) 64 kb/s" },
        { "115 mpeg4-generic/48000", "bitrate=96000", null },
        { "124 ISAC/16000", null, "iSAC 32 kb/s" },
        { "124 iSAC/32000", null, null },
        { "15 G728/8000", null, "G.728 16 kb/s" },
        { "3 GSM/8000", null, "GSM FR 13 kb/s" },
        { "99 GSM-EFR/8000", null, "GSM EFR 13 kb/s" },
        { "4 G723/8000", "bitrate=6300", "G.723.1 6 kb/s" },
        { "96 opus/48000/2", "maxaveragebitrate=20000", null },
        { "0 PCMU/16000", null, null },
        { "97 speex/8000", null, null },
        { "101 telephone-event/8000", "0-15", null },
        { "13 CN/8000", null, null },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void TryMap_RtpEncoding_GivesItsTableRow(string rtpmap, string? fmtp, string? row)
    {
        Assert.True(SdpRtpMap.TryParse(rtpmap, out var map));

        var mapped = RtpAudioCodecs.TryMap(map, fmtp, out var codec);

        Assert.Equal(row is not null, mapped);
        Assert.Equal(row, codec?.ToString());
        if (codec is not null)
        {
            Assert.Contains(codec, CodecPreference.Order(LinkLossType.LowLoss));
        }
    }
}
