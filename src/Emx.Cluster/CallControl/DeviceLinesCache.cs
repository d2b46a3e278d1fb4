using System.Collections.Concurrent;
using Emx.Cluster.ExtensionMobility;
using Emx.Domain.Runtime;

namespace Emx.Cluster.CallControl;

/// <summary>
/// The lines of each device's current configuration (<see cref="CurrentDevice"/>) as the registrar checks a REGISTER
/// against them, kept in memory so a refresh does not read the phone, its Extension Mobility state and its profile
/// again. Derived data, forgotten when what it derives from changes:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>a device's entry when <see cref="ExtensionMobilityService"/> announces device events for it (every login,
/// logout, automatic logout and EMCC login or logout writes a restart event, and announces it after its commit,
/// before check-sync is sent), or announces it changed without one (a visiting cluster's EMCC record removed by the
/// home's logout, the visiting administrator or maintenance);</item>
/// <item>every entry when this node applies or deletes configuration (<see cref="SettingsCache.Version"/>);</item>
/// <item>an entry older than <see cref="MaxAge"/> (changes made through another node, which announces nothing here).</item>
/// </list>
/// A read from the database that raced with a forgetting is not stored (<see cref="Epoch"/>), so a stale value cannot
/// outlive the change that made it stale.
/// </remarks>
public sealed class DeviceLinesCache : IDisposable
{
    /// <summary>How long an entry is trusted without a local change.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ExtensionMobilityService _extensionMobility;
    private readonly SettingsCache _settings;
    private readonly TimeProvider _time;
    private long _epoch;

    /// <summary>Creates the cache and subscribes to <paramref name="extensionMobility"/>'s device events.</summary>
    public DeviceLinesCache(ExtensionMobilityService extensionMobility, SettingsCache settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(extensionMobility);
        _extensionMobility = extensionMobility;
        _settings = settings;
        _time = time;
        extensionMobility.DeviceEventsWritten += OnDeviceEventsWritten;
        extensionMobility.DevicesChanged += OnDevicesChanged;
    }

    /// <summary>Moves on whenever something is forgotten; take it before reading the database, pass it to <see cref="Store"/>.</summary>
    public long Epoch => Interlocked.Read(ref _epoch);

    /// <summary>The configuration version entries are valid for; take it with <see cref="Epoch"/>.</summary>
    public long ConfigurationVersion => _settings.Version;

    /// <summary>Entries held (including stale ones not yet replaced).</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// The device's current lines if known: <paramref name="lines"/> null means no such device (a REGISTER naming it is
    /// refused). False when it must be read.
    /// </summary>
    public bool TryGet(string deviceName, out IReadOnlyList<CurrentLine>? lines)
    {
        if (_entries.TryGetValue(deviceName, out var entry)
            && entry.Version == _settings.Version
            && _time.GetUtcNow() - entry.Read < MaxAge)
        {
            lines = entry.Lines;
            return true;
        }

        lines = null;
        return false;
    }

    /// <summary>
    /// Stores what was read from the database, unless something was forgotten or configuration changed since
    /// <paramref name="epoch"/> and <paramref name="version"/> were taken (before the read).
    /// </summary>
    public void Store(IReadOnlyCollection<KeyValuePair<string, IReadOnlyList<CurrentLine>?>> read, long epoch, long version)
    {
        ArgumentNullException.ThrowIfNull(read);
        var now = _time.GetUtcNow();
        foreach (var (name, lines) in read)
        {
            if (Epoch != epoch || _settings.Version != version)
            {
                return;
            }

            _entries[name] = new Entry(lines, version, now);
        }

        if (Epoch != epoch)
        {
            // Forgotten while storing: drop what may have been stored after it.
            foreach (var (name, _) in read)
            {
                _entries.TryRemove(name, out _);
            }
        }
    }

    /// <summary>Forgets one device (its current configuration changed).</summary>
    public void Forget(string deviceName)
    {
        Interlocked.Increment(ref _epoch);
        _entries.TryRemove(deviceName, out _);
    }

    /// <summary>Forgets every device.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _epoch);
        _entries.Clear();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _extensionMobility.DeviceEventsWritten -= OnDeviceEventsWritten;
        _extensionMobility.DevicesChanged -= OnDevicesChanged;
    }

    private void OnDevicesChanged(IReadOnlyList<string> deviceNames)
    {
        foreach (var name in deviceNames)
        {
            Forget(name);
        }
    }

    private void OnDeviceEventsWritten(IReadOnlyList<DeviceEvent> events)
    {
        foreach (var deviceEvent in events)
        {
            Forget(deviceEvent.DeviceName);
        }
    }

    private sealed record Entry(IReadOnlyList<CurrentLine>? Lines, long Version, DateTimeOffset Read);
}
