using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Emx.Domain.Configuration;
using Emx.Domain.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Emx.Cluster.Configuration;

/// <summary>
/// Reads provisioning and config files (YAML, which includes JSON) and the admin API's JSON with the same rules:
/// camelCase names, enums by name (case-insensitive), unknown fields are errors, a named object may be written
/// as its bare name (<c>partitions: [Internal, PSTN]</c>), and size limits against hostile input.
/// </summary>
public static class ConfigSerializer
{
    /// <summary>Largest file accepted (16 MiB: a 60,000-phone provisioning file fits).</summary>
    public const int MaxDocumentBytes = 16 * 1024 * 1024;

    /// <summary>The JSON options of the admin API.</summary>
    public static readonly JsonSerializerOptions Json = CreateJson();

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithEnumNamingConvention(CamelCaseNamingConvention.Instance)
        .WithTypeInspector(inner => new InputPropertiesInspector(inner))
        .WithNodeDeserializer(new BareNameDeserializer(), s => s.OnTop())
        .WithNodeDeserializer(new EnumDeserializer(), s => s.OnTop())
        .WithDuplicateKeyChecking()
        .Build();

    /// <summary>Parses YAML (or JSON) into <typeparamref name="T"/>; errors name the line, column and field.</summary>
    public static T? ReadYaml<T>(string text, string source, List<ConfigError> errors)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(errors);
        if (text.Length > MaxDocumentBytes)
        {
            errors.Add(new ConfigError("document", source, "", $"is larger than {MaxDocumentBytes / (1024 * 1024)} MiB"));
            return null;
        }

        try
        {
            return Yaml.Deserialize<T>(text);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet reports some malformed documents this way; the message itself says nothing useful.
            errors.Add(new ConfigError("document", source, "", $"the document is not well-formed YAML ({ex.GetType().Name}); check indentation, quotes and brackets"));
            return null;
        }
        catch (YamlException ex)
        {
            var reason = ex.InnerException is { } inner && ex.Message.StartsWith("Exception during deserialization", StringComparison.Ordinal)
                ? inner.Message
                : ex.Message;
            if (ex.InnerException is InvalidOperationException or FormatException or OverflowException && reason.StartsWith("Operation is not valid", StringComparison.Ordinal))
            {
                reason = "the document is not well-formed YAML here (check indentation, quotes and brackets)";
            }
            errors.Add(new ConfigError("document", source, $"line {ex.Start.Line}, column {ex.Start.Column}", Clean(reason)));
            return null;
        }
    }

    /// <summary>Parses the admin API's JSON into <typeparamref name="T"/>.</summary>
    public static T? ReadJson<T>(string text, string source, List<ConfigError> errors)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(errors);
        try
        {
            var value = JsonSerializer.Deserialize<T>(text, Json);
            if (value is null)
            {
                errors.Add(new ConfigError("document", source, "", "the body is empty (null)"));
            }

            return value;
        }
        catch (JsonException ex)
        {
            errors.Add(new ConfigError("document", source, ex.Path ?? "", Clean(ex.Message)));
            return null;
        }
    }

    private static string Clean(string message) =>
        message.Replace("Property '", "field '", StringComparison.Ordinal).Split(Environment.NewLine)[0];

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            MaxDepth = 32,
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Hides what input may not set: stored hashes and other [JsonIgnore] fields.</summary>
    private sealed class InputPropertiesInspector(ITypeInspector inner) : ITypeInspector
    {
        public IEnumerable<IPropertyDescriptor> GetProperties(Type type, object? container) =>
            inner.GetProperties(type, container).Where(p => IsInput(type, p.Name));

        public IPropertyDescriptor GetProperty(Type type, object? container, string name, bool ignoreUnmatched, bool caseInsensitivePropertyMatching)
        {
            var property = inner.GetProperty(type, container, name, ignoreUnmatched, caseInsensitivePropertyMatching);
            return property is not null && !IsInput(type, property.Name)
                ? throw new YamlException($"field '{name}' cannot be set")
                : property!;
        }

        public string GetEnumName(Type enumType, string name) => inner.GetEnumName(enumType, name);

        public string GetEnumValue(object enumValue) => inner.GetEnumValue(enumValue);

        private static bool IsInput(Type type, string yamlName)
        {
            var clr = type.GetProperty(char.ToUpperInvariant(yamlName[0]) + yamlName[1..], BindingFlags.Public | BindingFlags.Instance);
            return clr?.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always };
        }
    }

    /// <summary>Reads enum values by name, case-insensitively, and says which values are allowed when one is not.</summary>
    private sealed class EnumDeserializer : INodeDeserializer
    {
        public bool Deserialize(IParser reader, Type expectedType, Func<IParser, Type, object?> nestedObjectDeserializer, out object? value, ObjectDeserializer rootDeserializer)
        {
            var enumType = Nullable.GetUnderlyingType(expectedType) ?? expectedType;
            if (!enumType.IsEnum || reader.Current is not Scalar scalar)
            {
                value = null;
                return false;
            }

            reader.MoveNext();
            if (scalar.Value.Length == 0 && enumType != expectedType)
            {
                value = null;
                return true;
            }

            if (!long.TryParse(scalar.Value, out _) && Enum.TryParse(enumType, scalar.Value, ignoreCase: true, out var parsed))
            {
                value = parsed;
                return true;
            }

            var allowed = string.Join(", ", Enum.GetNames(enumType).Select(n => n.All(char.IsUpper) ? n.ToLowerInvariant() : char.ToLowerInvariant(n[0]) + n[1..]));
            throw new YamlException(scalar.Start, scalar.End, $"'{scalar.Value}' is not allowed here; use one of: {allowed}");
        }
    }

    /// <summary>Lets a named object be written as its bare name: <c>- Internal</c> means <c>- name: Internal</c>.</summary>
    private sealed class BareNameDeserializer : INodeDeserializer
    {
        public bool Deserialize(IParser reader, Type expectedType, Func<IParser, Type, object?> nestedObjectDeserializer, out object? value, ObjectDeserializer rootDeserializer)
        {
            if (typeof(NamedConfigObject).IsAssignableFrom(expectedType) && reader.Current is Scalar scalar)
            {
                reader.MoveNext();
                var named = (NamedConfigObject)Activator.CreateInstance(expectedType)!;
                named.Name = scalar.Value;
                value = named;
                return true;
            }

            value = null;
            return false;
        }
    }
}
