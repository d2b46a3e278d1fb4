using Emx.Cluster.CallControl;
using Emx.Domain.Runtime;
using Emx.Phones;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// baresip (Debian baresip-core), an independent SIP user agent, as a line of the lab cluster: it registers the line
/// of a Cisco device (its +sip.instance names the device) and calls through emx's proxy to and from an emx phone
/// (Emx.Phone's Cisco-like phone) on the other lobby phone's line: lobby phone 1 (1901) and lobby phone 2 (1902),
/// both Internal with AllCSS. baresip hangs up as callee and as caller, and cancels a ringing call, so each of its
/// in-dialog requests crosses the record-route. Without baresip the tests fail when CI=true and otherwise return after
/// a diagnostic line.
/// </summary>
public sealed class BaresipTests
{
    [Fact(Timeout = 120_000)]
    public async Task Baresip_RegistersALineAndIsCalledByAnEmxPhone_AnswersHangsUpAndUnregisters()
    {
        if (Baresip.Find("baresip called test") is not { } executable)
        {
            return;
        }

        await using var lab = await StartAsync();
        await using var baresip = await Baresip.StartAsync(executable, new BaresipLine("1902", Phone2, lab.Node.SipEndPoint!, AutoAnswer: true), WaitLimit);
        Assert.Equal("1902", (await RegisteredAsync(lab, Phone2, baresip)).Aor);
        await using var phone = await lab.StartPhoneAsync(Phone1);

        var call = await phone.PlaceCallAsync("1902", cancellationToken: Ct);
        Assert.True(await call.Connected.WaitAsync(WaitLimit, Ct), $"{call.Info}{Environment.NewLine}{baresip.Describe()}");
        var established = await baresip.WaitForEventAsync("CALL_ESTABLISHED");
        Assert.Equal("incoming", established["direction"]?.GetValue<string>());
        Assert.StartsWith("sip:1901@", established["peeruri"]?.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("PCMU", call.Info.Codec); // baresip loads the g711 module only: PCMU is its first choice and the phone's first after G.722

        await baresip.CommandAsync("hangup");
        var ended = await call.Ended.WaitAsync(WaitLimit, Ct);

        Assert.Equal((PhoneCallState.Ended, 200, PhoneCallEndedBy.Remote), (ended.State, ended.StatusCode, ended.EndedBy));
        Assert.Equal("Connection reset by user", (await baresip.WaitForEventAsync("CALL_CLOSED"))["param"]?.GetValue<string>());
        AssertCalls(lab, attempted: 1, completed: 1);

        // On quit baresip unregisters (Expires 0) and exits once emx answered.
        Assert.True(await baresip.QuitAsync(), baresip.Describe());
        Assert.Empty(await lab.RegistrationsAsync(Phone2));
    }

    [Fact(Timeout = 120_000)]
    public async Task Baresip_RegisteredLineCallsAnEmxPhone_PhoneAnswersAndBaresipHangsUp()
    {
        if (Baresip.Find("baresip calling test") is not { } executable)
        {
            return;
        }

        await using var lab = await StartAsync();
        await using var phone = await lab.StartPhoneAsync(Phone2);
        await using var baresip = await Baresip.StartAsync(executable, new BaresipLine("1901", Phone1, lab.Node.SipEndPoint!), WaitLimit);
        Assert.Equal("1901", (await RegisteredAsync(lab, Phone1, baresip)).Aor);

        var incoming = phone.NextIncomingCallAsync();
        await baresip.CommandAsync("dial", "1902");
        var call = await incoming.WaitAsync(WaitLimit, Ct);
        Assert.Equal(("1902", "1901"), (call.LineDn, call.RemoteNumber));
        await baresip.WaitForEventAsync("CALL_RINGING");
        Assert.True(await call.AnswerAsync(Ct).WaitAsync(WaitLimit, Ct), $"{call.Info}{Environment.NewLine}{baresip.Describe()}");
        Assert.Equal("outgoing", (await baresip.WaitForEventAsync("CALL_ESTABLISHED"))["direction"]?.GetValue<string>());
        Assert.Equal("PCMU", call.Info.Codec); // baresip loads the g711 module only: PCMU is its first choice and the phone's first after G.722

        await baresip.CommandAsync("hangup");
        var ended = await call.Ended.WaitAsync(WaitLimit, Ct);

        Assert.Equal((PhoneCallState.Ended, 200, PhoneCallEndedBy.Remote), (ended.State, ended.StatusCode, ended.EndedBy));
        await baresip.WaitForEventAsync("CALL_CLOSED");
        AssertCalls(lab, attempted: 1, completed: 1);
    }

    [Fact(Timeout = 120_000)]
    public async Task Baresip_HangsUpWhileTheEmxPhoneRings_TheCancelReachesThePhone()
    {
        if (Baresip.Find("baresip cancel test") is not { } executable)
        {
            return;
        }

        await using var lab = await StartAsync();
        await using var phone = await lab.StartPhoneAsync(Phone2);
        await using var baresip = await Baresip.StartAsync(executable, new BaresipLine("1901", Phone1, lab.Node.SipEndPoint!), WaitLimit);
        await RegisteredAsync(lab, Phone1, baresip);

        var incoming = phone.NextIncomingCallAsync();
        await baresip.CommandAsync("dial", "1902");
        var call = await incoming.WaitAsync(WaitLimit, Ct);
        await baresip.WaitForEventAsync("CALL_RINGING");
        await baresip.CommandAsync("hangup");
        var ended = await call.Ended.WaitAsync(WaitLimit, Ct);

        Assert.Equal((PhoneCallState.Ended, 487, PhoneCallEndedBy.Remote), (ended.State, ended.StatusCode, ended.EndedBy));
        await baresip.WaitForEventAsync("CALL_CLOSED");
        Assert.Empty(phone.Calls);
        AssertCalls(lab, attempted: 1, completed: 0);
    }

    /// <summary>
    /// Waits for baresip's binding (it registers as it starts, before the control connection is up, so its REGISTER_OK
    /// event may go to nobody) and checks it came from baresip's SIP port with its device's instance.
    /// </summary>
    private static async Task<Registration> RegisteredAsync(EmAppLab lab, string device, Baresip baresip)
    {
        List<Registration> bindings = [];
        try
        {
            await Timeouts.WaitUntilAsync(async _ => (bindings = await lab.RegistrationsAsync(device)).Count > 0, WaitLimit, $"a binding of {device}");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException(e.Message + Environment.NewLine + baresip.Describe());
        }

        var binding = Assert.Single(bindings);
        Assert.Equal($"udp:{baresip.SipEndPoint}", binding.Source);
        Assert.Equal($"<urn:uuid:00000000-0000-0000-0000-{device[3..]}>", binding.InstanceId, ignoreCase: true);
        return binding;
    }

    private static void AssertCalls(EmAppLab lab, int attempted, int completed)
    {
        var counters = lab.Service<CallCounters>().Snapshot();
        Assert.Equal((attempted, completed, 0, 0), (counters.CallsAttempted, counters.CallsCompleted, counters.CallsActive, counters.CallsInProgress));
    }
}
