using System.Globalization;
using System.Text;
using Emx.Protocols.CiscoIpPhone;
using Emx.Protocols.Errors;

namespace Emx.Web.Cisco;

/// <summary>
/// The screens EMApp shows, as CiscoIPPhone objects within Cisco's limits (reference 2.4). Cisco's own JSP output is
/// not public (reference 9); these are emx's screens, built from the observed parameter names and the seed's display
/// strings. docs/decisions/0007-emapp-screens.md shows each one.
/// </summary>
internal static class EmAppScreens
{
    public const string Title = "Extension Mobility";

    private static readonly CiscoIpPhoneSoftKey Submit = new() { Name = "Submit", Url = "SoftKey:Submit", Position = 1 };
    private static readonly CiscoIpPhoneSoftKey Backspace = new() { Name = "<<", Url = "SoftKey:<<", Position = 2 };

    private static CiscoIpPhoneSoftKey Exit(int position) => new() { Name = "Exit", Url = "SoftKey:Exit", Position = position };

    /// <summary>The login form; <paramref name="prompt"/> null gives the login type's invitation.</summary>
    public static CiscoIpPhoneInput LoginForm(EmAppUrls urls, EmLoginType type, bool alphanumericUserId, string? defaultUserId, string? prompt = null) => new()
    {
        Title = Title,
        Prompt = prompt ?? type switch
        {
            EmLoginType.Dn => "Enter your extension and PIN",
            EmLoginType.Sp => "Enter Self-Service ID and PIN",
            _ => "Enter your User ID and PIN",
        },
        Url = urls.Base(),
        InputItems =
        [
            new CiscoIpPhoneInputItem
            {
                DisplayName = type switch
                {
                    EmLoginType.Dn => "Primary Extension",
                    EmLoginType.Sp => "Self-Service ID",
                    _ => "User ID",
                },
                QueryStringParam = EmAppRequest.UserIdParameter,
                InputFlags = type switch
                {
                    EmLoginType.Dn => CiscoIpPhoneInputFlags.Telephone,
                    EmLoginType.Sp => CiscoIpPhoneInputFlags.Numeric,
                    _ => alphanumericUserId ? CiscoIpPhoneInputFlags.Ascii : CiscoIpPhoneInputFlags.Numeric,
                },
                DefaultValue = Prefill(defaultUserId),
            },
            new CiscoIpPhoneInputItem
            {
                DisplayName = "PIN",
                QueryStringParam = EmAppRequest.PinParameter,
                InputFlags = CiscoIpPhoneInputFlags.Numeric + CiscoIpPhoneInputFlags.PasswordModifier,
            },
        ],
        SoftKeys = [Submit, Backspace, Exit(3)],
    };

    /// <summary>The login form again after 201 or 202, with the code's display string and, when given, the user id to keep.</summary>
    public static CiscoIpPhoneInput Retry(EmAppUrls urls, EmLoginType type, bool alphanumericUserId, string? typed, EmAppErrorCode code) =>
        LoginForm(urls, type, alphanumericUserId, typed, EmErrorCatalog.Get(code).PhoneDisplay(EmOperation.Login));

    /// <summary>An error that ends the attempt: the display string and Exit.</summary>
    public static CiscoIpPhoneText Error(string display) => new()
    {
        Title = Title,
        Text = display,
        SoftKeys = [Exit(1)],
    };

    /// <summary>The device profile choice; entry N submits <c>profile=N</c> with the session's token.</summary>
    public static CiscoIpPhoneMenu ProfileMenu(EmAppUrls urls, string token, IReadOnlyList<string> profiles) => new()
    {
        Title = Title,
        Prompt = "Select a device profile",
        MenuItems = [.. profiles.Take(CiscoIpPhoneLimits.MaxMenuItems).Select((name, i) => new CiscoIpPhoneMenuItem
        {
            Name = name,
            Url = urls.Continue(token, (i + 1).ToString(CultureInfo.InvariantCulture)),
        })],
        SoftKeys = [new CiscoIpPhoneSoftKey { Name = "Select", Url = "SoftKey:Select", Position = 1 }, Exit(2)],
    };

    /// <summary>41: the user must choose a new PIN (twice); <paramref name="prompt"/> says what was wrong with the last one.</summary>
    public static CiscoIpPhoneInput ChangePin(EmAppUrls urls, string token, string? prompt = null) => new()
    {
        Title = Title,
        Prompt = prompt ?? EmErrorCatalog.Get(EmServiceErrorCode.PinChangeRequired).PhoneDisplay(EmOperation.Login),
        Url = urls.Continue(token, null),
        InputItems =
        [
            new CiscoIpPhoneInputItem { DisplayName = "New PIN", QueryStringParam = EmAppRequest.NewPinParameter, InputFlags = "NP" },
            new CiscoIpPhoneInputItem { DisplayName = "Confirm new PIN", QueryStringParam = EmAppRequest.NewPinAgainParameter, InputFlags = "NP" },
        ],
        SoftKeys = [Submit, Backspace, Exit(3)],
    };

    /// <summary>Somebody is logged in: who, and a Logout soft key (<c>doLogout=true</c>).</summary>
    public static CiscoIpPhoneText LogoutConfirmation(EmAppUrls urls, string userId) => new()
    {
        Title = Title,
        Prompt = "Log out of this phone?",
        Text = userId + " is logged in on this phone.",
        SoftKeys = [new CiscoIpPhoneSoftKey { Name = "Logout", Url = urls.Logout(), Position = 1 }, Exit(2)],
    };

    /// <summary>The login went through (EMApp's phone_refresh): the phone restarts with the profile.</summary>
    public static CiscoIpPhoneText LoginSucceeded(string userId, string? profile) => new()
    {
        Title = Title,
        Prompt = "Login successful",
        Text = new StringBuilder().Append(userId).Append(" is logged in")
            .Append(profile is null ? string.Empty : " with profile " + profile)
            .Append(". The phone restarts now.").ToString(),
        SoftKeys = [Exit(1)],
    };

    /// <summary>The logout went through: the phone restarts.</summary>
    public static CiscoIpPhoneText LogoutSucceeded() => new()
    {
        Title = Title,
        Prompt = "Logout successful",
        Text = "You are logged out. The phone restarts now.",
        SoftKeys = [Exit(1)],
    };

    /// <summary>A typed or remembered user id worth pre-filling: short enough for the field and free of control characters.</summary>
    private static string Prefill(string? value) =>
        value is { Length: > 0 and <= CiscoIpPhoneLimits.DefaultValueMaxLength } && !value.Any(char.IsControl) ? value : string.Empty;
}

/// <summary>The URLs the screens point back to, keeping <c>device</c>, <c>EMCC</c> and <c>loginType</c>.</summary>
internal sealed class EmAppUrls(string origin, string deviceName, bool emcc, EmLoginType? loginType)
{
    /// <summary>The service URL for this phone: <c>origin/emapp/EMAppServlet?device=X[&amp;EMCC=true][&amp;loginType=T]</c>.</summary>
    public string Base()
    {
        var url = new StringBuilder(origin).Append(EmAppEndpoints.Path)
            .Append('?').Append(EmAppRequest.DeviceParameter).Append('=').Append(Uri.EscapeDataString(deviceName));
        if (emcc)
        {
            url.Append('&').Append(EmAppRequest.EmccParameter).Append("=true");
        }

        if (loginType is { } type)
        {
            url.Append('&').Append(EmAppRequest.LoginTypeParameter).Append('=').Append(type.ToString().ToUpperInvariant());
        }

        return url.ToString();
    }

    /// <summary>The next step of a login in progress.</summary>
    public string Continue(string token, string? profile) =>
        Base() + "&" + EmAppRequest.TokenParameter + "=" + token
        + (profile is null ? string.Empty : "&" + EmAppRequest.ProfileParameter + "=" + profile);

    /// <summary>The logout.</summary>
    public string Logout() => Base() + "&" + EmAppRequest.DoLogoutParameter + "=true";
}
