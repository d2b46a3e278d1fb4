using Emx.Cluster.ExtensionMobility;
using Emx.Domain.Runtime;
using Emx.Protocols;
using Emx.Sip.Messages;

namespace Emx.Cluster.CallControl;

/// <summary>A contact of a REGISTER: the URI, the device instance it names and its own expires parameter.</summary>
/// <param name="Uri">The contact URI.</param>
/// <param name="InstanceId">The unquoted +sip.instance, if any.</param>
/// <param name="Expires">The expires contact parameter, if any.</param>
public sealed record RegisterContact(SipUri Uri, string? InstanceId, uint? Expires);

/// <summary>A REGISTER reduced to what the registrar decides on.</summary>
public sealed record RegisterRequest
{
    /// <summary>The address of record's user part: the directory number.</summary>
    public required string Dn { get; init; }

    public required string CallId { get; init; }

    public required long CSeq { get; init; }

    /// <summary>The Expires header, if any.</summary>
    public uint? Expires { get; init; }

    /// <summary><c>Contact: *</c> (remove every binding of the address of record).</summary>
    public bool IsWildcard { get; init; }

    /// <summary>The contacts (empty for the wildcard and for a query).</summary>
    public IReadOnlyList<RegisterContact> Contacts { get; init; } = [];

    /// <summary>The device the contacts' +sip.instance names, or null when none names one.</summary>
    public string? DeviceName { get; init; }
}

/// <summary>What the registrar reads before deciding, in one transaction.</summary>
public sealed record RegisterFacts
{
    /// <summary>Now.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>The lines of the named device's current configuration; null when the device does not exist.</summary>
    public IReadOnlyList<CurrentLine>? DeviceLines { get; init; }

    /// <summary>Whether any phone or device profile of the cluster has the directory number.</summary>
    public bool DnExists { get; init; }

    /// <summary>The live (unexpired) bindings of the address of record, in every partition.</summary>
    public IReadOnlyList<Registration> Existing { get; init; } = [];
}

/// <summary>A binding to add (<see cref="ExistingId"/> null) or update.</summary>
public sealed record BindingWrite(long? ExistingId, string Contact, string? InstanceId, string Partition, DateTimeOffset ExpiresAt);

/// <summary>The registrar's answer: the SIP status, and on success the bindings to write and remove.</summary>
public sealed record RegisterDecision
{
    public required int StatusCode { get; init; }

    public string? ReasonPhrase { get; init; }

    /// <summary>The Min-Expires of a 423.</summary>
    public int? MinExpires { get; init; }

    public IReadOnlyList<BindingWrite> Writes { get; init; } = [];

    /// <summary>Ids of bindings to remove.</summary>
    public IReadOnlyList<long> Removals { get; init; } = [];

    public bool IsSuccess => StatusCode == 200;

    public static RegisterDecision Reject(int statusCode, string reasonPhrase, int? minExpires = null) =>
        new() { StatusCode = statusCode, ReasonPhrase = reasonPhrase, MinExpires = minExpires };
}

/// <summary>
/// The registrar's decisions (RFC 3261 §10.3), pure: no I/O, so every rule is a unit test (kamailio's split: the
/// registrar decides, usrloc stores; here <see cref="RegistrationStore"/> stores).
/// </summary>
/// <remarks>
/// <para>Status codes (docs/decisions/0008):</para>
/// <list type="bullet">
/// <item>400: the To URI has no directory number; a wildcard with other contacts or a non-zero Expires; contacts
/// naming different devices; a contact asking for a binding without +sip.instance; a CSeq not above the stored one for
/// the same Call-ID (RFC 3261 §10.3 step 7, "the request fails"; kamailio answers 400 too).</item>
/// <item>403: the +sip.instance names no device, or an unknown one; the line is not on the device's current
/// configuration (its own lines, its logout profile's, or the logged-in user's profile's); more contacts than the
/// device policy allows. The reason phrase names the device and the line.</item>
/// <item>404: no phone or device profile of the cluster has the directory number (§10.3 step 3).</item>
/// <item>423 with Min-Expires: a non-zero expiry below the minimum (§10.3 step 7).</item>
/// </list>
/// <para>
/// Removing a binding (expires 0, or the wildcard) needs no ownership: a phone unregisters the lines it had before a
/// login or logout, which are no longer its own. Without digest authentication (not implemented yet) anyone who can
/// reach the SIP port could do so; the ownership check only keeps a phone to its configured lines.
/// </para>
/// </remarks>
public static class RegistrarRules
{
    /// <summary>Reads a REGISTER; returns the request, or the rejection when it cannot be registered at all.</summary>
    public static (RegisterRequest? Request, RegisterDecision? Rejection) Parse(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.To?.Uri is not { IsSip: true, User: { Length: > 0 } dn })
        {
            return (null, RegisterDecision.Reject(400, "To must be sip:<directory number>@<cluster>"));
        }

        if (dn.Length > 64 || dn.Any(c => c is < '!' or > '~'))
        {
            // The number is echoed in reason phrases and stored: printable ASCII only (an escaped CR or LF is not a number).
            return (null, RegisterDecision.Reject(400, "Bad directory number in To"));
        }

        if (request.CallId is not { } callId || request.CSeq is not { } cseq)
        {
            return (null, RegisterDecision.Reject(400, "Missing Call-ID or CSeq"));
        }

        var contacts = request.Contacts;
        if (contacts.Any(c => c.IsWildcard))
        {
            return contacts.Count == 1 && request.Expires == 0
                ? (new RegisterRequest { Dn = dn, CallId = callId, CSeq = cseq.Number, Expires = 0, IsWildcard = true }, null)
                : (null, RegisterDecision.Reject(400, "Wildcard Contact requires Expires: 0 and no other Contact"));
        }

        var devices = contacts
            .Select(c => DeviceName.TryFromInstanceId(c.InstanceId, out var device) ? device.Value : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (devices.Count > 1)
        {
            return (null, RegisterDecision.Reject(400, "Contacts name different devices"));
        }

        return (new RegisterRequest
        {
            Dn = dn,
            CallId = callId,
            CSeq = cseq.Number,
            Expires = request.Expires,
            Contacts = [.. contacts.Select(c => new RegisterContact(c.Uri!, c.InstanceId, c.Expires))],
            DeviceName = devices.FirstOrDefault(),
        }, null);
    }

    /// <summary>Decides a parsed REGISTER against the facts.</summary>
    public static RegisterDecision Decide(RegisterRequest request, RegisterFacts facts, RegistrarOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(options);
        if (request.IsWildcard)
        {
            // §10.3 step 6: every binding goes; one written by this Call-ID only if this CSeq is higher.
            return facts.Existing.Any(e => IsOutOfOrder(request, e))
                ? OutOfOrder()
                : new RegisterDecision { StatusCode = 200, Removals = [.. facts.Existing.Select(e => e.Id)] };
        }

        if (request.Contacts.Count == 0)
        {
            // No Contact: a query; the answer lists the current bindings (§10.2.3).
            return new RegisterDecision { StatusCode = 200 };
        }

        var expiries = request.Contacts.Select(c => (long)(c.Expires ?? request.Expires ?? (uint)options.DefaultExpires)).ToList();
        if (expiries.Any(e => e > 0 && e < options.MinExpires))
        {
            return RegisterDecision.Reject(423, "Interval Too Brief", options.MinExpires);
        }

        CurrentLine? line = null;
        var additions = expiries.Count(e => e > 0);
        if (additions > 0)
        {
            if (Ownership(request, facts, options, additions, out line) is { } rejection)
            {
                return rejection;
            }
        }

        var writes = new List<BindingWrite>();
        var removals = new List<long>();
        var touched = new HashSet<long>();
        for (var i = 0; i < request.Contacts.Count; i++)
        {
            var contact = request.Contacts[i];
            var existing = facts.Existing.FirstOrDefault(e => SipUri.TryParse(e.Contact, out var uri) && uri.Equals(contact.Uri));
            if (existing is not null && IsOutOfOrder(request, existing))
            {
                return OutOfOrder();
            }

            if (expiries[i] == 0)
            {
                if (existing is not null && touched.Add(existing.Id))
                {
                    removals.Add(existing.Id);
                }

                continue;
            }

            if (existing is not null)
            {
                touched.Add(existing.Id);
            }

            var granted = Math.Min(expiries[i], options.MaxExpires);
            writes.Add(new BindingWrite(existing?.Id, contact.Uri.ToString(), contact.InstanceId, line!.Partition, facts.Now.AddSeconds(granted)));
        }

        if (additions > 0)
        {
            // The device policy: the device's other bindings of this line make room for the new ones, stalest first.
            var others = facts.Existing
                .Where(e => e.DeviceName == request.DeviceName && !touched.Contains(e.Id))
                .OrderBy(e => e.ExpiresAt)
                .ThenBy(e => e.Id)
                .ToList();
            var excess = others.Count + writes.Count - options.MaxContactsPerDeviceLine;
            removals.AddRange(others.Take(Math.Max(0, excess)).Select(e => e.Id));
        }

        return new RegisterDecision { StatusCode = 200, Writes = writes, Removals = removals };
    }

    private static RegisterDecision? Ownership(RegisterRequest request, RegisterFacts facts, RegistrarOptions options, int additions, out CurrentLine? line)
    {
        line = null;
        if (request.Contacts.Any(c => (c.Expires ?? request.Expires) != 0 && c.InstanceId is null))
        {
            return RegisterDecision.Reject(400, "Missing +sip.instance (the device's urn:uuid)");
        }

        if (request.DeviceName is not { } device)
        {
            return RegisterDecision.Reject(403, "+sip.instance names no device");
        }

        if (facts.DeviceLines is not { } lines)
        {
            return RegisterDecision.Reject(403, $"Unknown device {device}");
        }

        line = lines.FirstOrDefault(l => l.Dn == request.Dn);
        if (line is null)
        {
            return facts.DnExists
                ? RegisterDecision.Reject(403, $"Line {request.Dn} is not on the current configuration of {device}")
                : RegisterDecision.Reject(404, $"Unknown directory number {request.Dn}");
        }

        return additions > options.MaxContactsPerDeviceLine
            ? RegisterDecision.Reject(403, $"Too many contacts for line {request.Dn}: {device} may register {options.MaxContactsPerDeviceLine}")
            : null;
    }

    private static bool IsOutOfOrder(RegisterRequest request, Registration existing) =>
        existing.CallId == request.CallId && request.CSeq <= existing.CSeq;

    private static RegisterDecision OutOfOrder() => RegisterDecision.Reject(400, "CSeq out of order");
}
