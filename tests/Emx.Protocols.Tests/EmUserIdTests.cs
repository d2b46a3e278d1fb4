namespace Emx.Protocols.Tests;

public sealed class EmUserIdTests
{
    [Theory]
    [InlineData("em@cisco.com", "em%40cisco.com")]
    [InlineData("john", "john")]
    [InlineData("a-b_c.d~e", "a-b_c.d~e")]
    [InlineData("jürg m", "j%C3%BCrg%20m")]
    [InlineData("a+b/c", "a%2Bb%2Fc")]
    [InlineData("\U0001F600", "%F0%9F%98%80")]
    [InlineData("", "")]
    public void Encode_ReservedAndNonAscii_ArePercentEncodedUpperCase(string userId, string expected)
    {
        Assert.Equal(expected, EmUserId.Encode(userId));
        Assert.Equal(userId, EmUserId.Decode(expected));
    }

    [Theory]
    [InlineData("em%40cisco.com", "em@cisco.com")]
    [InlineData("em%40Cisco%2ecom", "em@Cisco.com")]
    [InlineData("a+b", "a+b")]
    [InlineData("100%", "100%")]
    [InlineData("%ZZ", "%ZZ")]
    public void Decode_MixedAndMalformedSequences_DecodesWhatIsValid(string value, string expected)
    {
        Assert.Equal(expected, EmUserId.Decode(value));
    }

    [Fact]
    public void Encode_LoneSurrogate_IsReplacedNotThrown()
    {
        Assert.Equal("a%EF%BF%BD", EmUserId.Encode("a\uD800"));
    }
}
