using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using Xunit;

namespace Emx.Sip.Tests;

public sealed class Rfc4475CorpusTests
{
    public static TheoryData<string> ManifestEntries { get; } = new(Rfc4475Corpus.Manifest.Select(e => e.Name));

    [Theory]
    [MemberData(nameof(ManifestEntries))]
    public void Corpus_Message_HandledAsRfc4475Expects(string name)
    {
        var entry = Rfc4475Corpus.Manifest.Single(e => e.Name == name);
        Assert.True(Rfc4475Expectations.All.TryGetValue(name, out var expectation), $"no expectation for {name}");
        Assert.Equal(entry.Class, expectation.Class);

        expectation.Verify(Rfc4475Corpus.Read(name));
    }

    [Fact]
    public void Expectations_ComparedWithManifest_CoverEveryEntryExactlyOnce()
    {
        var manifest = Rfc4475Corpus.Manifest.Select(e => e.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(manifest, Rfc4475Expectations.All.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(manifest.Count, manifest.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Manifest_ComparedWithCorpusDirectory_ListsEveryFile()
    {
        Assert.Equal(49, Rfc4475Corpus.Manifest.Count);
        Assert.Equal(
            Rfc4475Corpus.DatFiles().Order(StringComparer.Ordinal),
            Rfc4475Corpus.Manifest.Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void TryParse_WholeCorpus_AcceptsExpectedCountPerClass()
    {
        var accepted = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in Rfc4475Corpus.Manifest)
        {
            if (SipMessageParser.TryParse(Rfc4475Corpus.Read(entry.Name), out _, out _))
            {
                accepted[entry.Class] = accepted.GetValueOrDefault(entry.Class) + 1;
            }
        }

        // All 13 valid, 15 of 16 semantic (mcl01 cannot be framed), the compat message, and of the 19 invalid
        // messages only the two whose fault is semantic (CSeq method mismatch) get past the parser.
        Assert.Equal(13, accepted["valid"]);
        Assert.Equal(2, accepted["invalid"]);
        Assert.Equal(15, accepted["semantic"]);
        Assert.Equal(1, accepted["compat"]);
    }

    [Fact]
    public void TryParse_DblreqSecondMessage_IsIgnoredButParsesOnItsOwn()
    {
        var data = Rfc4475Corpus.Read("dblreq");
        var first = TestSip.ParseRequest(data);
        Assert.Equal(SipMethods.Register, first.Method);

        var rest = data.AsSpan(data.AsSpan().IndexOf("\r\n\r\n"u8) + 4).ToArray();
        var second = TestSip.ParseRequest(rest);
        Assert.Equal(SipMethods.Invite, second.Method);
        Assert.Equal("dblreq.0ha0isnda977644900765@192.0.2.15", second.CallId);
        Assert.Equal(150, second.Body.Length);
    }
}
