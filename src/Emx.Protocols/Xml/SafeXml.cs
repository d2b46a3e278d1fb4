using System.Xml;
using System.Xml.Linq;

namespace Emx.Protocols;

/// <summary>
/// The single entry point for parsing untrusted XML. A DOCTYPE is tolerated (real EMApp traffic carries one,
/// reference 1.6 f) but never processed: no DTD, no entity expansion, no external resolution. Input size and
/// nesting depth are bounded, and every failure is returned as a <see cref="SafeXmlFailure"/> instead of thrown.
/// </summary>
public static class SafeXml
{
    private const int MaxCharactersFromEntities = 1024;
    private const string XmlnsNamespace = "http://www.w3.org/2000/xmlns/";

    /// <summary>Parses XML text.</summary>
    /// <param name="xml">The document.</param>
    /// <param name="options">Limits; <see cref="SafeXmlOptions.Default"/> when null.</param>
    /// <returns>The root element or a failure.</returns>
    public static SafeXmlResult Parse(string xml, SafeXmlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        options = Check(options);
        if (string.IsNullOrWhiteSpace(xml))
        {
            return SafeXmlResult.Fail(SafeXmlFailureKind.Empty, "The document is empty.");
        }

        if (xml.Length > options.MaxInputLength)
        {
            return SafeXmlResult.Fail(
                SafeXmlFailureKind.TooLarge,
                $"The document has {xml.Length} characters; the limit is {options.MaxInputLength}.");
        }

        var declaresEntities = xml.Contains("<!ENTITY", StringComparison.Ordinal);
        using var reader = new StringReader(xml);
        return ParseCore(reader, options, declaresEntities);
    }

    /// <summary>Parses an XML document given as bytes (encoding from BOM or declaration, UTF-8 by default).</summary>
    /// <param name="document">The document bytes.</param>
    /// <param name="options">Limits; <see cref="SafeXmlOptions.Default"/> when null.</param>
    /// <returns>The root element or a failure.</returns>
    public static SafeXmlResult Parse(ReadOnlySpan<byte> document, SafeXmlOptions? options = null)
    {
        options = Check(options);
        if (document.Length > options.MaxInputLength)
        {
            return SafeXmlResult.Fail(
                SafeXmlFailureKind.TooLarge,
                $"The document has {document.Length} bytes; the limit is {options.MaxInputLength}.");
        }

        if (document.Trim(" \t\r\n"u8).IsEmpty)
        {
            return SafeXmlResult.Fail(SafeXmlFailureKind.Empty, "The document is empty.");
        }

        var declaresEntities = document.IndexOf("<!ENTITY"u8) >= 0;
        using var stream = new MemoryStream(document.ToArray(), writable: false);
        return ParseBytesCore(stream, options, declaresEntities);
    }

    private static SafeXmlOptions Check(SafeXmlOptions? options)
    {
        options ??= SafeXmlOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxInputLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxDepth);
        return options;
    }

    private static XmlReaderSettings CreateSettings(SafeXmlOptions options) => new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        MaxCharactersFromEntities = MaxCharactersFromEntities,
        MaxCharactersInDocument = options.MaxInputLength,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CheckCharacters = true,
        ConformanceLevel = ConformanceLevel.Document,
        CloseInput = false,
    };

    private static SafeXmlResult ParseBytesCore(Stream stream, SafeXmlOptions options, bool declaresEntities)
    {
        try
        {
            using var reader = XmlReader.Create(stream, CreateSettings(options));
            return Build(reader, options);
        }
        catch (XmlException ex)
        {
            return FromException(ex, declaresEntities);
        }
    }

    private static SafeXmlResult ParseCore(TextReader text, SafeXmlOptions options, bool declaresEntities)
    {
        try
        {
            using var reader = XmlReader.Create(text, CreateSettings(options));
            return Build(reader, options);
        }
        catch (XmlException ex)
        {
            return FromException(ex, declaresEntities);
        }
    }

    private static SafeXmlResult FromException(XmlException ex, bool declaresEntities)
    {
        // The reader does not type its errors. A document that declares entities and then fails to parse
        // failed on a reference to one of them (DTD processing is off, so every such reference is undeclared).
        var kind = declaresEntities ? SafeXmlFailureKind.EntityReference : SafeXmlFailureKind.Malformed;
        return SafeXmlResult.Fail(
            kind,
            ex.Message,
            ex.LineNumber > 0 ? ex.LineNumber : null,
            ex.LinePosition > 0 ? ex.LinePosition : null);
    }

    private static SafeXmlResult Build(XmlReader reader, SafeXmlOptions options)
    {
        XElement? root = null;
        var open = new Stack<XElement>();
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (reader.Depth + 1 > options.MaxDepth)
                    {
                        var info = (IXmlLineInfo)reader;
                        return SafeXmlResult.Fail(
                            SafeXmlFailureKind.TooDeep,
                            $"Elements nest deeper than {options.MaxDepth} levels.",
                            info.LineNumber,
                            info.LinePosition);
                    }

                    var element = new XElement(XName.Get(reader.LocalName, reader.NamespaceURI));
                    var isEmpty = reader.IsEmptyElement;
                    if (reader.MoveToFirstAttribute())
                    {
                        do
                        {
                            if (reader.NamespaceURI != XmlnsNamespace)
                            {
                                element.Add(new XAttribute(XName.Get(reader.LocalName, reader.NamespaceURI), reader.Value));
                            }
                        }
                        while (reader.MoveToNextAttribute());

                        reader.MoveToElement();
                    }

                    if (open.Count == 0)
                    {
                        root = element;
                    }
                    else
                    {
                        open.Peek().Add(element);
                    }

                    if (!isEmpty)
                    {
                        open.Push(element);
                    }

                    break;

                case XmlNodeType.EndElement:
                    open.Pop();
                    break;

                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.Whitespace:
                case XmlNodeType.SignificantWhitespace:
                    if (open.Count > 0)
                    {
                        open.Peek().Add(new XText(reader.Value));
                    }

                    break;

                default:
                    // DOCTYPE (ignored, never processed), XML declaration: nothing to keep.
                    break;
            }
        }

        return root is null
            ? SafeXmlResult.Fail(SafeXmlFailureKind.Malformed, "The document has no root element.")
            : SafeXmlResult.Success(root);
    }
}
