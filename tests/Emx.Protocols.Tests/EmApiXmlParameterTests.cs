namespace Emx.Protocols.Tests;

public sealed class EmApiXmlParameterTests
{
    private const string Form = "application/x-www-form-urlencoded";
    private const string Query = "<query><appInfo><appID>a b</appID><appCertificate>p+w&amp;d</appCertificate></appInfo><userDevicesQuery><userID>em%40cisco.com</userID></userDevicesQuery></query>";

    // A raw (unencoded) value still has its %XX decoded, once, as a servlet would: the user id arrives decoded,
    // which the EM API parser's own percent-decoding leaves unchanged.
    private static readonly string RawDecoded = Query.Replace("em%40", "em@", StringComparison.Ordinal);

    private static EmApiXmlExtraction Extract(string? queryString, string? contentType, string body) =>
        EmApiXmlParameter.Extract(queryString, contentType, Encoding.UTF8.GetBytes(body));

    private static void AssertFound(EmApiXmlExtraction result, EmApiXmlSource source, string expected = Query)
    {
        Assert.True(result.IsSuccess, result.Failure?.ToString());
        Assert.Equal(source, result.Source);
        Assert.Equal(expected, result.Xml);
    }

    [Fact]
    public void Extract_FormBodyEncodedWithPlusForSpaces_DecodesLikeHttpUtilityUrlEncode()
    {
        // CUAE: HttpUtility.UrlEncode (lower-case escapes, '+' for spaces, '%2b' for '+').
        var body = "xml=" + System.Web.HttpUtility.UrlEncode(Query);
        Assert.Contains('+', body);

        AssertFound(Extract(null, Form, body), EmApiXmlSource.FormBody);
    }

    [Fact]
    public void Extract_FormBodyEncodedWithPercent20AndUpperCase_Decodes()
    {
        var body = "xml=" + Uri.EscapeDataString(Query);
        Assert.Contains("%20", body, StringComparison.Ordinal);
        Assert.Contains("%3C", body, StringComparison.Ordinal);

        AssertFound(Extract(null, Form + "; charset=UTF-8", body), EmApiXmlSource.FormBody);
    }

    [Fact]
    public void Extract_FormBodyWithCiscoLowerCaseEscapes_Decodes()
    {
        var result = Extract(null, Form, "xml=%3cquery%3e%3c%2fquery%3e");

        AssertFound(result, EmApiXmlSource.FormBody, "<query></query>");
    }

    [Fact]
    public void Extract_FormBodyPrettyPrintedByPythonRequests_KeepsNewlines()
    {
        var xml = "<query>\n  <appInfo>\n    <appID>a</appID>\n  </appInfo>\n</query>";
        var body = "xml=" + Uri.EscapeDataString(xml).Replace("%20", "+", StringComparison.Ordinal);

        AssertFound(Extract(null, Form, body), EmApiXmlSource.FormBody, xml);
    }

    [Fact]
    public void Extract_FormBodyWithOtherFields_FindsXmlField()
    {
        var result = Extract(null, Form, "user=x&XML=" + Uri.EscapeDataString("<query/>") + "&z=1");

        AssertFound(result, EmApiXmlSource.FormBody, "<query/>");
    }

    [Fact]
    public void Extract_FormBodyUtf8Escapes_DecodeToUnicode()
    {
        var result = Extract(null, Form, "xml=%3CuserID%3Ej%C3%BCrg%3C%2FuserID%3E");

        AssertFound(result, EmApiXmlSource.FormBody, "<userID>jürg</userID>");
    }

    [Fact]
    public void Extract_FormBodyWithLatin1Charset_DecodesLatin1()
    {
        var result = Extract(null, Form + "; charset=ISO-8859-1", "xml=%3Ca%3E%FC%3C%2Fa%3E");

        AssertFound(result, EmApiXmlSource.FormBody, "<a>ü</a>");
    }

    [Fact]
    public void Extract_FormBodyWithoutContentType_IsSniffed()
    {
        AssertFound(Extract(null, null, "xml=" + Uri.EscapeDataString(Query)), EmApiXmlSource.FormBody);
    }

    [Fact]
    public void Extract_FormBodyWithRawUnencodedXml_KeepsAmpersandsAndPlus()
    {
        var result = Extract(null, Form, "xml=" + Query);

        AssertFound(result, EmApiXmlSource.FormBody, RawDecoded);
    }

    [Fact]
    public void Extract_QueryStringEncodedXmlParameter_Decodes()
    {
        var result = Extract("?xml=" + Uri.EscapeDataString(Query), null, string.Empty);

        AssertFound(result, EmApiXmlSource.QueryStringParameter);
    }

    [Fact]
    public void Extract_QueryStringRawXmlParameter_TakesRestOfQueryString()
    {
        // web2py portal: GET EMServiceServlet?xml=<query>... not URL-encoded (spaces escaped by the HTTP stack).
        var raw = "?xml=" + Query.Replace(" ", "%20", StringComparison.Ordinal);

        AssertFound(Extract(raw, null, string.Empty), EmApiXmlSource.QueryStringParameter, RawDecoded);
    }

    [Fact]
    public void Extract_QueryStringRawXmlFollowedByAnotherParameter_CutsAfterLastElement()
    {
        var result = Extract("xml=<query><appInfo/></query>&_=123", null, string.Empty);

        AssertFound(result, EmApiXmlSource.QueryStringParameter, "<query><appInfo/></query>");
    }

    [Fact]
    public void Extract_QueryStringIsTheXmlWithoutParameterName_ReturnsIt()
    {
        // Wybecom T.A.L.K.: POST text/xml, request in the URL query, the same URL as body.
        var url = "http://cucm:8080/emservice/EMServiceServlet?" + Query.Replace(" ", "%20", StringComparison.Ordinal);
        var query = "?" + Query.Replace(" ", "%20", StringComparison.Ordinal);

        AssertFound(Extract(query, "text/xml", url), EmApiXmlSource.QueryString, RawDecoded);
    }

    [Fact]
    public void Extract_QueryStringIsEncodedXmlWithoutParameterName_ReturnsIt()
    {
        AssertFound(Extract("?" + Uri.EscapeDataString(Query), "text/xml", string.Empty), EmApiXmlSource.QueryString);
    }

    [Fact]
    public void Extract_QueryStringTakesPrecedenceOverBody()
    {
        var result = Extract("xml=" + Uri.EscapeDataString("<query>q</query>"), Form, "xml=" + Uri.EscapeDataString("<query>b</query>"));

        AssertFound(result, EmApiXmlSource.QueryStringParameter, "<query>q</query>");
    }

    [Fact]
    public void Extract_UnrelatedQueryString_FallsBackToBody()
    {
        AssertFound(Extract("?foo=bar", Form, "xml=" + Uri.EscapeDataString(Query)), EmApiXmlSource.FormBody);
    }

    [Theory]
    [InlineData("text/xml")]
    [InlineData("application/xml; charset=utf-8")]
    [InlineData(null)]
    public void Extract_XmlBody_ReturnsBodyUnchanged(string? contentType)
    {
        AssertFound(Extract(null, contentType, "\uFEFF  " + Query), EmApiXmlSource.XmlBody);
    }

    [Fact]
    public void Extract_TextXmlBodyThatIsFormEncoded_IsDecodedAsForm()
    {
        AssertFound(Extract(null, "text/xml", "xml=" + Uri.EscapeDataString(Query)), EmApiXmlSource.FormBody);
    }

    [Theory]
    [InlineData(null, null, "")]
    [InlineData("", Form, "")]
    [InlineData("?device=SEP1", Form, "foo=bar")]
    [InlineData(null, Form, "xml=")]
    [InlineData(null, "application/json", "{\"xml\":1}")]
    public void Extract_NoXml_ReturnsMissing(string? queryString, string? contentType, string body)
    {
        var result = Extract(queryString, contentType, body);

        Assert.False(result.IsSuccess);
        Assert.Equal(EmApiXmlExtractionFailure.Missing, result.Failure);
    }

    [Fact]
    public void Extract_TenMegabyteBody_ReturnsTooLargeWithoutDecoding()
    {
        var body = new byte[10 * 1024 * 1024];
        "xml="u8.CopyTo(body);

        var result = EmApiXmlParameter.Extract(null, Form, body);

        Assert.Equal(EmApiXmlExtractionFailure.TooLarge, result.Failure);
    }

    [Fact]
    public void Extract_TenMegabyteQueryString_ReturnsTooLarge()
    {
        var result = Extract("xml=" + new string('a', 10 * 1024 * 1024), null, string.Empty);

        Assert.Equal(EmApiXmlExtractionFailure.TooLarge, result.Failure);
    }

    [Fact]
    public void Extract_DecodedXmlOverLimit_ReturnsTooLarge()
    {
        var result = EmApiXmlParameter.Extract(null, Form, Encoding.ASCII.GetBytes("xml=<a>" + new string('x', 100) + "</a>"), maxXmlLength: 50);

        Assert.Equal(EmApiXmlExtractionFailure.TooLarge, result.Failure);
    }

    [Fact]
    public void Extract_FullyEscapedXmlAtLimit_IsAccepted()
    {
        var xml = "<a>" + new string('x', 93) + "</a>";
        var encoded = string.Concat(Encoding.ASCII.GetBytes(xml).Select(b => $"%{b:X2}"));

        var result = EmApiXmlParameter.Extract(null, Form, Encoding.ASCII.GetBytes("xml=" + encoded), maxXmlLength: 100);

        AssertFound(result, EmApiXmlSource.FormBody, xml);
    }

    [Fact]
    public void Extract_MalformedPercentSequences_AreKeptLiterally()
    {
        var result = Extract(null, Form, "xml=%3Ca%3E100%25%20%ZZ%%3C%2Fa%3E");

        AssertFound(result, EmApiXmlSource.FormBody, "<a>100% %ZZ%</a>");
    }

    [Fact]
    public void Extract_ThenParse_EndToEndReturnsDecodedUserId()
    {
        var extraction = Extract(null, Form, "xml=" + System.Web.HttpUtility.UrlEncode(Query));

        var parsed = EmApiRequestParser.Parse(extraction.Xml!);

        var query = Assert.IsType<EmApiUserDevicesQuery>(parsed.Request);
        Assert.Equal(["em@cisco.com"], query.UserIds);
        Assert.Equal("a b", query.AppInfo.AppId);
        Assert.Equal("p+w&d", query.AppInfo.Certificate);
    }
}
