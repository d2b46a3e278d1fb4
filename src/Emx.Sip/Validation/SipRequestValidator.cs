using System.Collections.Frozen;
using Emx.Sip.Messages;

namespace Emx.Sip.Validation;

/// <summary>
/// The semantic checks a server element applies to a syntactically valid request before processing it
/// (RFC 3261 §8.2 for user agents, §16.3 for proxies), in the order RFC 3261 gives them. These are the rules
/// RFC 4475 §3.2-§3.3 exercises: missing or repeated headers, CSeq/method mismatch, unsupported URI schemes,
/// Max-Forwards exhaustion, unknown required extensions, unsupported body types and unacceptable Accept.
/// </summary>
/// <remarks>Immutable and thread-safe; create one per configuration and reuse it.</remarks>
public sealed class SipRequestValidator
{
    // Headers that may appear at most once (RFC 3261 §7.3.1: only list-valued headers may be repeated;
    // RFC 4475 §3.3.8 multi01, §3.3.9 mcl01).
    private static readonly string[] SingleValuedHeaders =
    [
        SipHeaderNames.To, SipHeaderNames.From, SipHeaderNames.CallId, SipHeaderNames.CSeq, SipHeaderNames.MaxForwards,
        SipHeaderNames.ContentLength, SipHeaderNames.ContentType, SipHeaderNames.ContentDisposition, SipHeaderNames.Expires,
        SipHeaderNames.MinExpires, SipHeaderNames.Date, SipHeaderNames.Event, SipHeaderNames.Timestamp,
    ];

    private static readonly string[] StandardMethods =
    [
        SipMethods.Ack, SipMethods.Bye, SipMethods.Cancel, SipMethods.Info, SipMethods.Invite, SipMethods.Message,
        SipMethods.Notify, SipMethods.Options, SipMethods.Prack, SipMethods.Publish, SipMethods.Refer,
        SipMethods.Register, SipMethods.Subscribe, SipMethods.Update,
    ];

    private readonly SipValidatorOptions _options;
    private readonly FrozenSet<string> _schemes;
    private readonly FrozenSet<string> _extensions;
    private readonly FrozenSet<string>? _methods;

    /// <summary>Creates a validator for <paramref name="options"/> (default <see cref="SipValidatorOptions.Default"/>).</summary>
    public SipRequestValidator(SipValidatorOptions? options = null)
    {
        _options = options ?? SipValidatorOptions.Default;

        // URI schemes and option-tags are case-insensitive tokens (RFC 3261 §7.3.1, §19.2); methods are not (§7.1).
        _schemes = _options.SupportedUriSchemes.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _extensions = _options.SupportedExtensions.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _methods = _options.SupportedMethods?.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Validates <paramref name="request"/>. ACKs are never answered (RFC 3261 §17), so an invalid ACK is dropped.</summary>
    public SipValidationResult Validate(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var result = Check(request);
        return result.Action == SipValidationAction.Respond && request.Method == SipMethods.Ack
            ? SipValidationResult.Drop(result.ReasonPhrase!)
            : result;
    }

    private SipValidationResult Check(SipRequest request)
    {
        if (!string.Equals(request.Version, SipMessage.SipVersion, StringComparison.OrdinalIgnoreCase))
        {
            return SipValidationResult.Respond(505, "Version Not Supported");
        }

        if (CheckMandatoryHeaders(request) is { } missing)
        {
            return missing;
        }

        if (CheckRepeatedHeaders(request) is { } repeated)
        {
            return repeated;
        }

        // Parsed messages never fail this; a message assembled by hand from raw strings can.
        if (request.FindMalformedHeader() is { } malformed)
        {
            return SipValidationResult.Respond(400, $"Malformed {malformed} header field");
        }

        // RFC 3261 §8.1.1.5: "The method MUST match that of the request" (RFC 4475 mismatch01, mismatch02).
        if (!string.Equals(request.CSeq!.Method, request.Method, StringComparison.Ordinal))
        {
            return SipValidationResult.Respond(400, "CSeq method does not match the request method");
        }

        if (_options.RequireRfc3261Compliance && CheckRfc3261Compliance(request) is { } noncompliant)
        {
            return noncompliant;
        }

        return _options.Role == SipElementRole.Proxy ? CheckAsProxy(request) : CheckAsUserAgent(request);
    }

    private SipValidationResult? CheckMandatoryHeaders(SipRequest request)
    {
        // RFC 3261 §8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are mandatory in requests. A missing
        // Max-Forwards is tolerated unless compliance is required: proxies treat it as a passed check
        // (§16.3 step 3) and RFC 2543 peers omit it (RFC 4475 §3.4.1).
        List<string>? missing = null;
        foreach (var name in (ReadOnlySpan<string>)[SipHeaderNames.To, SipHeaderNames.From, SipHeaderNames.CallId, SipHeaderNames.CSeq, SipHeaderNames.Via])
        {
            if (!request.Headers.Contains(name))
            {
                (missing ??= []).Add(name);
            }
        }

        if (_options.RequireRfc3261Compliance && !request.Headers.Contains(SipHeaderNames.MaxForwards))
        {
            (missing ??= []).Add(SipHeaderNames.MaxForwards);
        }

        return missing is null
            ? null
            : SipValidationResult.Respond(400, $"Missing {string.Join(", ", missing)} header field{(missing.Count > 1 ? "s" : string.Empty)}");
    }

    private static SipValidationResult? CheckRepeatedHeaders(SipRequest request)
    {
        List<string>? repeated = null;
        foreach (var name in SingleValuedHeaders)
        {
            if (request.Headers.CountOf(name) > 1)
            {
                (repeated ??= []).Add(name);
            }
        }

        return repeated is null
            ? null
            : SipValidationResult.Respond(400, $"Multiple values in single-valued header field{(repeated.Count > 1 ? "s" : string.Empty)} {string.Join(", ", repeated)}");
    }

    private static SipValidationResult? CheckRfc3261Compliance(SipRequest request)
    {
        if (request.From!.Tag is null)
        {
            return SipValidationResult.Respond(400, "Missing From tag");
        }

        if (request.TopVia is { IsRfc3261Branch: false })
        {
            // RFC 4475 §3.2.1 (badbranch): rejecting a bare magic cookie is one of the two permitted reactions.
            return SipValidationResult.Respond(400, "Missing RFC 3261 branch in top Via");
        }

        return null;
    }

    private SipValidationResult CheckAsProxy(SipRequest request)
    {
        // RFC 3261 §16.3 step 2: a proxy that cannot route the Request-URI's scheme answers 416.
        if (!_schemes.Contains(request.RequestUri.Scheme))
        {
            return SipValidationResult.Respond(416, "Unsupported URI Scheme");
        }

        // RFC 3261 §16.3 step 3: Max-Forwards zero is answered with 483 instead of forwarding (RFC 4475 zeromf).
        if (request.MaxForwards == 0)
        {
            return SipValidationResult.Respond(483, "Too Many Hops");
        }

        // RFC 3261 §16.3 step 5: Proxy-Require inspection (RFC 4475 bext01). Require is for the UAS and ignored here.
        return CheckExtensions(request.ProxyRequire) ?? SipValidationResult.Accepted;
    }

    private SipValidationResult CheckAsUserAgent(SipRequest request)
    {
        // RFC 3261 §8.2.1: method inspection.
        if (_methods is not null && !_methods.Contains(request.Method))
        {
            var allow = new SipHeader(SipHeaderNames.Allow, string.Join(", ", _options.SupportedMethods!));
            return Array.IndexOf(StandardMethods, request.Method) >= 0
                ? SipValidationResult.Respond(405, "Method Not Allowed", allow)
                : SipValidationResult.Respond(501, "Not Implemented", allow);
        }

        // RFC 3261 §8.2.2.1: a UAS that does not understand the Request-URI scheme answers 416 (RFC 4475 unkscm,
        // novelsc). A user agent processes requests with Max-Forwards 0 normally (RFC 4475 §3.3.11).
        if (!_schemes.Contains(request.RequestUri.Scheme))
        {
            return SipValidationResult.Respond(416, "Unsupported URI Scheme");
        }

        // RFC 3261 §8.2.2.3: Require inspection. ACK and CANCEL are exempt: an ACK is never answered, and a
        // CANCEL must not carry Require at all (§9.1), so it is not rejected for one.
        if (request.Method is not (SipMethods.Ack or SipMethods.Cancel) && CheckExtensions(request.Require) is { } unsupported)
        {
            return unsupported;
        }

        if (request.Method == SipMethods.Register && CheckRegister(request) is { } badRegister)
        {
            return badRegister;
        }

        return CheckBody(request) ?? CheckAccept(request) ?? SipValidationResult.Accepted;
    }

    private SipValidationResult? CheckExtensions(IReadOnlyList<string> required)
    {
        List<string>? unsupported = null;
        foreach (var tag in required)
        {
            if (!_extensions.Contains(tag))
            {
                (unsupported ??= []).Add(tag);
            }
        }

        return unsupported is null
            ? null
            : SipValidationResult.Respond(420, "Bad Extension", new SipHeader(SipHeaderNames.Unsupported, string.Join(", ", unsupported)));
    }

    private static SipValidationResult? CheckRegister(SipRequest request)
    {
        // RFC 3261 §10.2: the address-of-record in To "MUST be a SIP URI or SIPS URI"; RFC 4475 §3.3.4 (unksm2):
        // "A registrar would reject this request with a 400 Bad Request response".
        if (!request.To!.Uri.IsSip)
        {
            return SipValidationResult.Respond(400, "Address-of-record must be a SIP or SIPS URI");
        }

        // RFC 3261 §10.3 step 6: "*" is only allowed alone and with Expires: 0.
        var contacts = request.Contacts;
        var hasWildcard = false;
        foreach (var contact in contacts)
        {
            hasWildcard |= contact.IsWildcard;
        }

        if (hasWildcard && (contacts.Count > 1 || request.Expires != 0))
        {
            return SipValidationResult.Respond(400, "Wildcard Contact requires Expires: 0 and no other Contact");
        }

        return null;
    }

    private SipValidationResult? CheckBody(SipRequest request)
    {
        if (request.Body.IsEmpty)
        {
            return null;
        }

        // RFC 3261 §20.15: "The Content-Type header field MUST be present if the body is not empty."
        if (request.ContentType is not { } contentType)
        {
            return SipValidationResult.Respond(400, "Missing Content-Type for message body");
        }

        // RFC 3261 §8.2.3: unsupported body types and encodings get 415 listing what is supported.
        if (!ContainsMediaType(_options.AcceptedContentTypes, contentType))
        {
            return SipValidationResult.Respond(
                415, "Unsupported Media Type", new SipHeader(SipHeaderNames.Accept, string.Join(", ", _options.AcceptedContentTypes)));
        }

        foreach (var encoding in request.Headers.GetValues(SipHeaderNames.ContentEncoding))
        {
            if (!string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
            {
                return SipValidationResult.Respond(
                    415, "Unsupported Content-Encoding", new SipHeader(SipHeaderNames.AcceptEncoding, "identity"));
            }
        }

        return null;
    }

    private SipValidationResult? CheckAccept(SipRequest request)
    {
        // An INVITE's final response carries the session description answer; if Accept rules out every type
        // this UA can answer with, no acceptable response can be formulated: 406 (RFC 3261 §21.4.7,
        // RFC 4475 §3.3.15 sdp01). An absent Accept means application/sdp (§20.1).
        if (request.Method != SipMethods.Invite || !request.Headers.Contains(SipHeaderNames.Accept) || _options.ResponseContentTypes.Count == 0)
        {
            return null;
        }

        foreach (var range in request.Accept)
        {
            foreach (var produced in _options.ResponseContentTypes)
            {
                var slash = produced.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0 && range.Covers(produced[..slash], produced[(slash + 1)..]))
                {
                    return null;
                }
            }
        }

        return SipValidationResult.Respond(
            406, "Not Acceptable", new SipHeader(SipHeaderNames.Warning, "399 - \"Only " + string.Join(", ", _options.ResponseContentTypes) + " bodies can be produced\""));
    }

    private static bool ContainsMediaType(IReadOnlyCollection<string> types, SipMediaType mediaType)
    {
        foreach (var type in types)
        {
            if (mediaType.Is(type))
            {
                return true;
            }
        }

        return false;
    }
}
