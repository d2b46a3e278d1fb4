namespace Emx.Domain.Tests;

/// <summary>A small, valid stored configuration and valid objects to change one field at a time.</summary>
internal static class World
{
    public const string Model = "Cisco 8845";
    public const string NoEmModel = "Cisco 7811";
    public const string Partition = "Internal";
    public const string Css = "Internal-CSS";
    public const string PhoneName = "SEP0A1B2C3D4E5F";
    public const string Profile = "alice-8845";
    public const string PstnTrunk = "PSTN-GW";
    public const string PstnRouteGroup = "RG-PSTN";
    public const string PstnRouteList = "RL-PSTN";

    /// <summary>A catalog holding everything the sample objects refer to.</summary>
    public static FakeConfigCatalog Catalog() => new FakeConfigCatalog().Add(
        new DevicePool { Name = "Default" },
        new Partition { Name = Partition },
        new CallingSearchSpace { Name = Css, Partitions = [Partition] },
        new PhoneModel
        {
            Name = Model,
            Protocols = [DeviceProtocol.SIP],
            Features = [PhoneFeature.ExtensionMobility, PhoneFeature.ExtensionMobilityCrossCluster],
            MaxLines = 5,
            MaxExpansionModules = 1,
        },
        new PhoneModel { Name = NoEmModel, Protocols = [DeviceProtocol.SIP, DeviceProtocol.SCCP], MaxLines = 2 },
        new SipTrunk { Name = PstnTrunk, Destination = "10.1.1.1" },
        new RouteGroup { Name = PstnRouteGroup, Members = [PstnTrunk] },
        new RouteList { Name = PstnRouteList, Members = [PstnRouteGroup] },
        new DeviceProfile { Name = Profile, ProductType = Model },
        new AccessControlGroup { Name = AccessControlGroup.StandardCcmEndUsers });

    public static Phone Phone(string name = PhoneName) => new()
    {
        Name = name,
        Model = Model,
        Css = Css,
        Lines = [new Line { Dn = "1000", Partition = Partition }],
    };

    public static DeviceProfile DeviceProfile(string name = "bob-8845") => new()
    {
        Name = name,
        ProductType = Model,
        Lines = [new Line { Dn = "2000", Partition = Partition, Css = Css }],
    };

    public static EndUser EndUser(string userId = "alice") => new()
    {
        UserId = userId,
        Pin = "12345",
        Password = "correct-horse",
        ControlledProfiles = [Profile],
        Groups = [AccessControlGroup.StandardCcmEndUsers],
    };

    public static SipTrunk EmccTrunk(string name) => new()
    {
        Name = name,
        ServiceType = TrunkServiceType.ExtensionMobilityCrossClusters,
        Destination = "10.2.2.2",
    };

    public static EmccTemplate Template(string name, bool isDefault = false) => new() { Name = name, Default = isDefault };

    public static RemoteCluster Remote(string clusterId = "RemoteA") => new() { ClusterId = clusterId, FullyQualifiedName = "cucm.remote.example" };

    public static IReadOnlyList<ConfigError> Validate(ProvisioningDocument doc, IConfigCatalog? catalog = null) =>
        ConfigValidator.Validate(doc, catalog ?? Catalog());

    public static IReadOnlyList<ConfigError> Validate(IConfigObject item, IConfigCatalog? catalog = null) =>
        Validate(ProvisioningDocument.With(item), catalog);

    public static IReadOnlyList<ConfigError> Validate(ISettingsSection section, IConfigCatalog? catalog = null) =>
        Validate(ProvisioningDocument.With(section), catalog);
}

/// <summary>Assertions on validator output.</summary>
internal static class ErrorAssert
{
    /// <summary>Exactly one error, and it names the kind and field.</summary>
    public static ConfigError Single(IReadOnlyList<ConfigError> errors, string kind, string field)
    {
        var error = Assert.Single(errors);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(field, error.Field);
        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
        return error;
    }

    /// <summary>At least one error names the kind, key and field.</summary>
    public static ConfigError Contains(IReadOnlyList<ConfigError> errors, string kind, string key, string field) =>
        Assert.Single(errors, e => e.Kind == kind && e.Key == key && e.Field == field);

    /// <summary>No error.</summary>
    public static void None(IReadOnlyList<ConfigError> errors) => Assert.Empty(errors);
}
