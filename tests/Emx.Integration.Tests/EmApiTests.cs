using System.Diagnostics;
using Emx.Cluster.ExtensionMobility;
using Emx.Web.Cisco;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// The EM API (/emservice/EMServiceServlet) through its public interface, as EM scripts use it: every EMService code of
/// seed table 9 that can arise inside one cluster, in the situation the table describes.
/// </summary>
public sealed class EmApiTests
{
    private const string App = "<appInfo><appID>emapi</appID><appCertificate>emapi-secret</appCertificate></appInfo>";

    private static string Login(string device, string user, string? extra = null, string app = App) =>
        $"<request>{app}<login><deviceName>{device}</deviceName><userID>{user}</userID>{extra}</login></request>";

    private static string Logout(string device, string app = App) => $"<request>{app}<logout><deviceName>{device}</deviceName></logout></request>";

    private static async Task<string> PostAsync(EmAppLab lab, string xml, Action<HttpRequestMessage>? decorate = null)
    {
        using var client = new HttpClient { BaseAddress = lab.Node.HttpUrl };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/emservice/EMServiceServlet")
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("xml", xml)]),
        };
        decorate?.Invoke(request);
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private static string Code(string response)
    {
        var match = System.Text.RegularExpressions.Regex.Match(response, "<error code=\"(\\d+)\">");
        return match.Success ? match.Groups[1].Value : response.Contains("<success/>", StringComparison.Ordinal) ? "success" : "?: " + response;
    }

    private static async Task ExecuteSqlAsync(EmAppLab lab, string sql)
    {
        await using var db = lab.Db();
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    [Fact]
    public async Task LoginQueriesLogout_ExistingClientShapes_AnswerAsCucm()
    {
        await using var lab = await StartAsync();

        var login = await PostAsync(lab, Login(Phone1, "alice"));
        var query = await PostAsync(lab, $"<query>{App}<deviceUserQuery><deviceName>{Phone1}</deviceName><deviceName>SEPFFFFFFFFFFFF</deviceName></deviceUserQuery></query>");
        var logout = await PostAsync(lab, Logout(Phone1));
        var after = await PostAsync(lab, $"<query>{App}<deviceUserQuery><deviceName>{Phone1}</deviceName></deviceUserQuery></query>");

        Assert.Equal("<?xml version=\"1.0\"?>\n<response>\n<success/>\n</response>", login);
        Assert.Equal("<?xml version=\"1.0\"?>\n<response><deviceUserResults><device name=\"SEP0A0000000001\"><userID>alice</userID><none/><emccDevice>no</emccDevice></device><device name=\"SEPFFFFFFFFFFFF\"><doesNotExist/></device></deviceUserResults></response>", query);
        Assert.Equal("<?xml version=\"1.0\"?>\n<response>\n<success/>\n</response>", logout);
        Assert.Equal("<?xml version=\"1.0\"?>\n<response><deviceUserResults><device name=\"SEP0A0000000001\"><none/><lastlogin>alice</lastlogin><emccDevice>no</emccDevice></device></deviceUserResults></response>", after);
    }

    [Fact]
    public async Task PythonClient_FormPostAndRawGet_LogsInQueriesAndLogsOut()
    {
        await using var lab = await StartAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "clients", "em_api_client.py");
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { script, lab.Node.HttpUrl.ToString(), "emapi", "emapi-secret", Phone1, "alice" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(1), Ct);

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await output}\n{await error}");
        Assert.Contains("all steps passed", await output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "2: blank appID", $"<request><appInfo><appID></appID><appCertificate>x</appCertificate></appInfo><logoutAll/></request>" },
        { "2: blank userID", Login(Phone1, "") },
        { "3: wrong password", Login(Phone1, "alice", app: "<appInfo><appID>emapi</appID><appCertificate>nope</appCertificate></appInfo>") },
        { "3: unknown app user", Login(Phone1, "alice", app: "<appInfo><appID>ghost</appID><appCertificate>nope</appCertificate></appInfo>") },
        { "3: encrypted certificate from outside", Login(Phone1, "alice", app: "<appInfo><appID>emapi</appID><appEncryptedCertificate>AAAA</appEncryptedCertificate></appInfo>") },
        { "1: not XML", "<request><login>" },
        { "1: external entity", "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><request><appInfo><appID>&x;</appID><appCertificate>a</appCertificate></appInfo><logoutAll/></request>" },
        { "1: billion laughs", "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><request><appInfo><appID>&d;</appID><appCertificate>a</appCertificate></appInfo><logoutAll/></request>" },
        { "1: deeply nested", "<request>" + string.Concat(Enumerable.Repeat("<a>", 5000)) + string.Concat(Enumerable.Repeat("</a>", 5000)) + "</request>" },
        { "8: unknown query", $"<query>{App}<whoIsQuery><userID>alice</userID></whoIsQuery></query>" },
        { "11: unknown device", Login("SEP111111111111", "alice") },
        { "12: profile not controlled", Login(Phone1, "alice", "<deviceProfile>bob-8845</deviceProfile>") },
        { "19: nobody logged in", Logout(Phone1) },
        { "23: unknown user", Login(Phone1, "zed") },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Request_InTheSituationTheTableDescribes_AnswersItsCode(string situation, string xml)
    {
        await using var lab = await StartAsync();

        var response = await PostAsync(lab, xml);

        Assert.Equal(situation.Split(':')[0], Code(response));
        Assert.StartsWith("<?xml version=\"1.0\"?>\n<response><failure><error code=", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_PhoneBusyUserElsewhereAndEmDisabled_18_25_22_5()
    {
        await using var lab = await StartAsync();
        Assert.Equal("success", Code(await PostAsync(lab, Login(Phone1, "alice"))));

        Assert.Equal("18", Code(await PostAsync(lab, Login(Phone1, "bob"))));
        Assert.Equal("25", Code(await PostAsync(lab, Login(Phone2, "alice"))));

        await lab.ApplyAsync(new ProvisioningDocument { Phones = [DisabledPhone2()] });
        Assert.Equal("22", Code(await PostAsync(lab, Login(Phone2, "bob"))));
        Assert.Equal("5", Code(await PostAsync(lab, Logout(Phone2))));
    }

    private static Phone DisabledPhone2() => new()
    {
        Name = Phone2, Model = "Cisco 8845", Css = "AllCSS", Geolocation = "Boston", EnableExtensionMobility = false,
        Lines = [new Line { Dn = "1902", Partition = "Internal", DisplayName = "Lobby A2" }],
    };

    [Fact]
    public async Task EndUserAsAppId_ActingForAnotherUser_10_ButMayServeThemself()
    {
        await using var lab = await StartAsync(doc => doc.EndUsers.Single(u => u.UserId == "alice").Password = "alice-password-1");
        const string Alice = "<appInfo><appID>alice</appID><appCertificate>alice-password-1</appCertificate></appInfo>";

        Assert.Equal("10", Code(await PostAsync(lab, Login(Phone1, "bob", app: Alice))));
        Assert.Equal("10", Code(await PostAsync(lab, $"<query>{Alice}<deviceUserQuery><deviceName>{Phone1}</deviceName></deviceUserQuery></query>")));
        Assert.Equal("success", Code(await PostAsync(lab, Login(Phone1, "alice", app: Alice))));
        Assert.Equal("success", Code(await PostAsync(lab, Logout(Phone1, Alice))));
    }

    [Fact]
    public async Task EndUserAsAppId_MustChangePassword_27()
    {
        await using var lab = await StartAsync(doc =>
        {
            var alice = doc.EndUsers.Single(u => u.UserId == "alice");
            alice.Password = "alice-password-1";
            alice.PasswordMustChangeAtNextLogin = true;
        });

        var response = await PostAsync(lab, Login(Phone1, "alice", app: "<appInfo><appID>alice</appID><appCertificate>alice-password-1</appCertificate></appInfo>"));

        Assert.Equal("27", Code(response));
    }

    [Fact]
    public async Task Login_WhileAnotherRequestHoldsTheOnlySlot_26AndCountedAsThrottled()
    {
        await using var lab = await StartAsync(doc => doc.ServiceParameters!.ExtensionMobility!.MaximumConcurrentRequests = 1);
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
        var inProgress = lab.Service<EmCounters>().Snapshot().RequestsInProgress;
        var refused = await PostAsync(lab, Login(Phone2, "bob"));
        release.SetResult();
        await held;
        var later = await PostAsync(lab, Login(Phone2, "bob"));

        Assert.Equal(1, inProgress);
        Assert.Equal("26", Code(refused));
        Assert.Equal("success", Code(later));
        Assert.Equal(1, lab.Service<EmCounters>().Snapshot().RequestsThrottled);
        Assert.Equal(0, lab.Service<EmCounters>().Snapshot().RequestsInProgress);
    }

    [Fact]
    public async Task ValidateIpAddress_UntrustedClientEvenClaimingATrustedAddress_28()
    {
        // The node listens on 127.0.0.5; the test client connects from 127.0.0.1, which is not trusted.
        await using var lab = await StartAsync(doc => doc.ServiceParameters!.ExtensionMobility!.ValidateIpAddress = true, address: "127.0.0.5");

        var plain = await PostAsync(lab, Login(Phone1, "alice"));
        var spoofed = await PostAsync(lab, Login(Phone1, "alice", "<remoteIPAddr>127.0.0.5</remoteIPAddr>"));

        Assert.Equal("28", Code(plain));
        Assert.Equal("28", Code(spoofed));
    }

    [Fact]
    public async Task ValidateIpAddress_TrustedClient_AcceptedButNotThroughAProxy_30()
    {
        await using var lab = await StartAsync(doc =>
        {
            var em = doc.ServiceParameters!.ExtensionMobility!;
            em.ValidateIpAddress = true;
            em.TrustedListOfIps = "127.0.0.1";
            em.AllowProxy = false;
        }, address: "127.0.0.5");

        var viaProxy = await PostAsync(lab, Login(Phone1, "alice"), r => r.Headers.Via.ParseAdd("1.1 proxy.example.com"));
        var viaFlag = await PostAsync(lab, Login(Phone1, "alice", "<isViaHeaderSet>true</isViaHeaderSet>"));
        var direct = await PostAsync(lab, Login(Phone1, "alice"));

        Assert.Equal("30", Code(viaProxy));
        Assert.Equal("30", Code(viaFlag));
        Assert.Equal("success", Code(direct));
    }

    [Fact]
    public async Task DatabaseFailures_ReadWhileDecidingLogin_4_ReadingStatusForLogout_21_Write_6()
    {
        await using var lab = await StartAsync();
        Assert.Equal("success", Code(await PostAsync(lab, Login(Phone1, "alice"))));

        // A write the database refuses (a real SQLite error raised by a trigger): the login is not recorded.
        await ExecuteSqlAsync(lab, "CREATE TRIGGER refuse_em BEFORE INSERT ON ExtensionMobilityDynamics BEGIN SELECT RAISE(ABORT, 'disk refused'); END;");
        Assert.Equal("6", Code(await PostAsync(lab, Login(Phone2, "bob"))));
        await ExecuteSqlAsync(lab, "DROP TRIGGER refuse_em;");
        Assert.Contains("<none/>", await PostAsync(lab, $"<query>{App}<deviceUserQuery><deviceName>{Phone2}</deviceName></deviceUserQuery></query>"), StringComparison.Ordinal);

        // The login state cannot be read at all.
        await ExecuteSqlAsync(lab, "ALTER TABLE ExtensionMobilityDynamics RENAME TO EmDynamicsAway;");
        Assert.Equal("4", Code(await PostAsync(lab, Login(Phone2, "bob"))));
        Assert.Equal("21", Code(await PostAsync(lab, Logout(Phone1))));
        await ExecuteSqlAsync(lab, "ALTER TABLE EmDynamicsAway RENAME TO ExtensionMobilityDynamics;");
        Assert.Equal("success", Code(await PostAsync(lab, Logout(Phone1))));
    }

    [Fact]
    public async Task DirectoryUnreadable_WhileAuthenticatingTheAppUser_9()
    {
        await using var lab = await StartAsync();
        await ExecuteSqlAsync(lab, "ALTER TABLE ApplicationUsers RENAME TO ApplicationUsersAway;");

        Assert.Equal("9", Code(await PostAsync(lab, Login(Phone1, "alice"))));
    }

    [Fact]
    public async Task StoredSettingsCorrupted_UnexpectedFailure_0()
    {
        await using var lab = await StartAsync();
        await ExecuteSqlAsync(lab, "UPDATE Settings SET Json = '{{not json' WHERE Name = 'serviceParameters.extensionMobility';");
        lab.Service<SettingsCache>().Invalidate();

        Assert.Equal("0", Code(await PostAsync(lab, Login(Phone1, "alice"))));
    }

    [Fact]
    public async Task EmApp_EmSwitchedOffBetweenFormAndSubmission_20()
    {
        await using var lab = await StartAsync();
        var form = (await lab.EmAppAsync("device=" + Phone2)).ScreenAs<Emx.Protocols.CiscoIpPhone.CiscoIpPhoneInput>();
        await lab.ApplyAsync(new ProvisioningDocument { Phones = [DisabledPhone2()] });

        var response = await lab.SubmitAsync(form, ("userid", "bob"), ("seq", BobPin));

        Assert.Contains("Login is unavailable(20)", response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrency_OneUserTwoPhonesNotAllowed_ExactlyOneWinsEveryRound()
    {
        await using var lab = await StartAsync();
        for (var round = 0; round < 25; round++)
        {
            var results = await Task.WhenAll(PostAsync(lab, Login(Phone1, "alice")), PostAsync(lab, Login(Phone2, "alice")));

            var codes = results.Select(Code).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(["25", "success"], codes);
            var winner = Code(results[0]) == "success" ? Phone1 : Phone2;
            Assert.Equal("success", Code(await PostAsync(lab, Logout(winner))));
        }
    }

    [Fact]
    public async Task Concurrency_LoginAndLogoutRacingOnOnePhone_StateAlwaysConsistent()
    {
        await using var lab = await StartAsync();
        for (var round = 0; round < 25; round++)
        {
            await Task.WhenAll(PostAsync(lab, Login(Phone1, "bob")), PostAsync(lab, Logout(Phone1)), PostAsync(lab, Login(Phone1, "alice")));

            var device = await PostAsync(lab, $"<query>{App}<deviceUserQuery><deviceName>{Phone1}</deviceName></deviceUserQuery></query>");
            var users = await PostAsync(lab, $"<query>{App}<userDevicesQuery><userID>alice</userID><userID>bob</userID></userDevicesQuery></query>");
            var current = System.Text.RegularExpressions.Regex.Match(device, "<device name=\"[^\"]+\"><userID>([^<]+)</userID>");
            var onPhone = System.Text.RegularExpressions.Regex.Matches(users, "<user id=\"([^\"]+)\"><deviceName>" + Phone1).Select(m => m.Groups[1].Value).ToList();
            if (current.Success)
            {
                Assert.Equal([current.Groups[1].Value], onPhone);
                Assert.Equal("success", Code(await PostAsync(lab, Logout(Phone1))));
            }
            else
            {
                Assert.Empty(onPhone);
            }
        }
    }

    [Fact]
    public async Task AutomaticLogout_LoginExpiredWhileNodeWasDown_LoggedOutOnceAtStart()
    {
        var clock = new MovableTimeProvider(new DateTimeOffset(2026, 11, 22, 8, 0, 0, TimeSpan.Zero));
        void Overrides(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<TimeProvider>(services, clock);
        DirectoryInfo data;
        await using (var first = await StartAsync(services: Overrides))
        {
            first.KeepData = true;
            data = first.DataDirectory;
            Assert.Equal("success", Code(await PostAsync(first, Login(Phone1, "alice", "<exclusiveDuration><time>30</time></exclusiveDuration>"))));
            Assert.Equal("success", Code(await PostAsync(first, Login(Phone2, "bob"))));
        }

        clock.Advance(TimeSpan.FromMinutes(31));
        await using var second = await StartAsync(services: Overrides, reuse: data);
        var status = await PostAsync(second, $"<query>{App}<deviceUserQuery><deviceName>{Phone1}</deviceName><deviceName>{Phone2}</deviceName></deviceUserQuery></query>");
        for (var i = 0; i < 200 && status.Contains("<userID>alice</userID>", StringComparison.Ordinal); i++)
        {
            await Task.Yield();
            await second.Service<AutoLogoutService>().LogOutExpiredAsync(Ct);
            status = await PostAsync(second, $"<query>{App}<deviceUserQuery><deviceName>{Phone1}</deviceName><deviceName>{Phone2}</deviceName></deviceUserQuery></query>");
        }

        Assert.Contains($"<device name=\"{Phone1}\"><none/><lastlogin>alice</lastlogin>", status, StringComparison.Ordinal);
        Assert.Contains($"<device name=\"{Phone2}\"><userID>bob</userID>", status, StringComparison.Ordinal);
        await using var db = second.Db();
        var automatic = await db.DeviceEvents.CountAsync(e => e.DeviceName == Phone1 && e.Reason.StartsWith("automatic logout"), Ct);
        Assert.Equal(1, automatic);
    }

    [Fact]
    public async Task Https_EmApiWithTheNodesTomcatCertificate_LogsInAndOut()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var lab = await StartAsync(https: port);
        string? thumbprint;
        await using (var db = lab.Db())
        {
            thumbprint = await db.NodeCertificates.Where(c => c.Purpose == Emx.Domain.Security.CertificatePurpose.Tomcat).Select(c => c.Thumbprint).SingleAsync(Ct);
        }

        string? presented = null;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            // Trust exactly this node's certificate (what the bulk certificate import will do between clusters).
            presented = certificate is null ? null : Convert.ToHexString(certificate.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256));
            return presented == thumbprint;
        };
        using var client = new HttpClient(handler) { BaseAddress = lab.Node.HttpsUrl };
        async Task<string> Send(string xml)
        {
            using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("xml", xml)]);
            using var response = await client.PostAsync(new Uri("/emservice/EMServiceServlet", UriKind.Relative), content, Ct);
            return await response.Content.ReadAsStringAsync(Ct);
        }

        Assert.Equal("success", Code(await Send(Login(Phone1, "alice"))));
        Assert.Equal("success", Code(await Send(Logout(Phone1))));
        Assert.NotNull(thumbprint);
        Assert.Equal(thumbprint, presented);

        using var nodes = new HttpClient { BaseAddress = lab.Node.HttpUrl };
        nodes.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:emx-lab-admin")));
        var listed = await nodes.GetStringAsync(new Uri("/api/v1/certificates", UriKind.Relative), Ct);
        Assert.Contains(thumbprint!, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("\"der\"", listed, StringComparison.Ordinal);
    }

    /// <summary>A clock a test moves by hand; timers run on the system clock.</summary>
    private sealed class MovableTimeProvider(DateTimeOffset start) : TimeProvider
    {
        private long _ticks = start.UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
