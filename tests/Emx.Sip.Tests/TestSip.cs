using System.Text;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using Xunit;

namespace Emx.Sip.Tests;

/// <summary>Parsing shortcuts that fail the test with the parser's reason.</summary>
internal static class TestSip
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static SipMessage Parse(byte[] data, SipParserOptions? options = null)
    {
        var parsed = SipMessageParser.TryParse(data, options ?? SipParserOptions.Default, out var message, out var error);
        Assert.True(parsed, $"parse failed: {error}");
        return message!;
    }

    public static SipRequest ParseRequest(byte[] data) => Assert.IsType<SipRequest>(Parse(data));

    public static SipRequest ParseRequest(string text) => ParseRequest(Bytes(text));

    public static SipResponse ParseResponse(byte[] data) => Assert.IsType<SipResponse>(Parse(data));

    public static SipParseError ParseError(byte[] data, SipParserOptions? options = null)
    {
        var parsed = SipMessageParser.TryParse(data, options ?? SipParserOptions.Default, out var message, out var error);
        Assert.False(parsed, $"expected a parse error, got: {message}");
        Assert.Null(message);
        return error!;
    }

    public static SipParseError ParseError(string text) => ParseError(Bytes(text));
}
