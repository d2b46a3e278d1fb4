namespace Emx.Domain.Validation;

/// <summary>One reason a configuration change is rejected: which object, which field, why.</summary>
/// <param name="Kind">The object kind (<c>phones</c>) or settings section (<c>emccFeatureConfiguration</c>).</param>
/// <param name="Key">The object's natural key, or empty for a settings section.</param>
/// <param name="Field">The offending field (camelCase path, for example <c>lines[0].partition</c>).</param>
/// <param name="Reason">What is wrong, in words an administrator understands.</param>
public sealed record ConfigError(string Kind, string Key, string Field, string Reason)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.IsNullOrEmpty(Key) ? $"{Kind}.{Field}: {Reason}" : $"{Kind} '{Key}' {Field}: {Reason}";
}

/// <summary>What the validator may know of the configuration already stored.</summary>
public interface IConfigCatalog
{
    /// <summary>Whether an object of the kind with the key is stored.</summary>
    bool Exists(string kind, string key);

    /// <summary>A stored object, or null.</summary>
    T? Find<T>(string key)
        where T : class, Configuration.IConfigObject;

    /// <summary>Every stored object of a kind (used only for small kinds: trunks, templates).</summary>
    IReadOnlyList<T> All<T>()
        where T : class, Configuration.IConfigObject;

    /// <summary>How many objects of the kind are stored.</summary>
    int Count(string kind);

    /// <summary>The stored settings section, or its defaults.</summary>
    T Section<T>()
        where T : class, Configuration.ISettingsSection, new();
}
