namespace Emx.Domain.Tests;

public sealed class DeviceNamesTests
{
    [Theory]
    [InlineData("SEP0A1B2C3D4E5F", true)]
    [InlineData("SEP000000000000", true)]
    [InlineData("SEPFFFFFFFFFFFF", true)]
    [InlineData("SEP0a1b2c3d4e5f", false)]
    [InlineData("sep0A1B2C3D4E5F", false)]
    [InlineData("SEPXYZ", false)]
    [InlineData("SEP0A1B2C3D4E5", false)]
    [InlineData("SEP0A1B2C3D4E5F0", false)]
    [InlineData("SEP0A1B2C3D4E5G", false)]
    [InlineData("ATA0A1B2C3D4E5F", false)]
    [InlineData("EMCC1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsPhoneName_Name_MatchesSepPlus12UpperHex(string? name, bool expected)
    {
        Assert.Equal(expected, DeviceNames.IsPhoneName(name));
    }

    [Theory]
    [InlineData("sep0a1b2c3d4e5f", "SEP0A1B2C3D4E5F")]
    [InlineData("Sep0a1B2c3D4e5F", "SEP0A1B2C3D4E5F")]
    [InlineData("SEP0A1B2C3D4E5F", "SEP0A1B2C3D4E5F")]
    [InlineData("EMCC1", "EMCC1")]
    [InlineData("sep0a1b", "sep0a1b")]
    [InlineData("csfalice", "csfalice")]
    public void Normalize_Name_UppercasesOnlyPhoneNames(string name, string expected)
    {
        Assert.Equal(expected, DeviceNames.Normalize(name));
    }

    [Fact]
    public void Normalize_LowerCasePhoneName_BecomesValidPhoneName()
    {
        Assert.False(DeviceNames.IsPhoneName("sep0a1b2c3d4e5f"));
        Assert.True(DeviceNames.IsPhoneName(DeviceNames.Normalize("sep0a1b2c3d4e5f")));
    }

    [Fact]
    public void MacOf_PhoneName_ReturnsTwelveHexDigits()
    {
        Assert.Equal("0A1B2C3D4E5F", DeviceNames.MacOf("SEP0A1B2C3D4E5F"));
    }

    [Theory]
    [InlineData("EMCC1")]
    [InlineData("sep0a1b2c3d4e5f")]
    public void MacOf_NotAPhoneName_Throws(string name)
    {
        Assert.Throws<ArgumentException>(() => DeviceNames.MacOf(name));
    }

    [Theory]
    [InlineData(1, "EMCC1")]
    [InlineData(42, "EMCC42")]
    [InlineData(60000, "EMCC60000")]
    public void EmccDeviceNameFor_Number_IsEmccFollowedByNumber(int number, string expected)
    {
        Assert.Equal(expected, EmccDevice.NameFor(number));
    }
}

public sealed class ProductVersionTests
{
    [Theory]
    [InlineData("15.0", 15, 0)]
    [InlineData("9.1", 9, 1)]
    [InlineData("8.6", 8, 6)]
    [InlineData("8.0", 8, 0)]
    [InlineData("12.5.1", 12, 5)]
    [InlineData("14.0.1.13900", 14, 0)]
    [InlineData("99.9", 99, 9)]
    public void TryParse_SupportedVersion_ReturnsMajorMinor(string text, int major, int minor)
    {
        Assert.True(ProductVersion.TryParse(text, out var version));
        Assert.Equal(new ProductVersion(major, minor), version);
    }

    [Theory]
    [InlineData("7.1")]
    [InlineData("x")]
    [InlineData("15")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("9.x")]
    [InlineData("x.1")]
    [InlineData("-9.1")]
    [InlineData("100.0")]
    [InlineData(".1")]
    public void TryParse_UnsupportedOrMalformed_ReturnsFalse(string? text)
    {
        Assert.False(ProductVersion.TryParse(text, out var version));
        Assert.Equal(default, version);
    }

    [Theory]
    [InlineData(8, 0, false)]
    [InlineData(8, 6, false)]
    [InlineData(9, 0, true)]
    [InlineData(9, 1, true)]
    [InlineData(15, 0, true)]
    public void Is9OrLater_Version_ComparesMajor(int major, int minor, bool expected)
    {
        Assert.Equal(expected, new ProductVersion(major, minor).Is9OrLater);
    }

    [Theory]
    [InlineData("15.0", true)]
    [InlineData("8.6", true)]
    [InlineData("7.1", false)]
    [InlineData("15", false)]
    public void Validate_ClusterVersion_MustBeSupportedProductVersion(string version, bool valid)
    {
        var errors = World.Validate(new ClusterSettings { Version = version });

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "cluster", "version");
        }
    }

    [Theory]
    [InlineData("StandAloneCluster", true)]
    [InlineData("emea.cluster-1_a", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("bad/id", false)]
    public void Validate_ClusterId_LettersDigitsDotDashUnderscore(string id, bool valid)
    {
        var errors = World.Validate(new ClusterSettings { Id = id });

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "cluster", "id");
        }
    }

    [Fact]
    public void Validate_ClusterId51Characters_Rejected()
    {
        ErrorAssert.None(World.Validate(new ClusterSettings { Id = new string('c', 50) }));
        ErrorAssert.Single(World.Validate(new ClusterSettings { Id = new string('c', 51) }), "cluster", "id");
    }
}
