namespace Emx.Domain.Configuration;

/// <summary>Describes one kind of configuration object: its name in files and URLs, its type and its references.</summary>
public abstract class ConfigKind
{
    private protected ConfigKind(string name, Type type, int order)
    {
        Name = name;
        Type = type;
        Order = order;
    }

    /// <summary>The kind's name as used in provisioning files and the admin API (plural, camelCase: <c>deviceProfiles</c>).</summary>
    public string Name { get; }

    /// <summary>The CLR type of the objects.</summary>
    public Type Type { get; }

    /// <summary>
    /// Apply order (lower first). Validation sees the whole document at once, so references may point either way
    /// (a device pool's local route group names a route group whose trunks name device pools).
    /// </summary>
    public int Order { get; }

    /// <summary>The references an object holds to other objects.</summary>
    public abstract IEnumerable<ConfigReference> ReferencesOf(IConfigObject item);

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A typed <see cref="ConfigKind"/>.</summary>
public sealed class ConfigKind<T> : ConfigKind
    where T : class, IConfigObject
{
    private readonly Func<T, IEnumerable<ConfigReference>> _references;

    internal ConfigKind(string name, int order, Func<T, IEnumerable<ConfigReference>> references)
        : base(name, typeof(T), order) => _references = references;

    /// <inheritdoc />
    public override IEnumerable<ConfigReference> ReferencesOf(IConfigObject item) => _references((T)item);
}

/// <summary>The registry of every provisionable kind, in dependency order.</summary>
public static class ConfigKinds
{
    /// <summary>The literal route destination that resolves to the caller's device pool local route group.</summary>
    public const string StandardLocalRouteGroup = "StandardLocalRouteGroup";

    public static readonly ConfigKind<AccessControlGroup> AccessControlGroups = new("accessControlGroups", 0, _ => []);
    public static readonly ConfigKind<Partition> Partitions = new("partitions", 1, _ => []);
    public static readonly ConfigKind<CallingSearchSpace> CallingSearchSpaces = new("callingSearchSpaces", 2,
        c => c.Partitions.Select(p => new ConfigReference("partitions", p, "partitions")));
    public static readonly ConfigKind<Geolocation> Geolocations = new("geolocations", 3, _ => []);
    public static readonly ConfigKind<GeolocationFilter> GeolocationFilters = new("geolocationFilters", 3, _ => []);
    public static readonly ConfigKind<Location> Locations = new("locations", 3, _ => []);
    public static readonly ConfigKind<Region> Regions = new("regions", 3, _ => []);
    public static readonly ConfigKind<SipTrunk> SipTrunks = new("sipTrunks", 5, t => Refs(
        ("callingSearchSpaces", t.Css, "css"), ("devicePools", t.DevicePool, "devicePool"), ("locations", t.Location, "location")));
    public static readonly ConfigKind<RouteGroup> RouteGroups = new("routeGroups", 6,
        g => g.Members.Select(m => new ConfigReference("sipTrunks", m, "members")));
    public static readonly ConfigKind<DevicePool> DevicePools = new("devicePools", 4, d => Refs(
        ("regions", d.Region, "region"), ("locations", d.Location, "location"), ("geolocations", d.Geolocation, "geolocation"),
        ("callingSearchSpaces", d.AdjunctCss, "adjunctCss"), ("routeGroups", d.LocalRouteGroup, "localRouteGroup")));
    public static readonly ConfigKind<RouteList> RouteLists = new("routeLists", 7,
        l => l.Members.Where(m => m != StandardLocalRouteGroup).Select(m => new ConfigReference("routeGroups", m, "members")));
    public static readonly ConfigKind<RoutePattern> RoutePatterns = new("routePatterns", 8,
        r => Refs(("partitions", r.Partition, "partition")));
    public static readonly ConfigKind<PhoneModel> PhoneModels = new("phoneModels", 1, _ => []);
    public static readonly ConfigKind<DeviceSecurityProfile> DeviceSecurityProfiles = new("deviceSecurityProfiles", 1, _ => []);
    public static readonly ConfigKind<CommonDeviceConfiguration> CommonDeviceConfigurations = new("commonDeviceConfigurations", 1, _ => []);
    public static readonly ConfigKind<PhoneService> PhoneServices = new("phoneServices", 1, _ => []);
    public static readonly ConfigKind<DeviceProfile> DeviceProfiles = new("deviceProfiles", 9, p => DeviceRefs(p).Concat(Refs(
        ("phoneModels", p.ProductType, "productType"), ("callingSearchSpaces", p.EmccCss, "emccCss"))));
    public static readonly ConfigKind<EndUser> EndUsers = new("endUsers", 10, u =>
        u.ControlledProfiles.Select(p => new ConfigReference("deviceProfiles", p, "controlledProfiles"))
            .Concat(u.Groups.Select(g => new ConfigReference("accessControlGroups", g, "groups"))));
    public static readonly ConfigKind<ApplicationUser> ApplicationUsers = new("applicationUsers", 10,
        u => u.Groups.Select(g => new ConfigReference("accessControlGroups", g, "groups")));
    public static readonly ConfigKind<Phone> Phones = new("phones", 11, p => DeviceRefs(p).Concat(Refs(
        ("phoneModels", p.Model, "model"), ("devicePools", p.DevicePool, "devicePool"), ("callingSearchSpaces", p.Css, "css"),
        ("locations", p.Location, "location"), ("geolocations", p.Geolocation, "geolocation"),
        ("deviceProfiles", p.LogoutProfile, "logoutProfile"), ("deviceSecurityProfiles", p.DeviceSecurityProfile, "deviceSecurityProfile"),
        ("commonDeviceConfigurations", p.CommonDeviceConfiguration, "commonDeviceConfiguration"), ("endUsers", p.OwnerUserId, "ownerUserId"))));
    public static readonly ConfigKind<EmccTemplate> EmccTemplates = new("emccTemplates", 12, t => Refs(
        ("devicePools", t.DevicePool, "devicePool"), ("commonDeviceConfigurations", t.CommonDeviceConfiguration, "commonDeviceConfiguration"),
        ("deviceSecurityProfiles", t.DeviceSecurityProfile, "deviceSecurityProfile"), ("locations", t.Location, "location")));
    public static readonly ConfigKind<EmccDevice> EmccDevices = new("emccDevices", 13, d => Refs(("emccTemplates", d.Template, "template")));
    public static readonly ConfigKind<RemoteCluster> RemoteClusters = new("remoteClusters", 13, _ => []);

    /// <summary>Every kind, in dependency order.</summary>
    public static readonly IReadOnlyList<ConfigKind> All = new ConfigKind[]
    {
        AccessControlGroups, Partitions, PhoneModels, DeviceSecurityProfiles, CommonDeviceConfigurations, PhoneServices,
        CallingSearchSpaces, Geolocations, GeolocationFilters, Locations, Regions, DevicePools, SipTrunks, RouteGroups,
        RouteLists, RoutePatterns, DeviceProfiles, EndUsers, ApplicationUsers, Phones, EmccTemplates, EmccDevices, RemoteClusters,
    }.OrderBy(k => k.Order).ToArray();

    private static readonly Dictionary<string, ConfigKind> ByName = All.ToDictionary(k => k.Name, StringComparer.Ordinal);
    private static readonly Dictionary<Type, ConfigKind> ByType = All.ToDictionary(k => k.Type);

    /// <summary>Finds a kind by its name.</summary>
    public static bool TryGet(string name, out ConfigKind kind) => ByName.TryGetValue(name, out kind!);

    /// <summary>The kind of a CLR type.</summary>
    public static ConfigKind Of(Type type) => ByType[type];

    /// <summary>The kind of a CLR type.</summary>
    public static ConfigKind<T> Of<T>()
        where T : class, IConfigObject => (ConfigKind<T>)ByType[typeof(T)];

    private static IEnumerable<ConfigReference> Refs(params (string Kind, string? Key, string Field)[] refs) =>
        refs.Where(r => !string.IsNullOrEmpty(r.Key)).Select(r => new ConfigReference(r.Kind, r.Key!, r.Field));

    private static IEnumerable<ConfigReference> DeviceRefs(DeviceBase d)
    {
        for (var i = 0; i < d.Lines.Count; i++)
        {
            var line = d.Lines[i];
            if (!string.IsNullOrEmpty(line.Partition))
            {
                yield return new ConfigReference("partitions", line.Partition, $"lines[{i}].partition");
            }

            if (!string.IsNullOrEmpty(line.Css))
            {
                yield return new ConfigReference("callingSearchSpaces", line.Css, $"lines[{i}].css");
            }
        }

        foreach (var service in d.Services)
        {
            yield return new ConfigReference("phoneServices", service, "services");
        }
    }
}
