using System.Diagnostics;
using Emx.Cluster.CallControl;
using Microsoft.Extensions.DependencyInjection;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// How a call between two registered lines of lab cluster A ends when it is not answered, with SIPp (Debian
/// sip-tester) as both phones: busy (486 passed back), no answer (emx's T301 cancels the callee and answers 480 with
/// Q.850 cause 19), and the caller hanging up while it rings (CANCEL passed on, 487). Without sipp the tests fail
/// when CI=true and otherwise return after a diagnostic line.
/// </summary>
public sealed class CallReleaseSippTests
{
    [Fact(Timeout = 90_000)]
    public async Task Busy_CalleeAnswers486_CallerGets486()
    {
        using var sipp = SippCalls.Find("SIPp busy test");
        if (sipp is null)
        {
            return;
        }

        await using var lab = await StartAsync();
        var (server, callerPort, calleePort) = await RegisterBothAsync(sipp, lab);
        var callee = await sipp.ListenAsync(server, "127.0.0.1", calleePort, sipp.Scenario("sipp-uas-refuse.xml", ("[status]", "486"), ("[check]", "^INVITE sip:1902@")));

        var caller = await sipp.CallAsync(server, callerPort, sipp.Scenario("sipp-call-fails.xml", ("[status]", "486"), ("[expect]", "^SIP/2\\.0 486 ")), "1901", "1902");

        SippCalls.AssertPassed(caller, "caller 1901");
        SippCalls.AssertPassed(await callee, "busy callee 1902");
        Assert.Equal(1, lab.Service<CallCounters>().Snapshot().CallsRefusedByStatus[486]);
    }

    [Fact(Timeout = 90_000)]
    public async Task NoAnswer_CalleeOnlyRings_CalleeCancelledAndCallerGets480Cause19()
    {
        using var sipp = SippCalls.Find("SIPp no-answer test");
        if (sipp is null)
        {
            return;
        }

        var noAnswer = TimeSpan.FromSeconds(3);
        await using var lab = await StartAsync(services: s => s.AddSingleton(new CallControlOptions { NoAnswerTimeout = noAnswer }));
        var (server, callerPort, calleePort) = await RegisterBothAsync(sipp, lab);
        var callee = await sipp.ListenAsync(server, "127.0.0.1", calleePort, "sipp-uas-ring-until-cancel.xml");

        var clock = Stopwatch.StartNew();
        var caller = await sipp.CallAsync(
            server, callerPort, sipp.Scenario("sipp-call-fails.xml", ("[status]", "480"), ("[expect]", @"Reason: Q\.850;cause=19")), "1901", "1902");
        clock.Stop();

        SippCalls.AssertPassed(caller, "caller 1901");
        SippCalls.AssertPassed(await callee, "ringing callee 1902 (must see the CANCEL)");
        Assert.InRange(clock.Elapsed, noAnswer - TimeSpan.FromMilliseconds(200), noAnswer + TimeSpan.FromSeconds(5));
        Assert.Equal(1, lab.Service<CallCounters>().Snapshot().CallsRefusedByStatus[480]);
    }

    [Fact(Timeout = 90_000)]
    public async Task CallerCancels_WhileCalleeRings_CancelReachesCalleeAndCallerGets487()
    {
        using var sipp = SippCalls.Find("SIPp caller CANCEL test");
        if (sipp is null)
        {
            return;
        }

        await using var lab = await StartAsync();
        var (server, callerPort, calleePort) = await RegisterBothAsync(sipp, lab);
        var callee = await sipp.ListenAsync(server, "127.0.0.1", calleePort, "sipp-uas-ring-until-cancel.xml");

        var caller = await sipp.CallAsync(server, callerPort, "sipp-call-cancel.xml", "1901", "1902");

        SippCalls.AssertPassed(caller, "cancelling caller 1901");
        SippCalls.AssertPassed(await callee, "ringing callee 1902 (must see the CANCEL)");
        Assert.Equal(1, lab.Service<CallCounters>().Snapshot().CallsRefusedByStatus[487]);
    }

    /// <summary>Registers 1901 (phone 1, the caller) and 1902 (phone 2, the callee) from their own SIPp ports.</summary>
    private static async Task<(IPEndPoint Server, int CallerPort, int CalleePort)> RegisterBothAsync(SippCalls sipp, EmAppLab lab)
    {
        var server = lab.Node.SipEndPoint!;
        var callerPort = SippCalls.FreeUdpPort();
        var calleePort = SippCalls.FreeUdpPort();
        await sipp.RegisterAsync(server, callerPort, "1901", Phone1);
        await sipp.RegisterAsync(server, calleePort, "1902", Phone2);
        return (server, callerPort, calleePort);
    }
}
