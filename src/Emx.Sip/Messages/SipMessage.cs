using System.Diagnostics.CodeAnalysis;
using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>
/// A SIP message (RFC 3261 §7): a start line, header fields and an optional body. Headers are kept as text in
/// <see cref="Headers"/>; the typed properties parse them on first use and cache the result until the headers
/// change.
/// </summary>
/// <remarks>
/// <para>
/// Messages produced by <see cref="SipMessageParser"/> have every typed header syntactically valid, so the typed
/// properties describe them completely. For a message built by hand, a value that does not parse is skipped by
/// list properties and reported as <see langword="null"/> by single-valued ones.
/// </para>
/// <para>
/// Single-valued properties (<see cref="From"/>, <see cref="CSeq"/>...) return the first occurrence; whether a
/// header occurs more than once is a semantic question left to <see cref="Validation.SipRequestValidator"/>.
/// </para>
/// <para>Instances are not thread-safe for mutation; concurrent reads of an unchanging message are safe.</para>
/// </remarks>
public abstract class SipMessage
{
    /// <summary>The only protocol version this implementation speaks (RFC 3261 §7.1).</summary>
    public const string SipVersion = "SIP/2.0";

    private Parsed<IReadOnlyList<SipVia>>? _vias;
    private Parsed<SipNameAddress?>? _from;
    private Parsed<SipNameAddress?>? _to;
    private Parsed<string?>? _callId;
    private Parsed<SipCSeq?>? _cseq;
    private Parsed<IReadOnlyList<SipContact>>? _contacts;
    private Parsed<int?>? _maxForwards;
    private Parsed<int?>? _contentLength;
    private Parsed<SipMediaType?>? _contentType;
    private Parsed<uint?>? _expires;
    private Parsed<uint?>? _minExpires;
    private Parsed<IReadOnlyList<SipNameAddress>>? _routes;
    private Parsed<IReadOnlyList<SipNameAddress>>? _recordRoutes;
    private Parsed<SipEvent?>? _event;
    private Parsed<IReadOnlyList<string>>? _require;
    private Parsed<IReadOnlyList<string>>? _proxyRequire;
    private Parsed<IReadOnlyList<string>>? _supported;
    private Parsed<IReadOnlyList<string>>? _unsupported;
    private Parsed<IReadOnlyList<string>>? _allow;
    private Parsed<IReadOnlyList<SipMediaType>>? _accept;
    private Parsed<DateTimeOffset?>? _date;

    private protected SipMessage()
    {
    }

    private delegate bool ReferenceParser<T>([NotNullWhen(true)] string? value, [NotNullWhen(true)] out T? result)
        where T : class;

    private delegate bool ValueParser<T>(string value, out T result)
        where T : struct;

    /// <summary>True for <see cref="SipRequest"/>, false for <see cref="SipResponse"/>.</summary>
    public abstract bool IsRequest { get; }

    /// <summary>The SIP-Version of the start line, <c>SIP/2.0</c> for anything the parser accepts.</summary>
    public string Version { get; init; } = SipVersion;

    /// <summary>The header fields, in order.</summary>
    public SipHeaderCollection Headers { get; } = new();

    /// <summary>
    /// The message body. The writer derives Content-Length from it, so the header never disagrees with the body.
    /// </summary>
    public ReadOnlyMemory<byte> Body { get; set; }

    /// <summary>All Via values, topmost first (RFC 3261 §20.42).</summary>
    public IReadOnlyList<SipVia> Vias => GetList(ref _vias, SipHeaderNames.Via, SipVia.TryParse, allowEmpty: false).Value;

    /// <summary>The topmost Via, or <see langword="null"/>.</summary>
    public SipVia? TopVia => Vias is { Count: > 0 } vias ? vias[0] : null;

    /// <summary>The From header (RFC 3261 §20.20).</summary>
    public SipNameAddress? From => GetFirst(ref _from, SipHeaderNames.From, SipNameAddress.TryParse).Value;

    /// <summary>The To header (RFC 3261 §20.39).</summary>
    public SipNameAddress? To => GetFirst(ref _to, SipHeaderNames.To, SipNameAddress.TryParse).Value;

    /// <summary>The Call-ID (RFC 3261 §20.8); compared case-sensitively.</summary>
    public string? CallId => GetFirst(ref _callId, SipHeaderNames.CallId, TryParseCallId).Value;

    /// <summary>The CSeq header (RFC 3261 §20.16).</summary>
    public SipCSeq? CSeq => GetFirst(ref _cseq, SipHeaderNames.CSeq, SipCSeq.TryParse).Value;

    /// <summary>All Contact values (RFC 3261 §20.10), including a wildcard.</summary>
    public IReadOnlyList<SipContact> Contacts => GetList(ref _contacts, SipHeaderNames.Contact, SipContact.TryParse, allowEmpty: false).Value;

    /// <summary>Max-Forwards, 0-255 (RFC 3261 §20.22).</summary>
    public int? MaxForwards => GetFirstValue(ref _maxForwards, SipHeaderNames.MaxForwards, TryParseMaxForwards).Value;

    /// <summary>The Content-Length header as received; the body length is <see cref="Body"/>'s.</summary>
    public int? ContentLength => GetFirstValue(ref _contentLength, SipHeaderNames.ContentLength, TryParseContentLength).Value;

    /// <summary>The Content-Type header (RFC 3261 §20.15).</summary>
    public SipMediaType? ContentType => GetFirst(ref _contentType, SipHeaderNames.ContentType, SipMediaType.TryParse).Value;

    /// <summary>The Expires header in seconds, clamped to 2**32-1 (RFC 3261 §20.19).</summary>
    public uint? Expires => GetFirstValue(ref _expires, SipHeaderNames.Expires, TryParseDeltaSeconds).Value;

    /// <summary>The Min-Expires header in seconds (RFC 3261 §20.23).</summary>
    public uint? MinExpires => GetFirstValue(ref _minExpires, SipHeaderNames.MinExpires, TryParseDeltaSeconds).Value;

    /// <summary>The Route values in order (RFC 3261 §20.34).</summary>
    public IReadOnlyList<SipNameAddress> Routes => GetList(ref _routes, SipHeaderNames.Route, TryParseRoute, allowEmpty: false).Value;

    /// <summary>The Record-Route values in order (RFC 3261 §20.30).</summary>
    public IReadOnlyList<SipNameAddress> RecordRoutes => GetList(ref _recordRoutes, SipHeaderNames.RecordRoute, TryParseRoute, allowEmpty: false).Value;

    /// <summary>The Event header (RFC 6665 §8.2.1).</summary>
    public SipEvent? Event => GetFirst(ref _event, SipHeaderNames.Event, SipEvent.TryParse).Value;

    /// <summary>The option-tags of Require (RFC 3261 §20.32).</summary>
    public IReadOnlyList<string> Require => GetList(ref _require, SipHeaderNames.Require, TryParseToken, allowEmpty: true).Value;

    /// <summary>The option-tags of Proxy-Require (RFC 3261 §20.29).</summary>
    public IReadOnlyList<string> ProxyRequire => GetList(ref _proxyRequire, SipHeaderNames.ProxyRequire, TryParseToken, allowEmpty: true).Value;

    /// <summary>The option-tags of Supported (RFC 3261 §20.37).</summary>
    public IReadOnlyList<string> Supported => GetList(ref _supported, SipHeaderNames.Supported, TryParseToken, allowEmpty: true).Value;

    /// <summary>The option-tags of Unsupported (RFC 3261 §20.40).</summary>
    public IReadOnlyList<string> Unsupported => GetList(ref _unsupported, SipHeaderNames.Unsupported, TryParseToken, allowEmpty: true).Value;

    /// <summary>The methods of Allow (RFC 3261 §20.5).</summary>
    public IReadOnlyList<string> Allow => GetList(ref _allow, SipHeaderNames.Allow, TryParseToken, allowEmpty: true).Value;

    /// <summary>
    /// The media-ranges of Accept (RFC 3261 §20.1). Check <c>Headers.Contains(Accept)</c> to tell an empty Accept
    /// (nothing acceptable) from an absent one (application/sdp assumed).
    /// </summary>
    public IReadOnlyList<SipMediaType> Accept => GetList(ref _accept, SipHeaderNames.Accept, SipMediaType.TryParse, allowEmpty: true).Value;

    /// <summary>The User-Agent header text (RFC 3261 §20.41).</summary>
    public string? UserAgent => Headers.GetFirst(SipHeaderNames.UserAgent);

    /// <summary>The Date header (RFC 3261 §20.17).</summary>
    public DateTimeOffset? Date => GetFirstValue(ref _date, SipHeaderNames.Date, TryParseDate).Value;

    /// <summary>
    /// Parses every typed header (all occurrences) and returns the name of the first one that is malformed, or
    /// <see langword="null"/>. The parser calls this so that a message it returns is valid throughout; the
    /// parsed values stay cached for the typed properties.
    /// </summary>
    internal string? FindMalformedHeader()
    {
        if (!GetList(ref _vias, SipHeaderNames.Via, SipVia.TryParse, allowEmpty: false).IsValid)
        {
            return SipHeaderNames.Via;
        }

        if (!GetFirst(ref _from, SipHeaderNames.From, SipNameAddress.TryParse).IsValid)
        {
            return SipHeaderNames.From;
        }

        if (!GetFirst(ref _to, SipHeaderNames.To, SipNameAddress.TryParse).IsValid)
        {
            return SipHeaderNames.To;
        }

        if (!GetFirst(ref _callId, SipHeaderNames.CallId, TryParseCallId).IsValid)
        {
            return SipHeaderNames.CallId;
        }

        if (!GetFirst(ref _cseq, SipHeaderNames.CSeq, SipCSeq.TryParse).IsValid)
        {
            return SipHeaderNames.CSeq;
        }

        if (!GetFirstValue(ref _maxForwards, SipHeaderNames.MaxForwards, TryParseMaxForwards).IsValid)
        {
            return SipHeaderNames.MaxForwards;
        }

        if (!GetFirstValue(ref _contentLength, SipHeaderNames.ContentLength, TryParseContentLength).IsValid)
        {
            return SipHeaderNames.ContentLength;
        }

        if (!GetList(ref _contacts, SipHeaderNames.Contact, SipContact.TryParse, allowEmpty: false).IsValid)
        {
            return SipHeaderNames.Contact;
        }

        if (!GetList(ref _routes, SipHeaderNames.Route, TryParseRoute, allowEmpty: false).IsValid)
        {
            return SipHeaderNames.Route;
        }

        if (!GetList(ref _recordRoutes, SipHeaderNames.RecordRoute, TryParseRoute, allowEmpty: false).IsValid)
        {
            return SipHeaderNames.RecordRoute;
        }

        if (!GetFirst(ref _contentType, SipHeaderNames.ContentType, SipMediaType.TryParse).IsValid)
        {
            return SipHeaderNames.ContentType;
        }

        if (!GetFirstValue(ref _expires, SipHeaderNames.Expires, TryParseDeltaSeconds).IsValid)
        {
            return SipHeaderNames.Expires;
        }

        if (!GetFirstValue(ref _minExpires, SipHeaderNames.MinExpires, TryParseDeltaSeconds).IsValid)
        {
            return SipHeaderNames.MinExpires;
        }

        if (!GetList(ref _require, SipHeaderNames.Require, TryParseToken, allowEmpty: true).IsValid)
        {
            return SipHeaderNames.Require;
        }

        if (!GetList(ref _proxyRequire, SipHeaderNames.ProxyRequire, TryParseToken, allowEmpty: true).IsValid)
        {
            return SipHeaderNames.ProxyRequire;
        }

        if (!GetList(ref _supported, SipHeaderNames.Supported, TryParseToken, allowEmpty: true).IsValid)
        {
            return SipHeaderNames.Supported;
        }

        if (!GetList(ref _unsupported, SipHeaderNames.Unsupported, TryParseToken, allowEmpty: true).IsValid)
        {
            return SipHeaderNames.Unsupported;
        }

        if (!GetList(ref _allow, SipHeaderNames.Allow, TryParseToken, allowEmpty: true).IsValid)
        {
            return SipHeaderNames.Allow;
        }

        if (!GetList(ref _accept, SipHeaderNames.Accept, SipMediaType.TryParse, allowEmpty: true).IsValid)
        {
            return SipHeaderNames.Accept;
        }

        if (!GetFirst(ref _event, SipHeaderNames.Event, SipEvent.TryParse).IsValid)
        {
            return SipHeaderNames.Event;
        }

        if (!GetFirstValue(ref _date, SipHeaderNames.Date, TryParseDate).IsValid)
        {
            return SipHeaderNames.Date;
        }

        return null;
    }

    private Parsed<IReadOnlyList<T>> GetList<T>(ref Parsed<IReadOnlyList<T>>? cache, string name, ReferenceParser<T> parser, bool allowEmpty)
        where T : class
    {
        var cached = Volatile.Read(ref cache);
        var version = Headers.Version;
        if (cached is not null && cached.Version == version)
        {
            return cached;
        }

        List<T>? values = null;
        var valid = true;
        foreach (var header in Headers)
        {
            if (!SipHeaderCollection.NameEquals(header.Name, name))
            {
                continue;
            }

            if (allowEmpty && string.IsNullOrWhiteSpace(header.Value))
            {
                continue;
            }

            if (parser(header.Value, out var value))
            {
                (values ??= []).Add(value);
            }
            else
            {
                valid = false;
            }
        }

        cached = new Parsed<IReadOnlyList<T>>(version, values is null ? [] : values.AsReadOnly(), valid);
        Volatile.Write(ref cache, cached);
        return cached;
    }

    private Parsed<T?> GetFirst<T>(ref Parsed<T?>? cache, string name, ReferenceParser<T> parser)
        where T : class
    {
        var cached = Volatile.Read(ref cache);
        var version = Headers.Version;
        if (cached is not null && cached.Version == version)
        {
            return cached;
        }

        T? first = null;
        var found = false;
        var valid = true;
        foreach (var header in Headers)
        {
            if (!SipHeaderCollection.NameEquals(header.Name, name))
            {
                continue;
            }

            if (parser(header.Value, out var value))
            {
                if (!found)
                {
                    first = value;
                }
            }
            else
            {
                valid = false;
            }

            found = true;
        }

        cached = new Parsed<T?>(version, first, valid);
        Volatile.Write(ref cache, cached);
        return cached;
    }

    private Parsed<T?> GetFirstValue<T>(ref Parsed<T?>? cache, string name, ValueParser<T> parser)
        where T : struct
    {
        var cached = Volatile.Read(ref cache);
        var version = Headers.Version;
        if (cached is not null && cached.Version == version)
        {
            return cached;
        }

        T? first = null;
        var found = false;
        var valid = true;
        foreach (var header in Headers)
        {
            if (!SipHeaderCollection.NameEquals(header.Name, name))
            {
                continue;
            }

            if (parser(header.Value, out var value))
            {
                if (!found)
                {
                    first = value;
                }
            }
            else
            {
                valid = false;
            }

            found = true;
        }

        cached = new Parsed<T?>(version, first, valid);
        Volatile.Write(ref cache, cached);
        return cached;
    }

    // callid = word [ "@" word ] (RFC 3261 §25.1). The characters of word include '"', '<' and '>', which have
    // no grouping meaning here (RFC 4475 intmeth).
    private static bool TryParseCallId([NotNullWhen(true)] string? value, [NotNullWhen(true)] out string? callId)
    {
        callId = null;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var at = value.IndexOf('@', StringComparison.Ordinal);
        var local = at < 0 ? value.AsSpan() : value.AsSpan(0, at);
        var host = at < 0 ? default : value.AsSpan(at + 1);
        if (local.IsEmpty || local.IndexOfAnyExcept(SipCharacters.Word) >= 0
            || (at >= 0 && (host.IsEmpty || host.IndexOfAnyExcept(SipCharacters.Word) >= 0)))
        {
            return false;
        }

        callId = value;
        return true;
    }

    private static bool TryParseRoute([NotNullWhen(true)] string? value, [NotNullWhen(true)] out SipNameAddress? route)
    {
        // route-param = name-addr *( SEMI rr-param ): the angle brackets are mandatory here (RFC 3261 §20.34).
        if (SipNameAddress.TryParse(value, out route) && route.HasAngleBrackets)
        {
            return true;
        }

        route = null;
        return false;
    }

    private static bool TryParseToken([NotNullWhen(true)] string? value, [NotNullWhen(true)] out string? token)
    {
        token = value?.Trim(' ', '\t');
        return !string.IsNullOrEmpty(token) && token.AsSpan().IndexOfAnyExcept(SipCharacters.Token) < 0;
    }

    private static bool TryParseMaxForwards(string value, out int maxForwards)
    {
        // Max-Forwards = 1*DIGIT, "an integer in the range 0-255" (RFC 3261 §20.22); leading zeros are fine.
        maxForwards = 0;
        if (!SipGrammar.TryParseDigits(value.AsSpan().Trim(" \t"), out var digits) || digits > 255)
        {
            return false;
        }

        maxForwards = (int)digits;
        return true;
    }

    private static bool TryParseContentLength(string value, out int contentLength)
    {
        contentLength = 0;
        if (!SipGrammar.TryParseDigits(value.AsSpan().Trim(" \t"), out var digits) || digits > int.MaxValue)
        {
            return false;
        }

        contentLength = (int)digits;
        return true;
    }

    private static bool TryParseDeltaSeconds(string value, out uint seconds) => SipGrammar.TryParseDeltaSeconds(value, out seconds);

    private static bool TryParseDate(string value, out DateTimeOffset date) => SipDate.TryParse(value, out date);

    private sealed class Parsed<T>(int version, T value, bool isValid)
    {
        public int Version { get; } = version;

        public T Value { get; } = value;

        public bool IsValid { get; } = isValid;
    }
}
