namespace Emx.Domain.Tests;

/// <summary>The HHH:MM maximum login time format (reference section 6): 0:00 to 168:00, hours may be omitted.</summary>
public sealed class LoginTimeTests
{
    [Theory]
    [InlineData("0:00", 0, 0)]
    [InlineData("8:00", 8, 0)]
    [InlineData("08:00", 8, 0)]
    [InlineData(":30", 0, 30)]
    [InlineData("1:59", 1, 59)]
    [InlineData("167:59", 167, 59)]
    [InlineData("168:00", 168, 0)]
    [InlineData(" 8:00 ", 8, 0)]
    public void TryParse_ValidForm_ReturnsDuration(string text, int hours, int minutes)
    {
        Assert.True(LoginTime.TryParse(text, out var value));
        Assert.Equal(new TimeSpan(hours, minutes, 0), value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("8")]
    [InlineData("8:5")]
    [InlineData("8:60")]
    [InlineData("8:000")]
    [InlineData("abc")]
    [InlineData("a:00")]
    [InlineData("8:0a")]
    [InlineData("1000:00")]
    [InlineData("0168:00")]
    [InlineData("-1:00")]
    [InlineData("+8:00")]
    [InlineData("8:00:00")]
    [InlineData("8.00")]
    public void TryParse_MalformedOrOutOfRange_ReturnsFalse(string? text)
    {
        Assert.False(LoginTime.TryParse(text, out var value));
        Assert.Equal(TimeSpan.Zero, value);
    }

    [Theory]
    [InlineData("168:01")]
    [InlineData("169:00")]
    [InlineData("999:59")]
    public void TryParse_AboveMaximum_ReturnsFalse(string text)
    {
        Assert.False(LoginTime.TryParse(text, out _));
    }

    [Fact]
    public void Maximum_Is168Hours()
    {
        Assert.Equal(TimeSpan.FromHours(168), LoginTime.Maximum);
    }

    [Theory]
    [InlineData("0:00", true)]
    [InlineData(":30", true)]
    [InlineData("168:00", true)]
    [InlineData("168:01", false)]
    [InlineData("169:00", false)]
    [InlineData("8", false)]
    [InlineData("8:5", false)]
    [InlineData("8:60", false)]
    [InlineData("abc", false)]
    [InlineData("", false)]
    public void Validate_MaximumLoginTimeParameters_FormatChecked(string text, bool valid)
    {
        var intra = World.Validate(new ExtensionMobilityServiceParameters { IntraClusterMaximumLoginTime = text });
        var inter = World.Validate(new ExtensionMobilityServiceParameters { InterClusterMaximumLoginTime = text });
        var user = World.EndUser();
        user.MaximumLoginTime = text;
        var perUser = World.Validate(user);

        if (valid)
        {
            ErrorAssert.None(intra);
            ErrorAssert.None(inter);
            ErrorAssert.None(perUser);
        }
        else
        {
            ErrorAssert.Single(intra, "serviceParameters.extensionMobility", "intraClusterMaximumLoginTime");
            ErrorAssert.Single(inter, "serviceParameters.extensionMobility", "interClusterMaximumLoginTime");
            ErrorAssert.Single(perUser, "endUsers", "maximumLoginTime");
        }
    }
}
