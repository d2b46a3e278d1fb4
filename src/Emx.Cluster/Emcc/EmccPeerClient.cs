using System.Net.Http.Headers;
using System.Security.Authentication;
using Emx.Domain.Configuration;
using Emx.Protocols.Emcc;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.Emcc;

/// <summary>
/// The HTTPS client one EMService uses to reach another cluster's (reference 3.1:
/// <c>https://&lt;remote&gt;:8443/emservice/EMServiceServlet</c>): the node's <see cref="Security.InterClusterHttpClientFactory"/>
/// client, which presents the node's Tomcat certificate and trusts only the tomcat-trust store.
/// </summary>
public sealed class EmccHttp(HttpClient client) : IDisposable
{
    private readonly HttpClient _client = client;

    /// <summary>The client.</summary>
    public HttpClient Client => _client;

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}

/// <summary>
/// Sends <see cref="EmccRequest"/>s to remote clusters and reads their answers. Anything that keeps the answer from
/// arriving (connection refused, WAN down, certificate not trusted, timeout) becomes EMService error 208 "EMService
/// Connection Error"; an answer that is not an emccResponse becomes error 1 (version mismatch, seed Table 9).
/// </summary>
public sealed partial class EmccPeerClient(EmccHttp http, ILoggerFactory loggers)
{
    /// <summary>The EMService path on every cluster.</summary>
    public const string ServicePath = "/emservice/EMServiceServlet";

    private readonly ILogger _logger = loggers.CreateLogger<EmccPeerClient>();

    /// <summary>The URL of a remote cluster's EMService.</summary>
    public static Uri UrlOf(RemoteCluster remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        return new UriBuilder(Uri.UriSchemeHttps, remote.FullyQualifiedName, remote.HttpsPort, ServicePath).Uri;
    }

    /// <summary>Sends one request and returns the answer, or a 208/1 failure.</summary>
    public async Task<EmccResponse> SendAsync(RemoteCluster remote, EmccRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(request);
        var url = UrlOf(remote);
        try
        {
            using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("xml", EmccXml.Write(request))]);
            using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/xml"));
            using var response = await http.Client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var status = "HTTP " + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                LogFailed(_logger, request.Type, remote.ClusterId, status);
                return EmccResponse.Failure(request.Type, 208, $"EMService Connection Error: {remote.ClusterId} answered {status}");
            }

            if (!EmccXml.TryParseResponse(body, out var parsed, out var error) || parsed!.Type != request.Type)
            {
                LogFailed(_logger, request.Type, remote.ClusterId, "unreadable answer: " + (error ?? "wrong type"));
                return EmccResponse.Failure(request.Type, 1, "Error on parsing the answer of " + remote.ClusterId);
            }

            return parsed;
        }
        catch (Exception ex) when (ex is HttpRequestException or AuthenticationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = ex.InnerException is AuthenticationException || ex is AuthenticationException
                ? "certificate not trusted"
                : ex is TaskCanceledException ? "no answer in time" : ex.Message;
            LogFailed(_logger, request.Type, remote.ClusterId, reason);
            return EmccResponse.Failure(request.Type, 208, $"EMService Connection Error: {remote.ClusterId}: {reason}");
        }
    }

    [LoggerMessage(EventId = 2502, Level = LogLevel.Information, Message = "EMCC {Type} request to {Cluster} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, EmccRequestType type, string cluster, string reason);
}
