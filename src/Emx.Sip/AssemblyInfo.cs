namespace Emx.Sip;
internal static class Placeholder { }
