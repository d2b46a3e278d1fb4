namespace Emx.Domain.Emcc;

/// <summary>
/// The steps of the seed's "Extension Mobility Cross Cluster Configuration Task Flow" (seed 000), subtasks flattened
/// in seed order, with the seed's own titles.
/// </summary>
public static class EmccTaskFlow
{
    public const string ConfigureExtensionMobility = "Configure Extension Mobility";
    public const string ConfigureCertificates = "Configure Certificates for Extension Mobility Cross Cluster";
    public const string ConfigureDevicesAndTemplates = "Configure Extension Mobility Cross Cluster Devices and Templates";

    public const string GeneratePhoneFeatureList = "Generate a Phone Feature List";
    public const string ActivateServices = "Activate Services for Extension Mobility Cross Cluster";
    public const string ConfigurePhoneService = "Configure the Extension Mobility Phone Service";
    public const string ConfigureDeviceProfile = "Configure a Device Profile for Extension Mobility Cross Cluster";
    public const string EnableForUser = "Enable Extension Mobility Cross Cluster for a User";
    public const string SubscribeDevices = "Subscribe Devices to Extension Mobility";
    public const string ActivateBulkProvisioning = "Activate the Bulk Provisioning Service";
    public const string ExportCertificates = "Configure Bulk Certificate Management and Export Certificates";
    public const string ConsolidateCertificates = "Consolidate the Certificates";
    public const string ImportCertificates = "Import the Certificates into the Clusters";
    public const string CreateCommonDeviceConfiguration = "Create a Common Device Configuration";
    public const string ConfigureTemplate = "Configure an Extension Mobility Cross Cluster Template";
    public const string SetDefaultTemplate = "Set the Default Template";
    public const string AddEmccDevices = "Add Extension Mobility Cross Cluster Devices";
    public const string ConfigureGeolocationFilter = "Configure a Geolocation Filter for Extension Mobility Cross Cluster";
    public const string ConfigureFeatureParameters = "Configure Feature Parameters for Extension Mobility Cross Cluster";
    public const string ConfigureSipTrunk = "Configure Intercluster SIP Trunk for Extension Mobility Cross Cluster";
    public const string ConfigureServiceProfile = "Configure an Intercluster Service Profile for Extension Mobility Cross Cluster";
    public const string ConfigureRemoteClusters = "Configure Remote Cluster Services";

    /// <summary>Every step in seed order: its task-flow number, title and the step it is a subtask of.</summary>
    public static readonly IReadOnlyList<(string Number, string Title, string? Parent)> Steps =
    [
        ("1", GeneratePhoneFeatureList, null),
        ("2.1", ActivateServices, ConfigureExtensionMobility),
        ("2.2", ConfigurePhoneService, ConfigureExtensionMobility),
        ("2.3", ConfigureDeviceProfile, ConfigureExtensionMobility),
        ("2.4", EnableForUser, ConfigureExtensionMobility),
        ("2.5", SubscribeDevices, ConfigureExtensionMobility),
        ("3.1", ActivateBulkProvisioning, ConfigureCertificates),
        ("3.2", ExportCertificates, ConfigureCertificates),
        ("3.3", ConsolidateCertificates, ConfigureCertificates),
        ("3.4", ImportCertificates, ConfigureCertificates),
        ("4.1", CreateCommonDeviceConfiguration, ConfigureDevicesAndTemplates),
        ("4.2", ConfigureTemplate, ConfigureDevicesAndTemplates),
        ("4.3", SetDefaultTemplate, ConfigureDevicesAndTemplates),
        ("4.4", AddEmccDevices, ConfigureDevicesAndTemplates),
        ("5", ConfigureGeolocationFilter, null),
        ("6", ConfigureFeatureParameters, null),
        ("7", ConfigureSipTrunk, null),
        ("8", ConfigureServiceProfile, null),
        ("9", ConfigureRemoteClusters, null),
    ];
}
