using System.Text;
using Emx.Sip.Messages;
using Xunit;

namespace Emx.Sip.Tests;

public sealed class MessageBuildingTests
{
    private const string Invite =
        "INVITE sip:bob@example.com SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2d4790.1\r\n" +
        "v: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds;received=192.0.2.1\r\n" +
        "Max-Forwards: 69\r\n" +
        "To: Bob <sip:bob@example.com>\r\n" +
        "From: Alice <sip:alice@example.com>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@pc33.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Timestamp: 54\r\n" +
        "Contact: <sip:alice@pc33.example.com>\r\n" +
        "Content-Type: application/sdp\r\n" +
        "Content-Length: 4\r\n\r\nv=0\n";

    [Fact]
    public void CreateResponse_FinalResponse_CopiesHeadersAndAddsToTag()
    {
        var request = TestSip.ParseRequest(Invite);
        var response = SipResponseFactory.CreateResponse(request, 486);

        Assert.Equal(486, response.StatusCode);
        Assert.Equal("Busy Here", response.ReasonPhrase);
        Assert.Equal(request.Headers.GetValues(SipHeaderNames.Via), response.Headers.GetValues(SipHeaderNames.Via));
        Assert.Equal(request.Headers.GetFirst(SipHeaderNames.From), response.Headers.GetFirst(SipHeaderNames.From));
        Assert.Equal(request.CallId, response.CallId);
        Assert.Equal("314159 INVITE", response.Headers.GetFirst(SipHeaderNames.CSeq));
        Assert.StartsWith("Bob <sip:bob@example.com>;tag=", response.Headers.GetFirst(SipHeaderNames.To), StringComparison.Ordinal);
        Assert.Equal(13, response.To!.Tag!.Length);
        Assert.False(response.Headers.Contains(SipHeaderNames.Contact));
        Assert.False(response.Headers.Contains(SipHeaderNames.Timestamp));
        Assert.Equal(0, response.Body.Length);
    }

    [Fact]
    public void CreateResponse_Trying_HasNoTagAndEchoesTimestamp()
    {
        var response = SipResponseFactory.CreateResponse(TestSip.ParseRequest(Invite), 100);
        Assert.Null(response.To!.Tag);
        Assert.Equal("54", response.Headers.GetFirst(SipHeaderNames.Timestamp));
    }

    [Fact]
    public void CreateResponse_ExistingToTag_IsKept()
    {
        var request = TestSip.ParseRequest(Invite.Replace("To: Bob <sip:bob@example.com>", "To: Bob <sip:bob@example.com>;tag=dialog", StringComparison.Ordinal));
        Assert.Equal("dialog", SipResponseFactory.CreateResponse(request, 200, toTag: "other").To!.Tag);
        Assert.Equal("mine", SipResponseFactory.CreateResponse(TestSip.ParseRequest(Invite), 200, "Fine", "mine").To!.Tag);
        Assert.Throws<ArgumentException>(() => SipResponseFactory.CreateResponse(TestSip.ParseRequest(Invite), 200, toTag: "bad tag"));
    }

    [Fact]
    public void CreateTag_CalledRepeatedly_ReturnsUniqueTokens()
    {
        var tags = Enumerable.Range(0, 1000).Select(_ => SipResponseFactory.CreateTag()).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(1000, tags.Count);
        Assert.All(tags, tag => Assert.Matches("^[a-z0-9]{13}$", tag));
    }

    [Fact]
    public void Write_BuiltResponse_ProducesExactWireFormat()
    {
        var response = new SipResponse(200);
        response.Headers.Add("v", "SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds");
        response.Headers.Add("call-id", "abc");
        response.Headers.Add(SipHeaderNames.ContentLength, "999");
        response.Headers.Add(SipHeaderNames.ContentType, "text/plain");
        response.Body = Encoding.UTF8.GetBytes("é!");

        var text = Encoding.UTF8.GetString(SipMessageWriter.ToBytes(response));
        Assert.Equal(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds\r\nCall-ID: abc\r\n" +
            "Content-Type: text/plain\r\nContent-Length: 3\r\n\r\né!",
            text);
    }

    [Fact]
    public void Write_ToBufferWriter_MatchesToBytes()
    {
        var request = TestSip.ParseRequest(Invite);
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        SipMessageWriter.Write(request, writer);
        Assert.Equal(SipMessageWriter.ToBytes(request), writer.WrittenSpan.ToArray());
        Assert.Equal("INVITE sip:bob@example.com SIP/2.0", request.ToString());
    }

    [Fact]
    public void Headers_Mutation_InvalidatesTypedValues()
    {
        var request = TestSip.ParseRequest(Invite);
        Assert.Equal(2, request.Vias.Count);

        request.Headers.Insert(0, SipHeaderNames.Via, new SipVia("TCP", "edge.example.com", branch: "z9hG4bKedge").ToString());
        Assert.Equal(["edge.example.com", "proxy.example.com", "pc33.example.com"], request.Vias.Select(v => v.Host));

        request.Headers.RemoveAt(0);
        request.Headers.RemoveAt(0);
        Assert.Equal("pc33.example.com", request.TopVia!.Host);

        request.Headers.Set(SipHeaderNames.MaxForwards, "68");
        Assert.Equal(68, request.MaxForwards);
        Assert.Equal(1, request.Headers.RemoveAll("m"));
        Assert.Empty(request.Contacts);
        request.Headers.Clear();
        Assert.Null(request.CallId);
    }

    [Fact]
    public void Headers_SetWithExistingValues_ReplacesAllAtFirstPosition()
    {
        var headers = new SipHeaderCollection();
        headers.Add("Supported", "a");
        headers.Add("X-Custom", "1");
        headers.Add("k", "b");
        headers.Set("SUPPORTED", "c");
        Assert.Equal([new SipHeader("Supported", "c"), new SipHeader("X-Custom", "1")], headers);
        Assert.Equal(-1, headers.IndexOf("Require"));
        Assert.Equal(1, headers.CountOf("x-custom"));

        // Single letters are compact forms: "x" is Session-Expires (RFC 4028).
        headers.Add("x", "90");
        Assert.Equal("90", headers.GetFirst(SipHeaderNames.SessionExpires));
    }

    [Theory]
    [InlineData("Bad Name", "v")]
    [InlineData("", "v")]
    [InlineData("X", "line\r\nInjected: yes")]
    [InlineData("X", "line\nbreak")]
    public void Headers_AddWithCrLfOrBadName_Throws(string name, string value) =>
        Assert.Throws<ArgumentException>(() => new SipHeaderCollection().Add(name, value));

    [Fact]
    public void Constructors_InvalidStartLineValues_Throw()
    {
        Assert.Throws<ArgumentException>(() => new SipRequest("IN VITE", SipUri.Parse("sip:a@b.example")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SipResponse(99));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SipResponse(700));
        Assert.Throws<ArgumentException>(() => new SipResponse(200, "OK\r\nX: y"));
        Assert.Equal("Interval Too Brief", new SipResponse(423).ReasonPhrase);
        Assert.Equal("Client Error", new SipResponse(499).ReasonPhrase);
        Assert.True(new SipResponse(180).IsProvisional);
        Assert.True(new SipResponse(202).IsSuccess);
        Assert.True(new SipResponse(603).IsFinal);
    }

    [Fact]
    public void WithTag_DisplayNameWithQuotes_FormatsEscapedNameAddr()
    {
        var address = new SipNameAddress(SipUri.Parse("sip:bob@example.com"), "Bob \"B\" Smith").WithTag("t1");
        Assert.Equal("\"Bob \\\"B\\\" Smith\" <sip:bob@example.com>;tag=t1", address.ToString());
        Assert.Equal("Bob \"B\" Smith", SipNameAddress.Parse(address.ToString()).DisplayName);
    }
}
