namespace Emx.Sip.Transport;

/// <summary>The transport protocols this stack carries SIP over (RFC 3261 §18).</summary>
public enum SipTransportKind
{
    /// <summary>UDP: unreliable datagrams, so transactions retransmit (RFC 3261 §17).</summary>
    Udp = 0,

    /// <summary>TCP: a reliable stream framed by Content-Length (RFC 3261 §18.3); transactions do not retransmit.</summary>
    Tcp,
}

/// <summary>Protocol facts about each <see cref="SipTransportKind"/>.</summary>
public static class SipTransportKinds
{
    /// <summary>The port a Via or URI implies when it names none (RFC 3261 §18.2.2, §19.1.2).</summary>
    public const int DefaultPort = 5060;

    /// <summary>True for transports that deliver reliably, which turns off retransmission timers (RFC 3261 §17).</summary>
    public static bool IsReliable(this SipTransportKind kind) => kind != SipTransportKind.Udp;

    /// <summary>The transport token of a Via (<c>UDP</c>, <c>TCP</c>).</summary>
    public static string ToViaTransport(this SipTransportKind kind) => kind switch
    {
        SipTransportKind.Udp => "UDP",
        SipTransportKind.Tcp => "TCP",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown transport."),
    };

    /// <summary>Maps a Via transport token (case-insensitive) to a kind this stack speaks.</summary>
    public static bool TryParseViaTransport(string? transport, out SipTransportKind kind)
    {
        if (string.Equals(transport, "UDP", StringComparison.OrdinalIgnoreCase))
        {
            kind = SipTransportKind.Udp;
            return true;
        }

        kind = SipTransportKind.Tcp;
        return string.Equals(transport, "TCP", StringComparison.OrdinalIgnoreCase);
    }
}
