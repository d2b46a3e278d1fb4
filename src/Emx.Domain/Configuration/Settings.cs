namespace Emx.Domain.Configuration;

/// <summary>A cluster-wide parameter section (stored as one unit, validated as one unit).</summary>
public interface ISettingsSection
{
}

/// <summary>Cluster identity and enterprise parameters.</summary>
public sealed class ClusterSettings : ISettingsSection
{
    /// <summary>Cluster ID enterprise parameter: letters, digits, '.', '-' or '_', at most 50 characters. Default StandAloneCluster.</summary>
    public string Id { get; set; } = "StandAloneCluster";

    /// <summary>Product version reported to other clusters ("15.0", "9.1", "8.6"): the EMCC security matrices depend on it.</summary>
    public string Version { get; set; } = "15.0";

    /// <summary>Cluster security mode. Default non-secure.</summary>
    public ClusterSecurityMode SecurityMode { get; set; } = ClusterSecurityMode.NonSecure;

    /// <summary>Enterprise parameter "Synchronization Between Auto Device Profile and Phone Configuration". Default true.</summary>
    public bool SynchronizationBetweenAutoDeviceProfileAndPhoneConfiguration { get; set; } = true;

    /// <summary>MaxPhones: phones + 2 x EMCC devices may not exceed it. Default 60,000 (seed table 4).</summary>
    public int MaxPhones { get; set; } = 60_000;
}

/// <summary>Service parameters of the Cisco Extension Mobility service (reference section 6).</summary>
public sealed class ExtensionMobilityServiceParameters : ISettingsSection
{
    /// <summary>Multiple Login Behavior. Default Multiple Logins Not Allowed (error 25).</summary>
    public MultipleLoginBehavior MultipleLoginBehavior { get; set; } = MultipleLoginBehavior.NotAllowed;

    /// <summary>Maximum Concurrent Requests, 1-100. Default 5; requests beyond it get error 26.</summary>
    public int MaximumConcurrentRequests { get; set; } = 5;

    /// <summary>Enforce Intra-cluster Maximum Login Time. Default false.</summary>
    public bool EnforceIntraClusterMaximumLoginTime { get; set; }

    /// <summary>Intra-cluster Maximum Login Time, HHH:MM from 0:00 to 168:00. Default 8:00.</summary>
    public string IntraClusterMaximumLoginTime { get; set; } = "8:00";

    /// <summary>Inter-cluster Maximum Login Time (EMCC), HHH:MM from 0:00 to 168:00. Default 8:00 (Cisco's default is not published; our choice).</summary>
    public string InterClusterMaximumLoginTime { get; set; } = "8:00";

    /// <summary>Alphanumeric User ID; false allows numeric user ids only. Default true.</summary>
    public bool AlphanumericUserId { get; set; } = true;

    /// <summary>Remember the Last User Logged In (prefills the login form). Default false.</summary>
    public bool RememberLastUserLoggedIn { get; set; }

    /// <summary>Clear Call Logs on Intra-cluster EM (manual login/logout only). Default false.</summary>
    public bool ClearCallLogsOnIntraClusterEm { get; set; }

    /// <summary>Validate IP Address (error 28 for untrusted sources). Default false.</summary>
    public bool ValidateIpAddress { get; set; }

    /// <summary>Trusted List of IPs: IPs or host names separated by ';', at most 1024 characters, no ranges.</summary>
    public string TrustedListOfIps { get; set; } = "";

    /// <summary>Allow Proxy (only effective with Validate IP Address): a Via header gives error 30 when false. Default false.</summary>
    public bool AllowProxy { get; set; }

    /// <summary>Extension Mobility Cache Size, 1000-20000. Default 10000.</summary>
    public int ExtensionMobilityCacheSize { get; set; } = 10_000;

    /// <summary>EMCC Allow Proxy. Default true (Cisco's guidance for EMCC).</summary>
    public bool EmccAllowProxy { get; set; } = true;

    /// <summary>The trusted list split into entries.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> TrustedIps =>
        TrustedListOfIps.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>EMCC Feature Configuration (seed table 2).</summary>
public sealed class EmccFeatureConfiguration : ISettingsSection
{
    /// <summary>Default TFTP Server for EMCC Login Device (node name or address). Unset gives error 39 at EMCC login.</summary>
    public string? DefaultTftpServerForEmccLoginDevice { get; set; }

    /// <summary>Backup TFTP Server for EMCC Login Device.</summary>
    public string? BackupTftpServerForEmccLoginDevice { get; set; }

    /// <summary>Default Interval for Expired EMCC Device Maintenance, minutes, 10-1440. Default 1440.</summary>
    public int DefaultIntervalForExpiredEmccDeviceMaintenance { get; set; } = 1440;

    /// <summary>Enable All Remote Cluster Services When Adding A New Remote Cluster. Default false.</summary>
    public bool EnableAllRemoteClusterServicesWhenAddingANewRemoteCluster { get; set; }

    /// <summary>CSS for PSTN Access SIP Trunk. Default Use Trunk CSS.</summary>
    public CssForPstnAccessSipTrunk CssForPstnAccessSipTrunk { get; set; } = CssForPstnAccessSipTrunk.UseTrunkCss;

    /// <summary>EMCC Geolocation Filter (a geolocation filter name).</summary>
    public string? EmccGeolocationFilter { get; set; }

    /// <summary>EMCC Region Max Audio Bit Rate, kb/s. Default 8 (G.729). Must match in all clusters.</summary>
    public int EmccRegionMaxAudioBitRate { get; set; } = 8;

    /// <summary>EMCC Region Max Video Call Bit Rate (Includes Audio), kb/s, 0-8128. Default 384.</summary>
    public int EmccRegionMaxVideoCallBitRate { get; set; } = 384;

    /// <summary>EMCC Region Link Loss Type. Default Low Loss.</summary>
    public LinkLossType EmccRegionLinkLossType { get; set; } = LinkLossType.LowLoss;

    /// <summary>RSVP SIP Trunk KeepAlive Timer, seconds, 1-600. Default 15.</summary>
    public int RsvpSipTrunkKeepAliveTimer { get; set; } = 15;

    /// <summary>Default Server For Remote Cluster Update (a node of this cluster running Cisco Extension Mobility).</summary>
    public string? DefaultServerForRemoteClusterUpdate { get; set; }

    /// <summary>Backup Server for Remote Cluster Update.</summary>
    public string? BackupServerForRemoteClusterUpdate { get; set; }

    /// <summary>Remote Cluster Update Interval, minutes, 15-10080. Default 30.</summary>
    public int RemoteClusterUpdateInterval { get; set; } = 30;

    /// <summary>The EMCC region audio bit rates CUCM offers, kb/s.</summary>
    public static readonly IReadOnlyList<int> AllowedAudioBitRates = [8, 16, 24, 32, 48, 56, 64, 128, 256];
}

/// <summary>Credential policy applied to PINs and passwords.</summary>
public sealed class CredentialPolicy : ISettingsSection
{
    /// <summary>Failed Logon threshold before lockout, 0 (never lock) to 100. Default 3.</summary>
    public int FailedLogonThreshold { get; set; } = 3;

    /// <summary>Reset Failed Logon Attempts Every, minutes, 1-120. Default 30.</summary>
    public int ResetFailedLogonAttemptsMinutes { get; set; } = 30;

    /// <summary>Lockout Duration, minutes, 0 (administrator must unlock) to 1440. Default 30.</summary>
    public int LockoutMinutes { get; set; } = 30;

    /// <summary>Minimum PIN length, 1-64. Default 4.</summary>
    public int MinimumPinLength { get; set; } = 4;

    /// <summary>Minimum password length, 1-64. Default 8.</summary>
    public int MinimumPasswordLength { get; set; } = 8;
}

/// <summary>A service of the intercluster service profile bound to a SIP trunk.</summary>
public sealed class InterclusterTrunkService
{
    public bool Active { get; set; }

    /// <summary>The EMCC SIP trunk carrying the service.</summary>
    public string? SipTrunk { get; set; }
}

/// <summary>EMCC Intercluster Service Profile (Advanced Features &gt; EMCC &gt; EMCC Intercluster Service Profile).</summary>
public sealed class InterclusterServiceProfile : ISettingsSection
{
    /// <summary>EMCC Active.</summary>
    public bool Emcc { get; set; }

    /// <summary>PSTN Access Active + PSTN Access SIP Trunk.</summary>
    public InterclusterTrunkService PstnAccess { get; set; } = new();

    /// <summary>RSVP Agent Active + RSVP Agent SIP Trunk.</summary>
    public InterclusterTrunkService RsvpAgent { get; set; } = new();
}

/// <summary>ILS Configuration (Advanced Features &gt; ILS Configuration).</summary>
public sealed class IlsConfiguration : ISettingsSection
{
    /// <summary>Role; null means ILS is not configured on this cluster.</summary>
    public IlsRole? Role { get; set; }

    /// <summary>Registration Server: the hub publisher this cluster joins (required for spokes).</summary>
    public string? RegistrationServer { get; set; }

    /// <summary>Exchange Global Dial Plan Replication Data with Remote Clusters.</summary>
    public bool ExchangeGlobalDialPlanReplicationData { get; set; }

    /// <summary>ILS Authentication: Use TLS Certificates. Default true.</summary>
    public bool UseTlsCertificates { get; set; } = true;

    /// <summary>ILS Authentication: Use Password (the shared secret itself is managed with the certificates, not in configuration).</summary>
    public bool UsePassword { get; set; }


    /// <summary>Synchronization interval, minutes, 1-1440. Default 10.</summary>
    public int SyncIntervalMinutes { get; set; } = 10;

    /// <summary>Route string of this cluster: letters, digits, '.', '-', at most 64 characters.</summary>
    public string? RouteString { get; set; }
}

/// <summary>Where bulk certificate files are exchanged.</summary>
public enum SharedLocationKind
{
    /// <summary>A directory every participating cluster's nodes can read and write (a shared mount, or one machine in a lab).</summary>
    Directory,

    /// <summary>An SFTP server, reached with OpenSSH's sftp client in batch mode with key authentication.</summary>
    Sftp,
}

/// <summary>
/// Bulk Certificate Management (Cisco Unified OS Administration &gt; Security &gt; Bulk Certificate Management): the shared
/// location every participating cluster exports its certificates to. The seed asks for the same SFTP server and
/// directory on every cluster. Password authentication is not offered: the sftp client runs in batch mode, which
/// allows key authentication only.
/// </summary>
public sealed class BulkCertificateManagement : ISettingsSection
{
    /// <summary>directory (a local or mounted path) or sftp. Default directory.</summary>
    public SharedLocationKind Location { get; set; } = SharedLocationKind.Directory;

    /// <summary>The directory: an absolute path on each node (location directory) or a path on the SFTP server (location sftp; relative to the login directory). Unset: not configured. No quotes or control characters.</summary>
    public string? Directory { get; set; }

    /// <summary>SFTP server host name or IP address (location sftp).</summary>
    public string? Server { get; set; }

    /// <summary>SFTP port, 1-65535. Default 22.</summary>
    public int Port { get; set; } = 22;

    /// <summary>SFTP user id (location sftp).</summary>
    public string? UserId { get; set; }

    /// <summary>Absolute path, on each node, of the OpenSSH private key the node authenticates with (location sftp; mode 0600, no passphrase).</summary>
    public string? IdentityFile { get; set; }

    /// <summary>
    /// The server's public host key as in known_hosts, e.g. <c>ssh-ed25519 AAAA...</c>. Set: checked strictly. Unset: the
    /// key seen first is recorded in the node's managed known_hosts file and a later different key is refused.
    /// </summary>
    public string? HostKey { get; set; }

    /// <summary>Seconds one transfer may take, 5-600. Default 60.</summary>
    public int TimeoutSeconds { get; set; } = 60;
}
