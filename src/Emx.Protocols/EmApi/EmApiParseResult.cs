using System.Diagnostics.CodeAnalysis;
using Emx.Protocols.Errors;

namespace Emx.Protocols.EmApi;

/// <summary>
/// Why an EM API document was rejected, with the EMService code to answer:
/// <see cref="EmServiceErrorCode.ErrorOnParsing"/> (1) for malformed XML or a missing/duplicated required element,
/// <see cref="EmServiceErrorCode.QueryTypeUndetermined"/> (8) for a <c>&lt;query&gt;</c> without a known query element.
/// </summary>
public sealed record EmApiParseError
{
    /// <summary>The EMService code the caller should answer with.</summary>
    public required EmServiceErrorCode Code { get; init; }

    /// <summary>A diagnostic message (names the offending element; never includes credentials).</summary>
    public required string Message { get; init; }

    /// <summary>The underlying XML failure when the document was not well-formed or was refused by <see cref="SafeXml"/>.</summary>
    public SafeXmlFailure? XmlFailure { get; init; }
}

/// <summary>The outcome of <see cref="EmApiRequestParser.Parse(string, SafeXmlOptions?)"/>.</summary>
public sealed record EmApiParseResult
{
    private EmApiParseResult(EmApiRequest? request, EmApiParseError? error)
    {
        Request = request;
        Error = error;
    }

    /// <summary>The parsed request on success.</summary>
    public EmApiRequest? Request { get; }

    /// <summary>The rejection on failure.</summary>
    public EmApiParseError? Error { get; }

    /// <summary>True when <see cref="Request"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Request))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Request is not null;

    internal static EmApiParseResult Success(EmApiRequest request) => new(request, null);

    internal static EmApiParseResult Fail(EmServiceErrorCode code, string message, SafeXmlFailure? xmlFailure = null) =>
        new(null, new EmApiParseError { Code = code, Message = message, XmlFailure = xmlFailure });
}
