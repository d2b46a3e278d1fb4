using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Emx.Domain.Security;

namespace Emx.Cluster.Security;

/// <summary>Why an inter-cluster request was refused on trust grounds.</summary>
public enum InterClusterTrustFailure
{
    /// <summary>The peer's server certificate is not in this cluster's tomcat-trust (nor issued by an entry of it).</summary>
    PeerCertificateUntrusted,

    /// <summary>The peer refused this node's client certificate (403 from its <c>RequireTrustedPeer</c>).</summary>
    RefusedByPeer,

    /// <summary>This node has no Tomcat certificate yet (it has not started).</summary>
    NoLocalCertificate,
}

/// <summary>
/// An inter-cluster HTTPS request failed because the clusters do not trust each other. The EMCC code maps it to
/// EMApp error 208, "EMService Connection Error" (seed: "the visiting EMService cannot connect to the Home EMService
/// (the WAN is down or certificates are not trusted)").
/// </summary>
public sealed class InterClusterTrustException : HttpRequestException
{
    /// <summary>The EMApp error code an untrusted peer means (208, EMService Connection Error).</summary>
    public const int EmAppErrorCode = 208;

    public InterClusterTrustException()
        : this(InterClusterTrustFailure.PeerCertificateUntrusted, "?", "the peer is not trusted")
    {
    }

    public InterClusterTrustException(string message)
        : this(InterClusterTrustFailure.PeerCertificateUntrusted, "?", message)
    {
    }

    public InterClusterTrustException(string message, Exception inner)
        : base(message, inner)
    {
        Peer = "?";
    }

    public InterClusterTrustException(InterClusterTrustFailure failure, string peer, string reason, Exception? inner = null)
        : base($"Inter-cluster request to {peer} refused: {reason}", inner, HttpStatusCode.Forbidden)
    {
        Failure = failure;
        Peer = peer;
        Reason = reason;
    }

    public InterClusterTrustFailure Failure { get; }

    /// <summary>host:port of the peer.</summary>
    public string Peer { get; }

    /// <summary>Why, in words (which store, which certificate).</summary>
    public string Reason { get; } = "";
}

/// <summary>
/// HttpClients for inter-cluster traffic (EMCC EMService to EMService, over HTTPS to the peer's <c>node.ports.https</c>):
/// they present this node's Tomcat certificate as client certificate and accept a server only when its certificate
/// is in this cluster's tomcat-trust (the operating system's store plays no part, nor does the host name: trust is
/// the imported certificate). An untrusted peer, either way round, surfaces as <see cref="InterClusterTrustException"/>.
/// </summary>
public sealed class InterClusterHttpClientFactory(NodeCertificates certificates, TrustStores trustStores)
{
    /// <summary>How long a pooled connection is reused: a trust change or a regenerated certificate applies within it.</summary>
    public static readonly TimeSpan ConnectionLifetime = TimeSpan.FromSeconds(30);

    /// <summary>A client for inter-cluster requests (dispose it, or keep one per remote cluster).</summary>
    public HttpClient Create(TimeSpan? timeout = null)
    {
        var rejections = new ConcurrentDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = ConnectionLifetime,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AllowAutoRedirect = false,
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                LocalCertificateSelectionCallback = (_, _, _, _, _) => certificates.Tomcat!,
                RemoteCertificateValidationCallback = (sender, certificate, _, _) =>
                {
                    using var presented = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    var decision = trustStores.Current.Validate(presented, TrustStore.TomcatTrust);
                    if (!decision.Trusted && sender is SslStream { TargetHostName: { } host })
                    {
                        rejections[host] = decision.Reason;
                    }

                    return decision.Trusted;
                },
            },
        };
        return new HttpClient(new TrustHandler(certificates, trustStores, rejections, sockets), disposeHandler: true)
        {
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
    }

    private sealed class TrustHandler(NodeCertificates certificates, TrustStores trustStores, ConcurrentDictionary<string, string> rejections, HttpMessageHandler inner)
        : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var uri = request.RequestUri ?? throw new InvalidOperationException("An inter-cluster request needs an absolute URI.");
            var peer = $"{uri.Host}:{uri.Port}";
            if (uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new InvalidOperationException($"Inter-cluster requests are HTTPS only ({uri}).");
            }

            if (certificates.Tomcat is null)
            {
                throw new InterClusterTrustException(InterClusterTrustFailure.NoLocalCertificate, peer, "this node has no Tomcat certificate yet");
            }

            // Another node of this cluster may have imported since this node last looked.
            await trustStores.GetAsync(cancellationToken);
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.InnerException is AuthenticationException && rejections.TryRemove(uri.IdnHost, out var reason))
            {
                throw new InterClusterTrustException(InterClusterTrustFailure.PeerCertificateUntrusted, peer, reason, ex);
            }

            if (response.StatusCode == HttpStatusCode.Forbidden && response.Headers.TryGetValues(UntrustedPeerHeader.Name, out _))
            {
                var detail = await response.Content.ReadAsStringAsync(cancellationToken);
                response.Dispose();
                throw new InterClusterTrustException(InterClusterTrustFailure.RefusedByPeer, peer,
                    "the peer does not trust this node's Tomcat certificate (import this cluster's certificates there): " + (detail.Length > 300 ? detail[..300] : detail));
            }

            return response;
        }
    }
}

/// <summary>The response header with which a node marks a 403 as "your client certificate is not trusted".</summary>
public static class UntrustedPeerHeader
{
    public const string Name = "X-Emx-Peer-Trust";

    public const string Value = "untrusted";
}
