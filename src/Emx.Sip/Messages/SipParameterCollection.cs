using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Emx.Sip.Messages;

/// <summary>
/// An immutable, ordered list of parameters. Names are matched case-insensitively, because RFC 3261 §7.3.1
/// makes parameter names case-insensitive unless a header field's definition says otherwise.
/// </summary>
public sealed class SipParameterCollection : IReadOnlyList<SipParameter>
{
    private readonly SipParameter[] _items;

    /// <summary>Creates a collection holding <paramref name="parameters"/> in order.</summary>
    public SipParameterCollection(IEnumerable<SipParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _items = [.. parameters];
    }

    private SipParameterCollection(SipParameter[] items) => _items = items;

    /// <summary>The empty collection.</summary>
    public static SipParameterCollection Empty { get; } = new([]);

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <inheritdoc/>
    public SipParameter this[int index] => _items[index];

    /// <summary>True when a parameter named <paramref name="name"/> is present (with or without a value).</summary>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>Finds the first parameter named <paramref name="name"/>; its value may be null (no "=").</summary>
    public bool TryGetValue(string name, out string? value)
    {
        var index = IndexOf(name);
        value = index >= 0 ? _items[index].Value : null;
        return index >= 0;
    }

    /// <summary>The value of the first parameter named <paramref name="name"/>, or null when absent or valueless.</summary>
    public string? GetValue(string name)
    {
        var index = IndexOf(name);
        return index >= 0 ? _items[index].Value : null;
    }

    /// <summary>
    /// The value of the first parameter named <paramref name="name"/> with surrounding quotes and quoted-pairs
    /// removed, e.g. <c>+sip.instance="&lt;urn:uuid:...&gt;"</c> gives <c>&lt;urn:uuid:...&gt;</c>.
    /// </summary>
    public string? GetUnquotedValue(string name) => Unquote(GetValue(name));

    /// <summary>Returns a copy with <paramref name="name"/> set to <paramref name="value"/> (replacing any existing one).</summary>
    public SipParameterCollection With(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var index = IndexOf(name);
        var items = index >= 0 ? (SipParameter[])_items.Clone() : [.. _items, default];
        items[index >= 0 ? index : items.Length - 1] = new SipParameter(name, value);
        return new SipParameterCollection(items);
    }

    /// <summary>Returns a copy without any parameter named <paramref name="name"/>.</summary>
    public SipParameterCollection Without(string name)
    {
        if (IndexOf(name) < 0)
        {
            return this;
        }

        return new SipParameterCollection(
            Array.FindAll(_items, p => !string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Formats the parameters as <c>;name=value;name</c> (values written as stored).</summary>
    public override string ToString()
    {
        if (_items.Length == 0)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        AppendTo(builder);
        return builder.ToString();
    }

    /// <inheritdoc/>
    public IEnumerator<SipParameter> GetEnumerator() => ((IEnumerable<SipParameter>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void AppendTo(StringBuilder builder)
    {
        foreach (var parameter in _items)
        {
            builder.Append(';').Append(parameter.Name);
            if (parameter.Value is not null)
            {
                builder.Append('=').Append(parameter.Value);
            }
        }
    }

    internal static SipParameterCollection FromList(List<SipParameter>? list) =>
        list is null || list.Count == 0 ? Empty : new SipParameterCollection(list.ToArray());

    [return: NotNullIfNotNull(nameof(value))]
    internal static string? Unquote(string? value)
    {
        if (value is null || value.Length < 2 || value[0] != '"' || value[^1] != '"')
        {
            return value;
        }

        var inner = value.AsSpan(1, value.Length - 2);
        if (!inner.Contains('\\'))
        {
            return new string(inner);
        }

        var builder = new StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
            }

            builder.Append(inner[i]);
        }

        return builder.ToString();
    }

    private int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var i = 0; i < _items.Length; i++)
        {
            if (string.Equals(_items[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
