using System.Diagnostics.CodeAnalysis;
using System.Net;
using Emx.Sip.Messages;
using Emx.Sip.Transport;

namespace Emx.Sip.Transactions;

/// <summary>
/// A server transaction (RFC 3261 §17.2): absorbs request retransmissions, resends the last response when one
/// arrives, retransmits INVITE final responses over UDP until the ACK comes, and routes responses back as
/// §18.2.2 and RFC 3581 say.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The CancellationTokenSource has no timer or linked tokens, so it holds nothing to release; disposing it would break TUs still holding its token.")]
public abstract class SipServerTransaction : SipTransaction
{
    private readonly SipResponseRoute _route;
    private readonly CancellationTokenSource _cancel = new();
    private SipResponse? _lastResponse;
    private byte[]? _lastResponseBytes;
    private volatile string? _responseToTag;
    private volatile SipRequest? _cancelRequest;

    private protected SipServerTransaction(SipTransactionLayer layer, SipReceivedMessage source, string toTag, SipTransactionState initialState)
        : base(layer, (SipRequest)source.Message, source.Transport, initialState)
    {
        Source = source;
        ToTag = toTag;
        _route = SipResponseRoute.ForRequest(Request, source);
        Match = SipTransactionTable.MatchOf(Request);
    }

    /// <summary>How the request arrived (transport, source address, connection).</summary>
    public SipReceivedMessage Source { get; }

    /// <summary>
    /// The To tag <see cref="CreateResponse"/> adds when the request's To has none, the same for every response of
    /// the transaction (RFC 3261 §8.2.6.2) and for the 200 to a CANCEL of it (§9.2).
    /// </summary>
    public string ToTag { get; }

    /// <summary>The last response sent, if any.</summary>
    public SipResponse? LastResponse => Volatile.Read(ref _lastResponse);

    /// <summary>
    /// Signalled when a CANCEL for this transaction arrives before its final response (RFC 3261 §9.2). A UAS
    /// should then answer the INVITE with 487; the layer has already answered the CANCEL with 200. Only INVITE
    /// transactions are cancelled: a CANCEL has no effect on other methods.
    /// </summary>
    public CancellationToken CancelRequested => _cancel.Token;

    /// <summary>The CANCEL that cancelled this transaction (its Reason header says why, RFC 3326).</summary>
    public SipRequest? CancelRequest => _cancelRequest;

    /// <summary>The To tag of the final response sent, for RFC 2543 ACK matching (§17.2.3).</summary>
    internal string? ResponseToTag => _responseToTag;

    internal SipResponseRoute Route => _route;

    internal SipServerMatch Match { get; }

    /// <summary>
    /// Creates a response to <see cref="SipTransaction.Request"/> carrying <see cref="ToTag"/> (except 100 Trying,
    /// which has no tag). Add headers or a body, then pass it to <see cref="SendResponse"/>.
    /// </summary>
    public SipResponse CreateResponse(int statusCode, string? reasonPhrase = null) =>
        SipResponseFactory.CreateResponse(Request, statusCode, reasonPhrase, statusCode == 100 ? null : ToTag);

    /// <summary>
    /// Sends a response through the transaction. Returns false, sending nothing, when the state allows no more
    /// responses: after a final response (except further 2xx to an INVITE, RFC 6026), or once terminated.
    /// </summary>
    public bool SendResponse(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Transition(response, (response, effects) => Respond(response, effects), whenTerminated: false);
    }

    internal abstract void Start();

    /// <summary>Timer J or L fired for the layer's compact copy while this object was still held: it terminates now.</summary>
    internal abstract void ExpireCompleted();

    /// <summary>A retransmission of the request arrived.</summary>
    internal abstract void ReceiveRetransmission();

    /// <summary>An ACK matched this transaction; returns true when it was absorbed, false when the TU should see it.</summary>
    internal virtual bool ReceiveAck() => true;

    /// <summary>A CANCEL matched this transaction; the layer has answered it.</summary>
    internal virtual void ReceiveCancel(SipRequest cancel)
    {
    }

    /// <summary>Applies the TU's response to the state machine; the lock is held. False when it is not allowed.</summary>
    private protected abstract bool Respond(SipResponse response, Effects effects);

    /// <summary>Records and queues the sending of <paramref name="response"/>.</summary>
    private protected void SendRecorded(SipResponse response, Effects effects)
    {
        Volatile.Write(ref _lastResponse, response);
        _lastResponseBytes = SipMessageWriter.ToBytes(response);
        if (response.IsFinal)
        {
            _responseToTag = response.To?.Tag;
        }

        Send(_lastResponseBytes, effects);
    }

    /// <summary>Sends the last response again, if there is one.</summary>
    private protected void Resend(Effects effects)
    {
        if (_lastResponseBytes is not null)
        {
            Send(_lastResponseBytes, effects);
        }
    }

    private protected bool HasResponded => _lastResponse is not null;

    /// <summary>The bytes of the last response sent.</summary>
    private protected byte[]? LastResponseBytes => _lastResponseBytes;

    /// <summary>Signals <see cref="CancelRequested"/> once the lock is released.</summary>
    private protected void SignalCancel(SipRequest cancel, Effects effects)
    {
        _cancelRequest = cancel;
        effects.Add(_cancel.Cancel);
    }

    private protected override void OnTransportError(SipSendResult result, Effects effects) =>
        Terminate(SipTransactionEndReason.TransportError, effects);

    private protected override async ValueTask<SipSendResult> SendCoreAsync(byte[] data)
    {
        var result = await Transport.SendAsync(data, _route.EndPoint, _route.ConnectionId);
        if (result.Status == SipSendStatus.ConnectionClosed && _route.Fallback is { } fallback)
        {
            // §18.2.2: the connection is gone; open one to the received address and the sent-by port.
            result = await Transport.SendAsync(data, fallback);
        }

        return result;
    }
}

/// <summary>The INVITE server transaction (RFC 3261 §17.2.1, with the Accepted state of RFC 6026 §7.1).</summary>
internal sealed class SipServerInviteTransaction : SipServerTransaction
{
    private TimeSpan _timerG;

    public SipServerInviteTransaction(SipTransactionLayer layer, SipReceivedMessage source, string toTag)
        : base(layer, source, toTag, SipTransactionState.Proceeding)
    {
    }

    internal override void Start() => Transition(0, (_, effects) =>
    {
        if (Options.TryingDelay == TimeSpan.Zero)
        {
            SendRecorded(CreateResponse(100), effects);
        }
        else
        {
            StartTimer(SipTimer.Trying, Options.TryingDelay);
        }
    });

    internal override void ReceiveRetransmission() => Transition(0, (_, effects) =>
    {
        switch (CurrentState)
        {
            case SipTransactionState.Proceeding when !HasResponded:
                // A retransmission means the client heard nothing: answer 100 Trying now.
                StopTimer(SipTimer.Trying);
                SendRecorded(CreateResponse(100), effects);
                break;
            case SipTransactionState.Proceeding or SipTransactionState.Completed:
                Resend(effects);
                break;

            // Confirmed and Accepted absorb it (RFC 6026 §7.1: not passed to the TU).
        }
    });

    internal override bool ReceiveAck() => Transition(0, (_, effects) =>
    {
        switch (CurrentState)
        {
            case SipTransactionState.Completed:
                StopTimer(SipTimer.G);
                StopTimer(SipTimer.H);
                CurrentState = SipTransactionState.Confirmed;
                if (IsReliable)
                {
                    Terminate(SipTransactionEndReason.Completed, effects);
                }
                else
                {
                    StartTimer(SipTimer.I, Options.T4);
                }

                return true;
            case SipTransactionState.Accepted:
                return false;
            default:
                return true;
        }
    }, whenTerminated: false);

    internal override void ReceiveCancel(SipRequest cancel) => Transition(cancel, (cancel, effects) =>
    {
        if (CurrentState == SipTransactionState.Proceeding)
        {
            SignalCancel(cancel, effects);
        }
    });

    internal override void ExpireCompleted() => Transition(0, (_, effects) =>
    {
        if (CurrentState == SipTransactionState.Accepted)
        {
            Terminate(SipTransactionEndReason.Completed, effects);
        }
    });

    private protected override bool Respond(SipResponse response, Effects effects)
    {
        switch (CurrentState)
        {
            case SipTransactionState.Proceeding:
                StopTimer(SipTimer.Trying);
                SendRecorded(response, effects);
                if (response.IsSuccess)
                {
                    // Timer L runs in the layer, on a compact copy that absorbs INVITE retransmissions; this object
                    // is let go by the layer (the TU may still send 2xx retransmissions through it).
                    CurrentState = SipTransactionState.Accepted;
                    effects.Add(() => Layer.Retire(this, null));
                }
                else if (response.IsFinal)
                {
                    CurrentState = SipTransactionState.Completed;
                    if (!IsReliable)
                    {
                        _timerG = Options.T1;
                        StartTimer(SipTimer.G, _timerG);
                    }

                    StartTimer(SipTimer.H, Options.TimeoutInterval);
                }

                return true;
            case SipTransactionState.Accepted when response.IsSuccess:
                // The TU retransmits its 2xx itself (RFC 3261 §13.3.1.4); RFC 6026 §7.1 passes them through.
                SendRecorded(response, effects);
                return true;
            default:
                return false;
        }
    }

    private protected override void OnTimer(SipTimer timer, Effects effects)
    {
        switch (timer)
        {
            case SipTimer.Trying when CurrentState == SipTransactionState.Proceeding && !HasResponded:
                SendRecorded(CreateResponse(100), effects);
                break;
            case SipTimer.G when CurrentState == SipTransactionState.Completed:
                Resend(effects);
                _timerG = _timerG * 2 < Options.T2 ? _timerG * 2 : Options.T2;
                StartTimer(SipTimer.G, _timerG);
                break;
            case SipTimer.H when CurrentState == SipTransactionState.Completed:
                Terminate(SipTransactionEndReason.TimedOut, effects);
                break;
            case SipTimer.I or SipTimer.L:
                Terminate(SipTransactionEndReason.Completed, effects);
                break;
        }
    }
}

/// <summary>The non-INVITE server transaction (RFC 3261 §17.2.2).</summary>
internal sealed class SipServerNonInviteTransaction : SipServerTransaction
{
    public SipServerNonInviteTransaction(SipTransactionLayer layer, SipReceivedMessage source, string toTag)
        : base(layer, source, toTag, SipTransactionState.Trying)
    {
    }

    internal override void Start() => Transition(0, (_, _) => StartTimer(SipTimer.NoFinalResponse, Options.TimeoutInterval));

    internal override void ReceiveRetransmission() => Transition(0, (_, effects) =>
    {
        // Trying: discard; Proceeding: the last provisional; Completed: the final response.
        if (CurrentState is SipTransactionState.Proceeding or SipTransactionState.Completed)
        {
            Resend(effects);
        }
    });

    private protected override bool Respond(SipResponse response, Effects effects)
    {
        if (CurrentState is not (SipTransactionState.Trying or SipTransactionState.Proceeding))
        {
            return false;
        }

        SendRecorded(response, effects);
        if (response.IsProvisional)
        {
            CurrentState = SipTransactionState.Proceeding;
            return true;
        }

        StopTimer(SipTimer.NoFinalResponse);
        CurrentState = SipTransactionState.Completed;
        if (IsReliable)
        {
            Terminate(SipTransactionEndReason.Completed, effects);
        }
        else
        {
            // Timer J runs in the layer, on a compact copy (match key and response bytes); this object is let go.
            var bytes = LastResponseBytes!;
            effects.Add(() => Layer.Retire(this, bytes));
        }

        return true;
    }

    internal override void ExpireCompleted() => Transition(0, (_, effects) =>
    {
        if (CurrentState == SipTransactionState.Completed)
        {
            Terminate(SipTransactionEndReason.Completed, effects);
        }
    });

    private protected override void OnTimer(SipTimer timer, Effects effects)
    {
        switch (timer)
        {
            case SipTimer.NoFinalResponse when CurrentState is SipTransactionState.Trying or SipTransactionState.Proceeding:
                // The client gave up at timer F (64*T1); nobody is waiting for an answer any more.
                Terminate(SipTransactionEndReason.TimedOut, effects);
                break;
        }
    }
}

/// <summary>Where a server transaction's responses go (RFC 3261 §18.2.2, RFC 3581 §4).</summary>
/// <param name="EndPoint">The destination.</param>
/// <param name="ConnectionId">The connection the request came on (reliable transports), else 0.</param>
/// <param name="Fallback">For reliable transports, where to open a new connection if that one is gone.</param>
internal sealed record SipResponseRoute(IPEndPoint EndPoint, long ConnectionId, IPEndPoint? Fallback)
{
    /// <summary>
    /// Reliable: the request's connection, else the <c>received</c> address at the sent-by port. Unreliable: the
    /// <c>received</c> address (or the sent-by address) at the <c>rport</c> port, else the sent-by port (5060 if
    /// none). The transport stamped <c>received</c> whenever sent-by was not the source address, so the address
    /// is always an IP literal; multicast <c>maddr</c> is not supported.
    /// </summary>
    public static SipResponseRoute ForRequest(SipRequest request, SipReceivedMessage source)
    {
        var via = request.TopVia;
        if (via is null)
        {
            return new SipResponseRoute(source.RemoteEndPoint, source.ConnectionId, null);
        }

        var address = SipInboundProcessor.TryParseAddress(via.Received, out var received) ? received
            : SipInboundProcessor.TryParseAddress(via.Host, out var sentBy) ? sentBy
            : source.RemoteEndPoint.Address;
        if (source.Transport.Kind.IsReliable())
        {
            return new SipResponseRoute(source.RemoteEndPoint, source.ConnectionId, new IPEndPoint(address, via.Port ?? SipTransportKinds.DefaultPort));
        }

        return new SipResponseRoute(new IPEndPoint(address, via.RPort ?? via.Port ?? SipTransportKinds.DefaultPort), 0, null);
    }
}
