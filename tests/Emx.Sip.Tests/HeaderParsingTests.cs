using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using Xunit;

namespace Emx.Sip.Tests;

public sealed class HeaderParsingTests
{
    private const string StartLine = "OPTIONS sip:bob@example.com SIP/2.0\r\n";

    private const string Mandatory =
        "Via: SIP/2.0/UDP host.example.com;branch=z9hG4bK1\r\n" +
        "To: <sip:bob@example.com>\r\nFrom: <sip:alice@example.com>;tag=1\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n";

    private static SipRequest Request(string extraHeaders) => TestSip.ParseRequest(StartLine + Mandatory + extraHeaders + "\r\n");

    private static SipParseError Error(string extraHeaders) => TestSip.ParseError(StartLine + Mandatory + extraHeaders + "\r\n");

    [Theory]
    [InlineData("a", "Accept-Contact")]
    [InlineData("b", "Referred-By")]
    [InlineData("c", "Content-Type")]
    [InlineData("d", "Request-Disposition")]
    [InlineData("e", "Content-Encoding")]
    [InlineData("f", "From")]
    [InlineData("i", "Call-ID")]
    [InlineData("j", "Reject-Contact")]
    [InlineData("k", "Supported")]
    [InlineData("l", "Content-Length")]
    [InlineData("m", "Contact")]
    [InlineData("n", "Identity-Info")]
    [InlineData("o", "Event")]
    [InlineData("r", "Refer-To")]
    [InlineData("s", "Subject")]
    [InlineData("t", "To")]
    [InlineData("u", "Allow-Events")]
    [InlineData("v", "Via")]
    [InlineData("x", "Session-Expires")]
    [InlineData("y", "Identity")]
    [InlineData("CALL-id", "Call-ID")]
    [InlineData("www-authenticate", "WWW-Authenticate")]
    [InlineData("X-Unknown", "X-Unknown")]
    public void Normalize_CompactAndMixedCaseNames_GiveCanonicalName(string name, string canonical)
    {
        Assert.Equal(canonical, SipHeaderNames.Normalize(name));
        var upper = name.ToUpperInvariant();
        Assert.Equal(canonical == "X-Unknown" ? upper : canonical, SipHeaderNames.Normalize(upper));
    }

    [Fact]
    public void Parse_CompactForms_AreStoredAndFoundUnderFullNames()
    {
        var request = TestSip.ParseRequest(
            StartLine + "v: SIP/2.0/UDP h;branch=z9hG4bK1\r\nt: <sip:bob@example.com>\r\nf: <sip:a@example.com>;tag=1\r\n" +
            "i: compact\r\nCSeq: 1 OPTIONS\r\nm: <sip:a@h>\r\nk: path\r\ns: hi\r\no: reg\r\nc: text/plain\r\nl: 2\r\n\r\nhi");
        Assert.Equal(["Via", "To", "From", "Call-ID", "CSeq", "Contact", "Supported", "Subject", "Event", "Content-Type", "Content-Length"], request.Headers.Select(h => h.Name));
        Assert.Equal("compact", request.Headers.GetFirst("I"));
        Assert.Equal("compact", request.Headers.GetFirst("call-id"));
        Assert.Equal(["path"], request.Supported);
        Assert.Equal("reg", request.Event!.Package);
        Assert.Equal(2, request.ContentLength);
    }

    [Fact]
    public void Parse_FoldedValue_BecomesSingleSpaces()
    {
        var request = Request("Subject: first\r\n  second \r\n\tthird\r\n");
        Assert.Equal("first second third", request.Headers.GetFirst(SipHeaderNames.Subject));
    }

    [Fact]
    public void Parse_ListHeaders_SplitOutsideQuotesAndAngleBrackets()
    {
        var request = Request(
            "Contact: \"Bell, Alexander\" <sip:a,1@example.com;x=1>;q=0.5, <sip:b@example.com>\r\n" +
            "Route: <sip:p1.example.com;lr>,<sip:p2.example.com;lr>\r\n" +
            "Supported: timer , path,100rel\r\n");
        Assert.Equal(2, request.Contacts.Count);
        Assert.Equal("Bell, Alexander", request.Contacts[0].Address!.DisplayName);
        Assert.Equal("a,1", request.Contacts[0].Uri!.User);
        Assert.Equal(0.5, request.Contacts[0].Q);
        Assert.Equal(["p1.example.com", "p2.example.com"], request.Routes.Select(r => r.Uri.Host));
        Assert.Equal(["timer", "path", "100rel"], request.Supported);
        Assert.Equal(3, request.Headers.CountOf(SipHeaderNames.Supported));
    }

    [Fact]
    public void Parse_NonListHeadersWithCommas_AreNotSplit()
    {
        var request = Request(
            "Authorization: Digest username=\"bob\", realm=\"example.com\", nonce=\"abc\"\r\n" +
            "Date: Sat, 13 Nov 2010 23:29:00 GMT\r\n" +
            "X-Unknown: a, b, c\r\n");
        Assert.Equal("Digest username=\"bob\", realm=\"example.com\", nonce=\"abc\"", Assert.Single(request.Headers.GetValues(SipHeaderNames.Authorization)));
        Assert.Equal(new DateTimeOffset(2010, 11, 13, 23, 29, 0, TimeSpan.Zero), request.Date);
        Assert.Equal("a, b, c", Assert.Single(request.Headers.GetValues("x-unknown")));
    }

    [Fact]
    public void Parse_EmptyListValue_IsAllowed()
    {
        var request = Request("Supported:\r\nAccept:\r\n");
        Assert.Empty(request.Supported);
        Assert.Empty(request.Accept);
        Assert.True(request.Headers.Contains(SipHeaderNames.Accept));
    }

    [Theory]
    [InlineData("Supported: a,,b\r\n", SipHeaderNames.Supported)]
    [InlineData("Route: <sip:p>,\r\n", SipHeaderNames.Route)]
    public void Parse_EmptyListElement_IsMalformed(string header, string name)
    {
        var error = Error(header);
        Assert.Equal(SipParseErrorKind.MalformedHeader, error.Kind);
        Assert.Equal(name, error.HeaderName);
    }

    [Theory]
    [InlineData("Max Forwards: 70\r\n", "Invalid header name")]
    [InlineData(": novalue\r\n", "Invalid header name")]
    [InlineData("NoColonHere\r\n", "Header line without a colon")]
    [InlineData("Fr\u00f6m: x\r\n", "Invalid header name")]
    public void Parse_BadHeaderLine_IsMalformed(string header, string reason)
    {
        var error = Error(header);
        Assert.Equal(SipParseErrorKind.MalformedHeader, error.Kind);
        Assert.Equal(reason, error.ReasonPhrase);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void Parse_ContinuationLineFirst_IsMalformed()
    {
        var error = TestSip.ParseError(StartLine + " Via: SIP/2.0/UDP h\r\n" + Mandatory + "\r\n");
        Assert.Equal(SipParseErrorKind.MalformedHeader, error.Kind);
        Assert.Equal("Header section starts with a continuation line", error.ReasonPhrase);
    }

    [Fact]
    public void Parse_SpaceBeforeColon_IsAllowed()
    {
        var request = TestSip.ParseRequest(StartLine + Mandatory.Replace("Call-ID:", "Call-ID \t :", StringComparison.Ordinal) + "\r\n");
        Assert.Equal("c1", request.CallId);
    }

    [Theory]
    [InlineData("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx;received=192.0.2.9;rport=5070;ttl=16;maddr=224.2.0.1", "192.0.2.1", 5060)]
    [InlineData("SIP/2.0/TLS [2001:db8::9]:5061;branch=z9hG4bKy;received=2001:db8::10", "[2001:db8::9]", 5061)]
    [InlineData("SIP / 2.0 / UDP host.example.com : 5062 ; branch = z9hG4bKz", "host.example.com", 5062)]
    public void SipVia_ValidValues_Parse(string text, string host, int port)
    {
        var via = SipVia.Parse(text);
        Assert.Equal(host, via.Host);
        Assert.Equal(port, via.Port);
        Assert.True(via.IsRfc3261Branch);
    }

    [Fact]
    public void SipVia_Parameters_AreTyped()
    {
        var via = SipVia.Parse("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx;received=192.0.2.9;rport=5070;ttl=16;maddr=224.2.0.1");
        Assert.Equal(("192.0.2.9", 5070, 16, "224.2.0.1"), (via.Received, via.RPort, via.Ttl, via.Maddr));
        Assert.Equal("192.0.2.1:5060", via.SentBy);
        Assert.Equal("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx;received=192.0.2.9;rport=5070;ttl=16;maddr=224.2.0.1", via.ToString());

        var stamped = SipVia.Parse("SIP/2.0/UDP h;branch=z9hG4bKx;rport").WithParameter("received", "192.0.2.7").WithParameter("rport", "6000");
        Assert.Equal("SIP/2.0/UDP h;branch=z9hG4bKx;rport=6000;received=192.0.2.7", stamped.ToString());
        Assert.Equal("SIP/2.0/TCP proxy.example.com:5060;branch=z9hG4bKnew", new SipVia("TCP", "proxy.example.com", 5060, "z9hG4bKnew").ToString());
    }

    [Theory]
    [InlineData("SIP/2.0/UDP")]
    [InlineData("SIP/2.0 UDP host")]
    [InlineData("SIP/2.0/UDPhost")]
    [InlineData("SIP/2.0/UDP host;branch")]
    [InlineData("SIP/2.0/UDP host;branch=\"quoted\"")]
    [InlineData("SIP/2.0/UDP host;received=host.example.com")]
    [InlineData("SIP/2.0/UDP host;rport=x")]
    [InlineData("SIP/2.0/UDP host;ttl=256")]
    [InlineData("SIP/2.0/UDP host:70000")]
    [InlineData("SIP/2.0/UDP host;;")]
    [InlineData("SIP/2.0/UDP host extra")]
    public void SipVia_InvalidValues_Fail(string text) => Assert.False(SipVia.TryParse(text, out _));

    [Theory]
    [InlineData("<sip:a@example.com>;tag=x", null, "x")]
    [InlineData("\"A \\\"B\\\"\" <sip:a@example.com>", "A \"B\"", null)]
    [InlineData("Alice  Smith <sip:a@example.com>;tag=1", "Alice Smith", "1")]
    [InlineData("sip:a@example.com;tag=2", null, "2")]
    [InlineData("<tel:+1234;phone-context=x>", null, null)]
    [InlineData("\"\" <sip:a@example.com>", "", null)]
    public void SipNameAddress_ValidValues_Parse(string text, string? displayName, string? tag)
    {
        var address = SipNameAddress.Parse(text);
        Assert.Equal(displayName, address.DisplayName);
        Assert.Equal(tag, address.Tag);
        Assert.Equal(address.Uri, SipNameAddress.Parse(address.ToString()).Uri);
        Assert.Equal(displayName, SipNameAddress.Parse(address.ToString()).DisplayName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"unterminated <sip:a@example.com>")]
    [InlineData("< sip:a@example.com>")]
    [InlineData("<sip:a@example.com")]
    [InlineData("Bell, Alexander <sip:a@example.com>")]
    [InlineData("sip:a@example.com?subject=x")]
    [InlineData("\"name\" sip:a@example.com")]
    [InlineData("<sip:a@example.com> junk")]
    [InlineData("<sip:a@example.com>;")]
    public void SipNameAddress_InvalidValues_Fail(string text) => Assert.False(SipNameAddress.TryParse(text, out _));

    [Theory]
    [InlineData("<sip:a@h>;expires=3600;q=1", 3600u, 1.0)]
    [InlineData("<sip:a@h>;expires=280297596632815;q=0.001", uint.MaxValue, 0.001)]
    [InlineData("<sip:a@h>;q=1.000", null, 1.0)]
    [InlineData("sip:a@h;q=0", null, 0.0)]
    public void SipContact_Parameters_AreTyped(string text, uint? expires, double? q)
    {
        var contact = SipContact.Parse(text);
        Assert.False(contact.IsWildcard);
        Assert.Equal(expires, contact.Expires);
        Assert.Equal(q, contact.Q);
    }

    [Theory]
    [InlineData("<sip:a@h>;q=1.5")]
    [InlineData("<sip:a@h>;q=0.0001")]
    [InlineData("<sip:a@h>;q=2")]
    [InlineData("<sip:a@h>;q=.5")]
    [InlineData("<sip:a@h>;expires=soon")]
    [InlineData("<sip:a@h>;expires=-1")]
    public void SipContact_BadParameters_Fail(string text) => Assert.False(SipContact.TryParse(text, out _));

    [Fact]
    public void SipContact_WildcardAndInstance_AreRecognized()
    {
        Assert.True(SipContact.Parse(" * ").IsWildcard);
        Assert.Same(SipContact.Wildcard, SipContact.Parse("*"));
        Assert.Equal("*", SipContact.Wildcard.ToString());
        var contact = SipContact.Parse("<sip:line1@192.0.2.2;transport=tcp>;reg-id=1;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\"");
        Assert.Equal("<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>", contact.InstanceId);
        Assert.Equal("tcp", contact.Uri!.Transport);
    }

    [Theory]
    [InlineData("1 INVITE", 1u, "INVITE")]
    [InlineData("4294967295 ACK", uint.MaxValue, "ACK")]
    [InlineData("  0009   REGISTER  ", 9u, "REGISTER")]
    public void SipCSeq_ValidValues_Parse(string text, uint number, string method)
    {
        var cseq = SipCSeq.Parse(text);
        Assert.Equal((number, method), (cseq.Number, cseq.Method));
    }

    [Theory]
    [InlineData("4294967296 INVITE")]
    [InlineData("-1 INVITE")]
    [InlineData("1INVITE")]
    [InlineData("1")]
    [InlineData("1 INVITE extra")]
    [InlineData("INVITE 1")]
    public void SipCSeq_InvalidValues_Fail(string text) => Assert.False(SipCSeq.TryParse(text, out _));

    [Fact]
    public void Parse_NumericHeaders_AreTypedAndRangeChecked()
    {
        var request = Request("Expires: 99999999999999\r\nMin-Expires: 60\r\nContent-Length:   0  \r\n");
        Assert.Equal(70, request.MaxForwards);
        Assert.Equal(uint.MaxValue, request.Expires);
        Assert.Equal(60u, request.MinExpires);
        Assert.Equal(0, request.ContentLength);

        Assert.Equal(SipHeaderNames.MaxForwards, TestSip.ParseError(StartLine + Mandatory.Replace("70", "256", StringComparison.Ordinal) + "\r\n").HeaderName);
        Assert.Equal(SipHeaderNames.Expires, Error("Expires: soon\r\n").HeaderName);
        Assert.Equal(SipParseErrorKind.InvalidContentLength, Error("Content-Length: 1 2\r\n").Kind);
    }

    [Fact]
    public void Parse_RepeatedIdenticalContentLength_Frames()
    {
        var request = Request("Content-Length: 0\r\nl: 0\r\n");
        Assert.Equal(2, request.Headers.CountOf(SipHeaderNames.ContentLength));
        Assert.Equal(0, request.ContentLength);
    }

    [Fact]
    public void Parse_MediaTypesAndEvent_AreTyped()
    {
        var request = Request("Content-Type: Application/SDP ; charset=utf-8\r\nAccept: application/*;q=0.5, */*\r\nEvent: presence.winfo;id=7\r\nContent-Length: 0\r\n");
        Assert.True(request.ContentType!.Is("application/sdp"));
        Assert.Equal("utf-8", request.ContentType.Parameters.GetValue("charset"));
        Assert.True(request.Accept[0].Covers("application", "sdp"));
        Assert.False(request.Accept[0].Covers("text", "plain"));
        Assert.True(request.Accept[1].Covers("text", "plain"));
        Assert.Equal(("presence.winfo", "7"), (request.Event!.Package, request.Event.Id));
    }

    [Theory]
    [InlineData("Content-Type: sdp\r\n", SipHeaderNames.ContentType)]
    [InlineData("Event: ;id=1\r\n", SipHeaderNames.Event)]
    [InlineData("Require: a b\r\n", SipHeaderNames.Require)]
    [InlineData("Allow: INVITE, <ACK>\r\n", SipHeaderNames.Allow)]
    [InlineData("Date: Fri, 01 Jan 2010 16:00:00 EST\r\n", SipHeaderNames.Date)]
    [InlineData("Date: Sat, 01 Jan 2010 16:00:00 GMT\r\n", SipHeaderNames.Date)]
    [InlineData("Record-Route: sip:p.example.com;lr\r\n", SipHeaderNames.RecordRoute)]
    [InlineData("Call-ID: has space\r\n", SipHeaderNames.CallId)]
    [InlineData("Call-ID: a@b@c\r\n", SipHeaderNames.CallId)]
    public void Parse_MalformedKnownHeader_IsRejected(string header, string name)
    {
        var text = StartLine + Mandatory.Replace("Call-ID: c1\r\n", string.Empty, StringComparison.Ordinal) + header + (name == SipHeaderNames.CallId ? string.Empty : "Call-ID: c1\r\n") + "\r\n";
        var error = TestSip.ParseError(text);
        Assert.Equal(SipParseErrorKind.MalformedHeader, error.Kind);
        Assert.Equal(name, error.HeaderName);
        Assert.Equal($"Malformed {name} header field", error.ReasonPhrase);
    }

    [Theory]
    [InlineData("sip/2.0 200 OK", 200, "OK")]
    [InlineData("SIP/2.0 699 Whatever it is", 699, "Whatever it is")]
    [InlineData("SIP/2.0 180", 180, "")]
    [InlineData("SIP/02.00 100 Trying", 100, "Trying")]
    public void Parse_StatusLine_Valid(string statusLine, int code, string reason)
    {
        var response = TestSip.ParseResponse(TestSip.Bytes(statusLine + "\r\n" + Mandatory + "\r\n"));
        Assert.Equal((code, reason), (response.StatusCode, response.ReasonPhrase));
    }

    [Theory]
    [InlineData("SIP/2.0 99 Low")]
    [InlineData("SIP/2.0 700 High")]
    [InlineData("SIP/2.0 2000 Long")]
    [InlineData("SIP/2.0 20a Hex")]
    [InlineData("SIP/2.0")]
    [InlineData("SIP/2.0 200 Bad\u0001Reason")]
    public void Parse_StatusLine_Invalid_IsDropped(string statusLine)
    {
        var error = TestSip.ParseError(statusLine + "\r\n" + Mandatory + "\r\n");
        Assert.Equal(SipParseErrorKind.MalformedStartLine, error.Kind);
        Assert.True(error.IsResponse);
        Assert.Null(error.StatusCode);
    }

    [Fact]
    public void Parse_UnsupportedVersion_Is505ForRequestsAndDropForResponses()
    {
        var request = TestSip.ParseError("OPTIONS sip:bob@example.com SIP/3.0\r\n" + Mandatory + "\r\n");
        Assert.Equal((SipParseErrorKind.VersionNotSupported, 505), (request.Kind, request.StatusCode));
        Assert.True(SipResponseFactory.TryCreateErrorResponse(request, out var response));
        Assert.Equal(505, response.StatusCode);

        var responseError = TestSip.ParseError("SIP/3.0 200 OK\r\n" + Mandatory + "\r\n");
        Assert.Equal((SipParseErrorKind.VersionNotSupported, (int?)null), (responseError.Kind, responseError.StatusCode));
        Assert.Equal(SipParseErrorKind.MalformedStartLine, TestSip.ParseError("OPTIONS sip:bob@example.com HTTP/1.1\r\n" + Mandatory + "\r\n").Kind);
    }

    [Fact]
    public void Parse_LowerCaseVersion_IsAccepted()
    {
        var request = TestSip.ParseRequest("OPTIONS sip:bob@example.com sip/2.0\r\n" + Mandatory + "\r\n");
        Assert.Equal(SipMessage.SipVersion, request.Version);
    }

    [Fact]
    public void Parse_MalformedAck_IsNeverAnswered()
    {
        var error = TestSip.ParseError("ACK sip:bob@example.com SIP/2.0\r\n" + Mandatory.Replace("CSeq: 1 OPTIONS", "CSeq: x", StringComparison.Ordinal) + "\r\n");
        Assert.Equal(SipMethods.Ack, error.Method);
        Assert.Null(error.StatusCode);
        Assert.False(SipResponseFactory.TryCreateErrorResponse(error, out _));
    }

    [Fact]
    public void Parse_LeadingCrlfs_AreIgnored()
    {
        var request = TestSip.ParseRequest("\r\n\r\n\r\n" + StartLine + Mandatory + "\r\n");
        Assert.Equal(SipMethods.Options, request.Method);
    }

    [Fact]
    public void Parse_DatagramWithoutEmptyLine_IsTakenAsHeadersOnly()
    {
        var request = TestSip.ParseRequest(StartLine + Mandatory + "Content-Length: 0\r\n");
        Assert.Equal(0, request.Body.Length);

        var error = TestSip.ParseError(StartLine + Mandatory + "Content-Length: 5\r\n");
        Assert.Equal(SipParseErrorKind.Truncated, error.Kind);
    }

    [Fact]
    public void Parse_MissingHeaders_ParseButCannotBeAnsweredWhenBroken()
    {
        var request = TestSip.ParseRequest(StartLine + "\r\n");
        Assert.Empty(request.Headers);
        Assert.Empty(request.Vias);
        Assert.Null(request.CSeq);

        var error = TestSip.ParseError(StartLine + "Bad Header\r\n\r\n");
        Assert.Equal(400, error.StatusCode);
        Assert.False(error.CanRespond);
    }
}
