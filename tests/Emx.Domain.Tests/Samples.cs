namespace Emx.Domain.Tests;

/// <summary>One object of every kind whose every reference field names something that does not exist.</summary>
internal static class Samples
{
    public const string Missing = "missing";

    /// <summary>The reference fields each kind's registry entry reports (plus the validator-only ones noted separately).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ReferenceFields = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["accessControlGroups"] = [],
        ["partitions"] = [],
        ["phoneModels"] = [],
        ["deviceSecurityProfiles"] = [],
        ["commonDeviceConfigurations"] = [],
        ["phoneServices"] = [],
        ["callingSearchSpaces"] = ["partitions"],
        ["geolocations"] = [],
        ["geolocationFilters"] = [],
        ["locations"] = [],
        ["regions"] = [],
        ["devicePools"] = ["region", "location", "geolocation", "adjunctCss", "localRouteGroup"],
        ["sipTrunks"] = ["css", "devicePool", "location"],
        ["routeGroups"] = ["members"],
        ["routeLists"] = ["members"],
        ["routePatterns"] = ["partition"],
        ["deviceProfiles"] = ["lines[0].partition", "lines[0].css", "lines[1].partition", "services", "productType", "emccCss"],
        ["endUsers"] = ["controlledProfiles", "groups"],
        ["applicationUsers"] = ["groups"],
        ["phones"] =
        [
            "lines[0].partition", "lines[0].css", "lines[1].partition", "services", "model", "devicePool", "css", "location", "geolocation",
            "logoutProfile", "deviceSecurityProfile", "commonDeviceConfiguration", "ownerUserId",
        ],
        ["emccTemplates"] = ["devicePool", "commonDeviceConfiguration", "deviceSecurityProfile", "location"],
        ["emccDevices"] = ["template"],
        ["remoteClusters"] = [],
    };

    public static TheoryData<string> AllKindNames()
    {
        var data = new TheoryData<string>();
        foreach (var kind in ConfigKinds.All)
        {
            data.Add(kind.Name);
        }

        return data;
    }

    /// <summary>A valid-looking object of the kind whose references all point nowhere.</summary>
    public static IConfigObject Dangling(string kind) => kind switch
    {
        "accessControlGroups" => new AccessControlGroup { Name = "Group" },
        "partitions" => new Partition { Name = "Partition" },
        "phoneModels" => new PhoneModel { Name = "Model", Protocols = [DeviceProtocol.SIP] },
        "deviceSecurityProfiles" => new DeviceSecurityProfile { Name = "Secure", Mode = DeviceSecurityMode.Encrypted },
        "commonDeviceConfigurations" => new CommonDeviceConfiguration { Name = "Cdc" },
        "phoneServices" => new PhoneService { Name = "Service", Url = "http://em/x" },
        "callingSearchSpaces" => new CallingSearchSpace { Name = "Css", Partitions = [Missing] },
        "geolocations" => new Geolocation { Name = "Geo", Country = "US" },
        "geolocationFilters" => new GeolocationFilter { Name = "Filter", Fields = [GeolocationField.Country] },
        "locations" => new Location { Name = "Location" },
        "regions" => new Region { Name = "Region" },
        "devicePools" => new DevicePool
        {
            Name = "Pool",
            Region = Missing,
            Location = Missing,
            Geolocation = Missing,
            AdjunctCss = Missing,
            LocalRouteGroup = Missing,
        },
        "sipTrunks" => new SipTrunk { Name = "Trunk", Destination = "10.0.0.1", Css = Missing, DevicePool = Missing, Location = Missing },
        "routeGroups" => new RouteGroup { Name = "Rg", Members = [Missing] },
        "routeLists" => new RouteList { Name = "Rl", Members = [Missing, ConfigKinds.StandardLocalRouteGroup] },
        "routePatterns" => new RoutePattern { Pattern = "9.XXXX", Partition = Missing, Destination = Missing },
        "deviceProfiles" => new DeviceProfile
        {
            Name = "Profile",
            ProductType = Missing,
            EmccCss = Missing,
            Services = [Missing],
            Lines = [new Line { Dn = "1000", Partition = Missing, Css = Missing }, new Line { Dn = "1001", Partition = Missing }, new Line { Dn = "1002" }],
        },
        "endUsers" => new EndUser { UserId = "user", ControlledProfiles = [Missing], Groups = [Missing] },
        "applicationUsers" => new ApplicationUser { UserId = "app", Password = "long-enough", Groups = [Missing] },
        "phones" => new Phone
        {
            Name = "SEP001122334455",
            Model = Missing,
            DevicePool = Missing,
            Css = Missing,
            Location = Missing,
            Geolocation = Missing,
            LogoutProfile = Missing,
            DeviceSecurityProfile = Missing,
            CommonDeviceConfiguration = Missing,
            OwnerUserId = Missing,
            Services = [Missing],
            Lines = [new Line { Dn = "1000", Partition = Missing, Css = Missing }, new Line { Dn = "1001", Partition = Missing }, new Line { Dn = "1002" }],
        },
        "emccTemplates" => new EmccTemplate
        {
            Name = "Template",
            DevicePool = Missing,
            CommonDeviceConfiguration = Missing,
            DeviceSecurityProfile = Missing,
            Location = Missing,
        },
        "emccDevices" => new EmccDevice { Name = "EMCC1", Number = 1, Template = Missing },
        "remoteClusters" => new RemoteCluster { ClusterId = "Remote", FullyQualifiedName = "10.9.9.9" },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no sample for this kind"),
    };
}
