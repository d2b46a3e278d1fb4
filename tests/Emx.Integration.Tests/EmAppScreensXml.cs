namespace Emx.Integration.Tests;

/// <summary>The exact XML of the EMApp screens, written out by hand: what a phone receives.</summary>
internal static class EmAppScreensXml
{
    public const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    private const string LoginSoftKeys =
        "<SoftKeyItem><Name>Submit</Name><URL>SoftKey:Submit</URL><Position>1</Position></SoftKeyItem>"
        + "<SoftKeyItem><Name>&lt;&lt;</Name><URL>SoftKey:&lt;&lt;</URL><Position>2</Position></SoftKeyItem>"
        + "<SoftKeyItem><Name>Exit</Name><URL>SoftKey:Exit</URL><Position>3</Position></SoftKeyItem>";

    /// <summary>The login form; <paramref name="query"/> is the URL's query, already XML-escaped.</summary>
    public static string LoginForm(EmAppLab lab, string query, string prompt = "Enter your User ID and PIN", string userLabel = "User ID", string flags = "A", string defaultValue = "") =>
        Declaration
        + "<CiscoIPPhoneInput><Title>Extension Mobility</Title><Prompt>" + prompt + "</Prompt>"
        + "<URL>" + Origin(lab) + "/emapp/EMAppServlet?" + query + "</URL>"
        + "<InputItem><DisplayName>" + userLabel + "</DisplayName><QueryStringParam>userid</QueryStringParam><InputFlags>" + flags + "</InputFlags><DefaultValue>" + defaultValue + "</DefaultValue></InputItem>"
        + "<InputItem><DisplayName>PIN</DisplayName><QueryStringParam>seq</QueryStringParam><InputFlags>NP</InputFlags><DefaultValue></DefaultValue></InputItem>"
        + LoginSoftKeys
        + "</CiscoIPPhoneInput>";

    /// <summary>An error that ends the attempt.</summary>
    public static string Error(string display) =>
        Declaration
        + "<CiscoIPPhoneText><Title>Extension Mobility</Title><Text>" + display + "</Text>"
        + "<SoftKeyItem><Name>Exit</Name><URL>SoftKey:Exit</URL><Position>1</Position></SoftKeyItem></CiscoIPPhoneText>";

    public static string LoginSucceeded(string userAndProfileText) =>
        Declaration
        + "<CiscoIPPhoneText><Title>Extension Mobility</Title><Prompt>Login successful</Prompt><Text>" + userAndProfileText + " The phone restarts now.</Text>"
        + "<SoftKeyItem><Name>Exit</Name><URL>SoftKey:Exit</URL><Position>1</Position></SoftKeyItem></CiscoIPPhoneText>";

    public const string LogoutSucceeded =
        Declaration
        + "<CiscoIPPhoneText><Title>Extension Mobility</Title><Prompt>Logout successful</Prompt><Text>You are logged out. The phone restarts now.</Text>"
        + "<SoftKeyItem><Name>Exit</Name><URL>SoftKey:Exit</URL><Position>1</Position></SoftKeyItem></CiscoIPPhoneText>";

    public static string LogoutConfirmation(EmAppLab lab, string device, string userId) =>
        Declaration
        + "<CiscoIPPhoneText><Title>Extension Mobility</Title><Prompt>Log out of this phone?</Prompt><Text>" + userId + " is logged in on this phone.</Text>"
        + "<SoftKeyItem><Name>Logout</Name><URL>" + Origin(lab) + "/emapp/EMAppServlet?device=" + device + "&amp;doLogout=true</URL><Position>1</Position></SoftKeyItem>"
        + "<SoftKeyItem><Name>Exit</Name><URL>SoftKey:Exit</URL><Position>2</Position></SoftKeyItem></CiscoIPPhoneText>";

    public static string ProfileMenu(EmAppLab lab, string device, string token, params string[] escapedNames) =>
        Declaration
        + "<CiscoIPPhoneMenu><Title>Extension Mobility</Title><Prompt>Select a device profile</Prompt>"
        + string.Concat(escapedNames.Select((name, i) =>
            $"<MenuItem><Name>{name}</Name><URL>{Origin(lab)}/emapp/EMAppServlet?device={device}&amp;token={token}&amp;profile={i + 1}</URL></MenuItem>"))
        + "<SoftKeyItem><Name>Select</Name><URL>SoftKey:Select</URL><Position>1</Position></SoftKeyItem>"
        + "<SoftKeyItem><Name>Exit</Name><URL>SoftKey:Exit</URL><Position>2</Position></SoftKeyItem></CiscoIPPhoneMenu>";

    public static string ChangePin(EmAppLab lab, string device, string token, string prompt = "PIN change is required") =>
        Declaration
        + "<CiscoIPPhoneInput><Title>Extension Mobility</Title><Prompt>" + prompt + "</Prompt>"
        + "<URL>" + Origin(lab) + "/emapp/EMAppServlet?device=" + device + "&amp;token=" + token + "</URL>"
        + "<InputItem><DisplayName>New PIN</DisplayName><QueryStringParam>newpin</QueryStringParam><InputFlags>NP</InputFlags><DefaultValue></DefaultValue></InputItem>"
        + "<InputItem><DisplayName>Confirm new PIN</DisplayName><QueryStringParam>newpin2</QueryStringParam><InputFlags>NP</InputFlags><DefaultValue></DefaultValue></InputItem>"
        + LoginSoftKeys
        + "</CiscoIPPhoneInput>";

    /// <summary>http://127.0.0.1:port: the Host the phone (the test's HttpClient) sent.</summary>
    public static string Origin(EmAppLab lab) => "http://" + lab.Node.HttpUrl.Authority;

    /// <summary>The token in a screen URL.</summary>
    public static string TokenOf(string url)
    {
        var start = url.IndexOf("token=", StringComparison.Ordinal);
        Assert.True(start >= 0, "no token in " + url);
        var end = url.IndexOf('&', start);
        return end < 0 ? url[(start + 6)..] : url[(start + 6)..end];
    }
}
