using System.Globalization;
using Emx.Domain.Configuration;

namespace Emx.Domain.Emcc;

/// <summary>The outcome of one line of the intercluster service profile validation report.</summary>
public enum ServiceProfileCheckStatus
{
    /// <summary>The prerequisite is in place.</summary>
    Success,

    /// <summary>The prerequisite is missing or wrong; the seed says not to save while a failure shows.</summary>
    Failure,

    /// <summary>The service is not active, and nothing requires it to be.</summary>
    NotActive,
}

/// <summary>One line of the validation report.</summary>
/// <param name="Service">EMCC, PSTN Access or RSVP Agent: the service of the profile the line belongs to.</param>
/// <param name="Check">What was checked, named as the administration windows name it.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Detail">The value found, or what is wrong and where to fix it.</param>
public sealed record ServiceProfileCheck(string Service, string Check, ServiceProfileCheckStatus Status, string Detail);

/// <summary>The validation report the administrator sees before saving an EMCC Intercluster Service Profile.</summary>
/// <param name="Checks">Every line, EMCC first, then PSTN Access, then RSVP Agent.</param>
public sealed record InterclusterServiceProfileReport(IReadOnlyList<ServiceProfileCheck> Checks)
{
    /// <summary>Seed: "If no failure messages appear in the popup window, click Save."</summary>
    public bool CanSave => Checks.All(c => c.Status != ServiceProfileCheckStatus.Failure);

    /// <summary>The failed lines.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<ServiceProfileCheck> Failures => Checks.Where(c => c.Status == ServiceProfileCheckStatus.Failure);
}

/// <summary>
/// The "Validate" of the EMCC Intercluster Service Profile window. The seed: "Configure the intercluster service profile
/// to activate extension mobility cross cluster. The profile collects all the configuration that precedes and provides a
/// results report." So the report checks the profile's own services and trunks and the earlier task-flow steps it
/// depends on: the EMCC feature parameters (TFTP servers, geolocation filter, remote cluster update servers), the
/// default EMCC template and the EMCC devices. Rules and error numbers come from seed tables 2, 8 and 9 and reference
/// section 3.4.
/// </summary>
public static class InterclusterServiceProfileValidation
{
    public const string Emcc = "EMCC";
    public const string PstnAccess = "PSTN Access";
    public const string RsvpAgent = "RSVP Agent";

    /// <summary>Validates <paramref name="profile"/> (proposed or stored) against the rest of the configuration.</summary>
    public static InterclusterServiceProfileReport Validate(InterclusterServiceProfile profile, ProvisioningDocument configuration, EmccCheckContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(configuration);
        context ??= new EmccCheckContext();
        var checks = new List<ServiceProfileCheck>();
        var feature = configuration.EmccFeatureConfiguration ?? new EmccFeatureConfiguration();

        if (!profile.Emcc)
        {
            // Seed table 8, 201: "this error can occur if "EMCC" is not activated on the Intercluster Service Profile window".
            checks.Add(new(Emcc, "EMCC Active", ServiceProfileCheckStatus.NotActive,
                "EMCC is not active: EMCC logins of this cluster's users are refused (201)"));
        }
        else
        {
            checks.Add(new(Emcc, "EMCC Active", ServiceProfileCheckStatus.Success, "EMCC is active"));
            checks.Add(Server(Emcc, "Default TFTP Server for EMCC Login Device", feature.DefaultTftpServerForEmccLoginDevice, required: true,
                NodeService.Tftp, " (login would fail with 39)", context));
            if (!string.IsNullOrEmpty(feature.BackupTftpServerForEmccLoginDevice))
            {
                checks.Add(Server(Emcc, "Backup TFTP Server for EMCC Login Device", feature.BackupTftpServerForEmccLoginDevice, required: false,
                    NodeService.Tftp, " (login would fail with 39)", context));
            }

            checks.Add(GeolocationFilter(feature, configuration));
            checks.Add(Server(Emcc, "Default Server For Remote Cluster Update", feature.DefaultServerForRemoteClusterUpdate, required: true,
                NodeService.ExtensionMobility, " (remote clusters cannot query this cluster)", context));
            if (!string.IsNullOrEmpty(feature.BackupServerForRemoteClusterUpdate))
            {
                checks.Add(Server(Emcc, "Backup Server for Remote Cluster Update", feature.BackupServerForRemoteClusterUpdate, required: false,
                    NodeService.ExtensionMobility, "", context));
            }

            var defaults = configuration.EmccTemplates.Where(t => t.Default).Select(t => t.Name).ToList();
            checks.Add(defaults.Count == 1
                ? new(Emcc, "Default EMCC Template", ServiceProfileCheckStatus.Success, defaults[0])
                : new(Emcc, "Default EMCC Template", ServiceProfileCheckStatus.Failure, defaults.Count == 0
                    ? "no default EMCC template is set (Bulk Administration > EMCC > Insert/Update EMCC)"
                    : $"more than one default EMCC template ({string.Join(", ", defaults)})"));

            var devices = context.EmccDeviceCount ?? configuration.EmccDevices?.Count ?? 0;
            checks.Add(devices > 0
                ? new(Emcc, "EMCC Devices", ServiceProfileCheckStatus.Success, string.Create(CultureInfo.InvariantCulture, $"EMCC devices in database: {devices}"))
                : new(Emcc, "EMCC Devices", ServiceProfileCheckStatus.Failure, "no EMCC device inserted (EMCC logins fail with 33)"));
        }

        // Seed table 8, 211 (EMCC Not Activated): "Occurs when the PSTN is not activated in the Intercluster Service
        // Profile window of the visiting cluster." EMCC therefore needs PSTN Access; RSVP Agent is optional.
        checks.Add(TrunkService(PstnAccess, profile.PstnAccess, profile.Emcc, requiredWithEmcc: true, configuration));
        checks.Add(TrunkService(RsvpAgent, profile.RsvpAgent, profile.Emcc, requiredWithEmcc: false, configuration));
        return new InterclusterServiceProfileReport(checks);
    }

    private static ServiceProfileCheck Server(string service, string parameter, string? server, bool required, NodeService nodeService, string consequence, EmccCheckContext context)
    {
        if (string.IsNullOrEmpty(server))
        {
            return new(service, parameter, required ? ServiceProfileCheckStatus.Failure : ServiceProfileCheckStatus.Success,
                required ? $"{parameter} is not set in EMCC Feature Configuration{consequence}" : "not set");
        }

        return EmccFacts.NodeProblem(context.Nodes, parameter, server, nodeService) is { } problem
            ? new(service, parameter, ServiceProfileCheckStatus.Failure, problem + consequence)
            : new(service, parameter, ServiceProfileCheckStatus.Success, server);
    }

    private static ServiceProfileCheck GeolocationFilter(EmccFeatureConfiguration feature, ProvisioningDocument configuration)
    {
        const string check = "EMCC Geolocation Filter";
        if (string.IsNullOrEmpty(feature.EmccGeolocationFilter))
        {
            return new(Emcc, check, ServiceProfileCheckStatus.Failure,
                "EMCC Geolocation Filter is not set in EMCC Feature Configuration (no roaming device pool can be chosen for EMCC phones)");
        }

        return configuration.GeolocationFilters.Any(f => f.Name == feature.EmccGeolocationFilter)
            ? new(Emcc, check, ServiceProfileCheckStatus.Success, feature.EmccGeolocationFilter)
            : new(Emcc, check, ServiceProfileCheckStatus.Failure, $"EMCC Geolocation Filter '{feature.EmccGeolocationFilter}' does not exist");
    }

    private static ServiceProfileCheck TrunkService(string service, InterclusterTrunkService settings, bool emccActive, bool requiredWithEmcc, ProvisioningDocument configuration)
    {
        var trunkField = service + " SIP Trunk";
        if (!settings.Active)
        {
            return emccActive && requiredWithEmcc
                ? new(service, service + " Active", ServiceProfileCheckStatus.Failure,
                    $"EMCC is active but {service} is not (visiting clusters answer 211, EMCC Not Activated)")
                : new(service, service + " Active", ServiceProfileCheckStatus.NotActive, service == RsvpAgent
                    ? "RSVP Agent is not active: EMCC calls get no RSVP-based call admission control"
                    : $"{service} is not active");
        }

        if (!emccActive)
        {
            return new(service, service + " Active", ServiceProfileCheckStatus.Failure, $"{service} is active but EMCC is not");
        }

        if (string.IsNullOrEmpty(settings.SipTrunk))
        {
            return new(service, trunkField, ServiceProfileCheckStatus.Failure, $"{service} is active but no {trunkField} is selected");
        }

        var trunk = configuration.SipTrunks.FirstOrDefault(t => t.Name == settings.SipTrunk);
        if (trunk is null)
        {
            return new(service, trunkField, ServiceProfileCheckStatus.Failure, $"{trunkField} '{settings.SipTrunk}' does not exist");
        }

        return trunk.ServiceType == TrunkServiceType.ExtensionMobilityCrossClusters
            ? new(service, trunkField, ServiceProfileCheckStatus.Success, trunk.Name)
            : new(service, trunkField, ServiceProfileCheckStatus.Failure, WrongTrunkType(trunk));
    }

    /// <summary>The finding for a trunk selected for EMCC whose Trunk Service Type is not Extension Mobility Cross Clusters.</summary>
    internal static string WrongTrunkType(SipTrunk trunk) =>
        $"EMCC SIP trunk '{trunk.Name}' has Trunk Service Type {EmccFacts.TrunkServiceTypeName(trunk.ServiceType)}; it must be Extension Mobility Cross Clusters";
}
