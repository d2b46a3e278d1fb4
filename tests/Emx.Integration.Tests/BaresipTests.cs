using Emx.Cluster.CallControl;
using Emx.Testing;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// baresip (Debian baresip-core), an independent SIP user agent, as a line of the lab cluster: it registers the line
/// of a Cisco device (its +sip.instance names the device) and calls through emx's proxy to and from another registered
/// line, here a SIPp instance playing the other lobby phone. Without baresip or sipp the tests fail when CI=true and
/// otherwise return after a diagnostic line.
/// </summary>
public sealed class BaresipTests
{
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(60);

    [Fact(Timeout = 120_000)]
    public async Task Baresip_RegistersALineAndIsCalledBySipp_AnswersAndTheCallEndsCleanly()
    {
        if (Baresip.Find("baresip called test") is not { } executable || Sipp.Find("baresip called test") is not { } sipp)
        {
            return;
        }

        await using var lab = await StartAsync();
        var server = lab.Node.SipEndPoint!;
        await using var baresip = await Baresip.StartAsync(executable, new BaresipLine("1902", Phone2, server, AutoAnswer: true), WaitLimit);
        var binding = await RegisteredAsync(lab, Phone2, baresip);
        Assert.Equal("1902", binding.Aor);

        var callerPort = ProxySippTests.FreeUdpPort();
        await ProxySippTests.RegisterAsync(sipp, server, callerPort, "1901", Phone1);
        var (exitCode, log) = await Sipp.RunAsync(
            sipp, [.. ProxySippTests.Arguments(server, callerPort, "sipp-call-uac.xml", sendsFirst: true), "-key", "dn", "1901", "-s", "1902"], CallLimit, Ct);

        Assert.True(exitCode == 0, $"caller sipp exited with {exitCode}:{Environment.NewLine}{log}{Environment.NewLine}{baresip.Describe()}");
        var established = await baresip.WaitForEventAsync("CALL_ESTABLISHED");
        Assert.Equal("incoming", established["direction"]?.GetValue<string>());
        Assert.StartsWith("sip:1901@", established["peeruri"]?.GetValue<string>(), StringComparison.Ordinal);
        var closed = await baresip.WaitForEventAsync("CALL_CLOSED");
        Assert.Equal("Connection reset by peer", closed["param"]?.GetValue<string>());
        AssertCallCompleted(lab);
    }

    [Fact(Timeout = 120_000)]
    public async Task Baresip_RegisteredLineCallsSipp_SippAnswersAndBaresipHangsUp()
    {
        if (Baresip.Find("baresip calling test") is not { } executable || Sipp.Find("baresip calling test") is not { } sipp)
        {
            return;
        }

        await using var lab = await StartAsync();
        var server = lab.Node.SipEndPoint!;
        var calleePort = ProxySippTests.FreeUdpPort();
        await ProxySippTests.RegisterAsync(sipp, server, calleePort, "1902", Phone2);
        using var sippRun = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var answering = Sipp.RunAsync(sipp, ProxySippTests.Arguments(server, calleePort, "sipp-call-uas.xml", sendsFirst: false), CallLimit, sippRun.Token);
        try
        {
            await using var baresip = await Baresip.StartAsync(executable, new BaresipLine("1901", Phone1, server), WaitLimit);
            Assert.Equal("1901", (await RegisteredAsync(lab, Phone1, baresip)).Aor);

            await baresip.CommandAsync("dial", "1902");
            var established = await baresip.WaitForEventAsync("CALL_ESTABLISHED");
            Assert.Equal("outgoing", established["direction"]?.GetValue<string>());
            await baresip.CommandAsync("hangup");
            Assert.Equal("Connection reset by user", (await baresip.WaitForEventAsync("CALL_CLOSED"))["param"]?.GetValue<string>());

            var (exitCode, log) = await answering;
            Assert.True(exitCode == 0, $"callee sipp exited with {exitCode}:{Environment.NewLine}{log}{Environment.NewLine}{baresip.Describe()}");
            AssertCallCompleted(lab);
        }
        finally
        {
            // A failure above leaves SIPp waiting: stop it (RunAsync kills it on cancellation) before the lab goes.
            await sippRun.CancelAsync();
            try
            {
                await answering;
            }
            catch (OperationCanceledException)
            {
                // Stopped here.
            }
        }
    }

    /// <summary>
    /// Waits for baresip's binding (it registers as it starts, before the control connection is up, so its REGISTER_OK
    /// event may go to nobody) and checks it came from baresip's SIP port with its device's instance.
    /// </summary>
    private static async Task<Domain.Runtime.Registration> RegisteredAsync(EmAppLab lab, string device, Baresip baresip)
    {
        List<Domain.Runtime.Registration> bindings = [];
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

    private static void AssertCallCompleted(EmAppLab lab)
    {
        var counters = lab.Service<CallCounters>().Snapshot();
        Assert.Equal(1, counters.CallsAttempted);
        Assert.Equal(1, counters.CallsCompleted);
        Assert.Equal(0, counters.CallsActive);
        Assert.Equal(0, counters.CallsInProgress);
    }
}
