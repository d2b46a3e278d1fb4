using System.Diagnostics.CodeAnalysis;

namespace Emx.Protocols.CiscoIpPhone;

/// <summary>The outcome of <see cref="CiscoIpPhoneXml.Parse(string, SafeXmlOptions?)"/>.</summary>
public sealed record CiscoIpPhoneParseResult
{
    private CiscoIpPhoneParseResult(CiscoIpPhoneObject? value, string? error, SafeXmlFailure? xmlFailure)
    {
        Value = value;
        Error = error;
        XmlFailure = xmlFailure;
    }

    /// <summary>The parsed object on success.</summary>
    public CiscoIpPhoneObject? Value { get; }

    /// <summary>Why the document was rejected.</summary>
    public string? Error { get; }

    /// <summary>The XML failure when the document was not acceptable XML.</summary>
    public SafeXmlFailure? XmlFailure { get; }

    /// <summary>True when <see cref="Value"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Value is not null;

    internal static CiscoIpPhoneParseResult Success(CiscoIpPhoneObject value) => new(value, null, null);

    internal static CiscoIpPhoneParseResult Fail(string error, SafeXmlFailure? xmlFailure = null) => new(null, error, xmlFailure);
}
