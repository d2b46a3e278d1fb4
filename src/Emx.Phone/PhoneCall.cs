using System.Globalization;
using System.Text;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;

namespace Emx.Phones;

/// <summary>
/// One call of a <see cref="CiscoLikePhone"/>, placed (<see cref="CiscoLikePhone.PlaceCallAsync"/>) or received
/// (<see cref="CiscoLikePhone.CallRinging"/>): an INVITE dialog as RFC 3261 §12-15 describe it. No media flows: the
/// SDP offer/answer settles a codec and RTP ports only.
/// </summary>
/// <remarks>
/// Tests wait on <see cref="Ringing"/>, <see cref="Connected"/> and <see cref="Ended"/> (with a timeout); the terminal
/// reads <see cref="Info"/>. State changes happen under the call's lock; sends and events run after it is released.
/// </remarks>
public sealed class PhoneCall
{
    private const string SdpType = "application/sdp";

    private readonly CiscoLikePhone _phone;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<bool> _ringing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<PhoneCallInfo> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SipRequest _invite;
    private readonly SipServerTransaction? _serverTransaction;
    private readonly SdpChoice? _offered;
    private readonly long _sessionId;
    private SipClientTransaction? _clientTransaction;
    private SipDialog? _dialog;
    private PhoneCallState _state;
    private int _statusCode;
    private string? _reasonPhrase;
    private PhoneCallEndedBy? _endedBy;
    private string? _codec;
    private long _sessionVersion;
    private bool _hangUpRequested;
    private SipResponse? _answer;
    private ITimer? _retransmit;
    private ITimer? _giveUp;
    private ITimer? _autoAnswer;
    private TimeSpan _retransmitInterval;
    private CancellationTokenRegistration _cancelRegistration;

    private PhoneCall(CiscoLikePhone phone, PhoneCallDirection direction, string lineDn, SipRequest invite, string remoteNumber, string? remoteDisplayName, int rtpPort)
    {
        _phone = phone;
        Direction = direction;
        LineDn = lineDn;
        _invite = invite;
        CallId = invite.CallId!;
        RemoteNumber = remoteNumber;
        RemoteDisplayName = remoteDisplayName;
        LocalRtpPort = rtpPort;
        _sessionId = System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, int.MaxValue);
        _sessionVersion = _sessionId;
    }

    private PhoneCall(CiscoLikePhone phone, string lineDn, SipServerTransaction transaction, SdpChoice? offered, int rtpPort)
        : this(phone, PhoneCallDirection.Incoming, lineDn, transaction.Request, transaction.Request.From?.Uri.User ?? transaction.Request.From?.Uri.ToString() ?? string.Empty, transaction.Request.From?.DisplayName, rtpPort)
    {
        _serverTransaction = transaction;
        _offered = offered;
        _state = PhoneCallState.Ringing;
    }

    /// <summary>The SIP Call-ID.</summary>
    public string CallId { get; }

    /// <summary>Outgoing or incoming.</summary>
    public PhoneCallDirection Direction { get; }

    /// <summary>The phone's line the call is on.</summary>
    public string LineDn { get; }

    /// <summary>The number dialed (outgoing), or the caller's user part (incoming).</summary>
    public string RemoteNumber { get; }

    /// <summary>The caller's display name (incoming), if any.</summary>
    public string? RemoteDisplayName { get; }

    /// <summary>The RTP port the phone's SDP names (allocated per call; nothing listens on it).</summary>
    public int LocalRtpPort { get; }

    /// <summary>The current state.</summary>
    public PhoneCallState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>The call as it stands now.</summary>
    public PhoneCallInfo Info
    {
        get
        {
            lock (_gate)
            {
                return Snapshot();
            }
        }
    }

    /// <summary>Completes with true when the call rings (either side), false when it connects or ends without ringing.</summary>
    public Task<bool> Ringing => _ringing.Task;

    /// <summary>Completes with true when the call connects (2xx and ACK), false when it ends without connecting.</summary>
    public Task<bool> Connected => _connected.Task;

    /// <summary>Completes when the call has ended, with how it ended.</summary>
    public Task<PhoneCallInfo> Ended => _ended.Task;

    /// <summary>The To tag of the phone's answers (incoming) or the From tag of its INVITE (outgoing).</summary>
    internal string LocalTag => Direction == PhoneCallDirection.Outgoing ? _invite.From!.Tag! : _serverTransaction!.ToTag;

    /// <summary>The tag of the far end, for loop detection: the caller's From tag (incoming).</summary>
    internal string? RemoteFromTag => Direction == PhoneCallDirection.Incoming ? _invite.From?.Tag : null;

    /// <summary>
    /// Answers a ringing incoming call: 200 OK with the SDP answer (the first offered codec the phone supports), then
    /// retransmits it (RFC 3261 §13.3.1.4) until the ACK comes. Completes with true once connected, false when the call
    /// ended first (cancelled, or no ACK within 64*T1: the phone then sends BYE).
    /// </summary>
    /// <exception cref="InvalidOperationException">The call is outgoing.</exception>
    public async Task<bool> AnswerAsync(CancellationToken cancellationToken = default)
    {
        if (Direction != PhoneCallDirection.Incoming)
        {
            throw new InvalidOperationException("Only an incoming call is answered.");
        }

        SipResponse? ok = null;
        var transaction = _serverTransaction!;
        lock (_gate)
        {
            if (_state == PhoneCallState.Ringing)
            {
                ok = CreateAnswerLocked(transaction);
            }
        }

        if (ok is null)
        {
            return await WaitAsync(_connected.Task, cancellationToken);
        }

        if (!transaction.SendResponse(ok))
        {
            // The transaction is gone (the phone is switching off).
            End(0, "the INVITE transaction ended before the answer", PhoneCallEndedBy.Local);
            return false;
        }

        lock (_gate)
        {
            if (_state == PhoneCallState.Answering)
            {
                var timers = _phone.Timers;
                _retransmitInterval = timers.T1;
                _retransmit = _phone.TimeProvider.CreateTimer(_ => RetransmitAnswer(), null, _retransmitInterval, Timeout.InfiniteTimeSpan);
                _giveUp = _phone.TimeProvider.CreateTimer(_ => GiveUpWaitingForAck(), null, timers.TimeoutInterval, Timeout.InfiniteTimeSpan);
            }
        }

        return await WaitAsync(_connected.Task, cancellationToken);
    }

    /// <summary>Refuses a ringing incoming call with <paramref name="statusCode"/> (default 486 Busy Here).</summary>
    /// <exception cref="InvalidOperationException">The call is outgoing, or not ringing.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not 300-699.</exception>
    public Task RejectAsync(int statusCode = 486, string? reasonPhrase = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 699);
        if (Direction != PhoneCallDirection.Incoming)
        {
            throw new InvalidOperationException("Only an incoming call is rejected; hang up an outgoing one.");
        }

        if (!Refuse(statusCode, reasonPhrase, PhoneCallEndedBy.Local) && State != PhoneCallState.Ended)
        {
            throw new InvalidOperationException("The call is not ringing.");
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Hangs up: CANCEL for an outgoing call not yet answered (RFC 3261 §9.1; the INVITE then fails 487), BYE for a
    /// connected one (§15.1), 486 for a ringing incoming one. Completes when the call has ended.
    /// </summary>
    public async Task<PhoneCallInfo> HangUpAsync(CancellationToken cancellationToken = default)
    {
        var cancel = false;
        var bye = false;
        var reject = false;
        SipClientTransaction? invite;
        lock (_gate)
        {
            invite = _clientTransaction;
            switch (_state)
            {
                case PhoneCallState.Calling or PhoneCallState.Ringing when Direction == PhoneCallDirection.Outgoing:
                    _hangUpRequested = true;
                    _state = PhoneCallState.Disconnecting;
                    cancel = true;
                    break;
                case PhoneCallState.Ringing:
                    reject = true;
                    break;
                case PhoneCallState.Answering:
                    // §15: no BYE before the ACK; it goes when the ACK comes (or the wait for it ends).
                    _hangUpRequested = true;
                    break;
                case PhoneCallState.Connected:
                    _state = PhoneCallState.Disconnecting;
                    bye = true;
                    break;
            }
        }

        if (reject)
        {
            Refuse(486, null, PhoneCallEndedBy.Local);
        }

        if (cancel && invite is { } transaction && !transaction.Cancel())
        {
            // The final response is already in: a 2xx is ACKed and BYEd by its handler, a failure ended the call.
            _phone.Report($"call {CallId}: nothing left to cancel");
        }

        if (bye)
        {
            _phone.Track(SendByeAsync("hung up"));
        }

        return await WaitAsync(_ended.Task, cancellationToken);
    }

    /// <inheritdoc/>
    public override string ToString() => Info.ToString();

    /// <summary>Creates an outgoing call around the INVITE about to be sent.</summary>
    internal static PhoneCall Outgoing(CiscoLikePhone phone, string lineDn, string dialed, SipRequest invite, int rtpPort)
    {
        var call = new PhoneCall(phone, PhoneCallDirection.Outgoing, lineDn, invite, dialed, null, rtpPort);
        invite.Headers.Add(SipHeaderNames.ContentType, SdpType);
        invite.Body = Encoding.UTF8.GetBytes(PhoneSdp.CreateOffer(phone.MediaAddress, rtpPort, phone.Codecs, call._sessionId, call._sessionVersion));
        return call;
    }

    /// <summary>The INVITE of an outgoing call.</summary>
    internal SipRequest OutgoingInvite => _invite;

    /// <summary>Creates an incoming call for an INVITE the phone accepts; <see cref="StartRinging"/> rings it.</summary>
    internal static PhoneCall Incoming(CiscoLikePhone phone, string lineDn, SipServerTransaction transaction, SdpChoice? offered, int rtpPort) =>
        new(phone, lineDn, transaction, offered, rtpPort);

    internal void SetClientTransaction(SipClientTransaction transaction)
    {
        lock (_gate)
        {
            _clientTransaction = transaction;
        }
    }

    /// <summary>Every response to the phone's INVITE (provisional, final, further 2xx), and stray 2xx retransmissions.</summary>
    internal void OnInviteResponse(SipResponse response)
    {
        var ringing = false;
        SipDialog? ack = null;
        SipDialog? ackAndBye = null;
        var connected = false;
        var byeReason = (string?)null;
        var failed = !response.IsSuccess && response.IsFinal;
        lock (_gate)
        {
            if (response.IsProvisional)
            {
                if (response.StatusCode is 180 or 183 && _state == PhoneCallState.Calling)
                {
                    _state = PhoneCallState.Ringing;
                    _statusCode = 0;
                    _reasonPhrase = response.ReasonPhrase;
                    ringing = true;
                }
            }
            else if (response.IsSuccess)
            {
                var tag = response.To?.Tag;
                if (_dialog is { } dialog)
                {
                    if (tag == dialog.RemoteTag)
                    {
                        // A retransmitted 2xx: its ACK was lost (§13.2.2.4).
                        ack = dialog;
                    }
                    else
                    {
                        // Another fork answered too: confirm that dialog and end it at once (§13.2.2.4).
                        ackAndBye = SipDialog.FromResponse(_invite, response);
                    }
                }
                else if (SipDialog.FromResponse(_invite, response) is not { } created)
                {
                    _phone.Report($"call {CallId}: 2xx without To tag or Contact cannot be acknowledged");
                    if (_state != PhoneCallState.Ended)
                    {
                        EndLocked(502, "2xx without To tag or Contact", PhoneCallEndedBy.Remote, out _);
                        failed = true;
                    }
                }
                else if (_state == PhoneCallState.Ended)
                {
                    // A 2xx after the phone gave up on the INVITE: confirm and end that dialog.
                    ackAndBye = created;
                }
                else
                {
                    _dialog = created;
                    _statusCode = response.StatusCode;
                    _reasonPhrase = response.ReasonPhrase;
                    _codec = Sdp(response) is { } answer ? PhoneSdp.ReadChoice(answer)?.Codec : null;
                    ack = created;
                    if (_hangUpRequested)
                    {
                        // Answered as the CANCEL crossed it: ACK, then BYE (§9.1).
                        byeReason = "hung up while the call was answered";
                    }
                    else
                    {
                        _state = PhoneCallState.Connected;
                        connected = true;
                    }
                }
            }
            else if (_state != PhoneCallState.Ended)
            {
                EndLocked(response.StatusCode, response.ReasonPhrase, _hangUpRequested ? PhoneCallEndedBy.Local : PhoneCallEndedBy.Remote, out _);
            }
        }

        if (ack is not null)
        {
            _phone.Track(SendAckAsync(ack, byeReason));
        }

        if (ackAndBye is not null)
        {
            _phone.Track(AckAndByeAsync(ackAndBye));
        }

        if (ringing)
        {
            _ringing.TrySetResult(true);
            _phone.RaiseCallEvent(CallEventKind.Ringing, this, Info);
        }

        if (connected)
        {
            _ringing.TrySetResult(false);
            _connected.TrySetResult(true);
            _phone.RaiseCallEvent(CallEventKind.Connected, this, Info);
        }

        if (failed)
        {
            Finish();
        }
    }

    /// <summary>Rings an incoming call: 180 Ringing in the dialog the answer will confirm, and the ringing event.</summary>
    internal void StartRinging(bool autoAnswer, TimeSpan autoAnswerDelay)
    {
        var transaction = _serverTransaction!;
        var ringing = transaction.CreateResponse(180);
        AddDialogHeaders(ringing, transaction.Request);
        transaction.SendResponse(ringing);
        var registration = transaction.CancelRequested.Register(OnCancelled);
        lock (_gate)
        {
            _cancelRegistration = registration;
        }

        if (State != PhoneCallState.Ringing)
        {
            return;
        }

        _ringing.TrySetResult(true);
        _phone.RaiseCallEvent(CallEventKind.Ringing, this, Info);
        if (autoAnswer)
        {
            lock (_gate)
            {
                if (_state == PhoneCallState.Ringing)
                {
                    _autoAnswer = _phone.TimeProvider.CreateTimer(_ => _phone.Track(AutoAnswerAsync()), null, autoAnswerDelay, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    /// <summary>An ACK of the far end; returns false when it is not for this call.</summary>
    internal bool OnAck(SipRequest ack)
    {
        var connected = false;
        string? byeReason = null;
        lock (_gate)
        {
            if (_dialog is not { } dialog || !dialog.Matches(ack))
            {
                return false;
            }

            if (_state == PhoneCallState.Answering && ack.CSeq?.Number == _invite.CSeq?.Number)
            {
                StopAnswerTimers();
                if (_offered is null && Sdp(ack) is { } answer)
                {
                    _codec = PhoneSdp.ReadChoice(answer)?.Codec;
                }

                if (_hangUpRequested)
                {
                    _state = PhoneCallState.Disconnecting;
                    byeReason = "hung up while answering";
                }
                else
                {
                    _state = PhoneCallState.Connected;
                    connected = true;
                }
            }
        }

        if (connected)
        {
            _connected.TrySetResult(true);
            _phone.RaiseCallEvent(CallEventKind.Connected, this, Info);
        }

        if (byeReason is not null)
        {
            _phone.Track(SendByeAsync(byeReason));
        }

        return true;
    }

    /// <summary>True when <paramref name="request"/> (from the far end) is in this call's dialog.</summary>
    internal bool InDialog(SipRequest request)
    {
        lock (_gate)
        {
            return _dialog is { } dialog && dialog.Matches(request);
        }
    }

    /// <summary>A request in this call's dialog (BYE, re-INVITE, INFO...); <see cref="InDialog"/> said it is.</summary>
    internal void OnDialogRequest(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        SipResponse response;
        var ended = false;
        lock (_gate)
        {
            var dialog = _dialog!;
            if (!dialog.AcceptRemoteCSeq(request.CSeq!.Number))
            {
                // §12.2.2: out of order.
                response = transaction.CreateResponse(500, "CSeq Out of Order");
            }
            else
            {
                switch (request.Method)
                {
                    case SipMethods.Bye:
                        response = transaction.CreateResponse(200);
                        if (_state != PhoneCallState.Ended)
                        {
                            StopAnswerTimers();
                            EndLocked(_statusCode, _reasonPhrase, PhoneCallEndedBy.Remote, out _);
                            ended = true;
                        }

                        break;
                    case SipMethods.Invite or SipMethods.Update:
                        response = Reoffer(transaction, dialog);
                        break;
                    case SipMethods.Info or SipMethods.Options or SipMethods.Notify:
                        response = transaction.CreateResponse(200);
                        break;
                    default:
                        response = transaction.CreateResponse(501);
                        break;
                }
            }
        }

        transaction.SendResponse(response);
        if (ended)
        {
            Finish();
        }
    }

    /// <summary>The line is gone after a re-sync: a call not yet up ends (calls up continue, RFC-wise and on CUCM).</summary>
    internal void DropBecauseTheLineIsGone()
    {
        PhoneCallState state;
        lock (_gate)
        {
            state = _state;
        }

        if (Direction == PhoneCallDirection.Incoming && state == PhoneCallState.Ringing)
        {
            Refuse(480, "Line Gone After Re-sync", PhoneCallEndedBy.Local);
        }
        else if (Direction == PhoneCallDirection.Outgoing && state is PhoneCallState.Calling or PhoneCallState.Ringing)
        {
            _phone.Track(HangUpAsync(CancellationToken.None));
        }
    }

    /// <summary>The phone is switched off: the call ends where it stands, without signalling.</summary>
    internal void Abort()
    {
        lock (_gate)
        {
            StopAnswerTimers();
            _autoAnswer?.Dispose();
            if (_state == PhoneCallState.Ended)
            {
                return;
            }

            EndLocked(_statusCode, "phone switched off", PhoneCallEndedBy.Local, out _);
        }

        Finish();
    }

    private static async Task<T> WaitAsync<T>(Task<T> task, CancellationToken cancellationToken) =>
        await task.WaitAsync(cancellationToken);

    private static string? Sdp(SipMessage message) =>
        message.Body.Length > 0 && (message.ContentType is null || message.ContentType.Is(SdpType))
            ? Encoding.UTF8.GetString(message.Body.Span)
            : null;

    /// <summary>Contact, the Record-Route of the request (§12.1.1), Allow and User-Agent on a dialog-creating response.</summary>
    private void AddDialogHeaders(SipResponse response, SipRequest request)
    {
        foreach (var recordRoute in request.Headers.GetValues(SipHeaderNames.RecordRoute))
        {
            response.Headers.Add(SipHeaderNames.RecordRoute, recordRoute);
        }

        response.Headers.Add(SipHeaderNames.Contact, _phone.ContactHeader(LineDn));
        response.Headers.Add(SipHeaderNames.Allow, CiscoLikePhone.AllowHeader);
        response.Headers.Add(SipHeaderNames.UserAgent, CiscoLikePhone.UserAgentName);
    }

    /// <summary>Moves a ringing call to Answering and builds its 200 OK (the lock is held).</summary>
    private SipResponse CreateAnswerLocked(SipServerTransaction transaction)
    {
        _state = PhoneCallState.Answering;
        _autoAnswer?.Dispose();
        _dialog = SipDialog.FromRequest(_invite, transaction.ToTag, (uint)System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, 10_000));
        var ok = transaction.CreateResponse(200);
        AddDialogHeaders(ok, transaction.Request);
        string body;
        if (_offered is { } offered)
        {
            _codec = offered.Codec;
            body = PhoneSdp.CreateAnswer(_phone.MediaAddress, LocalRtpPort, offered, _sessionId, _sessionVersion);
        }
        else
        {
            // No offer in the INVITE: the offer goes in the 2xx and the answer comes in the ACK (§13.2.1).
            body = PhoneSdp.CreateOffer(_phone.MediaAddress, LocalRtpPort, _phone.Codecs, _sessionId, _sessionVersion);
        }

        ok.Headers.Add(SipHeaderNames.ContentType, SdpType);
        ok.Body = Encoding.UTF8.GetBytes(body);
        _answer = ok;
        _statusCode = 200;
        _reasonPhrase = ok.ReasonPhrase;
        return ok;
    }

    /// <summary>A re-INVITE or UPDATE: answer a new offer with the codec chosen again (488 when none fits).</summary>
    private SipResponse Reoffer(SipServerTransaction transaction, SipDialog dialog)
    {
        var request = transaction.Request;
        dialog.RefreshTarget(request);
        var offer = Sdp(request);
        var choice = offer is null ? null : PhoneSdp.Negotiate(offer, _phone.Codecs);
        if (offer is not null && choice is null)
        {
            return transaction.CreateResponse(488);
        }

        var response = transaction.CreateResponse(200);
        response.Headers.Add(SipHeaderNames.Contact, _phone.ContactHeader(LineDn));
        response.Headers.Add(SipHeaderNames.ContentType, SdpType);
        _sessionVersion++;
        if (choice is not null)
        {
            _codec = choice.Codec;
        }

        response.Body = Encoding.UTF8.GetBytes(choice is null
            ? PhoneSdp.CreateOffer(_phone.MediaAddress, LocalRtpPort, _phone.Codecs, _sessionId, _sessionVersion)
            : PhoneSdp.CreateAnswer(_phone.MediaAddress, LocalRtpPort, choice, _sessionId, _sessionVersion));
        return response;
    }

    /// <summary>Sends a final refusal to a ringing incoming call; false when it was no longer ringing.</summary>
    private bool Refuse(int statusCode, string? reasonPhrase, PhoneCallEndedBy endedBy)
    {
        var transaction = _serverTransaction!;
        var response = transaction.CreateResponse(statusCode, reasonPhrase);
        lock (_gate)
        {
            if (_state != PhoneCallState.Ringing)
            {
                return false;
            }

            _autoAnswer?.Dispose();
            EndLocked(statusCode, response.ReasonPhrase, endedBy, out _);
        }

        transaction.SendResponse(response);
        Finish();
        return true;
    }

    private void OnCancelled()
    {
        // §9.2: the layer answered the CANCEL 200; the INVITE gets 487 unless the phone answered first.
        Refuse(487, null, PhoneCallEndedBy.Remote);
    }

    private async Task AutoAnswerAsync()
    {
        try
        {
            await AnswerAsync(CancellationToken.None);
        }
        catch (InvalidOperationException ex)
        {
            _phone.Report($"call {CallId}: auto-answer failed: {ex.Message}");
        }
    }

    private void RetransmitAnswer()
    {
        SipResponse? answer;
        lock (_gate)
        {
            if (_state != PhoneCallState.Answering || _retransmit is null)
            {
                return;
            }

            answer = _answer;
            var timers = _phone.Timers;
            _retransmitInterval = _retransmitInterval * 2 < timers.T2 ? _retransmitInterval * 2 : timers.T2;
            _retransmit.Change(_retransmitInterval, Timeout.InfiniteTimeSpan);
        }

        if (answer is not null && !_serverTransaction!.SendResponse(answer))
        {
            lock (_gate)
            {
                _retransmit?.Dispose();
                _retransmit = null;
            }
        }
    }

    private void GiveUpWaitingForAck()
    {
        lock (_gate)
        {
            if (_state != PhoneCallState.Answering)
            {
                return;
            }

            StopAnswerTimers();
            _state = PhoneCallState.Disconnecting;
        }

        // §13.3.1.4: no ACK for 64*T1: the dialog is confirmed, but the session ends with a BYE.
        _phone.Report($"call {CallId}: no ACK for the 200 OK; sending BYE");
        _phone.Track(SendByeAsync("no ACK"));
    }

    private void StopAnswerTimers()
    {
        _retransmit?.Dispose();
        _retransmit = null;
        _giveUp?.Dispose();
        _giveUp = null;
    }

    /// <summary>ACKs a 2xx (§13.2.2.4): a request of its own, same CSeq number as the INVITE, sent along the route set.</summary>
    private async Task SendAckAsync(SipDialog dialog, string? thenBye)
    {
        SipRequest ack;
        lock (_gate)
        {
            ack = dialog.CreateRequest(SipMethods.Ack, _invite.CSeq!.Number);
        }

        ack.Headers.Add(SipHeaderNames.ContentLength, "0");
        await _phone.SendStatelessAsync(ack, dialog.NextHop);
        if (thenBye is not null)
        {
            await SendByeAsync(thenBye);
        }
    }

    /// <summary>A dialog the phone does not want (another fork, or one answered after the phone gave up): ACK and BYE.</summary>
    private async Task AckAndByeAsync(SipDialog dialog)
    {
        SipRequest ack;
        SipRequest bye;
        lock (_gate)
        {
            ack = dialog.CreateRequest(SipMethods.Ack, _invite.CSeq!.Number);
            bye = dialog.CreateRequest(SipMethods.Bye);
        }

        ack.Headers.Add(SipHeaderNames.ContentLength, "0");
        bye.Headers.Add(SipHeaderNames.ContentLength, "0");
        await _phone.SendStatelessAsync(ack, dialog.NextHop);
        await _phone.SendInTransactionAsync(bye, dialog.NextHop);
    }

    /// <summary>BYE (§15.1) in the call's dialog; the call ends when it is answered (whatever the answer) or times out.</summary>
    private async Task SendByeAsync(string reason)
    {
        SipRequest bye;
        SipDialog dialog;
        lock (_gate)
        {
            dialog = _dialog!;
            bye = dialog.CreateRequest(SipMethods.Bye);
        }

        bye.Headers.Add(SipHeaderNames.UserAgent, CiscoLikePhone.UserAgentName);
        bye.Headers.Add(SipHeaderNames.ContentLength, "0");
        try
        {
            var response = await _phone.SendInTransactionAsync(bye, dialog.NextHop);
            if (response is { IsSuccess: false })
            {
                _phone.Report(string.Create(CultureInfo.InvariantCulture, $"call {CallId}: BYE answered {response.StatusCode} {response.ReasonPhrase}"));
            }
        }
        finally
        {
            End(_statusCode, reason, PhoneCallEndedBy.Local);
        }
    }

    private void End(int statusCode, string? reasonPhrase, PhoneCallEndedBy endedBy)
    {
        lock (_gate)
        {
            StopAnswerTimers();
            if (_state == PhoneCallState.Ended)
            {
                return;
            }

            EndLocked(statusCode, reasonPhrase, endedBy, out _);
        }

        Finish();
    }

    private void EndLocked(int statusCode, string? reasonPhrase, PhoneCallEndedBy endedBy, out PhoneCallInfo info)
    {
        _state = PhoneCallState.Ended;
        _statusCode = statusCode;
        _reasonPhrase = reasonPhrase;
        _endedBy = endedBy;
        info = Snapshot();
    }

    /// <summary>After the state became Ended (no lock held): forget the call, complete the tasks, raise the event once.</summary>
    private void Finish()
    {
        PhoneCallInfo info;
        lock (_gate)
        {
            if (_state != PhoneCallState.Ended)
            {
                return;
            }

            info = Snapshot();
        }

        if (!_ended.TrySetResult(info))
        {
            return;
        }

        CancellationTokenRegistration registration;
        lock (_gate)
        {
            registration = _cancelRegistration;
        }

        // Unregister, not Dispose: Dispose would wait for a CANCEL callback running on another thread.
        registration.Unregister();

        _phone.ForgetCall(this);
        _ringing.TrySetResult(false);
        _connected.TrySetResult(false);
        _phone.RaiseCallEvent(CallEventKind.Ended, this, info);
    }

    private PhoneCallInfo Snapshot() =>
        new(CallId, Direction, LineDn, RemoteNumber, RemoteDisplayName, _state, _statusCode, _reasonPhrase, _endedBy, _codec);
}

/// <summary>Which call event to raise.</summary>
internal enum CallEventKind
{
    Ringing,
    Connected,
    Ended,
}
