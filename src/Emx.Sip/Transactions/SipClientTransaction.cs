using System.Globalization;
using Emx.Sip.Messages;
using Emx.Sip.Transport;

namespace Emx.Sip.Transactions;

/// <summary>
/// A client transaction (RFC 3261 §17.1): sends a request, retransmits it over UDP, passes responses to the TU
/// and gives up with a local 408 (timeout) or 503 (transport error) response (§8.1.3.1).
/// </summary>
public abstract class SipClientTransaction : SipTransaction
{
    private readonly TaskCompletionSource<SipResponse> _finalResponse = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<SipClientTransaction, SipResponse>? _onResponse;

    private protected SipClientTransaction(
        SipTransactionLayer layer,
        SipRequest request,
        ISipTransport transport,
        SipDestination destination,
        SipTransactionState initialState,
        Action<SipClientTransaction, SipResponse>? onResponse)
        : base(layer, request, transport, initialState)
    {
        Destination = destination;
        _onResponse = onResponse;
        RequestBytes = SipMessageWriter.ToBytes(request);
    }

    /// <summary>Where the request goes.</summary>
    public SipDestination Destination { get; }

    /// <summary>
    /// The first final response: received, or made up locally (408 on timeout, 503 on a transport error, RFC 3261
    /// §8.1.3.1; <see cref="SipTransaction.Completion"/> tells which).
    /// </summary>
    public Task<SipResponse> FinalResponse => _finalResponse.Task;

    /// <summary>The serialized request, sent and retransmitted as is.</summary>
    private protected byte[] RequestBytes { get; }

    /// <summary>
    /// Cancels an INVITE (RFC 3261 §9.1): sends a CANCEL now if a provisional response has arrived, or as soon as
    /// one does. Returns false when there is nothing to cancel (not an INVITE, or a final response already came).
    /// </summary>
    public virtual bool Cancel() => false;

    internal abstract void Start();

    internal abstract void ReceiveResponse(SipResponse response);

    /// <summary>Queues delivery of a response to the TU.</summary>
    private protected void Deliver(SipResponse response, Effects effects) => effects.Add(() =>
    {
        if (_onResponse is { } onResponse)
        {
            Layer.InvokeGuarded(() => onResponse(this, response));
        }

        if (response.IsFinal)
        {
            _finalResponse.TrySetResult(response);
        }
    });

    /// <summary>A response made up by the transaction itself (408, 503, 487).</summary>
    private protected SipResponse LocalResponse(int statusCode, string detail)
    {
        var response = SipResponseFactory.CreateResponse(Request, statusCode);
        response.ReasonPhrase = SipStatusCodes.GetReasonPhrase(statusCode) + " (" + detail + ")";
        return response;
    }

    private protected override ValueTask<SipSendResult> SendCoreAsync(byte[] data) => Transport.SendAsync(data, Destination.EndPoint);

    /// <summary>A request within this transaction (ACK, CANCEL) with the headers RFC 3261 §17.1.1.3 and §9.1 prescribe.</summary>
    private protected SipRequest CreateRelatedRequest(string method, string to)
    {
        var request = new SipRequest(method, Request.RequestUri);
        request.Headers.Add(SipHeaderNames.Via, Request.Headers.GetFirst(SipHeaderNames.Via)!);
        foreach (var route in Request.Headers.GetValues(SipHeaderNames.Route))
        {
            request.Headers.Add(SipHeaderNames.Route, route);
        }

        request.Headers.Add(SipHeaderNames.MaxForwards, "70");
        request.Headers.Add(SipHeaderNames.From, Request.Headers.GetFirst(SipHeaderNames.From)!);
        request.Headers.Add(SipHeaderNames.To, to);
        request.Headers.Add(SipHeaderNames.CallId, Request.CallId!);
        request.Headers.Add(SipHeaderNames.CSeq, Request.CSeq!.Number.ToString(CultureInfo.InvariantCulture) + " " + method);
        return request;
    }
}

/// <summary>The INVITE client transaction (RFC 3261 §17.1.1, with the Accepted state of RFC 6026 §7.2).</summary>
internal sealed class SipClientInviteTransaction : SipClientTransaction
{
    private TimeSpan _timerA;
    private byte[]? _ack;
    private bool _cancelPending;
    private bool _cancelSent;

    public SipClientInviteTransaction(
        SipTransactionLayer layer, SipRequest request, ISipTransport transport, SipDestination destination, Action<SipClientTransaction, SipResponse>? onResponse)
        : base(layer, request, transport, destination, SipTransactionState.Calling, onResponse)
    {
    }

    public override bool Cancel() => Transition(0, (_, effects) =>
    {
        switch (CurrentState)
        {
            case SipTransactionState.Calling:
                // §9.1: no CANCEL before a provisional response; it goes out when one arrives.
                _cancelPending = true;
                return true;
            case SipTransactionState.Proceeding:
                SendCancel(effects);
                return true;
            default:
                return false;
        }
    }, whenTerminated: false);

    internal override void Start() => Transition(0, (_, effects) =>
    {
        Send(RequestBytes, effects);
        if (!IsReliable)
        {
            _timerA = Options.T1;
            StartTimer(SipTimer.A, _timerA);
        }

        StartTimer(SipTimer.B, Options.TimeoutInterval);
    });

    internal override void ReceiveResponse(SipResponse response) => Transition(response, (response, effects) =>
    {
        switch (CurrentState)
        {
            case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsProvisional:
                StopTimer(SipTimer.A);
                StopTimer(SipTimer.B);
                CurrentState = SipTransactionState.Proceeding;
                Deliver(response, effects);
                if (_cancelPending)
                {
                    SendCancel(effects);
                }

                break;
            case SipTransactionState.Calling or SipTransactionState.Proceeding when response.IsSuccess:
                StopTimers();
                CurrentState = SipTransactionState.Accepted;
                StartTimer(SipTimer.M, Options.TimeoutInterval);
                Deliver(response, effects);
                break;
            case SipTransactionState.Calling or SipTransactionState.Proceeding:
                StopTimers();
                CurrentState = SipTransactionState.Completed;
                _ack = SipMessageWriter.ToBytes(CreateRelatedRequest(SipMethods.Ack, response.Headers.GetFirst(SipHeaderNames.To)!));
                Send(_ack, effects);
                Deliver(response, effects);
                if (IsReliable)
                {
                    Terminate(SipTransactionEndReason.Completed, effects);
                }
                else
                {
                    StartTimer(SipTimer.D, Options.TimerD);
                }

                break;
            case SipTransactionState.Accepted when response.IsSuccess:
                // RFC 6026 §7.2: every 2xx goes to the TU, which ACKs each.
                Deliver(response, effects);
                break;
            case SipTransactionState.Completed when response.IsFinal && !response.IsSuccess:
                // A retransmitted final response: the ACK was lost; send it again, tell the TU nothing.
                Send(_ack!, effects);
                break;
        }
    });

    private protected override void OnTimer(SipTimer timer, Effects effects)
    {
        switch (timer)
        {
            case SipTimer.A when CurrentState == SipTransactionState.Calling:
                Send(RequestBytes, effects);
                _timerA *= 2;
                StartTimer(SipTimer.A, _timerA);
                break;
            case SipTimer.B when CurrentState == SipTransactionState.Calling:
                Deliver(LocalResponse(408, "no response"), effects);
                Terminate(SipTransactionEndReason.TimedOut, effects);
                break;
            case SipTimer.CancelWait when CurrentState == SipTransactionState.Proceeding:
                // §9.1: no final response 64*T1 after the CANCEL: consider the INVITE cancelled.
                Deliver(LocalResponse(487, "no final response after CANCEL"), effects);
                Terminate(SipTransactionEndReason.TimedOut, effects);
                break;
            case SipTimer.D or SipTimer.M:
                Terminate(SipTransactionEndReason.Completed, effects);
                break;
        }
    }

    private protected override void OnTransportError(SipSendResult result, Effects effects)
    {
        switch (CurrentState)
        {
            case SipTransactionState.Calling or SipTransactionState.Proceeding:
                Deliver(LocalResponse(503, result.Status.ToString()), effects);
                Terminate(SipTransactionEndReason.TransportError, effects);
                break;
            case SipTransactionState.Completed:
                Terminate(SipTransactionEndReason.TransportError, effects);
                break;
        }
    }

    private void StopTimers()
    {
        StopTimer(SipTimer.A);
        StopTimer(SipTimer.B);
        StopTimer(SipTimer.CancelWait);
    }

    private void SendCancel(Effects effects)
    {
        _cancelPending = false;
        if (_cancelSent)
        {
            return;
        }

        _cancelSent = true;
        var cancel = CreateRelatedRequest(SipMethods.Cancel, Request.Headers.GetFirst(SipHeaderNames.To)!);
        StartTimer(SipTimer.CancelWait, Options.TimeoutInterval);
        effects.Add(() => Layer.StartCancel(this, cancel));
    }
}

/// <summary>The non-INVITE client transaction (RFC 3261 §17.1.2).</summary>
internal sealed class SipClientNonInviteTransaction : SipClientTransaction
{
    private TimeSpan _timerE;

    public SipClientNonInviteTransaction(
        SipTransactionLayer layer, SipRequest request, ISipTransport transport, SipDestination destination, Action<SipClientTransaction, SipResponse>? onResponse)
        : base(layer, request, transport, destination, SipTransactionState.Trying, onResponse)
    {
    }

    internal override void Start() => Transition(0, (_, effects) =>
    {
        Send(RequestBytes, effects);
        if (!IsReliable)
        {
            _timerE = Options.T1;
            StartTimer(SipTimer.E, _timerE);
        }

        StartTimer(SipTimer.F, Options.TimeoutInterval);
    });

    internal override void ReceiveResponse(SipResponse response) => Transition(response, (response, effects) =>
    {
        if (CurrentState is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
        {
            // Completed: retransmissions of the final response are absorbed.
            return;
        }

        if (response.IsProvisional)
        {
            CurrentState = SipTransactionState.Proceeding;
            Deliver(response, effects);
            return;
        }

        StopTimer(SipTimer.E);
        StopTimer(SipTimer.F);
        CurrentState = SipTransactionState.Completed;
        Deliver(response, effects);
        if (IsReliable)
        {
            Terminate(SipTransactionEndReason.Completed, effects);
        }
        else
        {
            StartTimer(SipTimer.K, Options.T4);
        }
    });

    private protected override void OnTimer(SipTimer timer, Effects effects)
    {
        switch (timer)
        {
            case SipTimer.E when CurrentState is SipTransactionState.Trying or SipTransactionState.Proceeding:
                Send(RequestBytes, effects);

                // Trying: double up to T2; Proceeding: every T2 (§17.1.2.2).
                _timerE = CurrentState == SipTransactionState.Trying ? Min(_timerE * 2, Options.T2) : Options.T2;
                StartTimer(SipTimer.E, _timerE);
                break;
            case SipTimer.F when CurrentState is SipTransactionState.Trying or SipTransactionState.Proceeding:
                Deliver(LocalResponse(408, "no response"), effects);
                Terminate(SipTransactionEndReason.TimedOut, effects);
                break;
            case SipTimer.K:
                Terminate(SipTransactionEndReason.Completed, effects);
                break;
        }
    }

    private protected override void OnTransportError(SipSendResult result, Effects effects)
    {
        if (CurrentState is SipTransactionState.Trying or SipTransactionState.Proceeding)
        {
            Deliver(LocalResponse(503, result.Status.ToString()), effects);
            Terminate(SipTransactionEndReason.TransportError, effects);
        }
    }

    private static TimeSpan Min(TimeSpan left, TimeSpan right) => left < right ? left : right;
}
