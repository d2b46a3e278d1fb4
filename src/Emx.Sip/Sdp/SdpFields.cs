using System.Diagnostics.CodeAnalysis;

namespace Emx.Sip.Sdp;

/// <summary>
/// The <c>o=</c> line (RFC 8866 §5.2): <c>o=&lt;username&gt; &lt;sess-id&gt; &lt;sess-version&gt; &lt;nettype&gt;
/// &lt;addrtype&gt; &lt;unicast-address&gt;</c>. The numbers are kept as the digit strings received, because
/// RFC 8866 does not bound them and UAs use anything from 1 to 20 digits.
/// </summary>
/// <param name="UserName">The user's login on the originating host, or <c>-</c>.</param>
/// <param name="SessionId">A numeric string; with the other fields, a globally unique session identifier.</param>
/// <param name="SessionVersion">A numeric string that increases with each modification (RFC 3264 §8).</param>
/// <param name="NetworkType">Normally <c>IN</c>.</param>
/// <param name="AddressType"><c>IP4</c> or <c>IP6</c>.</param>
/// <param name="UnicastAddress">The address of the machine from which the session was created.</param>
public sealed record SdpOrigin(
    string UserName, string SessionId, string SessionVersion, string NetworkType, string AddressType, string UnicastAddress);

/// <summary>
/// A <c>c=</c> line (RFC 8866 §5.7): <c>c=&lt;nettype&gt; &lt;addrtype&gt; &lt;connection-address&gt;</c>. A multicast
/// address keeps its <c>/ttl/count</c> suffix in <see cref="Address"/>.
/// </summary>
/// <param name="NetworkType">Normally <c>IN</c>.</param>
/// <param name="AddressType"><c>IP4</c> or <c>IP6</c>.</param>
/// <param name="Address">The connection address, e.g. <c>192.0.2.10</c>, or <c>0.0.0.0</c> for an RFC 2543 hold.</param>
public sealed record SdpConnection(string NetworkType, string AddressType, string Address);

/// <summary>A <c>b=</c> line (RFC 8866 §5.8): <c>b=&lt;bwtype&gt;:&lt;bandwidth&gt;</c>.</summary>
/// <param name="Type"><c>CT</c>, <c>AS</c> (kb/s), <c>TIAS</c> (b/s, RFC 3890), <c>RS</c>/<c>RR</c> (RFC 3556), or an extension.</param>
/// <param name="Value">The bandwidth, in the unit of <paramref name="Type"/>.</param>
public sealed record SdpBandwidth(string Type, long Value);

/// <summary>
/// A <c>t=</c> line and its <c>r=</c> lines (RFC 8866 §5.9, §5.10). SIP sessions use <c>t=0 0</c> (RFC 3264 §5).
/// </summary>
/// <param name="StartTime">NTP start time in seconds, 0 for an unbounded session.</param>
/// <param name="StopTime">NTP stop time in seconds, 0 for an unbounded session.</param>
public sealed record SdpTiming(ulong StartTime, ulong StopTime)
{
    /// <summary>The <c>r=</c> line values that follow this <c>t=</c> line, verbatim.</summary>
    public IReadOnlyList<string> Repeats { get; init; } = [];
}

/// <summary>
/// An <c>a=</c> line (RFC 8866 §5.13): a property attribute <c>a=&lt;name&gt;</c> (<see cref="Value"/> is null) or a
/// value attribute <c>a=&lt;name&gt;:&lt;value&gt;</c>.
/// </summary>
/// <param name="Name">The attribute name, e.g. <c>rtpmap</c>.</param>
/// <param name="Value">Everything after the first colon, verbatim; null for a property attribute.</param>
[SuppressMessage("Naming", "CA1711", Justification = "RFC 8866 calls a= lines attributes; this is not a .NET attribute.")]
public sealed record SdpAttribute(string Name, string? Value = null)
{
    /// <summary>
    /// For attributes whose value starts with a format (rtpmap, fmtp, rtcp-fb...): the text up to the first space;
    /// otherwise the whole value. Empty for a property attribute.
    /// </summary>
    public string FirstToken
    {
        get
        {
            if (Value is null)
            {
                return string.Empty;
            }

            var space = Value.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? Value : Value[..space];
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Value is null ? Name : Name + ":" + Value;
}

/// <summary>The media direction attributes of RFC 8866 §6.7 (RFC 3264 §5.1: without one, a stream is sendrecv).</summary>
public enum SdpDirection
{
    /// <summary><c>a=sendrecv</c>.</summary>
    SendRecv = 0,

    /// <summary><c>a=sendonly</c>.</summary>
    SendOnly,

    /// <summary><c>a=recvonly</c>.</summary>
    RecvOnly,

    /// <summary><c>a=inactive</c>.</summary>
    Inactive,
}

/// <summary>Media types of the <c>m=</c> line (RFC 8866 §5.14) and attribute names this project reads.</summary>
public static class SdpNames
{
    /// <summary><c>audio</c>.</summary>
    public const string Audio = "audio";

    /// <summary><c>video</c>.</summary>
    public const string Video = "video";

    /// <summary><c>application</c> (BFCP, far-end camera control...).</summary>
    public const string Application = "application";

    /// <summary><c>image</c> (T.38 fax).</summary>
    public const string Image = "image";

    /// <summary><c>a=rtpmap</c> (RFC 8866 §6.6).</summary>
    public const string RtpMap = "rtpmap";

    /// <summary><c>a=fmtp</c> (RFC 8866 §6.15).</summary>
    public const string Fmtp = "fmtp";

    /// <summary><c>a=rtcp-fb</c> (RFC 4585 §4.2).</summary>
    public const string RtcpFeedback = "rtcp-fb";

    /// <summary><c>a=ptime</c> (RFC 8866 §6.4).</summary>
    public const string Ptime = "ptime";

    /// <summary><c>a=maxptime</c> (RFC 8866 §6.5).</summary>
    public const string MaxPtime = "maxptime";

    /// <summary><c>a=sendrecv</c>.</summary>
    public const string SendRecv = "sendrecv";

    /// <summary><c>a=sendonly</c>.</summary>
    public const string SendOnly = "sendonly";

    /// <summary><c>a=recvonly</c>.</summary>
    public const string RecvOnly = "recvonly";

    /// <summary><c>a=inactive</c>.</summary>
    public const string Inactive = "inactive";

    /// <summary>The RFC 4733 DTMF payload's encoding name, <c>telephone-event</c>.</summary>
    public const string TelephoneEvent = "telephone-event";

    /// <summary>The RFC 3389 comfort noise payload's encoding name, <c>CN</c>.</summary>
    public const string ComfortNoise = "CN";
}
