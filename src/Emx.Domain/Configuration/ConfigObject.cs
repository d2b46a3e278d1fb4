namespace Emx.Domain.Configuration;

/// <summary>
/// A provisionable configuration object: one row of the cluster's configuration, addressed by its natural
/// key (a name, a user id, a device name ...). The same class is the YAML/JSON representation and the
/// persisted shape; references to other objects are by natural key and are checked by
/// <see cref="Validation.ConfigValidator"/> before anything is written.
/// </summary>
public interface IConfigObject
{
    /// <summary>The natural key that identifies the object within its kind (upsert key).</summary>
    string Key { get; }
}

/// <summary>A configuration object identified by a plain name.</summary>
public abstract class NamedConfigObject : IConfigObject
{
    /// <summary>The unique name (natural key).</summary>
    public string Name { get; set; } = "";

    /// <summary>Free text.</summary>
    public string? Description { get; set; }

    /// <inheritdoc />
    public virtual string Key => Name;
}

/// <summary>A reference from one configuration object to another, by kind and key.</summary>
/// <param name="Kind">The referenced kind (see <see cref="ConfigKinds"/>).</param>
/// <param name="Key">The referenced natural key.</param>
/// <param name="Field">The field of the referring object that holds the reference (for error messages).</param>
public readonly record struct ConfigReference(string Kind, string Key, string Field);
