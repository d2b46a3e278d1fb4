namespace Emx.Protocols.Tests;

public sealed class EmApiResponseWriterTests
{
    private static void AssertBytes(string fixture, string actual) =>
        Assert.Equal(Fixture.Bytes("EmApi/" + fixture), Encoding.UTF8.GetBytes(actual));

    [Fact]
    public void Success_MatchesCucmTraceByteForByte()
    {
        AssertBytes("success.xml", EmApiResponseWriter.Success());
    }

    [Fact]
    public void Failure_MatchesReferenceExampleByteForByte()
    {
        AssertBytes("failure-3.xml", EmApiResponseWriter.Failure(EmServiceErrorCode.InvalidAppUser, "Could not authenticate 'appid'"));
    }

    [Fact]
    public void Failure_WithoutText_UsesQuickDescription()
    {
        Assert.Equal(
            "<?xml version=\"1.0\"?>\n<response><failure><error code=\"25\">User logged in elsewhere</error></failure></response>",
            EmApiResponseWriter.Failure(EmServiceErrorCode.UserLoggedInElsewhere));
    }

    [Fact]
    public void Failure_TextWithMarkup_IsEscaped()
    {
        Assert.Equal(
            "<?xml version=\"1.0\"?>\n<response><failure><error code=\"1\">bad &lt;x&gt; &amp; \"y\"</error></failure></response>",
            EmApiResponseWriter.Failure(EmServiceErrorCode.ErrorOnParsing, "bad <x> & \"y\""));
    }

    [Fact]
    public void DeviceUserResults_LoggedIn_MatchesReferenceExample()
    {
        AssertBytes("device-user-logged-in.xml", EmApiResponseWriter.DeviceUserResults(
        [
            new EmDeviceUserResult { DeviceName = "SEP402CF4915265", CurrentUserId = "em@cisco.com", LastLoginUserId = "em", IsEmccDevice = false },
        ]));
    }

    [Fact]
    public void DeviceUserResults_NobodyAndNoLastUser_MatchesCucmTrace()
    {
        AssertBytes("device-user-nobody.xml", EmApiResponseWriter.DeviceUserResults(
        [
            new EmDeviceUserResult { DeviceName = "test_secure" },
        ]));
    }

    [Fact]
    public void DeviceUserResults_UnknownDevice_WritesDoesNotExist()
    {
        AssertBytes("device-user-does-not-exist.xml", EmApiResponseWriter.DeviceUserResults(
        [
            EmDeviceUserResult.NotFound("SEP003094C25B15"),
        ]));
    }

    [Fact]
    public void DeviceUserResults_KeepsPositionalOrderForEveryDevice()
    {
        var xml = EmApiResponseWriter.DeviceUserResults(
        [
            new EmDeviceUserResult { DeviceName = "SEP1", CurrentUserId = "a", IsEmccDevice = true },
            new EmDeviceUserResult { DeviceName = "SEP2", LastLoginUserId = "b" },
        ]);

        Assert.Equal(
            "<?xml version=\"1.0\"?>\n<response><deviceUserResults>" +
            "<device name=\"SEP1\"><userID>a</userID><none/><emccDevice>yes</emccDevice></device>" +
            "<device name=\"SEP2\"><none/><lastlogin>b</lastlogin><emccDevice>no</emccDevice></device>" +
            "</deviceUserResults></response>",
            xml);
    }

    [Fact]
    public void DeviceUserResults_DeviceNameWithMarkup_IsAttributeEscaped()
    {
        var xml = EmApiResponseWriter.DeviceUserResults([EmDeviceUserResult.NotFound("a\"<&>b")]);

        Assert.Contains("<device name=\"a&quot;&lt;&amp;&gt;b\">", xml, StringComparison.Ordinal);
        Assert.True(SafeXml.Parse(xml).IsSuccess);
    }

    [Fact]
    public void UserDevicesResults_TwoDevices_MatchesReferenceExample()
    {
        AssertBytes("user-devices.xml", EmApiResponseWriter.UserDevicesResults(
        [
            new EmUserDevicesResult { UserId = "john", DeviceNames = ["SEP003094C25B15", "SEP003094C25B49"] },
        ]));
    }

    [Fact]
    public void UserDevicesResults_NotLoggedInAndUnknown_WriteNoneAndDoesNotExist()
    {
        AssertBytes("user-devices-none-and-unknown.xml", EmApiResponseWriter.UserDevicesResults(
        [
            new EmUserDevicesResult { UserId = "john" },
            EmUserDevicesResult.NotFound("jane"),
        ]));
    }

    [Fact]
    public void DeviceProfileResults_MatchesReferenceShapeWithInformixBooleans()
    {
        AssertBytes("device-profiles.xml", EmApiResponseWriter.DeviceProfileResults(
        [
            new EmUserDeviceProfilesResult
            {
                UserId = "em@cisco.com",
                Profiles =
                [
                    new EmDeviceProfileEntry { Name = "EM-SCCP-Profile-7970", IsDefault = false },
                    new EmDeviceProfileEntry { Name = "EM-SIP-Profile-8865", IsDefault = true },
                ],
            },
        ]));
    }

    [Fact]
    public void DeviceProfileResults_UnknownNoProfilesAndError_WriteTheirForms()
    {
        var xml = EmApiResponseWriter.DeviceProfileResults(
        [
            EmUserDeviceProfilesResult.NotFound("ghost"),
            new EmUserDeviceProfilesResult { UserId = "bare" },
            new EmUserDeviceProfilesResult { UserId = "x", ErrorCode = EmServiceErrorCode.UserDoesNotExist },
        ]);

        Assert.Equal(
            "<?xml version=\"1.0\"?>\n<response><deviceProfileResults>" +
            "<user id=\"ghost\"><doesNotExist/></user>" +
            "<user id=\"bare\"><none/></user>" +
            "<user id=\"x\"><failure><error code=\"23\">User does not exist</error></failure></user>" +
            "</deviceProfileResults></response>",
            xml);
    }

    [Fact]
    public void CheckUserResults_Exists_MatchesCucmTrace()
    {
        AssertBytes("check-user.xml", EmApiResponseWriter.CheckUserResults([new EmCheckUserResult { UserId = "EMuser", Exists = true }]));
    }

    [Fact]
    public void CheckUserResults_Unknown_WritesDoesNotExist()
    {
        AssertBytes("check-user-does-not-exist.xml", EmApiResponseWriter.CheckUserResults([new EmCheckUserResult { UserId = "ghost", Exists = false }]));
    }

    [Fact]
    public void CheckUserResults_UserIdWithReservedCharacters_IsPercentEncodedInAttributeAndText()
    {
        var xml = EmApiResponseWriter.CheckUserResults([new EmCheckUserResult { UserId = "jürg m&<x>@a", Exists = true }]);

        Assert.Equal(
            "<?xml version=\"1.0\"?>\n<response><checkUserResults><user id=\"j%C3%BCrg%20m%26%3Cx%3E%40a\"><exists>j%C3%BCrg%20m%26%3Cx%3E%40a</exists></user></checkUserResults></response>",
            xml);
    }

    [Fact]
    public void Responses_UserTextWithInvalidXmlCharacters_StayWellFormed()
    {
        var xml = EmApiResponseWriter.Failure(EmServiceErrorCode.UnknownError, "a\u0000b\u0001c\uD800d");

        Assert.True(SafeXml.Parse(xml).IsSuccess);
        Assert.Contains(">abcd<", xml, StringComparison.Ordinal);
    }
}
