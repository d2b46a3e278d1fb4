using System.Security.Claims;
using System.Text;
using Emx.Cluster.Configuration;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Domain.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Emx.Web.Admin;

/// <summary>A page of objects.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int Offset, int Limit);

/// <summary>What an apply did.</summary>
public sealed record ApplySummary(int Created, int Updated, int Unchanged, int EmccDevicesInserted);

/// <summary>
/// The versioned admin REST API (/api/v1): every provisionable kind by natural key (list, read, create, upsert,
/// delete), the settings sections, whole provisioning documents, jobs, audit, nodes and the phone feature list.
/// Every change goes through <see cref="ProvisioningService"/>: the same validation and the same transaction as a file.
/// </summary>
internal static class AdminApiEndpoints
{
    private const int MaxPageSize = 1000;

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(p => p.RequireAuthenticatedUser().RequireAssertion(
            c => !c.User.HasClaim("emx:noAdminRights", "true")));

        foreach (var kind in ConfigKinds.All)
        {
            typeof(AdminApiEndpoints).GetMethod(nameof(MapKind), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(kind.Type).Invoke(null, [api, kind]);
        }

        api.MapGet("/kinds", () => Results.Ok(new
        {
            kinds = ConfigKinds.All.Select(k => k.Name),
            settings = SettingsSections.Names.Values,
        })).WithTags("Meta");

        EmccAdminEndpoints.Map(api);
        MapSettings(api);
        MapProvision(api);
        MapOperations(api);
        CertificateEndpoints.Map(api);
    }

    private static void MapKind<T>(RouteGroupBuilder api, ConfigKind<T> kind)
        where T : class, IConfigObject
    {
        var group = api.MapGroup("/" + kind.Name).WithTags(kind.Name);
        group.MapGet("/", async (IEmxDbContextFactory contexts, int? offset, int? limit, CancellationToken ct) =>
        {
            var skip = Math.Max(offset ?? 0, 0);
            var take = Math.Clamp(limit ?? 100, 1, MaxPageSize);
            await using var db = contexts.Create();
            var query = OrderByKey(db, db.Config<T>().AsNoTracking());
            var total = await query.CountAsync(ct);
            var items = await query.Skip(skip).Take(take).ToListAsync(ct);
            return Results.Ok(new Page<T>(items.Select(Present).ToList(), total, skip, take));
        }).WithName($"List_{kind.Name}").Produces<Page<T>>();

        group.MapGet("/{key}", async (string key, IEmxDbContextFactory contexts, CancellationToken ct) =>
        {
            await using var db = contexts.Create();
            var item = await FindAsync<T>(db, key, ct);
            return item is null ? NotFound(kind, key) : Results.Ok(Present(item));
        }).WithName($"Get_{kind.Name}").Produces<T>().ProducesProblem(StatusCodes.Status404NotFound);

        group.MapDelete("/{key}", async (string key, ProvisioningService provisioning, ClaimsPrincipal user, CancellationToken ct) =>
        {
            key = NormalizeKey<T>(key);
            var errors = await provisioning.DeleteAsync(kind, key, Actor(user), ct);
            return errors switch
            {
                null => NotFound(kind, key),
                { Count: 0 } => Results.NoContent(),
                _ => Rejected(errors, StatusCodes.Status409Conflict, "The object is still in use"),
            };
        }).WithName($"Delete_{kind.Name}").ProducesProblem(StatusCodes.Status409Conflict);

        if (typeof(T) == typeof(EmccDevice))
        {
            // EMCC devices are created by Insert EMCC Devices, not one by one (seed: Add Extension Mobility Cross Cluster Devices).
            group.MapPost("/insert", async (HttpRequest request, ProvisioningService provisioning, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var errors = new List<ConfigError>();
                var insertion = ConfigSerializer.ReadJson<EmccDeviceInsertion>(await ReadBodyAsync(request, ct), "body", errors);
                if (insertion is null)
                {
                    return Rejected(errors);
                }

                return ToResult(await provisioning.ApplyAsync(new ProvisioningDocument { EmccDevices = insertion }, Actor(user), ct));
            }).WithName("Insert_emccDevices").Accepts<EmccDeviceInsertion>("application/json").Produces<ApplySummary>();
            return;
        }

        group.MapPost("/", async (HttpRequest request, IEmxDbContextFactory contexts, ProvisioningService provisioning, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var errors = new List<ConfigError>();
            var body = await ReadBodyAsync(request, ct);
            var item = ConfigSerializer.ReadJson<T>(body, "body", errors);
            if (item is null)
            {
                return Rejected(errors);
            }

            await using (var db = contexts.Create())
            {
                if (await FindAsync<T>(db, Normalized(item).Key, ct) is not null)
                {
                    return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already exists",
                        detail: $"{kind.Name} '{item.Key}' already exists; use PUT /api/v1/{kind.Name}/{{key}} to change it");
                }

                if (item is RemoteCluster added)
                {
                    // Enable All Remote Cluster Services When Adding A New Remote Cluster: services the body leaves out start enabled.
                    Cluster.Emcc.RemoteClusterDefaults.ApplyToNew(added, body, await SettingsSections.ReadAsync<EmccFeatureConfiguration>(db, ct));
                }
            }

            var result = await provisioning.ApplyAsync(ProvisioningDocument.With(item), Actor(user), ct);
            return result.Succeeded ? Results.Created($"/api/v1/{kind.Name}/{Uri.EscapeDataString(item.Key)}", Present(item)) : Rejected(result.Errors);
        }).WithName($"Create_{kind.Name}").Accepts<T>("application/json").Produces<T>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);

        group.MapPut("/{key}", async (string key, HttpRequest request, ProvisioningService provisioning, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var errors = new List<ConfigError>();
            var item = ConfigSerializer.ReadJson<T>(await ReadBodyAsync(request, ct), "body", errors);
            if (item is null)
            {
                return Rejected(errors);
            }

            key = NormalizeKey<T>(key);
            if (Normalized(item).Key != key)
            {
                return Rejected([new ConfigError(kind.Name, key, KeyField(item), $"the body names '{item.Key}' but the URL names '{key}'; renaming is done by creating the new object and deleting the old")]);
            }

            var result = await provisioning.ApplyAsync(ProvisioningDocument.With(item), Actor(user), ct);
            return result.Succeeded ? Results.Ok(Present(item)) : Rejected(result.Errors);
        }).WithName($"Upsert_{kind.Name}").Accepts<T>("application/json").Produces<T>().ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static void MapSettings(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/settings").WithTags("Settings");
        group.MapGet("/", async (IEmxDbContextFactory contexts, CancellationToken ct) =>
        {
            await using var db = contexts.Create();
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var (type, name) in SettingsSections.Names)
            {
                result[name] = await SettingsSections.ReadAsync(db, type, ct);
            }

            return Results.Ok(result);
        }).WithName("ListSettings");

        group.MapGet("/{section}", async (string section, IEmxDbContextFactory contexts, CancellationToken ct) =>
        {
            if (!SettingsSections.Types.TryGetValue(section, out var type))
            {
                return UnknownSection(section);
            }

            await using var db = contexts.Create();
            return Results.Ok((object)await SettingsSections.ReadAsync(db, type, ct));
        }).WithName("GetSettings");

        group.MapPut("/{section}", async (string section, HttpRequest request, ProvisioningService provisioning, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (!SettingsSections.Types.TryGetValue(section, out var type))
            {
                return UnknownSection(section);
            }

            var errors = new List<ConfigError>();
            var body = await ReadBodyAsync(request, ct);
            ISettingsSection? value = null;
            try
            {
                value = (ISettingsSection?)System.Text.Json.JsonSerializer.Deserialize(body, type, ConfigSerializer.Json);
            }
            catch (System.Text.Json.JsonException ex)
            {
                errors.Add(new ConfigError(section, "", ex.Path ?? "", ex.Message.Split(Environment.NewLine)[0]));
            }

            if (value is null)
            {
                return Rejected(errors.Count > 0 ? errors : [new ConfigError(section, "", "", "the body is empty")]);
            }

            var result = await provisioning.ApplyAsync(ProvisioningDocument.With(value), Actor(user), ct);
            return result.Succeeded ? Results.Ok((object)value) : Rejected(result.Errors);
        }).WithName("PutSettings");
    }

    private static void MapProvision(RouteGroupBuilder api)
    {
        api.MapPost("/provision", async (HttpRequest request, ProvisioningService provisioning, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var errors = new List<ConfigError>();
            var document = ConfigSerializer.ReadYaml<ProvisioningDocument>(await ReadBodyAsync(request, ct), "body", errors);
            if (document is null)
            {
                return Rejected(errors.Count > 0 ? errors : [new ConfigError("document", "body", "", "the document is empty")]);
            }

            return ToResult(await provisioning.ApplyAsync(document, Actor(user), ct));
        }).WithTags("Provisioning").WithName("Provision")
            .Accepts<ProvisioningDocument>("application/yaml", "application/json")
            .Produces<ApplySummary>().ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static void MapOperations(RouteGroupBuilder api)
    {
        api.MapGet("/jobs", async (IEmxDbContextFactory contexts, CancellationToken ct) =>
        {
            await using var db = contexts.Create();
            return Results.Ok(await db.Jobs.AsNoTracking().OrderByDescending(j => j.Id).Take(200).ToListAsync(ct));
        }).WithTags("Operations").WithName("Jobs").Produces<List<Job>>();

        api.MapGet("/audit", async (IEmxDbContextFactory contexts, int? limit, CancellationToken ct) =>
        {
            await using var db = contexts.Create();
            var take = Math.Clamp(limit ?? 100, 1, MaxPageSize);
            return Results.Ok(await db.AuditLog.AsNoTracking().OrderByDescending(a => a.Id).Take(take).ToListAsync(ct));
        }).WithTags("Operations").WithName("Audit").Produces<List<AuditEntry>>();

        api.MapGet("/nodes", async (IEmxDbContextFactory contexts, CancellationToken ct) =>
        {
            await using var db = contexts.Create();
            return Results.Ok(await db.Nodes.AsNoTracking().OrderBy(n => n.Name).ToListAsync(ct));
        }).WithTags("Operations").WithName("Nodes").Produces<List<ClusterNode>>();

        // RTMT's Extension Mobility object: Requests In Progress, Requests Throttled, and the rest.
        api.MapGet("/counters/callControl", (Cluster.CallControl.CallCounters counters) => Results.Ok(counters.Snapshot()))
            .WithTags("Operations").WithName("CallControlCounters").Produces<Cluster.CallControl.CallCounterSnapshot>();
        api.MapGet("/trunks/status", (Cluster.CallControl.TrunkMonitor trunks) => Results.Ok(trunks.States))
            .WithTags("Operations").WithName("TrunkStatus").Produces<IReadOnlyList<Cluster.CallControl.TrunkState>>();
        api.MapGet("/trunks/rsvp", (Cluster.CallControl.Rsvp.EmccRsvpAgent rsvp) => Results.Ok(rsvp.Trunks))
            .WithTags("Operations").WithName("RsvpTrunkStatus").Produces<IReadOnlyList<Cluster.CallControl.Rsvp.RsvpTrunkState>>();
        api.MapGet("/counters/extensionMobility", (Cluster.ExtensionMobility.EmCounters counters) => Results.Ok(counters.Snapshot()))
            .WithTags("Operations").WithName("ExtensionMobilityCounters").Produces<Cluster.ExtensionMobility.EmCounterSnapshot>();

        // The Phone Configuration window's Log Out button: an EM login here is logged out (the phone restarts); an EMCC
        // login of a visiting phone only has its record cleaned here, and the phone stays registered at home until it is
        // reset or logged out there (seed: Visiting Device Logout Limitations).
        api.MapPost("/phones/{name}/logout", async (
            string name, Cluster.ExtensionMobility.ExtensionMobilityService em, Cluster.Emcc.EmccService emcc, IEmxDbContextFactory contexts, ClaimsPrincipal user, CancellationToken ct) =>
        {
            await using (var db = contexts.Create())
            {
                if (await db.EmccSessions.AsNoTracking().FirstOrDefaultAsync(s => s.DeviceName == name, ct) is { } session)
                {
                    var ended = session.Side == EmccSide.Visiting
                        ? await emcc.VisitingAdminLogoutAsync(name, Actor(user), ct)
                        : await emcc.HomeLogoutAsync(name, "administrator logout", ct);
                    return Results.Ok(new { device = name, emcc = session.Side.ToString(), user = session.UserId, result = ended.Detail });
                }
            }

            var context = new Cluster.ExtensionMobility.EmRequestContext { RequestNumber = em.NextRequestNumber(), Channel = Cluster.ExtensionMobility.EmChannel.System, Actor = Actor(user), HasProxyRights = true };
            var outcome = await em.LogoutAsync(name, context, ct, "administrator logout");
            return outcome.Rejection is { } rejection
                ? Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not logged in", detail: $"{name}: {rejection}")
                : Results.Ok(new { device = name, emcc = (string?)null, result = "logged out" });
        }).WithTags("Operations").WithName("PhoneLogout");

        api.MapGet("/deviceEvents", async (IEmxDbContextFactory contexts, string? device, int? limit, CancellationToken ct) =>
        {
            await using var db = contexts.Create();
            var query = db.DeviceEvents.AsNoTracking();
            if (device is not null)
            {
                query = query.Where(e => e.DeviceName == device);
            }

            return Results.Ok(await query.OrderByDescending(e => e.Id).Take(Math.Clamp(limit ?? 100, 1, MaxPageSize)).ToListAsync(ct));
        }).WithTags("Operations").WithName("DeviceEvents").Produces<List<DeviceEvent>>();

        // Seed task flow step 1: Generate a Phone Feature List (Cisco Unified Reporting > Unified CM Phone Feature List).
        api.MapGet("/reports/phoneFeatureList", async (IEmxDbContextFactory contexts, string? feature, CancellationToken ct) =>
        {
            PhoneFeature? wanted = null;
            if (feature is not null)
            {
                if (!Enum.TryParse<PhoneFeature>(feature, ignoreCase: true, out var parsed))
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown feature",
                        detail: $"feature must be one of {string.Join(", ", Enum.GetNames<PhoneFeature>())}");
                }

                wanted = parsed;
            }

            await using var db = contexts.Create();
            var models = await db.Config<PhoneModel>().AsNoTracking().ToListAsync(ct);
            var phonesPerModel = await db.Config<Phone>().AsNoTracking().GroupBy(p => p.Model).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
            var rows = models.Where(m => wanted is null || m.Supports(wanted.Value)).OrderBy(m => m.Name, StringComparer.Ordinal)
                .Select(m => new PhoneFeatureRow(m.Name, m.Protocols, m.Features, phonesPerModel.FirstOrDefault(p => p.Key == m.Name)?.Count ?? 0))
                .ToList();
            return Results.Ok(rows);
        }).WithTags("Reports").WithName("PhoneFeatureList").Produces<List<PhoneFeatureRow>>();
    }

    private static IQueryable<T> OrderByKey<T>(EmxDbContext db, IQueryable<T> query)
        where T : class
    {
        if (query is IQueryable<EmccDevice> devices)
        {
            return (IQueryable<T>)devices.OrderBy(d => d.Number);
        }

        var key = db.Model.FindEntityType(typeof(T))!.FindPrimaryKey()!.Properties;
        IOrderedQueryable<T> ordered = query.OrderBy(e => EF.Property<object>(e, key[0].Name));
        foreach (var property in key.Skip(1))
        {
            ordered = ordered.ThenBy(e => EF.Property<object>(e, property.Name));
        }

        return ordered;
    }

    private static async Task<T?> FindAsync<T>(EmxDbContext db, string key, CancellationToken ct)
        where T : class, IConfigObject
    {
        if (typeof(T) == typeof(RoutePattern))
        {
            var at = key.LastIndexOf('@');
            return at < 0 ? null : await db.Set<T>().FindAsync([key[(at + 1)..], key[..at]], ct);
        }

        return await db.Set<T>().FindAsync([NormalizeKey<T>(key)], ct);
    }

    // Phone names are stored upper case (SEP + 12 hex); a lower-case name in a URL means the same phone.
    private static string NormalizeKey<T>(string key) => typeof(T) == typeof(Phone) ? DeviceNames.Normalize(key) : key;

    private static T Normalized<T>(T item)
        where T : IConfigObject
    {
        if (item is Phone phone)
        {
            phone.Name = DeviceNames.Normalize(phone.Name);
        }

        return item;
    }

    private static T Present<T>(T item)
        where T : IConfigObject
    {
        // Clear-text secrets never leave the server, even the ones just received.
        switch (item)
        {
            case EndUser user:
                user.Pin = null;
                user.Password = null;
                break;
            case ApplicationUser app:
                app.Password = null;
                break;
        }

        if (item is DeviceBase device)
        {
            device.Lines = [.. device.Lines.OrderBy(l => l.Button)];
        }

        return item;
    }

    private static string KeyField(IConfigObject item) => item switch
    {
        EndUser or ApplicationUser => "userId",
        RemoteCluster => "clusterId",
        RoutePattern => "pattern",
        _ => "name",
    };

    internal static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    /// <summary>Turns Kestrel's refusal of a body (too large, malformed framing) into its own status, not a 500.</summary>
    internal static async Task BodyLimits(HttpContext context, Func<Task> next)
    {
        try
        {
            await next();
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = ex.StatusCode;
            await Results.Problem(statusCode: ex.StatusCode, title: ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
                detail: $"{ex.Message} Nothing was written.").ExecuteAsync(context);
        }
    }

    private static string Actor(ClaimsPrincipal user) => "admin:" + (user.Identity?.Name ?? "?");

    private static IResult ToResult(ApplyResult result) => result.Succeeded
        ? Results.Ok(new ApplySummary(result.Created, result.Updated, result.Unchanged, result.EmccDevicesInserted))
        : Rejected(result.Errors);

    private static IResult NotFound(ConfigKind kind, string key) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"{kind.Name} '{key}' does not exist");

    private static IResult UnknownSection(string section) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown settings section",
            detail: $"'{section}' is not a settings section; sections are {string.Join(", ", SettingsSections.Names.Values)}");

    internal static IResult Rejected(IReadOnlyList<ConfigError> errors, int status = StatusCodes.Status400BadRequest, string title = "The configuration was rejected") =>
        Results.Problem(statusCode: status, title: title,
            detail: $"{errors.Count} error(s); nothing was written. {string.Join("; ", errors.Take(5))}",
            type: "https://emx.invalid/problems/configuration-rejected",
            extensions: new Dictionary<string, object?>
            {
                ["errors"] = errors.Select(e => new { kind = e.Kind, key = e.Key, field = e.Field, reason = e.Reason }).ToList(),
            });
}

/// <summary>One row of the Phone Feature List report.</summary>
public sealed record PhoneFeatureRow(string Model, IReadOnlyList<DeviceProtocol> Protocols, IReadOnlyList<PhoneFeature> Features, int Phones);
