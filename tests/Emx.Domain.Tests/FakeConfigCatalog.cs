namespace Emx.Domain.Tests;

/// <summary>An in-memory <see cref="IConfigCatalog"/>: the configuration "already stored" that a document is validated against.</summary>
internal sealed class FakeConfigCatalog : IConfigCatalog
{
    private readonly Dictionary<string, Dictionary<string, IConfigObject>> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, ISettingsSection> _sections = [];

    /// <summary>Stores objects (replacing any with the same kind and key).</summary>
    public FakeConfigCatalog Add(params IConfigObject[] items)
    {
        foreach (var item in items)
        {
            var kind = ConfigKinds.Of(item.GetType()).Name;
            if (!_objects.TryGetValue(kind, out var map))
            {
                map = new Dictionary<string, IConfigObject>(StringComparer.Ordinal);
                _objects[kind] = map;
            }

            map[item.Key] = item;
        }

        return this;
    }

    /// <summary>Stores a settings section (replacing the defaults).</summary>
    public FakeConfigCatalog Set(ISettingsSection section)
    {
        _sections[section.GetType()] = section;
        return this;
    }

    public bool Exists(string kind, string key) => _objects.TryGetValue(kind, out var map) && map.ContainsKey(key);

    public T? Find<T>(string key)
        where T : class, IConfigObject =>
        _objects.TryGetValue(ConfigKinds.Of<T>().Name, out var map) && map.TryGetValue(key, out var item) ? (T)item : null;

    public IReadOnlyList<T> All<T>()
        where T : class, IConfigObject =>
        _objects.TryGetValue(ConfigKinds.Of<T>().Name, out var map) ? map.Values.Cast<T>().ToList() : [];

    public int Count(string kind) => _objects.TryGetValue(kind, out var map) ? map.Count : 0;

    public T Section<T>()
        where T : class, ISettingsSection, new() =>
        _sections.TryGetValue(typeof(T), out var section) ? (T)section : new T();
}
