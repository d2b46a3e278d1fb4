using System.Globalization;

namespace Emx.Sip.Messages;

/// <summary>A SIP response: <c>SIP-Version SP Status-Code SP Reason-Phrase CRLF</c> plus headers and body (RFC 3261 §7.2).</summary>
public sealed class SipResponse : SipMessage
{
    private string _reasonPhrase;

    /// <summary>Creates a response with no headers; the reason phrase defaults to the standard one.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is outside 100-699.</exception>
    public SipResponse(int statusCode, string? reasonPhrase = null)
    {
        if (statusCode is < 100 or > 699)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "SIP status codes are 100-699.");
        }

        StatusCode = statusCode;
        _reasonPhrase = CheckReasonPhrase(reasonPhrase ?? SipStatusCodes.GetReasonPhrase(statusCode));
    }

    /// <inheritdoc/>
    public override bool IsRequest => false;

    /// <summary>The three-digit status code.</summary>
    public int StatusCode { get; }

    /// <summary>The reason phrase; may be empty (RFC 4475 noreason). UTF-8 text is allowed (unreason).</summary>
    public string ReasonPhrase
    {
        get => _reasonPhrase;
        set => _reasonPhrase = CheckReasonPhrase(value);
    }

    /// <summary>True for 1xx responses.</summary>
    public bool IsProvisional => StatusCode < 200;

    /// <summary>True for 2xx-6xx responses.</summary>
    public bool IsFinal => StatusCode >= 200;

    /// <summary>True for 2xx responses.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>The status line, e.g. <c>SIP/2.0 200 OK</c>.</summary>
    public override string ToString() =>
        Version + " " + StatusCode.ToString(CultureInfo.InvariantCulture) + " " + ReasonPhrase;

    private static string CheckReasonPhrase(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.AsSpan().IndexOfAny('\r', '\n') < 0
            ? value
            : throw new ArgumentException("A reason phrase cannot contain CR or LF.", nameof(value));
    }
}
