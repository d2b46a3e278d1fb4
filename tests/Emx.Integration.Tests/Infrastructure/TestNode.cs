using System.Net.Http.Headers;
using Emx.Web;

namespace Emx.Integration.Tests.Infrastructure;

/// <summary>
/// One emx node started in-process on 127.0.0.1 with a free HTTP port and its own database, with an admin API client
/// and intent methods (apply, read, list, snapshot). Every response is checked for secrets.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    public const string AdminUser = "admin";
    public const string AdminPassword = "it-admin-password-1";

    private readonly bool _ownsDatabase;
    private readonly HttpMessageHandler _handler;
    private EmxNode _node;

    private TestNode(EmxNode node, TestDatabase database, bool ownsDatabase)
    {
        _node = node;
        Database = database;
        _ownsDatabase = ownsDatabase;
        _handler = new SecretScanningHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) });
        Admin = AdminClient();
        Anonymous = CreateClient();
    }

    public TestDatabase Database { get; }

    /// <summary>The configuration the node runs with (changes apply at the next <see cref="RestartAsync"/>).</summary>
    public EmxConfigFile Config => _node.Config;

    public EmxNode Node => _node;

    /// <summary>The node's HTTP base URL.</summary>
    public Uri BaseUrl => _node.HttpUrl;

    /// <summary>A client authenticated as the administrator.</summary>
    public HttpClient Admin { get; private set; }

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous { get; private set; }

    /// <summary>Starts a node on a fresh database of <paramref name="provider"/>.</summary>
    public static async Task<TestNode> StartAsync(DatabaseProvider provider, Action<EmxConfigFile>? configure = null, CancellationToken cancellationToken = default)
    {
        var database = await TestDatabase.CreateAsync(provider, cancellationToken);
        try
        {
            return await StartAsync(database, ownsDatabase: true, configure, cancellationToken);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a node on <paramref name="database"/>.</summary>
    public static async Task<TestNode> StartAsync(TestDatabase database, bool ownsDatabase, Action<EmxConfigFile>? configure, CancellationToken cancellationToken)
    {
        var config = CreateConfig(database);
        configure?.Invoke(config);
        var node = await StartNodeAsync(config, cancellationToken);
        return new TestNode(node, database, ownsDatabase);
    }

    /// <summary>Starts a node from a config file's content, on <paramref name="database"/> (which the node then owns).</summary>
    public static async Task<TestNode> StartFromConfigAsync(EmxConfigFile config, TestDatabase database, CancellationToken cancellationToken)
    {
        config.Database = database.Config;
        var node = await StartNodeAsync(config, cancellationToken);
        return new TestNode(node, database, ownsDatabase: true);
    }

    /// <summary>Starts a node on the default test configuration with <paramref name="provisionYaml"/> applied.</summary>
    public static async Task<TestNode> StartWithAsync(DatabaseProvider provider, string provisionYaml, CancellationToken cancellationToken)
    {
        var node = await StartAsync(provider, null, cancellationToken);
        try
        {
            await node.ApplyOkAsync(provisionYaml, cancellationToken);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>The test configuration: loopback, free ports, the test administrator, <paramref name="database"/>.</summary>
    public static EmxConfigFile CreateConfig(TestDatabase database) => new()
    {
        Node = new NodeConfig
        {
            Name = "emx-it1",
            Address = "127.0.0.1",
            Ports = new PortsConfig { Http = 0, Https = 0, Config = 0, Sip = 0 },
        },
        Database = database.Config,
        Admin = new AdminConfig { UserId = AdminUser, Password = AdminPassword },
    };

    private static async Task<EmxNode> StartNodeAsync(EmxConfigFile config, CancellationToken cancellationToken)
    {
        var (node, errors) = await EmxNode.StartAsync(config, null, cancellationToken);
        if (node is null)
        {
            Assert.Fail("the node did not start:\n  " + string.Join("\n  ", errors));
        }

        return node;
    }

    /// <summary>Stops the node and starts a new one on the same database and configuration.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        var config = _node.Config;
        await _node.StopAsync(cancellationToken);
        await _node.DisposeAsync();
        _node = await StartNodeAsync(config, cancellationToken);
        Admin.Dispose();
        Anonymous.Dispose();
        Admin = AdminClient();
        Anonymous = CreateClient();
    }

    private HttpClient AdminClient() => ClientFor(_node.Config.Admin?.UserId ?? AdminUser, _node.Config.Admin?.Password ?? AdminPassword);

    /// <summary>A client with Basic credentials.</summary>
    public HttpClient ClientFor(string userId, string password)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{userId}:{password}")));
        return client;
    }

    private HttpClient CreateClient() => new(_handler, disposeHandler: false) { BaseAddress = _node.HttpUrl, Timeout = TimeSpan.FromSeconds(120) };

    /// <summary>Sends a request as the administrator (or <paramref name="client"/>).</summary>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, HttpContent? content = null, HttpClient? client = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        using var response = await (client ?? Admin).SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new ApiResponse(method, response.RequestMessage?.RequestUri ?? new Uri(_node.HttpUrl, path), response.StatusCode, body, response.Headers, response.Content.Headers);
    }

    public Task<ApiResponse> GetAsync(string path, HttpClient? client = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, null, client, cancellationToken);

    public Task<ApiResponse> DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, path, null, null, cancellationToken);

    public Task<ApiResponse> PostJsonAsync(string path, string json, HttpClient? client = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, path, Json(json), client, cancellationToken);

    public Task<ApiResponse> PutJsonAsync(string path, string json, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, path, Json(json), null, cancellationToken);

    /// <summary>JSON request content.</summary>
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>POST /api/v1/provision with a YAML document.</summary>
    public Task<ApiResponse> ApplyAsync(string yaml, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "/api/v1/provision", new StringContent(yaml, Encoding.UTF8, "application/yaml"), null, cancellationToken);

    /// <summary>Applies a YAML document and fails unless it is accepted.</summary>
    public async Task<ApplySummary> ApplyOkAsync(string yaml, CancellationToken cancellationToken = default) =>
        ApplySummary.From((await ApplyAsync(yaml, cancellationToken)).ShouldBe(HttpStatusCode.OK).Json);

    /// <summary>The URL path of one object.</summary>
    public static string PathOf(string kind, string key) => $"/api/v1/{kind}/{Uri.EscapeDataString(key)}";

    /// <summary>Reads one object; fails unless it exists.</summary>
    public async Task<JsonElement> GetObjectAsync(string kind, string key, CancellationToken cancellationToken = default) =>
        (await GetAsync(PathOf(kind, key), null, cancellationToken)).ShouldBe(HttpStatusCode.OK).Json;

    /// <summary>Reads one object as its domain type (with the product's JSON rules); fails unless it exists.</summary>
    public async Task<T> GetAsync<T>(string kind, string key, CancellationToken cancellationToken = default)
        where T : class, IConfigObject =>
        (await GetAsync(PathOf(kind, key), null, cancellationToken)).ShouldBe(HttpStatusCode.OK).Json.Deserialize<T>(ConfigSerializer.Json)
        ?? throw new InvalidOperationException($"{kind} '{key}' read as null");

    /// <summary>Every object of a kind, following the pages.</summary>
    public async Task<List<JsonElement>> ListAllAsync(string kind, CancellationToken cancellationToken = default)
    {
        var items = new List<JsonElement>();
        while (true)
        {
            var page = (await GetAsync($"/api/v1/{kind}?offset={items.Count}&limit=1000", null, cancellationToken)).ShouldBe(HttpStatusCode.OK).Json;
            var batch = page.GetProperty("items").EnumerateArray().ToList();
            items.AddRange(batch);
            var total = page.GetProperty("total").GetInt32();
            if (batch.Count == 0 || items.Count >= total)
            {
                Assert.Equal(total, items.Count);
                return items;
            }
        }
    }

    /// <summary>The number of objects of a kind (the page total).</summary>
    public async Task<int> CountAsync(string kind, CancellationToken cancellationToken = default) =>
        (await GetAsync($"/api/v1/{kind}?limit=1", null, cancellationToken)).ShouldBe(HttpStatusCode.OK).Json.GetProperty("total").GetInt32();

    /// <summary>One settings section.</summary>
    public async Task<JsonElement> GetSettingsAsync(string section, CancellationToken cancellationToken = default) =>
        (await GetAsync($"/api/v1/settings/{section}", null, cancellationToken)).ShouldBe(HttpStatusCode.OK).Json;

    /// <summary>The whole state: every object of every kind and every settings section through the API, and every table's row count.</summary>
    public async Task<ConfigSnapshot> SnapshotAsync(CancellationToken cancellationToken = default)
    {
        var objects = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var kind in ConfigKinds.All)
        {
            objects[kind.Name] = JsonSerializer.Serialize(await ListAllAsync(kind.Name, cancellationToken));
        }

        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var section in Emx.Cluster.Provisioning.SettingsSections.Names.Values)
        {
            settings[section] = (await GetSettingsAsync(section, cancellationToken)).GetRawText();
        }

        return new ConfigSnapshot(objects, settings, await Database.RowCountsAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Anonymous.Dispose();
        _handler.Dispose();
        try
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _node.StopAsync(stopping.Token);
        }
        finally
        {
            await _node.DisposeAsync();
            if (_ownsDatabase)
            {
                await Database.DisposeAsync();
            }
        }
    }
}

/// <summary>The observable state of a node: objects and settings through the API, row counts of every table.</summary>
public sealed record ConfigSnapshot(
    SortedDictionary<string, string> Objects, SortedDictionary<string, string> Settings, SortedDictionary<string, long> Rows)
{
    /// <summary>The snapshot without the row counts of <paramref name="tables"/> (for example the audit log, which grows with every change).</summary>
    public ConfigSnapshot WithoutRowsOf(params string[] tables) =>
        this with { Rows = new SortedDictionary<string, long>(Rows.Where(r => !tables.Contains(r.Key)).ToDictionary(), StringComparer.Ordinal) };

    /// <summary>Fails, listing every difference, unless <paramref name="after"/> equals <paramref name="before"/>.</summary>
    public static void AssertSame(ConfigSnapshot before, ConfigSnapshot after, string because)
    {
        var differences = new List<string>();
        Compare("objects", before.Objects, after.Objects, differences);
        Compare("settings", before.Settings, after.Settings, differences);
        foreach (var table in before.Rows.Keys.Union(after.Rows.Keys))
        {
            before.Rows.TryGetValue(table, out var a);
            after.Rows.TryGetValue(table, out var b);
            if (a != b)
            {
                differences.Add($"table {table}: {a} rows before, {b} after");
            }
        }

        if (differences.Count > 0)
        {
            Assert.Fail($"{because}, but the state changed:\n  " + string.Join("\n  ", differences));
        }
    }

    private static void Compare(string what, SortedDictionary<string, string> before, SortedDictionary<string, string> after, List<string> differences)
    {
        foreach (var name in before.Keys.Union(after.Keys))
        {
            before.TryGetValue(name, out var a);
            after.TryGetValue(name, out var b);
            if (a != b)
            {
                differences.Add($"{what} {name}:\n    before {Shorten(a)}\n    after  {Shorten(b)}");
            }
        }
    }

    private static string Shorten(string? text) => text is null ? "(none)" : text.Length > 1500 ? text[..1500] + "..." : text;
}
