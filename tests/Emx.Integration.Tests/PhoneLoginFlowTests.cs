using System.Net;
using Emx.Cluster.CallControl;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Phones;
using Microsoft.EntityFrameworkCore;
using static Emx.Integration.Tests.EmAppLab;
using SipTransportKind = Emx.Sip.Transport.SipTransportKind;

using Emx.Testing;

namespace Emx.Integration.Tests;

/// <summary>
/// The acceptance path with the Cisco-like phone (Emx.Phone): it boots on its own line, a user logs in through the
/// phone's own Extension Mobility screens, the node sends NOTIFY check-sync, and the phone re-registers the profile's
/// line (the old binding gone); logout brings its own line back. The registrar's bindings prove each step.
/// </summary>
public sealed class PhoneLoginFlowTests
{
    private static async Task<IReadOnlyList<string>> BoundLinesAsync(EmAppLab lab, string device) =>
        [.. (await lab.RegistrationsAsync(device)).Select(r => r.Aor)];

    /// <summary>The next check-sync outcome for <paramref name="device"/> (take it before causing the restart).</summary>
    private static Task<CheckSyncOutcome> NextCheckSyncAsync(EmAppLab lab, string device)
    {
        var outcome = new TaskCompletionSource<CheckSyncOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var notifier = lab.Service<CheckSyncNotifier>();
        void Handler(CheckSyncOutcome o)
        {
            if (o.DeviceName == device && outcome.TrySetResult(o))
            {
                notifier.Completed -= Handler;
            }
        }

        notifier.Completed += Handler;
        return outcome.Task.WaitAsync(WaitLimit, Ct);
    }

    /// <summary>What a user does on the phone: open Extension Mobility, type user id and PIN, submit.</summary>
    private static async Task<PhoneScreen> LogInOnThePhoneAsync(CiscoLikePhone phone, string userId, string pin)
    {
        var form = await phone.OpenServiceAsync("Extension Mobility", Ct);
        Assert.Equal(PhoneScreenKind.Input, form.Kind);
        Assert.Equal(["userid", "seq"], form.Fields.Select(f => f.Name));
        return await phone.SubmitInputAsync([new("userid", userId), new("seq", pin)], Ct);
    }

    [Theory]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    public async Task Phone_Boots_RegistersItsOwnLine(SipTransportKind transport)
    {
        await using var lab = await StartAsync();

        await using var phone = await lab.StartPhoneAsync(Phone1, transport);

        Assert.Equal(["1901"], phone.RegisteredLines);
        Assert.Equal(1, phone.SyncCount);
        Assert.Equal(lab.Node.SipEndPoint, phone.RegistrarEndPoint);
        Assert.False(string.IsNullOrEmpty(phone.ConfigVersion));
        Assert.Equal(["1901"], await BoundLinesAsync(lab, Phone1));
    }

    [Theory]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    public async Task EmLoginAndLogout_ThroughThePhonesScreens_PhoneRegistersTheProfileLineThenItsOwnAgain(SipTransportKind transport)
    {
        await using var lab = await StartAsync();
        await lab.UseThisNodesEmServiceAsync();
        await using var phone = await lab.StartPhoneAsync(Phone1, transport);
        var bootVersion = phone.ConfigVersion;

        var loginSync = phone.NextSyncAsync();
        var loginNotify = NextCheckSyncAsync(lab, Phone1);
        var welcome = await LogInOnThePhoneAsync(phone, "alice", AlicePin);
        var afterLogin = await loginSync.WaitAsync(WaitLimit, Ct);

        Assert.Equal("Login successful", welcome.Prompt);
        Assert.Equal(["1001"], afterLogin.RegisteredLines);
        Assert.NotEqual(bootVersion, afterLogin.VersionStamp);
        Assert.Equal(["1001"], await BoundLinesAsync(lab, Phone1));
        Assert.Equal(new CheckSyncOutcome(Phone1, true, 1), await loginNotify);

        var logoutSync = phone.NextSyncAsync();
        var confirmation = await phone.OpenServiceAsync("Extension Mobility", Ct);
        var goodbye = await phone.PressSoftKeyAsync("Logout", Ct);
        var afterLogout = await logoutSync.WaitAsync(WaitLimit, Ct);

        Assert.Equal("Log out of this phone?", confirmation.Prompt);
        Assert.Equal("Logout successful", goodbye!.Prompt);
        Assert.Equal(["1901"], afterLogout.RegisteredLines);
        Assert.Equal(["1901"], await BoundLinesAsync(lab, Phone1));
        Assert.All(await lab.EventsAsync(Phone1), e => Assert.NotNull(e.Delivered));
    }

    [Fact]
    public async Task AutoLogout_UserLogsInOnASecondPhone_FirstPhoneGoesBackToItsOwnLine()
    {
        await using var lab = await StartAsync(doc => doc.ServiceParameters!.ExtensionMobility!.MultipleLoginBehavior = MultipleLoginBehavior.AutoLogout);
        await lab.UseThisNodesEmServiceAsync();
        await using var first = await lab.StartPhoneAsync(Phone1);
        await using var second = await lab.StartPhoneAsync(Phone2);
        var firstLogin = first.NextSyncAsync();
        await LogInOnThePhoneAsync(first, "alice", AlicePin);
        Assert.Equal(["1001"], (await firstLogin.WaitAsync(WaitLimit, Ct)).RegisteredLines);

        var firstBack = first.NextSyncAsync();
        var secondLogin = second.NextSyncAsync();
        await LogInOnThePhoneAsync(second, "alice", AlicePin);

        Assert.Equal(["1901"], (await firstBack.WaitAsync(WaitLimit, Ct)).RegisteredLines);
        Assert.Equal(["1001"], (await secondLogin.WaitAsync(WaitLimit, Ct)).RegisteredLines);
        Assert.Equal(["1901"], await BoundLinesAsync(lab, Phone1));
        Assert.Equal(["1001"], await BoundLinesAsync(lab, Phone2));
    }

    [Fact]
    public async Task CheckSync_PhoneGoneWithoutUnregistering_EventStaysUndeliveredAndTheOldLineIsRemoved()
    {
        await using var lab = await StartAsync();
        var phone = await lab.StartPhoneAsync(Phone1, SipTransportKind.Tcp);
        await phone.DisposeAsync();
        Assert.Equal(["1901"], await BoundLinesAsync(lab, Phone1));

        var notify = NextCheckSyncAsync(lab, Phone1);
        await lab.LoginAsync(Phone1, "alice", AlicePin);

        Assert.Equal(new CheckSyncOutcome(Phone1, false, 1), await notify);
        var restart = Assert.Single(await lab.EventsAsync(Phone1), e => e.Kind == DeviceEventKind.Restart);
        Assert.Null(restart.Delivered);
        Assert.Empty(await BoundLinesAsync(lab, Phone1));
    }

    [Fact]
    public async Task ResendPending_RestartWrittenByAnotherNode_ReachesTheRegisteredPhone()
    {
        await using var lab = await StartAsync();
        await using var phone = await lab.StartPhoneAsync(Phone1);
        await using (var emNode = await lab.StartOtherNodeAsync("cucm-a2", NodeService.ExtensionMobility))
        {
            // A node without CallManager logs alice in (a bulk script's GET): it writes the restart, nobody sends it.
            using var http = new HttpClient { BaseAddress = emNode.HttpUrl };
            using var login = await http.GetAsync(new Uri($"/emapp/EMAppServlet?device={Phone1}&userid=alice&seq={AlicePin}", UriKind.Relative), Ct);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        Assert.Null(Assert.Single(await lab.EventsAsync(Phone1)).Delivered);
        var sync = phone.NextSyncAsync();

        // What the CallManager node does when it starts.
        await lab.Service<CheckSyncNotifier>().ResendPendingAsync(Ct);

        Assert.Equal(["1001"], (await sync.WaitAsync(WaitLimit, Ct)).RegisteredLines);
        Assert.NotNull(Assert.Single(await lab.EventsAsync(Phone1)).Delivered);
    }

    [Fact]
    public async Task CheckSync_FromAnAddressThatIsNotItsCallManager_IsRefused()
    {
        await using var lab = await StartAsync();
        await using var phone = await lab.StartPhoneAsync(Phone1);

        var answer = await SipTestClient.SendCheckSyncAsync(IPAddress.Parse("127.0.0.2"), phone.SipEndPoint!);

        Assert.Equal(403, answer);
        Assert.Equal(1, phone.SyncCount);
    }

    [Fact]
    public async Task Phone_HalfwayToExpiry_RefreshesTheRegistrationInTheSameCallId()
    {
        await using var lab = await StartAsync();
        var clock = new ManualTimeProvider();
        await using var phone = await lab.StartPhoneAsync(Phone1, time: clock, registerExpires: 120);
        var first = Assert.Single(await lab.RegistrationsAsync(Phone1));
        var refreshed = new TaskCompletionSource<PhoneLine>(TaskCreationOptions.RunContinuationsAsynchronously);
        phone.LineChanged += (_, line) => refreshed.TrySetResult(line);

        clock.Advance(TimeSpan.FromSeconds(61));
        var line = await refreshed.Task.WaitAsync(WaitLimit, Ct);

        Assert.True(line.IsRegistered);
        var binding = Assert.Single(await lab.RegistrationsAsync(Phone1));
        Assert.Equal((first.CallId, first.CSeq + 1), (binding.CallId, binding.CSeq));
        Assert.True(binding.ExpiresAt > first.ExpiresAt);
    }

    [Fact]
    public async Task Phone_AsksForLessThanTheMinimum_RetriesWithMinExpires()
    {
        await using var lab = await StartAsync();

        await using var phone = await lab.StartPhoneAsync(Phone1, registerExpires: 10);

        Assert.Equal(["1901"], phone.RegisteredLines);
        var binding = Assert.Single(await lab.RegistrationsAsync(Phone1));
        Assert.InRange(binding.ExpiresAt - binding.Updated, TimeSpan.FromSeconds(59), TimeSpan.FromSeconds(61));
    }

    [Fact]
    public async Task Phone_UnregisterAll_RemovesItsBindings()
    {
        await using var lab = await StartAsync();
        await using var phone = await lab.StartPhoneAsync(Phone1);

        await phone.UnregisterAllAsync(Ct);

        Assert.Empty(phone.RegisteredLines);
        Assert.Empty(await BoundLinesAsync(lab, Phone1));
    }

    [Fact]
    public async Task Phone_UnknownDevice_FailsToBootWithTheConfigPortsAnswer()
    {
        await using var lab = await StartAsync();

        var error = await Assert.ThrowsAsync<PhoneException>(() => lab.StartPhoneAsync("SEP0A00000000FF"));

        Assert.Contains("404", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Phone_ProfileMenuThenRestart_ClosesTheServiceAndExitClosesItToo()
    {
        await using var lab = await StartAsync(doc =>
        {
            doc.DeviceProfiles.Add(new DeviceProfile { Name = "alice-desk", ProductType = "Cisco 8845", Lines = [new Line { Dn = "1011", Partition = "Internal" }] });
            doc.EndUsers.Single(u => u.UserId == "alice").ControlledProfiles.Add("alice-desk");
        });
        await lab.UseThisNodesEmServiceAsync();
        await using var phone = await lab.StartPhoneAsync(Phone1);

        var menu = await LogInOnThePhoneAsync(phone, "alice", AlicePin);
        Assert.Equal(PhoneScreenKind.Menu, menu.Kind);
        Assert.Equal(["alice-8845", "alice-desk"], menu.MenuItems.Select(i => i.Name));
        var sync = phone.NextSyncAsync();
        var chosen = await phone.SelectMenuItemAsync(2, Ct);

        Assert.Equal("Login successful", chosen.Prompt);
        Assert.Equal(["1011"], (await sync.WaitAsync(WaitLimit, Ct)).RegisteredLines);
        Assert.Null(phone.Screen);
        var confirmation = await phone.OpenServiceAsync("Extension Mobility", Ct);
        Assert.Equal(["Logout", "Exit"], confirmation.SoftKeys.Select(k => k.Name));
        Assert.Null(await phone.PressSoftKeyAsync("exit", Ct));
        Assert.Null(phone.Screen);
    }
}
