using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Emx.Cluster.Configuration;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Domain.Validation;
using Emx.Phones;
using SipTransportKind = Emx.Sip.Transport.SipTransportKind;
using Emx.Protocols.CiscoIpPhone;
using Emx.Web;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Emx.Integration.Tests;

/// <summary>What the phone received: status, headers and the exact bytes.</summary>
public sealed record PhoneResponse(HttpStatusCode Status, string? ContentType, long? ContentLength, byte[] Bytes)
{
    public string Text => Encoding.UTF8.GetString(Bytes);

    /// <summary>The CiscoIPPhone object, parsed as the phone would (SafeXml).</summary>
    public CiscoIpPhoneObject Screen
    {
        get
        {
            var parsed = CiscoIpPhoneXml.Parse(Text);
            Assert.True(parsed.IsSuccess, parsed.Error + "\n" + Text);
            return parsed.Value;
        }
    }

    public T ScreenAs<T>()
        where T : CiscoIpPhoneObject => Assert.IsType<T>(Screen);
}

/// <summary>
/// A real node of lab cluster A (examples/lab/cluster-a.yaml, or another lab file) on 127.0.0.1 with free ports and its own SQLite file,
/// plus the phone's side of the conversation: GETs to EMApp and to the config port, following the screens' URLs.
/// </summary>
public sealed class EmAppLab : IAsyncDisposable
{
    public const string Phone1 = "SEP0A0000000001";
    public const string Phone2 = "SEP0A0000000002";
    public const string AlicePin = "24680";
    public const string BobPin = "13579";

    private readonly DirectoryInfo _directory;
    private readonly EmxConfigFile _configFile;
    private HttpClient _http;
    private HttpClient _config;

    private EmAppLab(EmxNode node, EmxConfigFile configFile, DirectoryInfo directory, CapturingLoggerProvider logs)
    {
        Node = node;
        _configFile = configFile;
        _directory = directory;
        Logs = logs;
        _http = new HttpClient { BaseAddress = node.HttpUrl };
        _config = new HttpClient { BaseAddress = node.ConfigUrl };
    }

    public EmxNode Node { get; private set; }

    /// <summary>Every log line the node wrote (the EM trace is on: Debug).</summary>
    public CapturingLoggerProvider Logs { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Starts a node with the lab's provisioning, changed by <paramref name="customize"/> first; <paramref name="labFile"/>
    /// names the lab file (<c>cluster-b.yaml</c> for cluster B).
    /// </summary>
    public static async Task<EmAppLab> StartAsync(
        Action<ProvisioningDocument>? customize = null, string address = "127.0.0.1", Action<IServiceCollection>? services = null, DirectoryInfo? reuse = null, int https = 0, string labFile = "cluster-a.yaml")
    {
        var directory = reuse ?? Directory.CreateTempSubdirectory("emx-emapp-");
        var errors = new List<ConfigError>();
        var yaml = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "examples", "lab", labFile), Ct);
        var config = ConfigSerializer.ReadYaml<EmxConfigFile>(yaml, labFile, errors);
        Assert.NotNull(config);
        config.Node.Address = address;
        config.Node.Ports = new PortsConfig { Http = 0, Https = https, Config = 0, Sip = 0 };
        config.Database = new DatabaseConfig { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(directory.FullName, "emx.db")}" };
        customize?.Invoke(config.Provision!);
        var logs = new CapturingLoggerProvider();
        var (node, startErrors) = await EmxNode.StartAsync(config, logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug), Ct, services);
        Assert.True(node is not null, string.Join("\n", startErrors));
        return new EmAppLab(node, config, directory, logs);
    }

    /// <summary>Stops the node and starts a new one on the same database (ports change: they are picked afresh).</summary>
    public async Task RestartAsync(Action<IServiceCollection>? services = null)
    {
        await Node.StopAsync(Ct);
        await Node.DisposeAsync();
        var (node, errors) = await EmxNode.StartAsync(_configFile, logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug), Ct, services);
        Assert.True(node is not null, string.Join("\n", errors));
        Node = node;
        _http.Dispose();
        _config.Dispose();
        _http = new HttpClient { BaseAddress = node.HttpUrl };
        _config = new HttpClient { BaseAddress = node.ConfigUrl };
    }

    /// <summary>Another node of the cluster on the same database, with the given services (the caller stops it).</summary>
    public async Task<EmxNode> StartOtherNodeAsync(string name, params NodeService[] services)
    {
        var config = new EmxConfigFile
        {
            Cluster = _configFile.Cluster,
            Node = new NodeConfig { Name = name, Address = "127.0.0.1", Ports = new PortsConfig { Http = 0, Https = 0, Config = 0, Sip = 0 }, Services = [.. services] },
            Database = _configFile.Database,
            Admin = _configFile.Admin,
        };
        var (node, errors) = await EmxNode.StartAsync(config, logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug), Ct);
        Assert.True(node is not null, string.Join("\n", errors));
        return node;
    }

    /// <summary>Points the Extension Mobility phone service at this node (the lab file names 127.0.1.1:8080).</summary>
    public Task UseThisNodesEmServiceAsync() => ApplyAsync(new ProvisioningDocument
    {
        PhoneServices =
        [
            new PhoneService { Name = "Extension Mobility", Url = Node.HttpUrl + "emapp/EMAppServlet?device=#DEVICENAME#&EMCC=#EMCC#", EnterpriseSubscription = true },
        ],
    });

    /// <summary>Boots a Cisco-like phone against this node (configuration from its config port; registrar from the file).</summary>
    public async Task<CiscoLikePhone> StartPhoneAsync(string device, SipTransportKind transport = SipTransportKind.Udp, TimeProvider? time = null, int registerExpires = 3600)
    {
        var phone = new CiscoLikePhone(new CiscoLikePhoneOptions
        {
            DeviceName = Protocols.DeviceName.Parse(device),
            Cluster = "127.0.0.1",
            ConfigPort = Node.ConfigUrl.Port,
            Transport = transport,
            TimeProvider = time ?? TimeProvider.System,
            RegisterExpires = registerExpires,
        });
        try
        {
            await phone.StartAsync(Ct).WaitAsync(WaitLimit, Ct);
        }
        catch
        {
            await phone.DisposeAsync();
            throw;
        }

        return phone;
    }

    /// <summary>How long a test waits for something that should happen at once (a re-sync, a NOTIFY).</summary>
    public static TimeSpan WaitLimit { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The live bindings, optionally of one device only, by line.</summary>
    public async Task<List<Registration>> RegistrationsAsync(string? device = null)
    {
        await using var db = Db();
        var now = Service<TimeProvider>().GetUtcNow();
        return await db.Registrations.AsNoTracking()
            .Where(r => r.ExpiresAt > now && (device == null || r.DeviceName == device))
            .OrderBy(r => r.Aor).ThenBy(r => r.Id)
            .ToListAsync(Ct);
    }

    public T Service<T>()
        where T : notnull => Node.App.Services.GetRequiredService<T>();

    public EmxDbContext Db() => Service<IEmxDbContextFactory>().Create();

    /// <summary>Applies more provisioning (admin-style, through ProvisioningService).</summary>
    public async Task ApplyAsync(ProvisioningDocument document)
    {
        var result = await Service<ProvisioningService>().ApplyAsync(document, "test", Ct);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }

    /// <summary>GET (or another method) <c>/emapp/EMAppServlet?query</c> on the HTTP port.</summary>
    public Task<PhoneResponse> EmAppAsync(string query, HttpMethod? method = null) =>
        SendAsync(_http, new HttpRequestMessage(method ?? HttpMethod.Get, "/emapp/EMAppServlet?" + query));

    /// <summary>What the phone does with a URL from a screen: GET it.</summary>
    public Task<PhoneResponse> FollowAsync(string url, HttpMethod? method = null) =>
        SendAsync(_http, new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(url)));

    /// <summary>What the phone does with a filled-in CiscoIPPhoneInput: GET its URL with name=value pairs appended.</summary>
    public Task<PhoneResponse> SubmitAsync(CiscoIpPhoneInput form, params (string Name, string Value)[] values) =>
        FollowAsync(form.Url + (form.Url.Contains('?', StringComparison.Ordinal) ? "&" : "?")
            + string.Join("&", values.Select(v => v.Name + "=" + Uri.EscapeDataString(v.Value))));

    /// <summary>GET a path on the config port.</summary>
    public Task<PhoneResponse> ConfigAsync(string path, HttpMethod? method = null) =>
        SendAsync(_config, new HttpRequestMessage(method ?? HttpMethod.Get, path));

    /// <summary>GET a path on the HTTP port.</summary>
    public Task<PhoneResponse> HttpAsync(string path, HttpMethod? method = null) =>
        SendAsync(_http, new HttpRequestMessage(method ?? HttpMethod.Get, path));

    /// <summary>Opens the service on the phone, logs in with the PIN and picks a menu entry if one comes.</summary>
    public async Task<PhoneResponse> LoginAsync(string device, string userId, string pin, int? profileChoice = null, string extra = "")
    {
        var form = (await EmAppAsync("device=" + device + extra)).ScreenAs<CiscoIpPhoneInput>();
        var response = await SubmitAsync(form, ("userid", userId), ("seq", pin));
        if (profileChoice is { } choice)
        {
            var menu = response.ScreenAs<CiscoIpPhoneMenu>();
            response = await FollowAsync(menu.MenuItems[choice - 1].Url);
        }

        return response;
    }

    /// <summary>The EM API's deviceUserQuery for one phone, as the emapi application user.</summary>
    public async Task<string> DeviceUserQueryAsync(string device)
    {
        var xml = $"<query><appInfo><appID>emapi</appID><appCertificate>emapi-secret</appCertificate></appInfo><deviceUserQuery><deviceName>{device}</deviceName></deviceUserQuery></query>";
        using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("xml", xml)]);
        using var response = await _http.PostAsync(new Uri("/emservice/EMServiceServlet", UriKind.Relative), content, Ct);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    public async Task<ExtensionMobilityDynamic?> StateAsync(string device)
    {
        await using var db = Db();
        return await db.ExtensionMobilityDynamics.AsNoTracking().FirstOrDefaultAsync(e => e.DeviceName == device, Ct);
    }

    public async Task<List<DeviceEvent>> EventsAsync(string device)
    {
        await using var db = Db();
        return await db.DeviceEvents.AsNoTracking().Where(e => e.DeviceName == device).OrderBy(e => e.Id).ToListAsync(Ct);
    }

    public async Task<EndUser> UserAsync(string userId)
    {
        await using var db = Db();
        return await db.Config<EndUser>().AsNoTracking().FirstAsync(u => u.UserId == userId, Ct);
    }

    private static async Task<PhoneResponse> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        using (var response = await client.SendAsync(request, Ct))
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
            return new PhoneResponse(response.StatusCode, response.Content.Headers.ContentType?.ToString(), response.Content.Headers.ContentLength, bytes);
        }
    }

    /// <summary>Keep the database directory on dispose (a restart test starts a second node on it).</summary>
    public bool KeepData { get; set; }

    /// <summary>The directory holding the node's database.</summary>
    public DirectoryInfo DataDirectory => _directory;

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _config.Dispose();
        await Node.StopAsync(CancellationToken.None);
        await Node.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (KeepData)
        {
            return;
        }

        try
        {
            _directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere: the temp directory is cleaned up by the system.
        }
    }
}

/// <summary>Collects every log line (formatted) for assertions about what the node logs.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : " " + exception)}");
    }
}
