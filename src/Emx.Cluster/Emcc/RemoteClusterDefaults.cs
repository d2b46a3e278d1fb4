using System.Text.Json;
using Emx.Domain.Configuration;

namespace Emx.Cluster.Emcc;

/// <summary>
/// EMCC feature parameter Enable All Remote Cluster Services When Adding A New Remote Cluster (seed table 2): when
/// true, a remote cluster added through Add New (the admin API's <c>POST /api/v1/remoteClusters</c>) starts with
/// EMCC, PSTN Access and RSVP Agent enabled, as Cisco's Add New window starts with them checked. Only services the
/// request leaves out take the default; one it states keeps its value, so an administrator can still add a cluster
/// with a service off. TFTP stays off (the seed: it "should always be disabled" for EMCC). Provisioning files and
/// <c>PUT</c> state the whole object and are taken as written, so applying the same file twice gives the same result.
/// </summary>
public static class RemoteClusterDefaults
{
    /// <summary>Fills the services <paramref name="json"/> (the request body that produced <paramref name="cluster"/>) does not name.</summary>
    public static void ApplyToNew(RemoteCluster cluster, string json, EmccFeatureConfiguration feature)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(feature);
        if (!feature.EnableAllRemoteClusterServicesWhenAddingANewRemoteCluster)
        {
            return;
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        // The admin API reads JSON case-insensitively (JsonSerializerDefaults.Web), so a field is named in any case.
        var named = document.RootElement.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        cluster.Emcc |= !named.Contains(nameof(RemoteCluster.Emcc));
        cluster.PstnAccess |= !named.Contains(nameof(RemoteCluster.PstnAccess));
        cluster.RsvpAgent |= !named.Contains(nameof(RemoteCluster.RsvpAgent));
    }
}
