using System.Globalization;
using System.Net;
using Emx.Sip.Messages;
using Emx.Sip.Transport;

namespace Emx.Cluster.CallControl.Proxy;

/// <summary>
/// The message edits of a stateful proxy (RFC 3261 §16.6 and §16.7): copying a request for a branch, Record-Route,
/// Max-Forwards, popping this proxy's own Route entries, and turning a downstream response into the upstream one.
/// </summary>
public static class ProxyMessages
{
    /// <summary>A copy of <paramref name="request"/> with every header and the body, retargeted to <paramref name="requestUri"/>.</summary>
    public static SipRequest Copy(SipRequest request, SipUri? requestUri = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var copy = new SipRequest(request.Method, requestUri ?? request.RequestUri);
        foreach (var header in request.Headers)
        {
            copy.Headers.Add(header.Name, header.Value);
        }

        copy.Body = request.Body;
        return copy;
    }

    /// <summary>Decrements Max-Forwards, adding it with 70 when absent (§16.6 step 3).</summary>
    public static void DecrementMaxForwards(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var value = request.MaxForwards is { } current ? Math.Max(0, current - 1) : 70;
        request.Headers.Set(SipHeaderNames.MaxForwards, value.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The upstream copy of a downstream response (§16.7 step 9): every header but the top Via (this proxy's) and
    /// the body, with the same status line.
    /// </summary>
    public static SipResponse ToUpstream(SipResponse response) => ToUpstream(response, response.StatusCode, response.ReasonPhrase);

    /// <summary>As <see cref="ToUpstream(SipResponse)"/> with another status line (a 503 forwarded as 500, §16.7 step 6).</summary>
    public static SipResponse ToUpstream(SipResponse response, int statusCode, string reasonPhrase)
    {
        ArgumentNullException.ThrowIfNull(response);
        var copy = new SipResponse(statusCode, reasonPhrase);
        var viaSkipped = false;
        foreach (var header in response.Headers)
        {
            if (!viaSkipped && header.Name == SipHeaderNames.Via)
            {
                viaSkipped = true;
                continue;
            }

            copy.Headers.Add(header.Name, header.Value);
        }

        copy.Body = response.Body;
        return copy;
    }

    /// <summary>Whether <paramref name="uri"/> names this proxy (host and port of one of its transports).</summary>
    public static bool IsSelf(SipUri uri, IReadOnlyList<ISipTransport> transports)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(transports);
        var port = uri.Port ?? (uri.IsSecure ? 5061 : 5060);
        foreach (var transport in transports)
        {
            if (port == transport.AdvertisedPort
                && (string.Equals(uri.Host, transport.AdvertisedHost, StringComparison.OrdinalIgnoreCase)
                    || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && address.Equals(transport.LocalEndPoint.Address))))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Removes the leading Route entries that name this proxy (§16.4; two when it double record-routed), and
    /// returns how many were removed.
    /// </summary>
    public static int PopOwnRoutes(SipRequest request, IReadOnlyList<ISipTransport> transports)
    {
        ArgumentNullException.ThrowIfNull(request);
        var removed = 0;
        while (request.Routes is { Count: > 0 } routes && IsSelf(routes[0].Uri, transports))
        {
            request.Headers.RemoveAt(request.Headers.IndexOf(SipHeaderNames.Route));
            removed++;
        }

        return removed;
    }

    /// <summary>This proxy's Record-Route value for requests it receives or sends over <paramref name="transport"/>.</summary>
    public static string RecordRouteFor(ISipTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var uri = "sip:" + FormatHost(transport.AdvertisedHost) + ":" + transport.AdvertisedPort.ToString(CultureInfo.InvariantCulture)
            + (transport.Kind == SipTransportKind.Tcp ? ";transport=tcp" : string.Empty) + ";lr";
        return "<" + uri + ">";
    }

    /// <summary>
    /// Adds Record-Route (§16.6 step 4) so in-dialog requests come back through this proxy. When the two legs use
    /// different transports, two entries (RFC 5658): the one facing the callee on top, the one facing the caller under it.
    /// </summary>
    public static void AddRecordRoute(SipRequest request, ISipTransport inbound, ISipTransport outbound)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(outbound);
        if (inbound.Kind != outbound.Kind)
        {
            request.Headers.Insert(0, SipHeaderNames.RecordRoute, RecordRouteFor(inbound));
        }

        request.Headers.Insert(0, SipHeaderNames.RecordRoute, RecordRouteFor(outbound));
    }

    /// <summary>
    /// The next hop of a request whose own Route entries were popped: the top Route if any (loose routing), else
    /// the Request-URI (§16.6 step 6-7). Null when it cannot be resolved without DNS.
    /// </summary>
    public static SipDestination? NextHop(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.Routes is { Count: > 0 } routes ? routes[0].Uri : request.RequestUri;
        return DestinationOf(target);
    }

    /// <summary>The address and transport a SIP URI with an IP host names (RFC 3263 without DNS); null otherwise.</summary>
    public static SipDestination? DestinationOf(SipUri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsSip || !IPAddress.TryParse((uri.Maddr ?? uri.Host).Trim('[', ']'), out var address))
        {
            return null;
        }

        var kind = string.Equals(uri.Transport, "tcp", StringComparison.OrdinalIgnoreCase) ? SipTransportKind.Tcp : SipTransportKind.Udp;
        return new SipDestination(kind, new IPEndPoint(address, uri.Port ?? 5060));
    }

    /// <summary>Adds a Reason header with the Q.850 cause a CUCM release would carry (RFC 3326).</summary>
    public static void AddQ850Reason(SipResponse response, int cause, string text)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.Add(SipHeaderNames.Reason, "Q.850;cause=" + cause.ToString(CultureInfo.InvariantCulture) + ";text=\"" + text + "\"");
    }

    private static string FormatHost(string host) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? "[" + host + "]" : host;
}
