using System.Data.Common;
using System.Net;
using System.Text;
using Emx.Cluster.Configuration;
using Emx.Cluster.ExtensionMobility;
using Emx.Cluster.Security;
using Emx.Domain.Configuration;
using Emx.Domain.ExtensionMobility;
using Emx.Cluster.Emcc;
using Emx.Protocols.Emcc;
using Emx.Protocols.EmApi;
using Microsoft.Extensions.DependencyInjection;
using Emx.Protocols.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Emx.Web.Cisco;

/// <summary>
/// The EM API, <c>/emservice/EMServiceServlet</c>: login, logout, logoutAll and the queries, in every shape real
/// clients send (reference 1.1 and 7: form body or query string, GET or POST, text/xml, raw unencoded XML) and with
/// Cisco's responses: HTTP 200 and the result or <c>&lt;failure&gt;&lt;error code="N"&gt;</c> in the body.
/// </summary>
internal static partial class EmServiceEndpoints
{
    public const string Path = "/emservice/EMServiceServlet";

    /// <summary>Largest request body read (the XML itself is limited to 64 KiB by the parser).</summary>
    private const int MaxBodyBytes = 256 * 1024;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], HandleAsync).ExcludeFromDescription().AllowAnonymous();
    }

    private static async Task HandleAsync(HttpContext http, ExtensionMobilityService em, AdminCredentials credentials, EmxConfigFile config, ILoggerFactory loggers)
    {
        var ct = http.RequestAborted;
        string? response;
        try
        {
            response = await ProcessAsync(http, em, credentials, config, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogUnexpected(loggers.CreateLogger(typeof(EmServiceEndpoints).FullName!), ex);
            response = EmApiResponseWriter.Failure(ex is DbException ? EmServiceErrorCode.DatabaseError : EmServiceErrorCode.UnknownError);
        }

        if (response is null)
        {
            // Already answered (an untrusted inter-cluster peer).
            return;
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/xml; charset=utf-8";
        await http.Response.WriteAsync(response, Encoding.UTF8, ct);
    }

    /// <summary>Whether the document's root is <c>emccRequest</c> (another cluster's EMService), checked without parsing it.</summary>
    private static bool LooksLikeEmcc(string xml)
    {
        var start = xml.AsSpan().TrimStart();
        if (start.StartsWith("<?xml", StringComparison.Ordinal) && start.IndexOf("?>", StringComparison.Ordinal) is var end and >= 0)
        {
            start = start[(end + 2)..].TrimStart();
        }

        return start.StartsWith("<emccRequest", StringComparison.Ordinal);
    }

    /// <summary>
    /// A request from another cluster's EMService (reference 3.1). Only over HTTPS: the peer is then checked by the
    /// TLS layer's client certificate policy; over plain HTTP it is refused with error 1.
    /// </summary>
    private static async Task<string?> EmccAsync(HttpContext http, string xml, CancellationToken ct)
    {
        // Mutual TLS: only a node whose Tomcat certificate this cluster imported (Bulk Certificate Management).
        var (peer, reason) = await Emcc.TrustedPeerEndpointExtensions.AuthenticatePeerAsync(http);
        if (peer is null)
        {
            await Emcc.TrustedPeerEndpointExtensions.Untrusted(http, reason).ExecuteAsync(http);
            return null;
        }

        if (!EmccXml.TryParseRequest(xml, out var request, out var error))
        {
            return EmApiResponseWriter.Failure(EmServiceErrorCode.ErrorOnParsing, "Unreadable EMCC request: " + error);
        }

        if (!string.Equals(request!.From.Id, peer.ClusterId, StringComparison.Ordinal))
        {
            // A cluster speaks only for itself: its certificate came from the cluster it names (42: Invalid ClusterID).
            return EmccXml.Write(EmccResponse.Failure(request.Type, 42, $"the request names cluster {request.From.Id} but its certificate is {peer.ClusterId}'s"));
        }

        var emcc = http.RequestServices.GetRequiredService<EmccService>();
        var response = await emcc.HandleAsync(request!, ct);
        return EmccXml.Write(response);
    }

    private static async Task<string?> ProcessAsync(HttpContext http, ExtensionMobilityService em, AdminCredentials credentials, EmxConfigFile config, CancellationToken ct)
    {
        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null)
        {
            return EmApiResponseWriter.Failure(EmServiceErrorCode.ErrorOnParsing, "Request too large");
        }

        var extraction = EmApiXmlParameter.Extract(http.Request.QueryString.HasValue ? http.Request.QueryString.Value![1..] : null, http.Request.ContentType, body);
        if (!extraction.IsSuccess)
        {
            return EmApiResponseWriter.Failure(EmServiceErrorCode.ErrorOnParsing, "No xml parameter in the request");
        }

        if (LooksLikeEmcc(extraction.Xml))
        {
            return await EmccAsync(http, extraction.Xml, ct);
        }

        var parsed = EmApiRequestParser.Parse(extraction.Xml);
        if (!parsed.IsSuccess)
        {
            return EmApiResponseWriter.Failure(parsed.Error.Code, parsed.Error.Message);
        }

        var request = parsed.Request;
        if (string.IsNullOrWhiteSpace(request.AppInfo.AppId) || string.IsNullOrEmpty(request.AppInfo.Certificate))
        {
            return EmApiResponseWriter.Failure(EmServiceErrorCode.EmccAuthenticationError, "Cannot authorize App user: blank appID or appCertificate");
        }

        // appEncryptedCertificate is CUCM-internal (EMApp to EMService with CCMSysUser); emx's EMApp calls the service
        // in-process, so an encrypted certificate from outside can never be verified.
        CredentialCheck check;
        VerifiedAccount? account;
        try
        {
            (check, account) = request.AppInfo.IsEncrypted
                ? (CredentialCheck.Rejected, null)
                : await credentials.CheckPasswordAsync(request.AppInfo.AppId, request.AppInfo.Certificate, endUsersToo: true, ct);
        }
        catch (DbException)
        {
            // Seed table 9, code 9: "information about a user cannot be retrieved either from the cache or database".
            return EmApiResponseWriter.Failure(EmServiceErrorCode.DirectoryUserInfoError, $"Could not read the directory record of '{request.AppInfo.AppId}'");
        }

        if (check != CredentialCheck.Accepted || account is null)
        {
            return EmApiResponseWriter.Failure(EmServiceErrorCode.InvalidAppUser, $"Could not authenticate '{request.AppInfo.AppId}'");
        }

        if (account.MustChangePassword)
        {
            return EmApiResponseWriter.Failure(EmServiceErrorCode.ChangePassword, $"'{account.UserId}' must change the password before using the EM API");
        }

        var context = new EmRequestContext
        {
            RequestNumber = em.NextRequestNumber(),
            Channel = EmChannel.Api,
            Actor = account.UserId,
            HasProxyRights = account.Groups.Contains(AccessControlGroup.StandardEmAuthenticationProxyRights),
            SourceAddress = SourceAddress(http, request, config),
            ViaProxy = http.Request.Headers.Via.Count > 0 || request.IsViaHeaderSet == true,
        };

        return request switch
        {
            EmApiLoginRequest login => await LoginAsync(login, context, em, ct),
            EmApiLogoutRequest logout => Result(await em.ThrottledAsync(context, () => em.LogoutAsync(logout.DeviceName, context, ct), ct), EmOperation.Logout),
            EmApiLogoutAllRequest => Result(await em.ThrottledAsync(context, () => em.LogoutAllAsync(context, ct), ct), EmOperation.Logout),
            EmApiDeviceUserQuery query => await DeviceUserAsync(query, context, em, ct),
            EmApiUserDevicesQuery query => await UserDevicesAsync(query, context, em, ct),
            EmApiDeviceProfileQuery query => await DeviceProfilesAsync(query, context, em, ct),
            EmApiCheckUserQuery query => await CheckUserAsync(query, context, em, ct),
            _ => EmApiResponseWriter.Failure(EmServiceErrorCode.QueryTypeUndetermined),
        };
    }

    private static async Task<string> LoginAsync(EmApiLoginRequest login, EmRequestContext context, ExtensionMobilityService em, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(login.UserId) || string.IsNullOrWhiteSpace(login.DeviceName))
        {
            return EmApiResponseWriter.Failure(EmServiceErrorCode.EmccAuthenticationError, "Blank userID or deviceName");
        }

        var command = new EmLoginCommand
        {
            DeviceName = login.DeviceName,
            UserId = login.UserId,
            DeviceProfile = string.IsNullOrWhiteSpace(login.DeviceProfile) ? null : login.DeviceProfile,
            Duration = login.ExclusiveDuration switch
            {
                null => null,
                { Minutes: { } minutes } => TimeSpan.FromMinutes(minutes),
                _ => Timeout.InfiniteTimeSpan,
            },
        };
        return Result(await em.ThrottledAsync(context, () => em.LoginAsync(command, context, ct), ct), EmOperation.Login);
    }

    private static async Task<string> DeviceUserAsync(EmApiDeviceUserQuery query, EmRequestContext context, ExtensionMobilityService em, CancellationToken ct)
    {
        if (!context.HasProxyRights)
        {
            return EmApiResponseWriter.Failure(EmServiceErrorCode.UserLacksAppProxyRights);
        }

        var statuses = await em.DeviceStatusAsync(query.DeviceNames, ct);
        return EmApiResponseWriter.DeviceUserResults(statuses.Select(s => s.Exists
            ? new EmDeviceUserResult { DeviceName = s.DeviceName, CurrentUserId = s.CurrentUserId, LastLoginUserId = s.LastUserId, IsEmccDevice = s.IsEmcc }
            : EmDeviceUserResult.NotFound(s.DeviceName)));
    }

    private static async Task<string> UserDevicesAsync(EmApiUserDevicesQuery query, EmRequestContext context, ExtensionMobilityService em, CancellationToken ct)
    {
        if (!MayQueryUsers(context, query.UserIds))
        {
            return EmApiResponseWriter.Failure(EmServiceErrorCode.UserLacksAppProxyRights);
        }

        var users = await em.UserDevicesAsync(query.UserIds, ct);
        return EmApiResponseWriter.UserDevicesResults(users.Select(u => u.Devices is null
            ? EmUserDevicesResult.NotFound(u.UserId)
            : new EmUserDevicesResult { UserId = u.UserId, DeviceNames = [.. u.Devices] }));
    }

    private static async Task<string> DeviceProfilesAsync(EmApiDeviceProfileQuery query, EmRequestContext context, ExtensionMobilityService em, CancellationToken ct)
    {
        if (!MayQueryUsers(context, query.UserIds))
        {
            return EmApiResponseWriter.Failure(EmServiceErrorCode.UserLacksAppProxyRights);
        }

        var users = await em.UserProfilesAsync(query.UserIds, ct);
        return EmApiResponseWriter.DeviceProfileResults(users.Select(u => u.Profiles is null
            ? EmUserDeviceProfilesResult.NotFound(u.UserId)
            : new EmUserDeviceProfilesResult { UserId = u.UserId, Profiles = [.. u.Profiles.Select(p => new EmDeviceProfileEntry { Name = p.Profile, IsDefault = p.IsDefault })] }));
    }

    private static async Task<string> CheckUserAsync(EmApiCheckUserQuery query, EmRequestContext context, ExtensionMobilityService em, CancellationToken ct)
    {
        if (!MayQueryUsers(context, query.UserIds))
        {
            return EmApiResponseWriter.Failure(EmServiceErrorCode.UserLacksAppProxyRights);
        }

        var users = await em.CheckUsersAsync(query.UserIds, ct);
        return EmApiResponseWriter.CheckUserResults(users.Select(u => new EmCheckUserResult { UserId = u.UserId, Exists = u.Exists }));
    }

    // An end user without proxy rights may ask about themself only.
    private static bool MayQueryUsers(EmRequestContext context, IEnumerable<string> userIds) =>
        context.HasProxyRights || userIds.All(u => string.Equals(u, context.Actor, StringComparison.Ordinal));

    private static string Result(EmOutcome outcome, EmOperation operation) => outcome.Rejection is { } rejection
        ? EmApiResponseWriter.Failure(EmErrorMapping.ToEmService(rejection, operation))
        : EmApiResponseWriter.Success();

    /// <summary>
    /// The address Validate IP Address judges: the TCP peer; remoteIPAddr only when the peer is a node of this cluster
    /// (EMApp reporting the phone's address), so an outside client cannot claim a trusted address.
    /// </summary>
    private static string? SourceAddress(HttpContext http, EmApiRequest request, EmxConfigFile config)
    {
        var peer = http.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : null;
        var fromNode = peer is not null && (peer == config.Node.Address || (IPAddress.TryParse(peer, out var p) && IPAddress.IsLoopback(p) && config.Node.Address == peer));
        return fromNode && !string.IsNullOrWhiteSpace(request.RemoteIpAddress) ? request.RemoteIpAddress : peer;
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(EventId = 2300, Level = LogLevel.Error, Message = "EM API request failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
