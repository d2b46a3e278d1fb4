using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Emx.Protocols.Errors;

/// <summary>
/// The Extension Mobility error tables: every EMService code of seed Table 9 / reference 1.8 (0-47 as listed)
/// and every EMApp code of seed Table 8 plus 215 and 216 (reference 1.8). Display strings are copied exactly,
/// irregular spacing and capitals included ("Login is Unavailable (23)", code 12's odd text).
/// Codes 7, 27, 47 (EMService) and 216 (EMApp) are in the reference but not in the seed's tables; their display
/// strings follow the tables' regular pattern <c>Login is unavailable(N)</c> / <c>Logout is unavailable(N)</c>.
/// </summary>
public static class EmErrorCatalog
{
    private static readonly EmErrorDefinition[] EmServiceRows =
    [
        Both(0, "Unknown Error", "The EMService failed for an unknown reason."),
        Both(1, "Error on parsing", "When the EMService cannot parse the XML request from the EMApp or EMService. This error occurs when third-party applications send an incorrect query to login XML (EM API). The error can also occur because of a version mismatch between home and visiting clusters."),
        LoginOnly(2, "EMCC Authentication Error", "The EMCC user credentials cannot be authenticated because the user entered an incorrect PIN."),
        Both(3, "Invalid App User", "Invalid application user. This error commonly occurs because of the EM API."),
        Both(4, "Policy Validation error", "The EM Service sends this error when it cannot validate the login or logout request because of an unknown reason, an error while querying the database or an error while retrieving information from the cache."),
        Both(5, "Dev. logon disabled", "A user logs into a device that has Enable Extension Mobility unchecked in the Phone Configuration window."),
        Both(6, "Database Error", "Whenever the database returns an exception while executing the query or stored procedure that the EM Service requests (login/logout or device/user query), the EM Service sends this error code to EMApp."),
        Both(7, "Logout Request Error", "Could not set or remove the auto-logout of a login."),
        Both(8, "Query type undetermined", "No valid query was sent to the EMService (DeviceUserQuery and UserDeviceQuery are valid ones). This error occurs because of the EM API or incorrect XML input."),
        Both(9, "Dir. User Info Error", "This error appears in two cases: 1. IMS returns an exception when it attempts to authenticate a user. 2. When information about a user cannot be retrieved either from the cache or database."),
        Both(10, "User lacks app proxy rights", "The user tries to log in on behalf of another user. By default, a CCMSysUser has administrative rights."),
        Both(11, "Device Does not exist", "The phone record entry is absent in the device table."),
        new EmErrorDefinition
        {
            Code = 12,
            Source = EmErrorSource.EmService,
            QuickDescription = "Dev. Profile not found",
            LoginDisplay = "Phone record entry is absent in the device table",
            LogoutDisplay = "Phone record entry is absent in the device table",
            Reason = "No device profile is associated with the remote user.",
        },
        LoginOnly(18, "Another user logged in", "Another user is already logged in on the phone."),
        LogoutOnly(19, "No user logged in", "The system attempted to log out a user who has not logged in. This error occurs when sending logout requests from third-party applications (EM API)."),
        Both(20, "Hoteling flag error", "Enable Extension Mobility is unchecked in the Phone Configuration window."),
        Both(21, "Hoteling Status error", "The current user status was not retrieved from either the local cache or database."),
        LoginOnly(22, "Dev. logon disabled", "Occurs when EM is not enabled on device and the request is sent via EM API or when the services button is pressed on phone."),
        Custom(23, "User does not exist", "Login is Unavailable (23)", "Logout is Unavailable (23)", "Occurs when the given user ID is not found (in any of the remote clusters)."),
        LoginOnly(25, "User logged in elsewhere", "The user is currently logged in to some other phone."),
        Both(26, "Busy, please try again", "Occurs when the EMService has currently reached the threshold level of Maximum Concurrent Requests service parameter."),
        Both(27, "Change Password", "The user must change the password or PIN."),
        Both(28, "Untrusted IP Error", "Occurs when the Validate IP Address service parameter is set to True and the user tries to log in or log out from a machine whose IP address is not trusted. For example, a third-party application or EM API from a machine is not listed in the Trusted List of IPs service parameter."),
        Both(29, "ris down-contact admin", "The Real-Time Information Server Data Collector (RISDC) cache is not created or initialized, and the EMService is unable to connect to RISDC."),
        Both(30, "Proxy not allowed", "When login and logout occur through proxy (\"Via\" is set in HTTP header) and the Allow Proxy service parameter is set to False."),
        Both(31, "EMCC Not Activated for the user", "Occurs when the Enable Extension Mobility Cross Cluster check box is not checked in the End User Configuration window of the home cluster."),
        Both(32, "Device does not support EMCC", "Occurs when a device model does not have EMCC capability."),
        Both(33, "No free EMCC dummy device", "Occurs when all the EMCC dummy devices are in use by other EMCC logins."),
        Both(35, "Visiting Cluster Information is not present in Home Cluster", "Occurs when the home cluster does not have an entry for this visiting cluster."),
        Both(36, "No Remote Cluster", "Occurs when the administrator has not added a remote cluster."),
        Custom(37, "Duplicate Device Name", "Login is Unavailable (37)", "Logout is Unavailable (37)", "Occurs when the same device name exists in both the home cluster and visiting cluster."),
        Both(38, "EMCC Not Allowed", "Occurs when the home cluster does not want to allow EMCC login (The Enable Extension Mobility Cross Cluster check box is not checked in the home cluster)."),
        Internal(39, "Configuration Issue", "Please try to login again (201)", "Occurs when the Default TFTP Server and Backup TFTP Server for EMCC login device are not set properly in EMCC Feature Configuration Page."),
        Internal(40, "No Response from Remote Host", "Please try to login again (23)", "Occurs when response not getting from Remote Host."),
        Internal(41, "PIN change is required", "PIN change is required", "Occurs when admin enables User Must Change at Next Login for PIN. In that case user is redirected to Change credentials page."),
        Both(42, "Invalid ClusterID", "Occurs when the remote cluster ID is not valid. This error can occur during a remote cluster update."),
        LoginOnly(43, "Device Security mode error", "The Device Security Profile that is associated to the EMCC device should be set to Nonsecure for its Device Security Mode."),
        Internal(44, "Configuration Issue", "Please try to login again (201)", "Occurs when the cluster ID is not valid."),
        Custom(45, "Remote Cluster version not supported", "Login is unsuccessful(45)", null, "Occurs during EMCC login when the visiting cluster version is 9.x and is in mixed mode, the phone is in secure mode, and the home cluster version is 8.x."),
        Custom(46, "Remote Cluster security mode not supported", "Login is unsuccessful(46)", null, "Occurs during EMCC login when the visiting cluster security mode is in mixed mode, the phone is in secure mode, and the home cluster is in nonsecure mode."),
        LoginOnly(47, "DN has multiple users", "EMCC login with loginType=DN when the directory number belongs to several users."),
    ];

    private static readonly EmErrorDefinition[] EmAppRows =
    [
        App(201, "Authentication Error", "Please try to login again (201)", null, "If the user is an EMCC user, this error can occur if \"EMCC\" is not activated on the Intercluster Service Profile window."),
        App(202, "Blank userid or pin", "Please try to login again (202)", null, "The user enters a blank user ID or PIN."),
        App(204, "Directory server error", "Login is unavailable (204)", null, "The EMApp sends this error to the phone when IMS could not authenticate the user with the given PIN."),
        App(205, "User Profile Absent", "Login is unavailable (205)", "Logout is unavailable (205)", "Occurs when the user profile information cannot be retrieved from the cache or the database."),
        App(207, "Device Name Empty", "Login is unavailable(207)", "Logout is unavailable(207)", "Occurs when the device or name tag is missing in the request URI. This cannot happen with real devices and can occur only if the request is sent from third-party applications."),
        App(208, "EMService Connection Error", "Login is unavailable(208)", "Logout is unavailable(208)", "The visiting EMApp cannot connect to any Visiting EMService. (The service is down or not activated.) The visiting EMService cannot connect to the Home EMService (the WAN is down or certificates are not trusted.)"),
        App(210, "Init Fail-Contact Admin", "Login is unavailable(210)", "Logout is unavailable(210)", "An error (such as a database connection failure) occurred while initializing EMApp. The error can occur because of a failure to connect to the database during startup."),
        App(211, "EMCC Not Activated", "Login is unavailable(211)", "Logout is unavailable(211)", "Occurs when the PSTN is not activated in the Intercluster Service Profile window of the visiting cluster."),
        App(212, "Cluster ID is invalid", "Login is unavailable(212)", null, "Occurs when a remote cluster update fails by sending an incorrect cluster ID to the remote cluster."),
        App(213, "Device does not support EMCC", "Login is unavailable(213)", "Logout is unavailable(213)", "Occurs when a device does not support EMCC."),
        App(215, "Login Type is invalid", "LoginType invalid(215)", null, "The loginType parameter of the service URL is not UID, DN or SP."),
        App(216, "DN has multiple users", "Login is unavailable(216)", null, "Login by directory number (loginType=DN) when the number is the primary extension of several users."),
    ];

    private static readonly FrozenDictionary<int, EmErrorDefinition> EmServiceByCode = EmServiceRows.ToFrozenDictionary(r => r.Code);
    private static readonly FrozenDictionary<int, EmErrorDefinition> EmAppByCode = EmAppRows.ToFrozenDictionary(r => r.Code);

    /// <summary>All EMService rows, in code order.</summary>
    public static IReadOnlyList<EmErrorDefinition> EmServiceErrors => EmServiceRows;

    /// <summary>All EMApp rows, in code order.</summary>
    public static IReadOnlyList<EmErrorDefinition> EmAppErrors => EmAppRows;

    /// <summary>The row of an EMService code.</summary>
    /// <param name="code">A defined code.</param>
    /// <returns>The row.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The enum value is not a defined code.</exception>
    public static EmErrorDefinition Get(EmServiceErrorCode code) =>
        EmServiceByCode.TryGetValue((int)code, out var row) ? row : throw new ArgumentOutOfRangeException(nameof(code), code, "Not an EMService error code.");

    /// <summary>The row of an EMApp code.</summary>
    /// <param name="code">A defined code.</param>
    /// <returns>The row.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The enum value is not a defined code.</exception>
    public static EmErrorDefinition Get(EmAppErrorCode code) =>
        EmAppByCode.TryGetValue((int)code, out var row) ? row : throw new ArgumentOutOfRangeException(nameof(code), code, "Not an EMApp error code.");

    /// <summary>Looks up a numeric code in both tables (EMService 0-47, EMApp 201-216).</summary>
    /// <param name="code">The numeric code, e.g. from a <c>&lt;error code&gt;</c> attribute.</param>
    /// <param name="definition">The row when found.</param>
    /// <returns>True when the code is in either table.</returns>
    public static bool TryGet(int code, [NotNullWhen(true)] out EmErrorDefinition? definition) =>
        EmServiceByCode.TryGetValue(code, out definition) || EmAppByCode.TryGetValue(code, out definition);

    private static EmErrorDefinition Both(int code, string description, string reason) => new()
    {
        Code = code,
        Source = EmErrorSource.EmService,
        QuickDescription = description,
        LoginDisplay = string.Create(CultureInfo.InvariantCulture, $"Login is unavailable({code})"),
        LogoutDisplay = string.Create(CultureInfo.InvariantCulture, $"Logout is unavailable({code})"),
        Reason = reason,
    };

    private static EmErrorDefinition LoginOnly(int code, string description, string reason) => Both(code, description, reason) with
    {
        LogoutDisplay = null,
    };

    private static EmErrorDefinition LogoutOnly(int code, string description, string reason) => Both(code, description, reason) with
    {
        LoginDisplay = null,
    };

    private static EmErrorDefinition Custom(int code, string description, string? login, string? logout, string reason) => new()
    {
        Code = code,
        Source = EmErrorSource.EmService,
        QuickDescription = description,
        LoginDisplay = login,
        LogoutDisplay = logout,
        Reason = reason,
    };

    private static EmErrorDefinition Internal(int code, string description, string display, string reason) =>
        Custom(code, description, display, null, reason) with { IsInternal = true };

    private static EmErrorDefinition App(int code, string description, string? login, string? logout, string reason) =>
        Custom(code, description, login, logout, reason) with { Source = EmErrorSource.EmApp };
}
