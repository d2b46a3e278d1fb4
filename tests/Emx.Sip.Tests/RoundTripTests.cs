using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using Xunit;

namespace Emx.Sip.Tests;

public sealed class RoundTripTests
{
    /// <summary>Every corpus message the parser accepts: all valid, semantic and compat ones, and two invalid ones.</summary>
    public static TheoryData<string> ParsableMessages { get; } = new(
        Rfc4475Corpus.Manifest
            .Where(e => SipMessageParser.TryParse(Rfc4475Corpus.Read(e.Name), out _, out _))
            .Select(e => e.Name));

    [Fact]
    public void ParsableMessages_FromCorpus_IncludeEveryValidMessage()
    {
        var valid = Rfc4475Corpus.Manifest.Where(e => e.Class == "valid").Select(e => e.Name);
        Assert.Superset(valid.ToHashSet(), ParsableMessages.Select(row => row.Data).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(ParsableMessages))]
    public void ParseWriteParse_CorpusMessage_PreservesEveryValue(string name)
    {
        var original = TestSip.Parse(Rfc4475Corpus.Read(name));
        var written = SipMessageWriter.ToBytes(original);
        var copy = TestSip.Parse(written);

        Assert.Equal(original.IsRequest, copy.IsRequest);
        Assert.Equal(original.Version, copy.Version);
        if (original is SipRequest request)
        {
            var requestCopy = Assert.IsType<SipRequest>(copy);
            Assert.Equal(request.Method, requestCopy.Method);
            Assert.Equal(request.RequestUri, requestCopy.RequestUri);
            Assert.Equal(request.RequestUri.ToString(), requestCopy.RequestUri.ToString());
        }
        else
        {
            var response = Assert.IsType<SipResponse>(original);
            var responseCopy = Assert.IsType<SipResponse>(copy);
            Assert.Equal(response.StatusCode, responseCopy.StatusCode);
            Assert.Equal(response.ReasonPhrase, responseCopy.ReasonPhrase);
        }

        // Header values survive exactly; only Content-Length is regenerated (from the body).
        Assert.Equal(WithoutContentLength(original.Headers), WithoutContentLength(copy.Headers));
        Assert.Equal(original.Body.ToArray(), copy.Body.ToArray());
        Assert.Equal(original.Body.Length, copy.ContentLength);

        Assert.Equal(original.Vias.Select(v => v.ToString()), copy.Vias.Select(v => v.ToString()));
        Assert.Equal(original.CallId, copy.CallId);
        Assert.Equal(original.CSeq?.ToString(), copy.CSeq?.ToString());
        Assert.Equal(original.From?.Uri, copy.From?.Uri);
        Assert.Equal(original.From?.Tag, copy.From?.Tag);
        Assert.Equal(original.From?.DisplayName, copy.From?.DisplayName);
        Assert.Equal(original.To?.Uri, copy.To?.Uri);
        Assert.Equal(original.To?.Tag, copy.To?.Tag);
        Assert.Equal(original.Contacts.Select(c => c.Uri), copy.Contacts.Select(c => c.Uri));
        Assert.Equal(original.Routes.Select(r => r.Uri), copy.Routes.Select(r => r.Uri));
        Assert.Equal(original.MaxForwards, copy.MaxForwards);
        Assert.Equal(original.ContentType?.ToString(), copy.ContentType?.ToString());

        // Writing is canonical: a second round produces the same octets.
        Assert.Equal(written, SipMessageWriter.ToBytes(copy));
    }

    [Fact]
    public void Write_CompactAndOddlyCasedNames_UsesCanonicalNames()
    {
        var request = TestSip.ParseRequest(Rfc4475Corpus.Read("wsinv"));
        var text = System.Text.Encoding.UTF8.GetString(SipMessageWriter.ToBytes(request));

        Assert.StartsWith("INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nTo: sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nMax-Forwards: 0068\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nCSeq: 0009 INVITE\r\n", text, StringComparison.Ordinal);
        // Folds become single spaces; other white space is kept as sent (RFC 3261 §7.3.1 only permits replacing it).
        Assert.Contains("\r\nVia: SIP  / 2.0  / TCP     spindle.example.com   ; branch  =   z9hG4bK9ikj8\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nVia: SIP  /    2.0   / UDP  192.168.255.111   ; branch= z9hG4bK30239\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nSubject: \r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nContact: \"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33\r\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\nContent-Length: 150\r\n\r\n" + "v=0\r\n", text[..(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 9)], StringComparison.Ordinal);
        Assert.DoesNotContain("\r\n ", text[..text.IndexOf("\r\n\r\n", StringComparison.Ordinal)], StringComparison.Ordinal);
    }

    private static List<SipHeader> WithoutContentLength(SipHeaderCollection headers) =>
        headers.Where(h => h.Name != SipHeaderNames.ContentLength).ToList();
}
