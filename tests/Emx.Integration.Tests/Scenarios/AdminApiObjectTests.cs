namespace Emx.Integration.Tests.Scenarios;

/// <summary>
/// Every kind through the admin REST API, one object at a time: create, read, change, refuse what is invalid or in
/// use, delete — and leave the configuration exactly as it was.
/// </summary>
public sealed class AdminApiObjectTests(CompleteNodeFixture fixture) : IClassFixture<CompleteNodeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestNode Node => fixture.Node;

    [Fact]
    public void KindSamples_AllRows_CoverEveryKindExceptEmccDevices()
    {
        var expected = ConfigKinds.All.Select(k => k.Name).Where(k => k != ConfigKinds.EmccDevices.Name).Order(StringComparer.Ordinal);

        Assert.Equal(expected, AdminApiKindSamples.All.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(AdminApiKindSamples.Kinds), MemberType = typeof(AdminApiKindSamples))]
    public async Task ObjectLifecycle_EveryKind_CreateReadChangeDeleteAndRefuseWhatIsInvalidOrInUse(string kind)
    {
        var sample = AdminApiKindSamples.All[kind];
        var path = TestNode.PathOf(kind, sample.Key);
        var before = await Node.SnapshotAsync(Ct);

        // Invalid input is refused with the field named, and nothing is written.
        var invalid = await Node.PostJsonAsync($"/api/v1/{kind}", sample.Invalid, null, Ct);
        invalid.ShouldReject(sample.InvalidError.Kind, sample.InvalidError.Key, sample.InvalidError.Field);
        ConfigSnapshot.AssertSame(before, await Node.SnapshotAsync(Ct), $"an invalid {kind} object was rejected");

        // Create: 201 with a Location, the stored representation, no secrets.
        var created = (await Node.PostJsonAsync($"/api/v1/{kind}", sample.Create, null, Ct)).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(path, created.Headers.Location?.OriginalString);
        AssertNoSecrets(sample, created);
        var read = (await Node.GetAsync(path, null, Ct)).ShouldBe(HttpStatusCode.OK);
        AssertNoSecrets(sample, read);
        Expected.JsonEqual(JsonNode.Parse(created.Body), JsonNode.Parse(read.Body), $"{kind} '{sample.Key}' read after create");
        Assert.Equal(sample.Key, read.Json.GetProperty("key").GetString());
        Assert.Contains(await Node.ListAllAsync(kind, Ct), i => i.GetProperty("key").GetString() == sample.Key);

        // A second create of the same key is a conflict.
        (await Node.PostJsonAsync($"/api/v1/{kind}", sample.Create, null, Ct)).ShouldBe(HttpStatusCode.Conflict);

        // A PUT whose body names another object than the URL is refused.
        (await Node.PutJsonAsync(TestNode.PathOf(kind, sample.Key + "9"), read.Body, Ct))
            .ShouldReject(kind, sample.Key + "9", sample.KeyField, "renaming");

        // Change one field with PUT (the body read back, changed): 200, and the change reads back.
        var changed = JsonNode.Parse(read.Body)!.AsObject();
        changed[sample.ChangedField] = JsonNode.Parse(sample.ChangedValue);
        var put = (await Node.PutJsonAsync(path, changed.ToJsonString(), Ct)).ShouldBe(HttpStatusCode.OK);
        AssertNoSecrets(sample, put);
        var reread = (await Node.GetAsync(path, null, Ct)).ShouldBe(HttpStatusCode.OK);
        Expected.JsonEqual(changed, JsonNode.Parse(reread.Body), $"{kind} '{sample.Key}' read after PUT");

        // Something refers to it: DELETE is a conflict naming the referrer, and the object stays.
        if (sample.Referrer is { } referrer)
        {
            await referrer.Add(Node, Ct);
            var refused = (await Node.DeleteAsync(path, Ct)).ShouldBe(HttpStatusCode.Conflict);
            Assert.True(refused.Errors.Any(e => e.Kind == kind && e.Key == sample.Key && e.Reason.Contains(referrer.Names, StringComparison.Ordinal)),
                refused.Describe($"the conflict must name the referrer ({referrer.Names})"));
            (await Node.GetAsync(path, null, Ct)).ShouldBe(HttpStatusCode.OK);
            await referrer.Remove(Node, Ct);
        }

        // Delete: 204, then 404 for reads and deletes.
        (await Node.DeleteAsync(path, Ct)).ShouldBe(HttpStatusCode.NoContent);
        (await Node.GetAsync(path, null, Ct)).ShouldBe(HttpStatusCode.NotFound);
        (await Node.DeleteAsync(path, Ct)).ShouldBe(HttpStatusCode.NotFound);

        // PUT is an upsert: it creates a missing object too.
        (await Node.PutJsonAsync(path, sample.Create, Ct)).ShouldBe(HttpStatusCode.OK);
        (await Node.GetAsync(path, null, Ct)).ShouldBe(HttpStatusCode.OK);
        (await Node.DeleteAsync(path, Ct)).ShouldBe(HttpStatusCode.NoContent);

        // Everything created was removed again, including derived rows (directory number index, ...).
        ConfigSnapshot.AssertSame(before.WithoutRowsOf("AuditLog", "Jobs"), (await Node.SnapshotAsync(Ct)).WithoutRowsOf("AuditLog", "Jobs"),
            $"every {kind} object the test created was deleted");
    }

    [Fact]
    public async Task Put_PhoneLinesChanged_DirectoryNumberIndexFollowsInTheSameWrite()
    {
        const string path = "/api/v1/phones/SEP0A00000000E1";
        async Task<string> IndexAsync()
        {
            await using var db = Node.Database.CreateContext();
            return string.Join(", ", db.DirectoryNumbers.Where(d => d.OwnerKind == "phones" && d.OwnerName == "SEP0A00000000E1")
                .OrderBy(d => d.Button).Select(d => d.Dn + "/" + d.Partition + "@" + d.Button));
        }

        try
        {
            (await Node.PutJsonAsync(path, """{"name":"SEP0A00000000E1","model":"Cisco 8845","lines":[{"dn":"6201","partition":"Internal"}]}""", Ct)).ShouldBe(HttpStatusCode.OK);
            Assert.Equal("6201/Internal@1", await IndexAsync());

            (await Node.PutJsonAsync(path, """{"name":"SEP0A00000000E1","model":"Cisco 8845","lines":[{"dn":"6201","partition":"Internal"},{"dn":"6202"}]}""", Ct)).ShouldBe(HttpStatusCode.OK);
            Assert.Equal("6201/Internal@1, 6202/@2", await IndexAsync());

            (await Node.PutJsonAsync(path, """{"name":"SEP0A00000000E1","model":"Cisco 8845","lines":[{"dn":"6202","partition":"PSTN"}]}""", Ct)).ShouldBe(HttpStatusCode.OK);
            Assert.Equal("6202/PSTN@1", await IndexAsync());
            var phone = await Node.GetAsync<Phone>("phones", "SEP0A00000000E1", Ct);
            Assert.Equal("6202", Assert.Single(phone.Lines).Dn);
        }
        finally
        {
            (await Node.DeleteAsync(path, Ct)).ShouldBe(HttpStatusCode.NoContent);
        }

        Assert.Equal("", await IndexAsync());
    }

    [Fact]
    public async Task Delete_StandardAccessControlGroup_IsRefused()
    {
        var refused = (await Node.DeleteAsync(TestNode.PathOf("accessControlGroups", AccessControlGroup.StandardCcmEndUsers), Ct)).ShouldBe(HttpStatusCode.Conflict);

        refused.ShouldReject("accessControlGroups", AccessControlGroup.StandardCcmEndUsers, "name", "standard access control group", HttpStatusCode.Conflict);
        (await Node.GetAsync(TestNode.PathOf("accessControlGroups", AccessControlGroup.StandardCcmEndUsers), null, Ct)).ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("endUsers", "alice", "deviceProfiles 'alice-8845' (loginUserId)")]
    [InlineData("endUsers", "bob", "phones 'SEP0A0000000001' (ownerUserId)")]
    [InlineData("deviceProfiles", "lobby-logout", "phones 'SEP0A0000000001' (logoutProfile)")]
    [InlineData("sipTrunks", "EMCC-PSTN-B", "EMCC intercluster service profile")]
    [InlineData("routeLists", "RL-Local", "routePatterns '9.1[2-9]XXXXXXXXX@PSTN' (destination)")]
    [InlineData("emccTemplates", "EMCC-Template", "emccDevices 'EMCC1' (template)")]
    public async Task Delete_ObjectOfTheCompleteExampleStillInUse_IsRefusedNamingTheUser(string kind, string key, string referrer)
    {
        var before = await Node.SnapshotAsync(Ct);

        var refused = (await Node.DeleteAsync(TestNode.PathOf(kind, key), Ct)).ShouldBe(HttpStatusCode.Conflict);

        Assert.True(refused.Errors.Any(e => e.Kind == kind && e.Key == key && e.Reason.Contains(referrer, StringComparison.Ordinal)),
            refused.Describe($"the conflict must name {referrer}"));
        ConfigSnapshot.AssertSame(before, await Node.SnapshotAsync(Ct), $"deleting {kind} '{key}' was refused");
    }

    [Fact]
    public async Task Get_UnknownKindOrKey_IsNotFound()
    {
        (await Node.GetAsync("/api/v1/widgets", null, Ct)).ShouldBe(HttpStatusCode.NotFound);
        (await Node.GetAsync(TestNode.PathOf("phones", "SEP0A0000009999"), null, Ct)).ShouldBe(HttpStatusCode.NotFound);
        (await Node.GetAsync(TestNode.PathOf("routePatterns", "911"), null, Ct)).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_Paging_ReturnsEveryObjectOnceInKeyOrder()
    {
        var all = (await Node.GetAsync("/api/v1/partitions?limit=1000", null, Ct)).ShouldBe(HttpStatusCode.OK).Json;
        var keys = all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()!).ToList();

        var paged = new List<string>();
        for (var offset = 0; offset < keys.Count; offset += 2)
        {
            var page = (await Node.GetAsync($"/api/v1/partitions?offset={offset}&limit=2", null, Ct)).ShouldBe(HttpStatusCode.OK).Json;
            Assert.Equal(keys.Count, page.GetProperty("total").GetInt32());
            Assert.Equal(offset, page.GetProperty("offset").GetInt32());
            Assert.Equal(2, page.GetProperty("limit").GetInt32());
            paged.AddRange(page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()!));
        }

        Assert.Equal(3, keys.Count);
        Assert.Equal(keys, paged);
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
    }

    private static void AssertNoSecrets(KindSample sample, ApiResponse response)
    {
        foreach (var secret in sample.Secrets)
        {
            Assert.False(response.Body.Contains(secret, StringComparison.Ordinal), response.Describe($"the response carries the secret '{secret}'"));
        }
    }
}
