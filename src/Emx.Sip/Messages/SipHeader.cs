namespace Emx.Sip.Messages;

/// <summary>
/// One header field value. A header line carrying a comma-separated list of a list-valued header
/// (RFC 3261 §7.3.1) is stored as one <see cref="SipHeader"/> per element, in order.
/// </summary>
/// <param name="Name">The canonical name for known headers (compact forms expanded), otherwise the name as received.</param>
/// <param name="Value">The value with folding replaced by single spaces and surrounding white space removed.</param>
public readonly record struct SipHeader(string Name, string Value)
{
    /// <inheritdoc/>
    public override string ToString() => Name + ": " + Value;
}
