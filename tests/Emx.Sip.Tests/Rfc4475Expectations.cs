using System.Text;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using Emx.Sip.Validation;
using Xunit;

namespace Emx.Sip.Tests;

/// <summary>What RFC 4475 expects for one corpus message, and the assertions that prove it.</summary>
/// <param name="Class">The manifest class this expectation was written for (valid, invalid, semantic, compat).</param>
/// <param name="Handling">A short description of the outcome, for test output.</param>
/// <param name="Verify">Assertions over the message bytes.</param>
internal sealed record CorpusExpectation(string Class, string Handling, Action<byte[]> Verify)
{
    public override string ToString() => $"{Class}: {Handling}";
}

/// <summary>
/// The expectation for every RFC 4475 message. Each entry cites the RFC 4475 section; where RFC 4475 allows
/// several reactions, the comment says which one this implementation chose.
/// </summary>
internal static class Rfc4475Expectations
{
    private static readonly SipRequestValidator UserAgent = new();
    private static readonly SipRequestValidator Proxy = new(new SipValidatorOptions { Role = SipElementRole.Proxy });

    public static IReadOnlyDictionary<string, CorpusExpectation> All { get; } = new Dictionary<string, CorpusExpectation>
    {
        // 3.1.1 Valid messages: parsers must accept them.
        ["wsinv"] = Valid("short tortuous INVITE", Wsinv),
        ["intmeth"] = Valid("unknown method, unusual characters", Intmeth),
        ["esc01"] = Valid("escapes in URIs", Esc01),
        ["escnull"] = Valid("escaped NULs", Escnull),
        ["esc02"] = Valid("% that is not an escape", Esc02),
        ["lwsdisp"] = Valid("no LWS before <", Lwsdisp),
        ["longreq"] = Valid("long values, 34 Vias", Longreq),
        ["dblreq"] = Valid("trailing octets ignored", Dblreq),
        ["semiuri"] = Valid("semicolons in the user part", Semiuri),
        ["transports"] = Valid("unknown transports", Transports),
        ["mpart01"] = Valid("multipart body", Mpart01),
        ["unreason"] = Valid("UTF-8 reason phrase", Unreason),
        ["noreason"] = Valid("empty reason phrase", Noreason),

        // 3.1.2 Invalid messages: "It is reasonable to reject this request with a 400"; responses are dropped.
        ["badinv01"] = RejectedByParser(400, SipParseErrorKind.MalformedHeader, SipHeaderNames.Via, "Empty element in Via"),
        ["clerr"] = RejectedByParser(400, SipParseErrorKind.Truncated, SipHeaderNames.ContentLength, "Content-Length exceeds"),
        ["ncl"] = RejectedByParser(400, SipParseErrorKind.InvalidContentLength, SipHeaderNames.ContentLength, "Invalid Content-Length"),
        // "respond with a 400 Bad Request due to the CSeq error" (Max-Forwards 300 and the expiries are also out of range).
        ["scalar02"] = RejectedByParser(400, SipParseErrorKind.MalformedHeader, SipHeaderNames.CSeq, "Malformed CSeq"),
        // "An element receiving this response will simply discard it."
        ["scalarlg"] = DroppedByParser(SipParseErrorKind.MalformedHeader, "Malformed CSeq"),
        ["quotbal"] = RejectedByParser(400, SipParseErrorKind.MalformedHeader, SipHeaderNames.To, "Malformed To"),
        ["ltgtruri"] = RejectedByParser(400, SipParseErrorKind.MalformedStartLine, null, "Malformed Request-URI"),
        ["lwsruri"] = RejectedByParser(400, SipParseErrorKind.MalformedStartLine, null, "White space in Request-URI"),
        // "It is acceptable to reject this request as malformed": this parser does not tolerate the extra SP.
        ["lwsstart"] = RejectedByParser(400, SipParseErrorKind.MalformedStartLine, null, "single spaces"),
        ["trws"] = RejectedByParser(400, SipParseErrorKind.MalformedStartLine, null, "Trailing white space"),
        ["escruri"] = RejectedByParser(400, SipParseErrorKind.MalformedStartLine, null, "Headers not allowed in Request-URI"),
        ["baddate"] = RejectedByParser(400, SipParseErrorKind.MalformedHeader, SipHeaderNames.Date, "Malformed Date"),
        ["regbadct"] = RejectedByParser(400, SipParseErrorKind.MalformedHeader, SipHeaderNames.Contact, "Malformed Contact"),
        ["badaspec"] = RejectedByParser(400, SipParseErrorKind.MalformedHeader, SipHeaderNames.To, "Malformed To"),
        // From and To both carry "Bell, Alexander"-style display names; From is checked first. The file has no
        // empty line after the headers, which a datagram parser tolerates (the datagram ends the message).
        ["baddn"] = RejectedByParser(400, SipParseErrorKind.MalformedHeader, SipHeaderNames.From, "Malformed From"),
        ["badvers"] = RejectedByParser(505, SipParseErrorKind.VersionNotSupported, null, "Version Not Supported"),
        // Syntactically fine: the mismatch is found by the validator (RFC 3261 §8.1.1.5).
        ["mismatch01"] = RejectedByValidator(400, "CSeq method does not match"),
        ["mismatch02"] = RejectedByValidator(400, "CSeq method does not match"),
        ["bigcode"] = DroppedByParser(SipParseErrorKind.MalformedStartLine, "Invalid Status-Code"),

        // 3.2, 3.3 Semantics: parsers must accept these; the element then applies the named rule.
        ["badbranch"] = Semantic("accepted, RFC 2543 transaction matching", Badbranch),
        ["insuf"] = Semantic("400 missing headers", Insuf),
        ["unkscm"] = Semantic("416", Unkscm),
        ["novelsc"] = Semantic("416", Novelsc),
        ["unksm2"] = Semantic("registrar 400, proxy forwards", Unksm2),
        ["bext01"] = Semantic("420 with Unsupported", Bext01),
        ["invut"] = Semantic("415 with Accept", Invut),
        ["regaut01"] = Semantic("accepted; authentication challenges", Regaut01),
        ["multi01"] = Semantic("400 repeated single-valued headers", Multi01),
        ["mcl01"] = Semantic("400 from the parser: framing impossible", Mcl01),
        ["bcast"] = Semantic("dropped by UAC and proxy", Bcast),
        ["zeromf"] = Semantic("proxy 483, UAS processes", Zeromf),
        ["cparam01"] = Semantic("contact-param, not url-param", Cparam01),
        ["cparam02"] = Semantic("url-param kept in the URI", Cparam02),
        ["regescrt"] = Semantic("escaped header kept in the contact URI", Regescrt),
        ["sdp01"] = Semantic("406", Sdp01),

        // 3.4 Backward compatibility.
        ["inv2543"] = new("compat", "RFC 2543 INVITE accepted", Inv2543),
    };

    private static CorpusExpectation Valid(string what, Action<byte[]> verify) =>
        new("valid", what, data =>
        {
            verify(data);

            // Every valid request also gets past the semantic checks of a permissive user agent.
            if (TestSip.Parse(data) is SipRequest request)
            {
                var permissive = new SipRequestValidator(new SipValidatorOptions
                {
                    SupportedUriSchemes = ["sip", "sips", "tel"],
                    AcceptedContentTypes = ["application/sdp", "multipart/mixed"],
                });
                Assert.Equal(SipValidationAction.Accept, permissive.Validate(request).Action);
            }
        });

    private static CorpusExpectation Semantic(string what, Action<byte[]> verify) => new("semantic", what, verify);

    private static CorpusExpectation RejectedByParser(int status, SipParseErrorKind kind, string? headerName, string reason) =>
        new("invalid", $"parser: {status} {reason}", data =>
        {
            var error = TestSip.ParseError(data);
            Assert.Equal(kind, error.Kind);
            Assert.Equal(status, error.StatusCode);
            Assert.Equal(headerName, error.HeaderName);
            Assert.Contains(reason, error.ReasonPhrase, StringComparison.Ordinal);
            Assert.False(error.IsResponse);

            // The transport can answer: the headers a response copies were recovered from the broken request
            // and are copied verbatim (RFC 3261 §8.2.6.2), even the one that is malformed.
            Assert.True(SipResponseFactory.TryCreateErrorResponse(error, out var response));
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(error.ReasonPhrase, response.ReasonPhrase);
            foreach (var name in new[] { SipHeaderNames.Via, SipHeaderNames.From, SipHeaderNames.CallId, SipHeaderNames.CSeq })
            {
                Assert.Equal(error.Headers.Where(h => h.Name == name).Select(h => h.Value), response.Headers.GetValues(name));
            }

            Assert.Contains(";tag=", response.Headers.GetFirst(SipHeaderNames.To), StringComparison.Ordinal);
            if (headerName is not (SipHeaderNames.Via or SipHeaderNames.From or SipHeaderNames.To or SipHeaderNames.CSeq))
            {
                var reparsed = TestSip.ParseResponse(SipMessageWriter.ToBytes(response));
                Assert.NotNull(reparsed.To?.Tag);
            }
        });

    private static CorpusExpectation DroppedByParser(SipParseErrorKind kind, string reason) =>
        new("invalid", $"parser: drop ({reason})", data =>
        {
            var error = TestSip.ParseError(data);
            Assert.Equal(kind, error.Kind);
            Assert.True(error.IsResponse);
            Assert.Null(error.StatusCode);
            Assert.False(error.CanRespond);
            Assert.Contains(reason, error.ReasonPhrase, StringComparison.Ordinal);
            Assert.False(SipResponseFactory.TryCreateErrorResponse(error, out _));
        });

    private static CorpusExpectation RejectedByValidator(int status, string reason) =>
        new("invalid", $"validator: {status} {reason}", data =>
        {
            var request = TestSip.ParseRequest(data);
            foreach (var validator in new[] { UserAgent, Proxy })
            {
                var result = validator.Validate(request);
                Assert.Equal(SipValidationAction.Respond, result.Action);
                Assert.Equal(status, result.StatusCode);
                Assert.Contains(reason, result.ReasonPhrase, StringComparison.Ordinal);
            }
        });

    private static void AssertResponds(SipValidationResult result, int status)
    {
        Assert.Equal(SipValidationAction.Respond, result.Action);
        Assert.Equal(status, result.StatusCode);
    }

    private static void Wsinv(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        Assert.Equal(SipMethods.Invite, request.Method);
        Assert.Equal("sip", request.RequestUri.Scheme);
        Assert.Equal("vivekg", request.RequestUri.User);
        Assert.Equal("chair-dnrc.example.com", request.RequestUri.Host);
        Assert.Null(request.RequestUri.Port);
        Assert.True(request.RequestUri.Parameters.TryGetValue("unknownparam", out var unknown));
        Assert.Null(unknown);

        // "TO :\r\n sip:... ;   tag    = 1918181833n": addr-spec form, white space around ";" and "=".
        Assert.Null(request.To!.DisplayName);
        Assert.Equal("vivekg", request.To.Uri.User);
        Assert.Equal("1918181833n", request.To.Tag);

        // from: "J Rosenberg \\\"" with quoted-pairs resolved, folded parameters.
        Assert.Equal("J Rosenberg \\\"", request.From!.DisplayName);
        Assert.Equal("jdrosen", request.From.Uri.User);
        Assert.Equal("98asjd8", request.From.Tag);

        Assert.Equal(68, request.MaxForwards);
        Assert.Equal("wsinv.ndaksdj@192.0.2.1", request.CallId);
        Assert.Equal(150, request.ContentLength);
        Assert.Equal(150, request.Body.Length);
        Assert.Equal(9u, request.CSeq!.Number);
        Assert.Equal(SipMethods.Invite, request.CSeq.Method);

        // One "Via" line folded over three lines, then a compact "v" line with two comma-separated values.
        Assert.Equal(3, request.Vias.Count);
        Assert.Equal(("UDP", "192.0.2.2", "390skdjuw"), (request.Vias[0].Transport, request.Vias[0].Host, request.Vias[0].Branch));
        Assert.False(request.Vias[0].HasMagicCookie);
        Assert.Equal(("TCP", "spindle.example.com", "z9hG4bK9ikj8"), (request.Vias[1].Transport, request.Vias[1].Host, request.Vias[1].Branch));
        Assert.Equal(("UDP", "192.168.255.111", "z9hG4bK30239"), (request.Vias[2].Transport, request.Vias[2].Host, request.Vias[2].Branch));
        Assert.All(request.Vias, via => Assert.Equal(("SIP", "2.0"), (via.ProtocolName, via.ProtocolVersion)));

        Assert.Equal(string.Empty, request.Headers.GetFirst(SipHeaderNames.Subject));
        Assert.Equal("newfangled value continued newfangled value", request.Headers.GetFirst("NewFangledHeader"));
        Assert.Equal(";;,,;;,;", request.Headers.GetFirst("UnknownHeaderWithUnusualValue"));
        Assert.True(request.ContentType!.Is("application/sdp"));

        var route = Assert.Single(request.Routes);
        Assert.Equal("services.example.com", route.Uri.Host);
        Assert.True(route.Uri.IsLooseRouter);
        Assert.Equal("value", route.Uri.Parameters.GetValue("unknownwith"));
        Assert.True(route.Uri.Parameters.Contains("unknown-no-value"));

        var contact = Assert.Single(request.Contacts);
        Assert.Equal("Quoted string \"\"", contact.Address!.DisplayName);
        Assert.Equal("jdrosen", contact.Uri!.User);
        Assert.Equal("newvalue", contact.Parameters.GetValue("newparam"));
        Assert.True(contact.Parameters.TryGetValue("secondparam", out var second));
        Assert.Null(second);
        Assert.Equal(0.33, contact.Q);
    }

    private static void Intmeth(byte[] data)
    {
        const string Method = "!interesting-Method0123456789_*+`.%indeed'~";
        var request = TestSip.ParseRequest(data);
        Assert.Equal(Method, request.Method);
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", request.RequestUri.User);
        Assert.Equal("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", request.RequestUri.Password);
        Assert.Equal("example.com", request.RequestUri.Host);
        Assert.Equal("z9hG4bK-.!%66*_+`'~", Assert.Single(request.Vias).Branch);

        // Quoted-pairs carry BEL, NUL and DEL.
        Assert.Equal("BEL:\a NUL:\0 DEL:\x7F", request.To!.DisplayName);
        Assert.Equal("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", request.To.Uri.User);

        Assert.Equal("token1~` token2'+_ token3*%!.-", request.From!.DisplayName);
        Assert.Equal("_token~1'+`*%!-.", request.From.Tag);
        Assert.Equal("\"работающий\"", request.From.Parameters.GetValue("fromParam''~+*_!.-%"));
        Assert.Equal("работающий", request.From.Parameters.GetUnquotedValue("fromParam''~+*_!.-%"));

        Assert.Equal("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", request.CallId);
        Assert.Equal(139122385u, request.CSeq!.Number);
        Assert.Equal(Method, request.CSeq.Method);
        Assert.Equal(255, request.MaxForwards);
        Assert.Equal("\uFEFF大停電", request.Headers.GetFirst("extensionHeader-!.%*+_`'~"));
        Assert.Equal(0, request.Body.Length);

        // "Endpoints will generate a 501 listing the methods they understand in an Allow header field."
        var endpoint = new SipRequestValidator(new SipValidatorOptions { SupportedMethods = [SipMethods.Invite, SipMethods.Ack, SipMethods.Bye] });
        var result = endpoint.Validate(request);
        AssertResponds(result, 501);
        Assert.Equal(new SipHeader(SipHeaderNames.Allow, "INVITE, ACK, BYE"), Assert.Single(result.ResponseHeaders));
    }

    private static void Esc01(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        Assert.Equal("sips:user@example.com", request.RequestUri.User);
        Assert.Equal("example.net", request.RequestUri.Host);
        Assert.Equal(SipUri.Parse("sip:sips%3auser%40example.com@example.net"), request.RequestUri);
        Assert.NotEqual(SipUri.Parse("sip:sips:user@example.net"), request.RequestUri);

        // %75se%72 is "user": unreserved characters are equal to their escapes (RFC 3261 §19.1.4).
        Assert.Equal("user", request.To!.Uri.User);
        Assert.Equal(SipUri.Parse("sip:user@example.com"), request.To.Uri);
        Assert.Equal("I have spaces", request.From!.Uri.User);
        Assert.Equal("938", request.From.Tag);
        Assert.Equal("esc01.239409asdfakjkn23onasd0-3234", request.CallId);
        Assert.True(request.ContentType!.Is("application/sdp"));

        var contact = Assert.Single(request.Contacts).Uri!;
        Assert.Equal("caller", contact.User);
        Assert.Equal("host5.example.net", contact.Host);
        Assert.True(contact.IsLooseRouter);
        Assert.Equal("value%41", contact.Parameters.GetValue("name"));
        Assert.Equal(150, request.Body.Length);
    }

    private static void Escnull(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        Assert.Equal(SipMethods.Register, request.Method);
        Assert.Equal("null-\0-null", request.To!.Uri.User);
        Assert.Equal("null-\0-null", request.From!.Uri.User);
        Assert.Equal(["\0", "\0\0"], request.Contacts.Select(c => c.Uri!.User));
        Assert.NotEqual(request.Contacts[0].Uri, request.Contacts[1].Uri);
        Assert.Equal(0, request.ContentLength);
        Assert.Equal(0, request.Body.Length);
    }

    private static void Esc02(byte[] data)
    {
        var request = TestSip.ParseRequest(data);

        // % is not an escape in a method: this is not REGISTER.
        Assert.Equal("RE%47IST%45R", request.Method);
        Assert.Equal("RE%47IST%45R", request.CSeq!.Method);
        Assert.Equal("%Z%45", request.To!.DisplayName);
        Assert.Equal("%Z%45", request.From!.DisplayName);
        Assert.Equal("z9hG4bK209%fzsnel234", request.TopVia!.Branch);

        // Nor in a header name: C%6Fntact is an unknown header, not a third Contact.
        Assert.Equal(["alias1", "alias3"], request.Contacts.Select(c => c.Uri!.User));
        Assert.Equal("<sip:alias2@host2.example.com>", request.Headers.GetFirst("C%6Fntact"));
    }

    private static void Lwsdisp(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        Assert.Equal(SipMethods.Options, request.Method);
        Assert.Equal("caller", request.From!.DisplayName);
        Assert.Equal("caller", request.From.Uri.User);
        Assert.Equal("323", request.From.Tag);
        Assert.Equal("lwsdisp.1234abcd@funky.example.com", request.CallId);
    }

    private static void Longreq(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        const string Caller = "amazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallernameamazinglylongcallername";
        Assert.Equal(SipMethods.Invite, request.Method);
        Assert.Equal(
            "I have a user name of extremeextremeextremeextremeextremeextremeextremeextremeextremeextreme proportion",
            request.To!.DisplayName);
        Assert.Equal(6000, request.To.Uri.Port);
        Assert.Equal(3, request.To.Uri.Parameters.Count);
        Assert.Equal("shortvalue", request.To.Uri.Parameters.GetValue(
            "longparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename"));

        Assert.Equal(Caller, request.From!.Uri.User);
        Assert.Equal(
            "12982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982982424",
            request.From.Tag);
        Assert.Equal(3, request.From.Parameters.Count);
        Assert.Equal(
            "longreq.onereallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallyreallylongcallid",
            request.CallId);
        Assert.Equal(3882340u, request.CSeq!.Number);

        Assert.Equal(34, request.Vias.Count);
        Assert.Equal("sip33.example.com", request.Vias[0].Host);
        Assert.Equal("sip1.example.com", request.Vias[32].Host);
        Assert.All(request.Vias, via => Assert.Equal("TCP", via.Transport));
        var last = request.Vias[33];
        Assert.Equal("host.example.com", last.Host);
        Assert.Equal("192.0.2.5", last.Received);
        Assert.StartsWith("verylonglong", last.Branch, StringComparison.Ordinal);
        Assert.EndsWith("longbranchvalue", last.Branch, StringComparison.Ordinal);

        var unknown = request.Headers.GetFirst("Unknown-LongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLongLong-Name");
        Assert.StartsWith("unknown-longlong", unknown, StringComparison.Ordinal);
        Assert.EndsWith("-parameter-value", unknown, StringComparison.Ordinal);
        Assert.Equal(Caller, Assert.Single(request.Contacts).Uri!.User);
        Assert.Equal(70, request.MaxForwards);
        Assert.Equal(150, request.ContentLength);
        Assert.Equal(150, request.Body.Length);
    }

    private static void Dblreq(byte[] data)
    {
        // Only the REGISTER counts; the INVITE after it in the same datagram is ignored (RFC 3261 §18.3).
        var request = TestSip.ParseRequest(data);
        Assert.Equal(SipMethods.Register, request.Method);
        Assert.Equal("dblreq.0ha0isndaksdj99sdfafnl3lk233412", request.CallId);
        Assert.Equal(8u, request.CSeq!.Number);
        Assert.Equal(0, request.ContentLength);
        Assert.Equal(0, request.Body.Length);
        Assert.Equal("z9hG4bKkdjuw23492", Assert.Single(request.Vias).Branch);
        Assert.Equal("host.example.com", Assert.Single(request.Contacts).Uri!.Host);
        Assert.False(request.Headers.Contains(SipHeaderNames.ContentType));
    }

    private static void Semiuri(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        Assert.Equal(SipMethods.Options, request.Method);

        // The ";par=..." is part of the user, not a uri-parameter.
        Assert.Equal("user;par=u@example.net", request.RequestUri.User);
        Assert.Equal("example.com", request.RequestUri.Host);
        Assert.Empty(request.RequestUri.Parameters);
        Assert.Equal(
            ["application/sdp", "application/pkcs7-mime", "multipart/mixed", "multipart/signed", "message/sip", "message/sipfrag"],
            request.Accept.Select(a => a.MediaType));
        Assert.Equal(3, request.MaxForwards);
    }

    private static void Transports(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        Assert.Equal(["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"], request.Vias.Select(v => v.Transport));
        Assert.Equal(["t1.example.com", "t2.example.com", "t3.example.com", "t4.example.com", "t5.example.com"], request.Vias.Select(v => v.Host));
        Assert.Equal("transports.kijh4akdnaqjkwendsasfdj", request.CallId);
    }

    private static void Mpart01(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        Assert.Equal(SipMethods.Message, request.Method);
        Assert.Equal("multipart/mixed", request.ContentType!.MediaType);
        Assert.Equal("7a9cbec02ceef655", request.ContentType.Parameters.GetValue("boundary"));
        Assert.Equal(553, request.ContentLength);
        Assert.Equal(data.AsSpan(data.Length - 553).ToArray(), request.Body.ToArray());

        var via = Assert.Single(request.Vias);
        Assert.Equal(("127.0.0.1", 5070), (via.Host, via.Port));
        Assert.True(via.HasRPort);
        Assert.Null(via.RPort);
        Assert.Equal(5080, Assert.Single(request.Routes).Uri.Port);
        Assert.Equal("SIPimp.org/0.2.5 (curses)", request.UserAgent);
        Assert.Equal(new DateTimeOffset(2005, 10, 15, 4, 44, 56, TimeSpan.Zero), request.Date);
        Assert.StartsWith("r5mwreLuyDRYBi", request.Headers.GetFirst(SipHeaderNames.Identity), StringComparison.Ordinal);
        Assert.Equal("3d9485ad0c49859b@Zmx1ZmZ5LW1hYy0xNi5sb2NhbA..", request.CallId);
        Assert.Equal("2fb0dcc9", request.From!.Tag);
    }

    private static void Unreason(byte[] data)
    {
        var response = TestSip.ParseResponse(data);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal("= 2**3 * 5**2 но сто девяносто девять - простое", response.ReasonPhrase);
        Assert.Equal(35u, response.CSeq!.Number);
        Assert.Equal(SipMethods.Invite, response.CSeq.Method);
        Assert.Equal("2229", response.To!.Tag);
        Assert.Equal(154, response.Body.Length);
        Assert.Equal("user", Assert.Single(response.Contacts).Uri!.User);
        Assert.True(new SipResponseValidator(SipElementRole.UserAgent).Validate(response).IsAccepted);
    }

    private static void Noreason(byte[] data)
    {
        var response = TestSip.ParseResponse(data);
        Assert.Equal(100, response.StatusCode);
        Assert.Equal(string.Empty, response.ReasonPhrase);
        Assert.Equal("noreason.asndj203insdf99223ndf", response.CallId);
        Assert.Equal("902jndnke3", response.To!.Tag);
        Assert.Equal("39ansfi3", response.From!.Tag);
        Assert.Equal(0, response.Body.Length);
    }

    private static void Badbranch(byte[] data)
    {
        // "An element receiving this request could reject the request with a 400 Response ... or it could fall
        // back to the RFC 2543-style transaction identifier." By default it falls back; strict mode rejects.
        var request = TestSip.ParseRequest(data);
        var via = Assert.Single(request.Vias);
        Assert.Equal(SipVia.MagicCookie, via.Branch);
        Assert.True(via.HasMagicCookie);
        Assert.False(via.IsRfc3261Branch);
        Assert.True(UserAgent.Validate(request).IsAccepted);
        Assert.True(Proxy.Validate(request).IsAccepted);

        var strict = new SipRequestValidator(new SipValidatorOptions { RequireRfc3261Compliance = true });
        AssertResponds(strict.Validate(request), 400);
    }

    private static void Insuf(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        var result = UserAgent.Validate(request);
        AssertResponds(result, 400);
        Assert.Equal("Missing To, From, Call-ID header fields", result.ReasonPhrase);
        AssertResponds(Proxy.Validate(request), 400);
    }

    private static void Unkscm(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        Assert.Equal("nobodyknowsthisscheme", request.RequestUri.Scheme);
        Assert.Equal("totallyopaquecontent", request.RequestUri.SchemeSpecificPart);
        Assert.Equal("nobodyKnowsThisScheme:totallyopaquecontent", request.RequestUri.ToString());
        AssertResponds(UserAgent.Validate(request), 416);
        AssertResponds(Proxy.Validate(request), 416);
    }

    private static void Novelsc(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        Assert.Equal("soap.beep", request.RequestUri.Scheme);
        Assert.Equal("//192.0.2.103:3002", request.RequestUri.SchemeSpecificPart);
        AssertResponds(UserAgent.Validate(request), 416);

        // An element that does support the scheme processes it.
        var beep = new SipRequestValidator(new SipValidatorOptions { SupportedUriSchemes = ["sip", "soap.beep"] });
        Assert.True(beep.Validate(request).IsAccepted);
    }

    private static void Unksm2(byte[] data)
    {
        // "Proxies should treat this message as they would any other request for this URI. A registrar would
        // reject this request with a 400 Bad Request response, since the To: header field is required to contain
        // a SIP or SIPS URI as an AOR."
        var request = TestSip.ParseRequest(data);
        Assert.Equal("isbn", request.To!.Uri.Scheme);
        Assert.Equal("2983792873", request.To.Uri.SchemeSpecificPart);
        Assert.Equal("http", request.From!.Uri.Scheme);
        Assert.Equal("name", Assert.Single(request.Contacts).Uri!.Scheme);
        var result = UserAgent.Validate(request);
        AssertResponds(result, 400);
        Assert.Contains("SIP or SIPS URI", result.ReasonPhrase, StringComparison.Ordinal);
        Assert.True(Proxy.Validate(request).IsAccepted);
    }

    private static void Bext01(byte[] data)
    {
        // "Any element receiving this request will respond with a 420 Bad Extension response, containing an
        // Unsupported header field listing these features from either the Require or Proxy-Require header
        // field, depending on the role in which the element is responding."
        var request = TestSip.ParseRequest(data);
        var asUas = UserAgent.Validate(request);
        AssertResponds(asUas, 420);
        Assert.Equal(new SipHeader(SipHeaderNames.Unsupported, "nothingSupportsThis, nothingSupportsThisEither"), Assert.Single(asUas.ResponseHeaders));

        var asProxy = Proxy.Validate(request);
        AssertResponds(asProxy, 420);
        Assert.Equal(new SipHeader(SipHeaderNames.Unsupported, "noProxiesSupportThis, norDoAnyProxiesSupportThis"), Assert.Single(asProxy.ResponseHeaders));

        var response = TestSip.ParseResponse(SipMessageWriter.ToBytes(asUas.CreateResponse(request, "uas-tag")));
        Assert.Equal(420, response.StatusCode);
        Assert.Equal(["nothingSupportsThis", "nothingSupportsThisEither"], response.Unsupported);
        Assert.Equal("uas-tag", response.To!.Tag);
        Assert.Equal("fold-and-staple.example.com", Assert.Single(response.Vias).Host);

        var supporting = new SipRequestValidator(new SipValidatorOptions { SupportedExtensions = ["NOTHINGSUPPORTSTHIS", "nothingSupportsThisEither"] });
        Assert.True(supporting.Validate(request).IsAccepted);
    }

    private static void Invut(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        Assert.Equal("application/unknownformat", request.ContentType!.MediaType);
        var result = UserAgent.Validate(request);
        AssertResponds(result, 415);
        Assert.Equal(new SipHeader(SipHeaderNames.Accept, "application/sdp"), Assert.Single(result.ResponseHeaders));

        // Proxies do not look at bodies.
        Assert.True(Proxy.Validate(request).IsAccepted);
    }

    private static void Regaut01(byte[] data)
    {
        // "A registrar that does not care about challenge-response authentication will simply ignore the
        // Authorization header field ... A registrar that does care ... will reject this request with a 401,
        // issuing a new challenge with a scheme it understands." The request is well formed: validation
        // passes, and the credentials' scheme is visible to the authentication layer, which issues the 401.
        var request = TestSip.ParseRequest(data);
        Assert.True(UserAgent.Validate(request).IsAccepted);
        Assert.True(Proxy.Validate(request).IsAccepted);
        var credentials = request.Headers.GetFirst(SipHeaderNames.Authorization);
        Assert.Equal("NoOneKnowsThisScheme opaque-data=here", credentials);
        Assert.NotEqual("Digest", credentials!.Split(' ')[0], StringComparer.OrdinalIgnoreCase);
        Assert.Equal(0, request.ContentLength);
    }

    private static void Multi01(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        var result = UserAgent.Validate(request);
        AssertResponds(result, 400);
        Assert.Equal("Multiple values in single-valued header fields To, From, Call-ID, CSeq, Max-Forwards", result.ReasonPhrase);
        AssertResponds(Proxy.Validate(request), 400);
    }

    private static void Mcl01(byte[] data)
    {
        // RFC 4475 §3.3.9: "From a framing perspective, this situation is equivalent to an invalid Content-Length
        // value ... An element receiving this message should respond with an error." The parser does so itself:
        // no message object with an arbitrary body ever exists. Over a stream the framing is lost for good.
        var error = TestSip.ParseError(data);
        Assert.Equal(SipParseErrorKind.InvalidContentLength, error.Kind);
        Assert.Equal("Conflicting Content-Length values", error.ReasonPhrase);
        Assert.Equal(400, error.StatusCode);
        Assert.True(SipResponseFactory.TryCreateErrorResponse(error, out var response));
        Assert.Equal("mcl01.fhn2323orihawfdoa3o4r52o3irsdf", response.CallId);

        var frame = new SipStreamFramer().Frame(data);
        Assert.Equal(SipFrameStatus.Invalid, frame.Status);
        Assert.Equal(SipParseErrorKind.InvalidContentLength, frame.Error!.Kind);
    }

    private static void Bcast(byte[] data)
    {
        // "An endpoint receiving this message should simply discard it. ... proxies should drop such responses."
        var response = TestSip.ParseResponse(data);
        Assert.Equal("255.255.255.255", response.Vias[1].Host);
        Assert.Equal(SipValidationAction.Drop, new SipResponseValidator(SipElementRole.UserAgent).Validate(response).Action);
        Assert.Equal(SipValidationAction.Drop, new SipResponseValidator(SipElementRole.Proxy).Validate(response).Action);
    }

    private static void Zeromf(byte[] data)
    {
        // "A proxy should not forward the request and should respond 483 (Too Many Hops). An endpoint should
        // process the request as if the Max-Forwards field value were still positive."
        var request = TestSip.ParseRequest(data);
        Assert.Equal(0, request.MaxForwards);
        AssertResponds(Proxy.Validate(request), 483);
        Assert.True(UserAgent.Validate(request).IsAccepted);
    }

    private static void Cparam01(byte[] data)
    {
        // "unknownparam" after an addr-spec is a contact-param, never a url-param.
        var request = TestSip.ParseRequest(data);
        var contact = Assert.Single(request.Contacts);
        Assert.Empty(contact.Uri!.Parameters);
        Assert.True(contact.Parameters.Contains("unknownparam"));
        Assert.Equal(SipUri.Parse("sip:+19725552222@gw1.example.net"), contact.Uri);
        Assert.Equal("sip:+19725552222@gw1.example.net", contact.Uri.ToString());
        Assert.True(UserAgent.Validate(request).IsAccepted);
    }

    private static void Cparam02(byte[] data)
    {
        // Inside the angle brackets "unknownparam" belongs to the URI and must be kept with the binding.
        var request = TestSip.ParseRequest(data);
        var contact = Assert.Single(request.Contacts);
        Assert.True(contact.Uri!.Parameters.Contains("unknownparam"));
        Assert.Empty(contact.Parameters);
        Assert.Equal("sip:+19725552222@gw1.example.net;unknownparam", contact.Uri.ToString());
        Assert.True(UserAgent.Validate(request).IsAccepted);
    }

    private static void Regescrt(byte[] data)
    {
        // RFC 4475 §3.3.14: "The register should succeed, and a subsequent retrieval of the registration must
        // include the escaped Route header in the contact URI for this binding." The URI keeps it, escaped.
        var request = TestSip.ParseRequest(data);
        var contact = Assert.Single(request.Contacts);
        Assert.Equal("<sip:sip.example.com>", contact.Uri!.Headers.GetValue("Route"));
        Assert.Equal("sip:user@example.com?Route=%3Csip:sip.example.com%3E", contact.Uri.ToString());
        Assert.NotEqual(SipUri.Parse("sip:user@example.com"), contact.Uri);
        Assert.True(UserAgent.Validate(request).IsAccepted);
        Assert.Equal(0, request.ContentLength);
    }

    private static void Sdp01(byte[] data)
    {
        var request = TestSip.ParseRequest(data);
        Assert.Equal("text/nobodyKnowsThis", Assert.Single(request.Accept).MediaType);
        var result = UserAgent.Validate(request);
        AssertResponds(result, 406);
        Assert.StartsWith("399 ", Assert.Single(result.ResponseHeaders).Value, StringComparison.Ordinal);
    }

    private static void Inv2543(byte[] data)
    {
        // No Content-Length (the body is the rest of the datagram), no branch, no From tag, no Max-Forwards.
        var request = TestSip.ParseRequest(data);
        Assert.Equal(SipMethods.Invite, request.Method);
        Assert.Equal("UserB", request.RequestUri.User);
        Assert.Null(request.ContentLength);
        Assert.Equal(Encoding.ASCII.GetBytes("v=0\r\n"), request.Body[..5].ToArray());
        Assert.Equal(data.Length - (data.AsSpan().IndexOf("\r\n\r\n"u8) + 4), request.Body.Length);
        var via = Assert.Single(request.Vias);
        Assert.Null(via.Branch);
        Assert.False(via.IsRfc3261Branch);
        Assert.Null(request.From!.Tag);
        Assert.Null(request.MaxForwards);
        // To is an addr-spec, so ";user=phone" is a header parameter there; From has it inside the brackets.
        Assert.Equal("phone", request.To!.Parameters.GetValue("user"));
        Assert.Null(request.To.Uri.UserParameter);
        Assert.Equal("phone", request.From.Uri.UserParameter);
        Assert.Equal("ss1.example.com", Assert.Single(request.RecordRoutes).Uri.Maddr);
        Assert.True(UserAgent.Validate(request).IsAccepted);
        Assert.True(Proxy.Validate(request).IsAccepted);

        var strict = new SipRequestValidator(new SipValidatorOptions { RequireRfc3261Compliance = true });
        var result = strict.Validate(request);
        AssertResponds(result, 400);
        Assert.Equal("Missing Max-Forwards header field", result.ReasonPhrase);
    }
}
