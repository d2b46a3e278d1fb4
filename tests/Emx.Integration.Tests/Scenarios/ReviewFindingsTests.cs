namespace Emx.Integration.Tests.Scenarios;

/// <summary>Bugs the first review of the admin API found; each test failed before its fix.</summary>
public sealed class ReviewFindingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Ops = """
        credentialPolicy: { failedLogonThreshold: 3, lockoutMinutes: 30 }
        applicationUsers:
          - { userId: ops, password: "ops-password-1", groups: [Standard CCM Super Users] }
        """;

    [Fact]
    public async Task CachedCredentials_AfterLockout_RefusedAtOnce()
    {
        await using var node = await TestNode.StartAsync(DatabaseProvider.Sqlite, cancellationToken: Ct);
        await node.ApplyOkAsync(Ops, Ct);
        using var good = node.ClientFor("ops", "ops-password-1");
        using var bad = node.ClientFor("ops", "wrong-password");
        (await node.GetAsync("/api/v1/partitions", good, Ct)).ShouldBe(HttpStatusCode.OK);

        for (var i = 0; i < 3; i++)
        {
            (await node.GetAsync("/api/v1/partitions", bad, Ct)).ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await node.GetAsync("/api/v1/partitions", good, Ct)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task CachedCredentials_AfterPasswordChangeOrDelete_OldPasswordRefused()
    {
        await using var node = await TestNode.StartAsync(DatabaseProvider.Sqlite, cancellationToken: Ct);
        await node.ApplyOkAsync(Ops, Ct);
        using var old = node.ClientFor("ops", "ops-password-1");
        (await node.GetAsync("/api/v1/partitions", old, Ct)).ShouldBe(HttpStatusCode.OK);

        (await node.PutJsonAsync("/api/v1/applicationUsers/ops", """{"userId":"ops","password":"ops-password-2","groups":["Standard CCM Super Users"]}""", Ct))
            .ShouldBe(HttpStatusCode.OK);
        (await node.GetAsync("/api/v1/partitions", old, Ct)).ShouldBe(HttpStatusCode.Unauthorized);

        using var renewed = node.ClientFor("ops", "ops-password-2");
        (await node.GetAsync("/api/v1/partitions", renewed, Ct)).ShouldBe(HttpStatusCode.OK);
        (await node.DeleteAsync("/api/v1/applicationUsers/ops", Ct)).ShouldBe(HttpStatusCode.NoContent);
        (await node.GetAsync("/api/v1/partitions", renewed, Ct)).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PhoneKey_InLowerCase_WorksForGetPutAndDelete()
    {
        await using var node = await TestNode.StartAsync(DatabaseProvider.Sqlite, cancellationToken: Ct);
        await node.ApplyOkAsync("""
            phoneModels: [{ name: "Cisco 8845", protocols: [SIP], features: [extensionMobility] }]
            devicePools: [Default]
            phones: [{ name: SEP0A0000000009, model: "Cisco 8845" }]
            """, Ct);

        (await node.GetAsync("/api/v1/phones/sep0a0000000009", null, Ct)).ShouldBe(HttpStatusCode.OK);
        (await node.PutJsonAsync("/api/v1/phones/sep0a0000000009", """{"name":"sep0a0000000009","model":"Cisco 8845","description":"lobby"}""", Ct))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal("lobby", (await node.GetObjectAsync("phones", "SEP0A0000000009", Ct)).GetProperty("description").GetString());
        (await node.DeleteAsync("/api/v1/phones/sep0a0000000009", Ct)).ShouldBe(HttpStatusCode.NoContent);
        (await node.GetAsync("/api/v1/phones/SEP0A0000000009", null, Ct)).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Provision_BodyOver16MiB_Is413ProblemDetails()
    {
        await using var node = await TestNode.StartAsync(DatabaseProvider.Sqlite, cancellationToken: Ct);
        var body = "partitions:\n" + string.Concat(Enumerable.Repeat("  - { name: P, description: " + new string('x', 1000) + " }\n", 17_500));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/provision")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/yaml"),
        };

        // A client uploading this much asks first (Expect: 100-continue) and waits for the answer, so the refusal arrives
        // before the body (HttpClient's default wait is 1 s, after which it sends anyway: too short on a loaded machine).
        request.Headers.ExpectContinue = true;
        using var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromMinutes(2) })
        {
            BaseAddress = node.Admin.BaseAddress,
        };
        client.DefaultRequestHeaders.Authorization = node.Admin.DefaultRequestHeaders.Authorization;
        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        (await node.GetAsync("/health", null, Ct)).ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("database: { provider: mysql }\n", "'mysql' is not allowed here; use one of: sqlite, postgres")]
    [InlineData("cluster: { securityMode: secure }\n", "use one of: nonSecure, mixed")]
    public async Task Serve_UnknownEnumValue_NamesTheAllowedValues(string yaml, string expected)
    {
        var path = Path.Combine(Path.GetTempPath(), $"emx-enum-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, yaml, Ct);
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();

            var exit = await Emx.EmxCli.RunAsync(["serve", "--config", path], stdout, stderr, Ct);

            Assert.Equal(Emx.ExitCodes.InvalidConfiguration, exit);
            Assert.Contains(expected, stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("schema")]
    [InlineData("docs")]
    public async Task DeveloperCommands_Help_DescribesThem(string command)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await Emx.EmxCli.RunAsync([command, "--help"], stdout, stderr, Ct);

        Assert.Equal(0, exit);
        Assert.Contains("Developers:", stdout.ToString(), StringComparison.Ordinal);
    }
}
