namespace Emx.Integration.Tests.Scenarios;

/// <summary>Health and OpenAPI: what operators and API clients discover about a node without credentials.</summary>
public sealed class HealthAndOpenApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [DatabaseData]
    public async Task Health_RunningNode_ReportsIdentityVersionDatabaseAndServices(DatabaseProvider provider)
    {
        await using var node = await TestNode.StartAsync(provider, c =>
        {
            c.Node.Name = "health-node";
            c.Node.Services = [NodeService.CallManager, NodeService.ExtensionMobility];
            c.Cluster = new ClusterSettings { Id = "HealthCluster", Version = "12.5" };
        }, Ct);

        var response = (await node.GetAsync("/health", node.Anonymous, Ct)).ShouldBe(HttpStatusCode.OK);
        var health = response.Json;

        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("health-node", health.GetProperty("node").GetString());
        Assert.Equal("HealthCluster", health.GetProperty("clusterId").GetString());
        Assert.Equal("12.5", health.GetProperty("productVersion").GetString());
        Assert.Equal(Emx.Web.EmxNode.Version, health.GetProperty("version").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", health.GetProperty("version").GetString());
        Assert.Equal(provider.ToString().ToLowerInvariant(), health.GetProperty("databaseProvider").GetString());
        Assert.True(health.GetProperty("databaseReachable").GetBoolean(), response.Describe("the database must be reachable"));
        var services = health.GetProperty("services").EnumerateArray()
            .ToDictionary(s => s.GetProperty("service").GetString()!, s => s.GetProperty("activated").GetBoolean());
        Assert.Equal(Enum.GetNames<NodeService>().Select(n => JsonNamingPolicy.CamelCase.ConvertName(n)).Order(StringComparer.Ordinal), services.Keys.Order(StringComparer.Ordinal));
        Assert.True(services["callManager"]);
        Assert.True(services["extensionMobility"]);
        Assert.False(services["tftp"]);
        Assert.False(services["bulkProvisioning"]);
        Assert.False(services["ils"]);
    }

    [Fact]
    public async Task OpenApi_Document_IsValidJsonWithPathsForEveryKind()
    {
        await using var node = await TestNode.StartAsync(DatabaseProvider.Sqlite, null, Ct);

        var response = (await node.GetAsync("/openapi/v1.json", node.Anonymous, Ct)).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("application/json", response.ContentHeaders.ContentType?.MediaType);
        var document = response.Json;
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.Equal("emx admin API", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateObject().Select(o => o.Name).ToHashSet(StringComparer.OrdinalIgnoreCase));
        var missing = new List<string>();
        void Expect(string path, params string[] methods)
        {
            foreach (var method in methods)
            {
                if (!paths.TryGetValue(path, out var operations) || !operations.Contains(method))
                {
                    missing.Add($"{method.ToUpperInvariant()} {path}");
                }
            }
        }

        foreach (var kind in ConfigKinds.All)
        {
            if (kind == ConfigKinds.EmccDevices)
            {
                Expect("/api/v1/emccDevices", "get");
                Expect("/api/v1/emccDevices/{key}", "get", "delete");
                Expect("/api/v1/emccDevices/insert", "post");
            }
            else
            {
                Expect($"/api/v1/{kind.Name}", "get", "post");
                Expect($"/api/v1/{kind.Name}/{{key}}", "get", "put", "delete");
            }
        }

        Expect("/api/v1/settings/{section}", "get", "put");
        Expect("/api/v1/provision", "post");
        Expect("/api/v1/jobs", "get");
        Expect("/api/v1/audit", "get");
        Expect("/api/v1/nodes", "get");
        Expect("/api/v1/reports/phoneFeatureList", "get");
        Expect("/api/v1/emcc/checklist", "get");
        Expect("/api/v1/settings/interclusterServiceProfile/validate", "post");
        Expect("/api/v1/remoteClusters/status", "get");
        Expect("/api/v1/remoteClusters/{clusterId}/update", "post");
        Expect("/health", "get");
        Assert.True(missing.Count == 0, "the OpenAPI document lacks:\n  " + string.Join("\n  ", missing));
    }
}
