using System.Collections.Concurrent;
using Emx.Cluster.Provisioning;
using Emx.Domain.Configuration;

namespace Emx.Cluster.ExtensionMobility;

/// <summary>
/// Settings sections read on hot paths, cached briefly. Derived data: dropped whenever this node applies
/// configuration, and re-read after <see cref="Lifetime"/> so changes made through another node arrive too.
/// </summary>
public sealed class SettingsCache(IEmxDbContextFactory contexts, TimeProvider time)
{
    /// <summary>How long a section is trusted before it is read again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Type, (ISettingsSection Value, DateTimeOffset Read)> _sections = new();

    /// <summary>The section, from the cache or the database.</summary>
    public async Task<T> GetAsync<T>(CancellationToken cancellationToken)
        where T : class, ISettingsSection, new()
    {
        var now = time.GetUtcNow();
        if (_sections.TryGetValue(typeof(T), out var cached) && now - cached.Read < Lifetime)
        {
            return (T)cached.Value;
        }

        await using var db = contexts.Create();
        var value = await SettingsSections.ReadAsync<T>(db, cancellationToken);
        _sections[typeof(T)] = (value, now);
        return value;
    }

    private long _version;

    /// <summary>
    /// The local configuration version: it changes on every <see cref="Invalidate"/> (every apply and delete on this
    /// node), so other caches of configuration (the dial plan) know to rebuild.
    /// </summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Forgets everything (after an apply) and moves <see cref="Version"/> on.</summary>
    public void Invalidate()
    {
        _sections.Clear();
        Interlocked.Increment(ref _version);
    }
}
