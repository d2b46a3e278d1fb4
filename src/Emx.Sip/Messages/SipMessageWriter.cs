using System.Buffers;
using System.Globalization;
using System.Text;

namespace Emx.Sip.Messages;

/// <summary>
/// Serializes messages (RFC 3261 §7): the start line, one line per header value with its canonical name,
/// CRLF line ends, a Content-Length computed from the body, the empty line and the body.
/// </summary>
public static class SipMessageWriter
{
    /// <summary>Serializes <paramref name="message"/> to a new array.</summary>
    public static byte[] ToBytes(SipMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(512 + (message?.Body.Length ?? 0));
        Write(message!, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="message"/> to <paramref name="writer"/>. Header values are written as stored
    /// (compact names come out in full form); Content-Length headers in the collection are replaced by one that
    /// matches <see cref="SipMessage.Body"/>, written last, which RFC 3261 §18.3 makes mandatory on streams and
    /// harmless everywhere.
    /// </summary>
    public static void Write(SipMessage message, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(writer);

        switch (message)
        {
            case SipRequest request:
                WriteText(writer, request.Method);
                WriteAscii(writer, " "u8);
                WriteText(writer, request.RequestUri.ToString());
                WriteAscii(writer, " "u8);
                WriteText(writer, request.Version);
                break;
            case SipResponse response:
                WriteText(writer, response.Version);
                WriteAscii(writer, " "u8);
                WriteText(writer, response.StatusCode.ToString(CultureInfo.InvariantCulture));
                WriteAscii(writer, " "u8);
                WriteText(writer, response.ReasonPhrase);
                break;
            default:
                throw new ArgumentException("Unknown message type.", nameof(message));
        }

        WriteAscii(writer, "\r\n"u8);
        foreach (var header in message.Headers)
        {
            if (SipHeaderCollection.NameEquals(header.Name, SipHeaderNames.ContentLength))
            {
                continue;
            }

            WriteText(writer, header.Name);
            WriteAscii(writer, ": "u8);
            WriteText(writer, header.Value);
            WriteAscii(writer, "\r\n"u8);
        }

        WriteAscii(writer, "Content-Length: "u8);
        WriteText(writer, message.Body.Length.ToString(CultureInfo.InvariantCulture));
        WriteAscii(writer, "\r\n\r\n"u8);
        writer.Write(message.Body.Span);
    }

    private static void WriteAscii(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes) => writer.Write(bytes);

    private static void WriteText(IBufferWriter<byte> writer, string text) => Encoding.UTF8.GetBytes(text.AsSpan(), writer);
}
