using Emx.Domain.Validation;
using YamlDotNet.RepresentationModel;

namespace Emx.Integration.Tests.Infrastructure;

/// <summary>What the node must hold after a document is applied, derived from the document itself.</summary>
public static class Expected
{
    private static readonly string[] ClearSecrets = ["pin", "password"];

    /// <summary>Parses a provisioning document with the product's reader (fails the test on errors).</summary>
    public static ProvisioningDocument Parse(string yaml)
    {
        var errors = new List<ConfigError>();
        var document = ConfigSerializer.ReadYaml<ProvisioningDocument>(yaml, "test", errors);
        Assert.True(document is not null && errors.Count == 0, "the document does not parse:\n  " + string.Join("\n  ", errors));
        return document;
    }

    /// <summary>
    /// The API representation an object must have once stored: the object as the document states it (defaults for
    /// what it leaves out), without clear-text secrets, phone names in CUCM's upper-case form.
    /// </summary>
    public static JsonObject Representation(IConfigObject item)
    {
        var json = JsonSerializer.SerializeToNode(item, item.GetType(), ConfigSerializer.Json)!.AsObject();
        foreach (var secret in ClearSecrets)
        {
            json.Remove(secret);
        }

        if (item is Phone phone)
        {
            json["name"] = phone.Name.ToUpperInvariant();
            json["key"] = phone.Name.ToUpperInvariant();
        }

        return json;
    }

    /// <summary>The stored key of an object (phone names upper case).</summary>
    public static string KeyOf(IConfigObject item) => item is Phone phone ? phone.Name.ToUpperInvariant() : item.Key;

    /// <summary>The API representation of a settings section.</summary>
    public static JsonNode Representation(ISettingsSection section) =>
        JsonSerializer.SerializeToNode(section, section.GetType(), ConfigSerializer.Json)!;

    /// <summary>Fails, naming the first difference by path, unless the two JSON values are deeply equal.</summary>
    public static void JsonEqual(JsonNode? expected, JsonNode? actual, string what)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Fail($"{what} differs at {FirstDifference(expected, actual, "$")}\n  expected {expected?.ToJsonString()}\n  actual   {actual?.ToJsonString()}");
        }
    }

    private static string FirstDifference(JsonNode? a, JsonNode? b, string path)
    {
        switch (a, b)
        {
            case (JsonObject x, JsonObject y):
                foreach (var name in x.Select(p => p.Key).Union(y.Select(p => p.Key)))
                {
                    if (!x.ContainsKey(name) || !y.ContainsKey(name))
                    {
                        return $"{path}.{name} ({(x.ContainsKey(name) ? "missing from the response" : "unexpected in the response")})";
                    }

                    if (!JsonNode.DeepEquals(x[name], y[name]))
                    {
                        return FirstDifference(x[name], y[name], $"{path}.{name}");
                    }
                }

                return path;
            case (JsonArray x, JsonArray y):
                if (x.Count != y.Count)
                {
                    return $"{path} ({x.Count} items expected, {y.Count} found)";
                }

                for (var i = 0; i < x.Count; i++)
                {
                    if (!JsonNode.DeepEquals(x[i], y[i]))
                    {
                        return FirstDifference(x[i], y[i], $"{path}[{i}]");
                    }
                }

                return path;
            default:
                return $"{path} (expected {a?.ToJsonString() ?? "null"}, found {b?.ToJsonString() ?? "null"})";
        }
    }
}

/// <summary>
/// Checks a stored object against the YAML the administrator wrote, independently of the product's deserializer:
/// every field written in the YAML must come back with the same value (enum names case-insensitively, phone names
/// upper case); clear-text secrets must not come back at all.
/// </summary>
public static class YamlSubset
{
    /// <summary>Loads a YAML text's root mapping.</summary>
    public static YamlMappingNode Load(string yaml)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(yaml);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>The value of a key in a mapping, or null.</summary>
    public static YamlNode? Get(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>An object list item as a mapping: a bare name <c>- Internal</c> means <c>- name: Internal</c>.</summary>
    public static YamlMappingNode AsObject(YamlNode item) => item switch
    {
        YamlMappingNode mapping => mapping,
        YamlScalarNode scalar => new YamlMappingNode(new YamlScalarNode("name"), new YamlScalarNode(scalar.Value)),
        _ => throw new InvalidOperationException($"an object list item must be a mapping or a name, not {item.NodeType}"),
    };

    /// <summary>The natural key an item written in YAML has once stored.</summary>
    public static string KeyOf(string kind, YamlMappingNode item)
    {
        string Scalar(string key) => (Get(item, key) as YamlScalarNode)?.Value ?? "";
        return kind switch
        {
            "endUsers" or "applicationUsers" => Scalar("userId"),
            "remoteClusters" => Scalar("clusterId"),
            "routePatterns" => $"{Scalar("pattern")}@{Scalar("partition")}",
            "phones" => Scalar("name").ToUpperInvariant(),
            _ => Scalar("name"),
        };
    }

    /// <summary>Fails unless every field of <paramref name="expected"/> is in <paramref name="actual"/> with the same value.</summary>
    public static void AssertContained(YamlNode expected, JsonElement actual, string path)
    {
        switch (expected)
        {
            case YamlMappingNode mapping:
                Assert.True(actual.ValueKind == JsonValueKind.Object, $"{path}: expected an object, found {actual.ValueKind}: {actual.GetRawText()}");
                foreach (var (keyNode, value) in mapping.Children)
                {
                    var key = ((YamlScalarNode)keyNode).Value!;
                    if (key is "pin" or "password")
                    {
                        Assert.False(actual.TryGetProperty(key, out _), $"{path}.{key}: a secret came back");
                        continue;
                    }

                    Assert.True(actual.TryGetProperty(key, out var field), $"{path}.{key} is missing from the response {actual.GetRawText()}");
                    AssertContained(value, field, $"{path}.{key}");
                }

                break;
            case YamlSequenceNode sequence:
                Assert.True(actual.ValueKind == JsonValueKind.Array, $"{path}: expected an array, found {actual.GetRawText()}");
                var items = actual.EnumerateArray().ToList();
                Assert.True(sequence.Children.Count == items.Count, $"{path}: {sequence.Children.Count} items written, {items.Count} returned: {actual.GetRawText()}");
                for (var i = 0; i < items.Count; i++)
                {
                    AssertContained(sequence.Children[i], items[i], $"{path}[{i}]");
                }

                break;
            case YamlScalarNode scalar:
                var written = scalar.Value ?? "";
                var same = actual.ValueKind switch
                {
                    JsonValueKind.String => actual.GetString() == written
                        || (path.StartsWith("phones", StringComparison.Ordinal) && path.EndsWith(".name", StringComparison.Ordinal) && string.Equals(actual.GetString(), written.ToUpperInvariant(), StringComparison.Ordinal))
                        || (IsIdentifier(written) && string.Equals(actual.GetString(), written, StringComparison.OrdinalIgnoreCase)),
                    JsonValueKind.Number => actual.GetRawText() == written,
                    JsonValueKind.True => written == "true",
                    JsonValueKind.False => written == "false",
                    JsonValueKind.Null => written is "" or "~" or "null",
                    _ => false,
                };
                Assert.True(same, $"{path}: written '{written}', returned {actual.GetRawText()}");
                break;
        }
    }

    private static bool IsIdentifier(string text) => text.Length > 0 && char.IsAsciiLetter(text[0]) && text.All(char.IsAsciiLetterOrDigit);
}
