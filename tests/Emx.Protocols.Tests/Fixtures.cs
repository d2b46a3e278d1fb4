namespace Emx.Protocols.Tests;

/// <summary>Reads the byte-exact wire fixtures copied next to the test assembly.</summary>
internal static class Fixture
{
    public static byte[] Bytes(string relativePath) =>
        File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", relativePath));

    public static string Text(string relativePath) => Encoding.UTF8.GetString(Bytes(relativePath));
}
