namespace Emx.Sip.Sdp;

/// <summary>
/// A session description (RFC 8866 §5), as carried in an <c>application/sdp</c> body for the offer/answer model
/// of RFC 3264. Parse one with <see cref="SdpParser"/>; <see cref="ToString"/> writes it with
/// <see cref="SdpWriter"/> (CRLF line ends, RFC 8866 field order).
/// </summary>
public sealed record SdpSession
{
    /// <summary>The protocol version, <c>v=</c>; always 0 (RFC 8866 §5.1).</summary>
    public int Version { get; init; }

    /// <summary>The originator and session identifier, <c>o=</c>.</summary>
    public required SdpOrigin Origin { get; init; }

    /// <summary>
    /// The session name, <c>s=</c>; may be empty or a single space. SIP UAs write <c>-</c>, <c>SIP Call</c> or
    /// their product name.
    /// </summary>
    public required string SessionName { get; init; }

    /// <summary>The session information, <c>i=</c>.</summary>
    public string? Information { get; init; }

    /// <summary>The URI, <c>u=</c>.</summary>
    public string? Uri { get; init; }

    /// <summary>The <c>e=</c> lines, verbatim.</summary>
    public IReadOnlyList<string> Emails { get; init; } = [];

    /// <summary>The <c>p=</c> lines, verbatim.</summary>
    public IReadOnlyList<string> Phones { get; init; } = [];

    /// <summary>The session-level <c>c=</c> line, which applies to every medium without its own.</summary>
    public SdpConnection? Connection { get; init; }

    /// <summary>The session-level <c>b=</c> lines.</summary>
    public IReadOnlyList<SdpBandwidth> Bandwidths { get; init; } = [];

    /// <summary>
    /// The <c>t=</c> lines with their <c>r=</c> lines. Empty when a (non-conforming) UA sent none; the writer then
    /// emits <c>t=0 0</c>.
    /// </summary>
    public IReadOnlyList<SdpTiming> Timings { get; init; } = [];

    /// <summary>The <c>z=</c> line, verbatim.</summary>
    public string? TimeZones { get; init; }

    /// <summary>The obsolete <c>k=</c> line, verbatim (RFC 8866 §5.12).</summary>
    public string? EncryptionKey { get; init; }

    /// <summary>The session-level <c>a=</c> lines, in order.</summary>
    public IReadOnlyList<SdpAttribute> Attributes { get; init; } = [];

    /// <summary>The media descriptions, in order (their index is their identity in offer/answer, RFC 3264 §6).</summary>
    public IReadOnlyList<SdpMediaDescription> Media { get; init; } = [];

    /// <summary>The session-level direction attribute, or null when there is none.</summary>
    public SdpDirection? Direction => SdpAttributeList.FindDirection(Attributes);

    /// <summary>The value of the first session-level attribute named <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? GetAttributeValue(string name) => SdpAttributeList.FindValue(Attributes, name);

    /// <summary>The connection that applies to <paramref name="media"/>: its own first <c>c=</c> line, else the session's.</summary>
    public SdpConnection? GetConnection(SdpMediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Connections.Count > 0 ? media.Connections[0] : Connection;
    }

    /// <summary>
    /// The direction that applies to <paramref name="media"/>: its own attribute, else the session-level one, else
    /// <see cref="SdpDirection.SendRecv"/> (RFC 8866 §6.7, RFC 3264 §5.1).
    /// </summary>
    public SdpDirection GetDirection(SdpMediaDescription media)
    {
        ArgumentNullException.ThrowIfNull(media);
        return media.Direction ?? Direction ?? SdpDirection.SendRecv;
    }

    /// <summary>The session description in wire form; see <see cref="SdpWriter.Write"/>.</summary>
    public override string ToString() => SdpWriter.Write(this);
}
