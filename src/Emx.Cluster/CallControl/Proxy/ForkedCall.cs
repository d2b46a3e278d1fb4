using Emx.Cluster.CallControl.Routing;
using Emx.Sip.Messages;
using Emx.Sip.Transactions;

namespace Emx.Cluster.CallControl.Proxy;

/// <summary>
/// One proxied INVITE (RFC 3261 §16.7): the server transaction towards the caller and the client transactions of
/// the current target set. Provisional responses and every 2xx go upstream at once; the first 2xx or a 6xx cancels
/// the other branches; when every branch of a set has failed, the set's failure moves on to the next set (trunk
/// hunting) or the best response goes upstream. A CANCEL from the caller, or the no-answer timer, cancels every
/// branch still ringing. Callbacks arrive on transport and timer threads; state changes under one lock and every
/// send happens after it is released.
/// </summary>
internal sealed class ForkedCall
{
    private readonly SipProxy _proxy;
    private readonly SipServerTransaction _server;
    private readonly SipRequest _request;
    private readonly ForwardCall _plan;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<SipResponse> _local = new(ReferenceEqualityComparer.Instance);
    private List<Branch> _branches = [];
    private int _setIndex = -1;
    private SipResponse? _best;
    private bool _finalSent;
    private bool _cancelled;
    private bool _noAnswer;
    private ITimer? _noAnswerTimer;
    private CancellationTokenRegistration _cancelRegistration;

    public ForkedCall(SipProxy proxy, SipServerTransaction server, SipRequest request, ForwardCall plan)
    {
        _proxy = proxy;
        _server = server;
        _request = request;
        _plan = plan;
    }

    /// <summary>Completes when the final response has gone upstream and no branch is waiting any more.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Starts the first set, the no-answer timer and the caller's CANCEL watch.</summary>
    public void Start()
    {
        _noAnswerTimer = _proxy.Time.CreateTimer(_ => OnNoAnswer(), null, _proxy.Options.NoAnswerTimeout, Timeout.InfiniteTimeSpan);
        _cancelRegistration = _server.CancelRequested.Register(OnCallerCancel);
        List<Action> effects = [];
        lock (_gate)
        {
            StartNextSet(effects);
        }

        Run(effects);
    }

    private void StartNextSet(List<Action> effects)
    {
        _setIndex++;
        _best = null;
        var set = _plan.Sets[_setIndex];
        var branches = new List<Branch>(set.Targets.Count);
        foreach (var target in set.Targets)
        {
            branches.Add(new Branch(target));
        }

        _branches = branches;
        effects.Add(() =>
        {
            foreach (var branch in branches)
            {
                SendBranch(branch);
            }
        });
    }

    private void SendBranch(Branch branch)
    {
        var prepared = _proxy.PrepareBranch(_request, _server, branch.Target);
        if (prepared.Refusal is { } refusal)
        {
            OnLocalResponse(branch, refusal);
            return;
        }

        try
        {
            var transaction = _proxy.Layer.SendRequest(prepared.Request!, branch.Target.Destination, (_, response) => OnResponse(branch, response));
            bool cancelNow;
            lock (_gate)
            {
                branch.Transaction = transaction;
                cancelNow = _cancelled || _finalSent && !branch.IsFinal;
            }

            if (cancelNow)
            {
                transaction.Cancel();
            }
        }
        catch (InvalidOperationException ex)
        {
            // No transport for the target's kind or address family, or the node is stopping.
            _proxy.TraceBranchFailure(branch.Target, ex.Message);
            OnLocalResponse(branch, new SipResponse(503, "Destination Unreachable"));
        }
    }

    /// <summary>A final answer the proxy makes up for a branch it could not send (no Via of its own to remove).</summary>
    private void OnLocalResponse(Branch branch, SipResponse response)
    {
        lock (_gate)
        {
            _local.Add(response);
        }

        OnResponse(branch, response);
    }

    private void OnResponse(Branch branch, SipResponse response)
    {
        List<Action> effects = [];
        lock (_gate)
        {
            Decide(branch, response, effects);
        }

        Run(effects);
    }

    private void Decide(Branch branch, SipResponse response, List<Action> effects)
    {
        if (response.StatusCode == 100)
        {
            return;
        }

        if (response.IsProvisional)
        {
            if (!_finalSent && !_cancelled)
            {
                var upstream = ProxyMessages.ToUpstream(response);
                effects.Add(() => _server.SendResponse(upstream));
            }

            return;
        }

        if (response.IsSuccess)
        {
            // Every 2xx goes upstream, retransmissions and those of other branches too (§16.7 step 5; RFC 6026).
            var upstream = ProxyMessages.ToUpstream(response);
            var first = !_finalSent;
            branch.Final ??= response;
            _finalSent = true;
            effects.Add(() => _server.SendResponse(upstream));
            if (first)
            {
                effects.Add(() => _proxy.CallAnswered(_request, response, _plan, branch.Target));
                CancelOthers(branch, effects);
            }

            CheckFinished(effects);
            return;
        }

        if (branch.IsFinal || _setIndex < 0 || !_branches.Contains(branch))
        {
            return;
        }

        branch.Final = response;
        if (_finalSent)
        {
            CheckFinished(effects);
            return;
        }

        if (_best is null || Rank(response) < Rank(_best))
        {
            _best = response;
        }

        if (response.StatusCode >= 600)
        {
            CancelOthers(branch, effects);
        }

        if (_branches.Any(b => !b.IsFinal))
        {
            return;
        }

        var set = _plan.Sets[_setIndex];
        if (set.AdvanceOnFailure && !_cancelled && IsRouteFailure(_best) && _setIndex + 1 < _plan.Sets.Count)
        {
            var failed = _best;
            effects.Add(() => _proxy.TraceAdvance(_request, set, failed));
            StartNextSet(effects);
            return;
        }

        SendFinal(effects);
    }

    private void SendFinal(List<Action> effects)
    {
        _finalSent = true;
        SipResponse upstream;
        var set = _plan.Sets[_setIndex];
        if (_noAnswer)
        {
            upstream = _server.CreateResponse(480, "No Answer");
            ProxyMessages.AddQ850Reason(upstream, 19, "No answer from user (user alerted)");
        }
        else if (set.AdvanceOnFailure && IsRouteFailure(_best))
        {
            // Every trunk of the route failed: CUCM releases with cause 34 (no circuit/channel available).
            upstream = _server.CreateResponse(503, "Service Unavailable");
            ProxyMessages.AddQ850Reason(upstream, 34, "No circuit/channel available");
        }
        else if (_local.Contains(_best!))
        {
            upstream = _server.CreateResponse(_best!.StatusCode, _best.ReasonPhrase);
            foreach (var header in _best.Headers)
            {
                upstream.Headers.Add(header.Name, header.Value);
            }
        }
        else
        {
            upstream = ProxyMessages.ToUpstream(_best!);
            if (upstream.StatusCode == 503)
            {
                // §16.7 step 6: a 503 from downstream becomes 500 (the proxy itself is not unavailable).
                upstream = ProxyMessages.ToUpstream(_best!, 500, "Server Internal Error");
            }
        }

        var status = upstream.StatusCode;
        effects.Add(() =>
        {
            _server.SendResponse(upstream);
            _proxy.CallRefused(_request, status, _plan);
        });
        CheckFinished(effects);
    }

    private void CheckFinished(List<Action> effects)
    {
        if (_finalSent && _branches.All(b => b.IsFinal))
        {
            effects.Add(Finish);
        }
    }

    private void Finish()
    {
        _noAnswerTimer?.Dispose();
        _cancelRegistration.Dispose();
        _finished.TrySetResult();
    }

    private void CancelOthers(Branch winner, List<Action> effects)
    {
        foreach (var other in _branches)
        {
            if (!ReferenceEquals(other, winner) && !other.IsFinal && other.Transaction is { } transaction)
            {
                effects.Add(() => transaction.Cancel());
            }
        }
    }

    private void OnCallerCancel()
    {
        List<Action> effects = [];
        lock (_gate)
        {
            if (_finalSent || _cancelled)
            {
                return;
            }

            _cancelled = true;
            CancelPending(effects);
        }

        Run(effects);
    }

    private void OnNoAnswer()
    {
        List<Action> effects = [];
        lock (_gate)
        {
            if (_finalSent || _cancelled)
            {
                return;
            }

            _cancelled = true;
            _noAnswer = true;
            effects.Add(() => _proxy.TraceNoAnswer(_request));
            CancelPending(effects);
        }

        Run(effects);
    }

    private void CancelPending(List<Action> effects)
    {
        foreach (var branch in _branches)
        {
            if (!branch.IsFinal && branch.Transaction is { } transaction)
            {
                effects.Add(() => transaction.Cancel());
            }
        }
    }

    private static bool IsRouteFailure(SipResponse? response) => response?.StatusCode is 408 or 500 or 502 or 503 or 504;

    /// <summary>Lower is better (§16.7 step 6): 6xx, then 3xx, 4xx, 5xx; within 4xx the most telling first, 487 and 408 last.</summary>
    private static int Rank(SipResponse response) => response.StatusCode switch
    {
        >= 600 => 0,
        >= 300 and < 400 => 100 + response.StatusCode - 300,
        486 => 200,
        480 => 202,
        488 => 203,
        404 => 204,
        487 => 390,
        408 => 391,
        >= 400 and < 500 => 210 + response.StatusCode - 400,
        _ => 400 + response.StatusCode - 500,
    };

    private static void Run(List<Action> effects)
    {
        foreach (var effect in effects)
        {
            effect();
        }
    }

    private sealed class Branch(ForwardTarget target)
    {
        public ForwardTarget Target { get; } = target;

        public SipClientTransaction? Transaction { get; set; }

        public SipResponse? Final { get; set; }

        public bool IsFinal => Final is not null;
    }
}
