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
/// <param name="client">The inter-cluster client; its own timeout should not be shorter than <paramref name="answerTimeout"/>.</param>
/// <param name="answerTimeout">
/// How long a request may wait for the remote cluster's answer, connection included (default 15 s). Keep it longer
/// than the handler's connect timeout (10 s): a connection that cannot be made in time is then 208, while a connected
/// peer that does not answer in time is 40 "No Response from Remote Host".
/// </param>
public sealed class EmccHttp(HttpClient client, TimeSpan? answerTimeout = null) : IDisposable
{
    private readonly HttpClient _client = client;

    /// <summary>The client.</summary>
    public HttpClient Client => _client;

    /// <summary>How long a request waits for the answer.</summary>
    public TimeSpan AnswerTimeout { get; } = answerTimeout ?? TimeSpan.FromSeconds(15);

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();
}

/// <summary>
/// Sends <see cref="EmccRequest"/>s to remote clusters and reads their answers. Anything that keeps the connection
/// from being made (connection refused, WAN down, certificate not trusted, connect timeout) becomes EMService error
/// 208 "EMService Connection Error"; a connected peer that does not answer within <see cref="EmccHttp.AnswerTimeout"/>
/// becomes 40 "No Response from Remote Host" (seed Table 9, an internal code: the phone shows "Please try to login
/// again (23)"); an answer that is not an emccResponse becomes error 1 (version mismatch, seed Table 9).
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
        using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        answer.CancelAfter(http.AnswerTimeout);
        try
        {
            using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("xml", EmccXml.Write(request))]);
            using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/xml"));
            using var response = await http.Client.SendAsync(message, answer.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(answer.Token).ConfigureAwait(false);
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
        catch (OperationCanceledException) when (answer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Connected (a connection that cannot be made fails sooner, at the connect timeout) but no answer in time.
            LogFailed(_logger, request.Type, remote.ClusterId, "no answer in time");
            return EmccResponse.Failure(request.Type, 40, $"No Response from Remote Host: {remote.ClusterId} did not answer within {http.AnswerTimeout.TotalSeconds} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or AuthenticationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var reason = ex.InnerException is AuthenticationException || ex is AuthenticationException
                ? "certificate not trusted"
                : ex is TaskCanceledException ? "no connection in time" : ex.Message;
            LogFailed(_logger, request.Type, remote.ClusterId, reason);
            return EmccResponse.Failure(request.Type, 208, $"EMService Connection Error: {remote.ClusterId}: {reason}");
        }
    }

    [LoggerMessage(EventId = 2502, Level = LogLevel.Information, Message = "EMCC {Type} request to {Cluster} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, EmccRequestType type, string cluster, string reason);
}
