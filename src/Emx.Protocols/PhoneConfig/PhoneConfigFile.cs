using System.Text;

namespace Emx.Protocols.PhoneConfig;

/// <summary>
/// A phone configuration file <c>SEP&lt;MAC&gt;.cnf.xml</c> (reference 4): the subset of CUCM's <c>&lt;device&gt;</c>
/// document that an EM login changes and that a Cisco-like phone needs to register and offer services.
/// Elements not modelled here (srstInfo, commonProfile, vendorConfig, TVS, certificates, ...) are ignored by
/// the parser and not written.
/// </summary>
public sealed record PhoneConfigFile
{
    /// <summary><c>fullConfig</c>; default true.</summary>
    public bool FullConfig { get; init; } = true;

    /// <summary><c>deviceProtocol</c>: <c>SIP</c> or <c>SCCP</c>.</summary>
    public required string DeviceProtocol { get; init; }

    /// <summary><c>devicePool</c>: call manager group, date/time settings.</summary>
    public required DevicePoolSettings DevicePool { get; init; }

    /// <summary><c>sipProfile</c> (SIP phones only): the lines; null for SCCP.</summary>
    public SipProfileSettings? SipProfile { get; init; }

    /// <summary><c>loadInformation</c>: the firmware load name; omitted when null.</summary>
    public string? LoadInformation { get; init; }

    /// <summary><c>versionStamp</c>: changes whenever the configuration changes (the phone compares it).</summary>
    public required string VersionStamp { get; init; }

    /// <summary><c>userLocale</c>; omitted when null.</summary>
    public UserLocaleSettings? UserLocale { get; init; }

    /// <summary><c>deviceSecurityMode</c>: 1 non-secure, 2 authenticated, 3 encrypted. Default 1.</summary>
    public int DeviceSecurityMode { get; init; } = 1;

    /// <summary><c>servicesURL</c>; omitted when null.</summary>
    public string? ServicesUrl { get; init; }

    /// <summary><c>directoryURL</c>; omitted when null.</summary>
    public string? DirectoryUrl { get; init; }

    /// <summary><c>authenticationURL</c> (used by the phone to authorise Execute pushes); omitted when null.</summary>
    public string? AuthenticationUrl { get; init; }

    /// <summary><c>transportLayerProtocol</c>: 1 TCP, 2 UDP, 4 TLS (CUCM values). Default 2.</summary>
    public int TransportLayerProtocol { get; init; } = 2;

    /// <summary><c>encrConfig</c>; omitted when null.</summary>
    public bool? EncrConfig { get; init; }

    /// <summary><c>userId</c>: the owner, or the EM user logged in; omitted when null.</summary>
    public string? UserId { get; init; }

    /// <summary><c>phoneServices</c>; omitted when null.</summary>
    public PhoneServicesSettings? PhoneServices { get; init; }

    /// <summary>
    /// Set in the visiting cluster's file while the phone is logged in by EMCC (CUCM's "EMCC Mini-config file",
    /// reference 3.2 step 9): the phone downloads its configuration from its user's home cluster and registers there.
    /// </summary>
    public EmccModeSettings? Emcc { get; init; }
}

/// <summary><c>devicePool</c>.</summary>
public sealed record DevicePoolSettings
{
    /// <summary><c>name</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>dateTimeSetting</c>; omitted when null.</summary>
    public DateTimeSettings? DateTimeSetting { get; init; }

    /// <summary><c>callManagerGroup</c>: where the phone registers.</summary>
    public required CallManagerGroupSettings CallManagerGroup { get; init; }
}

/// <summary><c>dateTimeSetting</c>.</summary>
public sealed record DateTimeSettings
{
    /// <summary><c>name</c>, e.g. <c>CMLocal</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>dateTemplate</c>, e.g. <c>D/M/Y</c>; omitted when null.</summary>
    public string? DateTemplate { get; init; }

    /// <summary><c>timeZone</c>, e.g. <c>GMT Standard/Daylight Time</c>; omitted when null.</summary>
    public string? TimeZone { get; init; }

    /// <summary><c>ntps/ntp</c> entries; <c>ntps</c> is omitted when empty.</summary>
    public ValueList<NtpServer> NtpServers { get; init; } = [];
}

/// <summary><c>ntp</c>.</summary>
public sealed record NtpServer
{
    /// <summary><c>name</c>: address or host name.</summary>
    public required string Name { get; init; }

    /// <summary><c>ntpMode</c>; default <c>Unicast</c>.</summary>
    public string Mode { get; init; } = "Unicast";
}

/// <summary><c>callManagerGroup</c>.</summary>
public sealed record CallManagerGroupSettings
{
    /// <summary><c>name</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>tftpDefault</c>; default true.</summary>
    public bool TftpDefault { get; init; } = true;

    /// <summary><c>members/member</c>, in priority order.</summary>
    public ValueList<CallManagerMember> Members { get; init; } = [];
}

/// <summary><c>member priority="N"</c> with its <c>callManager</c>.</summary>
public sealed record CallManagerMember
{
    /// <summary>The <c>priority</c> attribute (0 = primary).</summary>
    public int Priority { get; init; }

    /// <summary><c>callManager/name</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>callManager/ports</c>.</summary>
    public CallManagerPorts Ports { get; init; } = new();

    /// <summary><c>callManager/processNodeName</c>: the node's address or host name.</summary>
    public required string ProcessNodeName { get; init; }
}

/// <summary><c>ports</c>; each port is omitted when null.</summary>
public sealed record CallManagerPorts
{
    /// <summary><c>ethernetPhonePort</c> (SCCP, 2000).</summary>
    public int? EthernetPhonePort { get; init; }

    /// <summary><c>sipPort</c> (5060).</summary>
    public int? SipPort { get; init; }

    /// <summary><c>securedSipPort</c> (5061).</summary>
    public int? SecuredSipPort { get; init; }
}

/// <summary><c>sipProfile</c>.</summary>
public sealed record SipProfileSettings
{
    /// <summary><c>sipProxies/registerWithProxy</c>; default true.</summary>
    public bool RegisterWithProxy { get; init; } = true;

    /// <summary><c>sipLines/line</c>, in button order.</summary>
    public ValueList<SipLine> Lines { get; init; } = [];

    /// <summary>Speed dial buttons, written in <c>sipLines</c> after the lines.</summary>
    public ValueList<SipSpeedDial> SpeedDials { get; init; } = [];

    /// <summary><c>voipControlPort</c>; omitted when null.</summary>
    public int? VoipControlPort { get; init; }

    /// <summary><c>dialTemplate</c>; omitted when null.</summary>
    public string? DialTemplate { get; init; }
}

/// <summary>
/// <c>line button="N" lineIndex="N"</c>. <see cref="object.ToString"/> never prints <see cref="AuthPassword"/>.
/// </summary>
public sealed record SipLine
{
    /// <summary>The <c>button</c> attribute (1-based).</summary>
    public required int Button { get; init; }

    /// <summary>The <c>lineIndex</c> attribute (1-based).</summary>
    public required int LineIndex { get; init; }

    /// <summary><c>featureID</c>; 9 = line. Default 9.</summary>
    public int FeatureId { get; init; } = 9;

    /// <summary><c>featureLabel</c>: the button label; omitted when null.</summary>
    public string? FeatureLabel { get; init; }

    /// <summary><c>proxy</c>; default <c>USECALLMANAGER</c> (register with the call manager group).</summary>
    public string Proxy { get; init; } = "USECALLMANAGER";

    /// <summary><c>port</c>; default 5060.</summary>
    public int Port { get; init; } = 5060;

    /// <summary><c>name</c>: the directory number (the SIP user part registered).</summary>
    public required string Name { get; init; }

    /// <summary><c>displayName</c>; omitted when null.</summary>
    public string? DisplayName { get; init; }

    /// <summary><c>contact</c>; omitted when null.</summary>
    public string? Contact { get; init; }

    /// <summary><c>authName</c> (always written, empty by default).</summary>
    public string AuthName { get; init; } = string.Empty;

    /// <summary><c>authPassword</c> (always written, empty by default).</summary>
    public string AuthPassword { get; init; } = string.Empty;

    /// <summary><c>sharedLine</c>; default false.</summary>
    public bool SharedLine { get; init; }

    /// <summary><c>messageWaitingLampPolicy</c>; omitted when null.</summary>
    public int? MessageWaitingLampPolicy { get; init; }

    /// <summary><c>maxNumCalls</c>: the most calls the line may have at once (CUCM's Maximum Number of Calls); omitted when null.</summary>
    public int? MaxNumCalls { get; init; }

    /// <summary>
    /// <c>busyTrigger</c>: with this many calls on the line a new incoming call gets busy (CUCM's Busy Trigger); omitted
    /// when null.
    /// </summary>
    public int? BusyTrigger { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Button = ").Append(Button)
            .Append(", LineIndex = ").Append(LineIndex)
            .Append(", Name = ").Append(Name)
            .Append(", DisplayName = ").Append(DisplayName)
            .Append(", AuthName = ").Append(AuthName)
            .Append(", AuthPassword = ***");
        return true;
    }
}

/// <summary>
/// A speed dial button in <c>sipLines</c>: <c>line button="N"</c> with <c>featureID</c> 2, <c>featureLabel</c>,
/// <c>speedDialNumber</c> and <c>speedDialIndex</c> (the shape CUCM-generated SIP configuration files use).
/// </summary>
public sealed record SipSpeedDial
{
    /// <summary>The feature ID of a speed dial button.</summary>
    public const int SpeedDialFeatureId = 2;

    /// <summary>The <c>button</c> attribute (1-based; after the line buttons).</summary>
    public required int Button { get; init; }

    /// <summary><c>speedDialNumber</c>: the number dialled.</summary>
    public required string Number { get; init; }

    /// <summary><c>featureLabel</c> (always written, empty when null).</summary>
    public string? Label { get; init; }

    /// <summary><c>speedDialIndex</c>: the speed dial's own position (1-based); omitted when null.</summary>
    public int? Index { get; init; }
}

/// <summary><c>userLocale</c>.</summary>
public sealed record UserLocaleSettings
{
    /// <summary><c>name</c>, e.g. <c>English_United_States</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>langCode</c>, e.g. <c>en_US</c>.</summary>
    public required string LangCode { get; init; }
}

/// <summary><c>phoneServices useHTTPS="…"</c>.</summary>
public sealed record PhoneServicesSettings
{
    /// <summary>The <c>useHTTPS</c> attribute.</summary>
    public bool UseHttps { get; init; }

    /// <summary><c>provisioning</c>; default 2.</summary>
    public int Provisioning { get; init; } = 2;

    /// <summary><c>phoneService</c> entries.</summary>
    public ValueList<PhoneServiceEntry> Services { get; init; } = [];
}

/// <summary>
/// <c>phoneService type="…" category="…"</c>. The URL keeps the phone's substitution tokens literally
/// (<c>#DEVICENAME#</c>, <c>#EMCC#</c>); <c>&amp;</c> is escaped as <c>&amp;amp;</c> when written.
/// </summary>
public sealed record PhoneServiceEntry
{
    /// <summary>The <c>type</c> attribute: 0 for an XML service, 1 or 2 for built-ins. Default 0.</summary>
    public int Type { get; init; }

    /// <summary>The <c>category</c> attribute. Default 0.</summary>
    public int Category { get; init; }

    /// <summary><c>name</c>, e.g. <c>Extension Mobility</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>url</c>, e.g. <c>http://host:8080/emapp/EMAppServlet?device=#DEVICENAME#&amp;EMCC=#EMCC#</c>.</summary>
    public required string Url { get; init; }

    /// <summary><c>vendor</c> (always written, empty by default).</summary>
    public string Vendor { get; init; } = string.Empty;

    /// <summary><c>version</c> (always written, empty by default).</summary>
    public string Version { get; init; } = string.Empty;
}

/// <summary>EMCC mode: where the home cluster's configuration server is (Default/Backup TFTP Server for EMCC Login Device).</summary>
public sealed record EmccModeSettings
{
    /// <summary>The home cluster's configuration server, <c>host:port</c>.</summary>
    public required string HomeTftp1 { get; init; }

    /// <summary>The backup, if any.</summary>
    public string? HomeTftp2 { get; init; }
}
