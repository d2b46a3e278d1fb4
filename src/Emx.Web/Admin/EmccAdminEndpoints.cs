using Emx.Cluster.Configuration;
using Emx.Cluster.Provisioning;
using Emx.Domain.Configuration;
using Emx.Domain.Emcc;
using Emx.Domain.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Emx.Web.Admin;

/// <summary>
/// EMCC reports of the admin API: the checklist of the seed's EMCC configuration task flow (what <c>emx emcc check</c>
/// prints) and the Intercluster Service Profile validation report the administrator reads before saving the profile.
/// </summary>
internal static class EmccAdminEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        RemoteClusterEndpoints.Map(api);
        api.MapGet("/emcc/checklist", async (IEmxDbContextFactory contexts, CancellationToken ct) =>
        {
            await using var db = contexts.Create();
            var (configuration, context) = await ConfigurationSnapshot.LoadAsync(db, ct);
            return Results.Ok(EmccChecklist.Report(configuration, context));
        }).WithTags("Reports").WithName("EmccChecklist").Produces<EmccChecklistReport>();

        // Seed, "Configure an Intercluster Service Profile": "If no failure messages appear in the popup window, click
        // Save." The body is the profile about to be saved; an empty body validates the stored one. Nothing is written.
        api.MapPost("/settings/interclusterServiceProfile/validate", async (HttpRequest request, IEmxDbContextFactory contexts, CancellationToken ct) =>
        {
            var body = await AdminApiEndpoints.ReadBodyAsync(request, ct);
            InterclusterServiceProfile? proposed = null;
            if (!string.IsNullOrWhiteSpace(body))
            {
                var errors = new List<ConfigError>();
                proposed = ConfigSerializer.ReadJson<InterclusterServiceProfile>(body, "body", errors);
                if (proposed is null)
                {
                    return AdminApiEndpoints.Rejected(errors.Count > 0 ? errors : [new ConfigError("interclusterServiceProfile", "", "", "the body is not a profile")]);
                }
            }

            await using var db = contexts.Create();
            var (configuration, context) = await ConfigurationSnapshot.LoadAsync(db, ct);
            var profile = proposed ?? configuration.InterclusterServiceProfile ?? new InterclusterServiceProfile();
            return Results.Ok(InterclusterServiceProfileValidation.Validate(profile, configuration, context));
        }).WithTags("Settings").WithName("ValidateInterclusterServiceProfile")
            .Accepts<InterclusterServiceProfile>("application/json").Produces<InterclusterServiceProfileReport>().ProducesProblem(StatusCodes.Status400BadRequest);
    }
}
