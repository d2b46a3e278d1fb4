using System.Collections.Concurrent;
using Emx.Cluster.CallControl.Media;
using Emx.Cluster.CallControl.Routing;
using Emx.Sip.Messages;
using Emx.Sip.Sdp;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.CallControl.Proxy;

/// <summary>
/// The node's stateful, record-routing proxy (RFC 3261 §16): a new INVITE is routed by <see cref="CallRouter"/>
/// (caller's calling search spaces, the dial plan, registrations, trunks) and forked by a <see cref="ForkedCall"/>;
/// requests inside a dialog come back through the Record-Route and go on to the remote target; the ACK of a 2xx
/// is forwarded statelessly. Answered calls are tracked until their BYE for the CallsActive counter. An EMCC call
/// reserves its bandwidth with the visiting cluster's RSVP agent before it is forwarded (<see cref="Rsvp.EmccRsvpAgent"/>)
/// and releases it when it ends unanswered or at its BYE.
/// </summary>
public sealed partial class SipProxy(CallRouter router, Rsvp.EmccRsvpAgent rsvp, CallControlOptions options, CallCounters counters, TimeProvider time, ILoggerFactory loggers)
{
    private readonly ILogger _trace = loggers.CreateLogger(CallControlCore.TraceCategory);
    private readonly ConcurrentDictionary<string, ActiveDialog> _dialogs = new(StringComparer.Ordinal);
    private SipTransactionLayer? _layer;

    /// <summary>The options.</summary>
    public CallControlOptions Options => options;

    /// <summary>The clock.</summary>
    public TimeProvider Time => time;

    /// <summary>Answered calls whose BYE has not been seen.</summary>
    public int ActiveDialogCount => _dialogs.Count;

    internal SipTransactionLayer Layer => _layer ?? throw new InvalidOperationException("The proxy is not attached to a transaction layer.");

    /// <summary>Whether <paramref name="uri"/> names this node's SIP listener.</summary>
    public bool IsSelf(SipUri uri) => _layer is { } layer && ProxyMessages.IsSelf(uri, layer.Transports);

    /// <summary>Connects the proxy to the node's transaction layer (at SIP start).</summary>
    public void Attach(SipTransactionLayer layer) => _layer = layer ?? throw new ArgumentNullException(nameof(layer));

    /// <summary>Routes and forwards a new INVITE; returns when its final response has gone upstream.</summary>
    public async Task InviteAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        transaction.SendResponse(transaction.CreateResponse(100));
        counters.Attempted();
        var request = ProxyMessages.Copy(transaction.Request);
        ProxyMessages.PopOwnRoutes(request, Layer.Transports);
        if (request.Routes.Count > 0)
        {
            // A pre-loaded route to somewhere else: this node is not an open relay.
            Refuse(transaction, new RefuseCall(403, "Forbidden", 21, "pre-loaded Route to another element"));
            return;
        }

        CallPlan plan;
        try
        {
            plan = await router.PlanAsync(request, transaction.Source, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Refuse(transaction, new RefuseCall(503, "Shutting Down", null, "node stopping"));
            return;
        }

        if (transaction.CancelRequested.IsCancellationRequested)
        {
            Refuse(transaction, new RefuseCall(487, "Request Terminated", 16, "cancelled while routing"));
            return;
        }

        if (plan is RefuseCall refusal)
        {
            Refuse(transaction, refusal);
            return;
        }

        var forward = (ForwardCall)plan;
        Rsvp.RsvpAdmission admission;
        try
        {
            admission = await rsvp.AdmitAsync(forward, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Refuse(transaction, new RefuseCall(503, "Shutting Down", null, "node stopping"));
            return;
        }

        if (admission.Plan is RefuseCall admissionRefused)
        {
            Refuse(transaction, admissionRefused);
            return;
        }

        forward = (ForwardCall)admission.Plan with { Reservations = admission.Reservations };
        if (transaction.CancelRequested.IsCancellationRequested)
        {
            rsvp.ReleaseInBackground(forward.Reservations);
            Refuse(transaction, new RefuseCall(487, "Request Terminated", 16, "cancelled while reserving bandwidth"));
            return;
        }

        LogRouted(_trace, request.CallId, forward.Caller.Name, request.RequestUri.User, forward.Destination, forward.Sets.Count);
        var call = new ForkedCall(this, transaction, request, forward);
        call.Start();
        await call.Finished.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (forward.Reservations.Count > 0 && (request.CallId is not { } callId || !_dialogs.ContainsKey(callId)))
        {
            // Not answered (or answered and already ended): nothing more to reserve for.
            rsvp.ReleaseInBackground(forward.Reservations);
        }
    }

    /// <summary>
    /// Forwards a request inside a dialog (BYE, re-INVITE, UPDATE, INFO, NOTIFY, REFER...) that came back through
    /// this proxy's Record-Route: pops the own Route entries and sends it on statefully.
    /// </summary>
    public async Task InDialogAsync(SipServerTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var request = ProxyMessages.Copy(transaction.Request);
        ProxyMessages.PopOwnRoutes(request, Layer.Transports);
        ProxyMessages.DecrementMaxForwards(request);
        if (ProxyMessages.NextHop(request) is not { } next)
        {
            transaction.SendResponse(transaction.CreateResponse(404, "Remote Target Not Resolvable"));
            return;
        }

        if (request.Method == SipMethods.Invite)
        {
            transaction.SendResponse(transaction.CreateResponse(100));
        }

        SipClientTransaction client;
        try
        {
            client = Layer.SendRequest(request, next, (_, response) =>
            {
                if (response.StatusCode == 100)
                {
                    return;
                }

                if (request.Method == SipMethods.Bye && response.IsFinal)
                {
                    // Counted before the answer goes upstream, so whoever sees the 200 sees the call completed.
                    ByeAnswered(request, response);
                }

                transaction.SendResponse(ProxyMessages.ToUpstream(response));
            });
        }
        catch (InvalidOperationException ex)
        {
            TraceBranchFailure(new ForwardTarget(request.RequestUri, next, "in-dialog", MediaLimits.Defaults), ex.Message);
            transaction.SendResponse(transaction.CreateResponse(503, "Destination Unreachable"));
            return;
        }

        using var cancel = transaction.CancelRequested.Register(() => client.Cancel());
        await client.FinalResponse.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void ByeAnswered(SipRequest bye, SipResponse final)
    {
        if ((final.IsSuccess || final.StatusCode is 481 or 408) && bye.CallId is { } callId && _dialogs.TryRemove(callId, out var dialog))
        {
            rsvp.ReleaseInBackground(dialog.Reservations);
            counters.Completed();
            LogCallEnded(_trace, callId, final.StatusCode);
        }
    }

    /// <summary>Forwards the ACK of a 2xx (its own transaction, RFC 3261 §17.1.1.3) statelessly along its route.</summary>
    public async Task AckAsync(SipReceivedMessage ack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (ack.Message is not SipRequest received)
        {
            return;
        }

        var request = ProxyMessages.Copy(received);
        if (ProxyMessages.PopOwnRoutes(request, Layer.Transports) == 0)
        {
            // Not record-routed through this node: no dialog of ours.
            return;
        }

        ProxyMessages.DecrementMaxForwards(request);
        if (ProxyMessages.NextHop(request) is { } next)
        {
            await Layer.SendStatelessRequestAsync(request, next, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The branch request: retargeted, Max-Forwards decremented, record-routed, its offer filtered for the leg's regions.</summary>
    internal (SipRequest? Request, SipResponse? Refusal) PrepareBranch(SipRequest request, SipServerTransaction server, ForwardTarget target)
    {
        var branch = ProxyMessages.Copy(request, target.RequestUri);
        ProxyMessages.DecrementMaxForwards(branch);
        // Only this node says which visiting phone a PSTN Access call is for; whatever a caller sent is dropped.
        branch.Headers.RemoveAll(ForwardTarget.EmccDeviceHeader);
        if (target.PstnAccessFor is { } visitingPhone)
        {
            branch.Headers.Add(ForwardTarget.EmccDeviceHeader, visitingPhone);
        }

        var outbound = Layer.Transports.FirstOrDefault(t => t.Kind == target.Destination.Transport) ?? server.Transport;
        ProxyMessages.AddRecordRoute(branch, server.Transport, outbound);
        if (branch.Body.IsEmpty || branch.ContentType is not { } type
            || !string.Equals(type.MediaType, "application/sdp", StringComparison.OrdinalIgnoreCase))
        {
            return (branch, null);
        }

        // CUCM offers only what the regions of both ends allow, in its preference order (reference section 10).
        if (!SdpParser.TryParse(branch.Body.Span, out var offer, out var error))
        {
            LogBadOffer(_trace, request.CallId, error.Reason);
            return (null, Refusal(488, "Not Acceptable Here", 399, "Malformed session description: " + error.Reason));
        }

        var filtered = SdpCodecFilter.Apply(offer, target.Media.MaxAudioBitRateKbps, target.Media.LinkLossType);
        if (!filtered.IsFiltered)
        {
            LogNoCommonCodec(_trace, request.CallId, target.Label, target.Media.MaxAudioBitRateKbps, target.Media.LinkLossType);
            return (null, Refusal(488, "Not Acceptable Here", filtered.WarningCode ?? 305, filtered.WarningText ?? "Incompatible media format"));
        }

        branch.Body = SdpWriter.WriteBytes(filtered.Offer!);
        return (branch, null);
    }

    private SipResponse Refusal(int statusCode, string reasonPhrase, int warningCode, string warningText)
    {
        var response = new SipResponse(statusCode, reasonPhrase);
        var agent = _layer?.Transports[0].AdvertisedHost ?? "emx";
        response.Headers.Add(SipHeaderNames.Warning, warningCode.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + agent + " \"" + warningText.Replace("\"", "'", StringComparison.Ordinal) + "\"");
        return response;
    }

    internal void CallAnswered(SipRequest request, SipResponse response, ForwardCall plan, ForwardTarget target)
    {
        counters.SetupEnded(response.StatusCode);
        if (request.CallId is { } callId)
        {
            _dialogs.TryAdd(callId, new ActiveDialog(plan.Caller.Name, target.Label, time.GetUtcNow(), plan.Reservations));
        }

        LogAnswered(_trace, request.CallId, target.Label, plan.Destination);
    }

    internal void CallRefused(SipRequest request, int statusCode, ForwardCall plan)
    {
        counters.SetupEnded(statusCode);
        LogRefused(_trace, request.CallId, statusCode, plan.Destination);
    }

    internal void TraceBranchFailure(ForwardTarget target, string detail) => LogBranchFailure(_trace, target.Label, target.Destination.EndPoint, detail);

    internal void TraceAdvance(SipRequest request, TargetSet failed, SipResponse? response) =>
        LogAdvance(_trace, request.CallId, failed.Name, response?.StatusCode ?? 0);

    internal void TraceNoAnswer(SipRequest request) => LogNoAnswer(_trace, request.CallId, options.NoAnswerTimeout.TotalSeconds);

    private void Refuse(SipServerTransaction transaction, RefuseCall refusal)
    {
        var response = transaction.CreateResponse(refusal.StatusCode, refusal.ReasonPhrase);
        if (refusal.Q850Cause is { } cause)
        {
            ProxyMessages.AddQ850Reason(response, cause, refusal.ReasonPhrase);
        }

        counters.SetupEnded(refusal.StatusCode);
        LogRefusedEarly(_trace, transaction.Request.CallId, refusal.StatusCode, refusal.ReasonPhrase, refusal.Detail);
        transaction.SendResponse(response);
    }

    private sealed record ActiveDialog(string Caller, string Callee, DateTimeOffset Answered, IReadOnlyList<Rsvp.RsvpReservation> Reservations);

    [LoggerMessage(EventId = 3120, Level = LogLevel.Debug, Message = "Call {CallId}: {Caller} dialled {Dialled}, routed to {Destination} ({Sets} target set(s))")]
    private static partial void LogRouted(ILogger logger, string? callId, string caller, string? dialled, string destination, int sets);

    [LoggerMessage(EventId = 3121, Level = LogLevel.Debug, Message = "Call {CallId}: refused {StatusCode} {Reason}: {Detail}")]
    private static partial void LogRefusedEarly(ILogger logger, string? callId, int statusCode, string reason, string detail);

    [LoggerMessage(EventId = 3122, Level = LogLevel.Debug, Message = "Call {CallId}: answered by {Target} ({Destination})")]
    private static partial void LogAnswered(ILogger logger, string? callId, string target, string destination);

    [LoggerMessage(EventId = 3123, Level = LogLevel.Debug, Message = "Call {CallId}: ended {StatusCode} ({Destination})")]
    private static partial void LogRefused(ILogger logger, string? callId, int statusCode, string destination);

    [LoggerMessage(EventId = 3124, Level = LogLevel.Debug, Message = "Call {CallId}: {Set} failed with {StatusCode}, trying the next")]
    private static partial void LogAdvance(ILogger logger, string? callId, string set, int statusCode);

    [LoggerMessage(EventId = 3125, Level = LogLevel.Debug, Message = "Call {CallId}: no answer after {Seconds} s, cancelling")]
    private static partial void LogNoAnswer(ILogger logger, string? callId, double seconds);

    [LoggerMessage(EventId = 3126, Level = LogLevel.Warning, Message = "Call branch to {Target} at {EndPoint} failed: {Detail}")]
    private static partial void LogBranchFailure(ILogger logger, string target, System.Net.IPEndPoint endPoint, string detail);

    [LoggerMessage(EventId = 3128, Level = LogLevel.Debug, Message = "Call {CallId}: offer is not a valid session description ({Reason}); 488")]
    private static partial void LogBadOffer(ILogger logger, string? callId, string reason);

    [LoggerMessage(EventId = 3129, Level = LogLevel.Debug, Message = "Call {CallId}: no offered codec fits {Target}'s leg ({MaxKbps} kb/s, {LossType}); 488")]
    private static partial void LogNoCommonCodec(ILogger logger, string? callId, string target, int maxKbps, Domain.Configuration.LinkLossType lossType);

    [LoggerMessage(EventId = 3127, Level = LogLevel.Debug, Message = "Call {CallId}: BYE answered {StatusCode}, call completed")]
    private static partial void LogCallEnded(ILogger logger, string? callId, int statusCode);
}
