using System.Globalization;
using System.Threading.Channels;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using SipTransportKind = Emx.Sip.Transport.SipTransportKind;

namespace Emx.Integration.Tests.Calls;

/// <summary>
/// A bare SIP user agent on UDP for the call tests that must break the happy path: it hands every request and ACK it
/// receives to the test (which answers by hand: no 180, 200 twice, never ACK...) and sends hand-made INVITEs.
/// </summary>
public sealed class SipPeer : ISipTransactionUser, IAsyncDisposable
{
    private readonly Channel<SipServerTransaction> _requests = Channel.CreateUnbounded<SipServerTransaction>();
    private readonly Channel<SipRequest> _acks = Channel.CreateUnbounded<SipRequest>();

    private SipPeer()
    {
        Layer = new SipTransactionLayer([new SipUdpTransport(new IPEndPoint(IPAddress.Loopback, 0))], this);
        Layer.Start();
    }

    public SipTransactionLayer Layer { get; }

    public IPEndPoint EndPoint => Layer.Transports[0].LocalEndPoint;

    /// <summary>The peer's Contact for dialogs.</summary>
    public string Contact => "<sip:peer@127.0.0.1:" + EndPoint.Port.ToString(CultureInfo.InvariantCulture) + ">";

    /// <summary>An offer of PCMU and telephone-event, as a plain SIP phone would send.</summary>
    public static string PcmuOffer { get; } =
        "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 101\r\n"
        + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";

    public static SipPeer Start() => new();

    /// <summary>The next request received (not ACK); other methods than <paramref name="method"/> are answered 200 and skipped.</summary>
    public async Task<SipServerTransaction> NextRequestAsync(string method)
    {
        while (true)
        {
            var transaction = await _requests.Reader.ReadAsync(EmAppLab.Ct).AsTask().WaitAsync(EmAppLab.WaitLimit, EmAppLab.Ct);
            if (transaction.Request.Method == method)
            {
                return transaction;
            }

            transaction.SendResponse(transaction.CreateResponse(200));
        }
    }

    /// <summary>The next ACK for a 2xx (the transaction layer absorbs those for failures).</summary>
    public async Task<SipRequest> NextAckAsync() =>
        await _acks.Reader.ReadAsync(EmAppLab.Ct).AsTask().WaitAsync(EmAppLab.WaitLimit, EmAppLab.Ct);

    /// <summary>True when an ACK arrives within <paramref name="within"/>.</summary>
    public async Task<bool> AckArrivesAsync(TimeSpan within)
    {
        try
        {
            await _acks.Reader.WaitToReadAsync(EmAppLab.Ct).AsTask().WaitAsync(within, EmAppLab.Ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>A response to an INVITE the peer answers as callee: its Contact, and SDP when given.</summary>
    public SipResponse Answer(SipServerTransaction transaction, int statusCode, string? sdp = null)
    {
        var response = transaction.CreateResponse(statusCode);
        response.Headers.Add(SipHeaderNames.Contact, Contact);
        if (sdp is not null)
        {
            response.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            response.Body = Encoding.UTF8.GetBytes(sdp);
        }

        return response;
    }

    /// <summary>An INVITE from the peer to line <paramref name="dn"/> of the phone at <paramref name="phone"/>.</summary>
    public SipRequest Invite(IPEndPoint phone, string dn, string? sdp = null, string? callId = null)
    {
        var invite = new SipRequest(SipMethods.Invite, SipUri.CreateSip(dn, "127.0.0.1", phone.Port));
        invite.Headers.Add(SipHeaderNames.MaxForwards, "70");
        invite.Headers.Add(SipHeaderNames.From, "\"Peer\" <sip:2000@127.0.0.1>;tag=" + SipResponseFactory.CreateTag());
        invite.Headers.Add(SipHeaderNames.To, "<sip:" + dn + "@127.0.0.1>");
        invite.Headers.Add(SipHeaderNames.CallId, callId ?? Guid.NewGuid().ToString("N") + "@127.0.0.1");
        invite.Headers.Add(SipHeaderNames.CSeq, "1 INVITE");
        invite.Headers.Add(SipHeaderNames.Contact, Contact);
        if (sdp is not null)
        {
            invite.Headers.Add(SipHeaderNames.ContentType, "application/sdp");
            invite.Body = Encoding.UTF8.GetBytes(sdp);
        }

        return invite;
    }

    /// <summary>The ACK for a 2xx to <paramref name="invite"/> (sent straight to the phone's Contact).</summary>
    public static SipRequest Ack(SipRequest invite, SipResponse ok)
    {
        var ack = new SipRequest(SipMethods.Ack, ok.Contacts[0].Uri!);
        ack.Headers.Add(SipHeaderNames.MaxForwards, "70");
        ack.Headers.Add(SipHeaderNames.From, invite.Headers.GetFirst(SipHeaderNames.From)!);
        ack.Headers.Add(SipHeaderNames.To, ok.Headers.GetFirst(SipHeaderNames.To)!);
        ack.Headers.Add(SipHeaderNames.CallId, invite.CallId!);
        ack.Headers.Add(SipHeaderNames.CSeq, invite.CSeq!.Number.ToString(CultureInfo.InvariantCulture) + " ACK");
        return ack;
    }

    public void OnRequest(SipServerTransaction transaction) => _requests.Writer.TryWrite(transaction);

    public void OnAck(SipReceivedMessage ack) => _acks.Writer.TryWrite((SipRequest)ack.Message);

    public void OnStrayResponse(SipReceivedMessage response)
    {
    }

    public ValueTask DisposeAsync() => Layer.DisposeAsync();
}
