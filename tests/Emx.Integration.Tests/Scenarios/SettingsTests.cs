namespace Emx.Integration.Tests.Scenarios;

/// <summary>Settings sections through the admin API: each is replaced as a whole, validated as a whole, and read back.</summary>
public sealed class SettingsTests(CompleteNodeFixture fixture) : IClassFixture<CompleteNodeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TestNode Node => fixture.Node;

    /// <summary>Per section: a field, a valid new value, an invalid value and the field the rejection names.</summary>
    public static TheoryData<string, string, string, string, string> Sections => new()
    {
        { "cluster", "maxPhones", "50000", "0", "maxPhones" },
        { "serviceParameters.extensionMobility", "maximumConcurrentRequests", "7", "101", "maximumConcurrentRequests" },
        { "serviceParameters.extensionMobility", "intraClusterMaximumLoginTime", "\"168:00\"", "\"169:00\"", "intraClusterMaximumLoginTime" },
        { "credentialPolicy", "lockoutMinutes", "45", "1441", "lockoutMinutes" },
        { "credentialPolicy", "minimumPinLength", "6", "0", "minimumPinLength" },
        { "emccFeatureConfiguration", "remoteClusterUpdateInterval", "60", "14", "remoteClusterUpdateInterval" },
        { "emccFeatureConfiguration", "emccRegionMaxVideoCallBitRate", "8128", "9000", "emccRegionMaxVideoCallBitRate" },
        { "interclusterServiceProfile", "rsvpAgent", """{"active":true,"sipTrunk":"EMCC-PSTN-B"}""", """{"active":true,"sipTrunk":"PSTN-GW-Boston"}""", "rsvpAgent.sipTrunk" },
        { "ilsConfiguration", "syncIntervalMinutes", "1440", "0", "syncIntervalMinutes" },
        { "bulkCertificateManagement", "timeoutSeconds", "600", "4", "timeoutSeconds" },
    };

    [Fact]
    public void SectionCases_AllRows_CoverEverySettingsSection()
    {
        var tested = Sections.Select(row => row.Data.Item1).ToHashSet();

        Assert.Equal(Emx.Cluster.Provisioning.SettingsSections.Names.Values.Order(StringComparer.Ordinal), tested.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public async Task PutSection_ValidChangeThenOutOfRangeValue_ChangeReadsBackAndRejectionWritesNothing(
        string section, string field, string valid, string invalid, string errorField)
    {
        var path = $"/api/v1/settings/{section}";
        var original = JsonNode.Parse((await Node.GetSettingsAsync(section, Ct)).GetRawText())!.AsObject();
        var before = await Node.SnapshotAsync(Ct);
        try
        {
            var changed = original.DeepClone().AsObject();
            changed[field] = JsonNode.Parse(valid);
            (await Node.PutJsonAsync(path, changed.ToJsonString(), Ct)).ShouldBe(HttpStatusCode.OK);
            Expected.JsonEqual(changed, JsonNode.Parse((await Node.GetSettingsAsync(section, Ct)).GetRawText()), $"{section} after a valid PUT");
            var accepted = await Node.SnapshotAsync(Ct);

            var wrong = changed.DeepClone().AsObject();
            wrong[field] = JsonNode.Parse(invalid);
            (await Node.PutJsonAsync(path, wrong.ToJsonString(), Ct)).ShouldReject(section, "", errorField);

            ConfigSnapshot.AssertSame(accepted, await Node.SnapshotAsync(Ct), $"an invalid {section}.{field} was rejected");
        }
        finally
        {
            (await Node.PutJsonAsync(path, original.ToJsonString(), Ct)).ShouldBe(HttpStatusCode.OK);
        }

        ConfigSnapshot.AssertSame(before.WithoutRowsOf("AuditLog"), (await Node.SnapshotAsync(Ct)).WithoutRowsOf("AuditLog"), $"{section} was restored");
    }

    [Fact]
    public async Task PutSection_UnknownSection_IsNotFound()
    {
        var response = (await Node.PutJsonAsync("/api/v1/settings/enterpriseParameters", "{}", Ct)).ShouldBe(HttpStatusCode.NotFound);

        Assert.Contains("serviceParameters.extensionMobility", response.Body, StringComparison.Ordinal);
        (await Node.GetAsync("/api/v1/settings/enterpriseParameters", null, Ct)).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PutSection_UnknownFieldOrWrongType_IsRejectedNamingTheField()
    {
        var before = await Node.SnapshotAsync(Ct);

        (await Node.PutJsonAsync("/api/v1/settings/credentialPolicy", """{"failedLogonThreshold":3,"passwordHistory":5}""", Ct))
            .ShouldReject("credentialPolicy", "", "$.passwordHistory");
        (await Node.PutJsonAsync("/api/v1/settings/credentialPolicy", """{"failedLogonThreshold":"three"}""", Ct))
            .ShouldReject("credentialPolicy", "", "$.failedLogonThreshold");

        ConfigSnapshot.AssertSame(before, await Node.SnapshotAsync(Ct), "invalid settings bodies were rejected");
    }

    [Fact]
    public async Task GetSettings_All_ListsEverySection()
    {
        var all = (await Node.GetAsync("/api/v1/settings", null, Ct)).ShouldBe(HttpStatusCode.OK).Json;

        foreach (var section in Emx.Cluster.Provisioning.SettingsSections.Names.Values)
        {
            Assert.True(all.TryGetProperty(section, out var value), $"GET /api/v1/settings lacks {section}");
            Expected.JsonEqual(JsonNode.Parse((await Node.GetSettingsAsync(section, Ct)).GetRawText()), JsonNode.Parse(value.GetRawText()), section);
        }
    }
}
