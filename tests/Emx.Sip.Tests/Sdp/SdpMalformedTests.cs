using System.Text;
using Emx.Sip.Sdp;
using Xunit;
using static Emx.Sip.Tests.Sdp.SdpSamples;

namespace Emx.Sip.Tests.Sdp;

public sealed class SdpMalformedTests
{
    private const string V = "v=0";
    private const string O = "o=- 1 1 IN IP4 192.0.2.1";
    private const string S = "s=-";
    private const string C = "c=IN IP4 192.0.2.1";
    private const string T = "t=0 0";
    private const string M = "m=audio 5004 RTP/AVP 0";

    /// <summary>(case, body, expected kind, expected 1-based line or 0).</summary>
    public static TheoryData<string, string, SdpParseErrorKind, int> Cases { get; } = new()
    {
        { "empty", "", SdpParseErrorKind.MissingVersion, 0 },
        { "only line ends", "\r\n\r\n", SdpParseErrorKind.MissingVersion, 0 },
        { "o= first", Crlf(O, V, S, C, T, M), SdpParseErrorKind.MissingVersion, 1 },
        { "upper-case V", Crlf("V=0", O, S, C, T, M), SdpParseErrorKind.MissingVersion, 1 },
        { "v=1", Crlf("v=1", O, S, C, T, M), SdpParseErrorKind.UnsupportedVersion, 1 },
        { "no o=", Crlf(V, S, C, T, M), SdpParseErrorKind.MissingOrigin, 0 },
        { "no s=", Crlf(V, O, C, T, M), SdpParseErrorKind.MissingSessionName, 0 },
        { "two v=", Crlf(V, O, S, V, C, T, M), SdpParseErrorKind.DuplicateLine, 4 },
        { "two o=", Crlf(V, O, O, S, C, T, M), SdpParseErrorKind.DuplicateLine, 3 },
        { "two s=", Crlf(V, O, S, S, C, T, M), SdpParseErrorKind.DuplicateLine, 4 },
        { "two session c=", Crlf(V, O, S, C, C, T, M), SdpParseErrorKind.DuplicateLine, 5 },
        { "no connection", Crlf(V, O, S, T, M, "a=sendrecv"), SdpParseErrorKind.MissingConnection, 5 },
        { "t= in media", Crlf(V, O, S, C, M, T), SdpParseErrorKind.LineNotAllowedInMedia, 6 },
        { "o= in media", Crlf(V, O, S, C, T, M, O), SdpParseErrorKind.LineNotAllowedInMedia, 7 },
        { "no equals", Crlf(V, O, S, C, T, M, "sendrecv"), SdpParseErrorKind.MalformedLine, 7 },
        { "space before equals", Crlf(V, O, S, C, T, M, "a =sendrecv"), SdpParseErrorKind.MalformedLine, 7 },
        { "space after equals", Crlf(V, O, S, "c= IN IP4 192.0.2.1", T, M), SdpParseErrorKind.MalformedLine, 4 },
        { "empty type", Crlf(V, O, S, C, T, M, "=x"), SdpParseErrorKind.MalformedLine, 7 },
        { "digit type", Crlf(V, O, S, C, T, M, "1=x"), SdpParseErrorKind.MalformedLine, 7 },
        { "unknown type", Crlf(V, O, S, C, T, M, "x=foo"), SdpParseErrorKind.UnknownLineType, 7 },
        { "upper-case type", Crlf(V, O, S, C, T, M, "A=sendrecv"), SdpParseErrorKind.UnknownLineType, 7 },
        { "o= five fields", Crlf(V, "o=- 1 1 IN IP4", S, C, T, M), SdpParseErrorKind.MalformedOrigin, 2 },
        { "o= seven fields", Crlf(V, "o=- 1 1 IN IP4 192.0.2.1 x", S, C, T, M), SdpParseErrorKind.MalformedOrigin, 2 },
        { "o= id not numeric", Crlf(V, "o=- abc 1 IN IP4 192.0.2.1", S, C, T, M), SdpParseErrorKind.MalformedOrigin, 2 },
        { "o= version negative", Crlf(V, "o=- 1 -1 IN IP4 192.0.2.1", S, C, T, M), SdpParseErrorKind.MalformedOrigin, 2 },
        { "c= two fields", Crlf(V, O, S, "c=IN IP4", T, M), SdpParseErrorKind.MalformedConnection, 4 },
        { "media c= four fields", Crlf(V, O, S, T, M, "c=IN IP4 192.0.2.1 x"), SdpParseErrorKind.MalformedConnection, 6 },
        { "b= no colon", Crlf(V, O, S, C, "b=AS64", T, M), SdpParseErrorKind.MalformedBandwidth, 5 },
        { "b= not numeric", Crlf(V, O, S, C, "b=AS:fast", T, M), SdpParseErrorKind.MalformedBandwidth, 5 },
        { "b= negative", Crlf(V, O, S, C, T, M, "b=TIAS:-64000"), SdpParseErrorKind.MalformedBandwidth, 7 },
        { "b= no type", Crlf(V, O, S, C, "b=:64", T, M), SdpParseErrorKind.MalformedBandwidth, 5 },
        { "t= one field", Crlf(V, O, S, C, "t=0", M), SdpParseErrorKind.MalformedTiming, 5 },
        { "t= not numeric", Crlf(V, O, S, C, "t=now later", M), SdpParseErrorKind.MalformedTiming, 5 },
        { "r= before t=", Crlf(V, O, S, C, "r=7d 1h 0", T, M), SdpParseErrorKind.MalformedTiming, 5 },
        { "m= port not numeric", Crlf(V, O, S, C, T, "m=audio abc RTP/AVP 0"), SdpParseErrorKind.MalformedMedia, 6 },
        { "m= port negative", Crlf(V, O, S, C, T, "m=audio -1 RTP/AVP 0"), SdpParseErrorKind.MalformedMedia, 6 },
        { "m= port too large", Crlf(V, O, S, C, T, "m=audio 65536 RTP/AVP 0"), SdpParseErrorKind.MalformedMedia, 6 },
        { "m= port count zero", Crlf(V, O, S, C, T, "m=audio 5004/0 RTP/AVP 0"), SdpParseErrorKind.MalformedMedia, 6 },
        { "m= port count not numeric", Crlf(V, O, S, C, T, "m=audio 5004/x RTP/AVP 0"), SdpParseErrorKind.MalformedMedia, 6 },
        { "m= no protocol", Crlf(V, O, S, C, T, "m=audio 5004"), SdpParseErrorKind.MalformedMedia, 6 },
        { "m= bad protocol", Crlf(V, O, S, C, T, "m=audio 5004 RTP//AVP 0"), SdpParseErrorKind.MalformedMedia, 6 },
        { "m= no formats", Crlf(V, O, S, C, T, "m=audio 5004 RTP/AVP"), SdpParseErrorKind.MalformedMedia, 6 },
        { "m= format a name", Crlf(V, O, S, C, T, "m=audio 5004 RTP/AVP PCMU"), SdpParseErrorKind.MalformedMedia, 6 },
        { "m= payload type 128", Crlf(V, O, S, C, T, "m=audio 5004 RTP/AVP 0 128"), SdpParseErrorKind.MalformedMedia, 6 },
        { "m= media not a token", Crlf(V, O, S, C, T, "m=au:dio 5004 RTP/AVP 0"), SdpParseErrorKind.MalformedMedia, 6 },
        { "a= empty", Crlf(V, O, S, C, T, M, "a="), SdpParseErrorKind.MalformedAttribute, 7 },
        { "a= no name", Crlf(V, O, S, C, T, M, "a=:value"), SdpParseErrorKind.MalformedAttribute, 7 },
        { "rtpmap no clock", Crlf(V, O, S, C, T, M, "a=rtpmap:96 opus"), SdpParseErrorKind.MalformedAttribute, 7 },
        { "rtpmap clock not numeric", Crlf(V, O, S, C, T, M, "a=rtpmap:0 PCMU/eight"), SdpParseErrorKind.MalformedAttribute, 7 },
        { "rtpmap clock zero", Crlf(V, O, S, C, T, M, "a=rtpmap:0 PCMU/0"), SdpParseErrorKind.MalformedAttribute, 7 },
        { "rtpmap payload type 200", Crlf(V, O, S, C, T, M, "a=rtpmap:200 PCMU/8000"), SdpParseErrorKind.MalformedAttribute, 7 },
        { "rtpmap no payload type", Crlf(V, O, S, C, T, M, "a=rtpmap:PCMU/8000"), SdpParseErrorKind.MalformedAttribute, 7 },
        { "rtpmap channels not numeric", Crlf(V, O, S, C, T, M, "a=rtpmap:96 opus/48000/two"), SdpParseErrorKind.MalformedAttribute, 7 },
        { "rtpmap without value", Crlf(V, O, S, C, T, M, "a=rtpmap"), SdpParseErrorKind.MalformedAttribute, 7 },
        { "fmtp without format", Crlf(V, O, S, C, T, M, "a=fmtp:"), SdpParseErrorKind.MalformedAttribute, 7 },
        { "NUL in a line", Crlf(V, O, "s=a\0b", C, T, M), SdpParseErrorKind.InvalidText, 3 },
        { "bare CR in a line", Crlf(V, O, "s=a\rb", C, T, M), SdpParseErrorKind.InvalidText, 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TryParse_MalformedBody_FailsWithKindAndLine(string name, string body, SdpParseErrorKind kind, int line)
    {
        var error = ParseError(body);

        Assert.True(kind == error.Kind, $"{name}: expected {kind}, got {error}");
        Assert.Equal(line, error.LineNumber);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        Assert.False(error.IsLimitExceeded);
    }

    [Fact]
    public void TryParse_InvalidUtf8_FailsAsInvalidText()
    {
        var bytes = Encoding.ASCII.GetBytes(Crlf(V, O, "s=xx", C, T, M));
        var index = Array.IndexOf(bytes, (byte)'x');
        bytes[index] = 0xC3;
        bytes[index + 1] = 0x28;

        Assert.False(SdpParser.TryParse(bytes, out var session, out var error));

        Assert.Null(session);
        Assert.Equal(SdpParseErrorKind.InvalidText, error.Kind);
    }

    [Fact]
    public void ToString_Error_NamesKindAndLine()
    {
        var error = ParseError(Crlf(V, O, S, C, T, "m=audio abc RTP/AVP 0"));

        Assert.Equal("MalformedMedia at line 6: The port is not a number from 0 to 65535", error.ToString());
    }
}
