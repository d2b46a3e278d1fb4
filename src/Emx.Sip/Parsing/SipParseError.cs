using Emx.Sip.Messages;

namespace Emx.Sip.Parsing;

/// <summary>
/// Why a message was rejected, the response the transport should send (if any), and whatever headers could
/// be recovered so that the response can be built (RFC 3261 §8.2.6 needs Via, From, To, Call-ID and CSeq).
/// </summary>
public sealed class SipParseError
{
    private static readonly string[] ResponseHeaders =
        [SipHeaderNames.Via, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq];

    internal SipParseError(
        SipParseErrorKind kind,
        string reasonPhrase,
        bool isResponse,
        string? method = null,
        IReadOnlyList<SipHeader>? headers = null,
        string? headerName = null)
    {
        Kind = kind;
        ReasonPhrase = reasonPhrase;
        IsResponse = isResponse;
        Method = method;
        Headers = headers ?? [];
        HeaderName = headerName;
    }

    /// <summary>The kind of failure.</summary>
    public SipParseErrorKind Kind { get; }

    /// <summary>A short human-readable description, suitable as the reason phrase of the error response.</summary>
    public string ReasonPhrase { get; }

    /// <summary>True when the start line looked like a Status-Line: responses are never answered, only dropped.</summary>
    public bool IsResponse { get; }

    /// <summary>The request method, when the Request-Line could be read that far.</summary>
    public string? Method { get; }

    /// <summary>The header of the problem, when the problem is in one header.</summary>
    public string? HeaderName { get; }

    /// <summary>The header values recovered before or despite the error (possibly partial, possibly empty).</summary>
    public IReadOnlyList<SipHeader> Headers { get; }

    /// <summary>True for the errors caused by <see cref="SipParserOptions"/> limits.</summary>
    public bool IsLimitExceeded => Kind is SipParseErrorKind.MessageTooLarge or SipParseErrorKind.TooManyHeaders or SipParseErrorKind.HeaderLineTooLong;

    /// <summary>
    /// The status code to answer with, or <see langword="null"/> to drop the message silently: always for
    /// responses and keep-alives, and for ACK, which is never answered (RFC 3261 §17.2.3). Requests get 505 for
    /// an unsupported version, 513 for exceeded limits and 400 for everything else.
    /// </summary>
    public int? StatusCode =>
        IsResponse || Kind == SipParseErrorKind.Empty || Method == SipMethods.Ack
            ? null
            : Kind switch
            {
                SipParseErrorKind.VersionNotSupported => 505,
                SipParseErrorKind.MessageTooLarge or SipParseErrorKind.TooManyHeaders or SipParseErrorKind.HeaderLineTooLong => 513,
                _ => 400,
            };

    /// <summary>
    /// True when a response should be sent and the headers it must copy (Via, From, To, Call-ID, CSeq) were
    /// recovered; see <see cref="SipResponseFactory.TryCreateErrorResponse"/>. Otherwise the message can only
    /// be dropped (or, on a stream, the connection closed).
    /// </summary>
    public bool CanRespond
    {
        get
        {
            if (StatusCode is null)
            {
                return false;
            }

            foreach (var name in ResponseHeaders)
            {
                var found = false;
                foreach (var header in Headers)
                {
                    if (SipHeaderCollection.NameEquals(header.Name, name))
                    {
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Kind}: {ReasonPhrase}";
}
