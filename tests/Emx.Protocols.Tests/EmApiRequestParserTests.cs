using System.Diagnostics;

namespace Emx.Protocols.Tests;

public sealed class EmApiRequestParserTests
{
    private const string AppInfo = "<appInfo><appID>appid</appID><appCertificate>apppasswd</appCertificate></appInfo>";

    private static EmApiRequest ParseOk(string xml)
    {
        var result = EmApiRequestParser.Parse(xml);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Request;
    }

    private static EmApiParseError ParseFails(string xml)
    {
        var result = EmApiRequestParser.Parse(xml);
        Assert.False(result.IsSuccess);
        return result.Error;
    }

    [Fact]
    public void Parse_ReferenceLoginPrettyPrinted_ReturnsLogin()
    {
        var request = Assert.IsType<EmApiLoginRequest>(ParseOk(Fixture.Text("EmApi/login-request-pretty.xml")));

        Assert.Equal("appid", request.AppInfo.AppId);
        Assert.Equal("apppasswd", request.AppInfo.Certificate);
        Assert.False(request.AppInfo.IsEncrypted);
        Assert.Equal("SEP003094C25B15", request.DeviceName);
        Assert.Equal("john", request.UserId);
        Assert.Equal("UserDevProf", request.DeviceProfile);
        Assert.Equal(60, request.ExclusiveDuration!.Minutes);
        Assert.Null(request.RemoteIpAddress);
        Assert.Null(request.IsViaHeaderSet);
    }

    [Fact]
    public void Parse_LoginWithoutOptionalElements_LeavesThemNull()
    {
        var request = Assert.IsType<EmApiLoginRequest>(ParseOk(
            $"<request>{AppInfo}<login><deviceName>SEP003094C25B15</deviceName><userID>john</userID></login></request>"));

        Assert.Null(request.DeviceProfile);
        Assert.Null(request.ExclusiveDuration);
    }

    [Theory]
    [InlineData("<indefinite/>")]
    [InlineData("<indefinite></indefinite>")]
    [InlineData("<indefinite> </indefinite>")]
    public void Parse_IndefiniteInEitherForm_ReturnsIndefinite(string indefinite)
    {
        var request = Assert.IsType<EmApiLoginRequest>(ParseOk(
            $"<request>{AppInfo}<login><deviceName>SEP1</deviceName><userID>u</userID><exclusiveDuration>{indefinite}</exclusiveDuration></login></request>"));

        Assert.True(request.ExclusiveDuration!.IsIndefinite);
        Assert.Null(request.ExclusiveDuration.Minutes);
    }

    [Fact]
    public void Parse_LoginWithAllElementsInDtdOrder_ReadsRemoteIpAndVia()
    {
        var request = Assert.IsType<EmApiLoginRequest>(ParseOk(
            $"<request>{AppInfo}<login><deviceName>SEP1</deviceName><userID>u</userID><deviceProfile>P</deviceProfile>" +
            "<exclusiveDuration><time>0</time></exclusiveDuration><remoteIPAddr>10.65.40.61</remoteIPAddr><isViaHeaderSet>TRUE</isViaHeaderSet></login></request>"));

        Assert.Equal(0, request.ExclusiveDuration!.Minutes);
        Assert.Equal("10.65.40.61", request.RemoteIpAddress);
        Assert.True(request.IsViaHeaderSet);
    }

    [Theory]
    [InlineData("false", false)]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("yes", false)]
    [InlineData("", false)]
    public void Parse_IsViaHeaderSet_FollowsJavaParseBoolean(string value, bool expected)
    {
        var request = ParseOk($"<request>{AppInfo}<logout><deviceName>SEP1</deviceName><isViaHeaderSet>{value}</isViaHeaderSet></logout></request>");

        Assert.Equal(expected, request.IsViaHeaderSet);
    }

    [Fact]
    public void Parse_ChildrenOutOfDtdOrder_AreAccepted()
    {
        var request = Assert.IsType<EmApiLoginRequest>(ParseOk(
            "<request><login><userID>u</userID><deviceName>SEP1</deviceName></login>" +
            "<appInfo><appCertificate>pw</appCertificate><appID>app</appID></appInfo></request>"));

        Assert.Equal("SEP1", request.DeviceName);
        Assert.Equal("app", request.AppInfo.AppId);
    }

    [Fact]
    public void Parse_UserIdPercentEncoded_IsDecodedAsUtf8()
    {
        var request = Assert.IsType<EmApiLoginRequest>(ParseOk(
            $"<request>{AppInfo}<login><deviceName>SEP1</deviceName><userID>em%40cisco.com</userID></login></request>"));
        var query = Assert.IsType<EmApiUserDevicesQuery>(ParseOk(
            $"<query>{AppInfo}<userDevicesQuery><userID>j%C3%BCrg%20m</userID><userID>a+b</userID></userDevicesQuery></query>"));

        Assert.Equal("em@cisco.com", request.UserId);
        Assert.Equal(["jürg m", "a+b"], query.UserIds);
    }

    [Fact]
    public void Parse_IdentifiersAreTrimmedButCertificateIsNot()
    {
        var request = Assert.IsType<EmApiLoginRequest>(ParseOk(
            "<request><appInfo><appID> app </appID><appCertificate> secret </appCertificate></appInfo>" +
            "<login><deviceName>\n  SEP1\n</deviceName><userID> u </userID></login></request>"));

        Assert.Equal("app", request.AppInfo.AppId);
        Assert.Equal(" secret ", request.AppInfo.Certificate);
        Assert.Equal("SEP1", request.DeviceName);
        Assert.Equal("u", request.UserId);
    }

    [Fact]
    public void Parse_Logout_ReturnsLogoutWithRemoteIp()
    {
        var request = Assert.IsType<EmApiLogoutRequest>(ParseOk(
            $"<request>{AppInfo}<logout><deviceName>SEPC80084AA8743</deviceName><remoteIPAddr>10.1.1.1</remoteIPAddr><isViaHeaderSet>false</isViaHeaderSet></logout></request>"));

        Assert.Equal("SEPC80084AA8743", request.DeviceName);
        Assert.Equal("10.1.1.1", request.RemoteIpAddress);
        Assert.False(request.IsViaHeaderSet);
    }

    [Theory]
    [InlineData("<logoutAll></logoutAll>")]
    [InlineData("<logoutAll/>")]
    public void Parse_LogoutAll_ReturnsLogoutAll(string element)
    {
        Assert.IsType<EmApiLogoutAllRequest>(ParseOk($"<request>{AppInfo}{element}</request>"));
    }

    [Fact]
    public void Parse_EncryptedCertificate_IsFlagged()
    {
        var request = ParseOk("<request><appInfo><appID>CCMSysUser</appID><appEncryptedCertificate>abc=</appEncryptedCertificate></appInfo><logoutAll/></request>");

        Assert.True(request.AppInfo.IsEncrypted);
        Assert.Equal("abc=", request.AppInfo.Certificate);
    }

    [Fact]
    public void Parse_EmAppCheckUserWithDoctypeAndDeclaration_ReturnsCheckUser()
    {
        var query = Assert.IsType<EmApiCheckUserQuery>(ParseOk(Fixture.Text("EmApi/check-user-query-emapp.xml")));

        Assert.Equal(["EMuser"], query.UserIds);
        Assert.Equal("CCMSysUser", query.AppInfo.AppId);
        Assert.True(query.AppInfo.IsEncrypted);
        Assert.Equal("10.65.40.61", query.RemoteIpAddress);
        Assert.False(query.IsViaHeaderSet);
    }

    [Fact]
    public void Parse_DeviceUserQueryWithSeveralDevicesAndLoginType_IgnoresLoginType()
    {
        var query = Assert.IsType<EmApiDeviceUserQuery>(ParseOk(
            $"<query>{AppInfo}<deviceUserQuery><deviceName>SEP1</deviceName><loginType>DN</loginType><deviceName>test_secure</deviceName><remoteIPAddr>10.0.0.5</remoteIPAddr></deviceUserQuery></query>"));

        Assert.Equal(["SEP1", "test_secure"], query.DeviceNames);
        Assert.Equal("10.0.0.5", query.RemoteIpAddress);
    }

    [Fact]
    public void Parse_DeviceUserQueryDeviceNames_AreNotPercentDecoded()
    {
        var query = Assert.IsType<EmApiDeviceUserQuery>(ParseOk($"<query>{AppInfo}<deviceUserQuery><deviceName>a%40b</deviceName></deviceUserQuery></query>"));

        Assert.Equal(["a%40b"], query.DeviceNames);
    }

    [Theory]
    [InlineData("deviceProfileQuery")]
    [InlineData("userDeviceProfileQuery")]
    public void Parse_DeviceProfileQueryInBothSpellings_ReturnsDeviceProfileQuery(string element)
    {
        var query = Assert.IsType<EmApiDeviceProfileQuery>(ParseOk(
            $"<query>{AppInfo}<{element}><userID>em%40cisco.com</userID><userID>john</userID></{element}></query>"));

        Assert.Equal(["em@cisco.com", "john"], query.UserIds);
    }

    [Fact]
    public void Parse_QueryPrettyPrintedWithCrLf_IsAccepted()
    {
        var query = Assert.IsType<EmApiUserDevicesQuery>(ParseOk(
            "<query>\r\n  <appInfo>\r\n    <appID>a</appID>\r\n    <appCertificate>b</appCertificate>\r\n  </appInfo>\r\n" +
            "  <userDevicesQuery>\r\n    <userID>john</userID>\r\n  </userDevicesQuery>\r\n</query>\r\n"));

        Assert.Equal(["john"], query.UserIds);
    }

    [Fact]
    public void Parse_UnknownQueryElement_Returns8()
    {
        var error = ParseFails($"<query>{AppInfo}<fooQuery><userID>a</userID></fooQuery></query>");

        Assert.Equal(EmServiceErrorCode.QueryTypeUndetermined, error.Code);
        Assert.Contains("fooQuery", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_QueryWithoutQueryElement_Returns8()
    {
        Assert.Equal(EmServiceErrorCode.QueryTypeUndetermined, ParseFails($"<query>{AppInfo}</query>").Code);
    }

    [Theory]
    [InlineData("<response><success/></response>")]
    [InlineData("<Request><appInfo><appID>a</appID><appCertificate>b</appCertificate></appInfo><logoutAll/></Request>")]
    public void Parse_WrongRoot_Returns1(string xml)
    {
        var error = ParseFails(xml);

        Assert.Equal(EmServiceErrorCode.ErrorOnParsing, error.Code);
        Assert.Null(error.XmlFailure);
    }

    [Theory]
    [InlineData("<request><logoutAll/></request>")]
    [InlineData("<request><appInfo><appCertificate>b</appCertificate></appInfo><logoutAll/></request>")]
    [InlineData("<request><appInfo><appID>a</appID></appInfo><logoutAll/></request>")]
    [InlineData("<request><appInfo><appID>a</appID><appCertificate>b</appCertificate><appEncryptedCertificate>c</appEncryptedCertificate></appInfo><logoutAll/></request>")]
    [InlineData("<request><appInfo><appID>a</appID><appID>b</appID><appCertificate>b</appCertificate></appInfo><logoutAll/></request>")]
    [InlineData("<request><appInfo><appID>a</appID><appCertificate>b</appCertificate></appInfo><appInfo><appID>a</appID><appCertificate>b</appCertificate></appInfo><logoutAll/></request>")]
    [InlineData("<request>" + AppInfo + "</request>")]
    [InlineData("<request>" + AppInfo + "<login><deviceName>SEP1</deviceName></login></request>")]
    [InlineData("<request>" + AppInfo + "<login><userID>u</userID></login></request>")]
    [InlineData("<request>" + AppInfo + "<login><deviceName>SEP1</deviceName><deviceName>SEP2</deviceName><userID>u</userID></login></request>")]
    [InlineData("<request>" + AppInfo + "<login><deviceName><x/></deviceName><userID>u</userID></login></request>")]
    [InlineData("<request>" + AppInfo + "<logout></logout></request>")]
    [InlineData("<request>" + AppInfo + "<logout><deviceName>a</deviceName></logout><logoutAll/></request>")]
    [InlineData("<request>" + AppInfo + "stray text<logoutAll/></request>")]
    [InlineData("<request>" + AppInfo + "<logout>stray<deviceName>a</deviceName></logout></request>")]
    [InlineData("<request>" + AppInfo + "<foo/></request>")]
    public void Parse_MissingDuplicatedOrMisplacedRequiredElement_Returns1(string xml)
    {
        Assert.Equal(EmServiceErrorCode.ErrorOnParsing, ParseFails(xml).Code);
    }

    [Theory]
    [InlineData("<exclusiveDuration></exclusiveDuration>")]
    [InlineData("<exclusiveDuration><time>60</time><indefinite/></exclusiveDuration>")]
    [InlineData("<exclusiveDuration><time>sixty</time></exclusiveDuration>")]
    [InlineData("<exclusiveDuration><time>-5</time></exclusiveDuration>")]
    [InlineData("<exclusiveDuration><time>99999999999</time></exclusiveDuration>")]
    [InlineData("<exclusiveDuration><indefinite>x</indefinite></exclusiveDuration>")]
    [InlineData("<exclusiveDuration>60</exclusiveDuration>")]
    public void Parse_InvalidExclusiveDuration_Returns1(string duration)
    {
        var error = ParseFails($"<request>{AppInfo}<login><deviceName>SEP1</deviceName><userID>u</userID>{duration}</login></request>");

        Assert.Equal(EmServiceErrorCode.ErrorOnParsing, error.Code);
    }

    [Theory]
    [InlineData("<query>" + AppInfo + "<deviceUserQuery></deviceUserQuery></query>")]
    [InlineData("<query>" + AppInfo + "<userDevicesQuery><deviceName>x</deviceName></userDevicesQuery></query>")]
    [InlineData("<query>" + AppInfo + "<checkUser/></query>")]
    [InlineData("<query>" + AppInfo + "<checkUser><userID>a</userID></checkUser><userDevicesQuery><userID>a</userID></userDevicesQuery></query>")]
    [InlineData("<query><checkUser><userID>a</userID></checkUser></query>")]
    [InlineData("<query>" + AppInfo + "<checkUser><userID>a</userID><remoteIPAddr>1</remoteIPAddr><remoteIPAddr>2</remoteIPAddr></checkUser></query>")]
    public void Parse_InvalidQuery_Returns1(string xml)
    {
        Assert.Equal(EmServiceErrorCode.ErrorOnParsing, ParseFails(xml).Code);
    }

    [Theory]
    [MemberData(nameof(Hostile.Names), MemberType = typeof(Hostile))]
    public void Parse_HostileInput_Returns1Quickly(string name)
    {
        var xml = Hostile.Get(name, "query");
        _ = EmApiRequestParser.Parse("<warm-up/>");
        var stopwatch = Stopwatch.StartNew();

        var error = ParseFails(xml);

        Assert.Equal(EmServiceErrorCode.ErrorOnParsing, error.Code);
        Assert.True(stopwatch.ElapsedMilliseconds < 500, $"{name} took {stopwatch.ElapsedMilliseconds} ms.");
    }

    [Fact]
    public void Parse_ExternalEntity_ExposesXmlFailure()
    {
        var error = ParseFails(Hostile.ExternalEntity);

        Assert.Equal(SafeXmlFailureKind.EntityReference, error.XmlFailure!.Kind);
    }

    [Fact]
    public void AppInfo_ToString_NeverPrintsCertificate()
    {
        var request = ParseOk($"<request>{AppInfo}<logoutAll/></request>");

        Assert.DoesNotContain("apppasswd", request.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("apppasswd", request.AppInfo.ToString(), StringComparison.Ordinal);
        Assert.Contains("appid", request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SameDocumentTwice_ReturnsEqualRecords()
    {
        var xml = $"<query>{AppInfo}<deviceUserQuery><deviceName>SEP1</deviceName><deviceName>SEP2</deviceName></deviceUserQuery></query>";

        Assert.Equal(ParseOk(xml), ParseOk(xml));
    }
}
