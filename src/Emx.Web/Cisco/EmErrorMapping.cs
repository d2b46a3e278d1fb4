using Emx.Domain.ExtensionMobility;
using Emx.Protocols.Errors;

namespace Emx.Web.Cisco;

/// <summary>
/// The one place where the domain's reasons become Cisco's EMService codes (seed table 9, reference 1.8);
/// docs/decisions/0006 records the choices where the table is ambiguous (5 vs 20 vs 22).
/// </summary>
internal static class EmErrorMapping
{
    public static EmServiceErrorCode ToEmService(EmRejection rejection, EmOperation operation) => rejection switch
    {
        EmRejection.DeviceNotFound => EmServiceErrorCode.DeviceDoesNotExist,
        EmRejection.DeviceLogonDisabled => operation == EmOperation.Logout ? EmServiceErrorCode.DeviceLogonDisabled : EmServiceErrorCode.DeviceLogonDisabledOnDevice,
        EmRejection.UserNotFound => EmServiceErrorCode.UserDoesNotExist,
        EmRejection.ProfileNotFound => EmServiceErrorCode.DeviceProfileNotFound,
        EmRejection.DeviceInUse => EmServiceErrorCode.AnotherUserLoggedIn,
        EmRejection.UserLoggedInElsewhere => EmServiceErrorCode.UserLoggedInElsewhere,
        EmRejection.NoUserLoggedIn => EmServiceErrorCode.NoUserLoggedIn,
        EmRejection.Busy => EmServiceErrorCode.Busy,
        EmRejection.UntrustedSource => EmServiceErrorCode.UntrustedIpError,
        EmRejection.ProxyNotAllowed => EmServiceErrorCode.ProxyNotAllowed,
        EmRejection.LacksProxyRights => EmServiceErrorCode.UserLacksAppProxyRights,
        EmRejection.AuthenticationFailed => EmServiceErrorCode.InvalidAppUser,
        EmRejection.PinChangeRequired => EmServiceErrorCode.PinChangeRequired,
        EmRejection.UserInfoUnavailable => EmServiceErrorCode.DirectoryUserInfoError,
        EmRejection.PolicyValidationFailed => EmServiceErrorCode.PolicyValidationError,
        EmRejection.DatabaseError => EmServiceErrorCode.DatabaseError,
        EmRejection.StatusUnavailable => EmServiceErrorCode.HotelingStatusError,
        _ => EmServiceErrorCode.UnknownError,
    };
}
