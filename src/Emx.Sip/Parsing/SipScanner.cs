using System.Buffers;
using System.Text;

namespace Emx.Sip.Parsing;

/// <summary>
/// A forward-only reader over an unfolded header value. Header values reach the typed parsers with folding
/// already replaced by single spaces (RFC 3261 §7.3.1), so linear white space here is only SP and HTAB.
/// </summary>
internal ref struct SipScanner
{
    private readonly ReadOnlySpan<char> _text;
    private int _position;

    public SipScanner(ReadOnlySpan<char> text)
    {
        _text = text;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _text.Length;

    public readonly int Position => _position;

    public readonly ReadOnlySpan<char> Rest => _text[_position..];

    public readonly char Peek() => _position < _text.Length ? _text[_position] : '\0';

    public void Reset(int position) => _position = position;

    public void Advance(int count) => _position += count;

    /// <summary>Skips SP and HTAB; returns how many were skipped.</summary>
    public int SkipWhitespace()
    {
        var start = _position;
        while (_position < _text.Length && SipCharacters.IsWhitespace(_text[_position]))
        {
            _position++;
        }

        return _position - start;
    }

    public bool TryConsume(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Consumes SWS <paramref name="c"/> SWS, the separator form RFC 3261 §25.1 uses for SEMI, EQUAL, SLASH, COLON,
    /// COMMA and friends. Leaves the position unchanged when the separator is absent.
    /// </summary>
    public bool TryConsumeSeparator(char c)
    {
        var start = _position;
        SkipWhitespace();
        if (TryConsume(c))
        {
            SkipWhitespace();
            return true;
        }

        _position = start;
        return false;
    }

    public ReadOnlySpan<char> ReadWhile(SearchValues<char> allowed)
    {
        var rest = _text[_position..];
        var length = rest.IndexOfAnyExcept(allowed);
        if (length < 0)
        {
            length = rest.Length;
        }

        _position += length;
        return rest[..length];
    }

    public ReadOnlySpan<char> ReadToken() => ReadWhile(SipCharacters.Token);

    /// <summary>Reads up to (not including) the first of <paramref name="stops"/>, or to the end.</summary>
    public ReadOnlySpan<char> ReadUntil(SearchValues<char> stops)
    {
        var rest = _text[_position..];
        var length = rest.IndexOfAny(stops);
        if (length < 0)
        {
            length = rest.Length;
        }

        _position += length;
        return rest[..length];
    }

    /// <summary>
    /// Reads a quoted-string (RFC 3261 §25.1) starting at the current DQUOTE.
    /// <paramref name="raw"/> includes the quotes; <paramref name="unescaped"/> has quoted-pairs resolved.
    /// </summary>
    public bool TryReadQuotedString(out ReadOnlySpan<char> raw, out string unescaped)
    {
        raw = default;
        unescaped = string.Empty;
        if (Peek() != '"')
        {
            return false;
        }

        var start = _position;
        var i = _position + 1;
        StringBuilder? builder = null;
        var segmentStart = i;
        while (i < _text.Length)
        {
            var c = _text[i];
            if (c == '"')
            {
                if (builder is null)
                {
                    unescaped = new string(_text[segmentStart..i]);
                }
                else
                {
                    builder.Append(_text[segmentStart..i]);
                    unescaped = builder.ToString();
                }

                _position = i + 1;
                raw = _text[start.._position];
                return true;
            }

            if (c == '\\')
            {
                // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): anything ASCII but CR and LF.
                if (i + 1 >= _text.Length || _text[i + 1] is '\r' or '\n' || _text[i + 1] > '\x7F')
                {
                    return false;
                }

                builder ??= new StringBuilder(i - segmentStart + 16);
                builder.Append(_text[segmentStart..i]).Append(_text[i + 1]);
                i += 2;
                segmentStart = i;
                continue;
            }

            // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII: no other control characters.
            if (c < ' ' && c != '\t' || c == '\x7F')
            {
                return false;
            }

            i++;
        }

        return false;
    }
}
