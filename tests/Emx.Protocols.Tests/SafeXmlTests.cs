using System.Diagnostics;

namespace Emx.Protocols.Tests;

public sealed class SafeXmlTests
{
    [Fact]
    public void Parse_WellFormedDocument_ReturnsRootWithChildrenAndAttributes()
    {
        var result = SafeXml.Parse("<a x=\"1\"><b>text &amp; more</b><c/></a>");

        Assert.True(result.IsSuccess);
        Assert.Equal("a", result.Root.Name.LocalName);
        Assert.Equal("1", (string?)result.Root.Attribute("x"));
        Assert.Equal("text & more", result.Root.Element("b")!.Value);
        Assert.NotNull(result.Root.Element("c"));
    }

    [Fact]
    public void Parse_DoctypeWithExternalSystemId_IsToleratedButNotFetched()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = SafeXml.Parse("<!DOCTYPE query SYSTEM \"http://203.0.113.1:8080/emservice/jsp/LoginQuery.dtd\"><query/>");

        Assert.True(result.IsSuccess);
        Assert.Equal("query", result.Root.Name.LocalName);
        Assert.True(stopwatch.ElapsedMilliseconds < 1000, "No network access may be attempted.");
    }

    [Fact]
    public void Parse_DeclaredButUnusedInternalEntity_IsToleratedAndNeverExpanded()
    {
        var result = SafeXml.Parse("<!DOCTYPE a [<!ENTITY e \"expanded\">]><a>plain</a>");

        Assert.True(result.IsSuccess);
        Assert.Equal("plain", result.Root.Value);
    }

    [Fact]
    public void Parse_ExternalEntity_ReturnsEntityReferenceFailure()
    {
        var result = SafeXml.Parse(Hostile.ExternalEntity);

        Assert.False(result.IsSuccess);
        Assert.Equal(SafeXmlFailureKind.EntityReference, result.Failure.Kind);
    }

    [Fact]
    public void Parse_ExternalParameterEntity_IsNeverResolved()
    {
        var stopwatch = Stopwatch.StartNew();
        var result = SafeXml.Parse(Hostile.ExternalParameterEntity);

        // The DTD is skipped entirely: the parameter entity is never resolved and the root parses as empty.
        Assert.True(result.IsSuccess);
        Assert.False(result.Root.HasElements);
        Assert.True(stopwatch.ElapsedMilliseconds < 1000, "No network access may be attempted.");
    }

    [Fact]
    public void Parse_BillionLaughs_IsRefusedInMillisecondsWithoutExpansion()
    {
        _ = SafeXml.Parse("<warm-up/>");
        var before = GC.GetAllocatedBytesForCurrentThread();
        var stopwatch = Stopwatch.StartNew();

        var result = SafeXml.Parse(Hostile.BillionLaughs);

        stopwatch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.False(result.IsSuccess);
        Assert.Equal(SafeXmlFailureKind.EntityReference, result.Failure.Kind);
        Assert.True(stopwatch.ElapsedMilliseconds < 250, $"Took {stopwatch.ElapsedMilliseconds} ms.");
        Assert.True(allocated < 4 * 1024 * 1024, $"Allocated {allocated} bytes: entities must not be expanded.");
    }

    [Fact]
    public void Parse_UndeclaredEntityReference_ReturnsMalformed()
    {
        var result = SafeXml.Parse("<a>&nbsp;</a>");

        Assert.False(result.IsSuccess);
        Assert.Equal(SafeXmlFailureKind.Malformed, result.Failure.Kind);
    }

    [Fact]
    public void Parse_PredefinedAndCharacterReferences_AreDecoded()
    {
        var result = SafeXml.Parse("<a>&lt;&gt;&amp;&quot;&apos;&#64;&#x41;</a>");

        Assert.True(result.IsSuccess);
        Assert.Equal("<>&\"'@A", result.Root.Value);
    }

    [Fact]
    public void Parse_TenMegabytes_IsRefusedBeforeParsing()
    {
        var document = Hostile.TenMegabytes("a");
        var stopwatch = Stopwatch.StartNew();

        var result = SafeXml.Parse(document);

        Assert.False(result.IsSuccess);
        Assert.Equal(SafeXmlFailureKind.TooLarge, result.Failure.Kind);
        Assert.True(stopwatch.ElapsedMilliseconds < 200, $"Took {stopwatch.ElapsedMilliseconds} ms.");
    }

    [Fact]
    public void Parse_BytesOverLimit_IsRefusedBeforeParsing()
    {
        var bytes = new byte[SafeXmlOptions.DefaultMaxInputLength + 1];

        var result = SafeXml.Parse(bytes);

        Assert.False(result.IsSuccess);
        Assert.Equal(SafeXmlFailureKind.TooLarge, result.Failure.Kind);
    }

    [Fact]
    public void Parse_ExactlyAtLimit_IsAccepted()
    {
        var options = new SafeXmlOptions { MaxInputLength = 20 };
        var document = "<a>" + new string('x', 13) + "</a>";
        Assert.Equal(20, document.Length);

        var result = SafeXml.Parse(document, options);

        Assert.True(result.IsSuccess);
    }

    [Fact]
    public void Parse_DeeplyNested_ReturnsTooDeep()
    {
        var result = SafeXml.Parse(Hostile.DeeplyNested("a"));

        Assert.False(result.IsSuccess);
        Assert.Equal(SafeXmlFailureKind.TooDeep, result.Failure.Kind);
    }

    [Fact]
    public void Parse_DepthEqualToLimit_IsAccepted()
    {
        var options = new SafeXmlOptions { MaxDepth = 3 };

        Assert.True(SafeXml.Parse("<a><b><c/></b></a>", options).IsSuccess);
        Assert.Equal(SafeXmlFailureKind.TooDeep, SafeXml.Parse("<a><b><c><d/></c></b></a>", options).Failure!.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t")]
    public void Parse_EmptyInput_ReturnsEmpty(string document)
    {
        var result = SafeXml.Parse(document);

        Assert.False(result.IsSuccess);
        Assert.Equal(SafeXmlFailureKind.Empty, result.Failure.Kind);
    }

    [Theory]
    [InlineData(Hostile.NotXml)]
    [InlineData(Hostile.Truncated)]
    [InlineData("<a></b>")]
    [InlineData("<a/><b/>")]
    [InlineData("<a>\u0001</a>")]
    [InlineData("<a>&#1;</a>")]
    [InlineData("text before<a/>")]
    public void Parse_NotWellFormed_ReturnsMalformedWithoutThrowing(string document)
    {
        var result = SafeXml.Parse(document);

        Assert.False(result.IsSuccess);
        Assert.Equal(SafeXmlFailureKind.Malformed, result.Failure.Kind);
        Assert.False(string.IsNullOrEmpty(result.Failure.Message));
    }

    [Fact]
    public void Parse_MalformedDocument_ReportsLineAndPosition()
    {
        var result = SafeXml.Parse("<a>\n  <b></c>\n</a>");

        Assert.False(result.IsSuccess);
        Assert.Equal(2, result.Failure.LineNumber);
        Assert.NotNull(result.Failure.LinePosition);
    }

    [Fact]
    public void Parse_Utf8BytesWithBom_DecodesText()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("<a>Zürich</a>")).ToArray();

        var result = SafeXml.Parse(bytes);

        Assert.True(result.IsSuccess);
        Assert.Equal("Zürich", result.Root.Value);
    }

    [Fact]
    public void Parse_BytesWithBillionLaughs_ReturnsEntityReference()
    {
        var result = SafeXml.Parse(Encoding.UTF8.GetBytes(Hostile.BillionLaughs));

        Assert.False(result.IsSuccess);
        Assert.Equal(SafeXmlFailureKind.EntityReference, result.Failure.Kind);
    }

    [Fact]
    public void Parse_InvalidUtf8Bytes_ReturnsMalformed()
    {
        byte[] bytes = [.. "<a>"u8, 0xC3, 0x28, .. "</a>"u8];

        var result = SafeXml.Parse(bytes);

        Assert.False(result.IsSuccess);
        Assert.Equal(SafeXmlFailureKind.Malformed, result.Failure.Kind);
    }

    [Fact]
    public void Parse_CommentsAndProcessingInstructions_AreDropped()
    {
        var result = SafeXml.Parse("<?xml version=\"1.0\"?><!-- c --><a><?pi x?><b/><!-- d --></a>");

        Assert.True(result.IsSuccess);
        Assert.Single(result.Root.Nodes());
    }

    [Fact]
    public void Parse_CdataSection_IsKeptAsText()
    {
        var result = SafeXml.Parse("<a><![CDATA[<not an element> & raw]]></a>");

        Assert.True(result.IsSuccess);
        Assert.Equal("<not an element> & raw", result.Root.Value);
    }

    [Fact]
    public void Parse_NamespacedElements_KeepNamespaceAndLocalName()
    {
        var result = SafeXml.Parse("<a xmlns=\"urn:x\" xmlns:p=\"urn:p\"><p:b p:c=\"1\"/></a>");

        Assert.True(result.IsSuccess);
        Assert.Equal("urn:x", result.Root.Name.NamespaceName);
        var b = Assert.Single(result.Root.Elements());
        Assert.Equal("b", b.Name.LocalName);
        Assert.Equal("urn:p", b.Name.NamespaceName);
    }

    [Fact]
    public void Parse_InvalidOptions_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SafeXml.Parse("<a/>", new SafeXmlOptions { MaxDepth = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SafeXml.Parse("<a/>", new SafeXmlOptions { MaxInputLength = -1 }));
    }
}
