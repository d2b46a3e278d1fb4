namespace Emx.Domain;
internal static class Placeholder { }
