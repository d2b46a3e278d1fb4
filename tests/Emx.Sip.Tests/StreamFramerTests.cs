using System.Diagnostics;
using System.Text;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using Xunit;

namespace Emx.Sip.Tests;

public sealed class StreamFramerTests
{
    private const string Options =
        "OPTIONS sip:user@example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK1\r\n" +
        "To: <sip:user@example.com>\r\nFrom: <sip:caller@example.com>;tag=1\r\nCall-ID: one\r\nCSeq: 1 OPTIONS\r\n" +
        "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

    private const string Message =
        "MESSAGE sip:user@example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP host.example.com;branch=z9hG4bK2\r\n" +
        "To: <sip:user@example.com>\r\nFrom: <sip:caller@example.com>;tag=2\r\nCall-ID: two\r\nCSeq: 2 MESSAGE\r\n" +
        "Max-Forwards: 70\r\nContent-Type: text/plain\r\nl: 13\r\n\r\nHello, world!";

    [Fact]
    public void Frame_TwoMessagesBackToBack_FramesEachInTurn()
    {
        var buffer = Encoding.ASCII.GetBytes(Options + Message);
        var framer = new SipStreamFramer();

        var first = framer.Frame(buffer);
        Assert.Equal(new SipFrameResult(SipFrameStatus.Message, Options.Length, null), first);
        var second = framer.Frame(buffer.AsSpan(first.Length));
        Assert.Equal(new SipFrameResult(SipFrameStatus.Message, Message.Length, null), second);

        Assert.Equal("one", TestSip.Parse(buffer[..first.Length]).CallId);
        var message = TestSip.Parse(buffer[first.Length..]);
        Assert.Equal("two", message.CallId);
        Assert.Equal("Hello, world!", Encoding.ASCII.GetString(message.Body.Span));
        Assert.Equal(SipFrameStatus.NeedMoreData, framer.Frame(buffer.AsSpan(first.Length + second.Length)).Status);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1000)]
    public void Frame_MessageSplitAcrossReads_CompletesOnLastRead(int readSize)
    {
        var stream = Encoding.ASCII.GetBytes(Message + Options);
        var framer = new SipStreamFramer();
        var received = 0;
        var start = 0;
        var messages = new List<SipMessage>();
        while (received < stream.Length)
        {
            received = Math.Min(stream.Length, received + readSize);
            while (true)
            {
                var result = framer.Frame(stream.AsSpan(start, received - start));
                if (result.Status == SipFrameStatus.NeedMoreData)
                {
                    break;
                }

                Assert.Equal(SipFrameStatus.Message, result.Status);
                messages.Add(TestSip.Parse(stream.AsSpan(start, result.Length).ToArray()));
                start += result.Length;
            }
        }

        Assert.Equal(stream.Length, start);
        Assert.Equal(["two", "one"], messages.Select(m => m.CallId));
    }

    [Fact]
    public void Frame_CorpusAsOneStream_FramesEveryMessageLikeTheDatagramParser()
    {
        // Every corpus message whose Content-Length frames it exactly, sent back to back over one connection.
        var names = new List<string>();
        var stream = new List<byte>();
        foreach (var entry in Rfc4475Corpus.Manifest)
        {
            var data = Rfc4475Corpus.Read(entry.Name);
            if (SipMessageParser.TryParse(data, out var parsed, out _)
                && parsed.ContentLength is { } length
                && data.AsSpan().IndexOf("\r\n\r\n"u8) + 4 + length == data.Length)
            {
                names.Add(entry.Name);
                stream.AddRange(data);
            }
        }

        var buffer = stream.ToArray();
        var framer = new SipStreamFramer();
        var offset = 0;
        foreach (var name in names)
        {
            var result = framer.Frame(buffer.AsSpan(offset));
            Assert.Equal(SipFrameStatus.Message, result.Status);
            var expected = TestSip.Parse(Rfc4475Corpus.Read(name));
            var framed = TestSip.Parse(buffer.AsSpan(offset, result.Length).ToArray());
            Assert.Equal(expected.CallId, framed.CallId);
            Assert.Equal(expected.Body.ToArray(), framed.Body.ToArray());
            offset += result.Length;
        }

        Assert.Equal(buffer.Length, offset);
        Assert.True(names.Count >= 25, $"only {names.Count} messages framed");
    }

    [Fact]
    public void Frame_Dblreq_FramesBothRequestsAroundTheStrayCrlf()
    {
        var data = Rfc4475Corpus.Read("dblreq");
        var framer = new SipStreamFramer();

        var register = framer.Frame(data);
        Assert.Equal(SipFrameStatus.Message, register.Status);
        var stray = framer.Frame(data.AsSpan(register.Length));
        Assert.Equal(new SipFrameResult(SipFrameStatus.KeepAlivePong, 2, null), stray);
        var invite = framer.Frame(data.AsSpan(register.Length + 2));
        Assert.Equal(SipFrameStatus.Message, invite.Status);
        Assert.Equal(SipMethods.Invite, TestSip.ParseRequest(data.AsSpan(register.Length + 2, invite.Length).ToArray()).Method);

        // The INVITE's body runs 5 octets past its Content-Length: ignorable in a datagram, garbage on a stream.
        var rest = data.AsSpan(register.Length + 2 + invite.Length);
        Assert.Equal("C\r\n\r\n"u8, rest);
        Assert.Equal(SipFrameStatus.Invalid, framer.Frame(rest).Status);
    }

    [Fact]
    public void Frame_KeepAlives_AreRecognized()
    {
        var framer = new SipStreamFramer();
        Assert.Equal(new SipFrameResult(SipFrameStatus.KeepAlivePing, 4, null), framer.Frame("\r\n\r\n"u8));
        Assert.Equal(new SipFrameResult(SipFrameStatus.KeepAlivePong, 2, null), framer.Frame("\r\nOPTIONS"u8));
        Assert.Equal(SipFrameStatus.NeedMoreData, framer.Frame("\r\n"u8).Status);
        Assert.Equal(SipFrameStatus.NeedMoreData, framer.Frame("\r\n\r"u8).Status);
        Assert.Equal(SipFrameStatus.Invalid, framer.Frame("\rX"u8).Status);
    }

    [Fact]
    public void Frame_MissingContentLength_IsInvalid()
    {
        var result = new SipStreamFramer().Frame(Encoding.ASCII.GetBytes(Options.Replace("Content-Length: 0\r\n", string.Empty, StringComparison.Ordinal)));
        Assert.Equal(SipFrameStatus.Invalid, result.Status);
        Assert.Equal(SipParseErrorKind.InvalidContentLength, result.Error!.Kind);
        Assert.Equal("Content-Length is required on stream transports", result.Error.ReasonPhrase);
    }

    [Theory]
    [InlineData("Content-Length: -1")]
    [InlineData("Content-Length: five")]
    [InlineData("Content-Length: 0\r\nl: 1")]
    public void Frame_BadContentLength_IsInvalid(string header)
    {
        var text = Options.Replace("Content-Length: 0", header, StringComparison.Ordinal);
        var result = new SipStreamFramer().Frame(Encoding.ASCII.GetBytes(text));
        Assert.Equal(SipFrameStatus.Invalid, result.Status);
        Assert.Equal(SipParseErrorKind.InvalidContentLength, result.Error!.Kind);
        Assert.Equal(400, result.Error.StatusCode);
    }

    [Fact]
    public void Frame_FoldedCompactContentLength_IsUnderstood()
    {
        var text = Options.Replace("Content-Length: 0", "L :\r\n 4", StringComparison.Ordinal) + "body";
        var result = new SipStreamFramer().Frame(Encoding.ASCII.GetBytes(text + "NEXT"));
        Assert.Equal(new SipFrameResult(SipFrameStatus.Message, text.Length, null), result);
    }

    [Fact]
    public void Frame_ContentLengthBeyondLimit_IsMessageTooLarge()
    {
        var text = Options.Replace("Content-Length: 0", "Content-Length: 99999999999999999999", StringComparison.Ordinal);
        var result = new SipStreamFramer().Frame(Encoding.ASCII.GetBytes(text));
        Assert.Equal(SipFrameStatus.Invalid, result.Status);
        Assert.Equal(SipParseErrorKind.MessageTooLarge, result.Error!.Kind);
        Assert.Equal(513, result.Error.StatusCode);
    }

    [Fact]
    public void Frame_HeaderSectionWithoutEnd_IsMessageTooLargeAtTheLimit()
    {
        var options = new SipParserOptions { MaxMessageSize = 4096 };
        var framer = new SipStreamFramer(options);
        var endless = Encoding.ASCII.GetBytes("OPTIONS sip:a@b SIP/2.0\r\n" + string.Concat(Enumerable.Repeat("X-Filler: 0123456789\r\n", 300)));

        Assert.Equal(SipFrameStatus.NeedMoreData, framer.Frame(endless.AsSpan(0, 4000)).Status);
        var result = framer.Frame(endless);
        Assert.Equal(SipFrameStatus.Invalid, result.Status);
        Assert.Equal(SipParseErrorKind.MessageTooLarge, result.Error!.Kind);
    }

    [Fact]
    public void Frame_HeaderSectionTricklingInByteByByte_StaysLinear()
    {
        // 60 KB of headers arriving one byte per read: rescanning from the start each time would take ~1.8e9
        // comparisons; resuming where the last search stopped keeps it linear.
        var text = "OPTIONS sip:a@b SIP/2.0\r\n" + string.Concat(Enumerable.Repeat("X-Filler: 0123456789abcdef\r\n", 2200)) + "Content-Length: 0\r\n\r\n";
        var data = Encoding.ASCII.GetBytes(text);
        Assert.InRange(data.Length, 60_000, 65_000);

        var framer = new SipStreamFramer();
        var stopwatch = Stopwatch.StartNew();
        SipFrameResult result = default;
        for (var length = 1; length <= data.Length; length++)
        {
            result = framer.Frame(data.AsSpan(0, length));
            if (result.Status != SipFrameStatus.NeedMoreData)
            {
                break;
            }
        }

        stopwatch.Stop();
        Assert.Equal(new SipFrameResult(SipFrameStatus.Message, data.Length, null), result);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
    }
}
