using System.Security.Cryptography.X509Certificates;
using Emx.Cluster.Security;
using Emx.Domain.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Emx.Web.Emcc;

/// <summary>The other cluster's node a mutually authenticated request came from (its tomcat-trust entry).</summary>
public sealed record TrustedPeer(string ClusterId, string? Node, string Thumbprint, string Subject);

/// <summary>
/// Inter-cluster endpoints accept only peers whose client certificate is in this cluster's tomcat-trust. The HTTPS
/// listener asks every client for a certificate without requiring one (phones and browsers go on working); this
/// filter is where trust is decided.
/// </summary>
public static class TrustedPeerEndpointExtensions
{
    private const string ItemKey = "emx.trustedPeer";

    /// <summary>
    /// Requires a client certificate trusted by tomcat-trust (same SHA-256 thumbprint, or issued by an entry) on an HTTPS
    /// connection; otherwise 403 problem details marked with <see cref="UntrustedPeerHeader"/> (the calling node's
    /// <see cref="InterClusterHttpClientFactory"/> turns that into <see cref="InterClusterTrustException"/>).
    /// </summary>
    public static TBuilder RequireTrustedPeer<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var (peer, reason) = await AuthenticatePeerAsync(http);
            return peer is not null ? await next(context) : Untrusted(http, reason);
        });
    }

    /// <summary>
    /// Decides whether the request comes from a trusted peer (HTTPS, a client certificate in tomcat-trust) and records
    /// it for <see cref="GetTrustedPeer"/>; returns the peer, or null and the reason.
    /// </summary>
    public static async Task<(TrustedPeer? Peer, string Reason)> AuthenticatePeerAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!http.Request.IsHttps)
        {
            return (null, "inter-cluster requests are HTTPS with a client certificate only");
        }

        var presented = http.Connection.ClientCertificate ?? await http.Connection.GetClientCertificateAsync(http.RequestAborted);
        var trust = await http.RequestServices.GetRequiredService<TrustStores>().GetAsync(http.RequestAborted);
        var decision = trust.Validate(presented, TrustStore.TomcatTrust);
        if (decision.Trusted && decision.Entry is { } entry && presented is not null)
        {
            var peer = new TrustedPeer(entry.SourceCluster, entry.SourceNode, NodeCertificates.Thumbprint(presented), presented.Subject);
            http.Items[ItemKey] = peer;
            return (peer, string.Empty);
        }

        return (null, decision.Reason);
    }

    /// <summary>The 403 an untrusted peer gets, marked so the calling node reports it as a trust failure (208).</summary>
    public static IResult Untrusted(HttpContext http, string reason)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers[UntrustedPeerHeader.Name] = UntrustedPeerHeader.Value;
        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Untrusted peer",
            detail: reason + ". Import this cluster's certificates with Bulk Certificate Management (export, consolidate, import).");
    }

    /// <summary>The trusted peer of a request that passed <see cref="RequireTrustedPeer{TBuilder}"/>, or null.</summary>
    public static TrustedPeer? GetTrustedPeer(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ItemKey, out var peer) ? peer as TrustedPeer : null;
    }
}

/// <summary>The inter-cluster surface of a node (mutual TLS only): today a probe; EMCC's EMService requests join it.</summary>
internal static class InterClusterEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/emcc/v1").RequireTrustedPeer().WithTags("Inter-cluster");
        group.MapGet("/ping", async (HttpContext http, Emx.Cluster.Provisioning.IEmxDbContextFactory contexts, Emx.Cluster.Configuration.EmxConfigFile config, CancellationToken ct) =>
        {
            await using var db = contexts.Create();
            var cluster = await Emx.Cluster.Provisioning.SettingsSections.ReadAsync<Emx.Domain.Configuration.ClusterSettings>(db, ct);
            var peer = http.GetTrustedPeer();
            return Results.Ok(new InterClusterPing(cluster.Id, config.Node.Name, peer?.ClusterId));
        }).WithName("InterClusterPing").Produces<InterClusterPing>();
    }
}

/// <summary>The answer of <c>GET /emcc/v1/ping</c>: who answered, and whom it recognised.</summary>
public sealed record InterClusterPing(string ClusterId, string Node, string? PeerClusterId);
