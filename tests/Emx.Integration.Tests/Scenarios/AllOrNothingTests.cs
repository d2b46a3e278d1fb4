namespace Emx.Integration.Tests.Scenarios;

/// <summary>
/// A provisioning document is applied all or nothing: many valid objects with one invalid one are rejected with
/// every error listed (object, field, reason), and nothing at all is written.
/// </summary>
public sealed class AllOrNothingTests(CompleteNodeFixture fixture) : IClassFixture<CompleteNodeFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>One way a document can be invalid: what to add to the valid objects, and the errors it must cause.</summary>
    public sealed record InvalidCase(Action<YamlDoc> Add, params (string Kind, string Key, string Field, string? Reason)[] Errors);

    private static readonly Dictionary<string, InvalidCase> Cases = new(StringComparer.Ordinal)
    {
        ["bad device name"] = new(d => d.Add("phones", "{ name: SEPXYZ, model: Cisco 8845 }"),
            ("phones", "SEPXYZ", "name", "SEP followed by the 12 hexadecimal digits")),
        ["unknown partition in a calling search space"] = new(d => d.Add("callingSearchSpaces", "{ name: AON-Bad-CSS, partitions: [AON-P1, NoSuchPartition] }"),
            ("callingSearchSpaces", "AON-Bad-CSS", "partitions", "NoSuchPartition")),
        ["PIN shorter than the credential policy"] = new(d => d.Add("endUsers", "{ userId: aon-short-pin, pin: \"12\" }"),
            ("endUsers", "aon-short-pin", "pin", "at least 4")),
        ["MLPP indication off with forceful preemption"] = new(d => d.Add("deviceProfiles", "{ name: aon-mlpp-off, productType: Cisco 8845, mlppIndication: off, mlppPreemption: forceful }"),
            ("deviceProfiles", "aon-mlpp-off", "mlppPreemption", "Forceful")),
        ["MLPP indication default with forceful preemption"] = new(d => d.Add("deviceProfiles", "{ name: aon-mlpp-default, productType: Cisco 8845, mlppPreemption: forceful }"),
            ("deviceProfiles", "aon-mlpp-default", "mlppPreemption", "Forceful")),
        ["maximumConcurrentRequests 0"] = new(d => d.Section("serviceParameters", "{ extensionMobility: { maximumConcurrentRequests: 0 } }"),
            ("serviceParameters.extensionMobility", "", "maximumConcurrentRequests", "1 to 100")),
        ["intraClusterMaximumLoginTime 169:00"] = new(d => d.Section("serviceParameters", "{ extensionMobility: { intraClusterMaximumLoginTime: \"169:00\" } }"),
            ("serviceParameters.extensionMobility", "", "intraClusterMaximumLoginTime", "168:00")),
        ["remoteClusterUpdateInterval 14"] = new(d => d.Section("emccFeatureConfiguration", "{ remoteClusterUpdateInterval: 14 }"),
            ("emccFeatureConfiguration", "", "remoteClusterUpdateInterval", "15 to 10080")),
        ["emccRegionMaxVideoCallBitRate 9000"] = new(d => d.Section("emccFeatureConfiguration", "{ emccRegionMaxVideoCallBitRate: 9000 }"),
            ("emccFeatureConfiguration", "", "emccRegionMaxVideoCallBitRate", "0 to 8128")),
        ["a third EMCC SIP trunk"] = new(d => d.Add("sipTrunks", "{ name: AON-EMCC-3, serviceType: extensionMobilityCrossClusters, destination: 127.0.3.1 }"),
            ("sipTrunks", "AON-EMCC-3", "serviceType", "at most two")),
        ["two default EMCC templates"] = new(d => d.Add("emccTemplates", "{ name: AON-Template, devicePool: Default, default: true }"),
            ("emccTemplates", "AON-Template", "default", "only one")),
        ["the same object twice"] = new(d => d.Add("partitions", "AON-Dup", "{ name: AON-Dup, description: again }"),
            ("partitions", "AON-Dup", "name", "more than once")),
        ["MaxPhones exceeded"] = new(d => d.Section("cluster", "{ id: ClusterA, maxPhones: 20 }"),
            ("phones", "", "count", "MaxPhones (20)")),
        ["an unknown YAML field"] = new(d => d.Add("phones", "{ name: SEP0A0000AAAFFF, model: Cisco 8845, colour: red }"),
            ("document", "body", "line *", "colour")),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    /// <summary>The valid part: objects of many kinds (and a settings change) that would be accepted on their own.</summary>
    private static YamlDoc ValidObjects()
    {
        var doc = new YamlDoc()
            .Section("ilsConfiguration", "{ role: spoke, registrationServer: hub.example.com, syncIntervalMinutes: 20 }")
            .Add("partitions", Enumerable.Range(1, 5).Select(i => $"AON-P{i}").ToArray())
            .Add("callingSearchSpaces", "{ name: AON-CSS, partitions: [AON-P1, AON-P2, Internal] }")
            .Add("locations", "{ name: AON-Loc, audioBandwidthKbps: 256 }")
            .Add("regions", "{ name: AON-Region, maxAudioBitRateKbps: 16 }")
            .Add("geolocations", "{ name: AON-Geo, country: FR, a3: Paris }")
            .Add("devicePools", "{ name: AON-Pool, region: AON-Region, location: AON-Loc, geolocation: AON-Geo }")
            .Add("phoneModels", "{ name: AON 9971, protocols: [SIP], features: [extensionMobility] }")
            .Add("deviceProfiles", "{ name: aon-dp, productType: AON 9971, lines: [{ dn: \"5001\", partition: AON-P1 }] }")
            .Add("endUsers", "{ userId: aon-user, pin: \"97531\", controlledProfiles: [aon-dp] }")
            .Add("remoteClusters", "{ clusterId: AON-Remote, fullyQualifiedName: 127.0.9.1 }");
        for (var i = 0; i < 10; i++)
        {
            doc.Add("phones", $"{{ name: SEP0A0000AAA0{i:X2}, model: Cisco 8845, devicePool: AON-Pool, css: AON-CSS, lines: [{{ dn: \"50{i + 10}\", partition: AON-P2 }}] }}");
        }

        return doc;
    }

    [Fact]
    public async Task Apply_ValidObjectsAlone_AreAccepted()
    {
        await using var node = await TestNode.StartWithAsync(DatabaseProvider.Sqlite, TestEnvironment.ExampleText("provisioning-complete.yaml"), Ct);

        var summary = await node.ApplyOkAsync(ValidObjects().ToString(), Ct);

        Assert.Equal(24, summary.Created);
        Assert.Equal(1, summary.Updated);
        Assert.Equal(12, await node.CountAsync("phones", Ct));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Apply_ValidObjectsWithOneInvalid_RejectsWithItsErrorsAndWritesNothing(string caseName)
    {
        var invalid = Cases[caseName];
        var doc = ValidObjects();
        invalid.Add(doc);
        var before = await fixture.Node.SnapshotAsync(Ct);

        var response = await fixture.Node.ApplyAsync(doc.ToString(), Ct);

        AssertRejectedWithExactly(response, invalid.Errors);
        ConfigSnapshot.AssertSame(before, await fixture.Node.SnapshotAsync(Ct), $"a document with {caseName} was rejected");
    }

    [Fact]
    public async Task Apply_MalformedYaml_RejectedWithLineAndWritesNothing()
    {
        var before = await fixture.Node.SnapshotAsync(Ct);

        var response = await fixture.Node.ApplyAsync(ValidObjects() + "remoteClusters: [ { clusterId: Broken, fullyQualifiedName: \"127.0.0.1 }\n", Ct);

        var error = Assert.Single(response.ShouldBe(HttpStatusCode.BadRequest).Errors);
        Assert.Equal("document", error.Kind);
        Assert.StartsWith("line ", error.Field, StringComparison.Ordinal);
        Assert.NotEmpty(error.Reason);
        ConfigSnapshot.AssertSame(before, await fixture.Node.SnapshotAsync(Ct), "a malformed document was rejected");
    }

    /// <summary>The valid objects with every semantic error at once, and the errors that must be listed.</summary>
    private static (string Yaml, (string Kind, string Key, string Field, string? Reason)[] Errors) EveryInvalidCase()
    {
        var doc = ValidObjects();
        var semantic = Cases.Where(c => c.Key != "an unknown YAML field").ToList();
        foreach (var (_, invalid) in semantic)
        {
            invalid.Add(doc);
        }

        // Each section appears once in a document, with every invalid value in it.
        doc.Section("serviceParameters", "{ extensionMobility: { maximumConcurrentRequests: 0, intraClusterMaximumLoginTime: \"169:00\" } }");
        doc.Section("emccFeatureConfiguration", "{ remoteClusterUpdateInterval: 14, emccRegionMaxVideoCallBitRate: 9000 }");
        return (doc.ToString(), semantic.SelectMany(c => c.Value.Errors).ToArray());
    }

    [Fact]
    public async Task Apply_EveryInvalidCaseInOneDocument_ListsEveryErrorAndWritesNothing()
    {
        var (yaml, errors) = EveryInvalidCase();
        var before = await fixture.Node.SnapshotAsync(Ct);

        var response = await fixture.Node.ApplyAsync(yaml, Ct);

        AssertRejectedWithExactly(response, errors);
        ConfigSnapshot.AssertSame(before, await fixture.Node.SnapshotAsync(Ct), "a document with every kind of error was rejected");
    }

    [Theory]
    [DatabaseData]
    public async Task Apply_InvalidDocument_WritesNothingOnEveryProvider(DatabaseProvider provider)
    {
        await using var node = await TestNode.StartWithAsync(provider, TestEnvironment.ExampleText("provisioning-complete.yaml"), Ct);
        var (yaml, errors) = EveryInvalidCase();
        var before = await node.SnapshotAsync(Ct);

        var response = await node.ApplyAsync(yaml, Ct);

        AssertRejectedWithExactly(response, errors);
        ConfigSnapshot.AssertSame(before, await node.SnapshotAsync(Ct), $"a rejected document on {provider}");
    }

    /// <summary>The response is a 400 whose errors are exactly <paramref name="expected"/> (a field ending in * is a prefix).</summary>
    private static void AssertRejectedWithExactly(ApiResponse response, (string Kind, string Key, string Field, string? Reason)[] expected)
    {
        foreach (var (kind, key, field, reason) in expected)
        {
            if (field.EndsWith('*'))
            {
                var error = response.ShouldBe(HttpStatusCode.BadRequest).Errors.FirstOrDefault(e =>
                    e.Kind == kind && e.Key == key && e.Field.StartsWith(field.TrimEnd('*'), StringComparison.Ordinal)
                    && (reason is null || e.Reason.Contains(reason, StringComparison.OrdinalIgnoreCase)));
                Assert.True(error is not null, response.Describe($"expected an error {kind} '{key}' {field} mentioning '{reason}'"));
            }
            else
            {
                response.ShouldReject(kind, key, field, reason);
            }
        }

        Assert.True(response.Errors.Count == expected.Length,
            response.Describe($"expected exactly {expected.Length} error(s): the valid objects must not cause any"));
    }
}
