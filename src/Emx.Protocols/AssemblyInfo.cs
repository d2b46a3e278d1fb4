namespace Emx.Protocols;
internal static class Placeholder { }
