using System.Net;
using Emx.Sip.Tests.Transport;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Emx.Testing;
using Xunit;

namespace Emx.Sip.Tests.Interop;

/// <summary>
/// Interoperability with SIPp (Debian package sip-tester), an independent SIP implementation. Without sipp on
/// the PATH the test fails when CI=true and otherwise returns after a diagnostic line (xunit's skip is not used,
/// so a passing local run without sipp is visible in the diagnostics, and CI can never pass without it).
/// </summary>
public sealed class SippInteropTests
{
    [Fact(Timeout = 90_000)]
    public async Task Sipp_OptionsUacOverUdp_TenCallsAnswered200()
    {
        var sipp = Sipp.Find("SIPp interop test");
        if (sipp is null)
        {
            return;
        }

        var user = new AnsweringUser();
        await using var layer = new SipTransactionLayer([new SipUdpTransport(new IPEndPoint(IPAddress.Loopback, 0))], user);
        layer.Start();
        var server = layer.Transports[0].LocalEndPoint;
        string[] arguments =
        [
            $"127.0.0.1:{server.Port}", "-sf", Path.Combine(AppContext.BaseDirectory, "Interop", "sipp-options-uac.xml"),
            "-m", "10", "-r", "50", "-t", "u1", "-i", "127.0.0.1", "-bind_local", "-nostdin", "-recv_timeout", "5000",
            "-timeout", "20s", "-timeout_error", "-trace_err",
        ];

        var (exitCode, log) = await Sipp.RunAsync(sipp, arguments, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.True(exitCode == 0, $"sipp exited with {exitCode}:{Environment.NewLine}{log}");
        Assert.Equal(10, user.Requests);
    }
}
