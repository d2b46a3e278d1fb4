using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Domain.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Emx.Data;

/// <summary>
/// The one DbContext of a cluster. Configuration objects are keyed by their natural key; their list-valued
/// fields (lines, speed dials, names) are JSON text columns; runtime state has its own tables. Provider
/// subclasses (<see cref="SqliteEmxDbContext"/>, <see cref="PostgresEmxDbContext"/>) exist only so each
/// provider has its own migrations.
/// </summary>
public abstract class EmxDbContext(DbContextOptions options) : DbContext(options)
{
    internal static readonly JsonSerializerOptions ColumnJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public DbSet<SettingsRecord> Settings => Set<SettingsRecord>();
    public DbSet<ClusterNode> Nodes => Set<ClusterNode>();
    public DbSet<ExtensionMobilityDynamic> ExtensionMobilityDynamics => Set<ExtensionMobilityDynamic>();
    public DbSet<CredentialLockout> CredentialLockouts => Set<CredentialLockout>();
    public DbSet<EmccSession> EmccSessions => Set<EmccSession>();
    public DbSet<RemoteClusterStatus> RemoteClusterStatuses => Set<RemoteClusterStatus>();
    public DbSet<Registration> Registrations => Set<Registration>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<DirectoryNumberIndex> DirectoryNumbers => Set<DirectoryNumberIndex>();
    public DbSet<DeviceEvent> DeviceEvents => Set<DeviceEvent>();
    public DbSet<NodeCertificate> NodeCertificates => Set<NodeCertificate>();
    public DbSet<TrustedCertificate> TrustedCertificates => Set<TrustedCertificate>();
    public DbSet<CertificateExport> CertificateExports => Set<CertificateExport>();

    /// <summary>The configuration objects of a kind.</summary>
    public IQueryable<T> Config<T>()
        where T : class, IConfigObject => Set<T>();

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // Unix milliseconds: comparable and sortable in SQL on every provider (SQLite cannot compare DateTimeOffset text).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUnixMillisConverter>();
        configurationBuilder.Properties<TimeSpan>().HaveConversion<TimeSpanToTicksConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(64);
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        foreach (var kind in ConfigKinds.All)
        {
            ConfigureConfigObject(modelBuilder.Entity(kind.Type), kind);
        }

        modelBuilder.Entity<RoutePattern>().HasKey(r => new { r.Partition, r.Pattern });
        modelBuilder.Entity<EmccDevice>().HasIndex(d => d.Number).IsUnique();

        modelBuilder.Entity<SettingsRecord>(b =>
        {
            b.HasKey(s => s.Name);
            b.Property(s => s.Name).HasMaxLength(64);
        });
        modelBuilder.Entity<ClusterNode>(b =>
        {
            b.HasKey(n => n.Name);
            b.Property(n => n.Name).HasMaxLength(64);
            b.Property(n => n.Address).HasMaxLength(255);
            JsonList(b.Property(n => n.Services));
        });
        modelBuilder.Entity<ExtensionMobilityDynamic>(b =>
        {
            b.HasKey(e => e.DeviceName);
            b.Property(e => e.DeviceName).HasMaxLength(64);
            b.Property(e => e.Version).IsConcurrencyToken();
            b.HasIndex(e => e.CurrentUserId);
            b.HasIndex(e => e.ExpiresAt);
            b.Ignore(e => e.IsLoggedIn);
        });
        modelBuilder.Entity<CredentialLockout>(b => b.HasKey(c => new { c.UserId, c.Credential }));
        modelBuilder.Entity<EmccSession>(b =>
        {
            b.HasIndex(e => new { e.Side, e.DeviceName }).IsUnique();
            b.HasIndex(e => e.UserId);
            b.HasIndex(e => e.EmccDevice);
        });
        modelBuilder.Entity<RemoteClusterStatus>(b => b.HasKey(r => r.ClusterId));
        modelBuilder.Entity<Registration>(b =>
        {
            b.HasIndex(r => new { r.Aor, r.Partition });
            b.HasIndex(r => r.DeviceName);
            b.HasIndex(r => r.ExpiresAt);
        });
        modelBuilder.Entity<AuditEntry>(b => b.HasIndex(a => a.Time));
        modelBuilder.Entity<Job>();
        modelBuilder.Entity<DeviceEvent>(b => b.HasIndex(e => new { e.DeviceName, e.Delivered }));
        modelBuilder.Entity<NodeCertificate>(b =>
        {
            b.HasKey(c => new { c.Node, c.Purpose });
            b.Property(c => c.Node).HasMaxLength(64);
            b.Property(c => c.Subject).HasMaxLength(512);
            b.Property(c => c.Thumbprint).HasMaxLength(64);
            b.Property(c => c.KeyAlgorithm).HasMaxLength(32);
        });
        modelBuilder.Entity<TrustedCertificate>(b =>
        {
            b.HasIndex(c => new { c.Store, c.Thumbprint }).IsUnique();
            b.HasIndex(c => c.SourceCluster);
            b.Property(c => c.Thumbprint).HasMaxLength(64);
            b.Property(c => c.Subject).HasMaxLength(512);
            b.Property(c => c.SourceCluster).HasMaxLength(64);
            b.Property(c => c.SourceNode).HasMaxLength(64);
        });
        modelBuilder.Entity<CertificateExport>(b =>
        {
            b.Property(e => e.Location).HasMaxLength(1100);
            JsonList(b.Property(e => e.Thumbprints));
        });
        modelBuilder.Entity<DirectoryNumberIndex>(b =>
        {
            b.HasKey(d => new { d.OwnerKind, d.OwnerName, d.Button });
            b.HasIndex(d => new { d.Dn, d.Partition });
        });
    }

    private static void ConfigureConfigObject(EntityTypeBuilder builder, ConfigKind kind)
    {
        builder.ToTable(char.ToUpperInvariant(kind.Name[0]) + kind.Name[1..]);
        builder.Ignore(nameof(IConfigObject.Key));
        var keyProperty = kind.Type.GetProperty("Name") is not null ? "Name" : kind.Type.GetProperty("UserId") is not null ? "UserId" : kind.Type.GetProperty("ClusterId") is not null ? "ClusterId" : null;
        if (keyProperty is not null)
        {
            builder.HasKey(keyProperty);
            builder.Property(keyProperty).HasMaxLength(128);
        }

        foreach (var property in kind.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite)
            {
                builder.Ignore(property.Name);
            }
            else if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(List<>))
            {
                var method = typeof(EmxDbContext).GetMethod(nameof(JsonListOf), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(property.PropertyType.GetGenericArguments()[0]);
                method.Invoke(null, [builder.Property(property.PropertyType, property.Name)]);
            }
            else if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
            {
                builder.Ignore(property.Name);
            }
        }

        // Secrets supplied in clear text are hashed by the application and never stored.
        foreach (var clear in new[] { "Pin", "Password" })
        {
            if (kind.Type.GetProperty(clear) is not null)
            {
                builder.Ignore(clear);
            }
        }
    }

    private static void JsonListOf<T>(PropertyBuilder builder) =>
        builder.HasConversion(JsonListConverter<T>(), JsonListComparer<T>()).IsRequired();

    private static void JsonList<T>(PropertyBuilder<List<T>> builder) =>
        builder.HasConversion(JsonListConverter<T>(), JsonListComparer<T>()).IsRequired();

    private static ValueConverter<List<T>, string> JsonListConverter<T>() => new(
        v => JsonSerializer.Serialize(v, ColumnJson),
        v => JsonSerializer.Deserialize<List<T>>(v, ColumnJson) ?? new List<T>());

    private static ValueComparer<List<T>> JsonListComparer<T>() => new(
        (a, b) => JsonSerializer.Serialize(a, ColumnJson) == JsonSerializer.Serialize(b, ColumnJson),
        v => JsonSerializer.Serialize(v, ColumnJson).GetHashCode(StringComparison.Ordinal),
        v => JsonSerializer.Deserialize<List<T>>(JsonSerializer.Serialize(v, ColumnJson), ColumnJson)!);
}

/// <summary>Stores DateTimeOffset as UTC Unix milliseconds.</summary>
public sealed class DateTimeOffsetToUnixMillisConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.ToUnixTimeMilliseconds(),
    v => DateTimeOffset.FromUnixTimeMilliseconds(v));

/// <summary>Stores TimeSpan as ticks.</summary>
public sealed class TimeSpanToTicksConverter() : ValueConverter<TimeSpan, long>(v => v.Ticks, v => TimeSpan.FromTicks(v));

/// <summary>
/// Derived index of line appearances (directory number + partition -> phone or device profile and button),
/// rewritten in the same transaction as the device it comes from; the registrar and router query it.
/// </summary>
public sealed class DirectoryNumberIndex
{
    public string Dn { get; set; } = "";

    public string Partition { get; set; } = "";

    /// <summary>phones or deviceProfiles.</summary>
    public string OwnerKind { get; set; } = "";

    public string OwnerName { get; set; } = "";

    public int Button { get; set; }
}

/// <summary>The SQLite flavour (own migrations).</summary>
public sealed class SqliteEmxDbContext(DbContextOptions<SqliteEmxDbContext> options) : EmxDbContext(options);

/// <summary>The PostgreSQL flavour (own migrations).</summary>
public sealed class PostgresEmxDbContext(DbContextOptions<PostgresEmxDbContext> options) : EmxDbContext(options);
