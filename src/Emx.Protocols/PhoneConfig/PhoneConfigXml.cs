using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Emx.Protocols.PhoneConfig;

/// <summary>The outcome of <see cref="PhoneConfigXml.Parse(string, SafeXmlOptions?)"/>.</summary>
public sealed record PhoneConfigParseResult
{
    private PhoneConfigParseResult(PhoneConfigFile? value, string? error, SafeXmlFailure? xmlFailure)
    {
        Value = value;
        Error = error;
        XmlFailure = xmlFailure;
    }

    /// <summary>The parsed file on success.</summary>
    public PhoneConfigFile? Value { get; }

    /// <summary>Why the file was rejected.</summary>
    public string? Error { get; }

    /// <summary>The XML failure when the file was not acceptable XML.</summary>
    public SafeXmlFailure? XmlFailure { get; }

    /// <summary>True when <see cref="Value"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Value is not null;

    internal static PhoneConfigParseResult Success(PhoneConfigFile value) => new(value, null, null);

    internal static PhoneConfigParseResult Fail(string error, SafeXmlFailure? xmlFailure = null) => new(null, error, xmlFailure);
}

/// <summary>
/// Writes and parses <c>SEP&lt;MAC&gt;.cnf.xml</c> files (reference 4). The writer produces CUCM's element names
/// and order, indented by two spaces, after <c>&lt;?xml version="1.0" encoding="UTF-8"?&gt;</c>, ending with a
/// newline. The parser (for the phone simulator) reads through <see cref="SafeXml"/>, ignores elements it does
/// not model, accepts any child order and requires <c>deviceProtocol</c>, <c>devicePool</c> (with <c>name</c> and
/// <c>callManagerGroup</c>) and <c>versionStamp</c>.
/// </summary>
public static class PhoneConfigXml
{
    /// <summary>The MIME type to serve configuration files with over HTTP.</summary>
    public const string ContentType = "text/xml";

    /// <summary>Writes the file as text.</summary>
    /// <param name="config">The configuration.</param>
    /// <returns>The XML document.</returns>
    public static string Write(PhoneConfigFile config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var xml = new XmlOut("  ").Raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        xml.Open("device")
            .Leaf("fullConfig", Bool(config.FullConfig))
            .Leaf("deviceProtocol", config.DeviceProtocol);
        WriteDevicePool(xml, config.DevicePool);
        if (config.SipProfile is { } sip)
        {
            WriteSipProfile(xml, sip);
        }

        xml.OptionalLeaf("loadInformation", config.LoadInformation)
            .Leaf("versionStamp", config.VersionStamp);
        if (config.UserLocale is { } locale)
        {
            xml.Open("userLocale").Leaf("name", locale.Name).Leaf("langCode", locale.LangCode).Close("userLocale");
        }

        xml.Leaf("deviceSecurityMode", Int(config.DeviceSecurityMode))
            .OptionalLeaf("servicesURL", config.ServicesUrl)
            .OptionalLeaf("directoryURL", config.DirectoryUrl)
            .OptionalLeaf("authenticationURL", config.AuthenticationUrl)
            .Leaf("transportLayerProtocol", Int(config.TransportLayerProtocol))
            .OptionalLeaf("encrConfig", config.EncrConfig is { } encr ? Bool(encr) : null)
            .OptionalLeaf("userId", config.UserId);
        if (config.PhoneServices is { } services)
        {
            xml.Open("phoneServices", ("useHTTPS", Bool(services.UseHttps)))
                .Leaf("provisioning", Int(services.Provisioning));
            foreach (var service in services.Services)
            {
                xml.Open("phoneService", ("type", Int(service.Type)), ("category", Int(service.Category)))
                    .Leaf("name", service.Name)
                    .Leaf("url", service.Url)
                    .Leaf("vendor", service.Vendor)
                    .Leaf("version", service.Version)
                    .Close("phoneService");
            }

            xml.Close("phoneServices");
        }

        if (config.Emcc is { } emcc)
        {
            xml.Open("emcc").Leaf("emccMode", Bool(true)).Leaf("homeTftp1", emcc.HomeTftp1).OptionalLeaf("homeTftp2", emcc.HomeTftp2).Close("emcc");
        }

        return xml.Close("device").Raw("\n").ToString();
    }

    /// <summary>Writes the file as UTF-8 bytes without a byte-order mark (what TFTP/HTTP serve).</summary>
    /// <param name="config">The configuration.</param>
    /// <returns>The file content.</returns>
    public static byte[] WriteUtf8(PhoneConfigFile config) => Encoding.UTF8.GetBytes(Write(config));

    /// <summary>Parses a configuration file.</summary>
    /// <param name="xml">The document.</param>
    /// <param name="options">XML limits; <see cref="SafeXmlOptions.Default"/> when null.</param>
    /// <returns>The configuration or the reason it was rejected.</returns>
    public static PhoneConfigParseResult Parse(string xml, SafeXmlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var document = SafeXml.Parse(xml, options);
        if (!document.IsSuccess)
        {
            return PhoneConfigParseResult.Fail("Not acceptable XML: " + document.Failure.Message, document.Failure);
        }

        var root = document.Root;
        if (root.Name.LocalName != "device")
        {
            return PhoneConfigParseResult.Fail($"The root element must be <device>, not <{root.Name.LocalName}>.");
        }

        var reader = new Reader();
        var config = reader.Device(root);
        return reader.FirstError is null && config is not null
            ? PhoneConfigParseResult.Success(config)
            : PhoneConfigParseResult.Fail(reader.FirstError ?? "Invalid configuration file.");
    }

    private static void WriteDevicePool(XmlOut xml, DevicePoolSettings pool)
    {
        xml.Open("devicePool").Leaf("name", pool.Name);
        if (pool.DateTimeSetting is { } dateTime)
        {
            xml.Open("dateTimeSetting")
                .Leaf("name", dateTime.Name)
                .OptionalLeaf("dateTemplate", dateTime.DateTemplate)
                .OptionalLeaf("timeZone", dateTime.TimeZone);
            if (dateTime.NtpServers.Count > 0)
            {
                xml.Open("ntps");
                foreach (var ntp in dateTime.NtpServers)
                {
                    xml.Open("ntp").Leaf("name", ntp.Name).Leaf("ntpMode", ntp.Mode).Close("ntp");
                }

                xml.Close("ntps");
            }

            xml.Close("dateTimeSetting");
        }

        var group = pool.CallManagerGroup;
        xml.Open("callManagerGroup")
            .Leaf("name", group.Name)
            .Leaf("tftpDefault", Bool(group.TftpDefault))
            .Open("members");
        foreach (var member in group.Members)
        {
            xml.Open("member", ("priority", Int(member.Priority)))
                .Open("callManager")
                .Leaf("name", member.Name)
                .Open("ports")
                .OptionalLeaf("ethernetPhonePort", Int(member.Ports.EthernetPhonePort))
                .OptionalLeaf("sipPort", Int(member.Ports.SipPort))
                .OptionalLeaf("securedSipPort", Int(member.Ports.SecuredSipPort))
                .Close("ports")
                .Leaf("processNodeName", member.ProcessNodeName)
                .Close("callManager")
                .Close("member");
        }

        xml.Close("members").Close("callManagerGroup").Close("devicePool");
    }

    private static void WriteSipProfile(XmlOut xml, SipProfileSettings sip)
    {
        xml.Open("sipProfile")
            .Open("sipProxies").Leaf("registerWithProxy", Bool(sip.RegisterWithProxy)).Close("sipProxies")
            .Open("sipLines");
        foreach (var line in sip.Lines)
        {
            xml.Open("line", ("button", Int(line.Button)), ("lineIndex", Int(line.LineIndex)))
                .Leaf("featureID", Int(line.FeatureId))
                .OptionalLeaf("featureLabel", line.FeatureLabel)
                .Leaf("proxy", line.Proxy)
                .Leaf("port", Int(line.Port))
                .Leaf("name", line.Name)
                .OptionalLeaf("displayName", line.DisplayName)
                .OptionalLeaf("contact", line.Contact)
                .Leaf("authName", line.AuthName)
                .Leaf("authPassword", line.AuthPassword)
                .Leaf("sharedLine", Bool(line.SharedLine))
                .OptionalLeaf("messageWaitingLampPolicy", Int(line.MessageWaitingLampPolicy))
                .OptionalLeaf("maxNumCalls", Int(line.MaxNumCalls))
                .OptionalLeaf("busyTrigger", Int(line.BusyTrigger))
                .Close("line");
        }

        foreach (var speedDial in sip.SpeedDials)
        {
            xml.Open("line", ("button", Int(speedDial.Button)))
                .Leaf("featureID", Int(SipSpeedDial.SpeedDialFeatureId))
                .Leaf("featureLabel", speedDial.Label)
                .Leaf("speedDialNumber", speedDial.Number)
                .OptionalLeaf("speedDialIndex", Int(speedDial.Index))
                .Close("line");
        }

        xml.Close("sipLines")
            .OptionalLeaf("voipControlPort", Int(sip.VoipControlPort))
            .OptionalLeaf("dialTemplate", sip.DialTemplate)
            .Close("sipProfile");
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Int(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads the modelled elements; records the first error.</summary>
    private sealed class Reader
    {
        public string? FirstError { get; private set; }

        public PhoneConfigFile? Device(XElement root)
        {
            var protocol = RequiredText(root, "deviceProtocol");
            var poolElement = RequiredElement(root, "devicePool");
            var versionStamp = RequiredText(root, "versionStamp");
            if (FirstError is not null)
            {
                return null;
            }

            var pool = DevicePool(poolElement!);
            var sipElement = OptionalElement(root, "sipProfile");
            var localeElement = OptionalElement(root, "userLocale");
            var servicesElement = OptionalElement(root, "phoneServices");
            var emccElement = OptionalElement(root, "emcc");
            var config = new PhoneConfigFile
            {
                FullConfig = OptionalBool(root, "fullConfig") ?? true,
                DeviceProtocol = protocol!,
                DevicePool = pool!,
                SipProfile = sipElement is null ? null : SipProfile(sipElement),
                LoadInformation = OptionalText(root, "loadInformation"),
                VersionStamp = versionStamp!,
                UserLocale = localeElement is null
                    ? null
                    : new UserLocaleSettings { Name = RequiredText(localeElement, "name")!, LangCode = RequiredText(localeElement, "langCode")! },
                DeviceSecurityMode = OptionalInt(root, "deviceSecurityMode") ?? 1,
                ServicesUrl = OptionalText(root, "servicesURL"),
                DirectoryUrl = OptionalText(root, "directoryURL"),
                AuthenticationUrl = OptionalText(root, "authenticationURL"),
                TransportLayerProtocol = OptionalInt(root, "transportLayerProtocol") ?? 2,
                EncrConfig = OptionalBool(root, "encrConfig"),
                UserId = OptionalText(root, "userId"),
                PhoneServices = servicesElement is null ? null : PhoneServices(servicesElement),
                Emcc = emccElement is null ? null : new EmccModeSettings { HomeTftp1 = RequiredText(emccElement, "homeTftp1")!, HomeTftp2 = OptionalText(emccElement, "homeTftp2") },
            };
            return FirstError is null ? config : null;
        }

        private DevicePoolSettings? DevicePool(XElement element)
        {
            var name = RequiredText(element, "name");
            var groupElement = RequiredElement(element, "callManagerGroup");
            if (FirstError is not null)
            {
                return null;
            }

            var dateTimeElement = OptionalElement(element, "dateTimeSetting");
            var members = new List<CallManagerMember>();
            var membersElement = OptionalElement(groupElement!, "members");
            foreach (var member in membersElement is null ? [] : XmlRead.Children(membersElement, "member"))
            {
                var callManager = RequiredElement(member, "callManager");
                if (callManager is null)
                {
                    return null;
                }

                var ports = OptionalElement(callManager, "ports");
                members.Add(new CallManagerMember
                {
                    Priority = Attribute(member, "priority") ?? 0,
                    Name = RequiredText(callManager, "name") ?? string.Empty,
                    Ports = ports is null
                        ? new CallManagerPorts()
                        : new CallManagerPorts
                        {
                            EthernetPhonePort = OptionalInt(ports, "ethernetPhonePort"),
                            SipPort = OptionalInt(ports, "sipPort"),
                            SecuredSipPort = OptionalInt(ports, "securedSipPort"),
                        },
                    ProcessNodeName = RequiredText(callManager, "processNodeName") ?? string.Empty,
                });
            }

            return new DevicePoolSettings
            {
                Name = name!,
                DateTimeSetting = dateTimeElement is null ? null : DateTime(dateTimeElement),
                CallManagerGroup = new CallManagerGroupSettings
                {
                    Name = RequiredText(groupElement!, "name") ?? string.Empty,
                    TftpDefault = OptionalBool(groupElement!, "tftpDefault") ?? true,
                    Members = ValueList.From(members),
                },
            };
        }

        private DateTimeSettings DateTime(XElement element)
        {
            var ntps = OptionalElement(element, "ntps");
            var servers = ntps is null
                ? []
                : XmlRead.Children(ntps, "ntp")
                    .Select(ntp => new NtpServer
                    {
                        Name = RequiredText(ntp, "name") ?? string.Empty,
                        Mode = OptionalText(ntp, "ntpMode") ?? "Unicast",
                    })
                    .ToList();
            return new DateTimeSettings
            {
                Name = RequiredText(element, "name") ?? string.Empty,
                DateTemplate = OptionalText(element, "dateTemplate"),
                TimeZone = OptionalText(element, "timeZone"),
                NtpServers = ValueList.From(servers),
            };
        }

        private SipProfileSettings SipProfile(XElement element)
        {
            var proxies = OptionalElement(element, "sipProxies");
            var linesElement = OptionalElement(element, "sipLines");
            var lines = new List<SipLine>();
            var speedDials = new List<SipSpeedDial>();
            foreach (var line in linesElement is null ? [] : XmlRead.Children(linesElement, "line"))
            {
                if (OptionalText(line, "speedDialNumber") is { } number)
                {
                    var speedDialButton = Attribute(line, "button");
                    if (speedDialButton is null)
                    {
                        Fail("A speed dial <line> needs the button attribute.");
                        break;
                    }

                    speedDials.Add(new SipSpeedDial
                    {
                        Button = speedDialButton.Value,
                        Number = number,
                        Label = OptionalText(line, "featureLabel"),
                        Index = OptionalInt(line, "speedDialIndex"),
                    });
                    continue;
                }

                var button = Attribute(line, "button");
                var index = Attribute(line, "lineIndex");
                if (button is null || index is null)
                {
                    Fail("<line> needs the button and lineIndex attributes.");
                    break;
                }

                lines.Add(new SipLine
                {
                    Button = button.Value,
                    LineIndex = index.Value,
                    FeatureId = OptionalInt(line, "featureID") ?? 9,
                    FeatureLabel = OptionalText(line, "featureLabel"),
                    Proxy = OptionalText(line, "proxy") ?? "USECALLMANAGER",
                    Port = OptionalInt(line, "port") ?? 5060,
                    Name = RequiredText(line, "name") ?? string.Empty,
                    DisplayName = OptionalText(line, "displayName"),
                    Contact = OptionalText(line, "contact"),
                    AuthName = OptionalText(line, "authName") ?? string.Empty,
                    AuthPassword = OptionalText(line, "authPassword") ?? string.Empty,
                    SharedLine = OptionalBool(line, "sharedLine") ?? false,
                    MessageWaitingLampPolicy = OptionalInt(line, "messageWaitingLampPolicy"),
                    MaxNumCalls = OptionalInt(line, "maxNumCalls"),
                    BusyTrigger = OptionalInt(line, "busyTrigger"),
                });
            }

            return new SipProfileSettings
            {
                RegisterWithProxy = proxies is null ? true : OptionalBool(proxies, "registerWithProxy") ?? true,
                Lines = ValueList.From(lines),
                SpeedDials = ValueList.From(speedDials),
                VoipControlPort = OptionalInt(element, "voipControlPort"),
                DialTemplate = OptionalText(element, "dialTemplate"),
            };
        }

        private PhoneServicesSettings PhoneServices(XElement element)
        {
            var useHttps = (string?)element.Attribute("useHTTPS");
            var services = XmlRead.Children(element, "phoneService")
                .Select(service => new PhoneServiceEntry
                {
                    Type = Attribute(service, "type") ?? 0,
                    Category = Attribute(service, "category") ?? 0,
                    Name = RequiredText(service, "name") ?? string.Empty,
                    Url = RequiredText(service, "url") ?? string.Empty,
                    Vendor = OptionalText(service, "vendor") ?? string.Empty,
                    Version = OptionalText(service, "version") ?? string.Empty,
                })
                .ToList();
            return new PhoneServicesSettings
            {
                UseHttps = useHttps is not null && ParseBool(useHttps, "useHTTPS"),
                Provisioning = OptionalInt(element, "provisioning") ?? 2,
                Services = ValueList.From(services),
            };
        }

        private void Fail(string error) => FirstError ??= error;

        private XElement? RequiredElement(XElement parent, string name)
        {
            var element = OptionalElement(parent, name);
            if (element is null)
            {
                Fail($"<{parent.Name.LocalName}> is missing <{name}>.");
            }

            return element;
        }

        private XElement? OptionalElement(XElement parent, string name)
        {
            if (!XmlRead.TryGetOptionalElement(parent, name, out var element, out var error))
            {
                Fail(error!);
                return null;
            }

            return element;
        }

        private string? RequiredText(XElement parent, string name)
        {
            if (!XmlRead.TryGetRequiredLeaf(parent, name, out var value, out var error))
            {
                Fail(error!);
                return null;
            }

            return value;
        }

        private string? OptionalText(XElement parent, string name)
        {
            if (!XmlRead.TryGetOptionalLeaf(parent, name, out var value, out var error))
            {
                Fail(error!);
                return null;
            }

            return value;
        }

        private int? OptionalInt(XElement parent, string name)
        {
            var text = OptionalText(parent, name);
            return text is null ? null : ParseInt(text, name);
        }

        private bool? OptionalBool(XElement parent, string name)
        {
            var text = OptionalText(parent, name);
            return text is null ? null : ParseBool(text, name);
        }

        private int? Attribute(XElement element, string name)
        {
            var text = (string?)element.Attribute(name);
            return text is null ? null : ParseInt(text, name);
        }

        private int? ParseInt(string text, string name)
        {
            if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            Fail($"{name} '{text}' is not a number.");
            return null;
        }

        private bool ParseBool(string text, string name)
        {
            var trimmed = text.Trim();
            if (trimmed.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (!trimmed.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                Fail($"{name} '{text}' is not true or false.");
            }

            return false;
        }
    }
}
