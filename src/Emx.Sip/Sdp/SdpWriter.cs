using System.Globalization;
using System.Text;

namespace Emx.Sip.Sdp;

/// <summary>
/// Writes a session description: the fields in the order of RFC 8866 §5 (<c>v o s i u e p c b t r z k a</c>, then
/// each medium's <c>m i c b k a</c>), each line ended by CRLF. A description parsed by <see cref="SdpParser"/>
/// from CRLF text in that order is written back byte for byte; other input comes back in that canonical form.
/// </summary>
public static class SdpWriter
{
    /// <summary>Writes <paramref name="session"/> as text.</summary>
    /// <exception cref="ArgumentException">
    /// A field would not survive the trip (a line break or NUL in any value, a space or empty value in a field of a
    /// structured line, a name that is not a token, a version other than 0, a payload type that is not 0-127 on an RTP medium): written, it could smuggle in lines or
    /// would not parse back.
    /// </exception>
    public static string Write(SdpSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Version != 0)
        {
            throw new ArgumentException("Only SDP version 0 is defined (RFC 8866 §5.1).", nameof(session));
        }

        var builder = new StringBuilder(1024);
        Line(builder, 'v', session.Version.ToString(CultureInfo.InvariantCulture));
        var origin = session.Origin;
        Line(builder, 'o', Join(origin.UserName, origin.SessionId, origin.SessionVersion, origin.NetworkType, origin.AddressType, origin.UnicastAddress));
        Line(builder, 's', Text(session.SessionName));
        OptionalLine(builder, 'i', session.Information);
        OptionalLine(builder, 'u', session.Uri);
        foreach (var email in session.Emails)
        {
            Line(builder, 'e', Text(email));
        }

        foreach (var phone in session.Phones)
        {
            Line(builder, 'p', Text(phone));
        }

        if (session.Connection is { } connection)
        {
            Connection(builder, connection);
        }

        Bandwidths(builder, session.Bandwidths);
        if (session.Timings.Count == 0)
        {
            // RFC 8866 §5.9: at least one t= line; RFC 3264 §5: t=0 0 for a SIP session.
            Line(builder, 't', "0 0");
        }

        foreach (var timing in session.Timings)
        {
            Line(builder, 't', string.Create(CultureInfo.InvariantCulture, $"{timing.StartTime} {timing.StopTime}"));
            foreach (var repeat in timing.Repeats)
            {
                Line(builder, 'r', Text(repeat));
            }
        }

        OptionalLine(builder, 'z', session.TimeZones);
        OptionalLine(builder, 'k', session.EncryptionKey);
        Attributes(builder, session.Attributes);
        foreach (var media in session.Media)
        {
            Media(builder, media);
        }

        return builder.ToString();
    }

    /// <summary>Writes <paramref name="session"/> as a UTF-8 body.</summary>
    /// <exception cref="ArgumentException">As for <see cref="Write"/>.</exception>
    public static byte[] WriteBytes(SdpSession session) => Encoding.UTF8.GetBytes(Write(session));

    private static void Media(StringBuilder builder, SdpMediaDescription media)
    {
        Token(media.Media);
        foreach (var part in (media.Protocol ?? string.Empty).Split('/'))
        {
            Token(part);
        }

        if (media.Port is < 0 or > 65535 || media.PortCount is < 1 or > 65535)
        {
            throw new ArgumentException($"Port {media.Port}/{media.PortCount} is out of range.", nameof(media));
        }

        var isRtp = media.IsRtp;
        foreach (var format in media.Formats)
        {
            if (isRtp ? !SdpRtpMap.TryParsePayloadType(format, out _) : !SdpParser.IsToken(format))
            {
                throw new ArgumentException($"'{format}' is not a valid format for {media.Protocol}.", nameof(media));
            }
        }

        Line(builder, 'm', media.MediaLine());
        OptionalLine(builder, 'i', media.Information);
        foreach (var connection in media.Connections)
        {
            Connection(builder, connection);
        }

        Bandwidths(builder, media.Bandwidths);
        OptionalLine(builder, 'k', media.EncryptionKey);
        Attributes(builder, media.Attributes);
    }

    private static void Connection(StringBuilder builder, SdpConnection connection) =>
        Line(builder, 'c', Join(connection.NetworkType, connection.AddressType, connection.Address));

    private static void Bandwidths(StringBuilder builder, IReadOnlyList<SdpBandwidth> bandwidths)
    {
        foreach (var bandwidth in bandwidths)
        {
            Token(bandwidth.Type);
            if (bandwidth.Value < 0)
            {
                throw new ArgumentException($"Bandwidth {bandwidth.Value} is negative.", nameof(bandwidths));
            }

            Line(builder, 'b', string.Create(CultureInfo.InvariantCulture, $"{bandwidth.Type}:{bandwidth.Value}"));
        }
    }

    private static void Attributes(StringBuilder builder, IReadOnlyList<SdpAttribute> attributes)
    {
        foreach (var attribute in attributes)
        {
            Token(attribute.Name);
            Line(builder, 'a', attribute.Value is null ? attribute.Name : attribute.Name + ":" + Text(attribute.Value));
        }
    }

    private static void OptionalLine(StringBuilder builder, char type, string? value)
    {
        if (value is not null)
        {
            Line(builder, type, Text(value));
        }
    }

    private static void Line(StringBuilder builder, char type, string value) =>
        builder.Append(type).Append('=').Append(value).Append("\r\n");

    private static string Join(params ReadOnlySpan<string> fields)
    {
        foreach (var field in fields)
        {
            if (string.IsNullOrEmpty(field) || field.AsSpan().ContainsAny(" \r\n\0"))
            {
                throw new ArgumentException($"'{field}' is not a valid field of a structured SDP line.", nameof(fields));
            }
        }

        return string.Join(' ', fields);
    }

    private static void Token(string? value)
    {
        if (!SdpParser.IsToken(value))
        {
            throw new ArgumentException($"'{value}' is not an SDP token.", nameof(value));
        }
    }

    private static string Text(string value) =>
        value.AsSpan().ContainsAny("\r\n\0")
            ? throw new ArgumentException("An SDP value contains a line break or NUL.", nameof(value))
            : value;
}
