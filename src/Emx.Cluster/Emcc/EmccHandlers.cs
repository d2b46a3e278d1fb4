using System.Net.Security;

namespace Emx.Cluster.Emcc;

/// <summary>HTTP handlers for inter-cluster EMService traffic.</summary>
public static class EmccHandlers
{
    /// <summary>
    /// The default: TLS with the operating system's certificate validation, so a peer with a self-signed Tomcat
    /// certificate is refused (error 208) until its certificate is trusted. The EMCC trust work replaces this with a
    /// handler that presents the node's Tomcat certificate and trusts the Tomcat-trust store.
    /// </summary>
    public static HttpMessageHandler Default() => new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        SslOptions = new SslClientAuthenticationOptions(),
    };
}
