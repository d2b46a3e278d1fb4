namespace Emx.Domain.Tests;

/// <summary>Ranged parameters: the boundaries pass, one beyond fails and names the field.</summary>
public sealed class RangeTests
{
    private const string Em = "serviceParameters.extensionMobility";
    private const string Emcc = "emccFeatureConfiguration";
    private const string Policy = "credentialPolicy";

    private static readonly Dictionary<string, Func<int, ProvisioningDocument>> Setters = new(StringComparer.Ordinal)
    {
        [$"{Em}.maximumConcurrentRequests"] = v => ProvisioningDocument.With(new ExtensionMobilityServiceParameters { MaximumConcurrentRequests = v }),
        [$"{Em}.extensionMobilityCacheSize"] = v => ProvisioningDocument.With(new ExtensionMobilityServiceParameters { ExtensionMobilityCacheSize = v }),
        [$"{Emcc}.defaultIntervalForExpiredEmccDeviceMaintenance"] =
            v => ProvisioningDocument.With(new EmccFeatureConfiguration { DefaultIntervalForExpiredEmccDeviceMaintenance = v }),
        [$"{Emcc}.emccRegionMaxVideoCallBitRate"] = v => ProvisioningDocument.With(new EmccFeatureConfiguration { EmccRegionMaxVideoCallBitRate = v }),
        [$"{Emcc}.rsvpSipTrunkKeepAliveTimer"] = v => ProvisioningDocument.With(new EmccFeatureConfiguration { RsvpSipTrunkKeepAliveTimer = v }),
        [$"{Emcc}.remoteClusterUpdateInterval"] = v => ProvisioningDocument.With(new EmccFeatureConfiguration { RemoteClusterUpdateInterval = v }),
        [$"{Emcc}.emccRegionMaxAudioBitRate"] = v => ProvisioningDocument.With(new EmccFeatureConfiguration { EmccRegionMaxAudioBitRate = v }),
        [$"{Policy}.failedLogonThreshold"] = v => ProvisioningDocument.With(new CredentialPolicy { FailedLogonThreshold = v }),
        [$"{Policy}.resetFailedLogonAttemptsMinutes"] = v => ProvisioningDocument.With(new CredentialPolicy { ResetFailedLogonAttemptsMinutes = v }),
        [$"{Policy}.lockoutMinutes"] = v => ProvisioningDocument.With(new CredentialPolicy { LockoutMinutes = v }),
        [$"{Policy}.minimumPinLength"] = v => ProvisioningDocument.With(new CredentialPolicy { MinimumPinLength = v }),
        [$"{Policy}.minimumPasswordLength"] = v => ProvisioningDocument.With(new CredentialPolicy { MinimumPasswordLength = v }),
        ["cluster.maxPhones"] = v => ProvisioningDocument.With(new ClusterSettings { MaxPhones = v }),
        ["ilsConfiguration.syncIntervalMinutes"] = v => ProvisioningDocument.With(new IlsConfiguration { SyncIntervalMinutes = v }),
        ["sipTrunks.port"] = v => ProvisioningDocument.With(new SipTrunk { Name = "T", Destination = "10.0.0.1", Port = v }),
        ["sipTrunks.optionsPingIntervalSeconds"] =
            v => ProvisioningDocument.With(new SipTrunk { Name = "T", Destination = "10.0.0.1", OptionsPingIntervalSeconds = v }),
        ["regions.maxAudioBitRateKbps"] = v => ProvisioningDocument.With(new Region { Name = "T", MaxAudioBitRateKbps = v }),
        ["regions.maxVideoCallBitRateKbps"] = v => ProvisioningDocument.With(new Region { Name = "T", MaxVideoCallBitRateKbps = v }),
        ["phoneModels.maxLines"] = v => ProvisioningDocument.With(new PhoneModel { Name = "T", Protocols = [DeviceProtocol.SIP], MaxLines = v }),
        ["phoneModels.maxExpansionModules"] =
            v => ProvisioningDocument.With(new PhoneModel { Name = "T", Protocols = [DeviceProtocol.SIP], MaxExpansionModules = v }),
        ["remoteClusters.httpsPort"] = v => ProvisioningDocument.With(new RemoteCluster { ClusterId = "T", FullyQualifiedName = "10.0.0.9", HttpsPort = v }),
        ["phones.lines[0].maxCalls"] = v =>
        {
            var phone = World.Phone();
            phone.Lines[0].MaxCalls = v;
            return ProvisioningDocument.With(phone);
        },
        ["phones.speedDials.index"] = v =>
        {
            var phone = World.Phone();
            phone.SpeedDials.Add(new SpeedDial { Index = v, Number = "5551234" });
            return ProvisioningDocument.With(phone);
        },
        ["deviceProfiles.speedDials.index"] = v =>
        {
            var profile = World.DeviceProfile();
            profile.SpeedDials.Add(new SpeedDial { Index = v, Number = "5551234" });
            return ProvisioningDocument.With(profile);
        },
    };

    [Theory]
    [InlineData(Em, "maximumConcurrentRequests", 0, false)]
    [InlineData(Em, "maximumConcurrentRequests", 1, true)]
    [InlineData(Em, "maximumConcurrentRequests", 100, true)]
    [InlineData(Em, "maximumConcurrentRequests", 101, false)]
    [InlineData(Em, "extensionMobilityCacheSize", 999, false)]
    [InlineData(Em, "extensionMobilityCacheSize", 1000, true)]
    [InlineData(Em, "extensionMobilityCacheSize", 20000, true)]
    [InlineData(Em, "extensionMobilityCacheSize", 20001, false)]
    [InlineData(Emcc, "defaultIntervalForExpiredEmccDeviceMaintenance", 9, false)]
    [InlineData(Emcc, "defaultIntervalForExpiredEmccDeviceMaintenance", 10, true)]
    [InlineData(Emcc, "defaultIntervalForExpiredEmccDeviceMaintenance", 1440, true)]
    [InlineData(Emcc, "defaultIntervalForExpiredEmccDeviceMaintenance", 1441, false)]
    [InlineData(Emcc, "emccRegionMaxVideoCallBitRate", -1, false)]
    [InlineData(Emcc, "emccRegionMaxVideoCallBitRate", 0, true)]
    [InlineData(Emcc, "emccRegionMaxVideoCallBitRate", 8128, true)]
    [InlineData(Emcc, "emccRegionMaxVideoCallBitRate", 8129, false)]
    [InlineData(Emcc, "rsvpSipTrunkKeepAliveTimer", 0, false)]
    [InlineData(Emcc, "rsvpSipTrunkKeepAliveTimer", 1, true)]
    [InlineData(Emcc, "rsvpSipTrunkKeepAliveTimer", 600, true)]
    [InlineData(Emcc, "rsvpSipTrunkKeepAliveTimer", 601, false)]
    [InlineData(Emcc, "remoteClusterUpdateInterval", 14, false)]
    [InlineData(Emcc, "remoteClusterUpdateInterval", 15, true)]
    [InlineData(Emcc, "remoteClusterUpdateInterval", 10080, true)]
    [InlineData(Emcc, "remoteClusterUpdateInterval", 10081, false)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 0, false)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 7, false)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 8, true)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 9, false)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 16, true)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 24, true)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 32, true)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 48, true)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 56, true)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 64, true)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 65, false)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 128, true)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 256, true)]
    [InlineData(Emcc, "emccRegionMaxAudioBitRate", 384, false)]
    [InlineData(Policy, "failedLogonThreshold", -1, false)]
    [InlineData(Policy, "failedLogonThreshold", 0, true)]
    [InlineData(Policy, "failedLogonThreshold", 100, true)]
    [InlineData(Policy, "failedLogonThreshold", 101, false)]
    [InlineData(Policy, "resetFailedLogonAttemptsMinutes", 0, false)]
    [InlineData(Policy, "resetFailedLogonAttemptsMinutes", 1, true)]
    [InlineData(Policy, "resetFailedLogonAttemptsMinutes", 120, true)]
    [InlineData(Policy, "resetFailedLogonAttemptsMinutes", 121, false)]
    [InlineData(Policy, "lockoutMinutes", -1, false)]
    [InlineData(Policy, "lockoutMinutes", 0, true)]
    [InlineData(Policy, "lockoutMinutes", 1440, true)]
    [InlineData(Policy, "lockoutMinutes", 1441, false)]
    [InlineData(Policy, "minimumPinLength", 0, false)]
    [InlineData(Policy, "minimumPinLength", 1, true)]
    [InlineData(Policy, "minimumPinLength", 64, true)]
    [InlineData(Policy, "minimumPinLength", 65, false)]
    [InlineData(Policy, "minimumPasswordLength", 0, false)]
    [InlineData(Policy, "minimumPasswordLength", 1, true)]
    [InlineData(Policy, "minimumPasswordLength", 64, true)]
    [InlineData(Policy, "minimumPasswordLength", 65, false)]
    [InlineData("cluster", "maxPhones", 0, false)]
    [InlineData("cluster", "maxPhones", 1, true)]
    [InlineData("cluster", "maxPhones", 1_000_000, true)]
    [InlineData("cluster", "maxPhones", 1_000_001, false)]
    [InlineData("ilsConfiguration", "syncIntervalMinutes", 0, false)]
    [InlineData("ilsConfiguration", "syncIntervalMinutes", 1, true)]
    [InlineData("ilsConfiguration", "syncIntervalMinutes", 1440, true)]
    [InlineData("ilsConfiguration", "syncIntervalMinutes", 1441, false)]
    [InlineData("sipTrunks", "port", 0, false)]
    [InlineData("sipTrunks", "port", 1, true)]
    [InlineData("sipTrunks", "port", 65535, true)]
    [InlineData("sipTrunks", "port", 65536, false)]
    [InlineData("sipTrunks", "optionsPingIntervalSeconds", 4, false)]
    [InlineData("sipTrunks", "optionsPingIntervalSeconds", 5, true)]
    [InlineData("sipTrunks", "optionsPingIntervalSeconds", 600, true)]
    [InlineData("sipTrunks", "optionsPingIntervalSeconds", 601, false)]
    [InlineData("regions", "maxAudioBitRateKbps", 7, false)]
    [InlineData("regions", "maxAudioBitRateKbps", 8, true)]
    [InlineData("regions", "maxAudioBitRateKbps", 64, true)]
    [InlineData("regions", "maxAudioBitRateKbps", 100, false)]
    [InlineData("regions", "maxAudioBitRateKbps", 256, true)]
    [InlineData("regions", "maxVideoCallBitRateKbps", -1, false)]
    [InlineData("regions", "maxVideoCallBitRateKbps", 0, true)]
    [InlineData("regions", "maxVideoCallBitRateKbps", 8128, true)]
    [InlineData("regions", "maxVideoCallBitRateKbps", 8129, false)]
    [InlineData("phoneModels", "maxLines", 0, false)]
    [InlineData("phoneModels", "maxLines", 1, true)]
    [InlineData("phoneModels", "maxLines", 200, true)]
    [InlineData("phoneModels", "maxLines", 201, false)]
    [InlineData("phoneModels", "maxExpansionModules", -1, false)]
    [InlineData("phoneModels", "maxExpansionModules", 0, true)]
    [InlineData("phoneModels", "maxExpansionModules", 3, true)]
    [InlineData("phoneModels", "maxExpansionModules", 4, false)]
    [InlineData("remoteClusters", "httpsPort", 0, false)]
    [InlineData("remoteClusters", "httpsPort", 1, true)]
    [InlineData("remoteClusters", "httpsPort", 65535, true)]
    [InlineData("remoteClusters", "httpsPort", 65536, false)]
    [InlineData("phones", "lines[0].maxCalls", 0, false)]
    [InlineData("phones", "lines[0].maxCalls", 1, true)]
    [InlineData("phones", "lines[0].maxCalls", 200, true)]
    [InlineData("phones", "lines[0].maxCalls", 201, false)]
    [InlineData("phones", "speedDials.index", 0, false)]
    [InlineData("phones", "speedDials.index", 1, true)]
    [InlineData("phones", "speedDials.index", 199, true)]
    [InlineData("phones", "speedDials.index", 200, false)]
    [InlineData("deviceProfiles", "speedDials.index", 0, false)]
    [InlineData("deviceProfiles", "speedDials.index", 199, true)]
    [InlineData("deviceProfiles", "speedDials.index", 200, false)]
    public void Validate_RangedParameter_BoundariesPassAndBeyondFailsNamingField(string kind, string field, int value, bool valid)
    {
        var doc = Setters[$"{kind}.{field}"](value);

        var errors = World.Validate(doc);

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, kind, field);
        }
    }

    [Fact]
    public void Setters_EveryEntry_IsCoveredByTheTheory()
    {
        // Guards the table above: a setter without InlineData would be dead code.
        var covered = typeof(RangeTests).GetMethod(nameof(Validate_RangedParameter_BoundariesPassAndBeyondFailsNamingField))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => $"{a.Data[0]}.{a.Data[1]}").ToHashSet(StringComparer.Ordinal);

        Assert.Equal(Setters.Keys.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(60_000, true)]
    [InlineData(60_001, false)]
    public void Validate_EmccDeviceCount_BoundariesPassAndBeyondFails(int count, bool valid)
    {
        var doc = new ProvisioningDocument
        {
            Cluster = new ClusterSettings { MaxPhones = 1_000_000 },
            EmccTemplates = [World.Template("EMCC-Default", isDefault: true)],
            EmccDevices = new EmccDeviceInsertion { Count = count },
        };

        var errors = World.Validate(doc);

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "emccDevices", "count");
        }
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(null, true)]
    public void Validate_LocationBandwidth_NegativeRejected(int? kbps, bool valid)
    {
        var audio = World.Validate(new Location { Name = "HQ", AudioBandwidthKbps = kbps });
        var video = World.Validate(new Location { Name = "HQ", VideoBandwidthKbps = kbps });

        if (valid)
        {
            ErrorAssert.None(audio);
            ErrorAssert.None(video);
        }
        else
        {
            ErrorAssert.Single(audio, "locations", "audioBandwidthKbps");
            Assert.Single(video);
        }
    }
}
