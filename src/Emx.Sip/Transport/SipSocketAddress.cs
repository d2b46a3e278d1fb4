using System.Net;
using System.Net.Sockets;

namespace Emx.Sip.Transport;

/// <summary>Address formatting shared by the transports.</summary>
internal static class SipSocketAddress
{
    /// <summary>An address as a SIP host: IPv6 in brackets (RFC 3261 §25.1 IPv6reference).</summary>
    public static string FormatHost(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + address + "]" : address.ToString();
}

/// <summary>Calls a receive handler so that a faulty one cannot stop a receive loop.</summary>
internal static class SipReceiveDispatch
{
    public static void Invoke(Action<SipReceivedMessage> handler, SipReceivedMessage message, object sender, Action<object, SipTransportEventArgs> report)
    {
        try
        {
            handler(message);
        }
        catch (Exception exception)
        {
            // The receive loop must survive any handler failure; the failure is reported instead.
            report(sender, new SipTransportEventArgs(
                SipTransportEventKind.ReceiveFailed, message.RemoteEndPoint, message.ConnectionId, "Receive handler failed: " + exception.GetType().Name + ": " + exception.Message));
        }
    }
}
