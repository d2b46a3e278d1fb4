namespace Emx.Domain.Configuration;

/// <summary>
/// A declarative provisioning document: the <c>provision:</c> section of a cluster config file, the body of
/// <c>emx apply</c> and of <c>POST /api/v1/provision</c>. Applying it upserts every object by natural key,
/// all or nothing.
/// </summary>
public sealed class ProvisioningDocument
{
    /// <summary>Cluster identity and enterprise parameters.</summary>
    public ClusterSettings? Cluster { get; set; }

    /// <summary>Service parameters by service.</summary>
    public ServiceParametersSection? ServiceParameters { get; set; }

    public CredentialPolicy? CredentialPolicy { get; set; }

    public EmccFeatureConfiguration? EmccFeatureConfiguration { get; set; }

    public InterclusterServiceProfile? InterclusterServiceProfile { get; set; }

    public IlsConfiguration? IlsConfiguration { get; set; }

    /// <summary>Bulk Certificate Management: the shared location for certificate export, consolidation and import.</summary>
    public BulkCertificateManagement? BulkCertificateManagement { get; set; }

    public List<AccessControlGroup> AccessControlGroups { get; set; } = [];

    public List<Partition> Partitions { get; set; } = [];

    public List<CallingSearchSpace> CallingSearchSpaces { get; set; } = [];

    public List<Geolocation> Geolocations { get; set; } = [];

    public List<GeolocationFilter> GeolocationFilters { get; set; } = [];

    public List<Location> Locations { get; set; } = [];

    public List<Region> Regions { get; set; } = [];

    public List<DevicePool> DevicePools { get; set; } = [];

    public List<SipTrunk> SipTrunks { get; set; } = [];

    public List<RouteGroup> RouteGroups { get; set; } = [];

    public List<RouteList> RouteLists { get; set; } = [];

    public List<RoutePattern> RoutePatterns { get; set; } = [];

    public List<PhoneModel> PhoneModels { get; set; } = [];

    public List<DeviceSecurityProfile> DeviceSecurityProfiles { get; set; } = [];

    public List<CommonDeviceConfiguration> CommonDeviceConfigurations { get; set; } = [];

    public List<PhoneService> PhoneServices { get; set; } = [];

    public List<DeviceProfile> DeviceProfiles { get; set; } = [];

    public List<EndUser> EndUsers { get; set; } = [];

    public List<ApplicationUser> ApplicationUsers { get; set; } = [];

    public List<Phone> Phones { get; set; } = [];

    public List<EmccTemplate> EmccTemplates { get; set; } = [];

    /// <summary>Insert EMCC Devices: make sure at least <see cref="EmccDeviceInsertion.Count"/> EMCC devices exist.</summary>
    public EmccDeviceInsertion? EmccDevices { get; set; }

    public List<RemoteCluster> RemoteClusters { get; set; } = [];

    /// <summary>The object lists of the document with their kinds, in dependency order.</summary>
    public IEnumerable<(ConfigKind Kind, IReadOnlyList<IConfigObject> Items)> ObjectLists()
    {
        IEnumerable<(ConfigKind, IReadOnlyList<IConfigObject>)> lists =
        [
            (ConfigKinds.AccessControlGroups, AccessControlGroups),
            (ConfigKinds.Partitions, Partitions),
            (ConfigKinds.PhoneModels, PhoneModels),
            (ConfigKinds.DeviceSecurityProfiles, DeviceSecurityProfiles),
            (ConfigKinds.CommonDeviceConfigurations, CommonDeviceConfigurations),
            (ConfigKinds.PhoneServices, PhoneServices),
            (ConfigKinds.CallingSearchSpaces, CallingSearchSpaces),
            (ConfigKinds.Geolocations, Geolocations),
            (ConfigKinds.GeolocationFilters, GeolocationFilters),
            (ConfigKinds.Locations, Locations),
            (ConfigKinds.Regions, Regions),
            (ConfigKinds.DevicePools, DevicePools),
            (ConfigKinds.SipTrunks, SipTrunks),
            (ConfigKinds.RouteGroups, RouteGroups),
            (ConfigKinds.RouteLists, RouteLists),
            (ConfigKinds.RoutePatterns, RoutePatterns),
            (ConfigKinds.DeviceProfiles, DeviceProfiles),
            (ConfigKinds.EndUsers, EndUsers),
            (ConfigKinds.ApplicationUsers, ApplicationUsers),
            (ConfigKinds.Phones, Phones),
            (ConfigKinds.EmccTemplates, EmccTemplates),
            (ConfigKinds.RemoteClusters, RemoteClusters),
        ];
        return lists.Where(l => l.Item2.Count > 0).OrderBy(l => l.Item1.Order);
    }

    /// <summary>A document holding one object.</summary>
    public static ProvisioningDocument With(IConfigObject item)
    {
        var doc = new ProvisioningDocument();
        switch (item)
        {
            case AccessControlGroup x: doc.AccessControlGroups.Add(x); break;
            case Partition x: doc.Partitions.Add(x); break;
            case CallingSearchSpace x: doc.CallingSearchSpaces.Add(x); break;
            case Geolocation x: doc.Geolocations.Add(x); break;
            case GeolocationFilter x: doc.GeolocationFilters.Add(x); break;
            case Location x: doc.Locations.Add(x); break;
            case Region x: doc.Regions.Add(x); break;
            case DevicePool x: doc.DevicePools.Add(x); break;
            case SipTrunk x: doc.SipTrunks.Add(x); break;
            case RouteGroup x: doc.RouteGroups.Add(x); break;
            case RouteList x: doc.RouteLists.Add(x); break;
            case RoutePattern x: doc.RoutePatterns.Add(x); break;
            case PhoneModel x: doc.PhoneModels.Add(x); break;
            case DeviceSecurityProfile x: doc.DeviceSecurityProfiles.Add(x); break;
            case CommonDeviceConfiguration x: doc.CommonDeviceConfigurations.Add(x); break;
            case PhoneService x: doc.PhoneServices.Add(x); break;
            case DeviceProfile x: doc.DeviceProfiles.Add(x); break;
            case EndUser x: doc.EndUsers.Add(x); break;
            case ApplicationUser x: doc.ApplicationUsers.Add(x); break;
            case Phone x: doc.Phones.Add(x); break;
            case EmccTemplate x: doc.EmccTemplates.Add(x); break;
            case RemoteCluster x: doc.RemoteClusters.Add(x); break;
            default: throw new ArgumentException($"{item.GetType().Name} is not provisioned through documents", nameof(item));
        }

        return doc;
    }

    /// <summary>A document holding one settings section.</summary>
    public static ProvisioningDocument With(ISettingsSection section) => section switch
    {
        ClusterSettings x => new ProvisioningDocument { Cluster = x },
        ExtensionMobilityServiceParameters x => new ProvisioningDocument { ServiceParameters = new ServiceParametersSection { ExtensionMobility = x } },
        CredentialPolicy x => new ProvisioningDocument { CredentialPolicy = x },
        EmccFeatureConfiguration x => new ProvisioningDocument { EmccFeatureConfiguration = x },
        InterclusterServiceProfile x => new ProvisioningDocument { InterclusterServiceProfile = x },
        IlsConfiguration x => new ProvisioningDocument { IlsConfiguration = x },
        BulkCertificateManagement x => new ProvisioningDocument { BulkCertificateManagement = x },
        _ => throw new ArgumentException($"unknown section {section?.GetType().Name}", nameof(section)),
    };

    /// <summary>The settings sections present in the document.</summary>
    public IEnumerable<ISettingsSection> Sections()
    {
        ISettingsSection?[] sections =
        [
            Cluster, ServiceParameters?.ExtensionMobility, CredentialPolicy, EmccFeatureConfiguration,
            InterclusterServiceProfile, IlsConfiguration, BulkCertificateManagement,
        ];
        return sections.OfType<ISettingsSection>();
    }
}

/// <summary>Service parameters, one section per service.</summary>
public sealed class ServiceParametersSection
{
    /// <summary>Cisco Extension Mobility.</summary>
    public ExtensionMobilityServiceParameters? ExtensionMobility { get; set; }
}

/// <summary>Insert EMCC Devices (Bulk Administration &gt; EMCC &gt; Insert/Update EMCC).</summary>
public sealed class EmccDeviceInsertion
{
    /// <summary>The number of EMCC devices that must exist; missing ones are inserted, continuing from the last number used.</summary>
    public int Count { get; set; }

    /// <summary>The EMCC template; null means the default template.</summary>
    public string? Template { get; set; }
}
