namespace Emx.Sip.Transactions;

/// <summary>What a <see cref="SipTransactionLayer.Diagnostic"/> event reports.</summary>
public enum SipTransactionLayerEventKind
{
    /// <summary>A request was dropped unanswered (no Via, or a broken ACK).</summary>
    RequestDropped = 0,

    /// <summary>A request lacking what a transaction needs (CSeq, Call-ID, From, To) was answered 400 statelessly.</summary>
    RequestRejected,

    /// <summary>A request was answered 503 because <see cref="SipTransactionOptions.MaxServerTransactions"/> is reached.</summary>
    Overloaded,

    /// <summary>A TU callback threw; the exception was caught so the receive loop goes on.</summary>
    CallbackFailed,
}

/// <summary>A transaction layer event, for logs and counters.</summary>
public sealed class SipTransactionLayerEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public SipTransactionLayerEventArgs(SipTransactionLayerEventKind kind, string detail)
    {
        Kind = kind;
        Detail = detail;
    }

    /// <summary>What happened.</summary>
    public SipTransactionLayerEventKind Kind { get; }

    /// <summary>A description, never message content.</summary>
    public string Detail { get; }

    /// <inheritdoc/>
    public override string ToString() => Kind + ": " + Detail;
}
