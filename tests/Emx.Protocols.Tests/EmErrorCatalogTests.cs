namespace Emx.Protocols.Tests;

public sealed class EmErrorCatalogTests
{
    [Theory]
    [InlineData(EmServiceErrorCode.UserLoggedInElsewhere, EmOperation.Login, "Login is unavailable(25)")]
    [InlineData(EmServiceErrorCode.UnknownError, EmOperation.Logout, "Logout is unavailable(0)")]
    [InlineData(EmServiceErrorCode.UserDoesNotExist, EmOperation.Login, "Login is Unavailable (23)")]
    [InlineData(EmServiceErrorCode.UserDoesNotExist, EmOperation.Logout, "Logout is Unavailable (23)")]
    [InlineData(EmServiceErrorCode.DuplicateDeviceName, EmOperation.Login, "Login is Unavailable (37)")]
    [InlineData(EmServiceErrorCode.DeviceProfileNotFound, EmOperation.Login, "Phone record entry is absent in the device table")]
    [InlineData(EmServiceErrorCode.ConfigurationIssue, EmOperation.Login, "Please try to login again (201)")]
    [InlineData(EmServiceErrorCode.ClusterIdConfigurationIssue, EmOperation.Login, "Please try to login again (201)")]
    [InlineData(EmServiceErrorCode.NoResponseFromRemoteHost, EmOperation.Login, "Please try to login again (23)")]
    [InlineData(EmServiceErrorCode.PinChangeRequired, EmOperation.Login, "PIN change is required")]
    [InlineData(EmServiceErrorCode.RemoteClusterVersionNotSupported, EmOperation.Login, "Login is unsuccessful(45)")]
    [InlineData(EmServiceErrorCode.RemoteClusterSecurityModeNotSupported, EmOperation.Login, "Login is unsuccessful(46)")]
    [InlineData(EmServiceErrorCode.NoUserLoggedIn, EmOperation.Logout, "Logout is unavailable(19)")]
    [InlineData(EmServiceErrorCode.NoUserLoggedIn, EmOperation.Login, "Logout is unavailable(19)")]
    [InlineData(EmServiceErrorCode.Busy, EmOperation.Logout, "Logout is unavailable(26)")]
    public void Get_EmServiceCode_HasExactPhoneDisplay(EmServiceErrorCode code, EmOperation operation, string expected)
    {
        Assert.Equal(expected, EmErrorCatalog.Get(code).PhoneDisplay(operation));
    }

    [Theory]
    [InlineData(EmAppErrorCode.AuthenticationError, EmOperation.Login, "Please try to login again (201)")]
    [InlineData(EmAppErrorCode.BlankUserIdOrPin, EmOperation.Login, "Please try to login again (202)")]
    [InlineData(EmAppErrorCode.DirectoryServerError, EmOperation.Login, "Login is unavailable (204)")]
    [InlineData(EmAppErrorCode.UserProfileAbsent, EmOperation.Logout, "Logout is unavailable (205)")]
    [InlineData(EmAppErrorCode.DeviceNameEmpty, EmOperation.Login, "Login is unavailable(207)")]
    [InlineData(EmAppErrorCode.DeviceNameEmpty, EmOperation.Logout, "Logout is unavailable(207)")]
    [InlineData(EmAppErrorCode.LoginTypeInvalid, EmOperation.Login, "LoginType invalid(215)")]
    [InlineData(EmAppErrorCode.DnHasMultipleUsers, EmOperation.Login, "Login is unavailable(216)")]
    public void Get_EmAppCode_HasExactPhoneDisplay(EmAppErrorCode code, EmOperation operation, string expected)
    {
        Assert.Equal(expected, EmErrorCatalog.Get(code).PhoneDisplay(operation));
    }

    [Theory]
    [InlineData(EmServiceErrorCode.ErrorOnParsing, "Error on parsing")]
    [InlineData(EmServiceErrorCode.DeviceLogonDisabled, "Dev. logon disabled")]
    [InlineData(EmServiceErrorCode.DeviceDoesNotExist, "Device Does not exist")]
    [InlineData(EmServiceErrorCode.QueryTypeUndetermined, "Query type undetermined")]
    [InlineData(EmServiceErrorCode.RisDown, "ris down-contact admin")]
    [InlineData(EmServiceErrorCode.EmccAuthenticationError, "EMCC Authentication Error")]
    [InlineData(EmServiceErrorCode.LogoutRequestError, "Logout Request Error")]
    [InlineData(EmServiceErrorCode.ChangePassword, "Change Password")]
    [InlineData(EmServiceErrorCode.DnHasMultipleUsers, "DN has multiple users")]
    public void Get_EmServiceCode_HasExactQuickDescription(EmServiceErrorCode code, string expected)
    {
        Assert.Equal(expected, EmErrorCatalog.Get(code).QuickDescription);
    }

    [Fact]
    public void EmServiceErrors_CoverExactlyTheListedCodes()
    {
        int[] expected = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 18, 19, 20, 21, 22, 23, 25, 26, 27, 28, 29, 30, 31, 32, 33, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47];

        Assert.Equal(expected, EmErrorCatalog.EmServiceErrors.Select(e => e.Code));
        Assert.Equal(expected, Enum.GetValues<EmServiceErrorCode>().Select(c => (int)c));
        Assert.All(EmErrorCatalog.EmServiceErrors, e => Assert.Equal(EmErrorSource.EmService, e.Source));
    }

    [Fact]
    public void EmAppErrors_CoverTable8Plus215And216()
    {
        int[] expected = [201, 202, 204, 205, 207, 208, 210, 211, 212, 213, 215, 216];

        Assert.Equal(expected, EmErrorCatalog.EmAppErrors.Select(e => e.Code));
        Assert.Equal(expected, Enum.GetValues<EmAppErrorCode>().Select(c => (int)c));
        Assert.All(EmErrorCatalog.EmAppErrors, e => Assert.Equal(EmErrorSource.EmApp, e.Source));
    }

    [Fact]
    public void Catalog_InternalCodes_AreFlagged()
    {
        var internalCodes = EmErrorCatalog.EmServiceErrors.Where(e => e.IsInternal).Select(e => e.Code);

        Assert.Equal([39, 40, 41, 44], internalCodes);
    }

    [Fact]
    public void Catalog_LoginOnlyCodes_HaveNoLogoutDisplay()
    {
        foreach (var code in new[] { 2, 18, 22, 25, 43, 45, 46 })
        {
            Assert.True(EmErrorCatalog.TryGet(code, out var row));
            Assert.NotNull(row.LoginDisplay);
            Assert.Null(row.LogoutDisplay);
        }
    }

    [Fact]
    public void Catalog_EveryRow_HasTextForBothOperations()
    {
        foreach (var row in EmErrorCatalog.EmServiceErrors.Concat(EmErrorCatalog.EmAppErrors))
        {
            Assert.False(string.IsNullOrWhiteSpace(row.QuickDescription));
            Assert.False(string.IsNullOrWhiteSpace(row.Reason));
            Assert.False(string.IsNullOrWhiteSpace(row.PhoneDisplay(EmOperation.Login)));
            Assert.False(string.IsNullOrWhiteSpace(row.PhoneDisplay(EmOperation.Logout)));
        }
    }

    [Theory]
    [InlineData(13)]
    [InlineData(34)]
    [InlineData(48)]
    [InlineData(203)]
    [InlineData(-1)]
    public void TryGet_UnassignedCode_ReturnsFalse(int code)
    {
        Assert.False(EmErrorCatalog.TryGet(code, out _));
    }

    [Fact]
    public void Get_UndefinedEnumValue_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EmErrorCatalog.Get((EmServiceErrorCode)13));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmErrorCatalog.Get((EmAppErrorCode)203));
    }
}
