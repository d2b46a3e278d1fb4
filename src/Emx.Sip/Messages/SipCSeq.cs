using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>A CSeq header value (RFC 3261 §20.16): <c>1*DIGIT LWS Method</c>.</summary>
public sealed class SipCSeq
{
    /// <summary>Creates a CSeq value.</summary>
    public SipCSeq(uint number, string method)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        if (method.AsSpan().IndexOfAnyExcept(SipCharacters.Token) >= 0)
        {
            throw new ArgumentException("A method must be a token: " + method, nameof(method));
        }

        Number = number;
        Method = method;
    }

    /// <summary>
    /// The sequence number. RFC 3261 §8.1.1.5 requires it to be expressible as a 32-bit unsigned integer, so
    /// anything larger (RFC 4475 scalar02, scalarlg) is a syntax error.
    /// </summary>
    public uint Number { get; }

    /// <summary>The method (case-sensitive, RFC 3261 §7.1).</summary>
    public string Method { get; }

    /// <summary>Parses a value; see <see cref="TryParse(string?, out SipCSeq?)"/>.</summary>
    /// <exception cref="FormatException">The value is not a valid CSeq.</exception>
    public static SipCSeq Parse(string value) =>
        TryParse(value, out var cseq) ? cseq : throw new FormatException("Invalid CSeq: " + value);

    /// <summary>Parses <c>1*DIGIT LWS Method</c>; leading zeros are allowed (RFC 4475 wsinv: <c>0009</c>).</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out SipCSeq? cseq)
    {
        cseq = null;
        if (value is null)
        {
            return false;
        }

        var scanner = new SipScanner(value);
        scanner.SkipWhitespace();
        if (!SipGrammar.TryParseDigits(scanner.ReadWhile(SipCharacters.Token), out var number) || number > uint.MaxValue
            || scanner.SkipWhitespace() == 0)
        {
            return false;
        }

        var method = scanner.ReadToken();
        scanner.SkipWhitespace();
        if (method.IsEmpty || !scanner.AtEnd)
        {
            return false;
        }

        cseq = new SipCSeq((uint)number, SipMethods.Intern(method));
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Number.ToString(CultureInfo.InvariantCulture) + " " + Method;
}
