using Emx.Cluster.Configuration;
using Emx.Cluster.Provisioning;
using Emx.Domain.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Emx.Web;

/// <summary>Health of one node: identity, version, database, service activation.</summary>
public sealed record HealthReport
{
    public required string Status { get; init; }

    public required string Node { get; init; }

    public required string ClusterId { get; init; }

    /// <summary>emx version.</summary>
    public required string Version { get; init; }

    /// <summary>Product version this cluster reports to other clusters.</summary>
    public required string ProductVersion { get; init; }

    public required string DatabaseProvider { get; init; }

    /// <summary>Whether the database answered.</summary>
    public required bool DatabaseReachable { get; init; }

    /// <summary>Each service and whether it is activated on this node.</summary>
    public required IReadOnlyList<ServiceActivation> Services { get; init; }
}

/// <summary>A service's activation state on a node.</summary>
public sealed record ServiceActivation(string Service, bool Activated);

internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (EmxConfigFile config, Cluster.Provisioning.IEmxDbContextFactory contexts, CancellationToken ct) =>
        {
            var reachable = true;
            ClusterSettings cluster;
            try
            {
                await using var db = contexts.Create();
                cluster = await SettingsSections.ReadAsync<ClusterSettings>(db, ct);
            }
            catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
            {
                reachable = false;
                cluster = config.Cluster ?? new ClusterSettings();
            }

            var report = new HealthReport
            {
                Status = reachable ? "ok" : "degraded",
                Node = config.Node.Name,
                ClusterId = cluster.Id,
                Version = EmxNode.Version,
                ProductVersion = cluster.Version,
                DatabaseProvider = config.Database.Provider.ToString().ToLowerInvariant(),
                DatabaseReachable = reachable,
                Services = Enum.GetValues<NodeService>().Select(s => new ServiceActivation(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(s.ToString()), config.Node.Services.Contains(s))).ToList(),
            };
            return reachable ? Results.Ok(report) : Results.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).WithName("Health").WithTags("Health").AllowAnonymous();
    }
}
