using Emx.Sip.Messages;
using Emx.Sip.Transport;

namespace Emx.Sip.Transactions;

/// <summary>
/// What remains of a server transaction that only absorbs retransmissions of its request: a non-INVITE one in the
/// Completed state over an unreliable transport until Timer J (RFC 3261 §17.2.2), which answers each with its final
/// response again, and an INVITE one in the Accepted state until Timer L (RFC 6026 §7.1), which absorbs them
/// silently. Kept: the match key of §17.2.3, the method, the final response's bytes (non-INVITE) and where they
/// went. The full transaction object (its parsed request, timers, completion source) is no longer held by the layer.
/// </summary>
internal sealed class SipCompletedEntry(
    string key,
    bool isRfc3261,
    SipUri? requestUri,
    string? requestToTag,
    string method,
    string toTag,
    byte[]? response,
    ISipTransport transport,
    SipResponseRoute route,
    long expiresAt,
    WeakReference<SipServerTransaction>? owner)
{
    public string Key { get; } = key;

    public bool IsRfc3261 { get; } = isRfc3261;

    /// <summary>RFC 2543 matching only: the Request-URI of the request (null for an RFC 3261 branch).</summary>
    public SipUri? RequestUri { get; } = requestUri;

    /// <summary>RFC 2543 matching only: the To tag of the request.</summary>
    public string? RequestToTag { get; } = requestToTag;

    public string Method { get; } = method;

    /// <summary>The transaction's To tag, for the 200 to a CANCEL of it (§9.2).</summary>
    public string ToTag { get; } = toTag;

    /// <summary>The bytes to answer a retransmission with; null to absorb it silently (an accepted INVITE).</summary>
    public byte[]? Response { get; } = response;

    public ISipTransport Transport { get; } = transport;

    public SipResponseRoute Route { get; } = route;

    /// <summary>Timer J's (or L's) expiry, on the layer's <see cref="TimeProvider.GetTimestamp"/> scale.</summary>
    public long ExpiresAt { get; } = expiresAt;

    /// <summary>
    /// The transaction object, weakly: released when its TU drops it; if something still holds it at Timer J, it
    /// is moved to Terminated then (its <see cref="SipTransaction.Completion"/> completes as before).
    /// </summary>
    public WeakReference<SipServerTransaction>? Owner { get; } = owner;

    /// <summary>Removed by the cap before its expiry (still in the expiry queue).</summary>
    public bool Evicted { get; set; }

    /// <summary>Whether <paramref name="request"/> (not an ACK) matches this entry (§17.2.3).</summary>
    public bool Matches(SipRequest request, SipServerMatch match) =>
        request.Method == Method
        && (IsRfc3261 || (RequestUri == match.RequestUri && string.Equals(RequestToTag, match.ToTag, StringComparison.Ordinal)));

    /// <summary>Whether a CANCEL with <paramref name="match"/> would cancel this transaction (§9.2).</summary>
    public bool IsCancelledBy(SipServerMatch match) =>
        Method is not (SipMethods.Cancel or SipMethods.Ack)
        && (IsRfc3261 || (RequestUri == match.RequestUri && string.Equals(RequestToTag, match.ToTag, StringComparison.Ordinal)));
}

/// <summary>
/// The completed non-INVITE server transactions, compact (<see cref="SipCompletedEntry"/>), by match key and in
/// expiry order. Every entry lives the same Timer J, so insertion order is expiry order: one queue and one timer
/// for all. At most <see cref="SipTransactionOptions.MaxCompletedServerTransactions"/>; beyond, the oldest (the
/// nearest to its expiry, the least likely to see a retransmission) is dropped. No lock of its own:
/// <see cref="SipTransactionLayer"/> serializes access.
/// </summary>
internal sealed class SipCompletedTransactions
{
    private readonly Dictionary<string, object> _byKey = new(StringComparer.Ordinal);
    private readonly Queue<SipCompletedEntry> _byExpiry = new();

    /// <summary>Entries held (not expired, not evicted).</summary>
    public int Count { get; private set; }

    /// <summary>Entries dropped by the cap before Timer J, since the layer started.</summary>
    public long Evictions { get; private set; }

    /// <summary>The expiry of the oldest entry in the queue, if any.</summary>
    public long? NextExpiry => _byExpiry.TryPeek(out var head) ? head.ExpiresAt : null;

    /// <summary>Adds <paramref name="entry"/>, evicting the oldest entries beyond <paramref name="capacity"/>.</summary>
    public void Add(SipCompletedEntry entry, int capacity)
    {
        while (Count >= capacity && _byExpiry.TryDequeue(out var oldest))
        {
            if (!oldest.Evicted && Unlink(oldest))
            {
                oldest.Evicted = true;
                Evictions++;
            }
        }

        if (_byKey.TryGetValue(entry.Key, out var existing))
        {
            // Same key twice: only RFC 2543 peers (or a CANCEL next to its target) share keys; keep a list.
            if (existing is List<SipCompletedEntry> list)
            {
                list.Add(entry);
            }
            else
            {
                _byKey[entry.Key] = new List<SipCompletedEntry> { (SipCompletedEntry)existing, entry };
            }
        }
        else
        {
            _byKey[entry.Key] = entry;
        }

        _byExpiry.Enqueue(entry);
        Count++;
    }

    /// <summary>The entry a retransmitted request matches, if any.</summary>
    public SipCompletedEntry? Find(SipRequest request, SipServerMatch match) => Search(match.Key, e => e.Matches(request, match));

    /// <summary>The entry a CANCEL would cancel, if any.</summary>
    public SipCompletedEntry? FindCancelTarget(SipServerMatch match) => Search(match.Key, e => e.IsCancelledBy(match));

    /// <summary>Removes and returns the entries whose Timer J fired at <paramref name="now"/>.</summary>
    public List<SipCompletedEntry> Expire(long now)
    {
        var expired = new List<SipCompletedEntry>();
        while (_byExpiry.TryPeek(out var head) && head.ExpiresAt <= now)
        {
            _byExpiry.Dequeue();
            if (!head.Evicted && Unlink(head))
            {
                expired.Add(head);
            }
        }

        return expired;
    }

    /// <summary>Removes every entry (layer shutdown); returns them.</summary>
    public List<SipCompletedEntry> Clear()
    {
        var all = _byExpiry.Where(e => !e.Evicted).ToList();
        _byExpiry.Clear();
        _byKey.Clear();
        Count = 0;
        return all;
    }

    private SipCompletedEntry? Search(string key, Func<SipCompletedEntry, bool> predicate)
    {
        if (!_byKey.TryGetValue(key, out var found))
        {
            return null;
        }

        if (found is SipCompletedEntry single)
        {
            return predicate(single) ? single : null;
        }

        foreach (var entry in (List<SipCompletedEntry>)found)
        {
            if (predicate(entry))
            {
                return entry;
            }
        }

        return null;
    }

    private bool Unlink(SipCompletedEntry entry)
    {
        if (!_byKey.TryGetValue(entry.Key, out var found))
        {
            return false;
        }

        if (ReferenceEquals(found, entry))
        {
            _byKey.Remove(entry.Key);
        }
        else if (found is List<SipCompletedEntry> list && list.Remove(entry))
        {
            if (list.Count == 0)
            {
                _byKey.Remove(entry.Key);
            }
            else if (list.Count == 1)
            {
                _byKey[entry.Key] = list[0];
            }
        }
        else
        {
            return false;
        }

        Count--;
        return true;
    }
}
