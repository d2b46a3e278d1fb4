using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;

namespace Emx.Sip.Transport;

/// <summary>What to do with one received datagram or frame.</summary>
/// <param name="Message">The message to deliver, or null.</param>
/// <param name="Reply">An error response to send back to the source, or null.</param>
/// <param name="ReplyTo">Where <paramref name="Reply"/> goes.</param>
/// <param name="Event">What to report, or null.</param>
/// <param name="Detail">The report's detail.</param>
internal readonly record struct SipInboundResult(
    SipReceivedMessage? Message, byte[]? Reply, IPEndPoint? ReplyTo, SipTransportEventKind? Event, string? Detail);

/// <summary>
/// The receive path every transport shares (RFC 3261 §18.1.2, §18.2.1, RFC 3581 §4): parse, answer or drop what
/// does not parse, stamp the top Via of requests with where they really came from, and discard responses that
/// were not sent through this transport.
/// </summary>
internal sealed class SipInboundProcessor
{
    private readonly ISipTransport _transport;
    private readonly SipParserOptions _parser;

    public SipInboundProcessor(ISipTransport transport, SipParserOptions parser)
    {
        _transport = transport;
        _parser = parser;
    }

    public SipInboundResult Process(ReadOnlySpan<byte> data, IPEndPoint remote, long connectionId)
    {
        remote = Normalize(remote);
        if (!SipMessageParser.TryParse(data, _parser, out var message, out var error))
        {
            return Reject(error, remote);
        }

        switch (message)
        {
            case SipRequest request:
                StampVia(request, remote);
                break;
            case SipResponse response when !IsOwnVia(response.TopVia):
                return new SipInboundResult(null, null, null, SipTransportEventKind.ResponseDiscarded, "Top Via sent-by is not this transport's: " + response.TopVia?.SentBy);
        }

        return new SipInboundResult(new SipReceivedMessage(message, _transport, remote, connectionId), null, null, null, null);
    }

    /// <summary>The answer to a request that failed to parse, or to a framing error, when one can be built.</summary>
    public SipInboundResult Reject(SipParseError error, IPEndPoint remote)
    {
        if (error.Kind == SipParseErrorKind.Empty)
        {
            // A bare CRLF keep-alive (RFC 5626 §3.5.1 on a datagram): nothing to say.
            return default;
        }

        if (!SipResponseFactory.TryCreateErrorResponse(error, out var response))
        {
            return new SipInboundResult(null, null, null, SipTransportEventKind.MalformedDropped, error.ToString());
        }

        // The response copies Via, From, To, Call-ID and CSeq verbatim; if one of those is what was malformed,
        // the answer would be just as malformed and match nothing at the client. Never send what we cannot parse.
        var bytes = SipMessageWriter.ToBytes(response);
        if (!SipMessageParser.TryParse(bytes, SipParserOptions.Default, out _, out var answerError))
        {
            return new SipInboundResult(null, null, null, SipTransportEventKind.MalformedDropped, error + " (no valid answer: " + answerError.ReasonPhrase + ")");
        }

        return new SipInboundResult(null, bytes, ErrorReplyTarget(response.TopVia, remote), SipTransportEventKind.MalformedAnswered, error.ToString());
    }

    /// <summary>
    /// RFC 3261 §18.2.1: add <c>received</c> when the sent-by host is not the packet's source address; RFC 3581
    /// §4: when <c>rport</c> is present, set it to the source port, and add <c>received</c> even if it equals
    /// sent-by. A <c>received</c> or <c>rport</c> value sent by the peer is replaced.
    /// </summary>
    internal static void StampVia(SipRequest request, IPEndPoint source)
    {
        var index = request.Headers.IndexOf(SipHeaderNames.Via);
        if (index < 0 || request.TopVia is not { } via)
        {
            return;
        }

        // A received parameter the peer wrote itself is overwritten with the truth: left alone it would steer
        // responses to any address the peer likes (a reflection attack).
        var updated = via;
        if (via.HasRPort || via.Parameters.Contains("received") || !HostIsAddress(via.Host, source.Address))
        {
            updated = updated.WithParameter("received", source.Address.ToString());
        }

        if (via.HasRPort)
        {
            updated = updated.WithParameter("rport", source.Port.ToString(CultureInfo.InvariantCulture));
        }

        if (!ReferenceEquals(updated, via))
        {
            request.Headers.RemoveAt(index);
            request.Headers.Insert(index, SipHeaderNames.Via, updated.ToString());
        }
    }

    internal static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    /// <summary>Parses a Via host or received value (IPv6 with or without brackets) as an address.</summary>
    internal static bool TryParseAddress(string? host, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        var text = host.AsSpan();
        if (text.Length > 2 && text[0] == '[' && text[^1] == ']')
        {
            text = text[1..^1];
        }

        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return false;
        }

        address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
        return true;
    }

    private static bool HostIsAddress(string host, IPAddress source) => TryParseAddress(host, out var address) && address.Equals(source);

    /// <summary>
    /// Where an error response to an unparsed request goes: the source address, at the sent-by port unless rport
    /// asked for the source port (RFC 3261 §18.2.2, RFC 3581 §4). Without a usable Via, the source itself.
    /// </summary>
    private IPEndPoint ErrorReplyTarget(SipVia? via, IPEndPoint remote)
    {
        if (_transport.Kind.IsReliable() || via is null || via.HasRPort)
        {
            return remote;
        }

        return new IPEndPoint(remote.Address, via.Port ?? SipTransportKinds.DefaultPort);
    }

    /// <summary>RFC 3261 §18.1.2: a response belongs here only if its top Via carries this transport's sent-by.</summary>
    private bool IsOwnVia(SipVia? via)
    {
        if (via is null || (via.Port ?? SipTransportKinds.DefaultPort) != _transport.AdvertisedPort)
        {
            return false;
        }

        if (string.Equals(via.Host, _transport.AdvertisedHost, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return TryParseAddress(via.Host, out var viaAddress) && TryParseAddress(_transport.AdvertisedHost, out var own) && viaAddress.Equals(own);
    }
}
