namespace Emx.Domain.Runtime;

/// <summary>
/// Extension Mobility dynamic state of one device (CUCM's <c>extensionmobilitydynamic</c>): who is logged in,
/// with which profile, since when, for how long, and who was last. One row per device that ever had a login;
/// every change is one transaction guarded by <see cref="Version"/> (optimistic concurrency).
/// </summary>
public sealed class ExtensionMobilityDynamic
{
    /// <summary>The phone's device name.</summary>
    public string DeviceName { get; private set; } = "";

    /// <summary>The logged-in user, or null.</summary>
    public string? CurrentUserId { get; private set; }

    /// <summary>The loaded device profile, or null.</summary>
    public string? CurrentProfile { get; private set; }

    /// <summary>When the current login happened.</summary>
    public DateTimeOffset? LoginTime { get; private set; }

    /// <summary>Login duration; null means indefinite.</summary>
    public TimeSpan? LoginDuration { get; private set; }

    /// <summary>The user logged in last (Remember the Last User Logged In, deviceUserQuery lastlogin).</summary>
    public string? LastUserId { get; private set; }

    /// <summary>Whether the current login is an EMCC login (deviceUserQuery emccDevice).</summary>
    public bool IsEmcc { get; private set; }

    /// <summary>When the login expires (login time + duration), or null when it never does. Stored so expiry scans use an index.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    /// <summary>When the state last changed (drives the config file's versionStamp).</summary>
    public DateTimeOffset? LastChanged { get; private set; }

    /// <summary>Incremented on every change; the concurrency token.</summary>
    public long Version { get; private set; }

    private ExtensionMobilityDynamic()
    {
    }

    /// <summary>A device with nobody logged in.</summary>
    public static ExtensionMobilityDynamic ForDevice(string deviceName) => new() { DeviceName = deviceName };

    /// <summary>Whether someone is logged in.</summary>
    public bool IsLoggedIn => CurrentUserId is not null;

    /// <summary>Records a login.</summary>
    public void LogIn(string userId, string profile, DateTimeOffset at, TimeSpan? duration, bool emcc = false)
    {
        if (IsLoggedIn)
        {
            throw new InvalidOperationException($"device {DeviceName} already has user {CurrentUserId} logged in");
        }

        CurrentUserId = userId;
        CurrentProfile = profile;
        LoginTime = at;
        LoginDuration = duration;
        ExpiresAt = duration is { } d ? at + d : null;
        IsEmcc = emcc;
        LastChanged = at;
        Version++;
    }

    /// <summary>Records a logout; the user becomes the last user.</summary>
    public void LogOut(DateTimeOffset at)
    {
        if (!IsLoggedIn)
        {
            throw new InvalidOperationException($"nobody is logged in on device {DeviceName}");
        }

        LastUserId = CurrentUserId;
        CurrentUserId = null;
        CurrentProfile = null;
        LoginTime = null;
        LoginDuration = null;
        ExpiresAt = null;
        IsEmcc = false;
        LastChanged = at;
        Version++;
    }
}

/// <summary>What a phone is told to do.</summary>
public enum DeviceEventKind
{
    /// <summary>Re-read the configuration and re-register (SIP NOTIFY Event: check-sync).</summary>
    Restart,

    /// <summary>Clear the call history (CiscoIPPhoneExecute Init:CallHistory).</summary>
    ClearCallHistory,
}

/// <summary>
/// A request to a phone, written in the same transaction as the change that caused it, so a crash cannot lose it;
/// the SIP layer delivers it and marks it delivered.
/// </summary>
public sealed class DeviceEvent
{
    public long Id { get; set; }

    public string DeviceName { get; set; } = "";

    public DeviceEventKind Kind { get; set; }

    /// <summary>Why (login, logout, auto logout, expiry ...).</summary>
    public string Reason { get; set; } = "";

    public DateTimeOffset Time { get; set; }

    public DateTimeOffset? Delivered { get; set; }
}

/// <summary>Failed-attempt state of one credential (a user's PIN or password) for the credential policy's lockout.</summary>
public sealed class CredentialLockout
{
    /// <summary>The user id.</summary>
    public string UserId { get; set; } = "";

    /// <summary>"pin" or "password".</summary>
    public string Credential { get; set; } = "";

    public int FailedAttempts { get; set; }

    public DateTimeOffset? LastFailure { get; set; }

    /// <summary>Locked until; <see cref="DateTimeOffset.MaxValue"/> means until an administrator unlocks.</summary>
    public DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>Which side of an EMCC login a session record describes.</summary>
public enum EmccSide { Home, Visiting }

/// <summary>
/// An EMCC login as one cluster sees it. Home side: the EMCC dummy device lent to the user and the visiting
/// phone it stands for. Visiting side: the local phone and the remote user logged in on it.
/// </summary>
public sealed class EmccSession
{
    public long Id { get; set; }

    public EmccSide Side { get; set; }

    /// <summary>The visiting phone's device name.</summary>
    public string DeviceName { get; set; } = "";

    /// <summary>Home side: the EMCC device (EMCCn) allocated.</summary>
    public string? EmccDevice { get; set; }

    public string UserId { get; set; } = "";

    public string? DeviceProfile { get; set; }

    /// <summary>The other cluster's Cluster ID.</summary>
    public string RemoteClusterId { get; set; } = "";

    public string? PhoneModel { get; set; }

    public bool PhoneSecure { get; set; }

    /// <summary>The roaming device pool chosen by the EMCC geolocation filter (home side).</summary>
    public string? RoamingDevicePool { get; set; }

    /// <summary>Where the phone downloads its configuration from while logged in (visiting side): the home cluster's Default TFTP Server for EMCC Login Device, <c>host:port</c>.</summary>
    public string? HomeTftp { get; set; }

    /// <summary>The home cluster's Backup TFTP Server for EMCC Login Device (visiting side).</summary>
    public string? HomeBackupTftp { get; set; }

    public DateTimeOffset LoginTime { get; set; }

    public TimeSpan? LoginDuration { get; set; }

    /// <summary>Last time the visiting phone was seen registered to the home cluster (expired-device maintenance).</summary>
    public DateTimeOffset? LastSeen { get; set; }
}

/// <summary>Remote cluster status learnt by the remote cluster update (Cluster View: version, Remote Activated).</summary>
public sealed class RemoteClusterStatus
{
    public string ClusterId { get; set; } = "";

    public string? RemoteVersion { get; set; }

    public bool EmccRemoteActivated { get; set; }

    public bool PstnAccessRemoteActivated { get; set; }

    public bool RsvpAgentRemoteActivated { get; set; }

    public DateTimeOffset? LastUpdate { get; set; }

    public string? LastError { get; set; }
}

/// <summary>
/// A SIP registration binding (RFC 3261 §10.3): one contact of one address of record, registered by one device.
/// Durable: a node restart keeps it until it expires; expired rows are ignored and purged.
/// </summary>
public sealed class Registration
{
    public long Id { get; set; }

    /// <summary>Address of record: the directory number registered (the user part of the To URI).</summary>
    public string Aor { get; set; } = "";

    /// <summary>Partition of the registered directory number (from the device's line); empty means &lt;None&gt;.</summary>
    public string? Partition { get; set; }

    /// <summary>Contact URI.</summary>
    public string Contact { get; set; } = "";

    /// <summary>The registering device (from +sip.instance).</summary>
    public string DeviceName { get; set; } = "";

    /// <summary>The +sip.instance value, e.g. <c>&lt;urn:uuid:00000000-0000-0000-0000-0A0000000001&gt;</c>.</summary>
    public string? InstanceId { get; set; }

    /// <summary>Call-ID of the REGISTER that last wrote the binding (RFC 3261 §10.3 step 7).</summary>
    public string CallId { get; set; } = "";

    /// <summary>CSeq number of the REGISTER that last wrote the binding (32-bit unsigned on the wire).</summary>
    public long CSeq { get; set; }

    /// <summary>Where the REGISTER came from, <c>transport:address:port</c> (udp:127.0.0.1:5062): requests to the phone go back there.</summary>
    public string? Source { get; set; }

    /// <summary>The connection the REGISTER came on (connection-oriented transports), else 0; meaningful only on <see cref="Node"/> while it runs.</summary>
    public long ConnectionId { get; set; }

    /// <summary>The node that holds the binding (the one the phone talks to).</summary>
    public string? Node { get; set; }

    /// <summary>When the binding was last written.</summary>
    public DateTimeOffset Updated { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>One line of the audit log: logins, logouts and configuration changes.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset Time { get; set; }

    /// <summary>Who acted (admin user id, EM API app id, "system").</summary>
    public string Actor { get; set; } = "";

    /// <summary>What happened: login, logout, create, update, delete, apply, ...</summary>
    public string Action { get; set; } = "";

    /// <summary>Object kind or feature (phones, em, emcc ...).</summary>
    public string Target { get; set; } = "";

    /// <summary>Object key (device name, user id ...).</summary>
    public string? Key { get; set; }

    /// <summary>Details, never secrets.</summary>
    public string? Detail { get; set; }
}

/// <summary>Job status as the Bulk Administration job scheduler shows it.</summary>
public enum JobStatus { Pending, Processing, Completed, Failed }

/// <summary>A job (for example Insert EMCC Devices), visible in the job scheduler.</summary>
public sealed class Job
{
    public long Id { get; set; }

    /// <summary>Job type, e.g. "Insert EMCC Devices".</summary>
    public string Type { get; set; } = "";

    public JobStatus Status { get; set; }

    public DateTimeOffset Submitted { get; set; }

    public DateTimeOffset? Completed { get; set; }

    public string? SubmittedBy { get; set; }

    /// <summary>Outcome in words (numbers processed, first error).</summary>
    public string? Result { get; set; }
}

/// <summary>A node of the cluster (one <c>emx serve</c> process) and the services activated on it.</summary>
public sealed class ClusterNode
{
    /// <summary>Node name (CUCM server name).</summary>
    public string Name { get; set; } = "";

    /// <summary>Address every listener of the node binds to.</summary>
    public string Address { get; set; } = "";

    public int HttpPort { get; set; }

    public int HttpsPort { get; set; }

    public int ConfigPort { get; set; }

    public int SipPort { get; set; }

    /// <summary>Activated services (Service Activation).</summary>
    public List<Configuration.NodeService> Services { get; set; } = [];

    /// <summary>Last start of the node.</summary>
    public DateTimeOffset? LastStarted { get; set; }
}

/// <summary>A stored settings section (service parameters, EMCC feature configuration ...), JSON-encoded.</summary>
public sealed class SettingsRecord
{
    /// <summary>Section name (cluster, serviceParameters.extensionMobility, ...).</summary>
    public string Name { get; set; } = "";

    /// <summary>The section, JSON.</summary>
    public string Json { get; set; } = "{}";

    public DateTimeOffset Updated { get; set; }
}
