namespace Emx.Cluster.ExtensionMobility;

/// <summary>
/// Async locks by key (user ids, device names). Several keys are always taken in ordinal order, so two requests
/// that need overlapping keys cannot deadlock.
/// </summary>
public sealed class KeyedLocks
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Takes every key's lock; dispose the result to release them.</summary>
    public async Task<IDisposable> AcquireAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        var ordered = keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var held = new List<(string Key, Entry Entry)>(ordered.Count);
        try
        {
            foreach (var key in ordered)
            {
                Entry entry;
                lock (_entries)
                {
                    if (!_entries.TryGetValue(key, out entry!))
                    {
                        entry = new Entry();
                        _entries[key] = entry;
                    }

                    entry.References++;
                }

                held.Add((key, entry));
                await entry.Semaphore.WaitAsync(cancellationToken);
                entry.Held = true;
            }

            return new Releaser(this, held);
        }
        catch
        {
            Release(held);
            throw;
        }
    }

    private void Release(List<(string Key, Entry Entry)> held)
    {
        for (var i = held.Count - 1; i >= 0; i--)
        {
            var (key, entry) = held[i];
            if (entry.Held)
            {
                entry.Held = false;
                entry.Semaphore.Release();
            }

            lock (_entries)
            {
                if (--entry.References == 0)
                {
                    _entries.Remove(key);
                    entry.Semaphore.Dispose();
                }
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int References { get; set; }

        public bool Held { get; set; }
    }

    private sealed class Releaser(KeyedLocks owner, List<(string Key, Entry Entry)> held) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(held);
            }
        }
    }
}
