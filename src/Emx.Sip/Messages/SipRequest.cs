using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>A SIP request: <c>Method SP Request-URI SP SIP-Version CRLF</c> plus headers and body (RFC 3261 §7.1).</summary>
public sealed class SipRequest : SipMessage
{
    private SipUri _requestUri;

    /// <summary>Creates a request with no headers.</summary>
    /// <exception cref="ArgumentException"><paramref name="method"/> is not a token.</exception>
    public SipRequest(string method, SipUri requestUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        if (method.AsSpan().IndexOfAnyExcept(SipCharacters.Token) >= 0)
        {
            throw new ArgumentException("A method must be a token: " + method, nameof(method));
        }

        Method = method;
        _requestUri = requestUri;
    }

    /// <inheritdoc/>
    public override bool IsRequest => true;

    /// <summary>The method, case-sensitive (RFC 3261 §7.1); see <see cref="SipMethods"/>.</summary>
    public string Method { get; }

    /// <summary>The Request-URI; a proxy retargets a request by replacing it (RFC 3261 §16.5).</summary>
    public SipUri RequestUri
    {
        get => _requestUri;
        set => _requestUri = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The request line, e.g. <c>INVITE sip:bob@biloxi.com SIP/2.0</c>.</summary>
    public override string ToString() => Method + " " + RequestUri + " " + Version;
}
