namespace Emx.Protocols.Errors;

/// <summary>
/// EMService error codes: the numeric <c>code</c> attribute of <c>&lt;error&gt;</c> in EM API responses
/// (seed Table 9, reference 1.8). Codes 13-17, 24 and 34 are not assigned.
/// </summary>
public enum EmServiceErrorCode
{
    /// <summary>0: Unknown Error.</summary>
    UnknownError = 0,

    /// <summary>1: Error on parsing (malformed request, missing required element).</summary>
    ErrorOnParsing = 1,

    /// <summary>2: EMCC Authentication Error / cannot authorize (blank user or PIN; wrong PIN in EMCC).</summary>
    EmccAuthenticationError = 2,

    /// <summary>3: Invalid App User (appID unknown or wrong appCertificate).</summary>
    InvalidAppUser = 3,

    /// <summary>4: Policy Validation error.</summary>
    PolicyValidationError = 4,

    /// <summary>5: Dev. logon disabled (EM not enabled on the device).</summary>
    DeviceLogonDisabled = 5,

    /// <summary>6: Database Error.</summary>
    DatabaseError = 6,

    /// <summary>7: Logout Request Error (could not set or remove auto-logout).</summary>
    LogoutRequestError = 7,

    /// <summary>8: Query type undetermined.</summary>
    QueryTypeUndetermined = 8,

    /// <summary>9: Dir. User Info Error.</summary>
    DirectoryUserInfoError = 9,

    /// <summary>10: User lacks app proxy rights.</summary>
    UserLacksAppProxyRights = 10,

    /// <summary>11: Device Does not exist.</summary>
    DeviceDoesNotExist = 11,

    /// <summary>12: Dev. Profile not found.</summary>
    DeviceProfileNotFound = 12,

    /// <summary>18: Another user logged in.</summary>
    AnotherUserLoggedIn = 18,

    /// <summary>19: No user logged in.</summary>
    NoUserLoggedIn = 19,

    /// <summary>20: Hoteling flag error.</summary>
    HotelingFlagError = 20,

    /// <summary>21: Hoteling Status error.</summary>
    HotelingStatusError = 21,

    /// <summary>22: Dev. logon disabled (EM not enabled on the device; EM API or services button).</summary>
    DeviceLogonDisabledOnDevice = 22,

    /// <summary>23: User does not exist.</summary>
    UserDoesNotExist = 23,

    /// <summary>25: User logged in elsewhere (Multiple Logins Not Allowed).</summary>
    UserLoggedInElsewhere = 25,

    /// <summary>26: Busy, please try again (Maximum Concurrent Requests reached).</summary>
    Busy = 26,

    /// <summary>27: Change Password.</summary>
    ChangePassword = 27,

    /// <summary>28: Untrusted IP Error.</summary>
    UntrustedIpError = 28,

    /// <summary>29: ris down-contact admin.</summary>
    RisDown = 29,

    /// <summary>30: Proxy not allowed.</summary>
    ProxyNotAllowed = 30,

    /// <summary>31: EMCC Not Activated for the user.</summary>
    EmccNotActivatedForUser = 31,

    /// <summary>32: Device does not support EMCC.</summary>
    DeviceDoesNotSupportEmcc = 32,

    /// <summary>33: No free EMCC dummy device.</summary>
    NoFreeEmccDummyDevice = 33,

    /// <summary>35: Visiting Cluster Information is not present in Home Cluster.</summary>
    VisitingClusterInformationNotPresent = 35,

    /// <summary>36: No Remote Cluster.</summary>
    NoRemoteCluster = 36,

    /// <summary>37: Duplicate Device Name.</summary>
    DuplicateDeviceName = 37,

    /// <summary>38: EMCC Not Allowed.</summary>
    EmccNotAllowed = 38,

    /// <summary>39: Configuration Issue (EMCC TFTP servers not set; internal).</summary>
    ConfigurationIssue = 39,

    /// <summary>40: No Response from Remote Host (internal).</summary>
    NoResponseFromRemoteHost = 40,

    /// <summary>41: PIN change is required (internal).</summary>
    PinChangeRequired = 41,

    /// <summary>42: Invalid ClusterID.</summary>
    InvalidClusterId = 42,

    /// <summary>43: Device Security mode error.</summary>
    DeviceSecurityModeError = 43,

    /// <summary>44: Configuration Issue (cluster ID not valid; internal).</summary>
    ClusterIdConfigurationIssue = 44,

    /// <summary>45: Remote Cluster version not supported.</summary>
    RemoteClusterVersionNotSupported = 45,

    /// <summary>46: Remote Cluster security mode not supported.</summary>
    RemoteClusterSecurityModeNotSupported = 46,

    /// <summary>47: DN has multiple users (EMCC login with loginType=DN).</summary>
    DnHasMultipleUsers = 47,
}
