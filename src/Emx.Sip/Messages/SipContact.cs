using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>
/// One Contact header field value (RFC 3261 §20.10): either the wildcard <c>*</c> (used to remove all
/// bindings, §10.2.2) or an address with contact-params such as <c>q</c>, <c>expires</c> and
/// <c>+sip.instance</c> (RFC 5626).
/// </summary>
public sealed class SipContact
{
    /// <summary>Creates a contact from an address.</summary>
    public SipContact(SipNameAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
    }

    private SipContact()
    {
    }

    /// <summary>The wildcard contact <c>*</c>.</summary>
    public static SipContact Wildcard { get; } = new();

    /// <summary>True for <c>Contact: *</c>.</summary>
    [MemberNotNullWhen(false, nameof(Address), nameof(Uri))]
    public bool IsWildcard => Address is null;

    /// <summary>The address, or <see langword="null"/> for the wildcard.</summary>
    public SipNameAddress? Address { get; }

    /// <summary>The contact URI, or <see langword="null"/> for the wildcard.</summary>
    public SipUri? Uri => Address?.Uri;

    /// <summary>The contact-params (empty for the wildcard).</summary>
    public SipParameterCollection Parameters => Address?.Parameters ?? SipParameterCollection.Empty;

    /// <summary>
    /// The expires contact-param in seconds, or <see langword="null"/> when absent. Values above 2**32-1 are
    /// clamped (RFC 4475 §3.1.2.4 lets an element treat overlarge expiries as a default instead of failing).
    /// </summary>
    public uint? Expires =>
        Parameters.GetValue("expires") is { } text && SipGrammar.TryParseDeltaSeconds(text, out var seconds) ? seconds : null;

    /// <summary>The q contact-param (0 to 1), or <see langword="null"/> when absent.</summary>
    public double? Q =>
        Parameters.GetValue("q") is { } text && double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var q) ? q : null;

    /// <summary>The unquoted +sip.instance contact-param (RFC 5626 §4.1), e.g. <c>&lt;urn:uuid:...&gt;</c>.</summary>
    public string? InstanceId => Parameters.GetUnquotedValue("+sip.instance");

    /// <summary>Parses a value; see <see cref="TryParse(string?, out SipContact?)"/>.</summary>
    /// <exception cref="FormatException">The value is not a valid Contact.</exception>
    public static SipContact Parse(string value) =>
        TryParse(value, out var contact) ? contact : throw new FormatException("Invalid Contact: " + value);

    /// <summary>
    /// Parses <c>STAR</c> or <c>( name-addr / addr-spec ) *( SEMI contact-params )</c>; q must be a qvalue and
    /// expires delta-seconds.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out SipContact? contact)
    {
        contact = null;
        if (value is null)
        {
            return false;
        }

        if (value.AsSpan().Trim(" \t") is "*")
        {
            contact = Wildcard;
            return true;
        }

        if (!SipNameAddress.TryParse(value, out var address)
            || !IsValidQ(address.Parameters)
            || address.Parameters.TryGetValue("expires", out var expires) && !SipGrammar.TryParseDeltaSeconds(expires, out _))
        {
            return false;
        }

        contact = new SipContact(address);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Address?.ToString() ?? "*";

    // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
    private static bool IsValidQ(SipParameterCollection parameters)
    {
        if (!parameters.TryGetValue("q", out var q))
        {
            return true;
        }

        if (q is null || q.Length == 0 || q.Length > 5 || q[0] is not ('0' or '1'))
        {
            return false;
        }

        if (q.Length == 1)
        {
            return true;
        }

        var fraction = q.AsSpan(2);
        return q[1] == '.'
            && fraction.IndexOfAnyExceptInRange('0', '9') < 0
            && (q[0] == '0' || fraction.IndexOfAnyExcept('0') < 0);
    }
}
