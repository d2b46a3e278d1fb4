using System.Collections.Concurrent;
using System.Globalization;
using Emx.Phones;
using Emx.Protocols.PhoneConfig;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using SipTransportKind = Emx.Sip.Transport.SipTransportKind;

namespace Emx.Integration.Tests.Calls;

/// <summary>
/// A test-only cluster for phone calls without the server (whose proxy is built elsewhere): it serves each phone's
/// <c>SEP&lt;MAC&gt;.cnf.xml</c> through the phones' HTTP handler, answers REGISTER 200 and keeps the bindings, and
/// proxies INVITE dialogs between registered phones as a small transaction-stateful proxy that record-routes twice
/// (RFC 5658 style: <c>leg=out</c> facing the callee on top, <c>leg=in</c> facing the caller), so the phones' route
/// sets (RFC 3261 §12.1) are exercised in both directions.
/// </summary>
public sealed class StubCluster : ISipTransactionUser, IAsyncDisposable
{
    private readonly SipTransactionLayer _layer;
    private readonly ConfigHandler _config = new();
    private readonly ConcurrentDictionary<string, SipUri> _bindings = new();
    private readonly ConcurrentQueue<SipRequest> _received = new();

    private StubCluster()
    {
        // UDP and TCP on one port: a free UDP port may be taken for TCP, so try again (as the node's listener does).
        SipUdpTransport udp;
        SipTcpTransport tcp;
        for (var attempt = 1; ; attempt++)
        {
            udp = new SipUdpTransport(new IPEndPoint(IPAddress.Loopback, 0));
            try
            {
                tcp = new SipTcpTransport(new IPEndPoint(IPAddress.Loopback, udp.LocalEndPoint.Port));
                break;
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 20)
            {
                udp.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }

        _layer = new SipTransactionLayer([udp, tcp], this);
        _layer.Start();
        SipEndPoint = udp.LocalEndPoint;
    }

    /// <summary>The CallManager's SIP address (UDP and TCP on the same port).</summary>
    public IPEndPoint SipEndPoint { get; }

    /// <summary>Every request the stub received (REGISTER, INVITE, ACK, BYE, CANCEL...), in order.</summary>
    public IReadOnlyList<SipRequest> Received => [.. _received];

    /// <summary>The registered contact of each line.</summary>
    public IReadOnlyDictionary<string, SipUri> Bindings => _bindings;

    public static StubCluster Start() => new();

    /// <summary>A line of a configuration file.</summary>
    public static SipLine Line(int index, string dn, string? displayName = null, int? busyTrigger = null) =>
        new() { Button = index, LineIndex = index, Name = dn, DisplayName = displayName, BusyTrigger = busyTrigger };

    /// <summary>Sets (or replaces, for a re-sync) the lines of <paramref name="device"/>'s configuration file.</summary>
    public void SetLines(string device, params SipLine[] lines) => _config.Set(device, new PhoneConfigFile
    {
        DeviceProtocol = "SIP",
        VersionStamp = Guid.NewGuid().ToString("N"),
        DevicePool = new DevicePoolSettings
        {
            Name = "Default",
            CallManagerGroup = new CallManagerGroupSettings
            {
                Name = "Default",
                Members =
                [
                    new CallManagerMember { Priority = 0, Name = "stub-cm", ProcessNodeName = "127.0.0.1", Ports = new CallManagerPorts { SipPort = SipEndPoint.Port } },
                ],
            },
        },
        SipProfile = new SipProfileSettings { Lines = [.. lines] },
    });

    /// <summary>Boots a phone of this cluster (its lines set first with <see cref="SetLines"/>).</summary>
    public async Task<CiscoLikePhone> StartPhoneAsync(
        string device,
        IPEndPoint? outboundProxy = null,
        bool autoAnswer = false,
        IReadOnlyList<string>? codecs = null,
        SipTransactionOptions? timers = null,
        SipTransportKind transport = SipTransportKind.Udp,
        TimeProvider? time = null)
    {
        var phone = new CiscoLikePhone(new CiscoLikePhoneOptions
        {
            DeviceName = Protocols.DeviceName.Parse(device),
            Cluster = "127.0.0.1",
            HttpHandler = _config,
            Transport = transport,
            OutboundProxy = outboundProxy,
            AutoAnswer = autoAnswer,
            Codecs = codecs ?? ["G722", "PCMU", "PCMA", "G729"],
            SipTimers = timers,
            TimeProvider = time ?? TimeProvider.System,
        });
        try
        {
            await phone.StartAsync(EmAppLab.Ct).WaitAsync(EmAppLab.WaitLimit, EmAppLab.Ct);
        }
        catch
        {
            await phone.DisposeAsync();
            throw;
        }

        return phone;
    }

    /// <summary>The requests of <paramref name="method"/> received so far.</summary>
    public IReadOnlyList<SipRequest> ReceivedOf(string method) => [.. _received.Where(r => r.Method == method)];

    public void OnRequest(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        _received.Enqueue(request);
        if (request.Method == SipMethods.Register)
        {
            Register(transaction);
            return;
        }

        var forward = Forward(request, transaction.Source.Transport.Kind, out var status);
        if (forward is null)
        {
            transaction.SendResponse(transaction.CreateResponse(status));
            return;
        }

        var (copy, destination) = forward.Value;
        var client = _layer.SendRequest(copy, destination, (_, response) =>
        {
            if (response.StatusCode != 100)
            {
                transaction.SendResponse(Relay(response));
            }
        });
        transaction.CancelRequested.Register(() => client.Cancel());
    }

    public void OnAck(SipReceivedMessage ack)
    {
        var request = (SipRequest)ack.Message;
        _received.Enqueue(request);
        if (Forward(request, ack.Transport.Kind, out _) is { } forward)
        {
            _ = _layer.SendStatelessRequestAsync(forward.Request, forward.Destination).AsTask();
        }
    }

    public void OnStrayResponse(SipReceivedMessage response)
    {
    }

    public async ValueTask DisposeAsync()
    {
        await _layer.DisposeAsync();
        _config.Dispose();
    }

    /// <summary>A REGISTER: 200 with the binding (or its removal for Expires 0).</summary>
    private void Register(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        var dn = request.To!.Uri.User!;
        var contact = request.Contacts.FirstOrDefault(c => !c.IsWildcard);
        var expires = contact?.Expires ?? request.Expires ?? 3600;
        var ok = transaction.CreateResponse(200);
        if (contact is null || expires == 0)
        {
            _bindings.TryRemove(dn, out _);
        }
        else
        {
            _bindings[dn] = contact.Uri!;
            ok.Headers.Add(SipHeaderNames.Contact, "<" + contact.Uri + ">;expires=" + expires.ToString(CultureInfo.InvariantCulture));
        }

        transaction.SendResponse(ok);
    }

    /// <summary>
    /// Where a request goes next (RFC 3261 §16.4-16.6): the stub's own Route entries are removed; an initial INVITE is
    /// retargeted to the Request-URI user's binding (404 without one) and record-routed; the rest follow their Route or
    /// Request-URI. Null (with a status) when it goes nowhere.
    /// </summary>
    private (SipRequest Request, SipDestination Destination)? Forward(SipRequest request, SipTransportKind arrivedOn, out int status)
    {
        status = 0;
        var routes = request.Routes.SkipWhile(IsMine).ToList();
        var requestUri = request.RequestUri;
        var initial = request.Method == SipMethods.Invite && request.To?.Tag is null;
        if (routes.Count == 0 && IsMine(requestUri))
        {
            if (!initial || requestUri.User is not { } user || !_bindings.TryGetValue(user, out var contact))
            {
                status = 404;
                return null;
            }

            requestUri = contact;
        }

        var copy = new SipRequest(request.Method, requestUri);
        foreach (var header in request.Headers)
        {
            if (IsHeader(header.Name, SipHeaderNames.Route))
            {
                continue;
            }

            copy.Headers.Add(header.Name, IsHeader(header.Name, SipHeaderNames.MaxForwards)
                ? ((request.MaxForwards ?? 70) - 1).ToString(CultureInfo.InvariantCulture)
                : header.Value);
        }

        foreach (var route in routes)
        {
            copy.Headers.Add(SipHeaderNames.Route, route.ToString());
        }

        if (initial)
        {
            copy.Headers.Insert(0, SipHeaderNames.RecordRoute, RecordRoute("in"));
            copy.Headers.Insert(0, SipHeaderNames.RecordRoute, RecordRoute("out"));
        }

        copy.Body = request.Body;
        var next = routes.Count > 0 ? routes[0].Uri : requestUri;
        var kind = string.Equals(next.Transport, "tcp", StringComparison.OrdinalIgnoreCase) ? SipTransportKind.Tcp
            : next.Transport is null ? arrivedOn : SipTransportKind.Udp;
        var destination = new SipDestination(kind, new IPEndPoint(IPAddress.Parse(next.Host), next.Port ?? SipTransportKinds.DefaultPort));
        return (copy, destination);
    }

    private static bool IsHeader(string name, string canonical) =>
        string.Equals(SipHeaderNames.Normalize(name), canonical, StringComparison.OrdinalIgnoreCase);

    private string RecordRoute(string leg) =>
        "<sip:127.0.0.1:" + SipEndPoint.Port.ToString(CultureInfo.InvariantCulture) + ";lr;leg=" + leg + ">";

    private bool IsMine(SipNameAddress route) => IsMine(route.Uri);

    private bool IsMine(SipUri uri) => uri.Host == "127.0.0.1" && uri.Port == SipEndPoint.Port;

    /// <summary>A response passed back upstream: the stub's own Via removed (RFC 3261 §16.7).</summary>
    private static SipResponse Relay(SipResponse response)
    {
        var copy = new SipResponse(response.StatusCode, response.ReasonPhrase);
        var skippedVia = false;
        foreach (var header in response.Headers)
        {
            if (!skippedVia && IsHeader(header.Name, SipHeaderNames.Via))
            {
                skippedVia = true;
                continue;
            }

            copy.Headers.Add(header.Name, header.Value);
        }

        copy.Body = response.Body;
        return copy;
    }

    /// <summary>Serves each device's configuration file as the cluster's config port would.</summary>
    private sealed class ConfigHandler : HttpMessageHandler
    {
        private readonly ConcurrentDictionary<string, PhoneConfigFile> _files = new(StringComparer.OrdinalIgnoreCase);

        public void Set(string device, PhoneConfigFile config) => _files[device + ".cnf.xml"] = config;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var name = request.RequestUri!.AbsolutePath.TrimStart('/');
            var response = _files.TryGetValue(name, out var config)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(PhoneConfigXml.Write(config), Encoding.UTF8, "text/xml") }
                : new HttpResponseMessage(HttpStatusCode.NotFound);
            return Task.FromResult(response);
        }
    }
}
