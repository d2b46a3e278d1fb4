using System.Globalization;
using Emx.Testing;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// The registrar against SIPp (Debian package sip-tester), an independent SIP implementation playing a Cisco phone.
/// Without sipp on the PATH the tests fail when CI=true and otherwise return after a diagnostic line (no skips).
/// </summary>
public sealed class RegistrarSippTests
{
    [Theory(Timeout = 90_000)]
    [InlineData("sipp-register-own-line.xml", "1901")]
    [InlineData("sipp-register-foreign-line.xml", "1001")]
    public async Task Sipp_RegisterAsPhone1_OwnLine200ForeignLine403(string scenario, string dn)
    {
        var sipp = Sipp.Find("SIPp registrar test");
        if (sipp is null)
        {
            return;
        }

        await using var lab = await StartAsync();
        var server = lab.Node.SipEndPoint!;
        string[] arguments =
        [
            $"127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}", "-sf", Path.Combine(AppContext.BaseDirectory, "Sipp", scenario),
            "-key", "dn", dn, "-key", "mac", Phone1[3..],
            "-m", "3", "-r", "10", "-t", "u1", "-i", "127.0.0.1", "-bind_local", "-nostdin",
            "-recv_timeout", "5000", "-timeout", "20s", "-timeout_error", "-trace_err",
        ];

        var (exitCode, log) = await Sipp.RunAsync(sipp, arguments, TimeSpan.FromSeconds(60), Ct);

        Assert.True(exitCode == 0, $"sipp exited with {exitCode}:{Environment.NewLine}{log}");
        var bound = (await lab.RegistrationsAsync(Phone1)).Select(r => r.Aor).ToList();
        Assert.Equal(dn == "1901" ? ["1901"] : [], bound);
    }
}
