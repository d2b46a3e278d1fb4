namespace Emx.Integration.Tests.Infrastructure;

/// <summary>
/// Builds a provisioning document as YAML text, the way an administrator writes one: settings sections and object
/// lists whose items are YAML flow mappings (or bare names). Items added to the same list twice are merged into it.
/// </summary>
public sealed class YamlDoc
{
    private readonly List<(string Name, string Value)> _sections = [];
    private readonly List<(string Kind, List<string> Items)> _lists = [];

    /// <summary>Adds items to an object list (<c>Add("partitions", "Internal", "{ name: PSTN }")</c>).</summary>
    public YamlDoc Add(string kind, params string[] items)
    {
        var list = _lists.FirstOrDefault(l => l.Kind == kind).Items;
        if (list is null)
        {
            list = [];
            _lists.Add((kind, list));
        }

        list.AddRange(items);
        return this;
    }

    /// <summary>Sets a top-level section to a YAML value (<c>Section("credentialPolicy", "{ minimumPinLength: 6 }")</c>).</summary>
    public YamlDoc Section(string name, string value)
    {
        _sections.RemoveAll(s => s.Name == name);
        _sections.Add((name, value));
        return this;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in _sections)
        {
            text.Append(name).Append(": ").AppendLine(value);
        }

        foreach (var (kind, items) in _lists)
        {
            text.Append(kind).AppendLine(":");
            foreach (var item in items)
            {
                text.Append("  - ").AppendLine(item);
            }
        }

        return text.ToString();
    }
}
