using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Emx.Sip.Transport;

namespace Emx.Cluster.CallControl;

/// <summary>
/// Where a REGISTER came from, stored with the binding as <c>transport:address:port</c> (<c>udp:127.0.0.1:5062</c>,
/// <c>tcp:[::1]:40001</c>): requests to the phone (NOTIFY check-sync, later INVITE) go back there, which is what
/// reaches a phone behind NAT and what reuses the phone's own TCP connection (RFC 3261 §18.2.2, RFC 5626 §5).
/// </summary>
/// <param name="Transport">The transport the REGISTER arrived on.</param>
/// <param name="EndPoint">The source address and port.</param>
/// <param name="ConnectionId">The connection it arrived on (TCP), else 0.</param>
public sealed record RegistrationSource(SipTransportKind Transport, IPEndPoint EndPoint, long ConnectionId = 0)
{
    /// <summary>The stored form.</summary>
    public override string ToString() =>
        (Transport == SipTransportKind.Tcp ? "tcp:" : "udp:") + FormatAddress(EndPoint.Address.ToString()) + ":" + EndPoint.Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>An address as it appears in the stored form: IPv6 in brackets.</summary>
    public static string FormatAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.Contains(':', StringComparison.Ordinal) && !address.StartsWith('[') ? "[" + address + "]" : address;
    }

    /// <summary>Parses the stored form.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out RegistrationSource? source)
    {
        source = null;
        if (text is null || text.Length < 5 || text[3] != ':')
        {
            return false;
        }

        SipTransportKind kind;
        if (text.StartsWith("udp:", StringComparison.Ordinal))
        {
            kind = SipTransportKind.Udp;
        }
        else if (text.StartsWith("tcp:", StringComparison.Ordinal))
        {
            kind = SipTransportKind.Tcp;
        }
        else
        {
            return false;
        }

        if (!IPEndPoint.TryParse(text[4..], out var endPoint) || endPoint.Port == 0)
        {
            return false;
        }

        if (endPoint.Address.IsIPv4MappedToIPv6)
        {
            endPoint = new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port);
        }

        source = new RegistrationSource(kind, endPoint);
        return source.EndPoint.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;
    }
}
