using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Protocols.PhoneConfig;
using Microsoft.EntityFrameworkCore;

namespace Emx.Cluster.ExtensionMobility;

/// <summary>
/// Builds a phone's <c>SEP&lt;MAC&gt;.cnf.xml</c> (reference 4) from the configuration and the phone's Extension
/// Mobility state: the device pool's Unified CM group (this cluster's nodes with CallManager activated), and the lines,
/// speed dials, services, locale and user of the logged-in user's device profile; with nobody logged in, those of the
/// phone's logout profile, or else the phone's own.
/// </summary>
public sealed class PhoneConfigBuilder(IEmxDbContextFactory contexts)
{
    /// <summary>Most members of a Unified CM group (CUCM allows three).</summary>
    public const int MaxCallManagerGroupMembers = 3;

    /// <summary>The SCCP port written for SCCP phones (CUCM's ethernetPhonePort).</summary>
    public const int SccpPort = 2000;

    /// <summary>The phone's configuration, or null when no phone has that name (or it is not a SEP name).</summary>
    public async Task<PhoneConfigFile?> BuildAsync(string deviceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceName);
        if (!DeviceNames.IsPhoneName(deviceName))
        {
            return null;
        }

        await using var db = contexts.Create();
        if (await CurrentDevice.ReadAsync(db, deviceName, cancellationToken) is not { } current)
        {
            return null;
        }

        var (phone, device, userId, state) = (current.Phone, current.Device, current.UserId, current.State);
        if (current.EmccVisiting is { HomeTftp: { } homeTftp } visiting)
        {
            // Logged in by EMCC: the mini-config that sends the phone to its user's home cluster.
            var mini = new PhoneConfigFile
            {
                DeviceProtocol = phone.Protocol.ToString(),
                DevicePool = new DevicePoolSettings { Name = phone.DevicePool, CallManagerGroup = new CallManagerGroupSettings { Name = "EMCC" } },
                VersionStamp = string.Empty,
                UserId = visiting.UserId,
                Emcc = new EmccModeSettings { HomeTftp1 = homeTftp, HomeTftp2 = visiting.HomeBackupTftp },
            };
            return mini with { VersionStamp = "emcc-" + visiting.LoginTime.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }

        var pool = await db.Config<DevicePool>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == phone.DevicePool, cancellationToken);
        var nodes = await db.Nodes.AsNoTracking().ToListAsync(cancellationToken);
        var securityProfile = phone.DeviceSecurityProfile is null
            ? null
            : await db.Config<DeviceSecurityProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == phone.DeviceSecurityProfile, cancellationToken);
        var common = phone.CommonDeviceConfiguration is null
            ? null
            : await db.Config<CommonDeviceConfiguration>().AsNoTracking().FirstOrDefaultAsync(c => c.Name == phone.CommonDeviceConfiguration, cancellationToken);
        var services = await db.Config<PhoneService>().AsNoTracking().ToListAsync(cancellationToken);

        var members = CallManagerGroup(pool, nodes);
        var sipPort = members.Count > 0 ? members[0].SipPort : 5060;
        var isSip = phone.Protocol == DeviceProtocol.SIP;
        var config = new PhoneConfigFile
        {
            DeviceProtocol = phone.Protocol.ToString(),
            DevicePool = new DevicePoolSettings
            {
                Name = phone.DevicePool,
                DateTimeSetting = new DateTimeSettings { Name = pool?.DateTimeGroup ?? "CMLocal" },
                CallManagerGroup = new CallManagerGroupSettings
                {
                    Name = pool?.CallManagerGroup.Count > 0 ? pool.Name : "Default",
                    Members = [.. members.Select((node, i) => new CallManagerMember
                    {
                        Priority = i,
                        Name = node.Name,
                        Ports = isSip ? new CallManagerPorts { SipPort = node.SipPort } : new CallManagerPorts { EthernetPhonePort = SccpPort },
                        ProcessNodeName = node.Address,
                    })],
                },
            },
            SipProfile = isSip ? SipProfile(device, sipPort) : null,
            VersionStamp = string.Empty,
            UserLocale = Locale(device.UserLocale ?? phone.UserLocale ?? common?.UserLocale ?? pool?.UserLocale),
            DeviceSecurityMode = securityProfile?.Mode switch
            {
                DeviceSecurityMode.Authenticated => 2,
                DeviceSecurityMode.Encrypted => 3,
                _ => 1,
            },
            TransportLayerProtocol = securityProfile?.Transport switch
            {
                SipTransportKind.Tcp => 1,
                SipTransportKind.Tls => 4,
                _ => 2,
            },
            UserId = userId,
            PhoneServices = Services(device, services),
        };

        return config with { VersionStamp = VersionStamp(config, state) };
    }

    /// <summary>The device pool's Unified CM group, else every CallManager node by name; at most three.</summary>
    private static List<ClusterNode> CallManagerGroup(DevicePool? pool, List<ClusterNode> nodes)
    {
        var callManagers = nodes.Where(n => n.Services.Contains(NodeService.CallManager)).ToList();
        var ordered = pool?.CallManagerGroup.Count > 0
            ? pool.CallManagerGroup.Select(name => callManagers.FirstOrDefault(n => n.Name == name)).OfType<ClusterNode>()
            : callManagers.OrderBy(n => n.Name, StringComparer.Ordinal);
        return ordered.Take(MaxCallManagerGroupMembers).ToList();
    }

    private static SipProfileSettings SipProfile(DeviceBase device, int sipPort)
    {
        var lines = device.Lines.Select((line, i) => new SipLine
        {
            Button = i + 1,
            LineIndex = i + 1,
            FeatureLabel = line.Label ?? line.Dn,
            Port = sipPort,
            Name = line.Dn,
            DisplayName = line.DisplayName,
            Contact = line.Dn,
        }).ToList();
        var speedDials = device.SpeedDials.OrderBy(s => s.Index).Select(s => new SipSpeedDial
        {
            Button = lines.Count + s.Index,
            Number = s.Number,
            Label = s.Label,
            Index = s.Index,
        });
        return new SipProfileSettings
        {
            Lines = [.. lines],
            SpeedDials = [.. speedDials],
            VoipControlPort = sipPort,
        };
    }

    /// <summary>The device's subscribed services, then every enterprise subscription; enabled services only, each once.</summary>
    private static PhoneServicesSettings? Services(DeviceBase device, List<PhoneService> all)
    {
        var byName = all.Where(s => s.Enabled).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var names = device.Services.Where(byName.ContainsKey)
            .Concat(all.Where(s => s.Enabled && s.EnterpriseSubscription).Select(s => s.Name).Order(StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (names.Count == 0)
        {
            return null;
        }

        return new PhoneServicesSettings
        {
            Services = [.. names.Select(name => byName[name]).Select(s => new PhoneServiceEntry
            {
                Type = s.Category == PhoneServiceCategory.JavaMidlet ? 1 : 0,
                Category = s.ServiceType switch
                {
                    PhoneServiceType.Directories => 1,
                    PhoneServiceType.Messages => 2,
                    _ => 0,
                },
                Name = s.Name,
                Url = s.Url,
            })],
        };
    }

    /// <summary>
    /// The user locale as the phone expects it: the locale installer's name with underscores and its language code
    /// ("English United States" → <c>English_United_States</c>, <c>en_US</c>). A locale not in the table keeps its
    /// name and gets an empty language code.
    /// </summary>
    public static UserLocaleSettings? Locale(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale))
        {
            return null;
        }

        var name = string.Join('_', locale.Split([' ', ',', '_'], StringSplitOptions.RemoveEmptyEntries));
        return new UserLocaleSettings { Name = name, LangCode = LanguageCodes.GetValueOrDefault(name, string.Empty) };
    }

    /// <summary>
    /// CUCM-style version stamp <c>&lt;seconds&gt;-&lt;uuid&gt;</c>: the seconds of the last login or logout, and a
    /// digest of the file's content and the login's version. Every login and logout changes it (even when the content
    /// comes out the same); nothing else does unless the content changes.
    /// </summary>
    private static string VersionStamp(PhoneConfigFile config, ExtensionMobilityDynamic? state)
    {
        var content = PhoneConfigXml.Write(config) + "\n" + (state?.Version ?? 0).ToString(CultureInfo.InvariantCulture)
            + "\n" + (state?.LastChanged?.UtcTicks ?? 0).ToString(CultureInfo.InvariantCulture);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(content));
        var hex = Convert.ToHexStringLower(digest.AsSpan(0, 16));
        var seconds = state?.LastChanged?.ToUnixTimeSeconds() ?? 0;
        return string.Create(CultureInfo.InvariantCulture, $"{seconds}-{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}");
    }

    private static readonly Dictionary<string, string> LanguageCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["English_United_States"] = "en_US",
        ["English_United_Kingdom"] = "en_GB",
        ["French_France"] = "fr_FR",
        ["French_Canada"] = "fr_CA",
        ["German_Germany"] = "de_DE",
        ["Spanish_Spain"] = "es_ES",
        ["Italian_Italy"] = "it_IT",
        ["Dutch_Netherlands"] = "nl_NL",
        ["Portuguese_Brazil"] = "pt_BR",
        ["Portuguese_Portugal"] = "pt_PT",
        ["Swedish_Sweden"] = "sv_SE",
        ["Danish_Denmark"] = "da_DK",
        ["Norwegian_Norway"] = "no_NO",
        ["Finnish_Finland"] = "fi_FI",
        ["Polish_Poland"] = "pl_PL",
        ["Czech_Czech_Republic"] = "cs_CZ",
        ["Hungarian_Hungary"] = "hu_HU",
        ["Greek_Greece"] = "el_GR",
        ["Turkish_Turkey"] = "tr_TR",
        ["Russian_Russian_Federation"] = "ru_RU",
        ["Japanese_Japan"] = "ja_JP",
        ["Chinese_China"] = "zh_CN",
        ["Chinese_Taiwan"] = "zh_TW",
        ["Korean_Korea_Republic"] = "ko_KR",
        ["Hebrew_Israel"] = "he_IL",
        ["Arabic_Saudi_Arabia"] = "ar_SA",
    };
}
