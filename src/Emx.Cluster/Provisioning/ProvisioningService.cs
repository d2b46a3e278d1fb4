using System.Reflection;
using System.Text.Json;
using Emx.Cluster.Configuration;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Domain.Security;
using Emx.Domain.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.Provisioning;

/// <summary>What an apply did, or why it did nothing.</summary>
public sealed record ApplyResult
{
    /// <summary>Every reason the document was rejected; empty when it was applied.</summary>
    public required IReadOnlyList<ConfigError> Errors { get; init; }

    public int Created { get; init; }

    public int Updated { get; init; }

    public int Unchanged { get; init; }

    /// <summary>EMCC devices inserted by this apply.</summary>
    public int EmccDevicesInserted { get; init; }

    /// <summary>Whether the document was applied.</summary>
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Applies provisioning documents and single-object changes: validate everything against the stored configuration,
/// then write everything in one transaction (upsert by natural key), or nothing.
/// </summary>
public sealed partial class ProvisioningService(IEmxDbContextFactory contexts, TimeProvider time, ILogger<ProvisioningService> logger, ExtensionMobility.SettingsCache? settingsCache = null, Security.AdminCredentials? credentials = null)
{
    // One writer of configuration at a time in this process; the database transaction covers other nodes.
    private static readonly SemaphoreSlim WriteLock = new(1, 1);

    /// <summary>A fault-injection point for tests: called after the changes are staged, before commit.</summary>
    internal Func<CancellationToken, Task>? BeforeCommit { get; set; }

    /// <summary>Validates and applies a provisioning document, all or nothing.</summary>
    public async Task<ApplyResult> ApplyAsync(ProvisioningDocument document, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        Normalize(document);
        await WriteLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = contexts.Create();
            var catalog = new DbCatalog(db);
            foreach (var kind in KindsNeeded(document))
            {
                await catalog.LoadAsync(kind, cancellationToken);
            }

            await catalog.LoadCountsAsync(cancellationToken);
            await catalog.LoadSectionsAsync(cancellationToken);

            var errors = ConfigValidator.Validate(document, catalog);
            if (errors.Count > 0)
            {
                LogRejected(logger, actor, errors.Count);
                return new ApplyResult { Errors = errors };
            }

            // Slow hashes dominate large applies (about 5 ms a PIN, 120 ms a password): compute them on every core
            // before the transaction opens, so it stays short.
            var withSecrets = document.EndUsers.Select(u => (Kind: ConfigKinds.EndUsers.Name, Item: (IConfigObject)u))
                .Concat(document.ApplicationUsers.Select(a => (Kind: ConfigKinds.ApplicationUsers.Name, Item: (IConfigObject)a)))
                .ToList();
            await Parallel.ForEachAsync(withSecrets, cancellationToken, (entry, _) =>
            {
                HashSecrets(entry.Item, catalog.Find(entry.Kind, entry.Item.Key));
                return ValueTask.CompletedTask;
            });

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var now = time.GetUtcNow();
            int created = 0, updated = 0, unchanged = 0;
            foreach (var section in document.Sections())
            {
                if (await SettingsSections.WriteAsync(db, section, now, cancellationToken))
                {
                    updated++;
                }
                else
                {
                    unchanged++;
                }
            }

            var movedRemoteClusters = new List<string>();
            foreach (var (kind, items) in document.ObjectLists())
            {
                foreach (var item in items)
                {
                    if (item is RemoteCluster remote && RemoteClusterMoved(catalog.Find(kind.Name, remote.Key) as RemoteCluster, remote))
                    {
                        movedRemoteClusters.Add(item.Key);
                    }

                    switch (Upsert(db, catalog, kind, item))
                    {
                        case UpsertOutcome.Created: created++; break;
                        case UpsertOutcome.Updated: updated++; break;
                        default: unchanged++; break;
                    }
                }
            }

            if (movedRemoteClusters.Count > 0)
            {
                // A remote cluster added, or pointed at another address: what the remote cluster update learnt about it
                // no longer applies (Emx.Cluster.Emcc.RemoteClusterUpdater learns it again at its next pass).
                await db.RemoteClusterStatuses.Where(s => movedRemoteClusters.Contains(s.ClusterId)).ExecuteDeleteAsync(cancellationToken);
            }

            var inserted = document.EmccDevices is { } insertion
                ? await InsertEmccDevicesAsync(db, insertion, actor, now, cancellationToken)
                : 0;

            db.AuditLog.Add(new AuditEntry
            {
                Time = now,
                Actor = actor,
                Action = "apply",
                Target = "configuration",
                Detail = $"created {created}, updated {updated}, unchanged {unchanged}, EMCC devices inserted {inserted}",
            });
            await db.SaveChangesAsync(cancellationToken);
            if (BeforeCommit is { } hook)
            {
                await hook(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            settingsCache?.Invalidate();
            credentials?.ForgetAll();
            LogApplied(logger, actor, created, updated, unchanged);
            return new ApplyResult { Errors = [], Created = created, Updated = updated, Unchanged = unchanged, EmccDevicesInserted = inserted };
        }
        finally
        {
            WriteLock.Release();
        }
    }

    /// <summary>The kinds the validator must see: those in the document, those its objects refer to, and the few the aggregate rules read.</summary>
    private static IEnumerable<ConfigKind> KindsNeeded(ProvisioningDocument document)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "sipTrunks", "emccTemplates", "phoneModels", "geolocationFilters" };
        foreach (var (kind, items) in document.ObjectLists())
        {
            names.Add(kind.Name);
            foreach (var item in items)
            {
                foreach (var reference in ConfigValidator.ReferencesOf(kind, item))
                {
                    names.Add(reference.Kind);
                }

                if (item is DeviceProfile { LoginUserId: not null })
                {
                    names.Add("endUsers");
                }
            }
        }

        return ConfigKinds.All.Where(k => names.Contains(k.Name));
    }

    /// <summary>Deletes one object unless something still refers to it.</summary>
    public async Task<IReadOnlyList<ConfigError>?> DeleteAsync(ConfigKind kind, string key, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        await WriteLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = contexts.Create();
            var catalog = new DbCatalog(db);
            await catalog.LoadAsync(kind, cancellationToken);
            var existing = catalog.Find(kind.Name, key);
            if (existing is null)
            {
                return null;
            }

            var referrers = new List<(ConfigKind, IConfigObject)>();
            foreach (var other in ConfigKinds.All)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await catalog.LoadAsync(other, cancellationToken);
                referrers.AddRange(catalog.Items(other.Name).Select(i => (other, i)));
            }

            var errors = ConfigValidator.ValidateDelete(kind, key, referrers).ToList();
            var settingsRefs = await SettingsReferencesAsync(db, kind, key, cancellationToken);
            errors.AddRange(settingsRefs);
            if (errors.Count > 0)
            {
                return errors;
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Remove(existing);
            if (existing is DeviceBase device)
            {
                await db.DirectoryNumbers.Where(d => d.OwnerKind == kind.Name && d.OwnerName == device.Name).ExecuteDeleteAsync(cancellationToken);
            }

            if (existing is Phone phone)
            {
                await db.ExtensionMobilityDynamics.Where(e => e.DeviceName == phone.Name).ExecuteDeleteAsync(cancellationToken);
            }

            if (existing is RemoteCluster)
            {
                await db.RemoteClusterStatuses.Where(s => s.ClusterId == key).ExecuteDeleteAsync(cancellationToken);
            }

            db.AuditLog.Add(new AuditEntry { Time = time.GetUtcNow(), Actor = actor, Action = "delete", Target = kind.Name, Key = key });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            settingsCache?.Invalidate();
            credentials?.ForgetAll();
            return [];
        }
        finally
        {
            WriteLock.Release();
        }
    }

    /// <summary>
    /// Stores an end user's new PIN (a new salted hash), clears "User Must Change at Next Login" for the PIN and the
    /// PIN's failed attempts, and audits the change, in one transaction. The caller has checked the PIN against the
    /// credential policy. Returns false when the user no longer exists.
    /// </summary>
    public async Task<bool> ChangePinAsync(string userId, string newPin, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(newPin);
        var hash = SecretHasher.HashPin(newPin);
        await WriteLock.WaitAsync(cancellationToken);
        try
        {
            await using var db = contexts.Create();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var user = await db.Config<EndUser>().FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken);
            if (user is null)
            {
                return false;
            }

            user.PinHash = hash;
            user.PinMustChangeAtNextLogin = false;
            await db.CredentialLockouts.Where(l => l.UserId == userId && l.Credential == "pin").ExecuteDeleteAsync(cancellationToken);
            db.AuditLog.Add(new AuditEntry
            {
                Time = time.GetUtcNow(),
                Actor = actor,
                Action = "change pin",
                Target = ConfigKinds.EndUsers.Name,
                Key = userId,
                Detail = "PIN changed by the user; User Must Change at Next Login cleared",
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        finally
        {
            WriteLock.Release();
        }
    }

    private static async Task<List<ConfigError>> SettingsReferencesAsync(EmxDbContext db, ConfigKind kind, string key, CancellationToken cancellationToken)
    {
        var errors = new List<ConfigError>();
        if (kind == ConfigKinds.SipTrunks)
        {
            var isp = await SettingsSections.ReadAsync<InterclusterServiceProfile>(db, cancellationToken);
            if (isp.PstnAccess.SipTrunk == key || isp.RsvpAgent.SipTrunk == key)
            {
                errors.Add(new ConfigError(kind.Name, key, "name", "still used by the EMCC intercluster service profile"));
            }
        }
        else if (kind == ConfigKinds.GeolocationFilters)
        {
            var emcc = await SettingsSections.ReadAsync<EmccFeatureConfiguration>(db, cancellationToken);
            if (emcc.EmccGeolocationFilter == key)
            {
                errors.Add(new ConfigError(kind.Name, key, "name", "still used as the EMCC Geolocation Filter (EMCC feature configuration)"));
            }
        }

        return errors;
    }

    private enum UpsertOutcome { Created, Updated, Unchanged }

    /// <summary>Whether a remote cluster is new or now has another address (read before the upsert changes the stored one).</summary>
    private static bool RemoteClusterMoved(RemoteCluster? before, RemoteCluster after) =>
        before is null || before.FullyQualifiedName != after.FullyQualifiedName || before.HttpsPort != after.HttpsPort;

    private static UpsertOutcome Upsert(EmxDbContext db, DbCatalog catalog, ConfigKind kind, IConfigObject incoming)
    {
        var existing = catalog.Find(kind.Name, incoming.Key);
        if (existing is null)
        {
            db.Add(incoming);
            if (incoming is DeviceBase device)
            {
                IndexLines(db, kind, device, replace: false);
            }

            return UpsertOutcome.Created;
        }

        var entry = db.Entry(existing);
        var before = Snapshot(existing);
        entry.CurrentValues.SetValues(incoming);
        if (Snapshot(existing) == before)
        {
            return UpsertOutcome.Unchanged;
        }

        if (existing is DeviceBase changed)
        {
            IndexLines(db, kind, changed, replace: true);
        }

        return UpsertOutcome.Updated;
    }

    private static string Snapshot(IConfigObject item) =>
        JsonSerializer.Serialize(item, item.GetType(), ConfigSerializer.Json) + (item switch
        {
            EndUser u => u.PinHash + u.PasswordHash,
            ApplicationUser a => a.PasswordHash,
            _ => "",
        });

    private static void IndexLines(EmxDbContext db, ConfigKind kind, DeviceBase device, bool replace)
    {
        if (replace)
        {
            var stale = db.ChangeTracker.Entries<DirectoryNumberIndex>().Select(e => e.Entity)
                .Where(d => d.OwnerKind == kind.Name && d.OwnerName == device.Name).ToList();
            db.DirectoryNumbers.RemoveRange(stale);
            db.DirectoryNumbers.RemoveRange(db.DirectoryNumbers.Where(d => d.OwnerKind == kind.Name && d.OwnerName == device.Name));
        }

        foreach (var line in device.Lines)
        {
            db.DirectoryNumbers.Add(new DirectoryNumberIndex
            {
                Dn = line.Dn, Partition = line.Partition ?? "", OwnerKind = kind.Name, OwnerName = device.Name, Button = line.Button,
            });
        }
    }

    /// <summary>
    /// Replaces clear-text secrets with salted slow hashes. A secret equal to the stored one keeps its hash, so
    /// re-applying the same file changes nothing; an absent secret keeps the stored hash.
    /// </summary>
    private static void HashSecrets(IConfigObject incoming, IConfigObject? existing)
    {
        switch (incoming)
        {
            case EndUser user:
                var storedUser = existing as EndUser;
                user.PinHash = Rehash(user.Pin, storedUser?.PinHash, SecretHasher.HashPin);
                user.PasswordHash = Rehash(user.Password, storedUser?.PasswordHash, SecretHasher.HashPassword);
                user.Pin = null;
                user.Password = null;
                break;
            case ApplicationUser app:
                app.PasswordHash = Rehash(app.Password, (existing as ApplicationUser)?.PasswordHash, SecretHasher.HashPassword);
                app.Password = null;
                break;
        }
    }

    private static string? Rehash(string? clear, string? stored, Func<string, string> hash) =>
        clear is null ? stored : stored is not null && SecretHasher.Verify(clear, stored) ? stored : hash(clear);

    private static void Normalize(ProvisioningDocument document)
    {
        foreach (var phone in document.Phones)
        {
            phone.Name = DeviceNames.Normalize(phone.Name);
        }

        foreach (var device in document.Phones.Cast<DeviceBase>().Concat(document.DeviceProfiles))
        {
            for (var i = 0; i < device.Lines.Count; i++)
            {
                device.Lines[i].Button = i + 1;
                device.Lines[i].Partition = string.IsNullOrEmpty(device.Lines[i].Partition) ? null : device.Lines[i].Partition;
            }
        }

        foreach (var pattern in document.RoutePatterns)
        {
            pattern.Partition ??= "";
        }
    }

    private static async Task<int> InsertEmccDevicesAsync(EmxDbContext db, EmccDeviceInsertion insertion, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = await db.Config<EmccDevice>().CountAsync(cancellationToken);
        var missing = insertion.Count - existing;
        var job = new Job { Type = Emx.Domain.Emcc.EmccJobTypes.InsertEmccDevices, Submitted = now, SubmittedBy = actor, Status = JobStatus.Completed, Completed = now };
        if (missing <= 0)
        {
            return 0;
        }

        var template = insertion.Template
            ?? db.ChangeTracker.Entries<EmccTemplate>().Select(e => e.Entity).FirstOrDefault(t => t.Default)?.Name
            ?? await db.Config<EmccTemplate>().Where(t => t.Default).Select(t => t.Name).FirstOrDefaultAsync(cancellationToken);

        // Seed: "The Bulk Administration Tool assigns device numbers by obtaining the last one used."
        var last = await db.Config<EmccDevice>().MaxAsync(d => (int?)d.Number, cancellationToken) ?? 0;
        for (var i = 1; i <= missing; i++)
        {
            db.Add(new EmccDevice { Name = EmccDevice.NameFor(last + i), Number = last + i, Template = template });
        }

        job.Result = $"Inserted {missing} EMCC devices (EMCC{last + 1}..EMCC{last + missing}) with template {template}; {existing + missing} in database";
        db.Jobs.Add(job);
        return missing;
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Provisioning by {Actor} rejected with {ErrorCount} errors; nothing written")]
    private static partial void LogRejected(ILogger logger, string actor, int errorCount);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Provisioning by {Actor} applied: {Created} created, {Updated} updated, {Unchanged} unchanged")]
    private static partial void LogApplied(ILogger logger, string actor, int created, int updated, int unchanged);
}

/// <summary>Creates contexts for the node's configured database.</summary>
public interface IEmxDbContextFactory
{
    /// <summary>A new context; the caller disposes it.</summary>
    EmxDbContext Create();
}

/// <summary>The stored configuration as the validator sees it, loaded per kind into tracked entities.</summary>
internal sealed class DbCatalog(EmxDbContext db) : IConfigCatalog
{
    private readonly Dictionary<string, Dictionary<string, IConfigObject>> _loaded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, ISettingsSection> _sections = [];

    public async Task LoadAsync(ConfigKind kind, CancellationToken cancellationToken)
    {
        if (_loaded.ContainsKey(kind.Name))
        {
            return;
        }

        var method = typeof(DbCatalog).GetMethod(nameof(LoadTyped), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(kind.Type);
        var items = await (Task<List<IConfigObject>>)method.Invoke(this, [cancellationToken])!;
        _loaded[kind.Name] = items.ToDictionary(i => i.Key, StringComparer.Ordinal);
    }

    public async Task LoadCountsAsync(CancellationToken cancellationToken)
    {
        _counts["phones"] = await db.Config<Phone>().CountAsync(cancellationToken);
        _counts["emccDevices"] = await db.Config<EmccDevice>().CountAsync(cancellationToken);
    }

    public async Task LoadSectionsAsync(CancellationToken cancellationToken)
    {
        foreach (var type in SettingsSections.Names.Keys)
        {
            _sections[type] = await SettingsSections.ReadAsync(db, type, cancellationToken);
        }
    }

    private async Task<List<IConfigObject>> LoadTyped<T>(CancellationToken cancellationToken)
        where T : class, IConfigObject => (await db.Set<T>().ToListAsync(cancellationToken)).Cast<IConfigObject>().ToList();

    public IConfigObject? Find(string kind, string key) =>
        _loaded.TryGetValue(kind, out var map) && map.TryGetValue(key, out var item) ? item : null;

    public IEnumerable<IConfigObject> Items(string kind) => _loaded.TryGetValue(kind, out var map) ? map.Values : [];

    public bool Exists(string kind, string key) =>
        _loaded.TryGetValue(kind, out var map)
            ? map.ContainsKey(key)
            : throw new InvalidOperationException($"kind {kind} was not loaded before validation");

    public T? Find<T>(string key)
        where T : class, IConfigObject => Exists(ConfigKinds.Of<T>().Name, key) ? Find(ConfigKinds.Of<T>().Name, key) as T : null;

    public IReadOnlyList<T> All<T>()
        where T : class, IConfigObject => Items(ConfigKinds.Of<T>().Name).Cast<T>().ToList();

    public int Count(string kind) => _counts.TryGetValue(kind, out var count) ? count : Items(kind).Count();

    public T Section<T>()
        where T : class, ISettingsSection, new() => _sections.TryGetValue(typeof(T), out var section) ? (T)section : new T();
}
