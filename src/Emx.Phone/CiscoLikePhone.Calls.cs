using System.Globalization;
using System.Net;
using System.Text;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;

namespace Emx.Phones;

/// <summary>The phone's calls: a SIP user agent for INVITE dialogs (RFC 3261 §12-15), as UAC and as UAS.</summary>
public sealed partial class CiscoLikePhone
{
    /// <summary>Where RTP ports are allocated from (CUCM's default Start/Stop Media Port, 16384-32766).</summary>
    private const int FirstRtpPort = 16384;
    private const int LastRtpPort = 32766;

    private readonly List<PhoneCall> _calls = [];
    private readonly List<TaskCompletionSource<PhoneCall>> _incomingWaiters = [];

    /// <summary>Raised when a call rings: an incoming call alerting on a line (180 sent), or the far end of an outgoing call ringing (180/183 received).</summary>
    public event EventHandler<PhoneCallEventArgs>? CallRinging;

    /// <summary>Raised when a call connects (2xx ACKed).</summary>
    public event EventHandler<PhoneCallEventArgs>? CallConnected;

    /// <summary>Raised once when a call ends, however it ends.</summary>
    public event EventHandler<PhoneCallEventArgs>? CallEnded;

    /// <summary>The calls not yet ended, oldest first.</summary>
    public IReadOnlyList<PhoneCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The address the phone's SDP names for RTP.</summary>
    internal IPAddress MediaAddress =>
        _transport is { } transport && IPAddress.TryParse(transport.AdvertisedHost.Trim('[', ']'), out var address) ? address : _options.LocalAddress;

    /// <summary>The codecs the phone offers and accepts, in order of preference.</summary>
    internal IReadOnlyList<string> Codecs => _options.Codecs;

    /// <summary>The SIP timers (T1, T2, 64*T1) in force.</summary>
    internal SipTransactionOptions Timers => _layer?.Options ?? SipTransactionOptions.Default;

    internal TimeProvider TimeProvider => _options.TimeProvider;

    /// <summary>
    /// A task that completes with the next incoming call when it starts ringing: take it before the call is placed,
    /// then await it with a timeout.
    /// </summary>
    public Task<PhoneCall> NextIncomingCallAsync()
    {
        var waiter = new TaskCompletionSource<PhoneCall>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _incomingWaiters.Add(waiter);
        }

        return waiter.Task;
    }

    /// <summary>
    /// Places a call from line <paramref name="lineIndex"/> (the configuration's lineIndex, 1-based): an INVITE to
    /// <c>sip:&lt;dialed&gt;@&lt;CallManager host[:port]&gt;</c>, sent to the CallManager the phone registers with (or to
    /// <see cref="CiscoLikePhoneOptions.OutboundProxy"/>), with an SDP offer. Returns once the INVITE is sent; follow the
    /// call with <see cref="PhoneCall.Ringing"/>, <see cref="PhoneCall.Connected"/> and <see cref="PhoneCall.Ended"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dialed"/> is empty or holds characters a phone cannot dial.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The configuration has no line <paramref name="lineIndex"/>.</exception>
    /// <exception cref="InvalidOperationException">The phone is not started, the line is not registered, or all its calls are in use.</exception>
    public Task<PhoneCall> PlaceCallAsync(string dialed, int lineIndex = 1, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dialed);
        dialed = dialed.Trim();
        if (!dialed.All(c => char.IsAsciiLetterOrDigit(c) || c is '*' or '#' or '+' or '.' or '-' or '_'))
        {
            throw new ArgumentException($"'{dialed}' is not a number a phone can dial.", nameof(dialed));
        }

        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_layer is not { } layer || _transport is not { } transport)
        {
            throw new InvalidOperationException("The phone is not started.");
        }

        PhoneCall call;
        SipDestination destination;
        lock (_gate)
        {
            var line = _lines.FirstOrDefault(l => l.LineIndex == lineIndex)
                ?? throw new ArgumentOutOfRangeException(nameof(lineIndex), lineIndex, "The configuration has no such line.");
            if (!line.IsRegistered || _registrar is not { } registrar)
            {
                throw new InvalidOperationException($"Line {lineIndex} ({line.Dn}) is not registered.");
            }

            if (_calls.Count(c => c.LineDn == line.Dn) >= line.MaxCalls)
            {
                throw new InvalidOperationException($"Line {lineIndex} ({line.Dn}) already has {line.MaxCalls} calls.");
            }

            destination = _options.OutboundProxy is { } proxy ? new SipDestination(_options.Transport, proxy) : registrar;
            var port = registrar.EndPoint.Port == SipTransportKinds.DefaultPort ? (int?)null : registrar.EndPoint.Port;
            var invite = CreateInvite(line, SipUri.CreateSip(dialed, _registrarHost, port), transport);
            call = PhoneCall.Outgoing(this, line.Dn, dialed, invite, AllocateRtpPortLocked());
            _calls.Add(call);
        }

        try
        {
            call.SetClientTransaction(layer.SendRequest(call.OutgoingInvite, destination, (_, response) => call.OnInviteResponse(response)));
        }
        catch (InvalidOperationException)
        {
            call.Abort();
            throw;
        }

        Report($"line {call.LineDn}: calling {dialed} via {destination.EndPoint}");
        return Task.FromResult(call);
    }

    internal void Track(Task task)
    {
        _background.TryAdd(task, 0);
        _ = task.ContinueWith(t => _background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    internal void Report(string message) => Diagnostic?.Invoke(this, new PhoneDiagnosticEventArgs(message));

    /// <summary>The phone's Contact for a line: its own address, the transport, and its instance (what it registered).</summary>
    internal string ContactHeader(string dn)
    {
        var transport = _transport!;
        var uri = SipUri.CreateSip(dn, transport.AdvertisedHost, transport.AdvertisedPort)
            .WithParameter("transport", transport.Kind.ToViaTransport().ToLowerInvariant());
        return "<" + uri + ">;+sip.instance=\"" + DeviceName.InstanceId + "\"";
    }

    internal void RaiseCallEvent(CallEventKind kind, PhoneCall call, PhoneCallInfo info)
    {
        var args = new PhoneCallEventArgs(call, info);
        switch (kind)
        {
            case CallEventKind.Ringing:
                CallRinging?.Invoke(this, args);
                if (call.Direction == PhoneCallDirection.Incoming)
                {
                    List<TaskCompletionSource<PhoneCall>> waiters;
                    lock (_gate)
                    {
                        waiters = [.. _incomingWaiters];
                        _incomingWaiters.Clear();
                    }

                    foreach (var waiter in waiters)
                    {
                        waiter.TrySetResult(call);
                    }
                }

                break;
            case CallEventKind.Connected:
                CallConnected?.Invoke(this, args);
                break;
            case CallEventKind.Ended:
                Report(string.Create(CultureInfo.InvariantCulture, $"line {info.LineDn}: call with {info.RemoteNumber} ended ({info.StatusCode} {info.ReasonPhrase}, by {info.EndedBy})"));
                CallEnded?.Invoke(this, args);
                break;
        }
    }

    internal void ForgetCall(PhoneCall call)
    {
        lock (_gate)
        {
            _calls.Remove(call);
        }
    }

    /// <summary>Sends an ACK (or any request outside a transaction) to the next hop of <paramref name="nextHop"/>.</summary>
    internal async Task SendStatelessAsync(SipRequest request, SipUri nextHop)
    {
        if (_layer is not { } layer || await ResolveAsync(nextHop) is not { } destination)
        {
            return;
        }

        var result = await layer.SendStatelessRequestAsync(request, destination, _stopping.Token);
        if (!result.IsSuccess)
        {
            Report($"{request.Method} to {destination.EndPoint} failed: {result.Status}");
        }
    }

    /// <summary>Sends a request in a client transaction; its final response (408 or 503 made up locally), or null when it could not be sent.</summary>
    internal async Task<SipResponse?> SendInTransactionAsync(SipRequest request, SipUri nextHop)
    {
        if (_layer is not { } layer || await ResolveAsync(nextHop) is not { } destination)
        {
            return null;
        }

        SipClientTransaction transaction;
        try
        {
            transaction = layer.SendRequest(request, destination);
        }
        catch (InvalidOperationException)
        {
            // Switched off meanwhile.
            return null;
        }

        await Task.WhenAny(transaction.FinalResponse, transaction.Completion);
        return transaction.FinalResponse.IsCompletedSuccessfully ? await transaction.FinalResponse : null;
    }

    /// <summary>Where a URI of a dialog (remote target, route) takes the phone's requests: its host (maddr) and port, over the phone's transport.</summary>
    private async ValueTask<SipDestination?> ResolveAsync(SipUri uri)
    {
        var host = (uri.Maddr ?? uri.Host).Trim('[', ']');
        var port = uri.Port ?? SipTransportKinds.DefaultPort;
        if (IPAddress.TryParse(host, out var address))
        {
            return new SipDestination(_options.Transport, new IPEndPoint(address, port));
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, _stopping.Token);
            if (addresses.FirstOrDefault(a => a.AddressFamily == _options.LocalAddress.AddressFamily) is { } found)
            {
                return new SipDestination(_options.Transport, new IPEndPoint(found, port));
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Reported below.
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        Report($"cannot resolve {host} for {uri}");
        return null;
    }

    /// <summary>An INVITE outside any dialog: a new call to one of the phone's lines (or not).</summary>
    private void OnInvite(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        if (request.Require is { Count: > 0 } required)
        {
            // The phone supports no extension a request could require (§8.2.2.3).
            var unsupported = transaction.CreateResponse(420);
            unsupported.Headers.Add(SipHeaderNames.Unsupported, string.Join(", ", required));
            transaction.SendResponse(unsupported);
            return;
        }

        if (request.Contacts is not [{ Uri: not null }, ..])
        {
            transaction.SendResponse(transaction.CreateResponse(400, "Missing Contact"));
            return;
        }

        SdpChoice? offered = null;
        if (request.Body.Length > 0)
        {
            if (request.ContentType is { } type && !type.Is("application/sdp"))
            {
                var unsupported = transaction.CreateResponse(415);
                unsupported.Headers.Add(SipHeaderNames.Accept, "application/sdp");
                transaction.SendResponse(unsupported);
                return;
            }

            offered = PhoneSdp.Negotiate(Encoding.UTF8.GetString(request.Body.Span), Codecs);
            if (offered is null)
            {
                // RFC 3261 §13.3.1.3 and §21.4.26: nothing in the offer the phone can use.
                var refused = transaction.CreateResponse(488);
                refused.Headers.Add(SipHeaderNames.Warning, "304 " + UserAgentName + " \"Media type not available\"");
                transaction.SendResponse(refused);
                Report($"INVITE {request.CallId}: no codec in common; 488");
                return;
            }
        }

        var dn = request.RequestUri.User ?? request.To?.Uri.User;
        PhoneCall? call = null;
        int status;
        lock (_gate)
        {
            var line = dn is null ? null : _lines.FirstOrDefault(l => l.Dn == dn);
            if (_calls.Any(c => c.Direction == PhoneCallDirection.Incoming && c.CallId == request.CallId && c.RemoteFromTag == request.From?.Tag))
            {
                // §8.2.2.2: the same request again by another path (a fork that loops back).
                status = 482;
            }
            else if (line is null)
            {
                // Not a line of the current configuration (one a re-sync removed, or a wrong number).
                status = 404;
            }
            else if (!line.IsRegistered)
            {
                status = 480;
            }
            else if (_calls.Count(c => c.LineDn == line.Dn) >= line.MaxCalls)
            {
                status = 486;
            }
            else
            {
                call = PhoneCall.Incoming(this, line.Dn, transaction, offered, AllocateRtpPortLocked());
                _calls.Add(call);
                status = 180;
            }
        }

        if (call is null)
        {
            transaction.SendResponse(transaction.CreateResponse(status));
            Report(string.Create(CultureInfo.InvariantCulture, $"INVITE for {dn} from {request.From?.Uri}: {status}"));
            return;
        }

        Report($"line {call.LineDn}: incoming call from {call.RemoteNumber}");
        call.StartRinging(_options.AutoAnswer, _options.AutoAnswerDelay);
    }

    /// <summary>A request with a To tag: in one of the phone's dialogs, or 481 (§12.2.2).</summary>
    private void OnDialogRequest(SipServerTransaction transaction)
    {
        var call = FindCall(c => c.InDialog(transaction.Request));
        if (call is null)
        {
            transaction.SendResponse(transaction.CreateResponse(481));
            return;
        }

        call.OnDialogRequest(transaction);
    }

    private void OnAckReceived(SipReceivedMessage received)
    {
        if (received.Message is SipRequest ack)
        {
            foreach (var call in Calls)
            {
                if (call.OnAck(ack))
                {
                    return;
                }
            }
        }
    }

    /// <summary>A 2xx to the phone's INVITE after its client transaction ended (§13.2.2.4: it is ACKed again).</summary>
    private void OnStrayResponseReceived(SipReceivedMessage received)
    {
        if (received.Message is SipResponse { IsSuccess: true, CSeq.Method: SipMethods.Invite } response
            && FindCall(c => c.Direction == PhoneCallDirection.Outgoing && c.CallId == response.CallId && c.LocalTag == response.From?.Tag) is { } call)
        {
            call.OnInviteResponse(response);
        }
    }

    /// <summary>After a re-sync: calls not yet up on lines the new configuration lacks end; calls up continue.</summary>
    private void DropCallsOfGoneLines(IReadOnlyCollection<string> currentLines)
    {
        foreach (var call in Calls.Where(c => !currentLines.Contains(c.LineDn)))
        {
            call.DropBecauseTheLineIsGone();
        }
    }

    private void AbortCalls()
    {
        foreach (var call in Calls)
        {
            call.Abort();
        }

        lock (_gate)
        {
            foreach (var waiter in _incomingWaiters)
            {
                waiter.TrySetCanceled();
            }

            _incomingWaiters.Clear();
        }
    }

    private PhoneCall? FindCall(Func<PhoneCall, bool> predicate)
    {
        foreach (var call in Calls)
        {
            if (predicate(call))
            {
                return call;
            }
        }

        return null;
    }

    /// <summary>The lowest even port of the range no call of the phone uses (the lock is held).</summary>
    private int AllocateRtpPortLocked()
    {
        var used = _calls.Select(c => c.LocalRtpPort).ToHashSet();
        for (var port = FirstRtpPort; port <= LastRtpPort; port += 2)
        {
            if (!used.Contains(port))
            {
                return port;
            }
        }

        return FirstRtpPort;
    }

    /// <summary>An INVITE as a Cisco 88xx sends it (without the SDP, added by the caller).</summary>
    private SipRequest CreateInvite(LineState line, SipUri requestUri, ISipTransport transport)
    {
        var aor = SipUri.CreateSip(line.Dn, _registrarHost);
        var request = new SipRequest(SipMethods.Invite, requestUri);
        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, new SipNameAddress(aor, line.DisplayName).WithTag(SipResponseFactory.CreateTag()).ToString());
        request.Headers.Add(SipHeaderNames.To, new SipNameAddress(requestUri).ToString());
        request.Headers.Add(SipHeaderNames.CallId, Guid.NewGuid().ToString("N") + "@" + transport.AdvertisedHost);
        request.Headers.Add(SipHeaderNames.CSeq, "101 " + SipMethods.Invite);
        request.Headers.Add(SipHeaderNames.Contact, ContactHeader(line.Dn));
        request.Headers.Add(SipHeaderNames.Allow, AllowHeader);
        request.Headers.Add(SipHeaderNames.UserAgent, UserAgentName);
        return request;
    }
}
