using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Emcc;
using Emx.Domain.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Emx.Cluster.Provisioning;

/// <summary>
/// The whole stored configuration as one <see cref="ProvisioningDocument"/> (every object and settings section) with
/// what the EMCC checks need besides it: the nodes and their activated services, and the number of EMCC devices.
/// Reads every object, so it is meant for administrator-initiated reports (the EMCC checklist), not for hot paths.
/// </summary>
public static class ConfigurationSnapshot
{
    /// <summary>Reads the configuration and the EMCC check context from <paramref name="db"/>.</summary>
    public static async Task<(ProvisioningDocument Configuration, EmccCheckContext Context)> LoadAsync(EmxDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var doc = new ProvisioningDocument
        {
            Cluster = await SettingsSections.ReadAsync<ClusterSettings>(db, cancellationToken),
            ServiceParameters = new ServiceParametersSection
            {
                ExtensionMobility = await SettingsSections.ReadAsync<ExtensionMobilityServiceParameters>(db, cancellationToken),
            },
            CredentialPolicy = await SettingsSections.ReadAsync<CredentialPolicy>(db, cancellationToken),
            EmccFeatureConfiguration = await SettingsSections.ReadAsync<EmccFeatureConfiguration>(db, cancellationToken),
            InterclusterServiceProfile = await SettingsSections.ReadAsync<InterclusterServiceProfile>(db, cancellationToken),
            IlsConfiguration = await SettingsSections.ReadAsync<IlsConfiguration>(db, cancellationToken),
            AccessControlGroups = await ListAsync<AccessControlGroup>(db, cancellationToken),
            Partitions = await ListAsync<Partition>(db, cancellationToken),
            CallingSearchSpaces = await ListAsync<CallingSearchSpace>(db, cancellationToken),
            Geolocations = await ListAsync<Geolocation>(db, cancellationToken),
            GeolocationFilters = await ListAsync<GeolocationFilter>(db, cancellationToken),
            Locations = await ListAsync<Location>(db, cancellationToken),
            Regions = await ListAsync<Region>(db, cancellationToken),
            DevicePools = await ListAsync<DevicePool>(db, cancellationToken),
            SipTrunks = await ListAsync<SipTrunk>(db, cancellationToken),
            RouteGroups = await ListAsync<RouteGroup>(db, cancellationToken),
            RouteLists = await ListAsync<RouteList>(db, cancellationToken),
            RoutePatterns = await ListAsync<RoutePattern>(db, cancellationToken),
            PhoneModels = await ListAsync<PhoneModel>(db, cancellationToken),
            DeviceSecurityProfiles = await ListAsync<DeviceSecurityProfile>(db, cancellationToken),
            CommonDeviceConfigurations = await ListAsync<CommonDeviceConfiguration>(db, cancellationToken),
            PhoneServices = await ListAsync<PhoneService>(db, cancellationToken),
            DeviceProfiles = await ListAsync<DeviceProfile>(db, cancellationToken),
            EndUsers = await ListAsync<EndUser>(db, cancellationToken),
            ApplicationUsers = await ListAsync<ApplicationUser>(db, cancellationToken),
            Phones = await ListAsync<Phone>(db, cancellationToken),
            EmccTemplates = await ListAsync<EmccTemplate>(db, cancellationToken),
            RemoteClusters = await ListAsync<RemoteCluster>(db, cancellationToken),
        };

        var context = new EmccCheckContext
        {
            Nodes = await db.Nodes.AsNoTracking().OrderBy(n => n.Name).ToListAsync(cancellationToken),
            EmccDeviceCount = await db.Config<EmccDevice>().CountAsync(cancellationToken),
            Certificates = await CertificatesAsync(db, cancellationToken),
            RemoteClusterStatuses = await db.RemoteClusterStatuses.AsNoTracking().ToListAsync(cancellationToken),
            Jobs = await db.Jobs.AsNoTracking().Where(j => EmccJobTypes.All.Contains(j.Type)).OrderByDescending(j => j.Id).Take(200).ToListAsync(cancellationToken),
        };
        return (doc, context);
    }

    /// <summary>Bulk Certificate Management's records, without the certificates' bytes.</summary>
    private static async Task<EmccCertificateFacts> CertificatesAsync(EmxDbContext db, CancellationToken cancellationToken)
    {
        var settings = await SettingsSections.ReadAsync<BulkCertificateManagement>(db, cancellationToken);
        var current = await db.NodeCertificates.AsNoTracking()
            .Select(c => new NodeCertificate { Node = c.Node, Purpose = c.Purpose, Thumbprint = c.Thumbprint, Subject = c.Subject })
            .ToListAsync(cancellationToken);
        var exports = await db.CertificateExports.AsNoTracking().ToListAsync(cancellationToken);
        var trusted = await db.TrustedCertificates.AsNoTracking()
            .Select(t => new TrustedCertificate { Id = t.Id, Store = t.Store, Thumbprint = t.Thumbprint, SourceCluster = t.SourceCluster, SourceNode = t.SourceNode, SourcePurpose = t.SourcePurpose, Imported = t.Imported })
            .ToListAsync(cancellationToken);
        return new EmccCertificateFacts { SharedLocationConfigured = !string.IsNullOrEmpty(settings.Directory), Current = current, Exports = exports, Trusted = trusted };
    }

    private static Task<List<T>> ListAsync<T>(EmxDbContext db, CancellationToken cancellationToken)
        where T : class, IConfigObject => db.Config<T>().AsNoTracking().ToListAsync(cancellationToken);
}
