using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>Builds responses to requests as a UAS must (RFC 3261 §8.2.6).</summary>
public static class SipResponseFactory
{
    private const string TagAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>
    /// Creates a response to <paramref name="request"/>: Via values (all, in order), From, Call-ID and CSeq are
    /// copied verbatim, To too, with a tag added when the request's To has none (RFC 3261 §8.2.6.2: required
    /// except for 100 Trying, which instead echoes a Timestamp, §8.2.6.1).
    /// </summary>
    /// <param name="request">The request being answered.</param>
    /// <param name="statusCode">100-699.</param>
    /// <param name="reasonPhrase">Defaults to the standard phrase for the code.</param>
    /// <param name="toTag">The tag for the To header when the request has none; a random one by default.
    /// All responses of one transaction should use the same tag, so pass the dialog's tag when you have one.</param>
    public static SipResponse CreateResponse(SipRequest request, int statusCode, string? reasonPhrase = null, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new SipResponse(statusCode, reasonPhrase);
        CopyResponseHeaders(request.Headers, response, statusCode, toTag);
        return response;
    }

    /// <summary>
    /// Creates the response a parse error calls for (400, 505 or 513, with the error's reason phrase), from
    /// the headers recovered from the broken request. Returns false when the error must not be answered
    /// (responses, ACK, keep-alives) or the headers needed to build a response are missing.
    /// </summary>
    public static bool TryCreateErrorResponse(SipParseError error, [NotNullWhen(true)] out SipResponse? response)
    {
        ArgumentNullException.ThrowIfNull(error);
        response = null;
        if (!error.CanRespond || error.StatusCode is not { } statusCode)
        {
            return false;
        }

        var headers = new SipHeaderCollection();
        foreach (var header in error.Headers)
        {
            headers.AddUnchecked(header.Name, header.Value);
        }

        response = new SipResponse(statusCode, error.ReasonPhrase);
        CopyResponseHeaders(headers, response, statusCode, null);
        return true;
    }

    /// <summary>
    /// Creates a tag with 64 bits of randomness; RFC 3261 §19.3 requires at least 32 so that tags are globally
    /// unique.
    /// </summary>
    public static string CreateTag() => RandomNumberGenerator.GetString(TagAlphabet, 13);

    private static void CopyResponseHeaders(SipHeaderCollection source, SipResponse response, int statusCode, string? toTag)
    {
        foreach (var header in source)
        {
            var name = header.Name;
            if (SipHeaderCollection.NameEquals(name, SipHeaderNames.Via)
                || SipHeaderCollection.NameEquals(name, SipHeaderNames.From)
                || SipHeaderCollection.NameEquals(name, SipHeaderNames.CallId)
                || SipHeaderCollection.NameEquals(name, SipHeaderNames.CSeq)
                || (statusCode == 100 && SipHeaderCollection.NameEquals(name, SipHeaderNames.Timestamp)))
            {
                response.Headers.AddUnchecked(name, header.Value);
            }
            else if (SipHeaderCollection.NameEquals(name, SipHeaderNames.To) && !response.Headers.Contains(SipHeaderNames.To))
            {
                response.Headers.AddUnchecked(name, AddToTag(header.Value, statusCode, toTag));
            }
        }
    }

    private static string AddToTag(string to, int statusCode, string? toTag)
    {
        var hasTag = SipNameAddress.TryParse(to, out var parsed) ? parsed.Tag is not null : to.Contains(";tag=", StringComparison.OrdinalIgnoreCase);
        if (hasTag || (statusCode == 100 && toTag is null))
        {
            return to;
        }

        var tag = toTag ?? CreateTag();
        if (tag.Length == 0 || tag.AsSpan().IndexOfAnyExcept(SipCharacters.Token) >= 0)
        {
            throw new ArgumentException("A tag must be a non-empty token: " + tag, nameof(toTag));
        }

        return to + ";tag=" + tag;
    }
}
