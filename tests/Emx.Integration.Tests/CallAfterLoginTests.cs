using Emx.Cluster.CallControl;
using Emx.Phones;
using static Emx.Integration.Tests.EmAppLab;
using SipTransportKind = Emx.Sip.Transport.SipTransportKind;

namespace Emx.Integration.Tests;

/// <summary>
/// The acceptance path end to end with two Cisco-like phones (Emx.Phone) on the lab cluster: alice logs in
/// through EMApp on lobby phone 1, the phone restarts (check-sync) and registers her profile's line 1001; lobby phone
/// 2 calls 1001 and phone 1 rings; after logout 1001 no longer rings there (480: registered nowhere) and phone 1's own
/// line 1901 rings it again.
/// </summary>
public sealed class CallAfterLoginTests
{
    private static async Task<PhoneCallInfo> CallAsync(CiscoLikePhone from, string number) =>
        await (await from.PlaceCallAsync(number, cancellationToken: Ct)).Ended.WaitAsync(WaitLimit, Ct);

    private static async Task LogInAsync(CiscoLikePhone phone, string userId, string pin)
    {
        var sync = phone.NextSyncAsync();
        await phone.OpenServiceAsync("Extension Mobility", Ct);
        var welcome = await phone.SubmitInputAsync([new("userid", userId), new("seq", pin)], Ct);
        Assert.Equal("Login successful", welcome.Prompt);
        await sync.WaitAsync(WaitLimit, Ct);
    }

    private static async Task LogOutAsync(CiscoLikePhone phone)
    {
        var sync = phone.NextSyncAsync();
        await phone.OpenServiceAsync("Extension Mobility", Ct);
        var goodbye = await phone.PressSoftKeyAsync("Logout", Ct);
        Assert.Equal("Logout successful", goodbye!.Prompt);
        await sync.WaitAsync(WaitLimit, Ct);
    }

    /// <summary>Calls <paramref name="number"/> from <paramref name="caller"/>, expects <paramref name="callee"/> to ring on it, answers and hangs up.</summary>
    private static async Task CallRingsAndConnectsAsync(CiscoLikePhone caller, CiscoLikePhone callee, string number, string callerNumber)
    {
        var incoming = callee.NextIncomingCallAsync();
        var call = await caller.PlaceCallAsync(number, cancellationToken: Ct);
        var ringing = await incoming.WaitAsync(WaitLimit, Ct);

        Assert.Equal(number, ringing.LineDn);
        Assert.Equal(callerNumber, ringing.RemoteNumber);
        Assert.True(await call.Ringing.WaitAsync(WaitLimit, Ct));

        Assert.True(await ringing.AnswerAsync(Ct));
        Assert.True(await call.Connected.WaitAsync(WaitLimit, Ct));
        var ended = await call.HangUpAsync(Ct);
        var calleeEnded = await ringing.Ended.WaitAsync(WaitLimit, Ct);

        Assert.Equal(200, ended.StatusCode);
        Assert.Equal(PhoneCallState.Ended, calleeEnded.State);
    }

    [Theory(Timeout = 120_000)]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    public async Task EmLogin_CallToTheProfileLineRingsThePhone_AfterLogoutItNoLongerDoes(SipTransportKind transport)
    {
        await using var lab = await StartAsync();
        await lab.UseThisNodesEmServiceAsync();
        await using var phone1 = await lab.StartPhoneAsync(Phone1, transport);
        await using var phone2 = await lab.StartPhoneAsync(Phone2);

        // Before the login alice's line is registered nowhere.
        var before = await CallAsync(phone2, "1001");
        Assert.Equal(480, before.StatusCode);

        await LogInAsync(phone1, "alice", AlicePin);
        Assert.Equal(["1001"], phone1.RegisteredLines);
        await CallRingsAndConnectsAsync(phone2, phone1, "1001", "1902");

        // The lobby line went with the login: nothing rings for it now.
        Assert.Equal(480, (await CallAsync(phone2, "1901")).StatusCode);

        await LogOutAsync(phone1);
        Assert.Equal(["1901"], phone1.RegisteredLines);
        var rangAfterLogout = phone1.NextIncomingCallAsync();
        var after = await CallAsync(phone2, "1001");

        Assert.Equal(480, after.StatusCode);
        Assert.False(rangAfterLogout.IsCompleted);
        await CallRingsAndConnectsAsync(phone2, phone1, "1901", "1902");

        var counters = lab.Service<CallCounters>().Snapshot();
        Assert.Equal(5, counters.CallsAttempted);
        Assert.Equal(2, counters.CallsCompleted);
        Assert.Equal(3, counters.CallsRefusedByStatus[480]);
    }

    [Fact(Timeout = 120_000)]
    public async Task EmLogin_TheLoggedInUsersLineCallsWithTheProfilesLineCss()
    {
        // alice's profile line has InternalCSS (Internal only) and the phone's device CSS is AllCSS: both are searched,
        // line CSS first, so 911 (Emergency, via AllCSS) is still found; the Default pool has no local route group: 503.
        await using var lab = await StartAsync();
        await lab.UseThisNodesEmServiceAsync();
        await using var phone1 = await lab.StartPhoneAsync(Phone1);
        await using var phone2 = await lab.StartPhoneAsync(Phone2);
        await LogInAsync(phone1, "alice", AlicePin);

        await CallRingsAndConnectsAsync(phone1, phone2, "1902", "1001");
        var emergency = await CallAsync(phone1, "911");

        Assert.Equal(503, emergency.StatusCode);
    }
}
