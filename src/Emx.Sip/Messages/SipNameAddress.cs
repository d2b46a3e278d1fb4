using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>
/// A From, To, Route, Record-Route or Contact value: <c>( name-addr / addr-spec ) *( SEMI param )</c>, where
/// name-addr = [ display-name ] LAQUOT addr-spec RAQUOT (RFC 3261 §25.1).
/// </summary>
public sealed class SipNameAddress
{
    private static readonly SearchValues<char> AddrSpecStops = SearchValues.Create(" \t;");
    private static readonly SearchValues<char> AngleClose = SearchValues.Create(">");

    /// <summary>Creates a value for building messages.</summary>
    public SipNameAddress(SipUri uri, string? displayName = null, SipParameterCollection? parameters = null)
        : this(uri ?? throw new ArgumentNullException(nameof(uri)), displayName, parameters ?? SipParameterCollection.Empty, true)
    {
    }

    private SipNameAddress(SipUri uri, string? displayName, SipParameterCollection parameters, bool hasAngleBrackets)
    {
        Uri = uri;
        DisplayName = displayName;
        Parameters = parameters;
        HasAngleBrackets = hasAngleBrackets;
    }

    /// <summary>
    /// The display name: unquoted with quoted-pairs resolved when it was a quoted-string, or the tokens joined by
    /// single spaces; <see langword="null"/> when there is none.
    /// </summary>
    public string? DisplayName { get; }

    /// <summary>The address.</summary>
    public SipUri Uri { get; }

    /// <summary>The header parameters (after the URI, outside any angle brackets).</summary>
    public SipParameterCollection Parameters { get; }

    /// <summary>The tag parameter (dialog identification, RFC 3261 §19.3), if any.</summary>
    public string? Tag => Parameters.GetValue("tag");

    /// <summary>True when the value was written in name-addr form (with angle brackets).</summary>
    public bool HasAngleBrackets { get; }

    /// <summary>Parses a value; see <see cref="TryParse(string?, out SipNameAddress?)"/>.</summary>
    /// <exception cref="FormatException">The value is not valid.</exception>
    public static SipNameAddress Parse(string value) =>
        TryParse(value, out var address) ? address : throw new FormatException("Invalid name-addr/addr-spec: " + value);

    /// <summary>
    /// Parses <c>( name-addr / addr-spec ) *( SEMI generic-param )</c>. Rejects unterminated quoted strings
    /// (RFC 4475 quotbal), white space inside the angle brackets (badaspec), unquoted display names with non-token
    /// characters (baddn) and addr-specs containing a comma, question mark or semicolon, which RFC 3261 §20.10
    /// requires to be enclosed in angle brackets (regbadct).
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out SipNameAddress? address)
    {
        address = null;
        if (value is null)
        {
            return false;
        }

        var scanner = new SipScanner(value);
        if (!TryParseAddress(ref scanner, out var displayName, out var uri, out var bracketed)
            || !SipGrammar.TryParseParameters(ref scanner, out var parameters))
        {
            return false;
        }

        address = new SipNameAddress(uri, displayName, parameters, bracketed);
        return true;
    }

    /// <summary>Returns a copy with the tag parameter set (as a UAS does to the To header, RFC 3261 §8.2.6.2).</summary>
    public SipNameAddress WithTag(string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return WithParameter("tag", tag);
    }

    /// <summary>Returns a copy with header parameter <paramref name="name"/> set.</summary>
    public SipNameAddress WithParameter(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new SipNameAddress(Uri, DisplayName, Parameters.With(name, value), true);
    }

    /// <summary>Formats the value in name-addr form: <c>"Display" &lt;uri&gt;;params</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(64);
        if (DisplayName is not null)
        {
            builder.Append(SipGrammar.Quote(DisplayName)).Append(' ');
        }

        builder.Append('<').Append(Uri.ToString()).Append('>');
        Parameters.AppendTo(builder);
        return builder.ToString();
    }

    /// <summary>Reads the name-addr / addr-spec part, leaving the scanner at the header parameters.</summary>
    internal static bool TryParseAddress(
        ref SipScanner scanner,
        out string? displayName,
        [NotNullWhen(true)] out SipUri? uri,
        out bool bracketed)
    {
        displayName = null;
        uri = null;
        bracketed = false;
        scanner.SkipWhitespace();
        var start = scanner.Position;

        if (scanner.Peek() == '"')
        {
            // display-name = quoted-string, then LAQUOT = SWS "<"
            if (!scanner.TryReadQuotedString(out _, out var quoted))
            {
                return false;
            }

            scanner.SkipWhitespace();
            if (scanner.Peek() != '<')
            {
                return false;
            }

            displayName = quoted;
        }
        else if (scanner.Peek() != '<')
        {
            // display-name = *(token LWS): only a name-addr if the tokens are followed by "<".
            displayName = TryReadTokenDisplayName(ref scanner);
            if (displayName is null)
            {
                scanner.Reset(start);
                return TryReadAddrSpec(ref scanner, out uri);
            }
        }

        scanner.TryConsume('<');
        var inner = scanner.ReadUntil(AngleClose);
        if (!scanner.TryConsume('>') || inner.IndexOfAny(' ', '\t') >= 0 || !SipUri.TryParse(inner, out uri))
        {
            return false;
        }

        bracketed = true;
        return true;
    }

    private static string? TryReadTokenDisplayName(ref SipScanner scanner)
    {
        StringBuilder? builder = null;
        while (true)
        {
            var token = scanner.ReadToken();
            if (token.IsEmpty)
            {
                return null;
            }

            builder = builder is null ? new StringBuilder().Append(token) : builder.Append(' ').Append(token);
            scanner.SkipWhitespace();
            if (scanner.Peek() == '<')
            {
                return builder.ToString();
            }
        }
    }

    private static bool TryReadAddrSpec(ref SipScanner scanner, [NotNullWhen(true)] out SipUri? uri)
    {
        uri = null;
        var text = scanner.ReadUntil(AddrSpecStops);

        // RFC 3261 §20.10: a URI containing a comma, question mark or semicolon must be in angle brackets; a
        // semicolon starts the header parameters, the other two make the value invalid.
        return text.IndexOfAny(',', '?') < 0 && SipUri.TryParse(text, out uri);
    }
}
