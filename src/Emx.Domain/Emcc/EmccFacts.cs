using System.Globalization;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;

namespace Emx.Domain.Emcc;

/// <summary>Names and lookups shared by the checklist and the intercluster service profile report.</summary>
internal static class EmccFacts
{
    /// <summary>The service's name in Cisco Unified Serviceability, Service Activation.</summary>
    public static string ServiceName(NodeService service) => service switch
    {
        NodeService.CallManager => "Cisco CallManager",
        NodeService.Tftp => "Cisco Tftp",
        NodeService.ExtensionMobility => "Cisco Extension Mobility",
        NodeService.BulkProvisioning => "Cisco Bulk Provisioning Service",
        NodeService.Ils => "Cisco Intercluster Lookup Service",
        _ => service.ToString(),
    };

    /// <summary>The Trunk Service Type as the Trunk Configuration window names it.</summary>
    public static string TrunkServiceTypeName(TrunkServiceType type) => type switch
    {
        TrunkServiceType.None => "None",
        TrunkServiceType.ExtensionMobilityCrossClusters => "Extension Mobility Cross Clusters",
        TrunkServiceType.CallControlDiscovery => "Call Control Discovery",
        TrunkServiceType.IntercompanyMediaEngine => "Intercompany Media Engine",
        TrunkServiceType.IpMultimediaSubsystem => "IP Multimedia Subsystem Service Control",
        _ => type.ToString(),
    };

    public static string LinkLossName(LinkLossType type) => type == LinkLossType.LowLoss ? "Low Loss" : "Lossy";

    /// <summary>
    /// The Extension Mobility phone service: the one whose URL points at EMApp (seed: "http://&lt;IP
    /// Address&gt;:8080/emapp/EMAppServlet?device=#DEVICENAME#&amp;EMCC=#EMCC#").
    /// </summary>
    public static bool IsExtensionMobilityService(PhoneService service) =>
        service.Url.Contains("EMAppServlet", StringComparison.OrdinalIgnoreCase)
        || (service.SecureUrl?.Contains("EMAppServlet", StringComparison.OrdinalIgnoreCase) ?? false);

    /// <summary>The node a feature parameter names: "Choose the computer name or IP address" (seed table 2).</summary>
    public static ClusterNode? FindNode(IReadOnlyList<ClusterNode> nodes, string server) =>
        nodes.FirstOrDefault(n => string.Equals(n.Name, server, StringComparison.OrdinalIgnoreCase)
            || string.Equals(n.Address, server, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Checks that a server-valued feature parameter names a node of this cluster with <paramref name="service"/> activated;
    /// null when it does (or when the nodes are unknown), else the reason.
    /// </summary>
    public static string? NodeProblem(IReadOnlyList<ClusterNode>? nodes, string parameter, string server, NodeService service)
    {
        if (nodes is null)
        {
            return null;
        }

        var node = FindNode(nodes, server);
        return node is null
            ? $"{parameter} '{server}' is not a node of this cluster"
            : node.Services.Contains(service) ? null : $"{parameter} '{server}' is node {node.Name}, where {ServiceName(service)} is not activated";
    }

    /// <summary>At most <paramref name="max"/> lines, then one saying how many more there are.</summary>
    public static IEnumerable<string> Capped(IReadOnlyList<string> lines, int max = 10) =>
        lines.Count <= max ? lines : lines.Take(max).Append(string.Create(CultureInfo.InvariantCulture, $"... and {lines.Count - max} more"));
}
