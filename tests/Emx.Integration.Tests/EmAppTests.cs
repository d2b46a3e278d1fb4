using System.Net;
using Emx.Cluster.ExtensionMobility;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Protocols.CiscoIpPhone;
using Emx.Web.Cisco;
using Microsoft.EntityFrameworkCore;
using static Emx.Integration.Tests.EmAppLab;
using static Emx.Integration.Tests.EmAppScreensXml;

namespace Emx.Integration.Tests;

/// <summary>EMApp screen by screen, with the exact XML a phone receives and the GETs it sends back.</summary>
public sealed class EmAppTests
{
    private static void Users(ProvisioningDocument doc, string userId, Action<EndUser> change) => change(doc.EndUsers.Single(u => u.UserId == userId));

    private static void EmParameters(ProvisioningDocument doc, Action<ExtensionMobilityServiceParameters> change) => change(doc.ServiceParameters!.ExtensionMobility!);

    [Fact]
    public async Task Landing_NobodyLoggedIn_ShowsLoginForm()
    {
        await using var lab = await StartAsync();

        var response = await lab.EmAppAsync("device=" + Phone1);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("text/xml", response.ContentType);
        Assert.Equal(LoginForm(lab, "device=" + Phone1), response.Text);
    }

    [Fact]
    public async Task Landing_RememberLastUserOn_PrefillsTheLastUserAfterLogout()
    {
        await using var lab = await StartAsync();
        await lab.LoginAsync(Phone1, "alice", AlicePin);
        await lab.EmAppAsync($"device={Phone1}&doLogout=true");

        var response = await lab.EmAppAsync("device=" + Phone1);

        Assert.Equal(LoginForm(lab, "device=" + Phone1, defaultValue: "alice"), response.Text);
    }

    [Fact]
    public async Task Landing_RememberLastUserOff_LeavesUserIdEmpty()
    {
        await using var lab = await StartAsync(doc => EmParameters(doc, p => p.RememberLastUserLoggedIn = false));
        await lab.LoginAsync(Phone1, "alice", AlicePin);
        await lab.EmAppAsync($"device={Phone1}&doLogout=true");

        var response = await lab.EmAppAsync("device=" + Phone1);

        Assert.Equal(LoginForm(lab, "device=" + Phone1), response.Text);
    }

    [Fact]
    public async Task Landing_RememberLastUserWithLoginTypeDn_PrefillsTheLastUsersExtension()
    {
        await using var lab = await StartAsync();
        await lab.LoginAsync(Phone1, "alice", AlicePin);
        await lab.EmAppAsync($"device={Phone1}&doLogout=true");

        var response = await lab.EmAppAsync($"device={Phone1}&loginType=DN");

        Assert.Equal(LoginForm(lab, $"device={Phone1}&amp;loginType=DN", "Enter your extension and PIN", "Primary Extension", "T", "1001"), response.Text);
    }

    [Fact]
    public async Task Landing_AlphanumericUserIdOff_AsksForANumericUserId()
    {
        await using var lab = await StartAsync(doc =>
        {
            EmParameters(doc, p => p.AlphanumericUserId = false);
            doc.EndUsers.RemoveAll(u => u.UserId is "alice" or "bob");
            doc.EndUsers.Add(new EndUser { UserId = "4711", Pin = AlicePin, ControlledProfiles = ["alice-8845"] });
        });

        var response = await lab.EmAppAsync("device=" + Phone1);

        Assert.Equal(LoginForm(lab, "device=" + Phone1, flags: "N"), response.Text);
        var login = await lab.SubmitAsync(response.ScreenAs<CiscoIpPhoneInput>(), ("userid", "4711"), ("seq", AlicePin));
        Assert.Equal(LoginSucceeded("4711 is logged in with profile alice-8845."), login.Text);
    }

    [Fact]
    public async Task Landing_EmccAndLoginTypeGiven_KeepsThemInTheFormUrl()
    {
        await using var lab = await StartAsync();

        var sp = await lab.EmAppAsync($"device={Phone1}&EMCC=true&loginType=sp");
        var token = await lab.EmAppAsync($"device={Phone1}&EMCC=%23EMCC%23");

        Assert.Equal(LoginForm(lab, $"device={Phone1}&amp;EMCC=true&amp;loginType=SP", "Enter Self-Service ID and PIN", "Self-Service ID", "N"), sp.Text);
        Assert.Equal(LoginForm(lab, "device=" + Phone1), token.Text);
    }

    [Fact]
    public async Task Landing_LowerCaseDeviceName_IsTheSamePhone()
    {
        await using var lab = await StartAsync();

        var response = await lab.EmAppAsync("device=sep0a0000000001");

        Assert.Equal(LoginForm(lab, "device=" + Phone1), response.Text);
    }

    [Fact]
    public async Task Login_OneProfile_ShowsRefreshScreenAndTheServiceKnowsTheUser()
    {
        await using var lab = await StartAsync();

        var response = await lab.LoginAsync(Phone1, "alice", AlicePin);

        Assert.Equal(LoginSucceeded("alice is logged in with profile alice-8845."), response.Text);
        Assert.Contains("<device name=\"SEP0A0000000001\"><userID>alice</userID>", await lab.DeviceUserQueryAsync(Phone1), StringComparison.Ordinal);
        var state = await lab.StateAsync(Phone1);
        Assert.Equal(("alice", "alice-8845"), (state!.CurrentUserId, state.CurrentProfile));
        var restart = Assert.Single(await lab.EventsAsync(Phone1));
        Assert.Equal(DeviceEventKind.Restart, restart.Kind);
        await using var db = lab.Db();
        Assert.Contains(await db.AuditLog.AsNoTracking().ToListAsync(Ct), a => a.Action == "login" && a.Actor == "emapp:alice" && a.Key == Phone1);
    }

    [Fact]
    public async Task Login_SomebodyLoggedIn_LandingShowsLogoutConfirmationWhoseLogoutKeyLogsOut()
    {
        await using var lab = await StartAsync();
        await lab.LoginAsync(Phone1, "alice", AlicePin);

        var confirmation = await lab.EmAppAsync("device=" + Phone1);
        Assert.Equal(LogoutConfirmation(lab, Phone1, "alice"), confirmation.Text);
        var logoutKey = confirmation.ScreenAs<CiscoIpPhoneText>().SoftKeys.Single(k => k.Name == "Logout");
        var logout = await lab.FollowAsync(logoutKey.Url);

        Assert.Equal(LogoutSucceeded, logout.Text);
        Assert.Contains("<device name=\"SEP0A0000000001\"><none/><lastlogin>alice</lastlogin>", await lab.DeviceUserQueryAsync(Phone1), StringComparison.Ordinal);
        Assert.Equal([DeviceEventKind.Restart, DeviceEventKind.Restart], (await lab.EventsAsync(Phone1)).Select(e => e.Kind));
        Assert.Equal(LoginForm(lab, "device=" + Phone1, defaultValue: "alice"), (await lab.EmAppAsync("device=" + Phone1)).Text);
    }

    [Fact]
    public async Task Login_BulkScriptGets_LogInAndOutWithoutTheForm()
    {
        await using var lab = await StartAsync();

        var login = await lab.EmAppAsync($"device={Phone2}&EMCC=true&seq={BobPin}&userid=bob");
        var logout = await lab.EmAppAsync($"device={Phone2}&doLogout=true");

        Assert.Equal(LoginSucceeded("bob is logged in with profile bob-8845."), login.Text);
        Assert.Equal(LogoutSucceeded, logout.Text);
        Assert.Null((await lab.StateAsync(Phone2))!.CurrentUserId);
    }

    [Fact]
    public async Task Login_FormPost_WorksLikeGet()
    {
        await using var lab = await StartAsync();
        using var client = new HttpClient { BaseAddress = lab.Node.HttpUrl };
        using var body = new FormUrlEncodedContent([new("device", Phone1), new("userid", "alice"), new("seq", AlicePin)]);

        using var response = await client.PostAsync(new Uri("/emapp/EMAppServlet", UriKind.Relative), body, Ct);

        Assert.Equal(LoginSucceeded("alice is logged in with profile alice-8845."), await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Login_ClearCallLogsOn_WritesClearCallHistoryAtLoginAndLogout()
    {
        await using var lab = await StartAsync(doc => EmParameters(doc, p => p.ClearCallLogsOnIntraClusterEm = true));

        await lab.LoginAsync(Phone1, "alice", AlicePin);
        await lab.EmAppAsync($"device={Phone1}&doLogout=true");

        Assert.Equal(
            [DeviceEventKind.Restart, DeviceEventKind.ClearCallHistory, DeviceEventKind.Restart, DeviceEventKind.ClearCallHistory],
            (await lab.EventsAsync(Phone1)).Select(e => e.Kind));
    }

    [Fact]
    public async Task Login_ClearCallLogsOff_WritesOnlyRestarts()
    {
        await using var lab = await StartAsync();

        await lab.LoginAsync(Phone1, "alice", AlicePin);
        await lab.EmAppAsync($"device={Phone1}&doLogout=true");

        Assert.Equal([DeviceEventKind.Restart, DeviceEventKind.Restart], (await lab.EventsAsync(Phone1)).Select(e => e.Kind));
    }

    [Fact]
    public async Task Login_SeveralProfiles_MenuOffersTheModelsProfilesDefaultFirstAndTheChoiceLogsIn()
    {
        const string Sales = "Alice <Sales> & Co";
        await using var lab = await StartAsync(doc =>
        {
            doc.DeviceProfiles.Add(new DeviceProfile { Name = "alice-7841", ProductType = "Cisco 7841", Lines = [new Line { Dn = "1011", Partition = "Internal" }] });
            doc.DeviceProfiles.Add(new DeviceProfile { Name = Sales, ProductType = "Cisco 8845", Lines = [new Line { Dn = "1012", Partition = "Internal" }] });
            Users(doc, "alice", u =>
            {
                u.ControlledProfiles = ["alice-7841", Sales, "alice-8845"];
                u.DefaultProfile = "alice-8845";
            });
        });

        var menu = await lab.LoginAsync(Phone1, "alice", AlicePin);
        var token = TokenOf(menu.ScreenAs<CiscoIpPhoneMenu>().MenuItems[0].Url);
        Assert.Equal(ProfileMenu(lab, Phone1, token, "alice-8845", "Alice &lt;Sales&gt; &amp; Co"), menu.Text);
        Assert.Null((await lab.StateAsync(Phone1))?.CurrentUserId);

        var chosen = await lab.FollowAsync(menu.ScreenAs<CiscoIpPhoneMenu>().MenuItems[1].Url);

        Assert.Equal(LoginSucceeded("alice is logged in with profile Alice &lt;Sales&gt; &amp; Co."), chosen.Text);
        Assert.Equal(Sales, (await lab.StateAsync(Phone1))!.CurrentProfile);
        Assert.Equal(0, lab.Service<EmAppSessions>().Count);
    }

    [Fact]
    public async Task Login_NoProfileMadeForTheModel_MenuOffersAllProfiles()
    {
        await using var lab = await StartAsync(doc =>
        {
            doc.DeviceProfiles.Add(new DeviceProfile { Name = "bob-7841", ProductType = "Cisco 7841" });
            doc.Phones.Add(new Phone { Name = "SEP0A0000000003", Model = "Cisco IP Communicator", Protocol = DeviceProtocol.SCCP, EnableExtensionMobility = true });
            Users(doc, "bob", u => u.ControlledProfiles = ["bob-8845", "bob-7841"]);
        });

        var menu = await lab.LoginAsync("SEP0A0000000003", "bob", BobPin);

        Assert.Equal(["bob-8845", "bob-7841"], menu.ScreenAs<CiscoIpPhoneMenu>().MenuItems.Select(i => i.Name));
    }

    [Fact]
    public async Task Login_MenuChoiceOutOfRange_ShowsTheMenuAgain()
    {
        await using var lab = await StartAsync(doc =>
        {
            doc.DeviceProfiles.Add(new DeviceProfile { Name = "bob-8845-b", ProductType = "Cisco 8845" });
            Users(doc, "bob", u => u.ControlledProfiles = ["bob-8845", "bob-8845-b"]);
        });
        var menu = await lab.LoginAsync(Phone2, "bob", BobPin);
        var url = menu.ScreenAs<CiscoIpPhoneMenu>().MenuItems[0].Url;

        var again = await lab.FollowAsync(url.Replace("profile=1", "profile=3", StringComparison.Ordinal));

        Assert.Equal(menu.Text, again.Text);
        Assert.Null((await lab.StateAsync(Phone2))?.CurrentUserId);
    }

    [Fact]
    public async Task Login_TokenForAnotherPhoneOrUnknown_AsksToLogInAgain()
    {
        await using var lab = await StartAsync(doc =>
        {
            doc.DeviceProfiles.Add(new DeviceProfile { Name = "bob-8845-b", ProductType = "Cisco 8845" });
            Users(doc, "bob", u => u.ControlledProfiles = ["bob-8845", "bob-8845-b"]);
        });
        var menu = await lab.LoginAsync(Phone2, "bob", BobPin);
        var token = TokenOf(menu.ScreenAs<CiscoIpPhoneMenu>().MenuItems[0].Url);

        var otherPhone = await lab.EmAppAsync($"device={Phone1}&token={token}&profile=1");
        var unknown = await lab.EmAppAsync($"device={Phone2}&token=AAAAAAAAAAAAAAAAAAAAAA&profile=1");

        Assert.Equal(LoginForm(lab, "device=" + Phone1, prompt: "Session expired; log in again"), otherPhone.Text);
        Assert.Equal(LoginForm(lab, "device=" + Phone2, prompt: "Session expired; log in again"), unknown.Text);
        Assert.Null((await lab.StateAsync(Phone1))?.CurrentUserId);
    }

    [Fact]
    public async Task Login_UserWithoutProfiles_Shows205()
    {
        await using var lab = await StartAsync(doc => doc.EndUsers.Add(new EndUser { UserId = "dave", Pin = "11223" }));

        var response = await lab.LoginAsync(Phone1, "dave", "11223");

        Assert.Equal(Error("Login is unavailable (205)"), response.Text);
    }

    [Fact]
    public async Task Login_WrongPinUnknownUserAndLockedOut_AnswerTheSameBytesAndLength()
    {
        await using var lab = await StartAsync(doc => doc.CredentialPolicy!.FailedLogonThreshold = 2);
        var expected = LoginForm(lab, "device=" + Phone1, prompt: "Please try to login again (201)");

        var wrongPin = await lab.EmAppAsync($"device={Phone1}&userid=bob&seq=99999");
        var unknown = await lab.EmAppAsync($"device={Phone1}&userid=mallory&seq=99999");
        await lab.EmAppAsync($"device={Phone1}&userid=bob&seq=99998");
        var lockedRightPin = await lab.EmAppAsync($"device={Phone1}&userid=bob&seq={BobPin}");
        var headWrong = await lab.EmAppAsync($"device={Phone1}&userid=alice&seq=99999", HttpMethod.Head);
        var headUnknown = await lab.EmAppAsync($"device={Phone1}&userid=nobody-at-all&seq=99999", HttpMethod.Head);
        var headLocked = await lab.EmAppAsync($"device={Phone1}&userid=bob&seq={BobPin}", HttpMethod.Head);

        Assert.Equal(expected, wrongPin.Text);
        Assert.Equal(wrongPin.Bytes, unknown.Bytes);
        Assert.Equal(wrongPin.Bytes, lockedRightPin.Bytes);
        Assert.All([headWrong, headUnknown, headLocked], head =>
        {
            Assert.Equal(HttpStatusCode.OK, head.Status);
            Assert.Equal(wrongPin.Bytes.Length, head.ContentLength);
            Assert.Empty(head.Bytes);
        });
        Assert.Null((await lab.StateAsync(Phone1))?.CurrentUserId);
        await using var db = lab.Db();
        Assert.Equal(["bob"], await db.CredentialLockouts.AsNoTracking().Where(l => l.LockedUntil != null).Select(l => l.UserId).ToListAsync(Ct));
    }

    [Fact]
    public async Task Login_RetryAfter201_TheFormLogsIn()
    {
        await using var lab = await StartAsync();
        var retry = await lab.EmAppAsync($"device={Phone1}&userid=alice&seq=00000");

        var login = await lab.SubmitAsync(retry.ScreenAs<CiscoIpPhoneInput>(), ("userid", "alice"), ("seq", AlicePin));

        Assert.Equal(LoginSucceeded("alice is logged in with profile alice-8845."), login.Text);
    }

    [Fact]
    public async Task Login_BlankUserIdOrPin_Shows202AndKeepsWhatWasTyped()
    {
        await using var lab = await StartAsync();

        var blankPin = await lab.EmAppAsync($"device={Phone1}&userid=alice&seq=");
        var blankUser = await lab.EmAppAsync($"device={Phone1}&userid=&seq={AlicePin}");
        var onlyPin = await lab.EmAppAsync($"device={Phone1}&seq={AlicePin}");

        Assert.Equal(LoginForm(lab, "device=" + Phone1, prompt: "Please try to login again (202)", defaultValue: "alice"), blankPin.Text);
        Assert.Equal(LoginForm(lab, "device=" + Phone1, prompt: "Please try to login again (202)"), blankUser.Text);
        Assert.Equal(blankUser.Text, onlyPin.Text);
    }

    [Fact]
    public async Task Login_XmlSignificantCharactersTyped_AreEscapedWhenEchoed()
    {
        await using var lab = await StartAsync();

        var response = await lab.EmAppAsync($"device={Phone1}&userid=%3Ca%26b%22'%3E&seq=");

        Assert.Equal(LoginForm(lab, "device=" + Phone1, prompt: "Please try to login again (202)", defaultValue: "&lt;a&amp;b\"'&gt;"), response.Text);
        Assert.Equal("<a&b\"'>", response.ScreenAs<CiscoIpPhoneInput>().InputItems[0].DefaultValue);
    }

    [Fact]
    public async Task Request_WithoutDevice_Shows207ForLoginAndLogout()
    {
        await using var lab = await StartAsync();

        var login = await lab.EmAppAsync("userid=alice&seq=" + AlicePin);
        var logout = await lab.EmAppAsync("doLogout=true");
        var empty = await lab.EmAppAsync("device=");

        Assert.Equal(Error("Login is unavailable(207)"), login.Text);
        Assert.Equal(Error("Logout is unavailable(207)"), logout.Text);
        Assert.Equal(Error("Login is unavailable(207)"), empty.Text);
    }

    [Fact]
    public async Task Request_InvalidLoginType_Shows215()
    {
        await using var lab = await StartAsync();

        var response = await lab.EmAppAsync($"device={Phone1}&loginType=EMAIL");

        Assert.Equal(Error("LoginType invalid(215)"), response.Text);
    }

    [Fact]
    public async Task Login_LoginTypeDn_PrimaryExtensionAndPinLogIn()
    {
        await using var lab = await StartAsync();

        var form = await lab.EmAppAsync($"device={Phone1}&loginType=DN");
        var login = await lab.SubmitAsync(form.ScreenAs<CiscoIpPhoneInput>(), ("userid", "1001"), ("seq", AlicePin));

        Assert.Equal(LoginForm(lab, $"device={Phone1}&amp;loginType=DN", "Enter your extension and PIN", "Primary Extension", "T"), form.Text);
        Assert.Equal(LoginSucceeded("alice is logged in with profile alice-8845."), login.Text);
        Assert.Equal("alice", (await lab.StateAsync(Phone1))!.CurrentUserId);
    }

    [Fact]
    public async Task Login_LoginTypeDnSharedByTwoUsers_Shows216()
    {
        await using var lab = await StartAsync(doc => Users(doc, "bob", u => u.PrimaryExtension = "1001"));

        var response = await lab.EmAppAsync($"device={Phone1}&loginType=DN&userid=1001&seq={AlicePin}");

        Assert.Equal(Error("Login is unavailable(216)"), response.Text);
    }

    [Fact]
    public async Task Login_LoginTypeDnUnknownNumber_AnswersLikeAWrongPin()
    {
        await using var lab = await StartAsync();

        var unknown = await lab.EmAppAsync($"device={Phone1}&loginType=DN&userid=1999&seq={AlicePin}");
        var wrongPin = await lab.EmAppAsync($"device={Phone1}&loginType=DN&userid=1001&seq=00000");

        Assert.Equal(LoginForm(lab, $"device={Phone1}&amp;loginType=DN", "Please try to login again (201)", "Primary Extension", "T"), unknown.Text);
        Assert.Equal(unknown.Bytes, wrongPin.Bytes);
    }

    [Fact]
    public async Task Login_LoginTypeSp_SelfServiceIdAndPinLogIn()
    {
        await using var lab = await StartAsync(doc => Users(doc, "bob", u => u.SelfServiceId = "551002"));

        var login = await lab.LoginAsync(Phone2, "551002", BobPin, extra: "&loginType=SP");

        Assert.Equal(LoginSucceeded("bob is logged in with profile bob-8845."), login.Text);
        Assert.Equal("bob", (await lab.StateAsync(Phone2))!.CurrentUserId);
    }

    [Fact]
    public async Task Login_PinMustChange_Shows41ThenStoresTheNewPinAndLogsIn()
    {
        const string NewPin = "97531";
        await using var lab = await StartAsync(doc => Users(doc, "alice", u => u.PinMustChangeAtNextLogin = true));

        var change = await lab.LoginAsync(Phone1, "alice", AlicePin);
        var form = change.ScreenAs<CiscoIpPhoneInput>();
        var token = TokenOf(form.Url);
        Assert.Equal(ChangePin(lab, Phone1, token), change.Text);
        Assert.Null((await lab.StateAsync(Phone1))?.CurrentUserId);

        Assert.Equal(ChangePin(lab, Phone1, token, "The PINs do not match"), (await lab.SubmitAsync(form, ("newpin", NewPin), ("newpin2", "97532"))).Text);
        Assert.Equal(ChangePin(lab, Phone1, token, "The PIN needs 4 digits or more"), (await lab.SubmitAsync(form, ("newpin", "123"), ("newpin2", "123"))).Text);
        Assert.Equal(ChangePin(lab, Phone1, token, "The PIN must be digits only"), (await lab.SubmitAsync(form, ("newpin", "12a45"), ("newpin2", "12a45"))).Text);
        Assert.Equal(ChangePin(lab, Phone1, token, "Choose a PIN you did not use"), (await lab.SubmitAsync(form, ("newpin", AlicePin), ("newpin2", AlicePin))).Text);
        Assert.True((await lab.UserAsync("alice")).PinMustChangeAtNextLogin);

        var login = await lab.SubmitAsync(form, ("newpin", NewPin), ("newpin2", NewPin));

        Assert.Equal(LoginSucceeded("alice is logged in with profile alice-8845."), login.Text);
        Assert.False((await lab.UserAsync("alice")).PinMustChangeAtNextLogin);
        await lab.EmAppAsync($"device={Phone1}&doLogout=true");
        Assert.Equal(LoginForm(lab, "device=" + Phone1, prompt: "Please try to login again (201)"), (await lab.LoginAsync(Phone1, "alice", AlicePin)).Text);
        Assert.Equal(LoginSucceeded("alice is logged in with profile alice-8845."), (await lab.LoginAsync(Phone1, "alice", NewPin)).Text);
        await using var db = lab.Db();
        Assert.Single(await db.AuditLog.AsNoTracking().Where(a => a.Action == "change pin" && a.Key == "alice" && a.Actor == "emapp:alice").ToListAsync(Ct));
    }

    [Fact]
    public async Task Login_PinMustChangeWithWrongPin_Shows201NotThePinChange()
    {
        await using var lab = await StartAsync(doc => Users(doc, "alice", u => u.PinMustChangeAtNextLogin = true));

        var response = await lab.LoginAsync(Phone1, "alice", "00000");

        Assert.Equal(LoginForm(lab, "device=" + Phone1, prompt: "Please try to login again (201)"), response.Text);
    }

    [Fact]
    public async Task Login_PinChangeRefusedFiveTimes_EndsTheSession()
    {
        await using var lab = await StartAsync(doc => Users(doc, "alice", u => u.PinMustChangeAtNextLogin = true));
        var form = (await lab.LoginAsync(Phone1, "alice", AlicePin)).ScreenAs<CiscoIpPhoneInput>();
        for (var i = 1; i < EmAppSessions.MaxPinChangeAttempts; i++)
        {
            var token = TokenOf(form.Url);
            Assert.Equal(ChangePin(lab, Phone1, token, "Enter the new PIN twice"), (await lab.SubmitAsync(form, ("newpin", "97531"), ("newpin2", ""))).Text);
        }

        var last = await lab.SubmitAsync(form, ("newpin", "97531"), ("newpin2", ""));
        var afterwards = await lab.SubmitAsync(form, ("newpin", "97531"), ("newpin2", "97531"));

        Assert.Equal(LoginForm(lab, "device=" + Phone1, prompt: "PIN not changed; log in again"), last.Text);
        Assert.Equal(LoginForm(lab, "device=" + Phone1, prompt: "Session expired; log in again"), afterwards.Text);
        Assert.True((await lab.UserAsync("alice")).PinMustChangeAtNextLogin);
    }

    [Fact]
    public async Task Landing_EmDisabledOnThePhone_Shows22AndASubmission20()
    {
        await using var lab = await StartAsync(doc => doc.Phones.Single(p => p.Name == Phone2).EnableExtensionMobility = false);

        var landing = await lab.EmAppAsync("device=" + Phone2);
        var submission = await lab.EmAppAsync($"device={Phone2}&userid=bob&seq={BobPin}");

        // Seed table 9: 22 when "the services button is pressed on phone"; 20 (Hoteling flag error) when a login finds
        // Enable Extension Mobility unchecked (decision 0006).
        Assert.Equal(Error("Login is unavailable(22)"), landing.Text);
        Assert.Equal(Error("Login is unavailable(20)"), submission.Text);
    }

    [Fact]
    public async Task Request_UnknownOrMalformedDevice_Shows11()
    {
        await using var lab = await StartAsync();

        var unknown = await lab.EmAppAsync("device=SEP0A00000000FF");
        var unknownSubmission = await lab.EmAppAsync($"device=SEP0A00000000FF&userid=alice&seq={AlicePin}");
        var huge = await lab.EmAppAsync("device=SEP" + new string('A', 6000));
        var nul = await lab.EmAppAsync("device=SEP0A000000000%00");
        var logout = await lab.EmAppAsync("device=SEP0A00000000FF&doLogout=true");

        Assert.All([unknown, unknownSubmission, huge, nul], r => Assert.Equal(Error("Login is unavailable(11)"), r.Text));
        Assert.Equal(Error("Logout is unavailable(11)"), logout.Text);
    }

    [Fact]
    public async Task Login_UserLoggedInElsewhere_Shows25()
    {
        await using var lab = await StartAsync();
        await lab.LoginAsync(Phone1, "alice", AlicePin);

        var response = await lab.LoginAsync(Phone2, "alice", AlicePin);

        Assert.Equal(Error("Login is unavailable(25)"), response.Text);
    }

    [Fact]
    public async Task Login_AnotherUserOnThePhone_Shows18()
    {
        await using var lab = await StartAsync();
        await lab.LoginAsync(Phone1, "alice", AlicePin);

        var response = await lab.EmAppAsync($"device={Phone1}&userid=bob&seq={BobPin}");

        Assert.Equal(Error("Login is unavailable(18)"), response.Text);
    }

    [Fact]
    public async Task Logout_NobodyLoggedIn_Shows19()
    {
        await using var lab = await StartAsync();

        var response = await lab.EmAppAsync($"device={Phone1}&doLogout=true");

        Assert.Equal(Error("Logout is unavailable(19)"), response.Text);
    }

    [Fact]
    public async Task Login_EmccUserUnknownHere_RemoteClusterUnreachable_Shows208()
    {
        // The lab's only remote cluster (ClusterB at 127.0.2.1) is not running: nobody can say where carol's home is.
        // With the remote cluster answering, an unknown user is 23 (EmccLoginTests).
        await using var lab = await StartAsync();

        var unknown = await lab.LoginAsync(Phone1, "carol", "11111", extra: "&EMCC=true");
        var local = await lab.LoginAsync(Phone1, "alice", AlicePin, extra: "&EMCC=true");

        Assert.Equal(Error("Login is unavailable(208)"), unknown.Text);
        Assert.Equal(LoginSucceeded("alice is logged in with profile alice-8845."), local.Text);
    }

    [Fact]
    public async Task Request_MaximumConcurrentRequestsReached_Shows26WhileOneIsInProgress()
    {
        await using var lab = await StartAsync(doc => EmParameters(doc, p => p.MaximumConcurrentRequests = 1));
        var flow = lab.Service<EmAppFlow>();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flow.InsideThrottle = async ct =>
        {
            entered.TrySetResult();
            await release.Task.WaitAsync(ct);
        };

        var held = lab.EmAppAsync($"device={Phone1}&userid=alice&seq={AlicePin}");
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        flow.InsideThrottle = null;
        var login = await lab.EmAppAsync($"device={Phone2}&userid=bob&seq={BobPin}");
        var logout = await lab.EmAppAsync($"device={Phone2}&doLogout=true");
        var landing = await lab.EmAppAsync("device=" + Phone2);
        release.SetResult();
        var first = await held;
        var later = await lab.EmAppAsync($"device={Phone2}&userid=bob&seq={BobPin}");

        Assert.Equal(Error("Login is unavailable(26)"), login.Text);
        Assert.Equal(Error("Logout is unavailable(26)"), logout.Text);
        Assert.Equal(LoginForm(lab, "device=" + Phone2), landing.Text);
        Assert.Equal(LoginSucceeded("alice is logged in with profile alice-8845."), first.Text);
        Assert.Equal(LoginSucceeded("bob is logged in with profile bob-8845."), later.Text);
        Assert.Equal(2, lab.Service<EmCounters>().Snapshot().RequestsThrottled);
    }

    [Fact]
    public async Task Request_Traced_EveryStepWithRequestNumberAndTimeButNeverThePin()
    {
        const string Pin = "80412357";
        const string WrongPin = "31415926";
        const string NewPin = "27182818";
        await using var lab = await StartAsync(doc => Users(doc, "alice", u =>
        {
            u.Pin = Pin;
            u.PinMustChangeAtNextLogin = true;
        }));

        await lab.EmAppAsync($"device={Phone1}&userid=alice&seq={WrongPin}");
        var form = (await lab.LoginAsync(Phone1, "alice", Pin)).ScreenAs<CiscoIpPhoneInput>();
        await lab.SubmitAsync(form, ("newpin", NewPin), ("newpin2", NewPin));

        var trace = lab.Logs.Lines.Where(l => l.Contains(EmTrace.Category, StringComparison.Ordinal)).ToList();
        Assert.Contains(trace, l => l.Contains("emapp received: GET device=SEP0A0000000001 loginType=UID EMCC=false userid=alice seq=(given) from 127.0.0.1", StringComparison.Ordinal));
        Assert.Contains(trace, l => l.Contains("[EmApp alice] pin check: refused: wrong PIN", StringComparison.Ordinal));
        Assert.Contains(trace, l => l.Contains("[EmApp alice] pin change: new PIN stored", StringComparison.Ordinal));
        Assert.Contains(trace, l => l.Contains("[EmApp alice] login result: success (processing time", StringComparison.Ordinal));
        Assert.Contains(trace, l => l.Contains("emapp result: login success (processing time", StringComparison.Ordinal));
        Assert.All(lab.Logs.Lines, l =>
        {
            Assert.DoesNotContain(Pin, l, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongPin, l, StringComparison.Ordinal);
            Assert.DoesNotContain(NewPin, l, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Request_HeadOfAScreen_SameLengthNoBody()
    {
        await using var lab = await StartAsync();

        var get = await lab.EmAppAsync("device=" + Phone1);
        var head = await lab.EmAppAsync("device=" + Phone1, HttpMethod.Head);

        Assert.Equal(HttpStatusCode.OK, head.Status);
        Assert.Equal(get.Bytes.Length, head.ContentLength);
        Assert.Empty(head.Bytes);
    }

    [Fact]
    public async Task Request_OversizedBodyOrQuery_IsRefusedBeforeAnyWork()
    {
        await using var lab = await StartAsync();
        using var client = new HttpClient { BaseAddress = lab.Node.HttpUrl };
        using var body = new StringContent("device=" + Phone1 + "&userid=" + new string('a', EmAppEndpoints.MaxBodyBytes), System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");

        using var post = await client.PostAsync(new Uri("/emapp/EMAppServlet", UriKind.Relative), body, Ct);
        var get = await lab.EmAppAsync($"device={Phone1}&userid={new string('a', 20_000)}&seq=1");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, post.StatusCode);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, get.Status);
    }

    [Fact]
    public async Task Login_OddEncodingsAndLongValues_AnswerLikeAWrongPin()
    {
        await using var lab = await StartAsync();
        var wrongPin = await lab.EmAppAsync($"device={Phone1}&userid=alice&seq=00000");

        var responses = new[]
        {
            await lab.EmAppAsync($"device={Phone1}&userid=%FF%FE%FD&seq=1234"),
            await lab.EmAppAsync($"device={Phone1}&userid=al%00ice&seq={AlicePin}"),
            await lab.EmAppAsync($"device={Phone1}&userid=%E2%80%AEalice&seq=%ZZ"),
            await lab.EmAppAsync($"device={Phone1}&userid={new string('x', 4000)}&seq={AlicePin}"),
            await lab.EmAppAsync($"device={Phone1}&userid=alice&seq={new string('9', 4000)}"),
            await lab.EmAppAsync($"device={Phone1}&userid=alice&userid=bob&seq=00000"),
        };

        Assert.All(responses, r => Assert.Equal(wrongPin.Bytes, r.Bytes));
        Assert.Null((await lab.StateAsync(Phone1))?.CurrentUserId);
    }

    [Fact]
    public async Task Login_ThroughAProxyWhileProxiesAreRefused_Shows30AndTheDirectRequestWorks()
    {
        await using var lab = await StartAsync(doc => EmParameters(doc, p =>
        {
            p.ValidateIpAddress = true;
            p.AllowProxy = false;
        }));
        using var client = new HttpClient { BaseAddress = lab.Node.HttpUrl };
        using var proxied = new HttpRequestMessage(HttpMethod.Get, $"/emapp/EMAppServlet?device={Phone1}&userid=alice&seq={AlicePin}");
        proxied.Headers.Via.ParseAdd("1.1 proxy.example");

        using var response = await client.SendAsync(proxied, Ct);
        var direct = await lab.EmAppAsync($"device={Phone1}&userid=alice&seq={AlicePin}");

        Assert.Equal(Error("Login is unavailable(30)"), await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(LoginSucceeded("alice is logged in with profile alice-8845."), direct.Text);
    }

    [Fact]
    public async Task Landing_HostHeaderTooLongForTheUrlLimit_PointsAtTheLocalEndpoint()
    {
        await using var lab = await StartAsync();
        using var client = new HttpClient { BaseAddress = lab.Node.HttpUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/emapp/EMAppServlet?device=" + Phone1);
        request.Headers.Host = new string('h', 200) + ".example";

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(LoginForm(lab, "device=" + Phone1), await response.Content.ReadAsStringAsync(Ct));
    }
}
