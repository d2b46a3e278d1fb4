using System.Diagnostics;
using System.Text;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using Emx.Sip.Validation;
using Xunit;

namespace Emx.Sip.Tests;

public sealed class HostileInputTests
{
    private const string Headers =
        "INVITE sip:bob@example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKhostile\r\n" +
        "To: <sip:bob@example.com>\r\n" +
        "From: <sip:alice@example.com>;tag=9\r\n" +
        "Call-ID: hostile@example.com\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "Max-Forwards: 70\r\n";

    private static readonly SipRequestValidator Validator = new();

    [Fact]
    public void TryParse_RandomBytes_NeverThrows()
    {
        var random = new Random(4475);
        for (var i = 0; i < 3000; i++)
        {
            var data = new byte[random.Next(0, 1500)];
            random.NextBytes(data);
            AssertHandled(data);
        }
    }

    [Fact]
    public void TryParse_RandomSipLikeText_NeverThrows()
    {
        // Random text drawn from the characters the grammar cares about reaches deeper into the parser.
        const string Alphabet = "SIP/2.0 INVITEsip:@;=,<>\"\\\r\n\t :?&%3Axyz-Via To From Call-ID CSeq Content-Length l m v 0123456789*[]";
        var random = new Random(3261);
        for (var i = 0; i < 3000; i++)
        {
            var builder = new StringBuilder(Headers);
            var length = random.Next(0, 400);
            for (var j = 0; j < length; j++)
            {
                builder.Append(Alphabet[random.Next(Alphabet.Length)]);
            }

            AssertHandled(Encoding.UTF8.GetBytes(builder.ToString()));
        }
    }

    [Fact]
    public void TryParse_MutatedCorpusMessages_NeverThrow()
    {
        var random = new Random(2543);
        byte[] interesting = [0, (byte)'\r', (byte)'\n', (byte)' ', (byte)'\t', (byte)'"', (byte)'\\', (byte)'<', (byte)'>', (byte)',', (byte)';', (byte)':', (byte)'%', 0x7F, 0xC3, 0xFF];
        foreach (var entry in Rfc4475Corpus.Manifest)
        {
            var original = Rfc4475Corpus.Read(entry.Name);
            for (var i = 0; i < 150; i++)
            {
                var data = (byte[])original.Clone();
                var mutations = random.Next(1, 4);
                for (var m = 0; m < mutations; m++)
                {
                    data[random.Next(data.Length)] = random.Next(2) == 0 ? interesting[random.Next(interesting.Length)] : (byte)random.Next(256);
                }

                AssertHandled(data);
            }
        }
    }

    [Fact]
    public void TryParse_EveryTruncationOfTheCorpus_NeverThrowsAndReportsTruncation()
    {
        foreach (var entry in Rfc4475Corpus.Manifest)
        {
            var data = Rfc4475Corpus.Read(entry.Name);
            var headerEnd = data.AsSpan().IndexOf("\r\n\r\n"u8);
            for (var length = 0; length < data.Length; length++)
            {
                var prefix = data.AsSpan(0, length);
                var error = AssertHandled(prefix.ToArray());

                // Cut inside a line of the header section: the message ends without that line's CRLF.
                if (length > 0 && length < headerEnd && !prefix.EndsWith("\r\n"u8) && prefix.IndexOf("\r\n"u8) >= 0 && error is not null)
                {
                    Assert.True(
                        error.Kind is SipParseErrorKind.Truncated or SipParseErrorKind.MalformedHeader or SipParseErrorKind.MalformedStartLine or SipParseErrorKind.VersionNotSupported,
                        $"{entry.Name}[..{length}]: {error}");
                }
            }
        }
    }

    [Fact]
    public void TryParse_TruncatedInsideHeaderLine_IsTruncated()
    {
        var error = TestSip.ParseError(Headers + "Content-Length: 0\r\nSubject: cut he");
        Assert.Equal(SipParseErrorKind.Truncated, error.Kind);
        Assert.Equal(400, error.StatusCode);
        Assert.True(error.CanRespond);
    }

    [Fact]
    public void TryParse_BodyShorterThanContentLength_IsTruncated()
    {
        var error = TestSip.ParseError(Headers + "Content-Length: 10\r\n\r\nshort");
        Assert.Equal(SipParseErrorKind.Truncated, error.Kind);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void TryParse_OneMegabyteMessage_IsMessageTooLargeWith513()
    {
        var body = new string('x', 1024 * 1024);
        var data = Encoding.ASCII.GetBytes(Headers + "Content-Type: text/plain\r\nContent-Length: " + body.Length + "\r\n\r\n" + body);

        var error = TestSip.ParseError(data);
        Assert.Equal(SipParseErrorKind.MessageTooLarge, error.Kind);
        Assert.True(error.IsLimitExceeded);
        Assert.Equal(513, error.StatusCode);
        Assert.True(SipResponseFactory.TryCreateErrorResponse(error, out var response));
        Assert.Equal(513, response.StatusCode);
        Assert.Equal("hostile@example.com", response.CallId);
    }

    [Fact]
    public void TryParse_OneMegabyteWithoutLineBreaks_IsHeaderLineTooLong()
    {
        var data = new byte[1024 * 1024];
        data.AsSpan().Fill((byte)'A');
        var error = TestSip.ParseError(data);
        Assert.Equal(SipParseErrorKind.HeaderLineTooLong, error.Kind);
        Assert.False(error.CanRespond);
    }

    [Fact]
    public void TryParse_OneMegabyteOfShortHeaderLines_StopsAtALimit()
    {
        var data = Encoding.ASCII.GetBytes(Headers + string.Concat(Enumerable.Repeat("X: y\r\n", 180_000)));
        Assert.True(data.Length > 1_000_000);
        var error = TestSip.ParseError(data);
        Assert.Equal(SipParseErrorKind.TooManyHeaders, error.Kind);
        Assert.Equal(513, error.StatusCode);
        Assert.True(error.CanRespond);
    }

    [Fact]
    public void TryParse_TenThousandHeaders_IsTooManyHeaders()
    {
        var data = Encoding.ASCII.GetBytes(Headers + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"X-H{i}: v\r\n")) + "\r\n");
        var error = TestSip.ParseError(data);
        Assert.Equal(SipParseErrorKind.TooManyHeaders, error.Kind);
        Assert.Equal(SipParserOptions.Default.MaxHeaderCount, error.Headers.Count);
    }

    [Fact]
    public void TryParse_ThousandValuesOnOneLine_CountEachValue()
    {
        var routes = string.Join(",", Enumerable.Repeat("<sip:p>", 1000));
        var error = TestSip.ParseError(Headers + "Route: " + routes + "\r\n\r\n");
        Assert.Equal(SipParseErrorKind.TooManyHeaders, error.Kind);
    }

    [Fact]
    public void TryParse_HeaderLineOf100KB_IsHeaderLineTooLong()
    {
        var error = TestSip.ParseError(Headers + "Subject: " + new string('a', 100 * 1024) + "\r\n\r\n");
        Assert.Equal(SipParseErrorKind.HeaderLineTooLong, error.Kind);
        Assert.Equal(513, error.StatusCode);
        Assert.True(error.CanRespond);
    }

    [Fact]
    public void TryParse_FoldedHeaderOf100KB_IsHeaderLineTooLong()
    {
        var folded = string.Concat(Enumerable.Repeat("\r\n " + new string('a', 98), 1000));
        var error = TestSip.ParseError(Headers + "Subject: start" + folded + "\r\n\r\n");
        Assert.Equal(SipParseErrorKind.HeaderLineTooLong, error.Kind);
    }

    [Fact]
    public void TryParse_LimitsFromOptions_AreApplied()
    {
        var options = new SipParserOptions { MaxHeaderCount = 6, MaxHeaderLineLength = 100, MaxMessageSize = 1000 };
        var message = Headers + "Content-Length: 0\r\n\r\n";
        Assert.Equal(SipParseErrorKind.TooManyHeaders, TestSip.ParseError(Encoding.ASCII.GetBytes(message), options).Kind);

        var longLine = Headers.Replace("Call-ID: hostile", "Call-ID: " + new string('h', 100), StringComparison.Ordinal) + "\r\n";
        Assert.Equal(SipParseErrorKind.HeaderLineTooLong, TestSip.ParseError(Encoding.ASCII.GetBytes(longLine), new SipParserOptions { MaxHeaderCount = 50, MaxHeaderLineLength = 100, MaxMessageSize = 1000 }).Kind);
    }

    [Theory]
    [InlineData("INV\0ITE sip:bob@example.com SIP/2.0\r\n", SipParseErrorKind.MalformedStartLine)]
    [InlineData("INVITE sip:bob\0@example.com SIP/2.0\r\n", SipParseErrorKind.MalformedStartLine)]
    [InlineData("X-Bad\0Name: value\r\n", SipParseErrorKind.MalformedHeader)]
    [InlineData("Subject: nul \0 here\r\n", SipParseErrorKind.MalformedHeader)]
    [InlineData("Subject: bare \n line feed\r\n", SipParseErrorKind.MalformedHeader)]
    [InlineData("Subject: bare \r carriage return\r\n", SipParseErrorKind.MalformedHeader)]
    public void TryParse_NulAndControlCharacters_AreRejected(string line, SipParseErrorKind kind)
    {
        var text = line.StartsWith("INV", StringComparison.Ordinal)
            ? line + Headers[(Headers.IndexOf('\n', StringComparison.Ordinal) + 1)..] + "\r\n"
            : Headers + line + "\r\n";
        var error = TestSip.ParseError(text);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void TryParse_NulInsideQuotedPair_IsAccepted()
    {
        var request = TestSip.ParseRequest(Headers.Replace("To: <sip:bob", "To: \"a\\\0b\" <sip:bob", StringComparison.Ordinal) + "\r\n");
        Assert.Equal("a\0b", request.To!.DisplayName);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    public void TryParse_NonUtf8HeaderValue_IsMalformedHeader(byte[] octets)
    {
        var data = Encoding.ASCII.GetBytes(Headers + "Subject: a").Concat(octets).Concat("b\r\n\r\n"u8.ToArray()).ToArray();
        var error = TestSip.ParseError(data);
        Assert.Equal(SipParseErrorKind.MalformedHeader, error.Kind);
        Assert.Equal(SipHeaderNames.Subject, error.HeaderName);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void TryParse_NonUtf8ReasonPhrase_IsDropped()
    {
        var data = "SIP/2.0 200 O"u8.ToArray().Concat(new byte[] { 0xFF }).Concat(Encoding.ASCII.GetBytes("K\r\n" + Headers[(Headers.IndexOf('\n', StringComparison.Ordinal) + 1)..] + "\r\n")).ToArray();
        var error = TestSip.ParseError(data);
        Assert.Equal(SipParseErrorKind.MalformedStartLine, error.Kind);
        Assert.Null(error.StatusCode);
    }

    [Fact]
    public void TryParse_BinaryBody_IsKeptVerbatim()
    {
        var body = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var data = Encoding.ASCII.GetBytes(Headers + "Content-Type: application/octet-stream\r\nContent-Length: 256\r\n\r\n").Concat(body).ToArray();
        Assert.Equal(body, TestSip.ParseRequest(data).Body.ToArray());
    }

    [Fact]
    public void TryParse_OnlyCrlfs_IsEmptyAndDropped()
    {
        var error = TestSip.ParseError(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\r\n", 50_000))));
        Assert.Equal(SipParseErrorKind.Empty, error.Kind);
        Assert.Null(error.StatusCode);
        Assert.Equal(SipParseErrorKind.Empty, TestSip.ParseError([]).Kind);
    }

    [Fact]
    public void TryParse_64KiBMessage_ParsesQuickly()
    {
        // Just under the default limits: 240 header values of ~250 octets plus a body.
        var builder = new StringBuilder(Headers);
        for (var i = 0; i < 120; i++)
        {
            builder.Append("Record-Route: <sip:proxy").Append(i).Append(".example.com;lr;ftag=").Append(new string('f', 180)).Append(">\r\n");
            builder.Append("X-Custom-").Append(i).Append(": \"quoted, with commas\" ").Append(new string('v', 200)).Append("\r\n");
        }

        var body = new string('b', 65_536 - builder.Length - 100);
        builder.Append("Content-Type: text/plain\r\nContent-Length: ").Append(body.Length).Append("\r\n\r\n").Append(body);
        var data = Encoding.ASCII.GetBytes(builder.ToString());
        Assert.InRange(data.Length, 60_000, 65_536);

        var message = TestSip.Parse(data);
        Assert.Equal(120, message.RecordRoutes.Count);

        const int Runs = 50;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < Runs; i++)
        {
            Assert.True(SipMessageParser.TryParse(data, out _, out _));
        }

        stopwatch.Stop();
        var perMessage = stopwatch.Elapsed / Runs;
        Assert.True(perMessage < TimeSpan.FromMilliseconds(20), $"{perMessage.TotalMilliseconds} ms per 64 KiB message");
    }

    [Fact]
    public void TryParse_PathologicalQuotingAndFolding_StaysFast()
    {
        // Inputs shaped to make naive splitters and unfolders go quadratic: thousands of quotes and escapes
        // in list headers, and a header made of hundreds of one-character continuation lines.
        var quotes = string.Concat(Enumerable.Repeat("\"\\\"a,\"", 1300));
        var folds = string.Concat(Enumerable.Repeat("\r\n ,", 2600));
        var inputs = new[]
        {
            Headers + "Contact: " + quotes + "\r\n\r\n",
            Headers + "Accept: a/b" + folds + "\r\n\r\n",
            Headers + "Via: " + string.Concat(Enumerable.Repeat("SIP/2.0/UDP h;x=\"", 480)) + "\r\n\r\n",
        };

        var stopwatch = Stopwatch.StartNew();
        foreach (var input in inputs)
        {
            for (var i = 0; i < 20; i++)
            {
                AssertHandled(Encoding.ASCII.GetBytes(input));
            }
        }

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), $"took {stopwatch.Elapsed}");
    }

    /// <summary>
    /// Parses without any exception escaping; whatever parses must also validate and survive a write/parse
    /// round trip. Returns the error, if any.
    /// </summary>
    private static SipParseError? AssertHandled(byte[] data)
    {
        if (!SipMessageParser.TryParse(data, out var message, out var error))
        {
            Assert.NotNull(error);
            Assert.False(string.IsNullOrEmpty(error.ReasonPhrase));
            if (error.CanRespond)
            {
                Assert.True(SipResponseFactory.TryCreateErrorResponse(error, out _));
            }

            return error;
        }

        if (message is SipRequest request)
        {
            Validator.Validate(request);
        }
        else
        {
            new SipResponseValidator(SipElementRole.Proxy).Validate((SipResponse)message);
        }

        var written = SipMessageWriter.ToBytes(message);
        var roomy = new SipParserOptions { MaxMessageSize = 1 << 20, MaxHeaderLineLength = 1 << 20 };
        Assert.True(SipMessageParser.TryParse(written, roomy, out var copy, out var copyError), $"rewritten message rejected: {copyError}");
        Assert.Equal(message.Headers.Count(h => h.Name != SipHeaderNames.ContentLength), copy.Headers.Count(h => h.Name != SipHeaderNames.ContentLength));
        return null;
    }
}
