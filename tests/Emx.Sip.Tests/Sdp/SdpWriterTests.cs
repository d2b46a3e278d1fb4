using System.Text;
using Emx.Sip.Sdp;
using Xunit;
using static Emx.Sip.Tests.Sdp.SdpSamples;

namespace Emx.Sip.Tests.Sdp;

public sealed class SdpWriterTests
{
    [Theory]
    [MemberData(nameof(SdpSamples.Names), MemberType = typeof(SdpSamples))]
    public void Write_ParsedSample_GivesTheSameBytesBack(string name)
    {
        var text = Get(name);

        var session = Parse(text);

        Assert.Equal(text, SdpWriter.Write(session));
        Assert.Equal(Encoding.UTF8.GetBytes(text), SdpWriter.WriteBytes(session));
        Assert.Equal(text, session.ToString());
    }

    [Theory]
    [MemberData(nameof(SdpSamples.Names), MemberType = typeof(SdpSamples))]
    public void Write_ParsedLfOnlySample_WritesCrlf(string name)
    {
        var text = Get(name);

        var session = Parse(text.Replace("\r\n", "\n", StringComparison.Ordinal));

        Assert.Equal(text, SdpWriter.Write(session));
    }

    [Fact]
    public void Write_BuiltAnswer_WritesRfcOrderWithCrlf()
    {
        var answer = new SdpSession
        {
            Origin = new SdpOrigin("emx", "4242", "1", "IN", "IP4", "10.0.0.5"),
            SessionName = "emx",
            Connection = new SdpConnection("IN", "IP4", "10.0.0.5"),
            Timings = [new SdpTiming(0, 0)],
            Media =
            [
                new SdpMediaDescription
                {
                    Media = SdpNames.Audio,
                    Port = 16384,
                    Protocol = "RTP/AVP",
                    Formats = ["18", "101"],
                    Attributes =
                    [
                        new SdpAttribute(SdpNames.RtpMap, new SdpRtpMap(18, "G729", 8000).ToAttributeValue()),
                        new SdpAttribute(SdpNames.Fmtp, "18 annexb=no"),
                        new SdpAttribute(SdpNames.RtpMap, new SdpRtpMap(101, "telephone-event", 8000).ToAttributeValue()),
                        new SdpAttribute(SdpNames.Fmtp, "101 0-15"),
                        new SdpAttribute(SdpNames.Ptime, "20"),
                        new SdpAttribute(SdpNames.SendRecv),
                    ],
                },
            ],
        };

        Assert.Equal(
            "v=0\r\no=emx 4242 1 IN IP4 10.0.0.5\r\ns=emx\r\nc=IN IP4 10.0.0.5\r\nt=0 0\r\n"
            + "m=audio 16384 RTP/AVP 18 101\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n",
            SdpWriter.Write(answer));
    }

    [Fact]
    public void Write_NoTiming_WritesT00()
    {
        var session = Parse(Sipp) with { Timings = [] };

        Assert.Contains("\r\nt=0 0\r\n", SdpWriter.Write(session), StringComparison.Ordinal);
    }

    [Fact]
    public void WithDirection_Hold_ReplacesTheDirectionInPlace()
    {
        var session = Parse(Baresip);
        var audio = session.Media[0];

        var held = session with { Media = [audio.WithDirection(SdpDirection.SendOnly)] };
        var heldAudio = held.Media[0];

        Assert.Equal(SdpDirection.SendOnly, heldAudio.Direction);
        Assert.Equal(SdpDirection.SendRecv, audio.Direction);
        Assert.Equal(Baresip.Replace("a=sendrecv", "a=sendonly", StringComparison.Ordinal), SdpWriter.Write(held));
        Assert.Equal(new SdpAttribute("inactive"), Parse(Sipp).Media[0].WithDirection(SdpDirection.Inactive).Attributes[^1]);
    }

    [Fact]
    public void Write_LineBreakInAValue_ThrowsRatherThanInjectingLines()
    {
        var session = Parse(Sipp);

        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { SessionName = "x\r\nm=audio 1 RTP/AVP 0" }));
        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { Information = "x\ny" }));
        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { Attributes = [new SdpAttribute("tool", "a\0b")] }));
    }

    [Fact]
    public void Write_FieldsThatWouldNotParseBack_Throw()
    {
        var session = Parse(Sipp);
        var audio = session.Media[0];

        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { Origin = session.Origin with { UserName = "Jane Doe" } }));
        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { Origin = session.Origin with { SessionId = "" } }));
        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { Connection = new SdpConnection("IN", "IP4", "1.2.3.4 5") }));
        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { Attributes = [new SdpAttribute("bad name")] }));
        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { Bandwidths = [new SdpBandwidth("AS", -1)] }));
        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { Media = [audio with { Port = 70000 }] }));
        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { Media = [audio with { Formats = ["PCMU"] }] }));
        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { Media = [audio with { Protocol = "RTP AVP" }] }));
        Assert.Throws<ArgumentException>(() => SdpWriter.Write(session with { Version = 1 }));
    }
}
