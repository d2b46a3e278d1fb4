namespace Emx.Protocols.Errors;

/// <summary>
/// EMApp error codes: shown on the phone, never in EM API XML (seed Table 8, plus 215 and 216 from reference 1.8).
/// </summary>
#pragma warning disable CA1008 // The codes are Cisco's; there is no zero code for EMApp.
public enum EmAppErrorCode
#pragma warning restore CA1008
{
    /// <summary>201: Authentication Error.</summary>
    AuthenticationError = 201,

    /// <summary>202: Blank userid or pin.</summary>
    BlankUserIdOrPin = 202,

    /// <summary>204: Directory server error.</summary>
    DirectoryServerError = 204,

    /// <summary>205: User Profile Absent.</summary>
    UserProfileAbsent = 205,

    /// <summary>207: Device Name Empty (missing <c>device</c> parameter).</summary>
    DeviceNameEmpty = 207,

    /// <summary>208: EMService Connection Error.</summary>
    EmServiceConnectionError = 208,

    /// <summary>210: Init Fail-Contact Admin.</summary>
    InitFailContactAdmin = 210,

    /// <summary>211: EMCC Not Activated.</summary>
    EmccNotActivated = 211,

    /// <summary>212: Cluster ID is invalid.</summary>
    ClusterIdInvalid = 212,

    /// <summary>213: Device does not support EMCC.</summary>
    DeviceDoesNotSupportEmcc = 213,

    /// <summary>215: Login Type is invalid.</summary>
    LoginTypeInvalid = 215,

    /// <summary>216: DN has multiple users.</summary>
    DnHasMultipleUsers = 216,
}
