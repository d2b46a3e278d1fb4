namespace Emx.Sip.Validation;

/// <summary>The role in which an element processes a message; several RFC 3261 rules depend on it.</summary>
public enum SipElementRole
{
    /// <summary>
    /// A user agent: a UAS (including a registrar, RFC 3261 §10.3) for requests, a UAC for responses.
    /// </summary>
    UserAgent = 0,

    /// <summary>A proxy (RFC 3261 §16).</summary>
    Proxy,
}
