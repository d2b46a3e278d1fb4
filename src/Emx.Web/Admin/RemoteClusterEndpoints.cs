using Emx.Cluster.Emcc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Emx.Web.Admin;

/// <summary>
/// The Remote Cluster window's runtime side: each remote cluster's status as the remote cluster update learnt it, and
/// Update Remote Cluster Now (seed "Visiting Device Login Limitations").
/// </summary>
internal static class RemoteClusterEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        // A literal segment outranks the remoteClusters/{key} route of the configuration API.
        api.MapGet("/remoteClusters/status", async (RemoteClusterUpdater updater, CancellationToken ct) =>
            Results.Ok(await updater.StatesAsync(ct)))
            .WithTags("remoteClusters").WithName("RemoteClusterStatuses").Produces<IReadOnlyList<RemoteClusterState>>();

        api.MapPost("/remoteClusters/{clusterId}/update", async (string clusterId, RemoteClusterUpdater updater, CancellationToken ct) =>
            await updater.UpdateAsync(clusterId, ct) is { } state
                ? Results.Ok(state)
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"remoteClusters '{clusterId}' does not exist"))
            .WithTags("remoteClusters").WithName("UpdateRemoteClusterNow").Produces<RemoteClusterState>().ProducesProblem(StatusCodes.Status404NotFound);
    }
}
