using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Emx.Sip.Parsing;

namespace Emx.Sip.Messages;

/// <summary>
/// One Via header field value (RFC 3261 §20.42):
/// <c>sent-protocol LWS sent-by *( SEMI via-params )</c>, e.g. <c>SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776a</c>.
/// </summary>
public sealed class SipVia
{
    /// <summary>The branch prefix that marks an RFC 3261 transaction identifier (RFC 3261 §8.1.1.7).</summary>
    public const string MagicCookie = "z9hG4bK";

    /// <summary>Creates a <c>SIP/2.0</c> Via for this element, as a transport or proxy inserts it.</summary>
    public SipVia(string transport, string host, int? port = null, string? branch = null)
        : this("SIP", "2.0", ValidateToken(transport, nameof(transport)), ValidateHost(host), port, CreateParameters(branch))
    {
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port));
        }
    }

    private SipVia(string protocolName, string protocolVersion, string transport, string host, int? port, SipParameterCollection parameters)
    {
        ProtocolName = protocolName;
        ProtocolVersion = protocolVersion;
        Transport = transport;
        Host = host;
        Port = port;
        Parameters = parameters;
    }

    /// <summary>The protocol name, normally <c>SIP</c>.</summary>
    public string ProtocolName { get; }

    /// <summary>The protocol version, normally <c>2.0</c>.</summary>
    public string ProtocolVersion { get; }

    /// <summary>The transport as sent (UDP, TCP, TLS, SCTP, WS... or any other token); compare case-insensitively.</summary>
    public string Transport { get; }

    /// <summary>The sent-by host (IPv6 references keep their brackets).</summary>
    public string Host { get; }

    /// <summary>The sent-by port, or <see langword="null"/> when absent.</summary>
    public int? Port { get; }

    /// <summary>sent-by as written: <c>host</c> or <c>host:port</c>.</summary>
    public string SentBy => Port is null ? Host : Host + ":" + Port.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The via-params, in order.</summary>
    public SipParameterCollection Parameters { get; }

    /// <summary>The branch parameter (the transaction identifier), if any.</summary>
    public string? Branch => Parameters.GetValue("branch");

    /// <summary>The received parameter (the source address a server saw, RFC 3261 §18.2.1), if any.</summary>
    public string? Received => Parameters.GetValue("received");

    /// <summary>The maddr parameter, if any.</summary>
    public string? Maddr => Parameters.GetValue("maddr");

    /// <summary>The ttl parameter, if any.</summary>
    public int? Ttl => int.TryParse(Parameters.GetValue("ttl"), NumberStyles.None, CultureInfo.InvariantCulture, out var ttl) ? ttl : null;

    /// <summary>True when the rport parameter (RFC 3581) is present, with or without a value.</summary>
    public bool HasRPort => Parameters.Contains("rport");

    /// <summary>The value of the rport parameter (RFC 3581), or <see langword="null"/> when absent or still empty.</summary>
    public int? RPort => int.TryParse(Parameters.GetValue("rport"), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;

    /// <summary>True when the branch starts with the RFC 3261 magic cookie <c>z9hG4bK</c>.</summary>
    public bool HasMagicCookie => Branch?.StartsWith(MagicCookie, StringComparison.Ordinal) == true;

    /// <summary>
    /// True when the branch is a usable RFC 3261 transaction identifier: the magic cookie followed by something.
    /// A bare cookie (RFC 4475 §3.2.1, badbranch) is not; transaction matching then falls back to RFC 2543 rules
    /// (RFC 3261 §17.2.3).
    /// </summary>
    public bool IsRfc3261Branch => HasMagicCookie && Branch!.Length > MagicCookie.Length;

    /// <summary>Parses one Via value; see <see cref="TryParse(string?, out SipVia?)"/>.</summary>
    /// <exception cref="FormatException">The value is not a valid Via.</exception>
    public static SipVia Parse(string value) =>
        TryParse(value, out var via) ? via : throw new FormatException("Invalid Via: " + value);

    /// <summary>
    /// Parses one Via value (a single element of the list). White space is allowed around the slashes, colon,
    /// semicolons and equals signs, as RFC 4475 §3.1.1.1 (wsinv) exercises. The branch must be a token,
    /// received an IP address, rport empty or a port, ttl 0-255 and maddr a host.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out SipVia? via)
    {
        via = null;
        if (value is null)
        {
            return false;
        }

        var scanner = new SipScanner(value);
        scanner.SkipWhitespace();

        // sent-protocol = protocol-name SLASH protocol-version SLASH transport, with SLASH = SWS "/" SWS
        var name = scanner.ReadToken();
        if (name.IsEmpty || !scanner.TryConsumeSeparator('/'))
        {
            return false;
        }

        var version = scanner.ReadToken();
        if (version.IsEmpty || !scanner.TryConsumeSeparator('/'))
        {
            return false;
        }

        var transport = scanner.ReadToken();
        if (transport.IsEmpty || scanner.SkipWhitespace() == 0)
        {
            return false;
        }

        if (!SipGrammar.TryReadHostPort(ref scanner, out var host, out var port)
            || !SipGrammar.TryParseParameters(ref scanner, out var parameters)
            || !HasValidParameters(parameters))
        {
            return false;
        }

        via = new SipVia(
            name.Equals("SIP", StringComparison.Ordinal) ? "SIP" : new string(name),
            version.Equals("2.0", StringComparison.Ordinal) ? "2.0" : new string(version),
            CanonicalTransport(transport),
            host,
            port,
            parameters);
        return true;
    }

    /// <summary>Returns a copy with parameter <paramref name="name"/> set (e.g. received or rport on arrival).</summary>
    public SipVia WithParameter(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new SipVia(ProtocolName, ProtocolVersion, Transport, Host, Port, Parameters.With(name, value));
    }

    /// <summary>Formats the value as <c>SIP/2.0/UDP host:port;params</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(64);
        builder.Append(ProtocolName).Append('/').Append(ProtocolVersion).Append('/').Append(Transport)
            .Append(' ').Append(SentBy);
        Parameters.AppendTo(builder);
        return builder.ToString();
    }

    private static bool HasValidParameters(SipParameterCollection parameters)
    {
        foreach (var parameter in parameters)
        {
            var valid = parameter.Name.ToUpperInvariant() switch
            {
                "BRANCH" => parameter.Value is { } branch && branch.AsSpan().IndexOfAnyExcept(SipCharacters.Token) < 0,
                "RECEIVED" => parameter.Value is { } received && SipGrammar.IsIPAddress(received),
                "RPORT" => parameter.Value is null || SipGrammar.TryParsePort(parameter.Value, out _),
                "TTL" => SipGrammar.TryParseDigits(parameter.Value, out var ttl) && ttl <= 255,
                "MADDR" => parameter.Value is { } maddr && SipGrammar.IsValidHost(maddr),
                _ => true,
            };

            if (!valid)
            {
                return false;
            }
        }

        return true;
    }

    private static string CanonicalTransport(ReadOnlySpan<char> transport)
    {
        foreach (var known in (ReadOnlySpan<string>)["UDP", "TCP", "TLS", "SCTP", "WS", "WSS"])
        {
            if (transport.Equals(known, StringComparison.Ordinal))
            {
                return known;
            }
        }

        return new string(transport);
    }

    private static string ValidateToken(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, parameterName);
        return value.AsSpan().IndexOfAnyExcept(SipCharacters.Token) < 0
            ? value
            : throw new ArgumentException("Not a token: " + value, parameterName);
    }

    private static string ValidateHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return SipGrammar.IsValidHost(host) ? host : throw new ArgumentException("Invalid host: " + host, nameof(host));
    }

    private static SipParameterCollection CreateParameters(string? branch) =>
        branch is null ? SipParameterCollection.Empty : SipParameterCollection.Empty.With("branch", ValidateToken(branch, nameof(branch)));
}
