namespace Emx.Sip.Transactions;

/// <summary>The states of the RFC 3261 §17 transaction state machines, with RFC 6026's Accepted.</summary>
public enum SipTransactionState
{
    /// <summary>Client INVITE: the request is sent, nothing heard yet.</summary>
    Calling = 0,

    /// <summary>Client non-INVITE: the request is sent, nothing heard yet; server non-INVITE: no response sent yet.</summary>
    Trying,

    /// <summary>A provisional response was received (client) or sent (server); server INVITE transactions start here.</summary>
    Proceeding,

    /// <summary>A final (non-2xx for INVITE) response was received or sent; retransmissions are absorbed.</summary>
    Completed,

    /// <summary>Server INVITE: the ACK for a non-2xx final response arrived.</summary>
    Confirmed,

    /// <summary>INVITE: a 2xx was received or sent; 2xx retransmissions pass to the TU (client) or the network (server) (RFC 6026 §7).</summary>
    Accepted,

    /// <summary>The transaction is over and forgotten.</summary>
    Terminated,
}

/// <summary>Why a transaction ended.</summary>
public enum SipTransactionEndReason
{
    /// <summary>It ran its course.</summary>
    Completed = 0,

    /// <summary>A timeout: no final response (timers B, F; the TU saw a local 408), no ACK (timer H) or no TU answer.</summary>
    TimedOut,

    /// <summary>The transport failed to send (the TU saw a local 503 on the client side, RFC 3261 §8.1.3.1).</summary>
    TransportError,

    /// <summary>The transaction layer was disposed.</summary>
    Disposed,
}
