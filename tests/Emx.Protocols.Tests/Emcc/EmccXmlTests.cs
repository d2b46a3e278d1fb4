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
}
