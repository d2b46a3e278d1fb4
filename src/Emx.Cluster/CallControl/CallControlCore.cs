using System.Collections.Concurrent;
using System.Globalization;
using Emx.Cluster.CallControl.Proxy;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Emx.Sip.Validation;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.CallControl;

/// <summary>
/// The node's SIP transaction user: a registrar and UA core for REGISTER and OPTIONS addressed to the node (§8.2
/// checks), and a stateful proxy (§16 checks) for calls: a new INVITE goes to <see cref="SipProxy"/> to be routed by
/// the dial plan, requests that come back through its Record-Route (BYE, re-INVITE, ACK of a 2xx...) are forwarded
/// along the dialog's route, and a request inside a dialog this node did not record-route gets 481. Work leaves the
/// receive loop at once.
/// </summary>
public sealed partial class CallControlCore(Registrar registrar, SipProxy proxy, Rsvp.EmccRsvpAgent rsvp, ILoggerFactory loggers) : ISipTransactionUser, IAsyncDisposable
{
    /// <summary>The SIP message trace category (Debug): one line per request and response, never a body.</summary>
    public const string TraceCategory = "Emx.Trace.Sip";

    /// <summary>The methods this node implements.</summary>
    public static readonly IReadOnlyList<string> AllowedMethods =
        [SipMethods.Register, SipMethods.Options, SipMethods.Invite, SipMethods.Ack, SipMethods.Cancel, SipMethods.Bye];

    private static readonly SipRequestValidator Validator = new(new SipValidatorOptions
    {
        SupportedMethods = AllowedMethods,
        AcceptedContentTypes = [],
    });

    private static readonly SipRequestValidator ProxyValidator = new(new SipValidatorOptions { Role = SipElementRole.Proxy });

    private static readonly string Allow = string.Join(", ", AllowedMethods);

    private readonly ILogger _trace = loggers.CreateLogger(TraceCategory);
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    /// <inheritdoc />
    public void OnRequest(SipServerTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var request = transaction.Request;
        var source = transaction.Source;
        LogRequest(_trace, request.Method, request.RequestUri, source.Transport.Kind, source.RemoteEndPoint);
        var proxied = IsForProxy(request, proxy);
        var validation = (proxied ? ProxyValidator : Validator).Validate(request);
        if (validation.Action == SipValidationAction.Drop)
        {
            return;
        }

        if (validation.Action == SipValidationAction.Respond)
        {
            Send(transaction, validation.CreateResponse(request, transaction.ToTag));
            return;
        }

        if (proxied)
        {
            var work = request.Method == SipMethods.Invite && request.To?.Tag is null
                ? (Func<Task>)(() => proxy.InviteAsync(transaction, _stopping.Token))
                : () => proxy.InDialogAsync(transaction, _stopping.Token);
            Track(Task.Run(() => RunGuardedAsync(transaction, work), CancellationToken.None));
            return;
        }

        if (request.To?.Tag is not null && request.Method is not (SipMethods.Register or SipMethods.Options or SipMethods.Cancel))
        {
            // Inside a dialog this node did not record-route: not ours (RFC 3261 §12.2.2).
            Send(transaction, transaction.CreateResponse(481));
            return;
        }

        switch (request.Method)
        {
            case SipMethods.Register:
                Track(Task.Run(() => RegisterAsync(transaction), CancellationToken.None));
                break;
            case SipMethods.Options when request.Headers.Contains(Domain.Routing.RsvpAgentHeader.Name):
                // A keepalive, reservation or release between the RSVP agents of two EMCC clusters.
                Track(Task.Run(() => RsvpAsync(transaction), CancellationToken.None));
                break;
            case SipMethods.Options:
                var ok = transaction.CreateResponse(200);
                ok.Headers.Add(SipHeaderNames.Allow, Allow);
                ok.Headers.Add(SipHeaderNames.Accept, "application/sdp");
                Send(transaction, ok);
                break;
            case SipMethods.Cancel:
                // A CANCEL the layer could not match to a transaction (RFC 3261 §9.2).
                Send(transaction, transaction.CreateResponse(481));
                break;
            default:
                var refused = transaction.CreateResponse(405);
                refused.Headers.Add(SipHeaderNames.Allow, Allow);
                Send(transaction, refused);
                break;
        }
    }

    /// <inheritdoc />
    public void OnAck(SipReceivedMessage ack)
    {
        ArgumentNullException.ThrowIfNull(ack);

        // Started here, on the receive loop, not queued: the ACK leaves before a BYE that follows it on the same
        // connection or socket is forwarded (a callee must not see the BYE first).
        Track(ForwardAckAsync(ack));
    }

    private async Task ForwardAckAsync(SipReceivedMessage ack)
    {
        try
        {
            await proxy.AckAsync(ack, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <inheritdoc />
    public void OnStrayResponse(SipReceivedMessage response)
    {
    }

    /// <summary>Stops taking new work and waits (bounded) for requests in progress.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_inFlight.Keys).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // Requests cut short by the shutdown: their transactions are being disposed with the layer.
        }

        _stopping.Dispose();
    }

    /// <summary>Builds the registrar's answer: 200 with every binding and its remaining time, or the refusal.</summary>
    public static SipResponse CreateRegisterResponse(SipServerTransaction transaction, RegisterResult result)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(result);
        var decision = result.Decision;
        var response = transaction.CreateResponse(decision.StatusCode, decision.ReasonPhrase);
        if (decision.MinExpires is { } minExpires)
        {
            response.Headers.Add(SipHeaderNames.MinExpires, minExpires.ToString(CultureInfo.InvariantCulture));
        }

        if (decision.IsSuccess)
        {
            foreach (var binding in result.Bindings)
            {
                var remaining = (long)Math.Ceiling((binding.ExpiresAt - result.Now).TotalSeconds);
                var contact = "<" + binding.Contact + ">" + (binding.InstanceId is { } instance ? ";+sip.instance=\"" + instance + "\"" : string.Empty)
                    + ";expires=" + Math.Max(1, remaining).ToString(CultureInfo.InvariantCulture);
                response.Headers.Add(SipHeaderNames.Contact, contact);
            }

            response.Headers.Add(SipHeaderNames.Date, result.Now.ToString("r", CultureInfo.InvariantCulture));
        }

        return response;
    }

    private async Task RsvpAsync(SipServerTransaction transaction)
    {
        SipResponse response;
        try
        {
            var answer = await rsvp.AnswerAsync(transaction.Request, transaction.Source, _stopping.Token);
            response = transaction.CreateResponse(answer.StatusCode, answer.ReasonPhrase);
            if (answer.Header is { } header)
            {
                response.Headers.Add(Domain.Routing.RsvpAgentHeader.Name, header.ToString());
            }

            if (answer.Q850Cause is { } cause)
            {
                ProxyMessages.AddQ850Reason(response, cause, answer.ReasonPhrase);
            }
        }
        catch (OperationCanceledException)
        {
            response = transaction.CreateResponse(503, "Shutting Down");
        }
        catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException)
        {
            LogDatabaseFailure(_trace, transaction.Method, ex);
            response = transaction.CreateResponse(500, "Database Unavailable");
        }

        Send(transaction, response);
    }

    private async Task RegisterAsync(SipServerTransaction transaction)
    {
        var source = transaction.Source;
        var origin = new RegistrationSource(source.Transport.Kind, source.RemoteEndPoint, source.ConnectionId);
        SipResponse response;
        try
        {
            var result = await registrar.RegisterAsync(transaction.Request, origin, _stopping.Token);
            response = CreateRegisterResponse(transaction, result);
        }
        catch (OperationCanceledException)
        {
            response = transaction.CreateResponse(503, "Shutting Down");
        }

        Send(transaction, response);
    }

    /// <summary>
    /// Whether the proxy handles <paramref name="request"/>: a new INVITE (routed by the dial plan), or a request whose
    /// top Route names this node (it came back through the Record-Route of a call).
    /// </summary>
    private static bool IsForProxy(SipRequest request, SipProxy proxy)
    {
        if (request.Method == SipMethods.Invite && request.To?.Tag is null)
        {
            return true;
        }

        return request.Method != SipMethods.Register && request.Routes is { Count: > 0 } routes && proxy.IsSelf(routes[0].Uri);
    }

    private async Task RunGuardedAsync(SipServerTransaction transaction, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (OperationCanceledException)
        {
            transaction.SendResponse(transaction.CreateResponse(503, "Shutting Down"));
        }
        catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException)
        {
            LogDatabaseFailure(_trace, transaction.Method, ex);
            transaction.SendResponse(transaction.CreateResponse(500, "Database Unavailable"));
        }
    }

    private void Send(SipServerTransaction transaction, SipResponse response)
    {
        LogResponse(_trace, response.StatusCode, response.ReasonPhrase, transaction.Method, transaction.Source.RemoteEndPoint);
        transaction.SendResponse(response);
    }

    private void Track(Task task)
    {
        _inFlight.TryAdd(task, 0);
        _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "SIP {Method}: database failure")]
    private static partial void LogDatabaseFailure(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "SIP in: {Method} {RequestUri} over {Transport} from {Remote}")]
    private static partial void LogRequest(ILogger logger, string method, SipUri requestUri, SipTransportKind transport, System.Net.IPEndPoint remote);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "SIP out: {StatusCode} {Reason} to {Method} from {Remote}")]
    private static partial void LogResponse(ILogger logger, int statusCode, string reason, string method, System.Net.IPEndPoint remote);
}
