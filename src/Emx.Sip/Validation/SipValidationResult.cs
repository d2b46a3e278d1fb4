using Emx.Sip.Messages;

namespace Emx.Sip.Validation;

/// <summary>What to do with a message after validation.</summary>
public enum SipValidationAction
{
    /// <summary>Process the message.</summary>
    Accept = 0,

    /// <summary>Reject the request with the response described by the result.</summary>
    Respond,

    /// <summary>Discard the message silently (invalid responses, invalid ACKs).</summary>
    Drop,
}

/// <summary>The outcome of <see cref="SipRequestValidator"/> or <see cref="SipResponseValidator"/>.</summary>
public sealed class SipValidationResult
{
    private SipValidationResult(SipValidationAction action, int statusCode, string? reasonPhrase, IReadOnlyList<SipHeader> responseHeaders)
    {
        Action = action;
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
        ResponseHeaders = responseHeaders;
    }

    /// <summary>The message is acceptable.</summary>
    public static SipValidationResult Accepted { get; } = new(SipValidationAction.Accept, 0, null, []);

    /// <summary>What to do.</summary>
    public SipValidationAction Action { get; }

    /// <summary>True when <see cref="Action"/> is <see cref="SipValidationAction.Accept"/>.</summary>
    public bool IsAccepted => Action == SipValidationAction.Accept;

    /// <summary>The status code of the rejection, or 0 when the action is not <see cref="SipValidationAction.Respond"/>.</summary>
    public int StatusCode { get; }

    /// <summary>Why the message was rejected or dropped, suitable as a reason phrase.</summary>
    public string? ReasonPhrase { get; }

    /// <summary>Headers the rejection must carry, e.g. Unsupported for 420, Accept for 415, Allow for 405.</summary>
    public IReadOnlyList<SipHeader> ResponseHeaders { get; }

    /// <summary>Builds the rejection response to <paramref name="request"/> (RFC 3261 §8.2.6).</summary>
    /// <exception cref="InvalidOperationException">The action is not <see cref="SipValidationAction.Respond"/>.</exception>
    public SipResponse CreateResponse(SipRequest request, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Action != SipValidationAction.Respond)
        {
            throw new InvalidOperationException($"A {Action} result has no response.");
        }

        var response = SipResponseFactory.CreateResponse(request, StatusCode, ReasonPhrase, toTag);
        foreach (var header in ResponseHeaders)
        {
            response.Headers.Add(header.Name, header.Value);
        }

        return response;
    }

    /// <inheritdoc/>
    public override string ToString() => Action switch
    {
        SipValidationAction.Respond => $"{StatusCode} {ReasonPhrase}",
        SipValidationAction.Drop => $"Drop: {ReasonPhrase}",
        _ => "Accepted",
    };

    internal static SipValidationResult Respond(int statusCode, string reasonPhrase, params SipHeader[] headers) =>
        new(SipValidationAction.Respond, statusCode, reasonPhrase, headers);

    internal static SipValidationResult Drop(string reason) => new(SipValidationAction.Drop, 0, reason, []);
}
