namespace Emx.Protocols;

/// <summary>Limits applied by <see cref="SafeXml"/> before and while reading a document.</summary>
public sealed record SafeXmlOptions
{
    /// <summary>Default maximum input size: 64 KiB (characters for text input, bytes for binary input).</summary>
    public const int DefaultMaxInputLength = 64 * 1024;

    /// <summary>Default maximum element nesting depth (the root element is depth 1).</summary>
    public const int DefaultMaxDepth = 32;

    /// <summary>The defaults: 64 KiB, depth 32.</summary>
    public static SafeXmlOptions Default { get; } = new();

    /// <summary>
    /// Maximum input size, checked before any parsing: characters for <see cref="SafeXml.Parse(string, SafeXmlOptions?)"/>,
    /// bytes for <see cref="SafeXml.Parse(ReadOnlySpan{byte}, SafeXmlOptions?)"/>. Default 65536; must be positive.
    /// </summary>
    public int MaxInputLength { get; init; } = DefaultMaxInputLength;

    /// <summary>Maximum element nesting depth, root = 1. Default 32; must be positive.</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;
}
