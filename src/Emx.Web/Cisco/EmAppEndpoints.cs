using System.Text;
using Emx.Protocols.CiscoIpPhone;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Emx.Web.Cisco;

/// <summary>
/// EMApp, <c>/emapp/EMAppServlet</c> on the HTTP port: the phone's Extension Mobility service (reference 2). GET as
/// phones send it, POST with a form body, and HEAD answered like GET without the body (the same Content-Length: a Java
/// servlet's doHead does the same, and PIN-guessing tools rely on it). Always 200 and a CiscoIPPhone object.
/// </summary>
internal static partial class EmAppEndpoints
{
    public const string Path = "/emapp/EMAppServlet";

    /// <summary>Largest form body read (a phone never POSTs; scripts send a few parameters).</summary>
    public const int MaxBodyBytes = 16 * 1024;

    private static readonly IReadOnlyDictionary<string, StringValues> NoBody = new Dictionary<string, StringValues>();

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post, HttpMethods.Head], HandleAsync).ExcludeFromDescription().AllowAnonymous();
    }

    private static async Task HandleAsync(HttpContext http, EmAppFlow flow, ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        var body = await ReadFormAsync(http.Request, ct);
        if (body is null)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var request = EmAppRequest.From(http, body);
        CiscoIpPhoneObject screen;
        try
        {
            screen = await flow.HandleAsync(request, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnexpected(loggers.CreateLogger(typeof(EmAppEndpoints).FullName!), ex);
            screen = EmAppFlow.Failure(ex, request);
        }

        var bytes = Encoding.UTF8.GetBytes(CiscoIpPhoneXml.Write(screen));
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = CiscoIpPhoneXml.ContentType;
        http.Response.Headers.Expires = "-1";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(bytes, ct);
        }
    }

    /// <summary>The parameters of a form POST body; none for other requests; null when the body is too large.</summary>
    private static async Task<IReadOnlyDictionary<string, StringValues>?> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        if (!HttpMethods.IsPost(request.Method))
        {
            return NoBody;
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        var isForm = request.ContentType is { } type && type.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
        return isForm ? QueryHelpers.ParseQuery(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)) : NoBody;
    }

    [LoggerMessage(EventId = 2410, Level = LogLevel.Error, Message = "EMApp request failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
