namespace Emx.Sip.Tests;

/// <summary>One line of Rfc4475/MANIFEST.tsv.</summary>
internal sealed record CorpusEntry(string Name, string Section, string Class, string Description);

/// <summary>Access to the RFC 4475 torture-test messages copied next to the test assembly.</summary>
internal static class Rfc4475Corpus
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Rfc4475");

    public static IReadOnlyList<CorpusEntry> Manifest { get; } = LoadManifest();

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory, name + ".dat"));

    public static IEnumerable<string> DatFiles() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.dat").Select(Path.GetFileNameWithoutExtension).Select(n => n!);

    private static List<CorpusEntry> LoadManifest()
    {
        var entries = new List<CorpusEntry>();
        foreach (var line in File.ReadLines(Path.Combine(Directory, "MANIFEST.tsv")))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var fields = line.Split('\t');
            entries.Add(new CorpusEntry(Path.GetFileNameWithoutExtension(fields[0]), fields[1], fields[2], fields[3]));
        }

        return entries;
    }
}
