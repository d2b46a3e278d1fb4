using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Emx.Cluster.Configuration;
using Emx.Cluster.Emcc;
using Emx.Domain.Configuration;
using Emx.Phones;
using Microsoft.Extensions.DependencyInjection;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// Lab clusters A (home of alice, 127.0.1.1) and B (visiting, 127.0.2.1) that trust each other (Bulk Certificate Management)
/// and point at each other's real ports; each with its own <see cref="ShiftedTimeProvider"/> so a test can jump past
/// login durations and maintenance intervals. The home cluster can be stopped and started again on its database
/// (same HTTPS port: the visiting cluster's Remote Cluster entry stays valid), as a WAN failure or an outage.
/// </summary>
internal sealed class EmccPair : IAsyncDisposable
{
    public const string HomeAddress = "127.0.1.1";
    public const string VisitingAddress = "127.0.2.1";
    public const string VisitingPhone = "SEP0B0000000001";
    public const string AdminPassword = "emx-lab-admin";

    private readonly Action<ProvisioningDocument>? _home;
    private readonly Action<IServiceCollection>? _visitingServices;
    private readonly string _homeIdAtVisiting;
    private readonly int _homeHttps;
    private EmAppLab? _homeLab;
    private EmAppLab? _visitingLab;
    private DirectoryInfo? _stoppedHome;

    private EmccPair(Action<ProvisioningDocument>? home, Action<IServiceCollection>? visitingServices, string homeIdAtVisiting, int homeHttps)
    {
        _home = home;
        _visitingServices = visitingServices;
        _homeIdAtVisiting = homeIdAtVisiting;
        _homeHttps = homeHttps;
    }

    /// <summary>Cluster A; null while stopped.</summary>
    public EmAppLab Home => _homeLab ?? throw new InvalidOperationException("the home cluster is stopped");

    public EmAppLab Visiting => _visitingLab!;

    public ShiftedTimeProvider HomeTime { get; } = new();

    public ShiftedTimeProvider VisitingTime { get; } = new();

    /// <summary>
    /// Starts both clusters. <paramref name="homeIdAtVisiting"/> is the Cluster Id of the visiting cluster's Remote
    /// Cluster entry for the home cluster (the lab's own ClusterA entry is replaced by it); <paramref name="visitingServices"/>
    /// changes the visiting node's services after its own (e.g. a shorter EMCC answer timeout).
    /// </summary>
    public static async Task<EmccPair> StartAsync(
        Action<ProvisioningDocument>? home = null, Action<ProvisioningDocument>? visiting = null, string homeIdAtVisiting = "ClusterA", Action<IServiceCollection>? visitingServices = null)
    {
        var pair = new EmccPair(home, visitingServices, homeIdAtVisiting, FreeTcpPort(HomeAddress));
        try
        {
            pair._homeLab = await EmAppLab.StartAsync(home, HomeAddress, pair.HomeServices, https: pair._homeHttps);
            pair._visitingLab = await EmAppLab.StartAsync(doc =>
            {
                doc.RemoteClusters.RemoveAll(r => r.ClusterId == "ClusterA");
                visiting?.Invoke(doc);
            }, VisitingAddress, pair.VisitingServices, https: FreeTcpPort(VisitingAddress), labFile: "cluster-b.yaml");
            await ExchangeCertificatesAsync(pair.Home, pair.Visiting);
            await pair.PointHomeAtVisitingAsync();
            await pair.PointVisitingAtHomeAsync();
            await pair.Visiting.UseThisNodesEmServiceAsync();
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>The home cluster goes away (its database stays): nothing answers at its addresses.</summary>
    public async Task StopHomeAsync()
    {
        var lab = Home;
        _homeLab = null;
        lab.KeepData = true;
        await lab.DisposeAsync();
        _stoppedHome = lab.DataDirectory;
    }

    /// <summary>Starts the home cluster again on its database, with the same HTTPS port, and points it at the visiting cluster again.</summary>
    public async Task StartHomeAsync()
    {
        _homeLab = await EmAppLab.StartAsync(_home, HomeAddress, HomeServices, reuse: _stoppedHome, https: _homeHttps);
        _stoppedHome = null;
        await PointHomeAtVisitingAsync();
    }

    /// <summary>
    /// The visiting cluster's Remote Cluster entry and EMCC trunk for the home cluster, at the home's real ports (or at
    /// <paramref name="httpsPort"/>, e.g. a relay in front of the home); also puts them back after a test changed them.
    /// </summary>
    public Task PointVisitingAtHomeAsync(int? httpsPort = null) => Visiting.ApplyAsync(new ProvisioningDocument
    {
        RemoteClusters = [new RemoteCluster { ClusterId = _homeIdAtVisiting, FullyQualifiedName = HomeAddress, HttpsPort = httpsPort ?? _homeHttps, Emcc = true, PstnAccess = true, RsvpAgent = true }],
        SipTrunks = [TrunkRoutingTests.EmccTrunk("EMCC-Trunk-A", HomeAddress, Home.Node.SipEndPoint!.Port)],
    });

    /// <summary>The home's lab file names CUCM's fixed ports; point it at the visiting cluster's real ones (also puts its entry for the visiting cluster back).</summary>
    public async Task PointHomeAtVisitingAsync()
    {
        await Home.ApplyAsync(new ProvisioningDocument
        {
            RemoteClusters = [new RemoteCluster { ClusterId = "ClusterB", FullyQualifiedName = VisitingAddress, HttpsPort = Visiting.Node.HttpsUrl!.Port, Emcc = true, PstnAccess = true, RsvpAgent = true }],
            SipTrunks = [TrunkRoutingTests.EmccTrunk("EMCC-Trunk-B", VisitingAddress, Visiting.Node.SipEndPoint!.Port)],
        });
        await Home.UseThisNodesEmServiceAsync();
    }

    private void HomeServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(HomeTime);

    private void VisitingServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(VisitingTime);
        _visitingServices?.Invoke(services);
    }

    /// <summary>
    /// Bulk Certificate Management between two clusters through a shared directory (seed task flow): both export,
    /// one consolidates, both import; from then on their EMServices trust each other (mutual TLS).
    /// </summary>
    public static async Task ExchangeCertificatesAsync(EmAppLab first, EmAppLab second)
    {
        var share = Directory.CreateTempSubdirectory("emx-emcc-share-");
        using var a = Admin(first);
        using var b = Admin(second);
        var settings = System.Text.Json.JsonSerializer.Serialize(new { location = "directory", directory = share.FullName });
        foreach (var admin in new[] { a, b })
        {
            await SendAsync(admin, HttpMethod.Put, "api/v1/settings/bulkCertificateManagement", settings);
            await SendAsync(admin, HttpMethod.Post, "api/v1/bulkCertificateManagement/export?type=all");
        }

        await SendAsync(a, HttpMethod.Post, "api/v1/bulkCertificateManagement/consolidate");
        await SendAsync(a, HttpMethod.Post, "api/v1/bulkCertificateManagement/import");
        await SendAsync(b, HttpMethod.Post, "api/v1/bulkCertificateManagement/import");
    }

    private static async Task SendAsync(HttpClient admin, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await admin.SendAsync(request, Ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    /// <summary>The visiting cluster's Update Remote Cluster Now for the home cluster, through the admin API.</summary>
    public async Task<RemoteClusterState> UpdateHomeNowAsync()
    {
        using var admin = Admin(Visiting);
        using var response = await admin.PostAsync(new Uri($"api/v1/remoteClusters/{_homeIdAtVisiting}/update", UriKind.Relative), null, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return System.Text.Json.JsonSerializer.Deserialize<RemoteClusterState>(body, ConfigSerializer.Json)!;
    }

    /// <summary>An admin API client of a lab node.</summary>
    public static HttpClient Admin(EmAppLab lab)
    {
        var http = new HttpClient { BaseAddress = lab.Node.HttpUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + AdminPassword)));
        return http;
    }

    /// <summary>Opens Extension Mobility on the phone and submits user and PIN.</summary>
    public static async Task<PhoneScreen> LogInAsync(CiscoLikePhone phone, string userId, string pin)
    {
        await phone.OpenServiceAsync("Extension Mobility", Ct);
        return await phone.SubmitInputAsync([new("userid", userId), new("seq", pin)], Ct);
    }

    /// <summary>The seed's phone display for a login refused with <paramref name="code"/>.</summary>
    public static string Display(int code)
    {
        Assert.True(Protocols.Errors.EmErrorCatalog.TryGet(code, out var definition));
        return definition.PhoneDisplay(Protocols.Errors.EmOperation.Login);
    }

    /// <summary>The EMCC lines of both clusters' logs, for failure messages.</summary>
    public string Traces() =>
        "home:\n" + string.Join("\n", (_homeLab?.Logs.Lines ?? []).Where(l => l.Contains("EMCC", StringComparison.Ordinal) || l.Contains("emote cluster", StringComparison.Ordinal)))
        + "\nvisiting:\n" + string.Join("\n", Visiting.Logs.Lines.Where(l => l.Contains("EMCC", StringComparison.Ordinal) || l.Contains("emote cluster", StringComparison.Ordinal)));

    internal static int FreeTcpPort(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_visitingLab is not null)
        {
            await _visitingLab.DisposeAsync();
        }

        if (_homeLab is not null)
        {
            await _homeLab.DisposeAsync();
        }

        if (_stoppedHome is not null)
        {
            try
            {
                _stoppedHome.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Cleaned up by the system.
            }
        }
    }
}
