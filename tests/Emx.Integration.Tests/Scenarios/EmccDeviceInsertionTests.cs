namespace Emx.Integration.Tests.Scenarios;

/// <summary>Insert EMCC Devices: numbering continues from the last number used, each insertion is a job, limits hold.</summary>
public sealed class EmccDeviceInsertionTests
{
    private const string Base = """
        devicePools: [Default]
        emccTemplates:
          - { name: TPL-A, devicePool: Default, default: true }
          - { name: TPL-B, devicePool: Default }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<ApiResponse> InsertAsync(TestNode node, string body) => node.PostJsonAsync("/api/v1/emccDevices/insert", body, null, Ct);

    private static async Task<List<string>> DevicesAsync(TestNode node) =>
        (await node.ListAllAsync("emccDevices", Ct)).Select(d => $"{d.GetProperty("name").GetString()}:{d.GetProperty("template").GetString()}").ToList();

    private static async Task<List<JsonElement>> JobsAsync(TestNode node) =>
        (await node.GetAsync("/api/v1/jobs", null, Ct)).ShouldBe(HttpStatusCode.OK).Json.EnumerateArray().ToList();

    [Fact]
    public async Task Insert_ThreeThenCountFive_AddsEmcc4AndEmcc5AndRecordsAJobEachTime()
    {
        await using var node = await TestNode.StartWithAsync(DatabaseProvider.Sqlite, Base, Ct);

        var first = ApplySummary.From((await InsertAsync(node, """{"count":3}""")).ShouldBe(HttpStatusCode.OK).Json);
        var second = ApplySummary.From((await InsertAsync(node, """{"count":5,"template":"TPL-B"}""")).ShouldBe(HttpStatusCode.OK).Json);
        var third = ApplySummary.From((await InsertAsync(node, """{"count":5}""")).ShouldBe(HttpStatusCode.OK).Json);

        Assert.Equal((3, 2, 0), (first.EmccDevicesInserted, second.EmccDevicesInserted, third.EmccDevicesInserted));
        Assert.Equal(["EMCC1:TPL-A", "EMCC2:TPL-A", "EMCC3:TPL-A", "EMCC4:TPL-B", "EMCC5:TPL-B"], await DevicesAsync(node));
        var jobs = await JobsAsync(node);
        Assert.Equal(2, jobs.Count);
        Assert.All(jobs, j =>
        {
            Assert.Equal("Insert EMCC Devices", j.GetProperty("type").GetString());
            Assert.Equal("completed", j.GetProperty("status").GetString());
            Assert.Equal($"admin:{TestNode.AdminUser}", j.GetProperty("submittedBy").GetString());
        });
        Assert.Contains("EMCC4..EMCC5", jobs[0].GetProperty("result").GetString(), StringComparison.Ordinal);
        Assert.Contains("EMCC1..EMCC3", jobs[1].GetProperty("result").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Insert_AfterDeletingAMiddleDevice_ContinuesAfterTheLastNumberUsed()
    {
        await using var node = await TestNode.StartWithAsync(DatabaseProvider.Sqlite, Base, Ct);
        (await InsertAsync(node, """{"count":5}""")).ShouldBe(HttpStatusCode.OK);
        (await node.DeleteAsync("/api/v1/emccDevices/EMCC2", Ct)).ShouldBe(HttpStatusCode.NoContent);

        var summary = ApplySummary.From((await InsertAsync(node, """{"count":5}""")).ShouldBe(HttpStatusCode.OK).Json);

        Assert.Equal(1, summary.EmccDevicesInserted);
        Assert.Equal(["EMCC1", "EMCC3", "EMCC4", "EMCC5", "EMCC6"], (await DevicesAsync(node)).Select(d => d.Split(':')[0]));
    }

    [Fact]
    public async Task Insert_InvalidRequests_AreRejectedNamingTheFieldAndWriteNothing()
    {
        await using var node = await TestNode.StartWithAsync(DatabaseProvider.Sqlite, Base + "\ncluster: { maxPhones: 10 }\n", Ct);
        (await InsertAsync(node, """{"count":2}""")).ShouldBe(HttpStatusCode.OK);
        var before = await node.SnapshotAsync(Ct);

        (await InsertAsync(node, """{"count":-1}""")).ShouldReject("emccDevices", "", "count", "valid values");
        (await InsertAsync(node, """{"count":60001}""")).ShouldReject("emccDevices", "", "count", "valid values");
        (await InsertAsync(node, """{"count":6}""")).ShouldReject("emccDevices", "", "count", "MaxPhones (10)");
        (await InsertAsync(node, """{"count":4,"template":"NoSuchTemplate"}""")).ShouldReject("emccDevices", "", "template", "NoSuchTemplate");
        (await InsertAsync(node, """{"count":4,"colour":"red"}""")).ShouldReject("document", "body", "$.colour");
        (await node.PostJsonAsync("/api/v1/emccDevices", """{"name":"EMCC9","number":9}""", null, Ct)).ShouldBe(HttpStatusCode.MethodNotAllowed);
        (await node.PutJsonAsync("/api/v1/emccDevices/EMCC9", """{"name":"EMCC9","number":9}""", Ct)).ShouldBe(HttpStatusCode.MethodNotAllowed);

        ConfigSnapshot.AssertSame(before, await node.SnapshotAsync(Ct), "invalid EMCC insertions were rejected");
    }

    [Fact]
    public async Task Insert_WithoutTemplateAndWithoutDefaultTemplate_IsRejected()
    {
        await using var node = await TestNode.StartWithAsync(DatabaseProvider.Sqlite, "devicePools: [Default]\nemccTemplates: [{ name: TPL-B, devicePool: Default }]\n", Ct);

        (await InsertAsync(node, """{"count":1}""")).ShouldReject("emccDevices", "", "template", "no default EMCC template");

        Assert.Empty(await DevicesAsync(node));
        Assert.Empty(await JobsAsync(node));
    }
}
