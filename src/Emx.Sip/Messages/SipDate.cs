using System.Globalization;

namespace Emx.Sip.Messages;

/// <summary>
/// The Date header format (RFC 3261 §20.17): an RFC 1123 date restricted to GMT, e.g.
/// <c>Sat, 13 Nov 2010 23:29:00 GMT</c>.
/// </summary>
internal static class SipDate
{
    private const string Rfc1123Pattern = "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'";

    /// <summary>
    /// Parses the strict RFC 1123 form. "SIP only supports recent dates and requires GMT", so other zones
    /// (RFC 4475 baddate uses EST) are rejected; the day name must match the date.
    /// </summary>
    public static bool TryParse(string value, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(
            value.AsSpan().Trim(" \t"),
            Rfc1123Pattern,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal,
            out date);

    public static string Format(DateTimeOffset date) =>
        date.ToUniversalTime().ToString(Rfc1123Pattern, CultureInfo.InvariantCulture);
}
