using System.Text.Json.Serialization;

namespace Emx.Domain.Configuration;

/// <summary>An end user (User Management &gt; End User).</summary>
public sealed class EndUser : IConfigObject
{
    public string UserId { get; set; } = "";

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? Mail { get; set; }

    public string? Department { get; set; }

    /// <summary>The PIN in clear text, accepted on input only: it is hashed and never stored or returned.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Pin { get; set; }

    /// <summary>The password in clear text, accepted on input only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Password { get; set; }

    /// <summary>Salted slow hash of the PIN (see <see cref="Security.SecretHasher"/>). Never serialized.</summary>
    [JsonIgnore]
    public string? PinHash { get; set; }

    /// <summary>Salted slow hash of the password. Never serialized.</summary>
    [JsonIgnore]
    public string? PasswordHash { get; set; }

    /// <summary>"User Must Change at Next Login" for the PIN (EM answers 41).</summary>
    public bool PinMustChangeAtNextLogin { get; set; }

    /// <summary>"User Must Change at Next Login" for the password.</summary>
    public bool PasswordMustChangeAtNextLogin { get; set; }

    /// <summary>Enable Extension Mobility Cross Cluster (errors 31/38 when unchecked).</summary>
    public bool EnableExtensionMobilityCrossCluster { get; set; }

    /// <summary>Home Cluster check box (EM Roaming Across Clusters). Default true.</summary>
    public bool HomeCluster { get; set; } = true;

    /// <summary>Primary extension (loginType=DN).</summary>
    public string? PrimaryExtension { get; set; }

    /// <summary>Self-Service User ID (loginType=SP).</summary>
    public string? SelfServiceId { get; set; }

    /// <summary>Controlled device profiles, in display order.</summary>
    public List<string> ControlledProfiles { get; set; } = [];

    /// <summary>Default profile among the controlled profiles; null means the first.</summary>
    public string? DefaultProfile { get; set; }

    /// <summary>Access control groups the user belongs to.</summary>
    public List<string> Groups { get; set; } = [];

    /// <summary>Per-user maximum login time (Self-Care), HHH:MM; overrides the service parameter when set.</summary>
    public string? MaximumLoginTime { get; set; }

    /// <inheritdoc />
    public string Key => UserId;

    /// <summary>The profile used when a login names none: the default profile, else the first controlled one.</summary>
    [JsonIgnore]
    public string? EffectiveDefaultProfile => DefaultProfile ?? ControlledProfiles.FirstOrDefault();
}

/// <summary>An application user (User Management &gt; Application User), for example the EM API proxy account.</summary>
public sealed class ApplicationUser : IConfigObject
{
    public string UserId { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>The password in clear text, accepted on input only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Password { get; set; }

    /// <summary>Salted slow hash of the password. Never serialized.</summary>
    [JsonIgnore]
    public string? PasswordHash { get; set; }

    /// <summary>Access control groups.</summary>
    public List<string> Groups { get; set; } = [];

    /// <inheritdoc />
    public string Key => UserId;
}

/// <summary>An access control group. The standard groups exist in every cluster and cannot be deleted.</summary>
public sealed class AccessControlGroup : NamedConfigObject
{
    /// <summary>Members of this group may log in and out on behalf of any user through the EM API.</summary>
    public const string StandardEmAuthenticationProxyRights = "Standard EM Authentication Proxy Rights";

    /// <summary>Members are EM Roaming Across Clusters superusers.</summary>
    public const string StandardEmRoamingAcrossClustersSuperUsers = "Standard EM Roaming Across Clusters Super Users";

    /// <summary>Members may use the admin API.</summary>
    public const string StandardCcmSuperUsers = "Standard CCM Super Users";

    /// <summary>Ordinary end users.</summary>
    public const string StandardCcmEndUsers = "Standard CCM End Users";

    /// <summary>The standard groups created with every cluster.</summary>
    public static readonly IReadOnlyList<string> StandardGroups =
    [
        StandardEmAuthenticationProxyRights,
        StandardEmRoamingAcrossClustersSuperUsers,
        StandardCcmSuperUsers,
        StandardCcmEndUsers,
    ];

    /// <summary>Whether the group is one of the standard groups.</summary>
    [JsonIgnore]
    public bool IsStandard => StandardGroups.Contains(Name);
}

/// <summary>A remote cluster (Advanced Features &gt; Cluster View) and the services enabled towards it.</summary>
public sealed class RemoteCluster : IConfigObject
{
    /// <summary>Cluster Id: must equal the remote cluster's Cluster ID enterprise parameter.</summary>
    public string ClusterId { get; set; } = "";

    public string? Description { get; set; }

    /// <summary>Fully Qualified Name: IP address or a name resolving to any node of the remote cluster.</summary>
    public string FullyQualifiedName { get; set; } = "";

    /// <summary>Port of the remote cluster's EM service over HTTPS. Default 8443.</summary>
    public int HttpsPort { get; set; } = 8443;

    public bool Emcc { get; set; }

    public bool PstnAccess { get; set; }

    public bool RsvpAgent { get; set; }

    /// <summary>TFTP service: must stay disabled for EMCC (seed: "the TFTP check box should always be disabled").</summary>
    public bool Tftp { get; set; }

    /// <inheritdoc />
    public string Key => ClusterId;
}
