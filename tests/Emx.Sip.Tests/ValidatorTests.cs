using Emx.Sip.Messages;
using Emx.Sip.Validation;
using Xunit;

namespace Emx.Sip.Tests;

public sealed class ValidatorTests
{
    private const string Invite =
        "INVITE sip:bob@example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: Bob <sip:bob@example.com>\r\n" +
        "From: Alice <sip:alice@example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:alice@pc33.example.com>\r\n";

    private const string Register =
        "REGISTER sip:example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP phone.example.com;branch=z9hG4bKnashds7\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:bob@example.com>\r\n" +
        "From: <sip:bob@example.com>;tag=456248\r\n" +
        "Call-ID: 843817637684230@998sdasdh09\r\n" +
        "CSeq: 1826 REGISTER\r\n";

    private static readonly SipRequestValidator UserAgent = new();

    [Fact]
    public void Validate_WellFormedInvite_IsAccepted()
    {
        var request = TestSip.ParseRequest(Invite + "Content-Type: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\n");
        Assert.Same(SipValidationResult.Accepted, UserAgent.Validate(request));
        Assert.Equal("Accepted", UserAgent.Validate(request).ToString());
    }

    [Fact]
    public void Validate_MissingVia_Is400()
    {
        var request = TestSip.ParseRequest(Invite.Replace("Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds\r\n", string.Empty, StringComparison.Ordinal) + "\r\n");
        var result = UserAgent.Validate(request);
        Assert.Equal((400, "Missing Via header field"), (result.StatusCode, result.ReasonPhrase));
    }

    [Fact]
    public void Validate_InvalidAck_IsDroppedNotAnswered()
    {
        var request = TestSip.ParseRequest(Invite.Replace("INVITE sip", "ACK sip", StringComparison.Ordinal) + "\r\n");
        var result = UserAgent.Validate(request);
        Assert.Equal(SipValidationAction.Drop, result.Action);
        Assert.Equal(0, result.StatusCode);
        Assert.Throws<InvalidOperationException>(() => result.CreateResponse(request));
    }

    [Fact]
    public void Validate_AckWithUnknownRequire_IsAccepted()
    {
        var request = TestSip.ParseRequest(Invite.Replace("INVITE", "ACK", StringComparison.Ordinal) + "Require: foo\r\n\r\n");
        Assert.True(UserAgent.Validate(request).IsAccepted);
    }

    [Fact]
    public void Validate_UnsupportedStandardMethod_Is405WithAllow()
    {
        var validator = new SipRequestValidator(new SipValidatorOptions { SupportedMethods = [SipMethods.Register, SipMethods.Options] });
        var request = TestSip.ParseRequest(Invite + "\r\n");
        var result = validator.Validate(request);
        Assert.Equal(405, result.StatusCode);
        Assert.Equal(new SipHeader(SipHeaderNames.Allow, "REGISTER, OPTIONS"), Assert.Single(result.ResponseHeaders));

        var response = result.CreateResponse(request);
        Assert.Equal(["REGISTER", "OPTIONS"], TestSip.ParseResponse(SipMessageWriter.ToBytes(response)).Allow);
    }

    [Fact]
    public void Validate_BodyWithoutContentType_Is400()
    {
        var request = TestSip.ParseRequest(Invite + "Content-Length: 3\r\n\r\nabc");
        Assert.Equal((400, "Missing Content-Type for message body"), (UserAgent.Validate(request).StatusCode, UserAgent.Validate(request).ReasonPhrase));
    }

    [Fact]
    public void Validate_UnsupportedContentEncoding_Is415WithAcceptEncoding()
    {
        var request = TestSip.ParseRequest(Invite + "Content-Type: application/sdp\r\nContent-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc");
        var result = UserAgent.Validate(request);
        Assert.Equal(415, result.StatusCode);
        Assert.Equal(new SipHeader(SipHeaderNames.AcceptEncoding, "identity"), Assert.Single(result.ResponseHeaders));
    }

    [Theory]
    [InlineData("Accept: application/sdp\r\n", true)]
    [InlineData("Accept: application/*\r\n", true)]
    [InlineData("Accept: */*\r\n", true)]
    [InlineData("Accept: text/plain, APPLICATION/SDP\r\n", true)]
    [InlineData("", true)]
    [InlineData("Accept: text/html\r\n", false)]
    [InlineData("Accept:\r\n", false)]
    public void Validate_InviteAccept_Is406WhenSdpIsExcluded(string accept, bool accepted)
    {
        var request = TestSip.ParseRequest(Invite + accept + "\r\n");
        var result = UserAgent.Validate(request);
        Assert.Equal(accepted, result.IsAccepted);
        if (!accepted)
        {
            Assert.Equal(406, result.StatusCode);
        }
    }

    [Theory]
    [InlineData("Contact: *\r\nExpires: 0\r\n", true)]
    [InlineData("Contact: *\r\n", false)]
    [InlineData("Contact: *\r\nExpires: 60\r\n", false)]
    [InlineData("Contact: *, <sip:bob@192.0.2.4>\r\nExpires: 0\r\n", false)]
    [InlineData("Contact: <sip:bob@192.0.2.4>;expires=7200\r\n", true)]
    [InlineData("", true)]
    public void Validate_RegisterWildcard_FollowsRfc3261Section10_3(string headers, bool accepted)
    {
        var result = UserAgent.Validate(TestSip.ParseRequest(Register + headers + "\r\n"));
        Assert.Equal(accepted, result.IsAccepted);
        if (!accepted)
        {
            Assert.Equal(400, result.StatusCode);
        }
    }

    [Fact]
    public void Validate_ProxyRole_IgnoresRequireAndBodies()
    {
        var proxy = new SipRequestValidator(new SipValidatorOptions { Role = SipElementRole.Proxy });
        var request = TestSip.ParseRequest(Invite + "Require: 100rel\r\nContent-Type: text/weird\r\nContent-Length: 1\r\n\r\nx");
        Assert.True(proxy.Validate(request).IsAccepted);
    }

    [Fact]
    public void Validate_StrictMode_RequiresFromTag()
    {
        var strict = new SipRequestValidator(new SipValidatorOptions { RequireRfc3261Compliance = true });
        var request = TestSip.ParseRequest(Invite.Replace(";tag=1928301774", string.Empty, StringComparison.Ordinal) + "\r\n");
        Assert.Equal((400, "Missing From tag"), (strict.Validate(request).StatusCode, strict.Validate(request).ReasonPhrase));
        Assert.True(UserAgent.Validate(request).IsAccepted);
    }

    [Fact]
    public void Validate_ConstructedRequestWithOtherVersion_Is505()
    {
        var request = new SipRequest(SipMethods.Options, SipUri.Parse("sip:bob@example.com")) { Version = "SIP/3.0" };
        Assert.Equal(505, UserAgent.Validate(request).StatusCode);
    }

    [Fact]
    public void Validate_ConstructedRequestWithTypedHeaders_IsAccepted()
    {
        var request = new SipRequest(SipMethods.Options, SipUri.Parse("sip:bob@example.com"));
        request.Headers.Add(SipHeaderNames.Via, new SipVia("UDP", "192.0.2.1", 5060, SipVia.MagicCookie + "abc").ToString());
        request.Headers.Add(SipHeaderNames.To, new SipNameAddress(SipUri.Parse("sip:bob@example.com")).ToString());
        request.Headers.Add(SipHeaderNames.From, new SipNameAddress(SipUri.Parse("sip:alice@example.com"), "Alice").WithTag("x").ToString());
        request.Headers.Add(SipHeaderNames.CallId, "constructed@192.0.2.1");
        request.Headers.Add(SipHeaderNames.CSeq, new SipCSeq(1, SipMethods.Options).ToString());
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        Assert.True(new SipRequestValidator(new SipValidatorOptions { RequireRfc3261Compliance = true }).Validate(request).IsAccepted);
    }

    [Theory]
    [InlineData(SipHeaderNames.CSeq, "one OPTIONS")]
    [InlineData(SipHeaderNames.From, "Bell, Alexander <sip:a@example.com>")]
    [InlineData(SipHeaderNames.Via, "SIP/2.0/UDP")]
    public void Validate_HandBuiltRequestWithMalformedHeader_Is400(string name, string value)
    {
        var request = TestSip.ParseRequest("OPTIONS sip:bob@example.com SIP/2.0\r\n" + Invite[(Invite.IndexOf('\n', StringComparison.Ordinal) + 1)..].Replace("INVITE", "OPTIONS", StringComparison.Ordinal) + "\r\n");
        Assert.True(UserAgent.Validate(request).IsAccepted);

        request.Headers.Set(name, value);
        var result = UserAgent.Validate(request);
        Assert.Equal((400, $"Malformed {name} header field"), (result.StatusCode, result.ReasonPhrase));
        var response = new SipResponse(200);
        foreach (var header in request.Headers)
        {
            response.Headers.Add(header.Name, header.Value);
        }

        Assert.Equal(SipValidationAction.Drop, new SipResponseValidator(SipElementRole.UserAgent).Validate(response).Action);
    }

    [Fact]
    public void ResponseValidator_SingleViaAtUac_IsAccepted()
    {
        var response = TestSip.ParseResponse(TestSip.Bytes("SIP/2.0 200 OK\r\n" + Invite[(Invite.IndexOf('\n', StringComparison.Ordinal) + 1)..] + "\r\n"));
        Assert.True(new SipResponseValidator(SipElementRole.UserAgent).Validate(response).IsAccepted);
        Assert.True(new SipResponseValidator(SipElementRole.Proxy).Validate(response).IsAccepted);
    }

    [Theory]
    [InlineData("Call-ID: a84b4c76e66710@pc33.example.com\r\n", "")]
    [InlineData("CSeq: 314159 INVITE\r\n", "CSeq: 314159 INVITE\r\nCSeq: 1 INVITE\r\n")]
    public void ResponseValidator_MissingOrRepeatedHeaders_AreDropped(string original, string replacement)
    {
        var text = "SIP/2.0 200 OK\r\n" + Invite[(Invite.IndexOf('\n', StringComparison.Ordinal) + 1)..].Replace(original, replacement, StringComparison.Ordinal) + "\r\n";
        var result = new SipResponseValidator(SipElementRole.UserAgent).Validate(TestSip.ParseResponse(TestSip.Bytes(text)));
        Assert.Equal(SipValidationAction.Drop, result.Action);
        Assert.StartsWith("Drop: ", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ResponseValidator_ReceivedBroadcastOnNextVia_IsDroppedByProxy()
    {
        var text = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK1\r\n" +
            Invite[(Invite.IndexOf('\n', StringComparison.Ordinal) + 1)..].Replace("branch=z9hG4bK776asdhds", "branch=z9hG4bK776asdhds;received=255.255.255.255", StringComparison.Ordinal) + "\r\n";
        var response = TestSip.ParseResponse(TestSip.Bytes(text));
        Assert.Equal(SipValidationAction.Drop, new SipResponseValidator(SipElementRole.Proxy).Validate(response).Action);
    }
}
