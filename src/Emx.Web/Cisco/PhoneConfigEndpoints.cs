using Emx.Cluster.ExtensionMobility;
using Emx.Protocols;
using Emx.Protocols.PhoneConfig;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Emx.Web.Cisco;

/// <summary>
/// Phone configuration files over HTTP, the node's config port only (CUCM's TFTP-over-HTTP port 6970, reference 4):
/// <c>GET /SEP&lt;MAC&gt;.cnf.xml</c> (HEAD too). Anything else on that port, an unknown phone or a malformed name is 404.
/// </summary>
internal static class PhoneConfigEndpoints
{
    /// <summary>Answers every request that arrived on the config port.</summary>
    public static async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? string.Empty;
        if (!(HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
            || path.Length < 2 || path.IndexOf('/', 1) >= 0
            || !DeviceName.TryParseConfigFileName(path[1..], out var name))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var builder = http.RequestServices.GetRequiredService<PhoneConfigBuilder>();
        var config = await builder.BuildAsync(name.Value, http.RequestAborted);
        if (config is null)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var bytes = PhoneConfigXml.WriteUtf8(config);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = PhoneConfigXml.ContentType;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
        }
    }
}
