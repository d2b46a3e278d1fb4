namespace Emx.Sip.Messages;

/// <summary>
/// One <c>;name[=value]</c> parameter of a URI or header field value.
/// </summary>
/// <param name="Name">The parameter name.</param>
/// <param name="Value">
/// The value, or <see langword="null"/> for a parameter without "=". Header parameter values keep their
/// quotes when they were sent as a quoted-string; URI parameter names and values are %-unescaped.
/// </param>
public readonly record struct SipParameter(string Name, string? Value)
{
    /// <inheritdoc/>
    public override string ToString() => Value is null ? Name : Name + "=" + Value;
}
