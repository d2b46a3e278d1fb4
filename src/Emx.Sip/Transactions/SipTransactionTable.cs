using Emx.Sip.Messages;

namespace Emx.Sip.Transactions;

/// <summary>
/// What a server transaction is matched by, captured when it is created: a TU (a proxy retargeting, say) may
/// change the request object afterwards.
/// </summary>
/// <param name="IsRfc3261">True when the top Via had an RFC 3261 branch.</param>
/// <param name="Key">The table key: branch and sent-by, or for RFC 2543 peers Call-ID, CSeq number, From tag and top Via.</param>
/// <param name="RequestUri">The Request-URI, compared under RFC 2543 matching.</param>
/// <param name="ToTag">The To tag of the request, compared under RFC 2543 matching.</param>
internal sealed record SipServerMatch(bool IsRfc3261, string Key, SipUri RequestUri, string? ToTag);

/// <summary>
/// The transaction store: which transaction a message belongs to (RFC 3261 §17.1.3, §17.2.3, §9.2). It holds no
/// protocol behaviour and no lock of its own: <see cref="SipTransactionLayer"/> serializes access.
/// </summary>
internal sealed class SipTransactionTable
{
    private readonly Dictionary<(string Branch, string Method), SipClientTransaction> _client = [];
    private readonly Dictionary<string, List<SipServerTransaction>> _server = new(StringComparer.Ordinal);

    public int ServerCount { get; private set; }

    public int ClientCount => _client.Count;

    public IEnumerable<SipTransaction> All => [.. _client.Values, .. _server.Values.SelectMany(list => list)];

    /// <summary>What <paramref name="request"/> is matched by; its top Via must be present.</summary>
    public static SipServerMatch MatchOf(SipRequest request)
    {
        var via = request.TopVia!;
        var sentBy = via.Host.ToLowerInvariant() + ":" + (via.Port ?? (string.Equals(via.Transport, "TLS", StringComparison.OrdinalIgnoreCase) ? 5061 : 5060));
        if (via.IsRfc3261Branch)
        {
            return new SipServerMatch(true, "3261 " + via.Branch + " " + sentBy, request.RequestUri, request.To?.Tag);
        }

        var key = string.Join(
            ' ', "2543", request.CallId, request.CSeq?.Number, request.From?.Tag, via.Transport.ToUpperInvariant(), sentBy, via.Branch);
        return new SipServerMatch(false, key, request.RequestUri, request.To?.Tag);
    }

    public void Add(SipClientTransaction transaction) => _client[(transaction.Branch!, transaction.Method)] = transaction;

    public void Add(SipServerTransaction transaction)
    {
        if (!_server.TryGetValue(transaction.Match.Key, out var list))
        {
            _server[transaction.Match.Key] = list = [];
        }

        list.Add(transaction);
        ServerCount++;
    }

    public void Remove(SipTransaction transaction)
    {
        switch (transaction)
        {
            case SipClientTransaction client:
                var key = (client.Branch!, client.Method);
                if (_client.TryGetValue(key, out var current) && current == client)
                {
                    _client.Remove(key);
                }

                break;
            case SipServerTransaction server:
                if (_server.TryGetValue(server.Match.Key, out var list) && list.Remove(server))
                {
                    ServerCount--;
                    if (list.Count == 0)
                    {
                        _server.Remove(server.Match.Key);
                    }
                }

                break;
        }
    }

    /// <summary>
    /// §17.1.3: a response matches the client transaction whose request carried the response's top Via branch
    /// and whose method is the CSeq method (which tells a CANCEL's transaction from its INVITE's).
    /// </summary>
    public SipClientTransaction? FindClient(SipResponse response) =>
        response.TopVia?.Branch is { } branch && response.CSeq is { } cseq && _client.TryGetValue((branch, cseq.Method), out var transaction)
            ? transaction
            : null;

    /// <summary>
    /// §17.2.3: the server transaction a request (a retransmission or an ACK) belongs to. With an RFC 3261
    /// branch: same branch, same sent-by, same method (an ACK matches its INVITE). Without the magic cookie, the
    /// RFC 2543 rules: Request-URI, From and To tags, Call-ID, CSeq and top Via; an ACK carries the To tag of the
    /// response rather than the request's.
    /// </summary>
    public SipServerTransaction? FindServer(SipRequest request, SipServerMatch match)
    {
        if (!_server.TryGetValue(match.Key, out var list))
        {
            return null;
        }

        var isAck = request.Method == SipMethods.Ack;
        var method = isAck ? SipMethods.Invite : request.Method;
        foreach (var candidate in list)
        {
            if (candidate.Method != method)
            {
                continue;
            }

            if (match.IsRfc3261)
            {
                return candidate;
            }

            var expectedTag = isAck ? candidate.ResponseToTag : candidate.Match.ToTag;
            if (candidate.Match.RequestUri == match.RequestUri && string.Equals(match.ToTag, expectedTag, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>§9.2: the transaction a CANCEL cancels is the one it would match if its method were anything but CANCEL or ACK.</summary>
    public SipServerTransaction? FindCancelTarget(SipServerMatch match)
    {
        if (!_server.TryGetValue(match.Key, out var list))
        {
            return null;
        }

        foreach (var candidate in list)
        {
            if (candidate.Method is SipMethods.Cancel or SipMethods.Ack)
            {
                continue;
            }

            if (match.IsRfc3261
                || (candidate.Match.RequestUri == match.RequestUri && string.Equals(candidate.Match.ToTag, match.ToTag, StringComparison.Ordinal)))
            {
                return candidate;
            }
        }

        return null;
    }
}
