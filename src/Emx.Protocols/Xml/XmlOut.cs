using System.Text;
using System.Xml;

namespace Emx.Protocols;

/// <summary>
/// A minimal, allocation-light XML writer producing byte-exact output (no reformatting by a framework writer).
/// Text is escaped; characters not allowed in XML 1.0 are dropped so that user-supplied text can never make
/// the output malformed.
/// </summary>
internal sealed class XmlOut
{
    private readonly StringBuilder _sb = new();
    private readonly string? _indent;
    private int _depth;

    /// <param name="indent">Indentation per level, or null for compact output (no whitespace at all).</param>
    public XmlOut(string? indent = null) => _indent = indent;

    public XmlOut Raw(string text)
    {
        _sb.Append(text);
        return this;
    }

    public XmlOut Open(string name, params ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        NewLine();
        _sb.Append('<').Append(name);
        AppendAttributes(attributes);
        _sb.Append('>');
        _depth++;
        return this;
    }

    public XmlOut Close(string name)
    {
        _depth--;
        NewLine();
        _sb.Append("</").Append(name).Append('>');
        return this;
    }

    public XmlOut Empty(string name, params ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        NewLine();
        _sb.Append('<').Append(name);
        AppendAttributes(attributes);
        _sb.Append("/>");
        return this;
    }

    /// <summary>Writes <c>&lt;name&gt;text&lt;/name&gt;</c>; null or empty text gives <c>&lt;name&gt;&lt;/name&gt;</c>.</summary>
    public XmlOut Leaf(string name, string? text, params ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        NewLine();
        _sb.Append('<').Append(name);
        AppendAttributes(attributes);
        _sb.Append('>');
        AppendEscaped(_sb, text, attribute: false);
        _sb.Append("</").Append(name).Append('>');
        return this;
    }

    /// <summary>Writes the element only when <paramref name="text"/> is not null.</summary>
    public XmlOut OptionalLeaf(string name, string? text) => text is null ? this : Leaf(name, text);

    public override string ToString() => _sb.ToString();

    private void NewLine()
    {
        if (_indent is null || _sb.Length == 0)
        {
            return;
        }

        _sb.Append('\n');
        for (var i = 0; i < _depth; i++)
        {
            _sb.Append(_indent);
        }
    }

    private void AppendAttributes(ReadOnlySpan<(string Name, string? Value)> attributes)
    {
        foreach (var (attributeName, value) in attributes)
        {
            if (value is null)
            {
                continue;
            }

            _sb.Append(' ').Append(attributeName).Append("=\"");
            AppendEscaped(_sb, value, attribute: true);
            _sb.Append('"');
        }
    }

    private static void AppendEscaped(StringBuilder sb, string? text, bool attribute)
    {
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"' when attribute: sb.Append("&quot;"); break;
                case '\r': sb.Append("&#xD;"); break;
                case '\n' when attribute: sb.Append("&#xA;"); break;
                case '\t' when attribute: sb.Append("&#x9;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c))
                    {
                        sb.Append(c).Append(text[i + 1]);
                        i++;
                    }
                    else if (XmlConvert.IsXmlChar(c))
                    {
                        sb.Append(c);
                    }

                    // Anything else (control characters, lone surrogates) cannot appear in XML 1.0: dropped.
                    break;
            }
        }
    }
}
