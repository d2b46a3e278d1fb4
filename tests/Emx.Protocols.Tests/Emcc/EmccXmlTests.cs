using Emx.Protocols.Emcc;

namespace Emx.Protocols.Tests.Emcc;

/// <summary>The inter-cluster messages: round trips, the CUCM-observed check-user answer, hostile input.</summary>
public sealed class EmccXmlTests
{
    private static readonly EmccClusterInfo ClusterB = new("ClusterB", "15.0", "nonSecure");

    [Fact]
    public void HomeLoginRequest_RoundTrips()
    {
        var request = new EmccRequest
        {
            Type = EmccRequestType.HomeLogin,
            From = ClusterB,
            UserId = "alice",
            Pin = "24680",
            Profile = "alice-8845",
            Device = new EmccDeviceInfo
            {
                Name = "SEP0B0000000001",
                Model = "Cisco 8845",
                Secure = true,
                Geolocation = new Dictionary<string, string> { ["country"] = "GB", ["a3"] = "London" },
            },
        };

        Assert.True(EmccXml.TryParseRequest(EmccXml.Write(request), out var parsed, out var error), error);

        Assert.Equal(EmccRequestType.HomeLogin, parsed!.Type);
        Assert.Equal(ClusterB, parsed.From);
        Assert.Equal(("alice", "24680", "alice-8845"), (parsed.UserId, parsed.Pin, parsed.Profile));
        Assert.Equal("SEP0B0000000001", parsed.Device!.Name);
        Assert.True(parsed.Device.Secure);
        Assert.Equal("London", parsed.Device.Geolocation["a3"]);
    }

    [Fact]
    public void CheckUserResponse_HasTheShapeCucmLogs()
    {
        var response = new EmccResponse
        {
            Type = EmccRequestType.CheckUser,
            CheckUser = new EmccCheckUserResult("adgjm", true, ["test_emcc_udp"]),
        };

        var xml = EmccXml.Write(response);

        Assert.Contains("<checkUser><user id=\"adgjm\"><numProfiles>1</numProfiles><exists /><deviceProfile1>test_emcc_udp</deviceProfile1></user></checkUser>", xml, StringComparison.Ordinal);
        Assert.True(EmccXml.TryParseResponse(xml, out var parsed, out _));
        Assert.Equal(["test_emcc_udp"], parsed!.CheckUser!.Profiles);
    }

    [Fact]
    public void FailureAndHomeLogin_RoundTrip()
    {
        Assert.True(EmccXml.TryParseResponse(EmccXml.Write(EmccResponse.Failure(EmccRequestType.HomeLogin, 33, "No free EMCC dummy device")), out var failure, out _));
        Assert.Equal(33, failure!.ErrorCode);
        Assert.False(failure.IsSuccess);

        var login = new EmccResponse
        {
            Type = EmccRequestType.HomeLogin,
            HomeLogin = new EmccHomeLoginResult { EmccDevice = "EMCC3", Profile = "alice-8845", Tftp1 = "127.0.1.1:6970", LoginDuration = TimeSpan.FromHours(8) },
        };
        Assert.True(EmccXml.TryParseResponse(EmccXml.Write(login), out var parsed, out _));
        Assert.Equal(login.HomeLogin, parsed!.HomeLogin);
    }

    [Theory]
    [InlineData("<emccRequest type=\"homeLogin\"><user id=\"a\"/></emccRequest>")] // no cluster
    [InlineData("<emccRequest type=\"steal\"><cluster id=\"B\"/></emccRequest>")] // unknown type
    [InlineData("<request/>")]
    [InlineData("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><emccRequest type=\"checkUser\"><cluster id=\"&e;\"/></emccRequest>")]
    [InlineData("not xml")]
    [InlineData("<emccRequest type=\"homeLogin\"><cluster id=\"B\"/><device name=\"SEP1\"/></emccRequest>")] // device without model
    public void HostileOrMalformedRequests_AreRefused(string xml)
    {
        Assert.False(EmccXml.TryParseRequest(xml, out var request, out var error));
        Assert.Null(request);
        Assert.False(string.IsNullOrEmpty(error));
    }

    private const string Token = "q5Vt0q2yYbq1kqZ7l0ZbCw3qV9n3e8wR-_aZ0o1pX2s";

    [Fact]
    public void LoginToken_RoundTripsInTheCheckUserAnswerAndTheHomeLogin()
    {
        var answer = new EmccResponse { Type = EmccRequestType.CheckUser, CheckUser = new EmccCheckUserResult("alice", true, ["alice-8845"], Token) };
        var request = new EmccRequest { Type = EmccRequestType.HomeLogin, From = ClusterB, UserId = "alice", Pin = "24680", LoginToken = Token };

        var answerXml = EmccXml.Write(answer);
        var requestXml = EmccXml.Write(request);

        Assert.Contains("<deviceProfile1>alice-8845</deviceProfile1><loginToken>" + Token + "</loginToken></user>", answerXml, StringComparison.Ordinal);
        Assert.Contains("<user id=\"alice\"><pin>24680</pin><loginToken>" + Token + "</loginToken></user>", requestXml, StringComparison.Ordinal);
        Assert.True(EmccXml.TryParseResponse(answerXml, out var parsedAnswer, out _));
        Assert.True(EmccXml.TryParseRequest(requestXml, out var parsedRequest, out _));
        Assert.Equal(Token, parsedAnswer!.CheckUser!.LoginToken);
        Assert.Equal(["alice-8845"], parsedAnswer.CheckUser.Profiles);
        Assert.Equal((Token, "24680"), (parsedRequest!.LoginToken, parsedRequest.Pin));
    }

    [Fact]
    public void LoginToken_Absent_IsNull_AndNeverWrittenForAMissingUser()
    {
        var missing = EmccXml.Write(new EmccResponse { Type = EmccRequestType.CheckUser, CheckUser = new EmccCheckUserResult("bob", false, [], Token) });
        Assert.True(EmccXml.TryParseRequest("<emccRequest type=\"homeLogin\"><cluster id=\"B\"/><user id=\"a\"><pin>1</pin></user></emccRequest>", out var request, out _));

        Assert.DoesNotContain("loginToken", missing, StringComparison.Ordinal);
        Assert.Null(request!.LoginToken);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")] // under 16 characters
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // 129
    [InlineData("q5Vt0q2yYbq1kqZ7 l0ZbCw3qV9n3e8wR")] // a space
    [InlineData("q5Vt0q2yYbq1kqZ7/l0ZbCw3qV9n3e8wR+")] // base64, not base64url
    [InlineData("q5Vt0q2yYbq1kqZ7\tl0ZbCw3qV9n3e8wR")] // a tab
    [InlineData("q5Vt0q2yYbq1kqZ7l0ZbCw3qV9n3e8wR%00")]
    [InlineData("q5Vt0q2yYbq1kqZ7l0ZbCw3qV9n3e8wRé")]
    [InlineData("q5Vt0q2yYbq1kqZ7l0ZbCw3qV9n3e8wR' OR '1'='1")]
    public void LoginToken_NotOfTheTokensForm_IsIgnored_SoTheHomeVerifiesThePin(string hostile)
    {
        var escaped = System.Security.SecurityElement.Escape(hostile);
        var request = $"<emccRequest type=\"homeLogin\"><cluster id=\"B\"/><user id=\"a\"><pin>1</pin><loginToken>{escaped}</loginToken></user></emccRequest>";
        var answer = $"<emccResponse type=\"checkUser\"><checkUser><user id=\"a\"><numProfiles>0</numProfiles><exists/><loginToken>{escaped}</loginToken></user></checkUser></emccResponse>";

        Assert.True(EmccXml.TryParseRequest(request, out var parsedRequest, out var error), error);
        Assert.True(EmccXml.TryParseResponse(answer, out var parsedAnswer, out error), error);
        Assert.Null(parsedRequest!.LoginToken);
        Assert.Equal("1", parsedRequest.Pin);
        Assert.Null(parsedAnswer!.CheckUser!.LoginToken);
        Assert.False(EmccLoginToken.IsWellFormed(hostile));
        Assert.DoesNotContain("loginToken", EmccXml.Write(new EmccRequest { Type = EmccRequestType.HomeLogin, From = ClusterB, UserId = "a", LoginToken = hostile }), StringComparison.Ordinal);
    }

    [Fact]
    public void LoginToken_RepeatedOrNested_IsIgnored()
    {
        var twice = $"<emccRequest type=\"homeLogin\"><cluster id=\"B\"/><user id=\"a\"><loginToken>{Token}</loginToken><loginToken>{Token}</loginToken></user></emccRequest>";
        var nested = $"<emccRequest type=\"homeLogin\"><cluster id=\"B\"/><user id=\"a\"><loginToken><b>{Token}</b>x</loginToken></user></emccRequest>";
        var outside = $"<emccRequest type=\"homeLogin\"><cluster id=\"B\"/><user id=\"a\"/><loginToken>{Token}</loginToken></emccRequest>";

        foreach (var xml in new[] { twice, nested, outside })
        {
            Assert.True(EmccXml.TryParseRequest(xml, out var request, out var error), error);
            Assert.Null(request!.LoginToken);
        }
    }

    [Fact]
    public void ToString_NeverShowsThePinOrTheToken()
    {
        var request = new EmccRequest { Type = EmccRequestType.HomeLogin, From = ClusterB, UserId = "alice", Pin = "24680", LoginToken = Token };
        var result = new EmccCheckUserResult("alice", true, ["alice-8845"], Token);

        Assert.DoesNotContain("24680", request.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, request.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, result.ToString(), StringComparison.Ordinal);
        Assert.Contains("alice", request.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RequestNumber_RoundTrips()
    {
        var request = new EmccRequest { Type = EmccRequestType.CheckUser, From = ClusterB, UserId = "alice", RequestNumber = 7 };

        var xml = EmccXml.Write(request);

        Assert.StartsWith("<emccRequest version=\"1\" type=\"checkUser\" requestNumber=\"7\">", xml, StringComparison.Ordinal);
        Assert.True(EmccXml.TryParseRequest(xml, out var parsed, out _));
        Assert.Equal(7, parsed!.RequestNumber);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("+3")]
    [InlineData(" 3")]
    [InlineData("3.5")]
    [InlineData("0x10")]
    [InlineData("99999999999999999999999")]
    [InlineData("3; DROP TABLE users")]
    public void RequestNumber_NotAPositiveNumber_IsIgnored(string hostile)
    {
        var xml = $"<emccRequest type=\"checkUser\" requestNumber=\"{System.Security.SecurityElement.Escape(hostile)}\"><cluster id=\"B\"/><user id=\"a\"/></emccRequest>";

        Assert.True(EmccXml.TryParseRequest(xml, out var request, out var error), error);
        Assert.Null(request!.RequestNumber);
        Assert.Equal("a", request.UserId);
    }
}
