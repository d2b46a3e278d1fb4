using System.Collections.Frozen;

namespace Emx.Sip.Messages;

/// <summary>
/// Canonical header field names, compact-form expansion (RFC 3261 §7.3.3 and the IANA registry) and the
/// knowledge of which headers carry comma-separated lists.
/// </summary>
public static class SipHeaderNames
{
    /// <summary>Accept.</summary>
    public const string Accept = "Accept";
    /// <summary>Accept-Contact (compact <c>a</c>).</summary>
    public const string AcceptContact = "Accept-Contact";
    /// <summary>Accept-Encoding.</summary>
    public const string AcceptEncoding = "Accept-Encoding";
    /// <summary>Accept-Language.</summary>
    public const string AcceptLanguage = "Accept-Language";
    /// <summary>Alert-Info.</summary>
    public const string AlertInfo = "Alert-Info";
    /// <summary>Allow.</summary>
    public const string Allow = "Allow";
    /// <summary>Allow-Events (compact <c>u</c>).</summary>
    public const string AllowEvents = "Allow-Events";
    /// <summary>Authentication-Info.</summary>
    public const string AuthenticationInfo = "Authentication-Info";
    /// <summary>Authorization.</summary>
    public const string Authorization = "Authorization";
    /// <summary>Call-ID (compact <c>i</c>).</summary>
    public const string CallId = "Call-ID";
    /// <summary>Call-Info.</summary>
    public const string CallInfo = "Call-Info";
    /// <summary>Contact (compact <c>m</c>).</summary>
    public const string Contact = "Contact";
    /// <summary>Content-Disposition.</summary>
    public const string ContentDisposition = "Content-Disposition";
    /// <summary>Content-Encoding (compact <c>e</c>).</summary>
    public const string ContentEncoding = "Content-Encoding";
    /// <summary>Content-Language.</summary>
    public const string ContentLanguage = "Content-Language";
    /// <summary>Content-Length (compact <c>l</c>).</summary>
    public const string ContentLength = "Content-Length";
    /// <summary>Content-Type (compact <c>c</c>).</summary>
    public const string ContentType = "Content-Type";
    /// <summary>CSeq.</summary>
    public const string CSeq = "CSeq";
    /// <summary>Date.</summary>
    public const string Date = "Date";
    /// <summary>Error-Info.</summary>
    public const string ErrorInfo = "Error-Info";
    /// <summary>Event (compact <c>o</c>).</summary>
    public const string Event = "Event";
    /// <summary>Expires.</summary>
    public const string Expires = "Expires";
    /// <summary>From (compact <c>f</c>).</summary>
    public const string From = "From";
    /// <summary>Identity (compact <c>y</c>).</summary>
    public const string Identity = "Identity";
    /// <summary>Identity-Info (compact <c>n</c>).</summary>
    public const string IdentityInfo = "Identity-Info";
    /// <summary>In-Reply-To.</summary>
    public const string InReplyTo = "In-Reply-To";
    /// <summary>Max-Forwards.</summary>
    public const string MaxForwards = "Max-Forwards";
    /// <summary>MIME-Version.</summary>
    public const string MimeVersion = "MIME-Version";
    /// <summary>Min-Expires.</summary>
    public const string MinExpires = "Min-Expires";
    /// <summary>Organization.</summary>
    public const string Organization = "Organization";
    /// <summary>Path (RFC 3327).</summary>
    public const string Path = "Path";
    /// <summary>Priority.</summary>
    public const string Priority = "Priority";
    /// <summary>Proxy-Authenticate.</summary>
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    /// <summary>Proxy-Authorization.</summary>
    public const string ProxyAuthorization = "Proxy-Authorization";
    /// <summary>Proxy-Require.</summary>
    public const string ProxyRequire = "Proxy-Require";
    /// <summary>Reason (RFC 3326).</summary>
    public const string Reason = "Reason";
    /// <summary>Record-Route.</summary>
    public const string RecordRoute = "Record-Route";
    /// <summary>Refer-To (compact <c>r</c>).</summary>
    public const string ReferTo = "Refer-To";
    /// <summary>Referred-By (compact <c>b</c>).</summary>
    public const string ReferredBy = "Referred-By";
    /// <summary>Reject-Contact (compact <c>j</c>).</summary>
    public const string RejectContact = "Reject-Contact";
    /// <summary>Reply-To.</summary>
    public const string ReplyTo = "Reply-To";
    /// <summary>Request-Disposition (compact <c>d</c>).</summary>
    public const string RequestDisposition = "Request-Disposition";
    /// <summary>Require.</summary>
    public const string Require = "Require";
    /// <summary>Retry-After.</summary>
    public const string RetryAfter = "Retry-After";
    /// <summary>Route.</summary>
    public const string Route = "Route";
    /// <summary>Server.</summary>
    public const string Server = "Server";
    /// <summary>Service-Route (RFC 3608).</summary>
    public const string ServiceRoute = "Service-Route";
    /// <summary>Session-Expires (compact <c>x</c>).</summary>
    public const string SessionExpires = "Session-Expires";
    /// <summary>Subject (compact <c>s</c>).</summary>
    public const string Subject = "Subject";
    /// <summary>Subscription-State.</summary>
    public const string SubscriptionState = "Subscription-State";
    /// <summary>Supported (compact <c>k</c>).</summary>
    public const string Supported = "Supported";
    /// <summary>Timestamp.</summary>
    public const string Timestamp = "Timestamp";
    /// <summary>To (compact <c>t</c>).</summary>
    public const string To = "To";
    /// <summary>Unsupported.</summary>
    public const string Unsupported = "Unsupported";
    /// <summary>User-Agent.</summary>
    public const string UserAgent = "User-Agent";
    /// <summary>Via (compact <c>v</c>).</summary>
    public const string Via = "Via";
    /// <summary>Warning.</summary>
    public const string Warning = "Warning";
    /// <summary>WWW-Authenticate.</summary>
    public const string WwwAuthenticate = "WWW-Authenticate";

    private static readonly FrozenDictionary<string, string> Canonical = CreateCanonicalNames();

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> CanonicalBySpan =
        Canonical.GetAlternateLookup<ReadOnlySpan<char>>();

    // Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1: "#" rules). Headers such as Authorization,
    // WWW-Authenticate, Date or User-Agent contain commas that are not list separators and are never split; so
    // are unknown headers, whose syntax is unknown (RFC 4475 §3.1.1.1, UnknownHeaderWithUnusualValue).
    private static readonly FrozenSet<string> ListHeaders = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        Accept, AcceptContact, AcceptEncoding, AcceptLanguage, AlertInfo, Allow, AllowEvents, CallInfo, Contact,
        ContentEncoding, ContentLanguage, ErrorInfo, InReplyTo, Path, ProxyRequire, Reason, RecordRoute, RejectContact,
        Require, Route, ServiceRoute, Supported, Unsupported, Via, Warning, "P-Asserted-Identity", "P-Preferred-Identity");

    /// <summary>
    /// Maps a header name (any case, compact or full form) to its canonical spelling; unknown names are returned
    /// unchanged. Header names are case-insensitive (RFC 3261 §7.3.1).
    /// </summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Canonical.TryGetValue(name, out var canonical) ? canonical : name;
    }

    /// <summary>True when the header's values are a comma-separated list that may be split across lines.</summary>
    public static bool IsList(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ListHeaders.Contains(name);
    }

    internal static bool TryGetCanonical(ReadOnlySpan<char> name, out string canonical) =>
        CanonicalBySpan.TryGetValue(name, out canonical!);

    private static FrozenDictionary<string, string> CreateCanonicalNames()
    {
        string[] names =
        [
            Accept, AcceptContact, AcceptEncoding, AcceptLanguage, AlertInfo, Allow, AllowEvents, AuthenticationInfo,
            Authorization, CallId, CallInfo, Contact, ContentDisposition, ContentEncoding, ContentLanguage,
            ContentLength, ContentType, CSeq, Date, ErrorInfo, Event, Expires, From, Identity, IdentityInfo, InReplyTo,
            MaxForwards, MimeVersion, MinExpires, Organization, Path, Priority, ProxyAuthenticate, ProxyAuthorization,
            ProxyRequire, Reason, RecordRoute, ReferTo, ReferredBy, RejectContact, ReplyTo, RequestDisposition, Require,
            RetryAfter, Route, Server, ServiceRoute, SessionExpires, Subject, SubscriptionState, Supported, Timestamp,
            To, Unsupported, UserAgent, Via, Warning, WwwAuthenticate,
            "Min-SE", "P-Asserted-Identity", "P-Preferred-Identity", "Privacy", "RAck", "RSeq", "Replaces",
            "SIP-ETag", "SIP-If-Match",
        ];

        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            map[name] = name;
        }

        // Compact forms: RFC 3261 §7.3.3 (c, e, f, i, k, l, m, s, t, v) and later RFCs (a, b, d, j, n, o, r, u, x, y).
        map["a"] = AcceptContact;
        map["b"] = ReferredBy;
        map["c"] = ContentType;
        map["d"] = RequestDisposition;
        map["e"] = ContentEncoding;
        map["f"] = From;
        map["i"] = CallId;
        map["j"] = RejectContact;
        map["k"] = Supported;
        map["l"] = ContentLength;
        map["m"] = Contact;
        map["n"] = IdentityInfo;
        map["o"] = Event;
        map["r"] = ReferTo;
        map["s"] = Subject;
        map["t"] = To;
        map["u"] = AllowEvents;
        map["v"] = Via;
        map["x"] = SessionExpires;
        map["y"] = Identity;
        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
