namespace Emx.Sip.Validation;

/// <summary>What an element supports, which decides the RFC 3261 §8.2 / §16.3 checks of <see cref="SipRequestValidator"/>.</summary>
public sealed class SipValidatorOptions
{
    /// <summary>The defaults: a user agent supporting sip, sips and tel URIs, SDP bodies and no extensions.</summary>
    public static SipValidatorOptions Default { get; } = new();

    /// <summary>The role of the element.</summary>
    public SipElementRole Role { get; init; } = SipElementRole.UserAgent;

    /// <summary>Request-URI schemes the element handles; others get 416 (RFC 3261 §8.2.2.1, §16.3 step 2).</summary>
    public IReadOnlyCollection<string> SupportedUriSchemes { get; init; } = ["sip", "sips", "tel"];

    /// <summary>
    /// Option-tags understood; a Require (user agent) or Proxy-Require (proxy) naming another gets 420 with an
    /// Unsupported header (RFC 3261 §8.2.2.3, §16.3 step 5).
    /// </summary>
    public IReadOnlyCollection<string> SupportedExtensions { get; init; } = [];

    /// <summary>
    /// Methods a user agent implements, or <see langword="null"/> to leave method checks to the application.
    /// Others get 405 if they are standard methods and 501 if not, with an Allow header (RFC 3261 §8.2.1).
    /// </summary>
    public IReadOnlyCollection<string>? SupportedMethods { get; init; }

    /// <summary>
    /// Body types a user agent can process; a request body of another type gets 415 with an Accept header
    /// (RFC 3261 §8.2.3).
    /// </summary>
    public IReadOnlyCollection<string> AcceptedContentTypes { get; init; } = ["application/sdp"];

    /// <summary>
    /// Body types a user agent puts in responses to INVITE (its session description answer). An INVITE whose
    /// Accept allows none of them gets 406 (RFC 3261 §21.4.7; RFC 4475 §3.3.15).
    /// </summary>
    public IReadOnlyCollection<string> ResponseContentTypes { get; init; } = ["application/sdp"];

    /// <summary>
    /// Rejects with 400 what RFC 3261 requires of senders but RFC 2543 peers omit: Max-Forwards, a From tag
    /// and a magic-cookie branch (RFC 3261 §8.1.1). Off by default: RFC 3261 elements stay backward
    /// compatible (RFC 4475 §3.4.1, §3.2.1).
    /// </summary>
    public bool RequireRfc3261Compliance { get; init; }
}
