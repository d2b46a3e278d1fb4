using Emx.Sip.Messages;
using Emx.Sip.Transport;

namespace Emx.Sip.Transactions;

/// <summary>
/// A transaction (RFC 3261 §17): a request and its responses, with the timers that make them reliable over an
/// unreliable transport.
/// </summary>
/// <remarks>
/// State changes happen under a per-transaction lock; sends and callbacks into the TU are queued while the lock
/// is held and run after it is released, so a transport that delivers synchronously (the in-memory one) or a TU
/// that answers from inside a callback can never re-enter a half-made transition.
/// </remarks>
public abstract class SipTransaction
{
    private static readonly int TimerCount = Enum.GetValues<SipTimer>().Length;

    private readonly Lock _gate = new();
    private readonly TimerHandle?[] _timers = new TimerHandle?[TimerCount];
    private readonly TaskCompletionSource<SipTransactionEndReason> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SipTransactionState _state;

    private protected SipTransaction(SipTransactionLayer layer, SipRequest request, ISipTransport transport, SipTransactionState initialState)
    {
        Layer = layer;
        Request = request;
        Transport = transport;
        _state = initialState;
        Branch = request.TopVia?.Branch;
    }

    /// <summary>The request that created the transaction.</summary>
    public SipRequest Request { get; }

    /// <summary>The request method (INVITE, REGISTER...).</summary>
    public string Method => Request.Method;

    /// <summary>The branch of the top Via of <see cref="Request"/>: the transaction identifier (absent for some RFC 2543 peers).</summary>
    public string? Branch { get; }

    /// <summary>The transport the transaction sends over.</summary>
    public ISipTransport Transport { get; }

    /// <summary>The current state.</summary>
    public SipTransactionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Completes when the transaction terminates, with the reason.</summary>
    public Task<SipTransactionEndReason> Completion => _completion.Task;

    internal SipTransactionLayer Layer { get; }

    private protected SipTransactionOptions Options => Layer.Options;

    private protected bool IsReliable => Transport.Kind.IsReliable();

    /// <summary>The state, for subclasses holding the lock.</summary>
    private protected SipTransactionState CurrentState
    {
        get => _state;
        set => _state = value;
    }

    /// <summary>Ends the transaction at once (layer shutdown).</summary>
    internal void Abort()
    {
        var effects = new Effects();
        lock (_gate)
        {
            if (_state != SipTransactionState.Terminated)
            {
                Terminate(SipTransactionEndReason.Disposed, effects);
            }
        }

        effects.Run(this);
    }

    /// <summary>Runs <paramref name="transition"/> under the lock, then its queued effects without it.</summary>
    private protected void Transition<TArgument>(TArgument argument, Action<TArgument, Effects> transition)
    {
        var effects = new Effects();
        lock (_gate)
        {
            if (_state != SipTransactionState.Terminated)
            {
                transition(argument, effects);
            }
        }

        effects.Run(this);
    }

    /// <summary>Like <see cref="Transition{TArgument}"/>, returning a result computed under the lock.</summary>
    private protected TResult Transition<TArgument, TResult>(TArgument argument, Func<TArgument, Effects, TResult> transition, TResult whenTerminated)
    {
        var effects = new Effects();
        TResult result;
        lock (_gate)
        {
            result = _state != SipTransactionState.Terminated ? transition(argument, effects) : whenTerminated;
        }

        effects.Run(this);
        return result;
    }

    /// <summary>(Re)starts <paramref name="timer"/>; call with the lock held.</summary>
    private protected void StartTimer(SipTimer timer, TimeSpan due)
    {
        StopTimer(timer);
        var handle = new TimerHandle(this, timer);
        _timers[(int)timer] = handle;
        handle.Timer = Layer.TimeProvider.CreateTimer(static state => ((TimerHandle)state!).Fire(), handle, due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops <paramref name="timer"/>; call with the lock held.</summary>
    private protected void StopTimer(SipTimer timer)
    {
        if (_timers[(int)timer] is { } handle)
        {
            _timers[(int)timer] = null;
            handle.Timer?.Dispose();
        }
    }

    /// <summary>Moves to Terminated; call with the lock held. The layer forgets the transaction once the lock is released.</summary>
    private protected void Terminate(SipTransactionEndReason reason, Effects effects)
    {
        _state = SipTransactionState.Terminated;
        for (var i = 0; i < _timers.Length; i++)
        {
            StopTimer((SipTimer)i);
        }

        effects.Add(() =>
        {
            Layer.Forget(this);
            _completion.TrySetResult(reason);
        });
    }

    /// <summary>Handles an expired timer; called with the lock held, never in Terminated.</summary>
    private protected abstract void OnTimer(SipTimer timer, Effects effects);

    /// <summary>Handles a failed send; called with the lock held, never in Terminated.</summary>
    private protected abstract void OnTransportError(SipSendResult result, Effects effects);

    /// <summary>Sends over the transport; no lock held.</summary>
    private protected abstract ValueTask<SipSendResult> SendCoreAsync(byte[] data);

    /// <summary>Queues a send of <paramref name="data"/>; its failure comes back through <see cref="OnTransportError"/>.</summary>
    private protected void Send(byte[] data, Effects effects) => effects.Add(() => Transmit(data));

    private void Transmit(byte[] data)
    {
        var pending = SendCoreAsync(data);
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            if (!result.IsSuccess)
            {
                Transition(result, OnTransportError);
            }
        }
        else
        {
            _ = ObserveAsync(pending);
        }
    }

    private async Task ObserveAsync(ValueTask<SipSendResult> pending)
    {
        SipSendResult result;
        try
        {
            result = await pending;
        }
        catch (Exception exception)
        {
            // Transports report failures as values; anything thrown is a failure all the same.
            result = new SipSendResult(SipSendStatus.NetworkError, exception.Message);
        }

        if (!result.IsSuccess)
        {
            Transition(result, OnTransportError);
        }
    }

    private void OnTimerFired(TimerHandle handle)
    {
        var effects = new Effects();
        lock (_gate)
        {
            // A timer stopped or restarted after its callback was already on its way is stale: ignore it.
            if (_timers[(int)handle.Kind] != handle)
            {
                return;
            }

            _timers[(int)handle.Kind] = null;
            handle.Timer?.Dispose();
            if (_state != SipTransactionState.Terminated)
            {
                OnTimer(handle.Kind, effects);
            }
        }

        effects.Run(this);
    }

    /// <summary>Work decided under the lock and done after it: sends, callbacks, removal from the layer.</summary>
    private protected sealed class Effects
    {
        private List<Action>? _actions;

        public void Add(Action action) => (_actions ??= []).Add(action);

        public void Run(SipTransaction owner)
        {
            if (_actions is null)
            {
                return;
            }

            foreach (var action in _actions)
            {
                owner.Layer.InvokeGuarded(action);
            }
        }
    }

    private sealed class TimerHandle(SipTransaction owner, SipTimer kind)
    {
        public SipTimer Kind { get; } = kind;

        public ITimer? Timer { get; set; }

        public void Fire() => owner.OnTimerFired(this);
    }
}

/// <summary>The timers of RFC 3261 §17 (table 4), RFC 6026 (L, M) and this implementation's own.</summary>
internal enum SipTimer
{
    /// <summary>INVITE request retransmission (client, UDP).</summary>
    A = 0,

    /// <summary>INVITE transaction timeout (client).</summary>
    B,

    /// <summary>Wait for response retransmissions (client INVITE).</summary>
    D,

    /// <summary>Non-INVITE request retransmission (client, UDP).</summary>
    E,

    /// <summary>Non-INVITE transaction timeout (client).</summary>
    F,

    /// <summary>Wait for response retransmissions (client non-INVITE).</summary>
    K,

    /// <summary>INVITE final response retransmission (server, UDP).</summary>
    G,

    /// <summary>Wait for ACK (server INVITE).</summary>
    H,

    /// <summary>Wait for ACK retransmissions (server INVITE).</summary>
    I,

    /// <summary>Wait for request retransmissions (server non-INVITE).</summary>
    J,

    /// <summary>Wait for 2xx retransmissions from the TU and request retransmissions (server INVITE, RFC 6026).</summary>
    L,

    /// <summary>Wait for 2xx retransmissions (client INVITE, RFC 6026).</summary>
    M,

    /// <summary>Send 100 Trying if the TU has not answered (server INVITE, RFC 3261 §17.2.1: 200 ms).</summary>
    Trying,

    /// <summary>Give up on an INVITE 64*T1 after sending its CANCEL (RFC 3261 §9.1).</summary>
    CancelWait,

    /// <summary>Forget a non-INVITE server transaction the TU never answered, once the client has given up.</summary>
    NoFinalResponse,
}
