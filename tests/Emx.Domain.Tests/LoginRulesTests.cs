using Emx.Domain.ExtensionMobility;
using Emx.Domain.Runtime;

namespace Emx.Domain.Tests;

/// <summary>The EM login/logout rules, one decision at a time.</summary>
public sealed class LoginRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

    private static LoginFacts Facts(
        Action<Phone>? phone = null,
        Action<EndUser>? user = null,
        ExtensionMobilityServiceParameters? parameters = null,
        string? requestedProfile = null,
        TimeSpan? duration = null,
        ExtensionMobilityDynamic? state = null,
        IReadOnlyList<string>? userDevices = null,
        bool noPhone = false,
        bool noUser = false)
    {
        var p = new Phone { Name = "SEP000000000001", Model = "Cisco 8845", EnableExtensionMobility = true };
        phone?.Invoke(p);
        var u = new EndUser { UserId = "alice", ControlledProfiles = ["alice-8845", "alice-7841"] };
        user?.Invoke(u);
        return new LoginFacts
        {
            DeviceName = p.Name,
            UserId = u.UserId,
            RequestedProfile = requestedProfile,
            RequestedDuration = duration,
            Phone = noPhone ? null : p,
            Model = new PhoneModel { Name = "Cisco 8845", Protocols = [DeviceProtocol.SIP], Features = [PhoneFeature.ExtensionMobility] },
            User = noUser ? null : u,
            DeviceState = state,
            UserDevices = userDevices ?? [],
            ExistingProfiles = new HashSet<string> { "alice-8845", "alice-7841" },
            Parameters = parameters ?? new ExtensionMobilityServiceParameters(),
        };
    }

    private static ExtensionMobilityDynamic LoggedIn(string user)
    {
        var state = ExtensionMobilityDynamic.ForDevice("SEP000000000001");
        state.LogIn(user, "p", Now, null);
        return state;
    }

    [Fact]
    public void DecideLogin_AllGood_UsesDefaultProfileIndefinitely()
    {
        var decision = LoginRules.DecideLogin(Facts());

        Assert.Null(decision.Rejection);
        Assert.Equal("alice-8845", decision.Profile);
        Assert.Null(decision.Duration);
        Assert.Empty(decision.AutoLogoutDevices);
    }

    [Fact]
    public void DecideLogin_NoPhone_DeviceNotFound() =>
        Assert.Equal(EmRejection.DeviceNotFound, LoginRules.DecideLogin(Facts(noPhone: true)).Rejection);

    [Fact]
    public void DecideLogin_EmDisabledOnPhone_DeviceLogonDisabled() =>
        Assert.Equal(EmRejection.DeviceLogonDisabled, LoginRules.DecideLogin(Facts(phone: p => p.EnableExtensionMobility = false)).Rejection);

    [Fact]
    public void DecideLogin_NoUser_UserNotFound() =>
        Assert.Equal(EmRejection.UserNotFound, LoginRules.DecideLogin(Facts(noUser: true)).Rejection);

    [Fact]
    public void DecideLogin_AlphaUserIdWhileNumericOnly_UserNotFound() =>
        Assert.Equal(EmRejection.UserNotFound, LoginRules.DecideLogin(Facts(parameters: new ExtensionMobilityServiceParameters { AlphanumericUserId = false })).Rejection);

    [Theory]
    [InlineData("bob-8845")]
    [InlineData("not-there")]
    public void DecideLogin_ProfileNotControlledOrMissing_ProfileNotFound(string profile) =>
        Assert.Equal(EmRejection.ProfileNotFound, LoginRules.DecideLogin(Facts(requestedProfile: profile)).Rejection);

    [Fact]
    public void DecideLogin_UserWithoutProfiles_ProfileNotFound() =>
        Assert.Equal(EmRejection.ProfileNotFound, LoginRules.DecideLogin(Facts(user: u => u.ControlledProfiles = [])).Rejection);

    [Fact]
    public void DecideLogin_RequestedSecondProfile_Used() =>
        Assert.Equal("alice-7841", LoginRules.DecideLogin(Facts(requestedProfile: "alice-7841")).Profile);

    [Theory]
    [InlineData("alice")]
    [InlineData("bob")]
    public void DecideLogin_PhoneAlreadyHasAUser_DeviceInUse(string current) =>
        Assert.Equal(EmRejection.DeviceInUse, LoginRules.DecideLogin(Facts(state: LoggedIn(current))).Rejection);

    [Theory]
    [InlineData(MultipleLoginBehavior.NotAllowed, EmRejection.UserLoggedInElsewhere, 0)]
    [InlineData(MultipleLoginBehavior.Allowed, null, 0)]
    [InlineData(MultipleLoginBehavior.AutoLogout, null, 1)]
    public void DecideLogin_UserOnAnotherPhone_FollowsMultipleLoginBehavior(MultipleLoginBehavior behavior, EmRejection? expected, int autoLogouts)
    {
        var decision = LoginRules.DecideLogin(Facts(
            parameters: new ExtensionMobilityServiceParameters { MultipleLoginBehavior = behavior },
            userDevices: ["SEP000000000002"]));

        Assert.Equal(expected, decision.Rejection);
        Assert.Equal(autoLogouts, decision.AutoLogoutDevices.Count);
    }

    [Fact]
    public void DecideLogin_RulesCheckedInCiscoOrder_DeviceBeforeUserBeforeBusy()
    {
        // Everything is wrong at once: the first rule in order wins.
        Assert.Equal(EmRejection.DeviceNotFound, LoginRules.DecideLogin(Facts(noPhone: true, noUser: true, state: LoggedIn("bob"))).Rejection);
        Assert.Equal(EmRejection.UserNotFound, LoginRules.DecideLogin(Facts(noUser: true, state: LoggedIn("bob"))).Rejection);
        Assert.Equal(EmRejection.DeviceInUse, LoginRules.DecideLogin(Facts(state: LoggedIn("bob"), userDevices: ["SEP000000000002"])).Rejection);
    }

    [Theory]
    [InlineData(false, "8:00", null, null, null)]
    [InlineData(false, "8:00", null, 30, 30)]
    [InlineData(true, "8:00", null, null, 480)]
    [InlineData(true, "8:00", null, 30, 30)]
    [InlineData(true, "8:00", null, 600, 480)]
    [InlineData(true, "8:00", null, -1, 480)]
    [InlineData(true, "8:00", "1:00", null, 60)]
    [InlineData(true, "0:00", null, null, null)]
    [InlineData(false, "8:00", null, -1, null)]
    public void LoginDuration_ExplicitDefaultAndEnforcedMaximum(bool enforce, string maximum, string? userMaximum, int? requestedMinutes, int? expectedMinutes)
    {
        var parameters = new ExtensionMobilityServiceParameters { EnforceIntraClusterMaximumLoginTime = enforce, IntraClusterMaximumLoginTime = maximum };
        var user = new EndUser { UserId = "alice", MaximumLoginTime = userMaximum };
        TimeSpan? requested = requestedMinutes switch { null => null, -1 => Timeout.InfiniteTimeSpan, { } m => TimeSpan.FromMinutes(m) };

        var duration = LoginRules.LoginDuration(requested, user, parameters);

        Assert.Equal(expectedMinutes is { } e ? TimeSpan.FromMinutes(e) : null, duration);
    }

    [Fact]
    public void DecideLogout_Cases()
    {
        var phone = new Phone { Name = "SEP000000000001", EnableExtensionMobility = true };
        Assert.Equal(EmRejection.DeviceNotFound, LoginRules.DecideLogout(null, null));
        Assert.Equal(EmRejection.DeviceLogonDisabled, LoginRules.DecideLogout(new Phone { Name = "x" }, LoggedIn("alice")));
        Assert.Equal(EmRejection.NoUserLoggedIn, LoginRules.DecideLogout(phone, null));
        Assert.Equal(EmRejection.NoUserLoggedIn, LoginRules.DecideLogout(phone, ExtensionMobilityDynamic.ForDevice(phone.Name)));
        Assert.Null(LoginRules.DecideLogout(phone, LoggedIn("alice")));
    }

    [Theory]
    [InlineData(false, false, "10.9.9.9", false, null)]
    [InlineData(true, false, "10.1.1.1", false, null)]
    [InlineData(true, false, "10.9.9.9", false, EmRejection.UntrustedSource)]
    [InlineData(true, false, null, false, EmRejection.UntrustedSource)]
    [InlineData(true, false, "192.0.2.7", false, null)]
    [InlineData(true, false, "10.1.1.1", true, EmRejection.ProxyNotAllowed)]
    [InlineData(true, true, "10.1.1.1", true, null)]
    [InlineData(false, false, "10.9.9.9", true, null)]
    public void CheckSource_ValidateIpAddressTrustedListAllowProxy(bool validate, bool allowProxy, string? source, bool viaProxy, EmRejection? expected)
    {
        var parameters = new ExtensionMobilityServiceParameters { ValidateIpAddress = validate, AllowProxy = allowProxy, TrustedListOfIps = "10.1.1.1;portal.example.com" };

        var rejection = LoginRules.CheckSource(source, viaProxy, parameters, address => address == "192.0.2.7");

        Assert.Equal(expected, rejection);
    }
}
