using System.Text.Json;
using Emx.Cluster.Configuration;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Emx.Cluster.Provisioning;

/// <summary>The settings sections, their names in files, URLs and the database.</summary>
public static class SettingsSections
{
    /// <summary>Section name by type.</summary>
    public static readonly IReadOnlyDictionary<Type, string> Names = new Dictionary<Type, string>
    {
        [typeof(ClusterSettings)] = "cluster",
        [typeof(ExtensionMobilityServiceParameters)] = "serviceParameters.extensionMobility",
        [typeof(CredentialPolicy)] = "credentialPolicy",
        [typeof(EmccFeatureConfiguration)] = "emccFeatureConfiguration",
        [typeof(InterclusterServiceProfile)] = "interclusterServiceProfile",
        [typeof(IlsConfiguration)] = "ilsConfiguration",
        [typeof(BulkCertificateManagement)] = "bulkCertificateManagement",
    };

    /// <summary>Type by section name.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Types = Names.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>Reads a section, or its defaults when it was never written.</summary>
    public static async Task<T> ReadAsync<T>(EmxDbContext db, CancellationToken cancellationToken)
        where T : class, ISettingsSection, new() => (T)await ReadAsync(db, typeof(T), cancellationToken);

    /// <summary>Reads a section by type, or its defaults.</summary>
    public static async Task<ISettingsSection> ReadAsync(EmxDbContext db, Type type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var record = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Name == Names[type], cancellationToken);
        return Deserialize(type, record?.Json);
    }

    internal static ISettingsSection Deserialize(Type type, string? json) =>
        json is null ? (ISettingsSection)Activator.CreateInstance(type)! : (ISettingsSection)JsonSerializer.Deserialize(json, type, ConfigSerializer.Json)!;

    /// <summary>Writes a section into the context (the caller saves, in its transaction). Returns false when unchanged.</summary>
    public static async Task<bool> WriteAsync(EmxDbContext db, ISettingsSection section, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(section);
        var name = Names[section.GetType()];
        var json = JsonSerializer.Serialize(section, section.GetType(), ConfigSerializer.Json);
        var record = await db.Settings.FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (record is null)
        {
            db.Settings.Add(new SettingsRecord { Name = name, Json = json, Updated = now });
            return true;
        }

        if (record.Json == json)
        {
            return false;
        }

        record.Json = json;
        record.Updated = now;
        return true;
    }
}
