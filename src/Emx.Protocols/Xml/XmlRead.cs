using System.Xml.Linq;

namespace Emx.Protocols;

/// <summary>Small helpers shared by the strict parsers (element lookup by local name, leaf text).</summary>
internal static class XmlRead
{
    public static IEnumerable<XElement> Children(XElement parent, string localName) =>
        parent.Elements().Where(e => e.Name.LocalName == localName);

    /// <summary>True when the element holds non-whitespace text directly (mixed content in a container).</summary>
    public static bool HasStrayText(XElement container) =>
        container.Nodes().OfType<XText>().Any(t => !string.IsNullOrWhiteSpace(t.Value));

    /// <summary>The text of a leaf element, or null when it has child elements.</summary>
    public static string? LeafText(XElement element) =>
        element.HasElements ? null : string.Concat(element.Nodes().OfType<XText>().Select(t => t.Value));

    /// <summary>
    /// Finds at most one child: <paramref name="error"/> is set when there are several, or when the child has
    /// child elements of its own (a leaf was expected).
    /// </summary>
    public static bool TryGetOptionalLeaf(XElement parent, string localName, out string? value, out string? error)
    {
        value = null;
        error = null;
        XElement? found = null;
        foreach (var child in Children(parent, localName))
        {
            if (found is not null)
            {
                error = $"<{parent.Name.LocalName}> has more than one <{localName}>.";
                return false;
            }

            found = child;
        }

        if (found is null)
        {
            return true;
        }

        value = LeafText(found);
        if (value is null)
        {
            error = $"<{localName}> must contain text only.";
            return false;
        }

        return true;
    }

    /// <summary>Like <see cref="TryGetOptionalLeaf"/> but a missing child is an error.</summary>
    public static bool TryGetRequiredLeaf(XElement parent, string localName, out string value, out string? error)
    {
        if (!TryGetOptionalLeaf(parent, localName, out var optional, out error))
        {
            value = string.Empty;
            return false;
        }

        if (optional is null)
        {
            value = string.Empty;
            error = $"<{parent.Name.LocalName}> is missing <{localName}>.";
            return false;
        }

        value = optional;
        return true;
    }

    /// <summary>At most one child element with this name; error when several.</summary>
    public static bool TryGetOptionalElement(XElement parent, string localName, out XElement? element, out string? error)
    {
        element = null;
        error = null;
        foreach (var child in Children(parent, localName))
        {
            if (element is not null)
            {
                error = $"<{parent.Name.LocalName}> has more than one <{localName}>.";
                return false;
            }

            element = child;
        }

        return true;
    }
}
