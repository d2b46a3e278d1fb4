using System.Diagnostics.CodeAnalysis;
using System.Text;
using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>An Event header value (RFC 6665 §8.2.1): <c>event-type *( SEMI event-param )</c>, e.g. <c>reg</c> or <c>presence;id=7</c>.</summary>
public sealed class SipEvent
{
    /// <summary>Creates an Event value.</summary>
    public SipEvent(string package, SipParameterCollection? parameters = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(package);
        Package = package;
        Parameters = parameters ?? SipParameterCollection.Empty;
    }

    /// <summary>The event type: package name with optional template suffixes, e.g. <c>presence.winfo</c>.</summary>
    public string Package { get; }

    /// <summary>The event-params.</summary>
    public SipParameterCollection Parameters { get; }

    /// <summary>The id parameter, which distinguishes subscriptions in one dialog.</summary>
    public string? Id => Parameters.GetValue("id");

    /// <summary>Parses a value; see <see cref="TryParse(string?, out SipEvent?)"/>.</summary>
    /// <exception cref="FormatException">The value is not a valid Event.</exception>
    public static SipEvent Parse(string value) =>
        TryParse(value, out var sipEvent) ? sipEvent : throw new FormatException("Invalid Event: " + value);

    /// <summary>Parses <c>token *( SEMI generic-param )</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out SipEvent? sipEvent)
    {
        sipEvent = null;
        if (value is null)
        {
            return false;
        }

        var scanner = new SipScanner(value);
        scanner.SkipWhitespace();
        var package = scanner.ReadToken();
        if (package.IsEmpty || !SipGrammar.TryParseParameters(ref scanner, out var parameters))
        {
            return false;
        }

        sipEvent = new SipEvent(new string(package), parameters);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var builder = new StringBuilder(Package);
        Parameters.AppendTo(builder);
        return builder.ToString();
    }
}
