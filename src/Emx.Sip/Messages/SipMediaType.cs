using System.Diagnostics.CodeAnalysis;
using System.Text;
using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>
/// A media type as in Content-Type (<c>m-type SLASH m-subtype *(SEMI m-parameter)</c>) or a media-range of an
/// Accept header, where type and subtype may be <c>*</c> (RFC 3261 §20.1, §20.15).
/// </summary>
public sealed class SipMediaType
{
    /// <summary>Creates a media type.</summary>
    public SipMediaType(string type, string subType, SipParameterCollection? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(subType);
        Type = type;
        SubType = subType;
        Parameters = parameters ?? SipParameterCollection.Empty;
    }

    /// <summary>The top-level type, e.g. <c>application</c>.</summary>
    public string Type { get; }

    /// <summary>The subtype, e.g. <c>sdp</c>.</summary>
    public string SubType { get; }

    /// <summary>The parameters, e.g. <c>boundary</c> of a multipart type.</summary>
    public SipParameterCollection Parameters { get; }

    /// <summary><c>type/subtype</c>, without parameters.</summary>
    public string MediaType => Type + "/" + SubType;

    /// <summary>Parses a value; see <see cref="TryParse(string?, out SipMediaType?)"/>.</summary>
    /// <exception cref="FormatException">The value is not a valid media type.</exception>
    public static SipMediaType Parse(string value) =>
        TryParse(value, out var mediaType) ? mediaType : throw new FormatException("Invalid media type: " + value);

    /// <summary>Parses <c>type SLASH subtype *(SEMI parameter)</c>, with SLASH = SWS "/" SWS.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out SipMediaType? mediaType)
    {
        mediaType = null;
        if (value is null)
        {
            return false;
        }

        var scanner = new SipScanner(value);
        scanner.SkipWhitespace();
        var type = scanner.ReadToken();
        if (type.IsEmpty || !scanner.TryConsumeSeparator('/'))
        {
            return false;
        }

        var subType = scanner.ReadToken();
        if (subType.IsEmpty || !SipGrammar.TryParseParameters(ref scanner, out var parameters))
        {
            return false;
        }

        mediaType = new SipMediaType(new string(type), new string(subType), parameters);
        return true;
    }

    /// <summary>
    /// True when this media-range (possibly <c>*/*</c> or <c>type/*</c>) covers <paramref name="type"/>/<paramref name="subType"/>.
    /// Media types are case-insensitive (RFC 3261 §7.3.1, RFC 2045 §5.1).
    /// </summary>
    public bool Covers(string type, string subType)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(subType);
        return (Type == "*" || string.Equals(Type, type, StringComparison.OrdinalIgnoreCase))
            && (SubType == "*" || string.Equals(SubType, subType, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True when this is <paramref name="mediaType"/> (<c>type/subtype</c>), ignoring case and parameters.</summary>
    public bool Is(string mediaType)
    {
        ArgumentNullException.ThrowIfNull(mediaType);
        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && mediaType.AsSpan(0, slash).Equals(Type, StringComparison.OrdinalIgnoreCase)
            && mediaType.AsSpan(slash + 1).Equals(SubType, StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var builder = new StringBuilder(32).Append(Type).Append('/').Append(SubType);
        Parameters.AppendTo(builder);
        return builder.ToString();
    }
}
