namespace Emx.Protocols.Tests;

public sealed class DeviceNameTests
{
    [Theory]
    [InlineData("SEP001122AABBCC", "SEP001122AABBCC")]
    [InlineData("sep001122aabbcc", "SEP001122AABBCC")]
    [InlineData("SEPc80084aa8743", "SEPC80084AA8743")]
    public void TryParse_ValidName_NormalisesToUpperCase(string text, string expected)
    {
        Assert.True(DeviceName.TryParse(text, out var name));
        Assert.Equal(expected, name.Value);
        Assert.Equal(expected[3..], name.Mac);
        Assert.Equal(expected + ".cnf.xml", name.ConfigFileName);
        Assert.Equal(expected, name.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SEP")]
    [InlineData("SEP001122AABBC")]
    [InlineData("SEP001122AABBCCD")]
    [InlineData("SEP001122AABBCG")]
    [InlineData("CSFjohn")]
    [InlineData("test_secure")]
    [InlineData("XEP001122AABBCC")]
    [InlineData("SEP00112２AABBCC")]
    public void TryParse_InvalidName_ReturnsFalse(string? text)
    {
        Assert.False(DeviceName.TryParse(text, out var name));
        Assert.Equal(default, name);
    }

    [Fact]
    public void Parse_InvalidName_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => DeviceName.Parse("nope"));
    }

    [Theory]
    [InlineData("00:11:22:aa:bb:cc")]
    [InlineData("00-11-22-AA-BB-CC")]
    [InlineData("0011.22aa.bbcc")]
    [InlineData("001122AABBCC")]
    public void TryFromMac_CommonMacFormats_BuildSepName(string mac)
    {
        Assert.True(DeviceName.TryFromMac(mac, out var name));
        Assert.Equal("SEP001122AABBCC", name.Value);
    }

    [Theory]
    [InlineData("SEP001122AABBCC.cnf.xml", true)]
    [InlineData("sep001122aabbcc.CNF.XML", true)]
    [InlineData("SEP001122AABBCC.cnf.xml.sgn", false)]
    [InlineData("SEP001122AABBCC.xml", false)]
    [InlineData("../SEP001122AABBCC.cnf.xml", false)]
    [InlineData(".cnf.xml", false)]
    public void TryParseConfigFileName_OnlyAcceptsSepConfigFiles(string fileName, bool expected)
    {
        Assert.Equal(expected, DeviceName.TryParseConfigFileName(fileName, out var name));
        if (expected)
        {
            Assert.Equal("SEP001122AABBCC", name.Value);
        }
    }

    [Fact]
    public void Equality_IsByNormalisedValue()
    {
        Assert.Equal(DeviceName.Parse("sep001122aabbcc"), DeviceName.Parse("SEP001122AABBCC"));
    }
}
