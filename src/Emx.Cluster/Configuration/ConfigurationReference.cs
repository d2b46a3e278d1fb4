using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Serialization;
using System.Xml;
using System.Xml.Linq;
using Emx.Domain.Configuration;

namespace Emx.Cluster.Configuration;

/// <summary>
/// Writes docs/configuration.md from the model itself: every section, object kind and field with its type,
/// default and the XML documentation of the property, so the reference cannot drift from the code.
/// </summary>
public static class ConfigurationReference
{
    /// <summary>The reference as Markdown.</summary>
    public static string Generate()
    {
        var docs = LoadXmlDocs(typeof(ClusterSettings).Assembly, typeof(EmxConfigFile).Assembly);
        var md = new StringBuilder();
        md.AppendLine("# Configuration reference");
        md.AppendLine();
        md.AppendLine("Generated from the model by `dotnet run --project src/Emx -- docs`; a test fails when this file is stale.");
        md.AppendLine("Names are camelCase; enum values are written camelCase (`notAllowed`, `extensionMobilityCrossClusters`) and");
        md.AppendLine("read case-insensitively. A named object in a list may be written as its bare name (`partitions: [Internal]`).");
        md.AppendLine("Unknown fields are errors. Secrets (`pin`, `password`) are accepted on input only and stored as salted slow hashes.");
        md.AppendLine();
        md.AppendLine("A config file (`emx serve --config`) has the sections below; its `provision` section, the body of `emx apply`");
        md.AppendLine("and `POST /api/v1/provision` are all a provisioning document. See `examples/provisioning-complete.yaml`.");
        md.AppendLine();

        md.AppendLine("## Config file");
        md.AppendLine();
        Table(md, typeof(EmxConfigFile), docs, "");
        foreach (var type in new[] { typeof(NodeConfig), typeof(PortsConfig), typeof(DatabaseConfig), typeof(AdminConfig) })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### {Camel(type.Name.Replace("Config", "", StringComparison.Ordinal))}");
            md.AppendLine();
            Table(md, type, docs, Summary(docs, type));
        }

        md.AppendLine("## Settings sections (in a provisioning document, and `GET/PUT /api/v1/settings/{section}`)");
        md.AppendLine();
        foreach (var (type, name) in Provisioning.SettingsSections.Names)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### `{name}`");
            md.AppendLine();
            Table(md, type, docs, Summary(docs, type));
        }

        md.AppendLine("## Object kinds (lists in a provisioning document, and `/api/v1/{kind}`)");
        md.AppendLine();
        md.AppendLine("Kinds are applied in this order, so an object may refer to any kind listed before it.");
        md.AppendLine();
        foreach (var kind in ConfigKinds.All)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"### `{kind.Name}`");
            md.AppendLine();
            Table(md, kind.Type, docs, Summary(docs, kind.Type));
        }

        md.AppendLine("### Nested: `lines[]`, `speedDials[]`, `pstnAccess`/`rsvpAgent`, `emccDevices` (insertion)");
        md.AppendLine();
        foreach (var type in new[] { typeof(Line), typeof(SpeedDial), typeof(InterclusterTrunkService), typeof(EmccDeviceInsertion) })
        {
            Table(md, type, docs, $"**{type.Name}**: {Summary(docs, type)}");
        }

        return md.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static void Table(StringBuilder md, Type type, Dictionary<string, string> docs, string summary)
    {
        if (summary.Length > 0)
        {
            md.AppendLine(summary);
            md.AppendLine();
        }

        md.AppendLine("| field | type | default | description |");
        md.AppendLine("|---|---|---|---|");
        object? defaults = type.GetConstructor(Type.EmptyTypes) is not null ? Activator.CreateInstance(type) : null;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always })
            {
                continue;
            }

            var value = defaults is null ? null : property.GetValue(defaults);
            var description = docs.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}", "");
            md.AppendLine(CultureInfo.InvariantCulture, $"| `{Camel(property.Name)}` | {TypeName(property.PropertyType)} | {Format(value)} | {description.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        md.AppendLine();
    }

    private static string TypeName(Type type)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        if (nullable is not null)
        {
            return TypeName(nullable) + "?";
        }

        if (type.IsEnum)
        {
            return string.Join(" \\| ", Enum.GetNames(type).Select(n => Camel(n)));
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            return $"list of {TypeName(type.GetGenericArguments()[0])}";
        }

        return type == typeof(string) ? "text" : type == typeof(int) ? "integer" : type == typeof(bool) ? "true/false" : Camel(type.Name);
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        string { Length: 0 } => "\"\"",
        string s => $"`{s}`",
        bool b => b ? "true" : "false",
        Enum e => $"`{Camel(e.ToString())}`",
        IList { Count: 0 } => "[]",
        IEnumerable list and not string => "[" + string.Join(", ", list.Cast<object>().Select(o => o is Enum e ? Camel(e.ToString()) : o.ToString())) + "]",
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ when value.GetType().IsClass => "",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static string Camel(string name) => name.Length == 0 ? name
        : name.All(char.IsUpper) ? name.ToLowerInvariant()
        : char.ToLowerInvariant(name[0]) + name[1..];

    private static string Summary(Dictionary<string, string> docs, Type type) => docs.GetValueOrDefault("T:" + type.FullName, "");

    private static Dictionary<string, string> LoadXmlDocs(params Assembly[] assemblies)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assembly in assemblies)
        {
            var path = Path.ChangeExtension(assembly.Location, ".xml");
            if (!File.Exists(path))
            {
                continue;
            }

            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            foreach (var member in XDocument.Load(reader).Descendants("member"))
            {
                var summary = member.Element("summary");
                if (summary is null)
                {
                    continue;
                }

                var text = string.Concat(summary.Nodes().Select(n => n is XElement e
                    ? (e.Attribute("cref")?.Value.Split('.').Last() ?? e.Attribute("langword")?.Value ?? e.Value)
                    : n.ToString()));
                result[member.Attribute("name")!.Value] = string.Join(' ', System.Net.WebUtility.HtmlDecode(text).Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
            }
        }

        return result;
    }
}
