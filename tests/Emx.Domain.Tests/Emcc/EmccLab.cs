using Emx.Domain.Emcc;

namespace Emx.Domain.Tests.Emcc;

/// <summary>
/// Lab cluster A (examples/lab/cluster-a.yaml) as objects: the EMCC part of it, complete, with its one node
/// cucm-a1 on 127.0.1.1 and the ten EMCC devices the file inserts.
/// </summary>
internal static class EmccLab
{
    public const string NodeAddress = "127.0.1.1";

    public static ProvisioningDocument ClusterA() => new()
    {
        Cluster = new ClusterSettings { Id = "ClusterA" },
        Partitions = [new Partition { Name = "Internal" }, new Partition { Name = "PSTN" }, new Partition { Name = "Emergency" }],
        CallingSearchSpaces =
        [
            new CallingSearchSpace { Name = "InternalCSS", Partitions = ["Internal"] },
            new CallingSearchSpace { Name = "AllCSS", Partitions = ["Internal", "Emergency", "PSTN"] },
            new CallingSearchSpace { Name = "EmergencyOnly", Partitions = ["Emergency"] },
        ],
        Geolocations =
        [
            new Geolocation { Name = "Boston", Country = "US", A1 = "MA", A3 = "Boston" },
            new Geolocation { Name = "London", Country = "GB", A1 = "England", A3 = "London" },
        ],
        GeolocationFilters = [new GeolocationFilter { Name = "CountryStateCity", Fields = [GeolocationField.Country, GeolocationField.A1, GeolocationField.A3] }],
        Regions = [new Region { Name = "Default", MaxAudioBitRateKbps = 64 }],
        DevicePools =
        [
            new DevicePool { Name = "Default", Region = "Default" },
            new DevicePool { Name = "Roaming-London", Geolocation = "London", AdjunctCss = "EmergencyOnly", Region = "Default" },
        ],
        SipTrunks =
        [
            new SipTrunk
            {
                Name = "EMCC-Trunk-B", ServiceType = TrunkServiceType.ExtensionMobilityCrossClusters, Destination = "127.0.2.1", Css = "AllCSS", SendGeolocation = true,
            },
        ],
        PhoneModels =
        [
            new PhoneModel { Name = "Cisco 8845", Protocols = [DeviceProtocol.SIP], Features = [PhoneFeature.ExtensionMobility, PhoneFeature.ExtensionMobilityCrossCluster], MaxLines = 5 },
            new PhoneModel { Name = "Cisco 7841", Protocols = [DeviceProtocol.SIP, DeviceProtocol.SCCP], Features = [PhoneFeature.ExtensionMobility, PhoneFeature.ExtensionMobilityCrossCluster], MaxLines = 4 },
            new PhoneModel { Name = "Cisco IP Communicator", Protocols = [DeviceProtocol.SCCP], Features = [PhoneFeature.ExtensionMobility] },
        ],
        DeviceSecurityProfiles = [new DeviceSecurityProfile { Name = "Non Secure SIP", Mode = DeviceSecurityMode.NonSecure }],
        PhoneServices =
        [
            new PhoneService
            {
                Name = "Extension Mobility", Url = "http://127.0.1.1:8080/emapp/EMAppServlet?device=#DEVICENAME#&EMCC=#EMCC#", EnterpriseSubscription = true,
            },
        ],
        CommonDeviceConfigurations = [new CommonDeviceConfiguration { Name = "EMCC-CDC", SoftkeyTemplate = "Standard User" }],
        EmccTemplates =
        [
            new EmccTemplate
            {
                Name = "EMCC-Template", DevicePool = "Default", SipProfile = "Standard SIP Profile", CommonDeviceConfiguration = "EMCC-CDC",
                DeviceSecurityProfile = "Non Secure SIP", Default = true,
            },
        ],
        EmccDevices = new EmccDeviceInsertion { Count = 10 },
        EmccFeatureConfiguration = new EmccFeatureConfiguration
        {
            DefaultTftpServerForEmccLoginDevice = NodeAddress,
            EmccGeolocationFilter = "CountryStateCity",
            DefaultServerForRemoteClusterUpdate = NodeAddress,
        },
        InterclusterServiceProfile = new InterclusterServiceProfile
        {
            Emcc = true,
            PstnAccess = new InterclusterTrunkService { Active = true, SipTrunk = "EMCC-Trunk-B" },
            RsvpAgent = new InterclusterTrunkService { Active = true, SipTrunk = "EMCC-Trunk-B" },
        },
        RemoteClusters = [new RemoteCluster { ClusterId = "ClusterB", FullyQualifiedName = "127.0.2.1", Emcc = true, PstnAccess = true, RsvpAgent = true }],
        DeviceProfiles =
        [
            new DeviceProfile
            {
                Name = "alice-8845", ProductType = "Cisco 8845", EmccCss = "AllCSS",
                Lines = [new Line { Dn = "1001", Partition = "Internal", DisplayName = "Alice Able", Css = "InternalCSS" }],
            },
            new DeviceProfile { Name = "bob-8845", ProductType = "Cisco 8845", EmccCss = "AllCSS", Lines = [new Line { Dn = "1002", Partition = "Internal" }] },
        ],
        EndUsers =
        [
            new EndUser { UserId = "alice", Pin = "24680", PrimaryExtension = "1001", EnableExtensionMobilityCrossCluster = true, ControlledProfiles = ["alice-8845"] },
            new EndUser { UserId = "bob", Pin = "13579", PrimaryExtension = "1002", ControlledProfiles = ["bob-8845"] },
        ],
        Phones =
        [
            new Phone { Name = "SEP0A0000000001", Model = "Cisco 8845", Css = "AllCSS", Geolocation = "Boston", EnableExtensionMobility = true, Lines = [new Line { Dn = "1901", Partition = "Internal" }] },
            new Phone { Name = "SEP0A0000000002", Model = "Cisco 8845", Css = "AllCSS", Geolocation = "Boston", EnableExtensionMobility = true, Lines = [new Line { Dn = "1902", Partition = "Internal" }] },
        ],
    };

    public static ClusterNode Node(params NodeService[] services) => new()
    {
        Name = "cucm-a1",
        Address = NodeAddress,
        Services = services.Length > 0 ? [.. services] : [NodeService.CallManager, NodeService.Tftp, NodeService.ExtensionMobility, NodeService.BulkProvisioning, NodeService.Ils],
    };

    public static EmccCheckContext Context(params NodeService[] services) => new() { Nodes = [Node(services)] };
}
