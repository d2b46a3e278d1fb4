using Emx.Sip.Messages;
using Xunit;

namespace Emx.Sip.Tests;

public sealed class SipUriTests
{
    [Fact]
    public void TryParse_FullSipsUri_ExposesEveryComponent()
    {
        var uri = SipUri.Parse("SIPS:alice:secret@[2001:db8::1]:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent");

        Assert.Equal("sips", uri.Scheme);
        Assert.True(uri.IsSip);
        Assert.True(uri.IsSecure);
        Assert.Equal("alice", uri.User);
        Assert.Equal("secret", uri.Password);
        Assert.Equal("[2001:db8::1]", uri.Host);
        Assert.Equal(5061, uri.Port);
        Assert.Equal("tcp", uri.Transport);
        Assert.True(uri.IsLooseRouter);
        Assert.Equal("239.255.255.1", uri.Maddr);
        Assert.Equal(["subject", "priority"], uri.Headers.Select(h => h.Name));
        Assert.Equal("project x", uri.Headers.GetValue("subject"));
        Assert.Equal("SIPS:alice:secret@[2001:db8::1]:5061;transport=tcp;lr;maddr=239.255.255.1?subject=project%20x&priority=urgent", uri.ToString());
    }

    [Fact]
    public void TryParse_HostOnly_HasNoUserAndNoPort()
    {
        var uri = SipUri.Parse("sip:example.com");
        Assert.Null(uri.User);
        Assert.Null(uri.Password);
        Assert.Equal("example.com", uri.Host);
        Assert.Null(uri.Port);
        Assert.Empty(uri.Parameters);
    }

    // RFC 3261 §19.1.4: "The URIs within each of the following sets are equivalent".
    [Theory]
    [InlineData("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp")]
    [InlineData("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5")]
    [InlineData("sip:carol@chicago.com", "sip:carol@chicago.com;security=on")]
    [InlineData("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on")]
    [InlineData("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com", "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com")]
    [InlineData("sip:alice@atlanta.com?subject=project%20x&priority=urgent", "sip:alice@atlanta.com?priority=urgent&subject=project%20x")]
    [InlineData("sip:a%3bb@example.com", "sip:a%3Bb@example.com")]
    [InlineData("sip:alice@[2001:db8::1]", "sip:alice@[2001:DB8:0:0::1]")]
    [InlineData("sip:alice@example.com;lr", "sip:alice@example.com;LR")]
    [InlineData("tel:+1-201-555-0123", "tel:+12015550123")]
    [InlineData("tel:7042;phone-context=example.com", "TEL:7042;PHONE-CONTEXT=example.com")]
    [InlineData("http://www.example.com", "HTTP://www.example.com")]
    public void Equals_Rfc3261EquivalentUris_AreEqual(string left, string right)
    {
        var a = SipUri.Parse(left);
        var b = SipUri.Parse(right);
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    // RFC 3261 §19.1.4: "The URIs within each of the following sets are not equivalent".
    [Theory]
    [InlineData("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP")]
    [InlineData("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060")]
    [InlineData("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp")]
    [InlineData("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp")]
    [InlineData("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting")]
    [InlineData("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4")]
    [InlineData("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off")]
    [InlineData("sip:alice@atlanta.com", "sips:alice@atlanta.com")]
    [InlineData("sip:a%3Bb@example.com", "sip:a;b@example.com")]
    [InlineData("sip:alice@example.com", "sip:alice:pw@example.com")]
    [InlineData("sip:example.com", "sip:alice@example.com")]
    [InlineData("sip:alice@example.com", "sip:alice@example.com;user=phone")]
    [InlineData("sip:alice@example.com", "sip:alice@example.com;maddr=192.0.2.1")]
    [InlineData("sip:alice@example.com;ttl=1", "sip:alice@example.com")]
    [InlineData("sip:alice@example.com;method=INVITE", "sip:alice@example.com")]
    [InlineData("tel:+12015550123", "tel:+12015550124")]
    [InlineData("tel:+12015550123", "tel:+12015550123;isub=1")]
    [InlineData("sip:+1234@example.com;user=phone", "tel:+1234")]
    public void Equals_Rfc3261DistinctUris_AreNotEqual(string left, string right)
    {
        Assert.NotEqual(SipUri.Parse(left), SipUri.Parse(right));
        Assert.True(SipUri.Parse(left) != SipUri.Parse(right));
    }

    [Fact]
    public void Equals_ParametersOnlyInOneUri_IsNotTransitive()
    {
        var plain = SipUri.Parse("sip:carol@chicago.com");
        var on = SipUri.Parse("sip:carol@chicago.com;security=on");
        var off = SipUri.Parse("sip:carol@chicago.com;security=off");
        Assert.Equal(plain, on);
        Assert.Equal(plain, off);
        Assert.NotEqual(on, off);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sip:")]
    [InlineData("sip:user@")]
    [InlineData("sip:@example.com")]
    [InlineData("sip:example.com:99999")]
    [InlineData("sip:example.com:")]
    [InlineData("sip:ho st.example.com")]
    [InlineData("sip:%zz@example.com")]
    [InlineData("sip:%4@example.com")]
    [InlineData("<sip:user@example.com>")]
    [InlineData("sip:user@example.com;=x")]
    [InlineData("sip:user@example.com;x=")]
    [InlineData("sip:user@[::1")]
    [InlineData("sip:user@[example.com]")]
    [InlineData("sip:user@[fe80::1%25eth0]")]
    [InlineData("sip:user@1.2.3.256")]
    [InlineData("sip:user@host.123")]
    [InlineData("sip:user@-host.com")]
    [InlineData("sip:user@host..com")]
    [InlineData("sip:user@example.com?")]
    [InlineData("sip:user@example.com?novalue")]
    [InlineData("sip:user@example.com>")]
    [InlineData("sip:user name@example.com")]
    [InlineData("1sip:user@example.com")]
    [InlineData("tel:")]
    [InlineData("tel:abc;x")]
    [InlineData("tel:+1 555")]
    [InlineData("nobody:")]
    [InlineData("mailto:a b@example.com")]
    public void TryParse_InvalidUri_Fails(string text)
    {
        Assert.False(SipUri.TryParse(text, out var uri));
        Assert.Null(uri);
        Assert.Throws<FormatException>(() => SipUri.Parse(text));
    }

    [Fact]
    public void TryParse_Null_Fails() => Assert.False(SipUri.TryParse((string?)null, out _));

    [Fact]
    public void TryParse_TelUri_KeepsNumberAndParameters()
    {
        var uri = SipUri.Parse("tel:+1-201-555-0123;phone-context=example.com");
        Assert.True(uri.IsTel);
        Assert.False(uri.IsSip);
        Assert.Equal("+1-201-555-0123", uri.User);
        Assert.Equal("example.com", uri.Parameters.GetValue("phone-context"));
        Assert.Equal(string.Empty, uri.Host);
    }

    [Fact]
    public void TryParse_OpaqueUri_KeepsTextAndSchemeInLowerCase()
    {
        var uri = SipUri.Parse("URN:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
        Assert.Equal("urn", uri.Scheme);
        Assert.Equal("uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", uri.SchemeSpecificPart);
        Assert.Equal("URN:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", uri.ToString());
        Assert.Throws<InvalidOperationException>(() => uri.WithParameter("x"));
    }

    [Fact]
    public void User_EscapedUtf8_IsDecoded()
    {
        Assert.Equal("jürgen", SipUri.Parse("sip:j%C3%BCrgen@example.com").User);
        Assert.Equal("a;b", SipUri.Parse("sip:a%3Bb@example.com").User);
    }

    [Fact]
    public void CreateSip_UnescapedUser_IsEscapedAndRoundTrips()
    {
        var uri = SipUri.CreateSip("I have spaces@home", "example.com", 5070);
        Assert.Equal("sip:I%20have%20spaces%40home@example.com:5070", uri.ToString());
        Assert.Equal("I have spaces@home", uri.User);
        Assert.Equal(uri, SipUri.Parse(uri.ToString()));
        Assert.Equal("sips:[2001:db8::2]", SipUri.CreateSip(null, "[2001:db8::2]", secure: true).ToString());
        Assert.Throws<ArgumentException>(() => SipUri.CreateSip("a", "bad host"));
        Assert.Throws<ArgumentException>(() => SipUri.CreateSip(string.Empty, "example.com"));
        Assert.Throws<ArgumentOutOfRangeException>(() => SipUri.CreateSip("a", "example.com", 70000));
    }

    [Fact]
    public void WithParameter_SetAndRemove_ProducesEscapedText()
    {
        var uri = SipUri.Parse("sip:proxy.example.com");
        var routed = uri.WithParameter("lr").WithParameter("transport", "tcp");
        Assert.Equal("sip:proxy.example.com;lr;transport=tcp", routed.ToString());
        Assert.Equal("sip:proxy.example.com;lr;transport=udp", routed.WithParameter("TRANSPORT", "udp").ToString().Replace("TRANSPORT", "transport", StringComparison.Ordinal));
        Assert.Equal("sip:proxy.example.com;transport=tcp", routed.WithoutParameter("lr").ToString());
        Assert.Same(uri, uri.WithoutParameter("absent"));
        Assert.Equal("sip:proxy.example.com;x=a%20b", uri.WithParameter("x", "a b").ToString());
        Assert.Equal("tel:+123;phone-context=x", SipUri.Parse("tel:+123").WithParameter("phone-context", "x").ToString());
    }

    [Fact]
    public void Equals_Null_IsFalse()
    {
        var uri = SipUri.Parse("sip:a@example.com");
        Assert.False(uri.Equals(null));
        Assert.False(uri.Equals((object)"sip:a@example.com"));
        Assert.True(uri == SipUri.Parse("sip:a@example.com"));
        Assert.False(uri == null);
        Assert.True((SipUri?)null == null);
    }
}
