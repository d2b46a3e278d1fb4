using System.Security.Claims;
using Emx.Cluster.Security;
using Emx.Domain.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Emx.Web.Admin;

/// <summary>
/// Certificate Management, the trust stores and Bulk Certificate Management (Cisco Unified OS Administration &gt;
/// Security) on the admin API. Private keys never leave a node's key store; nothing here returns one.
/// </summary>
internal static class CertificateEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var certificates = api.MapGroup("/certificates").WithTags("Certificates");
        certificates.MapGet("/", async (NodeCertificateService service, CancellationToken ct) => Results.Ok(await service.ListAsync(ct)))
            .WithName("ListCertificates").Produces<IReadOnlyList<NodeCertificateInfo>>();

        certificates.MapGet("/{node}/{type}", async (string node, string type, NodeCertificateService service, CancellationToken ct) =>
        {
            if (!TryParse<CertificatePurpose>(type, out var purpose))
            {
                return UnknownValue("certificate type", type, Enum.GetNames<CertificatePurpose>());
            }

            return await service.PemAsync(node, purpose, ct) is { } pem
                ? Results.Text(pem, "application/x-pem-file")
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"node '{node}' has no {type} certificate");
        }).WithName("GetCertificatePem");

        certificates.MapPost("/{node}/{type}/regenerate", async (string node, string type, NodeCertificateService service, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (!TryParse<CertificatePurpose>(type, out var purpose))
            {
                return UnknownValue("certificate type", type, Enum.GetNames<CertificatePurpose>());
            }

            var (certificate, refusal) = await service.RegenerateAsync(node, purpose, Actor(user), ct);
            return refusal switch
            {
                RegenerateRefusal.UnknownNode => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"node '{node}' does not exist"),
                RegenerateRefusal.OtherNode => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Another node",
                    detail: $"node '{node}' keeps its private keys on its own disk: send this request to its admin API (this is node '{service.NodeName}')"),
                _ => Results.Ok(certificate),
            };
        }).WithName("RegenerateCertificate").Produces<NodeCertificateInfo>();

        var trust = api.MapGroup("/trustStores").WithTags("Certificates");
        trust.MapGet("/", async (string? store, TrustStores stores, CancellationToken ct) =>
        {
            TrustStore? which = null;
            if (store is not null)
            {
                if (!TryParse<TrustStore>(store, out var parsed))
                {
                    return UnknownValue("trust store", store, Enum.GetNames<TrustStore>());
                }

                which = parsed;
            }

            return Results.Ok(await stores.ListAsync(which, ct));
        }).WithName("ListTrustStores").Produces<IReadOnlyList<TrustedCertificateInfo>>();

        trust.MapDelete("/{id:long}", async (long id, TrustStores stores, ClaimsPrincipal user, CancellationToken ct) =>
            await stores.DeleteAsync(id, Actor(user), ct)
                ? Results.NoContent()
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"no trust store entry {id}"))
            .WithName("DeleteTrustedCertificate");

        var bulk = api.MapGroup("/bulkCertificateManagement").WithTags("Certificates");
        bulk.MapGet("/status", async (BulkCertificateService service, CancellationToken ct) => Results.Ok(await service.StatusAsync(ct)))
            .WithName("BulkCertificateStatus").Produces<BulkCertificateStatus>();
        bulk.MapPost("/{operation}", async (string operation, string? type, BulkCertificateService service, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var certificateType = BulkCertificateType.All;
            if (type is not null && !TryParse(type, out certificateType))
            {
                return UnknownValue("certificate type", type, Enum.GetNames<BulkCertificateType>());
            }

            var actor = Actor(user);
            BulkCertificateResult? result = operation switch
            {
                "export" => await service.ExportAsync(certificateType, actor, ct),
                "consolidate" => await service.ConsolidateAsync(certificateType, actor, ct),
                "import" => await service.ImportAsync(certificateType, actor, ct),
                _ => null,
            };
            return result switch
            {
                null => UnknownValue("operation", operation, ["export", "consolidate", "import"]),
                { Succeeded: true } => Results.Ok(result),
                _ => Results.Problem(
                    statusCode: result.Error switch
                    {
                        BulkCertificateError.TransferFailed => StatusCodes.Status502BadGateway,
                        BulkCertificateError.InvalidFile => StatusCodes.Status422UnprocessableEntity,
                        _ => StatusCodes.Status409Conflict,
                    },
                    title: $"Bulk certificate {operation} failed",
                    detail: result.Message,
                    extensions: new Dictionary<string, object?> { ["error"] = result.Error.ToString(), ["jobId"] = result.JobId }),
            };
        }).WithName("BulkCertificateOperation").Produces<BulkCertificateResult>();
    }

    // Accepts the enum's name in any case, and CUCM's spelling with hyphens ("tomcat-trust", "Phone-SAST-trust").
    private static bool TryParse<T>(string text, out T value)
        where T : struct, Enum =>
        Enum.TryParse(text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out value)
        && Enum.IsDefined(value) && !text.All(char.IsAsciiDigit);

    private static IResult UnknownValue(string what, string text, IEnumerable<string> valid) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Unknown {what}", detail: $"'{text}' is not a {what}; valid: {string.Join(", ", valid)}");

    private static string Actor(ClaimsPrincipal user) => "admin:" + (user.Identity?.Name ?? "?");
}
