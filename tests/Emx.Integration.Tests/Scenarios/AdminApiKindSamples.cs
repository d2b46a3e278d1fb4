namespace Emx.Integration.Tests.Scenarios;

/// <summary>
/// A valid new object of one kind for the admin API tests, a change to it, an invalid variant, and an object that
/// refers to it. References point at objects of examples/provisioning-complete.yaml, which the node holds.
/// </summary>
public sealed record KindSample(
    string Kind,
    string Key,
    string Create,
    string ChangedField,
    string ChangedValue,
    string Invalid,
    (string Kind, string Key, string Field) InvalidError,
    Referrer? Referrer,
    params string[] Secrets)
{
    /// <summary>The created object's field holding its key.</summary>
    public string KeyField => Kind switch
    {
        "endUsers" or "applicationUsers" => "userId",
        "remoteClusters" => "clusterId",
        "routePatterns" => "pattern",
        _ => "name",
    };
}

/// <summary>Something that refers to a sample object, how to add and remove it, and what a refused DELETE must name.</summary>
public sealed record Referrer(string Names, Func<TestNode, CancellationToken, Task> Add, Func<TestNode, CancellationToken, Task> Remove)
{
    /// <summary>A configuration object that refers to the sample.</summary>
    public static Referrer ConfigObject(string kind, string key, string json, string field) => new(
        $"still used by {kind} '{key}' ({field})",
        async (node, ct) => (await node.PostJsonAsync($"/api/v1/{kind}", json, null, ct)).ShouldBe(HttpStatusCode.Created),
        async (node, ct) => (await node.DeleteAsync(TestNode.PathOf(kind, key), ct)).ShouldBe(HttpStatusCode.NoContent));
}

public static class AdminApiKindSamples
{
    private static readonly string LongName = "T-" + new string('x', 49);

    private static KindSample Named(string kind, string name, string create, string field, string value, string invalid, string invalidKey, string invalidField, Referrer? referrer) =>
        new(kind, name, create, field, value, invalid, (kind, invalidKey, invalidField), referrer);

    public static readonly IReadOnlyDictionary<string, KindSample> All = new KindSample[]
    {
        Named("accessControlGroups", "T-Group", """{"name":"T-Group","description":"first"}""", "description", "\"second\"",
            $$"""{"name":"{{LongName}}"}""", LongName, "name",
            Referrer.ConfigObject("endUsers", "t-acg-user", """{"userId":"t-acg-user","groups":["T-Group"]}""", "groups")),
        Named("partitions", "T-Part", """{"name":"T-Part"}""", "description", "\"changed\"",
            """{"name":" T-Part-Bad"}""", " T-Part-Bad", "name",
            Referrer.ConfigObject("callingSearchSpaces", "T-CSS-Ref", """{"name":"T-CSS-Ref","partitions":["T-Part"]}""", "partitions")),
        Named("phoneModels", "T-Model", """{"name":"T-Model","protocols":["sip"],"features":["extensionMobility"]}""", "maxLines", "8",
            """{"name":"T-Model-Bad","protocols":[]}""", "T-Model-Bad", "protocols",
            Referrer.ConfigObject("deviceProfiles", "T-DP-Model", """{"name":"T-DP-Model","productType":"T-Model"}""", "productType")),
        new("deviceSecurityProfiles", "T-DSP", """{"name":"T-DSP","mode":"authenticated","transport":"tcp"}""", "mode", "\"encrypted\"",
            """{"name":"T-DSP-Bad","mode":"paranoid"}""", ("document", "body", "$.mode"),
            Referrer.ConfigObject("phones", "SEP0A00000000D1", """{"name":"SEP0A00000000D1","model":"Cisco 8845","deviceSecurityProfile":"T-DSP"}""", "deviceSecurityProfile")),
        Named("commonDeviceConfigurations", "T-CDC", """{"name":"T-CDC","softkeyTemplate":"Standard User"}""", "userLocale", "\"English United Kingdom\"",
            $$"""{"name":"{{LongName}}"}""", LongName, "name",
            Referrer.ConfigObject("emccTemplates", "T-TPL-CDC", """{"name":"T-TPL-CDC","devicePool":"Default","commonDeviceConfiguration":"T-CDC"}""", "commonDeviceConfiguration")),
        Named("phoneServices", "T-Service", """{"name":"T-Service","url":"http://127.0.0.1/svc?d=#DEVICENAME#"}""", "enabled", "false",
            """{"name":"T-Service-Bad","url":"ftp://example.com/x"}""", "T-Service-Bad", "url",
            Referrer.ConfigObject("deviceProfiles", "T-DP-Svc", """{"name":"T-DP-Svc","productType":"Cisco 8845","services":["T-Service"]}""", "services")),
        Named("callingSearchSpaces", "T-CSS", """{"name":"T-CSS","partitions":["Internal"]}""", "partitions", """["Internal","PSTN"]""",
            """{"name":"T-CSS-Bad","partitions":["Internal","Internal"]}""", "T-CSS-Bad", "partitions",
            Referrer.ConfigObject("sipTrunks", "T-Trunk-CSS", """{"name":"T-Trunk-CSS","destination":"127.0.0.9","css":"T-CSS"}""", "css")),
        Named("geolocations", "T-Geo", """{"name":"T-Geo","country":"DE","a3":"Berlin"}""", "a1", "\"Berlin\"",
            """{"name":"T-Geo-Bad","country":"Germany"}""", "T-Geo-Bad", "country",
            Referrer.ConfigObject("devicePools", "T-Pool-Geo", """{"name":"T-Pool-Geo","geolocation":"T-Geo"}""", "geolocation")),
        Named("geolocationFilters", "T-Filter", """{"name":"T-Filter","fields":["country"]}""", "fields", """["country","a1"]""",
            """{"name":"T-Filter-Bad","fields":[]}""", "T-Filter-Bad", "fields",
            EmccGeolocationFilter("T-Filter")),
        Named("locations", "T-Loc", """{"name":"T-Loc","audioBandwidthKbps":128}""", "videoBandwidthKbps", "512",
            """{"name":"T-Loc-Bad","audioBandwidthKbps":-1}""", "T-Loc-Bad", "audioBandwidthKbps",
            Referrer.ConfigObject("devicePools", "T-Pool-Loc", """{"name":"T-Pool-Loc","location":"T-Loc"}""", "location")),
        Named("regions", "T-Region", """{"name":"T-Region","maxAudioBitRateKbps":16}""", "linkLossType", "\"lossy\"",
            """{"name":"T-Region-Bad","maxAudioBitRateKbps":7}""", "T-Region-Bad", "maxAudioBitRateKbps",
            Referrer.ConfigObject("devicePools", "T-Pool-Region", """{"name":"T-Pool-Region","region":"T-Region"}""", "region")),
        Named("devicePools", "T-Pool", """{"name":"T-Pool","region":"Default","callManagerGroup":["emx-it1"]}""", "userLocale", "\"English United Kingdom\"",
            """{"name":"T-Pool-Bad","region":"NoSuchRegion"}""", "T-Pool-Bad", "region",
            Referrer.ConfigObject("emccTemplates", "T-TPL-Pool", """{"name":"T-TPL-Pool","devicePool":"T-Pool"}""", "devicePool")),
        Named("sipTrunks", "T-Trunk", """{"name":"T-Trunk","destination":"127.0.0.8","port":5070,"transport":"tcp"}""", "optionsPingIntervalSeconds", "120",
            """{"name":"T-Trunk-Bad","destination":"127.0.0.8","port":70000}""", "T-Trunk-Bad", "port",
            Referrer.ConfigObject("routeGroups", "T-RG-Trunk", """{"name":"T-RG-Trunk","members":["T-Trunk"]}""", "members")),
        Named("routeGroups", "T-RG", """{"name":"T-RG","members":["PSTN-GW-Boston"]}""", "distribution", "\"circular\"",
            """{"name":"T-RG-Bad","members":["NoSuchTrunk"]}""", "T-RG-Bad", "members",
            Referrer.ConfigObject("routeLists", "T-RL-RG", """{"name":"T-RL-RG","members":["T-RG"]}""", "members")),
        Named("routeLists", "T-RL", """{"name":"T-RL","members":["RG-Boston"]}""", "members", """["StandardLocalRouteGroup","RG-Boston"]""",
            """{"name":"T-RL-Bad","members":[]}""", "T-RL-Bad", "members",
            Referrer.ConfigObject("routePatterns", "8XXX@Internal", """{"pattern":"8XXX","partition":"Internal","destination":"T-RL"}""", "destination")),
        // Nothing refers to route patterns, application users, phones or remote clusters.
        new("routePatterns", "7.XXXX@PSTN", """{"pattern":"7.XXXX","partition":"PSTN","destination":"RL-Local","discardPreDot":true}""", "prefixDigits", "\"0\"",
            """{"pattern":"12A4","partition":"PSTN","destination":"RL-Local"}""", ("routePatterns", "12A4@PSTN", "pattern"), null),
        Named("deviceProfiles", "T-DP", """{"name":"T-DP","productType":"Cisco 8845","lines":[{"dn":"6001","partition":"Internal"}]}""", "doNotDisturb", "true",
            """{"name":"T-DP-Bad","productType":"Cisco 8845","mlppIndication":"off","mlppPreemption":"forceful"}""", "T-DP-Bad", "mlppPreemption",
            Referrer.ConfigObject("endUsers", "t-dp-user", """{"userId":"t-dp-user","controlledProfiles":["T-DP"]}""", "controlledProfiles")),
        new("endUsers", "t-user", """{"userId":"t-user","firstName":"Tess","pin":"86420","password":"t-user-password"}""", "firstName", "\"Tessa\"",
            """{"userId":"t-user-bad","pin":"12"}""", ("endUsers", "t-user-bad", "pin"),
            Referrer.ConfigObject("phones", "SEP0A00000000D2", """{"name":"SEP0A00000000D2","model":"Cisco 8845","ownerUserId":"t-user"}""", "ownerUserId"),
            "86420", "t-user-password"),
        new("applicationUsers", "t-app", """{"userId":"t-app","password":"t-app-password","groups":["Standard EM Authentication Proxy Rights"]}""", "description", "\"proxy\"",
            """{"userId":"t-app-bad","groups":[]}""", ("applicationUsers", "t-app-bad", "password"), null, "t-app-password"),
        new("phones", "SEP0A00000000C1", """{"name":"sep0a00000000c1","model":"Cisco 8845","lines":[{"dn":"6101","partition":"Internal"}]}""", "enableExtensionMobility", "true",
            """{"name":"SEPXYZ","model":"Cisco 8845"}""", ("phones", "SEPXYZ", "name"), null),
        Named("emccTemplates", "T-TPL", """{"name":"T-TPL","devicePool":"Default","location":"Hub_None"}""", "sipProfile", "\"Standard SIP Profile\"",
            """{"name":"T-TPL-Bad","devicePool":"NoSuchPool"}""", "T-TPL-Bad", "devicePool",
            EmccDevicesOf("T-TPL")),
        new("remoteClusters", "T-Remote", """{"clusterId":"T-Remote","fullyQualifiedName":"127.0.9.9","emcc":true}""", "httpsPort", "9443",
            """{"clusterId":"ClusterA","fullyQualifiedName":"127.0.9.9"}""", ("remoteClusters", "ClusterA", "clusterId"), null),
    }.ToDictionary(s => s.Kind, StringComparer.Ordinal);

    /// <summary>The EMCC feature configuration names the filter as its EMCC Geolocation Filter.</summary>
    private static Referrer EmccGeolocationFilter(string filter)
    {
        const string path = "/api/v1/settings/emccFeatureConfiguration";
        return new Referrer("EMCC Geolocation Filter",
            async (node, ct) =>
            {
                var section = JsonNode.Parse((await node.GetSettingsAsync("emccFeatureConfiguration", ct)).GetRawText())!;
                section["emccGeolocationFilter"] = filter;
                (await node.PutJsonAsync(path, section.ToJsonString(), ct)).ShouldBe(HttpStatusCode.OK);
            },
            async (node, ct) =>
            {
                var section = JsonNode.Parse((await node.GetSettingsAsync("emccFeatureConfiguration", ct)).GetRawText())!;
                section["emccGeolocationFilter"] = "CountryStateCity";
                (await node.PutJsonAsync(path, section.ToJsonString(), ct)).ShouldBe(HttpStatusCode.OK);
            });
    }

    /// <summary>An EMCC device inserted with the template (the complete example has EMCC1..EMCC5, so this is EMCC6).</summary>
    private static Referrer EmccDevicesOf(string template) => new(
        "still used by emccDevices 'EMCC6' (template)",
        async (node, ct) => Assert.Equal(1, ApplySummary.From((await node.PostJsonAsync("/api/v1/emccDevices/insert", $$"""{"count":6,"template":"{{template}}"}""", null, ct))
            .ShouldBe(HttpStatusCode.OK).Json).EmccDevicesInserted),
        async (node, ct) => (await node.DeleteAsync("/api/v1/emccDevices/EMCC6", ct)).ShouldBe(HttpStatusCode.NoContent));

    public static TheoryData<string> Kinds => new(All.Keys);
}
