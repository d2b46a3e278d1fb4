namespace Emx.Domain.Configuration;

/// <summary>A phone model and what it supports: the data of the Unified CM Phone Feature List report.</summary>
public sealed class PhoneModel : NamedConfigObject
{
    /// <summary>Protocols the model runs.</summary>
    public List<DeviceProtocol> Protocols { get; set; } = [];

    /// <summary>Features the model supports (Extension Mobility, EMCC ...).</summary>
    public List<PhoneFeature> Features { get; set; } = [];

    /// <summary>Line/feature buttons. Default 10.</summary>
    public int MaxLines { get; set; } = 10;

    /// <summary>Expansion modules the model can take, 0-3.</summary>
    public int MaxExpansionModules { get; set; }

    /// <summary>Whether the model supports the feature.</summary>
    public bool Supports(PhoneFeature feature) => Features.Contains(feature);
}

/// <summary>A device security profile (its mode decides whether a phone is secure for the EMCC matrices).</summary>
public sealed class DeviceSecurityProfile : NamedConfigObject
{
    public DeviceSecurityMode Mode { get; set; } = DeviceSecurityMode.NonSecure;

    /// <summary>SIP transport phones using this profile register with. Default TCP+UDP (written as udp).</summary>
    public SipTransportKind Transport { get; set; } = SipTransportKind.Udp;

    /// <summary>Whether a phone with this profile counts as secure (authenticated or encrypted).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsSecure => Mode != DeviceSecurityMode.NonSecure;
}

/// <summary>A common device configuration: user-facing settings shared by devices (EMCC templates link one).</summary>
public sealed class CommonDeviceConfiguration : NamedConfigObject
{
    public string? SoftkeyTemplate { get; set; }

    public string? UserHoldMohAudioSource { get; set; }

    public string? NetworkHoldMohAudioSource { get; set; }

    public string? UserLocale { get; set; }

    /// <summary>IP addressing mode: ipv4Only, ipv6Only or ipv4AndIpv6. EMCC does not support IPv6-only phones.</summary>
    public string IpAddressingMode { get; set; } = "ipv4Only";
}

/// <summary>An IP phone service (Device &gt; Device Settings &gt; Phone Services).</summary>
public sealed class PhoneService : NamedConfigObject
{
    /// <summary>Service URL; may contain the tokens #DEVICENAME# and #EMCC# that the phone substitutes.</summary>
    public string Url { get; set; } = "";

    /// <summary>Optional HTTPS URL.</summary>
    public string? SecureUrl { get; set; }

    public PhoneServiceCategory Category { get; set; } = PhoneServiceCategory.XmlService;

    public PhoneServiceType ServiceType { get; set; } = PhoneServiceType.StandardIpPhoneService;

    /// <summary>Enable. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Enterprise Subscription: every phone and device profile is subscribed automatically.</summary>
    public bool EnterpriseSubscription { get; set; }
}

/// <summary>A line appearance on a phone or device profile: a directory number in a partition.</summary>
public sealed class Line
{
    /// <summary>Directory number (digits, optionally a leading +, *, #).</summary>
    public string Dn { get; set; } = "";

    /// <summary>Route partition of the directory number; empty means &lt;None&gt;.</summary>
    public string? Partition { get; set; }

    /// <summary>Caller ID display name.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Line text label shown next to the button.</summary>
    public string? Label { get; set; }

    /// <summary>Line calling search space (combined with the device CSS, line first).</summary>
    public string? Css { get; set; }

    /// <summary>External phone number mask.</summary>
    public string? ExternalPhoneNumberMask { get; set; }

    /// <summary>The button the line sits on (1-based); set from its position in the device's line list.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Button { get; set; }

    /// <summary>Maximum calls on this appearance, 1-200. Default 4 (CUCM default for most SIP models is 4 or 6).</summary>
    public int MaxCalls { get; set; } = 4;

    /// <summary>
    /// An intercom line (CUCM's Intercom Directory Number). Intercom is tied to a static device, so an EMCC login never
    /// presents it (seed Tables 3 and 4: EMCC does not support intercom).
    /// </summary>
    public bool Intercom { get; set; }
}

/// <summary>A speed dial entry.</summary>
public sealed class SpeedDial
{
    /// <summary>Speed dial position, 1-199.</summary>
    public int Index { get; set; }

    public string Number { get; set; } = "";

    public string? Label { get; set; }
}

/// <summary>Fields shared by phones and device profiles.</summary>
public abstract class DeviceBase : NamedConfigObject
{
    public DeviceProtocol Protocol { get; set; } = DeviceProtocol.SIP;

    public string? UserLocale { get; set; }

    public string? PhoneButtonTemplate { get; set; }

    public string? SoftkeyTemplate { get; set; }

    /// <summary>Line appearances; a line's button is its position in this list (1-based).</summary>
    public List<Line> Lines { get; set; } = [];

    public List<SpeedDial> SpeedDials { get; set; } = [];

    /// <summary>Subscribed phone services (names), besides enterprise subscriptions.</summary>
    public List<string> Services { get; set; } = [];
}

/// <summary>
/// A user device profile (seed table 1): the virtual device mapped onto a phone when a user logs in with
/// Extension Mobility.
/// </summary>
public sealed class DeviceProfile : DeviceBase
{
    /// <summary>Product Type: the phone model the profile applies to (for example "Cisco 8845").</summary>
    public string ProductType { get; set; } = "";

    /// <summary>User Hold MOH Audio Source.</summary>
    public string? UserHoldMohAudioSource { get; set; }

    public OnOffDefault Privacy { get; set; } = OnOffDefault.Default;

    public SingleButtonBarge SingleButtonBarge { get; set; } = SingleButtonBarge.Default;

    public OnOffDefault JoinAcrossLines { get; set; } = OnOffDefault.Default;

    public OnOffDefault AlwaysUsePrimeLine { get; set; } = OnOffDefault.Default;

    public OnOffDefault AlwaysUsePrimeLineForVoiceMessage { get; set; } = OnOffDefault.Default;

    /// <summary>Ignore Presentation Indicators (internal calls only).</summary>
    public bool IgnorePresentationIndicators { get; set; }

    /// <summary>Do Not Disturb.</summary>
    public bool DoNotDisturb { get; set; }

    public DndOption DndOption { get; set; } = DndOption.UseCommonPhoneProfileSetting;

    public DndIncomingCallAlert DndIncomingCallAlert { get; set; } = DndIncomingCallAlert.None;

    /// <summary>Extension Mobility Cross Cluster CSS: the device CSS of the phone while the user is logged in through EMCC. Default None.</summary>
    public string? EmccCss { get; set; }

    /// <summary>Expansion module 1 (phone template name) or null for None.</summary>
    public string? Module1 { get; set; }

    /// <summary>Expansion module 2 (phone template name) or null for None.</summary>
    public string? Module2 { get; set; }

    public string? MlppDomain { get; set; }

    public MlppIndication MlppIndication { get; set; } = MlppIndication.Default;

    public MlppPreemption MlppPreemption { get; set; } = MlppPreemption.Default;

    /// <summary>Login User Id: for a logout profile, the user the phone is logged in as after logout.</summary>
    public string? LoginUserId { get; set; }
}

/// <summary>A physical phone (device name SEP + 12 hex digits of its MAC address).</summary>
public sealed class Phone : DeviceBase
{
    /// <summary>Phone model (see <see cref="PhoneModel"/>).</summary>
    public string Model { get; set; } = "";

    /// <summary>Device pool. Default "Default".</summary>
    public string DevicePool { get; set; } = "Default";

    /// <summary>Device calling search space.</summary>
    public string? Css { get; set; }

    public string? Location { get; set; }

    public string? Geolocation { get; set; }

    /// <summary>Enable Extension Mobility (Extension Information pane). Default false.</summary>
    public bool EnableExtensionMobility { get; set; }

    /// <summary>Log Out Profile: a device profile loaded when nobody is logged in; null means "Use Current Device Settings".</summary>
    public string? LogoutProfile { get; set; }

    /// <summary>Device security profile; null means a non-secure profile.</summary>
    public string? DeviceSecurityProfile { get; set; }

    public string? CommonDeviceConfiguration { get; set; }

    /// <summary>Owner user id.</summary>
    public string? OwnerUserId { get; set; }

    /// <summary>SIP profile name.</summary>
    public string? SipProfile { get; set; }
}

/// <summary>An EMCC template (Bulk Administration &gt; EMCC &gt; EMCC Template): the settings every EMCC device gets.</summary>
public sealed class EmccTemplate : NamedConfigObject
{
    public string DevicePool { get; set; } = "Default";

    public string? SipProfile { get; set; }

    public string? CommonDeviceConfiguration { get; set; }

    public string? DeviceSecurityProfile { get; set; }

    public string? Location { get; set; }

    /// <summary>Whether this is the Default EMCC Template (exactly one may be).</summary>
    public bool Default { get; set; }
}

/// <summary>An EMCC dummy device (EMCC1, EMCC2 ...), created by Insert EMCC Devices.</summary>
public sealed class EmccDevice : IConfigObject
{
    /// <summary>Name: EMCC followed by its number.</summary>
    public string Name { get; set; } = "";

    /// <summary>The device number (N in EMCCN).</summary>
    public int Number { get; set; }

    /// <summary>The EMCC template the device was inserted with.</summary>
    public string? Template { get; set; }

    /// <inheritdoc />
    public string Key => Name;

    /// <summary>The canonical name of EMCC device number <paramref name="number"/>.</summary>
    public static string NameFor(int number) => FormattableString.Invariant($"EMCC{number}");
}
