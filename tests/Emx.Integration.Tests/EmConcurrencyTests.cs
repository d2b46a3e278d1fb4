using System.Net;
using System.Text;
using Emx.Cluster.Configuration;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Protocols.EmApi;
using Emx.Web;

namespace Emx.Integration.Tests;

/// <summary>
/// Racing EM API requests on one phone through a real node (SQLite, write gate, pooled contexts): the outcomes stay
/// those of requests taking turns, and the stored state agrees with them.
/// </summary>
public sealed class EmConcurrencyTests : IAsyncLifetime
{
    private const string Phone = "SEP0A0B0C0D0E0F";
    private const string AppUser = "race-api";
    private const string AppPassword = "race-api-secret";

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("emx-race-");
    private EmxNode _node = null!;
    private HttpClient _http = null!;

    public async ValueTask InitializeAsync()
    {
        var provision = new ProvisioningDocument
        {
            PhoneModels = [new PhoneModel { Name = "Race Phone", Protocols = [DeviceProtocol.SIP], Features = [PhoneFeature.ExtensionMobility] }],
            DevicePools = [new DevicePool { Name = "Race" }],
            DeviceProfiles = [new DeviceProfile { Name = "alice-udp", ProductType = "Race Phone" }, new DeviceProfile { Name = "bob-udp", ProductType = "Race Phone" }],
            EndUsers =
            [
                new EndUser { UserId = "alice", LastName = "A", ControlledProfiles = ["alice-udp"] },
                new EndUser { UserId = "bob", LastName = "B", ControlledProfiles = ["bob-udp"] },
            ],
            ApplicationUsers = [new ApplicationUser { UserId = AppUser, Password = AppPassword, Groups = [AccessControlGroup.StandardEmAuthenticationProxyRights] }],
            Phones = [new Phone { Name = Phone, Model = "Race Phone", DevicePool = "Race", EnableExtensionMobility = true }],
            ServiceParameters = new ServiceParametersSection { ExtensionMobility = new ExtensionMobilityServiceParameters { MaximumConcurrentRequests = 100 } },
        };
        var config = new EmxConfigFile
        {
            Node = new NodeConfig { Name = "race1", Address = "127.0.0.1", Ports = new PortsConfig { Http = 0, Https = 0, Config = 0, Sip = 0 } },
            Database = new DatabaseConfig { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(_dir.FullName, "race.db")}" },
            Admin = new AdminConfig { Password = "race-admin-secret" },
            Provision = provision,
        };
        var (node, errors) = await EmxNode.StartAsync(config, null, TestContext.Current.CancellationToken);
        Assert.True(node is not null, string.Join("; ", errors));
        _node = node;
        _http = new HttpClient { BaseAddress = node.HttpUrl };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _node.StopAsync(CancellationToken.None);
        await _node.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task TwoUsersRaceForOnePhone_ExactlyOneWins_TheOtherGetsDeviceInUse()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var round = 0; round < 15; round++)
        {
            var results = await Task.WhenAll(SendAsync(Login("alice"), ct), SendAsync(Login("bob"), ct));

            Assert.Single(results, r => r == "success");
            Assert.Single(results, r => r == "18");
            var winner = results[0] == "success" ? "alice" : "bob";
            Assert.Equal(winner, await CurrentUserAsync(ct));
            Assert.Equal("success", await SendAsync(Logout(), ct));
        }
    }

    [Fact]
    public async Task LoginAndLogoutRace_StoredStateMatchesTheOutcomes()
    {
        var ct = TestContext.Current.CancellationToken;
        for (var round = 0; round < 15; round++)
        {
            var results = await Task.WhenAll(SendAsync(Login("alice"), ct), SendAsync(Logout(), ct));

            Assert.Equal("success", results[0]);
            var current = await CurrentUserAsync(ct);

            // Either the logout came first (nobody logged in: 19, alice stays) or second (it ended alice's login).
            Assert.True(
                (results[1] == "19" && current == "alice") || (results[1] == "success" && current is null),
                $"round {round}: logout answered {results[1]}, current user {current ?? "(none)"}");
            if (current is not null)
            {
                Assert.Equal("success", await SendAsync(Logout(), ct));
            }
        }
    }

    private static EmAppInfo App => new() { AppId = AppUser, Certificate = AppPassword };

    private static EmApiLoginRequest Login(string user) => new() { AppInfo = App, DeviceName = Phone, UserId = user };

    private static EmApiLogoutRequest Logout() => new() { AppInfo = App, DeviceName = Phone };

    /// <summary>"success", or the error code.</summary>
    private async Task<string> SendAsync(EmApiRequest request, CancellationToken ct)
    {
        using var content = new StringContent("xml=" + Uri.EscapeDataString(EmApiRequestWriter.Write(request)), Encoding.ASCII, "application/x-www-form-urlencoded");
        using var response = await _http.PostAsync(new Uri("emservice/EMServiceServlet", UriKind.Relative), content, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (body.Contains("<success/>", StringComparison.Ordinal))
        {
            return "success";
        }

        var start = body.IndexOf("code=\"", StringComparison.Ordinal) + 6;
        return body[start..body.IndexOf('"', start)];
    }

    private async Task<string?> CurrentUserAsync(CancellationToken ct)
    {
        var query = new EmApiDeviceUserQuery { AppInfo = App, DeviceNames = [Phone] };
        using var content = new StringContent("xml=" + Uri.EscapeDataString(EmApiRequestWriter.Write(query)), Encoding.ASCII, "application/x-www-form-urlencoded");
        using var response = await _http.PostAsync(new Uri("emservice/EMServiceServlet", UriKind.Relative), content, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.Contains("<deviceUserResults>", body, StringComparison.Ordinal);
        var start = body.IndexOf("<userID>", StringComparison.Ordinal);
        return start < 0 ? null : body[(start + 8)..body.IndexOf("</userID>", start, StringComparison.Ordinal)];
    }
}
