using System.Text;
using Emx.Sip.Sdp;
using Xunit;
using static Emx.Sip.Tests.Sdp.SdpSamples;

namespace Emx.Sip.Tests.Sdp;

public sealed class SdpHostileTests
{
    private const string Head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";

    [Fact]
    public void TryParse_BodyOverLimit_FailsBeforeReading()
    {
        var body = Head + "m=audio 5004 RTP/AVP 0\r\n" + new string('a', 64 * 1024);

        var fromString = ParseError(body);
        Assert.False(SdpParser.TryParse(Encoding.UTF8.GetBytes(body), out _, out var fromBytes));

        Assert.Equal(SdpParseErrorKind.BodyTooLarge, fromString.Kind);
        Assert.Equal(SdpParseErrorKind.BodyTooLarge, fromBytes.Kind);
        Assert.True(fromString.IsLimitExceeded);
    }

    [Fact]
    public void TryParse_StringUnderLimitInCharactersButOverInUtf8Bytes_FailsAsTooLarge()
    {
        var options = new SdpParserOptions { MaxBodySize = 200 };
        var body = Head + "i=" + new string('é', 100) + "\r\n";
        Assert.True(body.Length <= 200);
        Assert.True(Encoding.UTF8.GetByteCount(body) > 200);

        Assert.Equal(SdpParseErrorKind.BodyTooLarge, ParseError(body, options).Kind);
    }

    [Fact]
    public void TryParse_BodyExactlyAtLimit_IsAccepted()
    {
        var filler = "a=x-pad:" + new string('p', 1000) + "\r\n";
        var builder = new StringBuilder(Head).Append("m=audio 5004 RTP/AVP 0\r\n");
        while (builder.Length + filler.Length <= 64 * 1024)
        {
            builder.Append(filler);
        }

        var padding = (64 * 1024) - builder.Length - "a=x-end:\r\n".Length;
        builder.Append("a=x-end:").Append('q', padding).Append("\r\n");
        Assert.Equal(64 * 1024, Encoding.UTF8.GetByteCount(builder.ToString()));

        var session = Parse(builder.ToString());

        Assert.Equal(65, session.Media[0].Attributes.Count);
        Assert.Equal(SdpParseErrorKind.BodyTooLarge, ParseError(builder.Append('\n').ToString()).Kind);
    }

    [Fact]
    public void TryParse_TooManyLines_Fails()
    {
        var body = Head + "m=audio 5004 RTP/AVP 0\r\n" + string.Concat(Enumerable.Repeat("a=x\r\n", 1020));

        var error = ParseError(body);

        Assert.Equal(SdpParseErrorKind.TooManyLines, error.Kind);
        Assert.True(error.IsLimitExceeded);
    }

    [Fact]
    public void TryParse_BlankLinesCountTowardsTheLineLimit()
    {
        var body = Head + "m=audio 5004 RTP/AVP 0\r\n" + new string('\n', 2000);

        Assert.Equal(SdpParseErrorKind.TooManyLines, ParseError(body).Kind);
    }

    [Fact]
    public void TryParse_LineOverLimit_Fails()
    {
        var body = Head + "m=audio 5004 RTP/AVP 0\r\na=fmtp:0 " + new string('x', 5000) + "\r\n";

        var error = ParseError(body);

        Assert.Equal(SdpParseErrorKind.LineTooLong, error.Kind);
        Assert.Equal(7, error.LineNumber);
    }

    [Fact]
    public void TryParse_TooManyMediaDescriptions_Fails()
    {
        var body = Head + string.Concat(Enumerable.Range(0, 33).Select(i => $"m=audio {5000 + (2 * i)} RTP/AVP 0\r\n"));

        var error = ParseError(body);

        Assert.Equal(SdpParseErrorKind.TooManyMediaDescriptions, error.Kind);
        Assert.Equal(38, error.LineNumber);
    }

    [Fact]
    public void TryParse_CustomLimits_AreApplied()
    {
        // The SIPp sample has 7 lines, one m= line, and its longest line is 44 characters.
        var exact = new SdpParserOptions { MaxBodySize = Sipp.Length, MaxLines = 7, MaxLineLength = 44, MaxMediaDescriptions = 1 };
        Parse(Sipp);
        Assert.True(SdpParser.TryParse(Sipp, exact, out _, out var error), error?.ToString());

        Assert.Equal(SdpParseErrorKind.BodyTooLarge, ParseError(Sipp, new SdpParserOptions { MaxBodySize = Sipp.Length - 1 }).Kind);
        Assert.Equal(SdpParseErrorKind.TooManyLines, ParseError(Sipp, new SdpParserOptions { MaxLines = 6 }).Kind);
        Assert.Equal(SdpParseErrorKind.LineTooLong, ParseError(Sipp, new SdpParserOptions { MaxLineLength = 43 }).Kind);
        Assert.Equal(
            SdpParseErrorKind.TooManyMediaDescriptions,
            ParseError(Sipp + "m=video 0 RTP/AVP 31\r\n", new SdpParserOptions { MaxMediaDescriptions = 1 }).Kind);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SdpParserOptions { MaxLines = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SdpParserOptions { MaxBodySize = -1 });
    }

    [Fact]
    public void TryParse_HugeNumbers_FailWithoutOverflow()
    {
        Assert.Equal(SdpParseErrorKind.MalformedMedia, ParseError(Head + "m=audio 99999999999999999999 RTP/AVP 0\r\n").Kind);
        Assert.Equal(SdpParseErrorKind.MalformedBandwidth, ParseError(Head + "b=AS:99999999999999999999\r\n").Kind);
        Assert.Equal(SdpParseErrorKind.MalformedTiming, ParseError(Head.Replace("t=0 0", "t=99999999999999999999 0", StringComparison.Ordinal)).Kind);
        Assert.Equal(SdpParseErrorKind.MalformedAttribute, ParseError(Head + "m=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/99999999999\r\n").Kind);
    }

    [Fact]
    public void TryParse_RandomBytes_NeverThrows()
    {
        var random = new Random(8866);
        for (var i = 0; i < 3000; i++)
        {
            var data = new byte[random.Next(0, 600)];
            random.NextBytes(data);
            AssertHandled(data);
        }
    }

    [Fact]
    public void TryParse_MutatedSamples_NeverThrowAndWhatParsesRoundTrips()
    {
        const string Interesting = "\r\n\0 =:/*;abmcvtrx0123456789\u00e9";
        var random = new Random(4566);
        var parsedCount = 0;
        foreach (var name in Names.Select(row => row.Data))
        {
            var original = Get(name);
            for (var i = 0; i < 400; i++)
            {
                var chars = original.ToCharArray();
                var mutations = random.Next(1, 4);
                for (var j = 0; j < mutations; j++)
                {
                    chars[random.Next(chars.Length)] = Interesting[random.Next(Interesting.Length)];
                }

                if (AssertHandled(Encoding.UTF8.GetBytes(chars)))
                {
                    parsedCount++;
                }
            }
        }

        // Many mutations land in free text (attribute values, names) and must still parse.
        Assert.InRange(parsedCount, 200, 3200);
    }

    /// <summary>Parses; when that succeeds, the written form must parse again and write identically.</summary>
    private static bool AssertHandled(byte[] data)
    {
        if (!SdpParser.TryParse(data, out var session, out var error))
        {
            Assert.NotNull(error);
            Assert.True(Enum.IsDefined(error.Kind));
            return false;
        }

        var written = SdpWriter.Write(session);
        Assert.True(SdpParser.TryParse(written, out var again, out var againError), $"rewritten body failed: {againError}\n{written}");
        Assert.Equal(written, SdpWriter.Write(again));
        return true;
    }
}
