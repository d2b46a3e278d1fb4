using Emx.Sip.Messages;
using Emx.Sip.Transport;

namespace Emx.Sip.Transactions;

/// <summary>
/// The transaction layer (RFC 3261 §17): owns the transaction table, routes every received message to its
/// transaction or, for a new request, creates a server transaction and hands it to the TU. Requests are sent
/// through client transactions created by <see cref="SendRequest"/>.
/// </summary>
/// <remarks>
/// The layer owns its transports: <see cref="Start"/> starts them and <see cref="DisposeAsync"/> disposes them.
/// Timers run on the injected <see cref="System.TimeProvider"/>. Resolving where a request goes (RFC 3263) is
/// left to the TU, which passes a <see cref="SipDestination"/>.
/// </remarks>
public sealed class SipTransactionLayer : IAsyncDisposable
{
    private readonly ISipTransport[] _transports;
    private readonly ISipTransactionUser _user;
    private readonly SipTransactionTable _table = new();
    private readonly SipCompletedTransactions _completed = new();
    private readonly Lock _gate = new();
    private ITimer? _completedTimer;
    private bool _completedTimerArmed;
    private int _started;
    private bool _disposed;

    /// <summary>Creates the layer over <paramref name="transports"/>; call <see cref="Start"/> to begin receiving.</summary>
    /// <param name="transports">The transports to receive on and send through (at least one).</param>
    /// <param name="user">The transaction user that receives requests, stray ACKs and stray responses.</param>
    /// <param name="timeProvider">The clock for every timer (default the system clock).</param>
    /// <param name="options">Timer values and limits (default RFC 3261's).</param>
    public SipTransactionLayer(IEnumerable<ISipTransport> transports, ISipTransactionUser user, TimeProvider? timeProvider = null, SipTransactionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(transports);
        ArgumentNullException.ThrowIfNull(user);
        _transports = [.. transports];
        if (_transports.Length == 0)
        {
            throw new ArgumentException("At least one transport is needed.", nameof(transports));
        }

        _user = user;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Options = options ?? SipTransactionOptions.Default;
        Options.Validate();
    }

    /// <summary>Raised when a request is dropped or rejected by the layer itself, or a TU callback throws.</summary>
    public event EventHandler<SipTransactionLayerEventArgs>? Diagnostic;

    /// <summary>The timer values and limits.</summary>
    public SipTransactionOptions Options { get; }

    /// <summary>The clock timers run on.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The transports, in the order given.</summary>
    public IReadOnlyList<ISipTransport> Transports => _transports;

    /// <summary>
    /// The number of server transactions not yet terminated: the live ones and the completed non-INVITE ones kept
    /// compact until Timer J (<see cref="CompletedServerTransactionCount"/>).
    /// </summary>
    public int ServerTransactionCount
    {
        get
        {
            lock (_gate)
            {
                return _table.ServerCount + _completed.Count;
            }
        }
    }

    /// <summary>
    /// The number of completed non-INVITE server transactions kept compact until Timer J to absorb retransmissions
    /// (not counted in <see cref="ServerTransactionCount"/>).
    /// </summary>
    public int CompletedServerTransactionCount
    {
        get
        {
            lock (_gate)
            {
                return _completed.Count;
            }
        }
    }

    /// <summary>Completed non-INVITE server transactions forgotten before Timer J because of <see cref="SipTransactionOptions.MaxCompletedServerTransactions"/>.</summary>
    public long CompletedServerTransactionEvictions
    {
        get
        {
            lock (_gate)
            {
                return _completed.Evictions;
            }
        }
    }

    /// <summary>The number of live client transactions.</summary>
    public int ClientTransactionCount
    {
        get
        {
            lock (_gate)
            {
                return _table.ClientCount;
            }
        }
    }

    /// <summary>Starts every transport; from then on received messages reach transactions and the TU.</summary>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The transaction layer is already started.");
        }

        foreach (var transport in _transports)
        {
            transport.Start(OnReceived);
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> in a new client transaction. The layer inserts the top Via: this
    /// transport's sent-by, a fresh RFC 3261 branch and an empty <c>rport</c> (RFC 3581). Every response the
    /// transaction passes up goes to <paramref name="onResponse"/> (provisional ones, the final one and, for an
    /// INVITE, every further 2xx); <see cref="SipClientTransaction.FinalResponse"/> completes with the first final
    /// one. Timeouts and transport errors come back as local 408 and 503 responses (RFC 3261 §8.1.3.1).
    /// </summary>
    /// <param name="request">A complete request (Call-ID, CSeq, From, To, Max-Forwards...) other than ACK; do not change it afterwards.</param>
    /// <param name="destination">The next hop.</param>
    /// <param name="onResponse">Called for each response passed up; must not block.</param>
    /// <exception cref="ArgumentException">The request is an ACK (use <see cref="SendStatelessRequestAsync"/>) or lacks CSeq, Call-ID, From or To.</exception>
    /// <exception cref="InvalidOperationException">No transport of the destination's kind and address family is configured, or the layer is disposed.</exception>
    public SipClientTransaction SendRequest(SipRequest request, SipDestination destination, Action<SipClientTransaction, SipResponse>? onResponse = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(destination);
        if (request.Method == SipMethods.Ack)
        {
            throw new ArgumentException("An ACK is not sent in a transaction of its own; use SendStatelessRequestAsync (RFC 3261 §17.1.1.3).", nameof(request));
        }

        if (request.CSeq is not { } cseq || cseq.Method != request.Method || request.CallId is null || request.From is null || request.To is null)
        {
            throw new ArgumentException("A request needs Call-ID, From, To and a CSeq naming its method.", nameof(request));
        }

        var transport = FindTransport(destination)
            ?? throw new InvalidOperationException($"No {destination.Transport} transport for {destination.EndPoint.AddressFamily} is configured.");
        InsertVia(request, transport);
        SipClientTransaction transaction = request.Method == SipMethods.Invite
            ? new SipClientInviteTransaction(this, request, transport, destination, onResponse)
            : new SipClientNonInviteTransaction(this, request, transport, destination, onResponse);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _table.Add(transaction);
        }

        transaction.Start();
        return transaction;
    }

    /// <summary>
    /// Sends a request outside any transaction (an ACK for a 2xx, RFC 3261 §13.2.2.4, or a stateless proxy's
    /// forward): inserts a top Via with a fresh branch and sends once.
    /// </summary>
    public async ValueTask<SipSendResult> SendStatelessRequestAsync(SipRequest request, SipDestination destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(destination);
        if (FindTransport(destination) is not { } transport)
        {
            return new SipSendResult(SipSendStatus.NoTransport, $"No {destination.Transport} transport for {destination.EndPoint.AddressFamily}.");
        }

        InsertVia(request, transport);
        return await transport.SendAsync(SipMessageWriter.ToBytes(request), destination.EndPoint, 0, cancellationToken);
    }

    /// <summary>
    /// Sends a response outside any transaction, routed to where <paramref name="request"/> came from as
    /// RFC 3261 §18.2.2 and RFC 3581 say (a stateless answer to a request not worth a transaction).
    /// </summary>
    public async ValueTask<SipSendResult> SendStatelessResponseAsync(SipResponse response, SipReceivedMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(request);
        if (request.Message is not SipRequest sipRequest)
        {
            throw new ArgumentException("Not a request.", nameof(request));
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return new SipSendResult(SipSendStatus.TransportClosed);
            }
        }

        var route = SipResponseRoute.ForRequest(sipRequest, request);
        var data = SipMessageWriter.ToBytes(response);
        var result = await request.Transport.SendAsync(data, route.EndPoint, route.ConnectionId, cancellationToken);
        if (result.Status == SipSendStatus.ConnectionClosed && route.Fallback is { } fallback)
        {
            result = await request.Transport.SendAsync(data, fallback, 0, cancellationToken);
        }

        return result;
    }

    /// <summary>
    /// Stops every transaction (their <see cref="SipTransaction.Completion"/> ends with
    /// <see cref="SipTransactionEndReason.Disposed"/>) and disposes the transports.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        SipTransaction[] transactions;
        List<SipCompletedEntry> completed;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            transactions = [.. _table.All];
            completed = _completed.Clear();
            _completedTimer?.Dispose();
            _completedTimer = null;
        }

        foreach (var transaction in transactions)
        {
            transaction.Abort();
        }

        foreach (var entry in completed)
        {
            if (entry.Owner is { } owner && owner.TryGetTarget(out var transaction))
            {
                transaction.Abort();
            }
        }

        foreach (var transport in _transports)
        {
            await transport.DisposeAsync();
        }
    }

    /// <summary>Runs TU code (or a queued effect) so that an exception cannot escape into a receive loop or timer.</summary>
    internal void InvokeGuarded(Action action)
    {
        try
        {
            action();
        }
        catch (Exception exception)
        {
            // The TU's bug must not stop the receive loop or a timer; it is reported instead.
            Report(SipTransactionLayerEventKind.CallbackFailed, exception.GetType().Name + ": " + exception.Message);
        }
    }

    internal void Forget(SipTransaction transaction)
    {
        lock (_gate)
        {
            _table.Remove(transaction);
        }
    }

    /// <summary>
    /// A non-INVITE server transaction reached Completed over an unreliable transport, or an INVITE one Accepted: the
    /// layer keeps only what absorbing retransmissions needs until Timer J or L, both 64*T1
    /// (<see cref="SipCompletedEntry"/>), and lets the transaction go.
    /// </summary>
    internal void Retire(SipServerTransaction transaction, byte[]? response)
    {
        var now = TimeProvider.GetTimestamp();
        var expiresAt = now + (long)(Options.TimeoutInterval.TotalSeconds * TimeProvider.TimestampFrequency);
        var match = transaction.Match;
        var entry = new SipCompletedEntry(
            match.Key,
            match.IsRfc3261,
            match.IsRfc3261 ? null : match.RequestUri,
            match.IsRfc3261 ? null : match.ToTag,
            transaction.Method,
            transaction.ToTag,
            response,
            transaction.Transport,
            transaction.Route,
            expiresAt,
            new WeakReference<SipServerTransaction>(transaction));
        long evictedBefore;
        long evictedAfter;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _table.Remove(transaction);
            evictedBefore = _completed.Evictions;
            _completed.Add(entry, Options.MaxCompletedServerTransactions);
            evictedAfter = _completed.Evictions;
            if (!_completedTimerArmed)
            {
                ArmCompletedTimer(now);
            }
        }

        if (evictedAfter != evictedBefore && (evictedBefore == 0 || evictedAfter / 1000 != evictedBefore / 1000))
        {
            // Reported on the first eviction and every thousandth: the cap is a memory bound, not an error per request.
            Report(SipTransactionLayerEventKind.Overloaded, $"{Options.MaxCompletedServerTransactions} completed server transactions held; {evictedAfter} forgotten before Timer J/L so far");
        }
    }

    /// <summary>Sends the CANCEL of an INVITE in a non-INVITE client transaction of its own, with the INVITE's branch (§9.1).</summary>
    internal void StartCancel(SipClientTransaction invite, SipRequest cancel)
    {
        var transaction = new SipClientNonInviteTransaction(this, cancel, invite.Transport, invite.Destination, onResponse: null);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _table.Add(transaction);
        }

        transaction.Start();
    }

    /// <summary>Arms the one timer of the compact completed transactions for the oldest one's expiry; the gate is held.</summary>
    private void ArmCompletedTimer(long now)
    {
        if (_completed.NextExpiry is not { } next)
        {
            _completedTimerArmed = false;
            return;
        }

        var due = TimeSpan.FromSeconds(Math.Max(0, next - now) / (double)TimeProvider.TimestampFrequency);
        if (_completedTimer is null)
        {
            _completedTimer = TimeProvider.CreateTimer(static state => ((SipTransactionLayer)state!).OnCompletedTimer(), this, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _completedTimer.Change(due, Timeout.InfiniteTimeSpan);
        }

        _completedTimerArmed = true;
    }

    /// <summary>Timer J of the compact completed transactions: forgets the expired ones.</summary>
    private void OnCompletedTimer()
    {
        List<SipCompletedEntry> expired;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = TimeProvider.GetTimestamp();
            expired = _completed.Expire(now);
            ArmCompletedTimer(now);
        }

        foreach (var entry in expired)
        {
            if (entry.Owner is { } owner && owner.TryGetTarget(out var transaction))
            {
                // Someone still holds the transaction: it ends now, as it did when it was kept whole.
                transaction.ExpireCompleted();
            }
        }
    }

    private static async Task ResendCompletedAsync(SipCompletedEntry entry)
    {
        try
        {
            // A failure is not acted on: the client retransmits again or gives up at its Timer F.
            await entry.Transport.SendAsync(entry.Response!, entry.Route.EndPoint, entry.Route.ConnectionId);
        }
        catch (Exception)
        {
            // Transports report failures as values; nothing else to do for a retransmitted answer.
        }
    }

    private static void InsertVia(SipRequest request, ISipTransport transport)
    {
        var via = new SipVia(transport.Kind.ToViaTransport(), transport.AdvertisedHost, transport.AdvertisedPort, SipBranch.Create())
            .WithParameter("rport", null);
        request.Headers.Insert(0, SipHeaderNames.Via, via.ToString());
    }

    private ISipTransport? FindTransport(SipDestination destination)
    {
        foreach (var transport in _transports)
        {
            if (transport.Kind == destination.Transport && transport.LocalEndPoint.AddressFamily == destination.EndPoint.AddressFamily)
            {
                return transport;
            }
        }

        return null;
    }

    private void OnReceived(SipReceivedMessage received)
    {
        switch (received.Message)
        {
            case SipRequest request:
                OnRequest(request, received);
                break;
            case SipResponse response:
                OnResponse(response, received);
                break;
        }
    }

    private void OnResponse(SipResponse response, SipReceivedMessage received)
    {
        SipClientTransaction? transaction;
        lock (_gate)
        {
            transaction = _table.FindClient(response);
        }

        if (transaction is not null)
        {
            transaction.ReceiveResponse(response);
        }
        else
        {
            InvokeGuarded(() => _user.OnStrayResponse(received));
        }
    }

    private void OnRequest(SipRequest request, SipReceivedMessage received)
    {
        if (request.TopVia is null)
        {
            // No Via, no way to send a response back (RFC 3261 §8.1.1.7 makes Via mandatory).
            Report(SipTransactionLayerEventKind.RequestDropped, $"{request.Method} from {received.RemoteEndPoint} has no Via");
            return;
        }

        var isAck = request.Method == SipMethods.Ack;
        if (request.CSeq is not { } cseq || request.CallId is null || request.From is null || request.To is null || cseq.Method != request.Method)
        {
            if (isAck)
            {
                Report(SipTransactionLayerEventKind.RequestDropped, $"ACK from {received.RemoteEndPoint} lacks CSeq, Call-ID, From or To");
            }
            else
            {
                Report(SipTransactionLayerEventKind.RequestRejected, $"{request.Method} from {received.RemoteEndPoint} lacks CSeq, Call-ID, From or To");
                RespondStateless(request, received, 400, "Missing or Mismatched CSeq, Call-ID, From or To");
            }

            return;
        }

        var match = SipTransactionTable.MatchOf(request);
        if (isAck)
        {
            SipServerTransaction? invite;
            lock (_gate)
            {
                invite = _table.FindServer(request, match);
            }

            if (invite is null || !invite.ReceiveAck())
            {
                InvokeGuarded(() => _user.OnAck(received));
            }

            return;
        }

        SipServerTransaction? existing;
        SipServerTransaction? created = null;
        SipServerTransaction? cancelled = null;
        SipCompletedEntry? completed = null;
        SipCompletedEntry? cancelledCompleted = null;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            existing = _table.FindServer(request, match);
            if (existing is null && _completed.Count > 0)
            {
                completed = _completed.Find(request, match);
            }

            if (existing is null && completed is null && _table.ServerCount < Options.MaxServerTransactions)
            {
                if (request.Method == SipMethods.Cancel)
                {
                    cancelled = _table.FindCancelTarget(match);
                    if (cancelled is null && _completed.Count > 0)
                    {
                        cancelledCompleted = _completed.FindCancelTarget(match);
                    }
                }

                var toTag = cancelled?.ToTag ?? cancelledCompleted?.ToTag ?? SipResponseFactory.CreateTag();
                created = request.Method == SipMethods.Invite
                    ? new SipServerInviteTransaction(this, received, toTag)
                    : new SipServerNonInviteTransaction(this, received, toTag);
                _table.Add(created);
            }
        }

        if (existing is not null)
        {
            existing.ReceiveRetransmission();
            return;
        }

        if (completed is not null)
        {
            // §17.2.2: a retransmission in Completed gets the final response again, byte for byte; an accepted
            // INVITE's is absorbed (RFC 6026 §7.1).
            if (completed.Response is not null)
            {
                _ = ResendCompletedAsync(completed);
            }

            return;
        }

        if (created is null)
        {
            Report(SipTransactionLayerEventKind.Overloaded, $"{Options.MaxServerTransactions} server transactions are live; {request.Method} answered 503");
            RespondStateless(request, received, 503, null);
            return;
        }

        created.Start();
        if (cancelled is not null)
        {
            // §9.2: a CANCEL that matches is answered 200 by the UAS (and a proxy, §16.10) whatever the state of
            // the cancelled transaction; only an INVITE still without a final response is affected by it.
            created.SendResponse(created.CreateResponse(200));
            cancelled.ReceiveCancel(request);
            return;
        }

        if (cancelledCompleted is not null)
        {
            // The cancelled transaction is a completed non-INVITE one: answered 200, with no effect (§9.2).
            created.SendResponse(created.CreateResponse(200));
            return;
        }

        InvokeGuarded(() => _user.OnRequest(created));
    }

    private void RespondStateless(SipRequest request, SipReceivedMessage received, int statusCode, string? reasonPhrase)
    {
        var response = SipResponseFactory.CreateResponse(request, statusCode, reasonPhrase);
        _ = SendStatelessResponseAsync(response, received).AsTask();
    }

    private void Report(SipTransactionLayerEventKind kind, string detail) =>
        Diagnostic?.Invoke(this, new SipTransactionLayerEventArgs(kind, detail));
}
