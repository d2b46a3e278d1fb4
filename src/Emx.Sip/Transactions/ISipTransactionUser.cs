using Emx.Sip.Transport;

namespace Emx.Sip.Transactions;

/// <summary>
/// The transaction user (TU, RFC 3261 §17): the UA core or proxy core above the transaction layer. Callbacks run
/// on receive loops and timer threads and must not block; start asynchronous work and answer later.
/// </summary>
public interface ISipTransactionUser
{
    /// <summary>
    /// A new request created a server transaction. Answer it with <see cref="SipServerTransaction.SendResponse"/>.
    /// A CANCEL that matches a server transaction never comes here: the layer answers it 200 and signals
    /// <see cref="SipServerTransaction.CancelRequested"/> on the cancelled transaction (RFC 3261 §9.2). A CANCEL
    /// that matches nothing does, so that a UAS can answer 481 or a proxy forward it (§16.10).
    /// </summary>
    void OnRequest(SipServerTransaction transaction);

    /// <summary>
    /// An ACK that no transaction absorbed: the ACK for a 2xx, which is its own transaction (RFC 3261 §17.1.1.3),
    /// or one reaching an INVITE server transaction in the Accepted state (RFC 6026 §7.1).
    /// </summary>
    void OnAck(SipReceivedMessage ack);

    /// <summary>
    /// A response that matches no client transaction, such as a 2xx retransmission after the INVITE client
    /// transaction ended (RFC 3261 §18.1.2: passed to the core).
    /// </summary>
    void OnStrayResponse(SipReceivedMessage response);
}
