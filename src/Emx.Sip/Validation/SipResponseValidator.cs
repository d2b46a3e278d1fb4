using System.Net;
using Emx.Sip.Messages;

namespace Emx.Sip.Validation;

/// <summary>
/// Checks on received responses. Responses are never answered, so anything unacceptable is dropped.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SipResponseValidator
{
    private static readonly string[] MandatoryHeaders =
        [SipHeaderNames.Via, SipHeaderNames.From, SipHeaderNames.To, SipHeaderNames.CallId, SipHeaderNames.CSeq];

    private static readonly string[] SingleValuedHeaders =
        [SipHeaderNames.To, SipHeaderNames.From, SipHeaderNames.CallId, SipHeaderNames.CSeq, SipHeaderNames.ContentLength, SipHeaderNames.ContentType];

    private readonly SipElementRole _role;

    /// <summary>Creates a validator for an element in <paramref name="role"/> (a UAC when <see cref="SipElementRole.UserAgent"/>).</summary>
    public SipResponseValidator(SipElementRole role) => _role = role;

    /// <summary>Validates <paramref name="response"/>: the result is either accepted or dropped.</summary>
    public SipValidationResult Validate(SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!string.Equals(response.Version, SipMessage.SipVersion, StringComparison.OrdinalIgnoreCase))
        {
            return SipValidationResult.Drop("Unsupported SIP version");
        }

        foreach (var name in MandatoryHeaders)
        {
            if (!response.Headers.Contains(name))
            {
                return SipValidationResult.Drop($"Missing {name} header field");
            }
        }

        foreach (var name in SingleValuedHeaders)
        {
            if (response.Headers.CountOf(name) > 1)
            {
                return SipValidationResult.Drop($"Multiple values in single-valued header field {name}");
            }
        }

        if (response.FindMalformedHeader() is { } malformed)
        {
            return SipValidationResult.Drop($"Malformed {malformed} header field");
        }

        var vias = response.Vias;
        if (_role == SipElementRole.UserAgent)
        {
            // RFC 3261 §8.1.3.3: "If more than one Via header field value is present in a response, the UAC
            // SHOULD discard the message" (and so an endpoint discards RFC 4475 bcast).
            return vias.Count == 1 ? SipValidationResult.Accepted : SipValidationResult.Drop("Response must have exactly one Via");
        }

        // A proxy forwards a response to the next Via (RFC 3261 §16.7, §18.2.2). RFC 4475 §3.3.10: "To protect
        // against this as an avenue of attack, proxies should drop such responses" when that is a broadcast address.
        if (vias.Count >= 2 && TargetsBroadcast(vias[1]))
        {
            return SipValidationResult.Drop("Response would be forwarded to a broadcast address");
        }

        return SipValidationResult.Accepted;
    }

    private static bool TargetsBroadcast(SipVia via) =>
        IsBroadcast(via.Host) || IsBroadcast(via.Received) || IsBroadcast(via.Maddr);

    private static bool IsBroadcast(string? host) =>
        host is not null && IPAddress.TryParse(host, out var address) && address.Equals(IPAddress.Broadcast);
}
