namespace Emx.Protocols.Tests;

public sealed class EmApiRequestWriterTests
{
    private static readonly EmAppInfo App = new() { AppId = "appid", Certificate = "apppasswd" };

    public static TheoryData<string> RequestNames => new()
    {
        "login-full", "login-indefinite", "login-minimal", "logout", "logoutAll", "deviceUser", "userDevices", "deviceProfile", "checkUser",
    };

    private static EmApiRequest Request(string name) => name switch
    {
        "login-full" => new EmApiLoginRequest
        {
            AppInfo = App,
            DeviceName = "SEP003094C25B15",
            UserId = "em@cisco.com",
            DeviceProfile = "UserDevProf",
            ExclusiveDuration = ExclusiveDuration.FromMinutes(60),
            RemoteIpAddress = "10.0.0.1",
            IsViaHeaderSet = false,
        },
        "login-indefinite" => new EmApiLoginRequest { AppInfo = App, DeviceName = "SEP1", UserId = "u", ExclusiveDuration = ExclusiveDuration.Indefinite },
        "login-minimal" => new EmApiLoginRequest { AppInfo = App, DeviceName = "SEP1", UserId = "u" },
        "logout" => new EmApiLogoutRequest { AppInfo = App with { IsEncrypted = true }, DeviceName = "SEP1", RemoteIpAddress = "10.0.0.2", IsViaHeaderSet = true },
        "logoutAll" => new EmApiLogoutAllRequest { AppInfo = App },
        "deviceUser" => new EmApiDeviceUserQuery { AppInfo = App, DeviceNames = ["SEP1", "SEP2"], RemoteIpAddress = "10.0.0.3" },
        "userDevices" => new EmApiUserDevicesQuery { AppInfo = App, UserIds = ["john", "em@cisco.com"] },
        "deviceProfile" => new EmApiDeviceProfileQuery { AppInfo = App, UserIds = ["jürg"] },
        "checkUser" => new EmApiCheckUserQuery { AppInfo = App, UserIds = ["EMuser"], RemoteIpAddress = "10.65.40.61", IsViaHeaderSet = false },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(RequestNames))]
    public void Write_ThenParse_RoundTrips(string name)
    {
        var request = Request(name);

        var parsed = EmApiRequestParser.Parse(EmApiRequestWriter.Write(request));

        Assert.True(parsed.IsSuccess, parsed.Error?.Message);
        Assert.Equal(request, parsed.Request);
    }

    [Fact]
    public void Write_Login_MatchesReferenceExampleCompact()
    {
        var xml = EmApiRequestWriter.Write(new EmApiLoginRequest
        {
            AppInfo = App,
            DeviceName = "SEP003094C25B15",
            UserId = "john",
            DeviceProfile = "UserDevProf",
            ExclusiveDuration = ExclusiveDuration.FromMinutes(60),
        });

        Assert.Equal(
            "<request><appInfo><appID>appid</appID><appCertificate>apppasswd</appCertificate></appInfo><login>" +
            "<deviceName>SEP003094C25B15</deviceName><userID>john</userID><deviceProfile>UserDevProf</deviceProfile>" +
            "<exclusiveDuration><time>60</time></exclusiveDuration></login></request>",
            xml);
    }

    [Fact]
    public void Write_CheckUser_MatchesEmAppTraceShape()
    {
        var xml = EmApiRequestWriter.Write(new EmApiCheckUserQuery
        {
            AppInfo = new EmAppInfo { AppId = "CCMSysUser", Certificate = "enc", IsEncrypted = true },
            UserIds = ["EMuser"],
            RemoteIpAddress = "10.65.40.61",
            IsViaHeaderSet = false,
        });

        Assert.Equal(
            "<query><appInfo><appID>CCMSysUser</appID><appEncryptedCertificate>enc</appEncryptedCertificate></appInfo>" +
            "<checkUser><userID>EMuser</userID><remoteIPAddr>10.65.40.61</remoteIPAddr><isViaHeaderSet>false</isViaHeaderSet></checkUser></query>",
            xml);
    }

    [Fact]
    public void Write_CertificateWithMarkup_IsEscaped()
    {
        var xml = EmApiRequestWriter.Write(new EmApiLogoutAllRequest { AppInfo = new EmAppInfo { AppId = "a", Certificate = "<&>" } });

        Assert.Contains("<appCertificate>&lt;&amp;&gt;</appCertificate>", xml, StringComparison.Ordinal);
    }
}
