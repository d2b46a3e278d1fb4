using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;

using SipTransportKind = Emx.Sip.Transport.SipTransportKind;

namespace Emx.Integration.Tests;

/// <summary>
/// A bare SIP user agent for registrar tests, on real sockets: builds REGISTERs by hand (so tests can break every
/// rule), sends them in client transactions, and answers NOTIFY 200 while recording it.
/// </summary>
public sealed class SipTestClient : ISipTransactionUser, IAsyncDisposable
{
    private readonly SipTransactionLayer _layer;
    private readonly SipDestination _server;
    private readonly ConcurrentQueue<SipRequest> _notifies = new();
    private readonly SemaphoreSlim _notified = new(0);
    private uint _cseq;

    private SipTestClient(IPEndPoint server, SipTransportKind kind)
    {
        ISipTransport transport = kind == SipTransportKind.Tcp
            ? new SipTcpTransport(new IPEndPoint(IPAddress.Loopback, 0))
            : new SipUdpTransport(new IPEndPoint(IPAddress.Loopback, 0));
        _layer = new SipTransactionLayer([transport], this);
        _server = new SipDestination(kind, server);
        _layer.Start();
    }

    /// <summary>The client's address: the host and port of its contacts.</summary>
    public IPEndPoint LocalEndPoint => _layer.Transports[0].LocalEndPoint;

    /// <summary>The Call-ID of every REGISTER unless a test gives another.</summary>
    public string CallId { get; } = Guid.NewGuid().ToString("N");

    public static SipTestClient Start(IPEndPoint server, SipTransportKind kind = SipTransportKind.Udp) => new(server, kind);

    /// <summary>Sends the node's own check-sync NOTIFY from <paramref name="from"/> to a phone; returns the final status.</summary>
    public static async Task<int> SendCheckSyncAsync(IPAddress from, IPEndPoint phone)
    {
        var user = new SipTestClient.NoRequests();
        await using var layer = new SipTransactionLayer([new SipUdpTransport(new IPEndPoint(from, 0))], user);
        layer.Start();
        var notify = Cluster.CallControl.CheckSyncNotifier.CreateNotify(SipUri.CreateSip("1901", phone.Address.ToString(), phone.Port), "1901", layer.Transports[0]);
        var transaction = layer.SendRequest(notify, new SipDestination(SipTransportKind.Udp, phone));
        return (await transaction.FinalResponse.WaitAsync(EmAppLab.WaitLimit, TestContext.Current.CancellationToken)).StatusCode;
    }

    /// <summary>A Contact value of this client for <paramref name="dn"/>, naming <paramref name="device"/>'s instance.</summary>
    public string Contact(string dn, string? device = EmAppLab.Phone1, string? expires = null, int? port = null) =>
        $"<sip:{dn}@127.0.0.1:{(port ?? LocalEndPoint.Port).ToString(CultureInfo.InvariantCulture)}>"
        + (device is null ? "" : $";+sip.instance=\"{Protocols.DeviceName.Parse(device).InstanceId}\"")
        + (expires is null ? "" : ";expires=" + expires);

    /// <summary>A REGISTER for <paramref name="dn"/>: the next CSeq of <see cref="CallId"/>, the given contacts (default: this client for Phone1).</summary>
    public SipRequest Register(string dn, string? expires = null, string? callId = null, uint? cseq = null, params string[] contacts)
    {
        var aor = "<sip:" + dn + "@127.0.0.1>";
        var request = new SipRequest(SipMethods.Register, SipUri.Parse("sip:127.0.0.1"));
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, aor + ";tag=" + SipResponseFactory.CreateTag());
        request.Headers.Add(SipHeaderNames.To, aor);
        request.Headers.Add(SipHeaderNames.CallId, callId ?? CallId);
        request.Headers.Add(SipHeaderNames.CSeq, (cseq ?? Interlocked.Increment(ref _cseq)).ToString(CultureInfo.InvariantCulture) + " REGISTER");
        foreach (var contact in contacts.Length == 0 ? [Contact(dn)] : contacts)
        {
            request.Headers.Add(SipHeaderNames.Contact, contact);
        }

        if (expires is not null)
        {
            request.Headers.Add(SipHeaderNames.Expires, expires);
        }

        request.Headers.Add(SipHeaderNames.ContentLength, "0");
        return request;
    }

    /// <summary>Sends a request and returns its final response.</summary>
    public async Task<SipResponse> SendAsync(SipRequest request)
    {
        var transaction = _layer.SendRequest(request, _server);
        return await transaction.FinalResponse.WaitAsync(EmAppLab.WaitLimit, TestContext.Current.CancellationToken);
    }

    /// <summary>REGISTER and the answer in one step.</summary>
    public Task<SipResponse> RegisterAsync(string dn, string? expires = null, params string[] contacts) => SendAsync(Register(dn, expires, contacts: contacts));

    /// <summary>The next NOTIFY received (already answered 200).</summary>
    public async Task<SipRequest> NextNotifyAsync()
    {
        Assert.True(await _notified.WaitAsync(EmAppLab.WaitLimit, TestContext.Current.CancellationToken), "no NOTIFY came");
        Assert.True(_notifies.TryDequeue(out var notify));
        return notify;
    }

    public void OnRequest(SipServerTransaction transaction)
    {
        if (transaction.Request.Method == SipMethods.Notify)
        {
            _notifies.Enqueue(transaction.Request);
            transaction.SendResponse(transaction.CreateResponse(200));
            _notified.Release();
            return;
        }

        transaction.SendResponse(transaction.CreateResponse(405));
    }

    public void OnAck(SipReceivedMessage ack)
    {
    }

    public void OnStrayResponse(SipReceivedMessage response)
    {
    }

    public async ValueTask DisposeAsync()
    {
        await _layer.DisposeAsync();
        _notified.Dispose();
    }

    private sealed class NoRequests : ISipTransactionUser
    {
        public void OnRequest(SipServerTransaction transaction) => transaction.SendResponse(transaction.CreateResponse(405));

        public void OnAck(SipReceivedMessage ack)
        {
        }

        public void OnStrayResponse(SipReceivedMessage response)
        {
        }
    }
}
