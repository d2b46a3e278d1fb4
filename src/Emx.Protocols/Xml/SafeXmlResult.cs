using System.Diagnostics.CodeAnalysis;
using System.Xml.Linq;

namespace Emx.Protocols;

/// <summary>Why <see cref="SafeXml"/> refused a document.</summary>
public enum SafeXmlFailureKind
{
    /// <summary>The input is empty or only whitespace.</summary>
    Empty,

    /// <summary>The input exceeds <see cref="SafeXmlOptions.MaxInputLength"/>; refused before parsing.</summary>
    TooLarge,

    /// <summary>Elements nest deeper than <see cref="SafeXmlOptions.MaxDepth"/>.</summary>
    TooDeep,

    /// <summary>Not well-formed XML (or not XML at all).</summary>
    Malformed,

    /// <summary>
    /// The document declares entities in a DTD and references one. DTDs are never processed, so the reference
    /// is undeclared and the document is refused (external entities, "billion laughs").
    /// </summary>
    EntityReference,
}

/// <summary>A refused document: the reason and, when known, where.</summary>
public sealed record SafeXmlFailure
{
    /// <summary>The category of the failure.</summary>
    public required SafeXmlFailureKind Kind { get; init; }

    /// <summary>A diagnostic message (safe to log; never echoes more than the parser's own message).</summary>
    public required string Message { get; init; }

    /// <summary>1-based line of the error when the XML reader reported one.</summary>
    public int? LineNumber { get; init; }

    /// <summary>1-based column of the error when the XML reader reported one.</summary>
    public int? LinePosition { get; init; }
}

/// <summary>The outcome of <see cref="SafeXml"/>: the root element, or a typed failure.</summary>
public sealed record SafeXmlResult
{
    private SafeXmlResult(XElement? root, SafeXmlFailure? failure)
    {
        Root = root;
        Failure = failure;
    }

    /// <summary>The document's root element (a detached tree) when parsing succeeded.</summary>
    public XElement? Root { get; }

    /// <summary>The reason for refusal when parsing failed.</summary>
    public SafeXmlFailure? Failure { get; }

    /// <summary>True when <see cref="Root"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Root))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsSuccess => Root is not null;

    internal static SafeXmlResult Success(XElement root) => new(root, null);

    internal static SafeXmlResult Fail(SafeXmlFailureKind kind, string message, int? line = null, int? position = null) =>
        new(null, new SafeXmlFailure { Kind = kind, Message = message, LineNumber = line, LinePosition = position });
}
