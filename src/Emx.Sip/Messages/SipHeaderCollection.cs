using System.Collections;
using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>
/// The header fields of a message, in order. Names are case-insensitive and compact forms are expanded on the
/// way in, so <c>Get("v")</c>, <c>Get("VIA")</c> and <c>Get("Via")</c> are the same lookup (RFC 3261 §7.3).
/// </summary>
/// <remarks>Not thread-safe for concurrent mutation.</remarks>
public sealed class SipHeaderCollection : IReadOnlyList<SipHeader>
{
    private readonly List<SipHeader> _headers;

    /// <summary>Creates an empty collection.</summary>
    public SipHeaderCollection()
        : this(16)
    {
    }

    internal SipHeaderCollection(int capacity) => _headers = new List<SipHeader>(capacity);

    /// <inheritdoc/>
    public int Count => _headers.Count;

    /// <summary>Incremented by every mutation; typed accessors use it to invalidate what they parsed.</summary>
    internal int Version { get; private set; }

    /// <inheritdoc/>
    public SipHeader this[int index] => _headers[index];

    /// <summary>Appends a header field value.</summary>
    /// <exception cref="ArgumentException">The name is not a token, or the value contains CR or LF.</exception>
    public void Add(string name, string value) => AddUnchecked(Check(name, value), value);

    /// <summary>Inserts a header field value at <paramref name="index"/> (0 puts a Via on top).</summary>
    public void Insert(int index, string name, string value)
    {
        var canonical = Check(name, value);
        _headers.Insert(index, new SipHeader(canonical, value));
        Version++;
    }

    /// <summary>Removes the value at <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        _headers.RemoveAt(index);
        Version++;
    }

    /// <summary>Removes every value of header <paramref name="name"/>; returns how many were removed.</summary>
    public int RemoveAll(string name)
    {
        var canonical = SipHeaderNames.Normalize(name);
        var removed = _headers.RemoveAll(h => NameEquals(h.Name, canonical));
        if (removed > 0)
        {
            Version++;
        }

        return removed;
    }

    /// <summary>
    /// Replaces all values of header <paramref name="name"/> with the single <paramref name="value"/>, at the
    /// position of the first existing one (or at the end).
    /// </summary>
    public void Set(string name, string value)
    {
        var canonical = Check(name, value);
        var index = IndexOf(canonical);
        if (index < 0)
        {
            AddUnchecked(canonical, value);
            return;
        }

        _headers[index] = new SipHeader(canonical, value);
        for (var i = _headers.Count - 1; i > index; i--)
        {
            if (NameEquals(_headers[i].Name, canonical))
            {
                _headers.RemoveAt(i);
            }
        }

        Version++;
    }

    /// <summary>Removes every header.</summary>
    public void Clear()
    {
        _headers.Clear();
        Version++;
    }

    /// <summary>True when at least one value of header <paramref name="name"/> is present.</summary>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>The number of values of header <paramref name="name"/>.</summary>
    public int CountOf(string name)
    {
        var canonical = SipHeaderNames.Normalize(name);
        var count = 0;
        foreach (var header in _headers)
        {
            if (NameEquals(header.Name, canonical))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The index of the first value of header <paramref name="name"/> at or after <paramref name="startIndex"/>, or -1.</summary>
    public int IndexOf(string name, int startIndex = 0)
    {
        var canonical = SipHeaderNames.Normalize(name);
        for (var i = startIndex; i < _headers.Count; i++)
        {
            if (NameEquals(_headers[i].Name, canonical))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The first value of header <paramref name="name"/>, or <see langword="null"/>.</summary>
    public string? GetFirst(string name)
    {
        var index = IndexOf(name);
        return index >= 0 ? _headers[index].Value : null;
    }

    /// <summary>All values of header <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<string> GetValues(string name)
    {
        var canonical = SipHeaderNames.Normalize(name);
        List<string>? values = null;
        foreach (var header in _headers)
        {
            if (NameEquals(header.Name, canonical))
            {
                (values ??= []).Add(header.Value);
            }
        }

        return values is null ? [] : values;
    }

    /// <inheritdoc/>
    public IEnumerator<SipHeader> GetEnumerator() => _headers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Appends a value whose name is already canonical and validated (the parser's path).</summary>
    internal void AddUnchecked(string canonicalName, string value)
    {
        _headers.Add(new SipHeader(canonicalName, value));
        Version++;
    }

    internal static bool NameEquals(string left, string right) =>
        ReferenceEquals(left, right) || string.Equals(left, right, StringComparison.OrdinalIgnoreCase);

    private static string Check(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (name.Length == 0 || name.AsSpan().IndexOfAnyExcept(SipCharacters.Token) >= 0)
        {
            throw new ArgumentException("A header name must be a non-empty token: " + name, nameof(name));
        }

        // CR or LF in a value would end the header line and let the value inject headers of its own.
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A header value cannot contain CR or LF.", nameof(value));
        }

        return SipHeaderNames.Normalize(name);
    }
}
