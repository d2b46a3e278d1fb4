using System.Text;
using Emx.Sip.Sdp;
using Xunit;
using static Emx.Sip.Tests.Sdp.SdpSamples;

namespace Emx.Sip.Tests.Sdp;

public sealed class SdpParserTests
{
    [Fact]
    public void TryParse_SippOffer_ReadsEveryField()
    {
        var session = Parse(Sipp);

        Assert.Equal(0, session.Version);
        Assert.Equal(new SdpOrigin("user1", "53655765", "2353687637", "IN", "IP4", "127.0.0.1"), session.Origin);
        Assert.Equal("-", session.SessionName);
        Assert.Equal(new SdpConnection("IN", "IP4", "127.0.0.1"), session.Connection);
        var timing = Assert.Single(session.Timings);
        Assert.Equal((0UL, 0UL), (timing.StartTime, timing.StopTime));
        Assert.Empty(timing.Repeats);
        var audio = Assert.Single(session.Media);
        Assert.Equal("audio", audio.Media);
        Assert.True(audio.IsAudio);
        Assert.True(audio.IsRtp);
        Assert.Equal(6000, audio.Port);
        Assert.Null(audio.PortCount);
        Assert.Equal("RTP/AVP", audio.Protocol);
        Assert.Equal(["0"], audio.Formats);
        Assert.Equal(new SdpRtpMap(0, "PCMU", 8000), audio.GetRtpMap("0"));
        Assert.Equal(new SdpConnection("IN", "IP4", "127.0.0.1"), session.GetConnection(audio));
        Assert.Equal(SdpDirection.SendRecv, session.GetDirection(audio));
        Assert.Null(audio.Direction);
    }

    [Fact]
    public void TryParse_LfOnlyLineEnds_GivesTheSameSessionAsCrlf()
    {
        var lf = Sipp.Replace("\r\n", "\n", StringComparison.Ordinal);

        var session = Parse(lf);

        Assert.Equal(Sipp, SdpWriter.Write(session));
    }

    [Fact]
    public void TryParse_Bytes_DecodesUtf8SessionName()
    {
        var text = Sipp.Replace("s=-", "s=Appel de Zoë", StringComparison.Ordinal);

        Assert.True(SdpParser.TryParse(Encoding.UTF8.GetBytes(text), out var session, out var error), error?.ToString());

        Assert.Equal("Appel de Zoë", session.SessionName);
    }

    [Fact]
    public void TryParse_BaresipOffer_ReadsCodecsFmtpPtimeAndDirection()
    {
        var session = Parse(Baresip);

        Assert.Equal("baresip 3.10.1", session.GetAttributeValue("tool"));
        var audio = Assert.Single(session.Media);
        Assert.Equal(["96", "9", "0", "8", "101", "102"], audio.Formats);
        Assert.Equal([new SdpBandwidth("AS", 128)], audio.Bandwidths);
        Assert.Equal(new SdpRtpMap(96, "opus", 48000, 2), audio.GetRtpMap("96"));
        Assert.Equal("opus/48000/2", audio.GetRtpMap("96")!.ToString());
        Assert.Equal(new SdpRtpMap(9, "G722", 8000), audio.GetRtpMap("9"));
        Assert.Equal(new SdpRtpMap(101, "telephone-event", 48000), audio.GetRtpMap("101"));
        Assert.Equal(new SdpRtpMap(102, "telephone-event", 8000), audio.GetRtpMap("102"));
        Assert.Equal("stereo=1;sprop-stereo=1;maxaveragebitrate=28000", audio.GetFmtp("96"));
        Assert.Equal("28000", SdpFormatParameters.Get(audio.GetFmtp("96"), "maxaveragebitrate"));
        Assert.Equal("0-15", audio.GetFmtp("102"));
        Assert.Null(audio.GetFmtp("9"));
        Assert.Equal(20, audio.Ptime);
        Assert.Null(audio.MaxPtime);
        Assert.Equal(SdpDirection.SendRecv, audio.Direction);
        Assert.Equal(new SdpAttribute("rtcp-rsize"), audio.Attributes[9]);
        Assert.Equal("1742596811 cname:1d7b9c5f-ad4a-4b2c-a59a-0a8f4c8bbf52", audio.GetAttributeValue("ssrc"));
    }

    [Fact]
    public void TryParse_Cisco8845Offer_ReadsAudioAndVideo()
    {
        var session = Parse(Cisco8845);

        Assert.Equal("Cisco-SIPUA", session.Origin.UserName);
        Assert.Equal("SIP Call", session.SessionName);
        Assert.Null(session.Connection);
        Assert.Equal([new SdpBandwidth("AS", 4064)], session.Bandwidths);
        Assert.Equal(2, session.Media.Count);

        var audio = session.Media[0];
        Assert.Equal(["114", "9", "124", "0", "8", "116", "18", "101"], audio.Formats);
        Assert.Equal(new SdpConnection("IN", "IP4", "10.10.20.31"), session.GetConnection(audio));
        Assert.Equal([new SdpBandwidth("TIAS", 64000)], audio.Bandwidths);
        Assert.Equal(new SdpRtpMap(124, "ISAC", 16000), audio.GetRtpMap("124"));
        Assert.True(audio.GetRtpMap("124")!.Is("isac"));
        Assert.Equal(new SdpRtpMap(116, "iLBC", 8000), audio.GetRtpMap("116"));
        Assert.Equal("20", SdpFormatParameters.Get(audio.GetFmtp("116"), "mode"));
        Assert.Equal("yes", SdpFormatParameters.Get(audio.GetFmtp("18"), "annexb"));
        Assert.Equal(new SdpRtpMap(18, "G729", 8000), audio.GetRtpMap("18"));

        var video = session.Media[1];
        Assert.Equal("video", video.Media);
        Assert.False(video.IsAudio);
        Assert.Equal(20874, video.Port);
        Assert.Equal(new SdpRtpMap(126, "H264", 90000), video.GetRtpMap("126"));
        Assert.Equal(["* nack pli", "* ccm fir"], video.GetAttributes("rtcp-fb").Select(a => a.Value));
        Assert.Equal("*", video.GetAttributes("rtcp-fb")[0].FirstToken);
    }

    [Theory]
    [InlineData("0", "PCMU", 8000)]
    [InlineData("3", "GSM", 8000)]
    [InlineData("4", "G723", 8000)]
    [InlineData("8", "PCMA", 8000)]
    [InlineData("9", "G722", 8000)]
    [InlineData("13", "CN", 8000)]
    [InlineData("15", "G728", 8000)]
    [InlineData("18", "G729", 8000)]
    public void GetRtpMap_StaticPayloadTypeWithoutRtpmap_ResolvesRfc3551Encoding(string format, string encoding, int clockRate)
    {
        var audio = Parse(StaticHold).Media[0];

        var rtpMap = audio.GetRtpMap(format);

        Assert.NotNull(rtpMap);
        Assert.Equal(encoding, rtpMap.EncodingName);
        Assert.Equal(clockRate, rtpMap.ClockRate);
        Assert.Null(rtpMap.Channels);
    }

    [Fact]
    public void GetRtpMap_StaticTable_CoversTheRfc3551AssignmentsOnly()
    {
        Assert.True(SdpRtpMap.TryGetStatic(10, out var l16Stereo));
        Assert.Equal("L16/44100/2", l16Stereo.ToString());
        Assert.True(SdpRtpMap.TryGetStatic(34, out var h263));
        Assert.Equal("H263/90000", h263.ToString());
        Assert.False(SdpRtpMap.TryGetStatic(1, out _));
        Assert.False(SdpRtpMap.TryGetStatic(19, out _));
        Assert.False(SdpRtpMap.TryGetStatic(35, out _));
        Assert.False(SdpRtpMap.TryGetStatic(96, out _));
        Assert.False(SdpRtpMap.TryGetStatic(-1, out _));
    }

    [Fact]
    public void GetRtpMap_RtpmapOverridesStaticAssignment()
    {
        var session = Parse(Crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
            "m=audio 5004 RTP/AVP 0 97", "a=rtpmap:0 PCMA/8000"));
        var audio = session.Media[0];

        Assert.Equal(new SdpRtpMap(0, "PCMA", 8000), audio.GetRtpMap("0"));
        Assert.Null(audio.GetRtpMap("97"));
        Assert.Null(audio.GetRtpMap("not-a-pt"));
    }

    [Fact]
    public void TryParse_StaticHold_ReadsSendonlyAndHoldAddress()
    {
        var session = Parse(StaticHold);
        var audio = session.Media[0];

        Assert.Equal("0.0.0.0", session.GetConnection(audio)!.Address);
        Assert.Equal(SdpDirection.SendOnly, audio.Direction);
        Assert.Equal(SdpDirection.SendOnly, session.GetDirection(audio));
        Assert.Equal(20, audio.Ptime);
        Assert.Equal(["18", "4", "15", "3", "9", "8", "0", "13"], audio.Formats);
    }

    [Fact]
    public void TryParse_T38_KeepsNonRtpFormatsWithoutPayloadMapping()
    {
        var image = Parse(T38).Media[0];

        Assert.Equal("image", image.Media);
        Assert.Equal("udptl", image.Protocol);
        Assert.False(image.IsRtp);
        Assert.Equal(["t38"], image.Formats);
        Assert.Null(image.GetRtpMap("t38"));
        Assert.Equal("14400", image.GetAttributeValue("T38MaxBitRate"));
    }

    [Fact]
    public void TryParse_EveryField_ReadsRareFields()
    {
        var session = Parse(EveryField);

        Assert.Equal("SDP Offer #1", session.Information);
        Assert.Equal("http://www.jdoe.example.com/home.html", session.Uri);
        Assert.Equal(["Jane Doe <jane@jdoe.example.com>"], session.Emails);
        Assert.Equal(["+1 617 555-6011"], session.Phones);
        Assert.Equal([new SdpBandwidth("CT", 128)], session.Bandwidths);
        var timing = Assert.Single(session.Timings);
        Assert.Equal(3724394400UL, timing.StartTime);
        Assert.Equal(3724398000UL, timing.StopTime);
        Assert.Equal(["7d 1h 0 25h"], timing.Repeats);
        Assert.Equal("3730928400 -1h 3749680800 0", session.TimeZones);
        Assert.Equal("prompt", session.EncryptionKey);
        Assert.Equal(SdpDirection.RecvOnly, session.Direction);

        var audio = session.Media[0];
        Assert.Equal(49170, audio.Port);
        Assert.Equal(2, audio.PortCount);
        Assert.Equal("Audio line", audio.Information);
        Assert.Equal("prompt", audio.EncryptionKey);
        Assert.Equal(new SdpConnection("IN", "IP4", "203.0.113.1"), session.GetConnection(audio));
        Assert.Equal(30, audio.Ptime);
        Assert.Equal(60, audio.MaxPtime);
        Assert.Equal(SdpDirection.RecvOnly, session.GetDirection(audio));
        Assert.Equal(new SdpConnection("IN", "IP4", "198.51.100.1"), session.GetConnection(session.Media[1]));
    }

    [Fact]
    public void TryParse_LinesOutOfOrderWithinASection_AreAcceptedAndWrittenInRfcOrder()
    {
        // Seen from real UAs: session a= before c= and t=, t= before b=, media a= before c= and b=.
        var text = Lf(
            "v=0",
            "o=- 7 7 IN IP4 192.0.2.9",
            "s=-",
            "a=tool:legacy-gw",
            "t=0 0",
            "c=IN IP4 192.0.2.9",
            "b=AS:80",
            "m=audio 4000 RTP/AVP 8 101",
            "a=rtpmap:8 PCMA/8000",
            "c=IN IP4 192.0.2.10",
            "a=rtpmap:101 telephone-event/8000",
            "b=TIAS:64000",
            "a=sendrecv");

        var session = Parse(text);

        Assert.Equal(Crlf(
            "v=0",
            "o=- 7 7 IN IP4 192.0.2.9",
            "s=-",
            "c=IN IP4 192.0.2.9",
            "b=AS:80",
            "t=0 0",
            "a=tool:legacy-gw",
            "m=audio 4000 RTP/AVP 8 101",
            "c=IN IP4 192.0.2.10",
            "b=TIAS:64000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=sendrecv"), SdpWriter.Write(session));
    }

    [Fact]
    public void TryParse_SloppyButUnambiguousText_IsTolerated()
    {
        // No t= line, a blank line, double and trailing spaces in structured lines, no final line end.
        var text = "v=0 \r\no=-  1 1 IN IP4 192.0.2.1\r\ns=\r\n\r\nc=IN IP4 192.0.2.1 \r\n"
            + "m=audio  5004 RTP/AVP 0  8 \r\na=rtpmap:8  PCMA/8000 \r\na=sendonly";

        var session = Parse(text);

        Assert.Equal(string.Empty, session.SessionName);
        Assert.Empty(session.Timings);
        Assert.Equal(["0", "8"], session.Media[0].Formats);
        Assert.Equal(new SdpRtpMap(8, "PCMA", 8000), session.Media[0].GetRtpMap("8"));
        Assert.Equal(SdpDirection.SendOnly, session.Media[0].Direction);
        Assert.Equal(Crlf(
            "v=0",
            "o=- 1 1 IN IP4 192.0.2.1",
            "s=",
            "c=IN IP4 192.0.2.1",
            "t=0 0",
            "m=audio 5004 RTP/AVP 0 8",
            "a=rtpmap:8  PCMA/8000 ",
            "a=sendonly"), SdpWriter.Write(session));
    }

    [Fact]
    public void TryParse_DisabledStreamWithoutFormats_IsTolerated()
    {
        var session = Parse(Crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
            "m=audio 5004 RTP/AVP 0", "m=video 0 RTP/AVP"));

        Assert.Equal(0, session.Media[1].Port);
        Assert.Empty(session.Media[1].Formats);
        Assert.Equal("video 0 RTP/AVP", session.Media[1].MediaLine());
    }

    [Fact]
    public void SdpFormatParameters_Get_ReadsSemicolonListsLoosely()
    {
        const string Fmtp = "profile-level-id=24; object=23 ;bitrate=64000;cpresent";

        Assert.Equal("24", SdpFormatParameters.Get(Fmtp, "profile-level-id"));
        Assert.Equal("23", SdpFormatParameters.Get(Fmtp, "OBJECT"));
        Assert.Equal("64000", SdpFormatParameters.Get(Fmtp, "bitrate"));
        Assert.Equal(string.Empty, SdpFormatParameters.Get(Fmtp, "cpresent"));
        Assert.Null(SdpFormatParameters.Get(Fmtp, "mode"));
        Assert.Null(SdpFormatParameters.Get(null, "mode"));
    }
}
