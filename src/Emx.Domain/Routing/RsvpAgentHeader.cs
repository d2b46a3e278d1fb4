using System.Globalization;
using System.Text;

namespace Emx.Domain.Routing;

/// <summary>What an RSVP agent message over an EMCC RSVP SIP trunk asks or answers (docs/emcc-protocol.md).</summary>
public enum RsvpAgentOperation
{
    /// <summary>Request: "I am here" (every RSVP SIP Trunk KeepAlive Timer seconds).</summary>
    Keepalive,

    /// <summary>Request: reserve bandwidth for a call of a phone of the receiving cluster.</summary>
    Reserve,

    /// <summary>Request: release a reservation.</summary>
    Release,

    /// <summary>Answer to <see cref="Keepalive"/>.</summary>
    Ack,

    /// <summary>Answer to <see cref="Reserve"/>: reserved.</summary>
    Granted,

    /// <summary>Answer to <see cref="Reserve"/>: the phone's location has not enough bandwidth left.</summary>
    Refused,

    /// <summary>Answer to <see cref="Release"/> (also when the reservation was already gone).</summary>
    Released,
}

/// <summary>
/// The value of the <c>X-Emx-RSVP</c> header that marks an OPTIONS request (and its answer) as a message between the
/// RSVP agents of two EMCC clusters: <c>keepalive</c>, <c>reserve;id=..;device=..;kbps=..</c>, <c>release;id=..</c>,
/// answered by <c>ack</c>, <c>granted;id=..</c>, <c>refused;id=..;available=..</c>, <c>released;id=..</c>. Strict:
/// parameter values are tokens of letters, digits, <c>.</c>, <c>_</c> and <c>-</c> (at most 64 characters), numbers are
/// decimal, a parameter appears once; unknown parameters are ignored (a newer peer may add some).
/// </summary>
public sealed record RsvpAgentHeader
{
    /// <summary>The header name.</summary>
    public const string Name = "X-Emx-RSVP";

    /// <summary>The longest header value accepted.</summary>
    public const int MaxLength = 256;

    private const int MaxToken = 64;

    /// <summary>The operation.</summary>
    public required RsvpAgentOperation Operation { get; init; }

    /// <summary>The reservation id (the home cluster's, opaque to the agent); required but for keepalive and ack.</summary>
    public string? Id { get; init; }

    /// <summary>Reserve: the device name of the phone the call is for (a phone of the agent's cluster).</summary>
    public string? Device { get; init; }

    /// <summary>Reserve: the bandwidth to reserve, kb/s (1-100000).</summary>
    public int? Kbps { get; init; }

    /// <summary>Refused: what the phone's location still had, kb/s.</summary>
    public int? AvailableKbps { get; init; }

    /// <summary>Parses a header value; false for anything malformed or incomplete for its operation.</summary>
    public static bool TryParse(string? value, out RsvpAgentHeader? header)
    {
        header = null;
        if (value is null || value.Length is 0 or > MaxLength)
        {
            return false;
        }

        var parts = value.Split(';');
        if (!TryOperation(parts[0].Trim(), out var operation))
        {
            return false;
        }

        string? id = null, device = null;
        int? kbps = null, available = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in parts.Skip(1))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return false;
            }

            var name = part[..equals].Trim().ToLowerInvariant();
            var text = part[(equals + 1)..].Trim();
            if (!IsToken(name) || !IsToken(text) || !seen.Add(name))
            {
                return false;
            }

            switch (name)
            {
                case "id":
                    id = text;
                    break;
                case "device":
                    device = text;
                    break;
                case "kbps":
                    if (!TryNumber(text, out var k))
                    {
                        return false;
                    }

                    kbps = k;
                    break;
                case "available":
                    if (!TryNumber(text, out var a))
                    {
                        return false;
                    }

                    available = a;
                    break;
                default:
                    break;
            }
        }

        var complete = operation switch
        {
            RsvpAgentOperation.Keepalive or RsvpAgentOperation.Ack => true,
            RsvpAgentOperation.Reserve => id is not null && device is not null && kbps is >= 1,
            _ => id is not null,
        };
        if (!complete)
        {
            return false;
        }

        header = new RsvpAgentHeader { Operation = operation, Id = id, Device = device, Kbps = kbps, AvailableKbps = available };
        return true;
    }

    /// <summary>The header value.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Operation.ToString().ToLowerInvariant());
        Append(text, "id", Id);
        Append(text, "device", Device);
        Append(text, "kbps", Kbps?.ToString(CultureInfo.InvariantCulture));
        Append(text, "available", AvailableKbps?.ToString(CultureInfo.InvariantCulture));
        return text.ToString();
    }

    /// <summary>Whether <paramref name="value"/> can be a parameter value (an id or a device name).</summary>
    public static bool IsToken(string value) =>
        value.Length is > 0 and <= MaxToken && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static void Append(StringBuilder text, string name, string? value)
    {
        if (value is not null)
        {
            text.Append(';').Append(name).Append('=').Append(value);
        }
    }

    private static bool TryOperation(string text, out RsvpAgentOperation operation)
    {
        operation = default;
        foreach (var candidate in Enum.GetValues<RsvpAgentOperation>())
        {
            if (string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                operation = candidate;
                return true;
            }
        }

        return false;
    }

    private static bool TryNumber(string text, out int value)
    {
        value = 0;
        return text.Length <= 6 && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= 100_000;
    }
}
