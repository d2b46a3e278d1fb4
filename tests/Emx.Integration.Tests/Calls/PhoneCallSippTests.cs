using System.Globalization;
using Emx.Phones;
using Emx.Testing;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests.Calls;

/// <summary>
/// The phone's call handling against SIPp (Debian package sip-tester), an independent SIP implementation calling it
/// directly. Without sipp on the PATH the test fails when CI=true and otherwise returns after a diagnostic line.
/// </summary>
public sealed class PhoneCallSippTests
{
    [Fact(Timeout = 90_000)]
    public async Task Sipp_CallsThePhone_PhoneAnswersPcmaAndHangsUpAlongSippsRecordRoute()
    {
        var sipp = Sipp.Find("SIPp phone call test");
        if (sipp is null)
        {
            return;
        }

        await using var cluster = StubCluster.Start();
        cluster.SetLines(Phone2, StubCluster.Line(1, "1002", "Bob"));
        await using var bob = await cluster.StartPhoneAsync(Phone2);
        var incoming = bob.NextIncomingCallAsync();
        string[] arguments =
        [
            $"127.0.0.1:{bob.SipEndPoint!.Port.ToString(CultureInfo.InvariantCulture)}", "-sf", Path.Combine(AppContext.BaseDirectory, "Sipp", "sipp-call-phone.xml"),
            "-s", "1002", "-m", "1", "-t", "u1", "-i", "127.0.0.1", "-bind_local", "-nostdin",
            "-recv_timeout", "10000", "-timeout", "30s", "-timeout_error", "-trace_err",
        ];
        var run = Sipp.RunAsync(sipp, arguments, TimeSpan.FromSeconds(60), Ct);

        bob.Diagnostic += (_, e) => TestContext.Current.TestOutputHelper?.WriteLine("phone: " + e.Message);
        if (await Task.WhenAny(incoming, run).WaitAsync(WaitLimit, Ct) == run)
        {
            var (failed, failure) = await run;
            Assert.Fail($"sipp exited with {failed} before the phone rang:{Environment.NewLine}{failure}");
        }

        var call = await incoming;
        Assert.Equal(("1002", "2000", "SIPp"), (call.LineDn, call.RemoteNumber, call.RemoteDisplayName));
        Assert.True(await call.AnswerAsync(Ct).WaitAsync(WaitLimit, Ct));
        Assert.Equal("PCMA", call.Info.Codec);
        var hangUp = call.HangUpAsync(Ct);
        var (exitCode, log) = await run;

        Assert.True(exitCode == 0, $"sipp exited with {exitCode}:{Environment.NewLine}{log}");
        var end = await hangUp.WaitAsync(WaitLimit, Ct);
        Assert.Equal((PhoneCallState.Ended, 200, PhoneCallEndedBy.Local), (end.State, end.StatusCode, end.EndedBy));
        Assert.Empty(bob.Calls);
    }
}
