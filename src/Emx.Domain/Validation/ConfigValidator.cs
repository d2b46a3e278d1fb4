using System.Globalization;
using System.Text.RegularExpressions;
using Emx.Domain.Configuration;

namespace Emx.Domain.Validation;

/// <summary>
/// Checks a provisioning document against the rules of the seeds (fields, ranges, defaults, references,
/// combinations) and the configuration already stored. Returns every error, never stops at the first.
/// </summary>
public sealed partial class ConfigValidator
{
    /// <summary>Longest name most CUCM objects take (device profile: "up to 50 characters", seed table 1).</summary>
    public const int MaxNameLength = 50;

    private readonly IConfigCatalog _catalog;
    private readonly ProvisioningDocument _doc;
    private readonly List<ConfigError> _errors = [];
    private readonly Dictionary<string, Dictionary<string, IConfigObject>> _incoming = new(StringComparer.Ordinal);

    private ConfigValidator(ProvisioningDocument doc, IConfigCatalog catalog)
    {
        _doc = doc;
        _catalog = catalog;
    }

    /// <summary>Validates the document; an empty list means it may be applied.</summary>
    public static IReadOnlyList<ConfigError> Validate(ProvisioningDocument doc, IConfigCatalog catalog)
    {
        var validator = new ConfigValidator(doc, catalog);
        validator.Run();
        return validator._errors;
    }

    /// <summary>Checks that deleting an object leaves no dangling reference; <paramref name="referrers"/> are the stored objects that may refer to it.</summary>
    public static IReadOnlyList<ConfigError> ValidateDelete(ConfigKind kind, string key, IEnumerable<(ConfigKind Kind, IConfigObject Item)> referrers)
    {
        var errors = new List<ConfigError>();
        if (kind == ConfigKinds.AccessControlGroups && AccessControlGroup.StandardGroups.Contains(key))
        {
            errors.Add(new ConfigError(kind.Name, key, "name", "a standard access control group cannot be deleted"));
        }

        foreach (var (referrerKind, item) in referrers)
        {
            foreach (var reference in ReferencesOf(referrerKind, item))
            {
                if (reference.Kind == kind.Name && reference.Key == key)
                {
                    errors.Add(new ConfigError(kind.Name, key, "name",
                        $"still used by {referrerKind.Name} '{item.Key}' ({reference.Field}); change or delete that first"));
                }
            }
        }

        return errors;
    }

    /// <summary>The references of an object, including a route pattern's resolved destination.</summary>
    public static IEnumerable<ConfigReference> ReferencesOf(ConfigKind kind, IConfigObject item)
    {
        foreach (var reference in kind.ReferencesOf(item))
        {
            yield return reference;
        }

        if (item is DeviceProfile { LoginUserId: { Length: > 0 } loginUser })
        {
            yield return new ConfigReference("endUsers", loginUser, "loginUserId");
        }

        if (item is RoutePattern { Block: false } pattern && pattern.Destination != ConfigKinds.StandardLocalRouteGroup)
        {
            // The destination may name a route list, a route group or a trunk; report it against each kind so
            // deleting whichever one it resolves to is refused.
            foreach (var target in new[] { "routeLists", "routeGroups", "sipTrunks" })
            {
                yield return new ConfigReference(target, pattern.Destination, "destination");
            }
        }
    }

    private void Run()
    {
        foreach (var (kind, items) in _doc.ObjectLists())
        {
            var map = new Dictionary<string, IConfigObject>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                if (!map.TryAdd(item.Key, item))
                {
                    Error(kind.Name, item.Key, KeyField(kind), "appears more than once in the document");
                }
            }

            _incoming[kind.Name] = map;
        }

        ValidateSections();
        foreach (var (kind, items) in _doc.ObjectLists())
        {
            foreach (var item in items)
            {
                ValidateReferences(kind, item);
                ValidateObject(kind, item);
            }
        }

        ValidateAggregates();
    }

    private static string KeyField(ConfigKind kind) => kind.Name switch
    {
        "endUsers" or "applicationUsers" => "userId",
        "remoteClusters" => "clusterId",
        "routePatterns" => "pattern",
        _ => "name",
    };

    private bool Exists(string kind, string key) =>
        (_incoming.TryGetValue(kind, out var map) && map.ContainsKey(key)) || _catalog.Exists(kind, key);

    private T? Find<T>(string? key)
        where T : class, IConfigObject
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        var kind = ConfigKinds.Of<T>();
        return _incoming.TryGetValue(kind.Name, out var map) && map.TryGetValue(key, out var item) ? (T)item : _catalog.Find<T>(key);
    }

    private IEnumerable<T> Effective<T>()
        where T : class, IConfigObject
    {
        var kind = ConfigKinds.Of<T>();
        var incoming = _incoming.TryGetValue(kind.Name, out var map) ? map : [];
        return _catalog.All<T>().Where(s => !incoming.ContainsKey(s.Key)).Concat(incoming.Values.Cast<T>());
    }

    private T Section<T>(T? incoming)
        where T : class, ISettingsSection, new() => incoming ?? _catalog.Section<T>();

    private void Error(string kind, string key, string field, string reason) => _errors.Add(new ConfigError(kind, key, field, reason));

    private void ValidateReferences(ConfigKind kind, IConfigObject item)
    {
        foreach (var reference in kind.ReferencesOf(item))
        {
            if (!Exists(reference.Kind, reference.Key))
            {
                Error(kind.Name, item.Key, reference.Field, $"refers to {Singular(reference.Kind)} '{reference.Key}', which does not exist");
            }
        }
    }

    private static string Singular(string kind) => kind switch
    {
        "callingSearchSpaces" => "calling search space",
        "devicePools" => "device pool",
        "deviceProfiles" => "device profile",
        "phoneModels" => "phone model",
        "phoneServices" => "phone service",
        "endUsers" => "end user",
        "accessControlGroups" => "access control group",
        "routeGroups" => "route group",
        "sipTrunks" => "SIP trunk",
        "deviceSecurityProfiles" => "device security profile",
        "commonDeviceConfigurations" => "common device configuration",
        "emccTemplates" => "EMCC template",
        "geolocationFilters" => "geolocation filter",
        _ => kind.TrimEnd('s'),
    };

    private void ValidateName(ConfigKind kind, string key, string field, string? name, int maxLength = MaxNameLength)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            Error(kind.Name, key, field, "is required");
        }
        else if (name.Length > maxLength)
        {
            Error(kind.Name, key, field, $"is {name.Length} characters; at most {maxLength} are allowed");
        }
        else if (name.Trim() != name || name.Any(char.IsControl))
        {
            Error(kind.Name, key, field, "may not start or end with spaces or contain control characters");
        }
    }

    private void ValidateObject(ConfigKind kind, IConfigObject item)
    {
        var key = item.Key;
        switch (item)
        {
            case NamedConfigObject named when item is not Phone and not PhoneService:
                ValidateName(kind, key, "name", named.Name);
                break;
        }

        switch (item)
        {
            case CallingSearchSpace css:
                foreach (var dup in css.Partitions.GroupBy(p => p).Where(g => g.Count() > 1))
                {
                    Error(kind.Name, key, "partitions", $"lists partition '{dup.Key}' more than once");
                }

                break;
            case RoutePattern pattern:
                ValidateRoutePattern(kind, pattern);
                break;
            case RouteList list:
                if (list.Members.Count == 0)
                {
                    Error(kind.Name, key, "members", "a route list needs at least one route group");
                }

                break;
            case SipTrunk trunk:
                if (string.IsNullOrWhiteSpace(trunk.Destination))
                {
                    Error(kind.Name, key, "destination", "is required");
                }

                Range(kind, key, "port", trunk.Port, 1, 65535);
                Range(kind, key, "optionsPingIntervalSeconds", trunk.OptionsPingIntervalSeconds, 5, 600);
                break;
            case Geolocation geo:
                if (geo.Country is { } country && !CountryCode().IsMatch(country))
                {
                    Error(kind.Name, key, "country", "must be a two-letter country code (ISO 3166), for example US");
                }

                break;
            case GeolocationFilter filter:
                if (filter.Fields.Count == 0)
                {
                    Error(kind.Name, key, "fields", "a geolocation filter needs at least one field");
                }

                break;
            case Region region:
                if (!EmccFeatureConfiguration.AllowedAudioBitRates.Contains(region.MaxAudioBitRateKbps))
                {
                    Error(kind.Name, key, "maxAudioBitRateKbps", $"must be one of {string.Join(", ", EmccFeatureConfiguration.AllowedAudioBitRates)}");
                }

                Range(kind, key, "maxVideoCallBitRateKbps", region.MaxVideoCallBitRateKbps, 0, 8128);
                break;
            case Location location:
                if (location.AudioBandwidthKbps is < 0)
                {
                    Error(kind.Name, key, "audioBandwidthKbps", "bandwidth may not be negative");
                }

                if (location.VideoBandwidthKbps is < 0)
                {
                    Error(kind.Name, key, "videoBandwidthKbps", "bandwidth may not be negative");
                }

                break;
            case PhoneModel model:
                if (model.Protocols.Count == 0)
                {
                    Error(kind.Name, key, "protocols", "a phone model runs at least one protocol");
                }

                if (model.Supports(PhoneFeature.ExtensionMobilityCrossCluster) && !model.Supports(PhoneFeature.ExtensionMobility))
                {
                    Error(kind.Name, key, "features", "extensionMobilityCrossCluster requires extensionMobility");
                }

                Range(kind, key, "maxLines", model.MaxLines, 1, 200);
                Range(kind, key, "maxExpansionModules", model.MaxExpansionModules, 0, 3);
                break;
            case PhoneService service:
                ValidateName(kind, key, "name", service.Name, 32);
                if (!IsServiceUrl(service.Url))
                {
                    Error(kind.Name, key, "url", "must be an absolute http:// or https:// URL (the tokens #DEVICENAME# and #EMCC# are allowed)");
                }

                if (service.SecureUrl is not null && !(IsServiceUrl(service.SecureUrl) && service.SecureUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase)))
                {
                    Error(kind.Name, key, "secureUrl", "must be an absolute https:// URL");
                }

                break;
            case DeviceProfile profile:
                ValidateDeviceProfile(kind, profile);
                ReservedEmccName(kind, profile.Name);
                break;
            case Phone phone:
                ValidatePhone(kind, phone);
                break;
            case EndUser user:
                ValidateEndUser(kind, user);
                break;
            case ApplicationUser app:
                ValidateUserId(kind, key, app.UserId);
                if (app.Password is null && !_catalog.Exists(kind.Name, key))
                {
                    Error(kind.Name, key, "password", "is required for a new application user");
                }
                else if (app.Password is not null && app.Password.Length < Section(_doc.CredentialPolicy).MinimumPasswordLength)
                {
                    Error(kind.Name, key, "password", $"is shorter than the credential policy's minimum of {Section(_doc.CredentialPolicy).MinimumPasswordLength}");
                }

                break;
            case EmccTemplate template:
                ReservedEmccName(kind, template.Name);
                break;
            case RemoteCluster remote:
                if (!ClusterIdPattern().IsMatch(remote.ClusterId))
                {
                    Error(kind.Name, key, "clusterId", "must be 1-50 letters, digits, '.', '-' or '_'");
                }
                else if (remote.ClusterId == Section(_doc.Cluster).Id)
                {
                    Error(kind.Name, key, "clusterId", "is this cluster's own Cluster ID; a remote cluster must have another");
                }

                if (string.IsNullOrWhiteSpace(remote.FullyQualifiedName))
                {
                    Error(kind.Name, key, "fullyQualifiedName", "is required (an IP address or a name resolving to a node of the remote cluster)");
                }

                if (remote.Emcc && remote.Tftp)
                {
                    Error(kind.Name, key, "tftp", "must stay disabled for a remote cluster used for EMCC (proxy TFTP is not supported with EMCC)");
                }

                Range(kind, key, "httpsPort", remote.HttpsPort, 1, 65535);
                break;
        }
    }

    private void ValidateRoutePattern(ConfigKind kind, RoutePattern pattern)
    {
        var key = pattern.Key;
        if (!RoutePatternRules.IsValid(pattern.Pattern))
        {
            Error(kind.Name, key, "pattern", "must use digits, *, #, X, !, ?, [ranges] (optionally negated with ^), a leading \\+ and one '.' discard point");
        }
        else if (pattern.Pattern.Count(c => c == '.') > 1)
        {
            Error(kind.Name, key, "pattern", "may contain at most one '.' discard point");
        }

        if (pattern.Block)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(pattern.Destination))
        {
            Error(kind.Name, key, "destination", "is required unless the pattern blocks calls");
        }
        else if (pattern.Destination != ConfigKinds.StandardLocalRouteGroup
                 && !Exists("routeLists", pattern.Destination) && !Exists("routeGroups", pattern.Destination)
                 && !Exists("sipTrunks", pattern.Destination))
        {
            Error(kind.Name, key, "destination",
                $"'{pattern.Destination}' is not a route list, route group or SIP trunk (or {ConfigKinds.StandardLocalRouteGroup})");
        }
    }

    private void ValidateLines(ConfigKind kind, DeviceBase device, PhoneModel? model)
    {
        var key = device.Key;
        for (var i = 0; i < device.Lines.Count; i++)
        {
            var line = device.Lines[i];
            if (!DirectoryNumber().IsMatch(line.Dn))
            {
                Error(kind.Name, key, $"lines[{i}].dn", "must be 1-24 digits, optionally with a leading '+' or \\+, and * or #");
            }

            Range(kind, key, $"lines[{i}].maxCalls", line.MaxCalls, 1, 200);
        }

        foreach (var dup in device.Lines.GroupBy(l => (l.Dn, l.Partition ?? "")).Where(g => g.Count() > 1))
        {
            Error(kind.Name, key, "lines", $"directory number {dup.Key.Dn} in partition '{dup.Key.Item2}' appears more than once");
        }

        if (model is not null && device.Lines.Count > model.MaxLines)
        {
            Error(kind.Name, key, "lines", $"has {device.Lines.Count} lines; model '{model.Name}' has {model.MaxLines} line buttons");
        }

        foreach (var speedDial in device.SpeedDials)
        {
            Range(kind, key, "speedDials.index", speedDial.Index, 1, 199);
            if (string.IsNullOrWhiteSpace(speedDial.Number))
            {
                Error(kind.Name, key, "speedDials.number", $"speed dial {speedDial.Index} has no number");
            }
        }

        foreach (var dup in device.SpeedDials.GroupBy(s => s.Index).Where(g => g.Count() > 1))
        {
            Error(kind.Name, key, "speedDials", $"index {dup.Key} is used more than once");
        }

        if (model is not null && !model.Protocols.Contains(device.Protocol))
        {
            Error(kind.Name, key, "protocol", $"model '{model.Name}' does not run {device.Protocol}");
        }
    }

    private void ValidateDeviceProfile(ConfigKind kind, DeviceProfile profile)
    {
        var key = profile.Key;
        var model = Find<PhoneModel>(profile.ProductType);
        ValidateLines(kind, profile, model);

        // Seed table 1, MLPP Indication/Preemption: "Do not configure a device profile with the following combination
        // of settings: MLPP Indication is set to Off or Default (when default is Off) while MLPP Preemption is set to Forceful."
        if (profile.MlppPreemption == MlppPreemption.Forceful && profile.MlppIndication != MlppIndication.On)
        {
            Error(kind.Name, key, "mlppPreemption",
                "Forceful preemption requires MLPP Indication On (seed table 1 forbids Indication Off or Default with Preemption Forceful)");
        }

        if (!string.IsNullOrEmpty(profile.Module2) && string.IsNullOrEmpty(profile.Module1))
        {
            Error(kind.Name, key, "module2", "module 2 needs module 1");
        }

        var modules = (string.IsNullOrEmpty(profile.Module1) ? 0 : 1) + (string.IsNullOrEmpty(profile.Module2) ? 0 : 1);
        if (model is not null && modules > model.MaxExpansionModules)
        {
            Error(kind.Name, key, "module1", $"model '{model.Name}' takes {model.MaxExpansionModules} expansion modules");
        }

        if (model is not null && !model.Supports(PhoneFeature.ExtensionMobility))
        {
            Error(kind.Name, key, "productType", $"model '{model.Name}' does not support Extension Mobility, so a device profile for it cannot be used");
        }

        if (!string.IsNullOrEmpty(profile.LoginUserId) && !Exists("endUsers", profile.LoginUserId))
        {
            Error(kind.Name, key, "loginUserId", $"refers to end user '{profile.LoginUserId}', which does not exist");
        }
    }

    // Reference 3.4: Insert EMCC Devices fails on name collisions with phones, profiles or templates named EMCCnnn.
    private void ReservedEmccName(ConfigKind kind, string name)
    {
        if (EmccName().IsMatch(name))
        {
            Error(kind.Name, name, "name", "names EMCC followed by digits are reserved for EMCC devices");
        }
    }

    // Reference section 6: "IPs/hostnames separated by ';', no ranges/regex".
    private static bool IsIpOrHostName(string entry)
    {
        if (entry.Contains(':', StringComparison.Ordinal))
        {
            return System.Net.IPAddress.TryParse(entry, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        }

        if (entry.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return entry.Split('.').Length == 4 && System.Net.IPAddress.TryParse(entry, out _);
        }

        // A host name has at least one letter; "10.0.0.1-20" is a range, not a name.
        return entry.Length <= 253 && entry.Any(char.IsAsciiLetter) && Uri.CheckHostName(entry) == UriHostNameType.Dns;
    }

    private void ValidatePhone(ConfigKind kind, Phone phone)
    {
        var key = phone.Key;
        if (!DeviceNames.IsPhoneName(phone.Name))
        {
            Error(kind.Name, key, "name", "a phone's device name is SEP followed by the 12 hexadecimal digits of its MAC address, for example SEP0A1B2C3D4E5F");
        }

        if (phone.Name.StartsWith("EMCC", StringComparison.OrdinalIgnoreCase))
        {
            Error(kind.Name, key, "name", "names starting with EMCC are reserved for EMCC devices");
        }

        var model = Find<PhoneModel>(phone.Model);
        ValidateLines(kind, phone, model);
        if (phone.EnableExtensionMobility && model is not null && !model.Supports(PhoneFeature.ExtensionMobility))
        {
            Error(kind.Name, key, "enableExtensionMobility", $"model '{model.Name}' does not support Extension Mobility");
        }
    }

    private void ValidateUserId(ConfigKind kind, string key, string userId)
    {
        ValidateName(kind, key, "userId", userId, 128);
        if (userId.Any(c => c is '"' or '<' or '>' or '&' or '\'' || char.IsWhiteSpace(c)))
        {
            Error(kind.Name, key, "userId", "may not contain spaces, quotes, '<', '>' or '&'");
        }
    }

    private void ValidateEndUser(ConfigKind kind, EndUser user)
    {
        var key = user.Key;
        ValidateUserId(kind, key, user.UserId);
        var em = Section(_doc.ServiceParameters?.ExtensionMobility);
        if (!em.AlphanumericUserId && user.UserId.Length > 0 && !user.UserId.All(char.IsAsciiDigit))
        {
            Error(kind.Name, key, "userId", "Alphanumeric User ID is False, so user ids must be numeric");
        }

        var policy = Section(_doc.CredentialPolicy);
        if (user.Pin is not null)
        {
            if (!user.Pin.All(char.IsAsciiDigit))
            {
                Error(kind.Name, key, "pin", "a PIN is digits only");
            }
            else if (user.Pin.Length < policy.MinimumPinLength)
            {
                Error(kind.Name, key, "pin", $"is {user.Pin.Length} digits; the credential policy requires at least {policy.MinimumPinLength}");
            }
            else if (user.Pin.Length > 128)
            {
                Error(kind.Name, key, "pin", "is longer than 128 digits");
            }
        }

        if (user.Password is not null && user.Password.Length < policy.MinimumPasswordLength)
        {
            Error(kind.Name, key, "password", $"is shorter than the credential policy's minimum of {policy.MinimumPasswordLength}");
        }

        if (user.DefaultProfile is not null && !user.ControlledProfiles.Contains(user.DefaultProfile))
        {
            Error(kind.Name, key, "defaultProfile", $"'{user.DefaultProfile}' is not one of the user's controlled profiles");
        }

        foreach (var dup in user.ControlledProfiles.GroupBy(p => p).Where(g => g.Count() > 1))
        {
            Error(kind.Name, key, "controlledProfiles", $"lists '{dup.Key}' more than once");
        }

        if (user.PrimaryExtension is not null && !DirectoryNumber().IsMatch(user.PrimaryExtension))
        {
            Error(kind.Name, key, "primaryExtension", "must be a directory number");
        }

        if (user.MaximumLoginTime is not null && !LoginTime.TryParse(user.MaximumLoginTime, out _))
        {
            Error(kind.Name, key, "maximumLoginTime", "must be HHH:MM between 0:00 and 168:00");
        }
    }

    private void ValidateSections()
    {
        if (_doc.Cluster is { } cluster)
        {
            if (!ClusterIdPattern().IsMatch(cluster.Id))
            {
                Error("cluster", "", "id", "the Cluster ID must be 1-50 letters, digits, '.', '-' or '_'");
            }

            if (!ProductVersion.TryParse(cluster.Version, out _))
            {
                Error("cluster", "", "version", "must be a product version such as 15.0, 9.1 or 8.6 (8.0 or later)");
            }

            Range("cluster", "", "maxPhones", cluster.MaxPhones, 1, 1_000_000);
        }

        if (_doc.ServiceParameters?.ExtensionMobility is { } em)
        {
            const string s = "serviceParameters.extensionMobility";
            Range(s, "", "maximumConcurrentRequests", em.MaximumConcurrentRequests, 1, 100);
            Range(s, "", "extensionMobilityCacheSize", em.ExtensionMobilityCacheSize, 1000, 20000);
            if (!LoginTime.TryParse(em.IntraClusterMaximumLoginTime, out _))
            {
                Error(s, "", "intraClusterMaximumLoginTime", "must be HHH:MM between 0:00 and 168:00");
            }

            if (!LoginTime.TryParse(em.InterClusterMaximumLoginTime, out _))
            {
                Error(s, "", "interClusterMaximumLoginTime", "must be HHH:MM between 0:00 and 168:00");
            }

            if (em.TrustedListOfIps.Length > 1024)
            {
                Error(s, "", "trustedListOfIps", "is longer than 1024 characters");
            }

            foreach (var entry in em.TrustedIps)
            {
                if (!IsIpOrHostName(entry))
                {
                    Error(s, "", "trustedListOfIps", $"'{entry}' is not an IP address or host name (ranges and wildcards are not supported)");
                }
            }
        }

        if (_doc.CredentialPolicy is { } policy)
        {
            Range("credentialPolicy", "", "failedLogonThreshold", policy.FailedLogonThreshold, 0, 100);
            Range("credentialPolicy", "", "resetFailedLogonAttemptsMinutes", policy.ResetFailedLogonAttemptsMinutes, 1, 120);
            Range("credentialPolicy", "", "lockoutMinutes", policy.LockoutMinutes, 0, 1440);
            Range("credentialPolicy", "", "minimumPinLength", policy.MinimumPinLength, 1, 64);
            Range("credentialPolicy", "", "minimumPasswordLength", policy.MinimumPasswordLength, 1, 64);
        }

        if (_doc.EmccFeatureConfiguration is { } emcc)
        {
            const string s = "emccFeatureConfiguration";
            Range(s, "", "defaultIntervalForExpiredEmccDeviceMaintenance", emcc.DefaultIntervalForExpiredEmccDeviceMaintenance, 10, 1440);
            Range(s, "", "emccRegionMaxVideoCallBitRate", emcc.EmccRegionMaxVideoCallBitRate, 0, 8128);
            Range(s, "", "rsvpSipTrunkKeepAliveTimer", emcc.RsvpSipTrunkKeepAliveTimer, 1, 600);
            Range(s, "", "remoteClusterUpdateInterval", emcc.RemoteClusterUpdateInterval, 15, 10080);
            if (!EmccFeatureConfiguration.AllowedAudioBitRates.Contains(emcc.EmccRegionMaxAudioBitRate))
            {
                Error(s, "", "emccRegionMaxAudioBitRate", $"must be one of {string.Join(", ", EmccFeatureConfiguration.AllowedAudioBitRates)} kb/s");
            }

            if (emcc.EmccGeolocationFilter is { } filter && !Exists("geolocationFilters", filter))
            {
                Error(s, "", "emccGeolocationFilter", $"refers to geolocation filter '{filter}', which does not exist");
            }
        }

        if (_doc.InterclusterServiceProfile is { } isp)
        {
            ValidateTrunkService("pstnAccess", isp.PstnAccess);
            ValidateTrunkService("rsvpAgent", isp.RsvpAgent);
        }

        if (_doc.BulkCertificateManagement is { } bulk)
        {
            ValidateBulkCertificateManagement(bulk);
        }

        if (_doc.IlsConfiguration is { } ils)
        {
            if (ils.Role == IlsRole.Spoke && string.IsNullOrWhiteSpace(ils.RegistrationServer))
            {
                Error("ilsConfiguration", "", "registrationServer", "a spoke cluster needs the registration server (its hub's publisher)");
            }

            Range("ilsConfiguration", "", "syncIntervalMinutes", ils.SyncIntervalMinutes, 1, 1440);
            if (ils.RouteString is { } route && !RouteString().IsMatch(route))
            {
                Error("ilsConfiguration", "", "routeString", "must be 1-64 letters, digits, '.' or '-'");
            }
        }
    }

    private void ValidateBulkCertificateManagement(BulkCertificateManagement bulk)
    {
        const string s = "bulkCertificateManagement";
        Range(s, "", "port", bulk.Port, 1, 65535);
        Range(s, "", "timeoutSeconds", bulk.TimeoutSeconds, 5, 600);

        // The values end up in an sftp batch file and on its command line: no quotes, control characters or option-like starts.
        if (bulk.Directory is null)
        {
            // Not configured yet (CUCM's page before Save); the operations say so. An SFTP server without a directory is a mistake.
            if (bulk.Location == SharedLocationKind.Sftp)
            {
                Error(s, "", "directory", "is required: the directory on the SFTP server every participating cluster exports to");
            }
        }
        else if (string.IsNullOrWhiteSpace(bulk.Directory))
        {
            Error(s, "", "directory", "is empty: name the directory every participating cluster exports to");
        }
        else if (bulk.Directory.Length > 1024 || bulk.Directory.Any(c => char.IsControl(c) || c == '"'))
        {
            Error(s, "", "directory", "must be at most 1024 characters without quotes or control characters");
        }
        else if (bulk.Location == SharedLocationKind.Directory && !Path.IsPathFullyQualified(bulk.Directory))
        {
            Error(s, "", "directory", "must be an absolute path for location directory");
        }

        if (bulk.Location != SharedLocationKind.Sftp)
        {
            return;
        }

        if (string.IsNullOrEmpty(bulk.Server) || bulk.Server.StartsWith('-') || !IsIpOrHostName(bulk.Server))
        {
            Error(s, "", "server", "location sftp needs the SFTP server's host name or IP address");
        }

        if (string.IsNullOrEmpty(bulk.UserId) || !SftpUser().IsMatch(bulk.UserId))
        {
            Error(s, "", "userId", "location sftp needs a user id (letters, digits, '.', '_' or '-', not starting with '-')");
        }

        if (string.IsNullOrEmpty(bulk.IdentityFile) || !Path.IsPathFullyQualified(bulk.IdentityFile) || bulk.IdentityFile.Any(char.IsControl))
        {
            Error(s, "", "identityFile", "location sftp needs the absolute path of the node's OpenSSH private key (key authentication)");
        }

        if (bulk.HostKey is { } hostKey && !HostKey().IsMatch(hostKey))
        {
            Error(s, "", "hostKey", "must be a known_hosts key: '<type> <base64>', e.g. 'ssh-ed25519 AAAA...'");
        }
    }

    private void ValidateTrunkService(string field, InterclusterTrunkService service)
    {
        const string s = "interclusterServiceProfile";
        if (service.Active && string.IsNullOrEmpty(service.SipTrunk))
        {
            Error(s, "", $"{field}.sipTrunk", "an active service needs its SIP trunk");
        }

        if (string.IsNullOrEmpty(service.SipTrunk))
        {
            return;
        }

        var trunk = Find<SipTrunk>(service.SipTrunk);
        if (trunk is null)
        {
            Error(s, "", $"{field}.sipTrunk", $"refers to SIP trunk '{service.SipTrunk}', which does not exist");
        }
        else if (trunk.ServiceType != TrunkServiceType.ExtensionMobilityCrossClusters)
        {
            Error(s, "", $"{field}.sipTrunk", $"SIP trunk '{trunk.Name}' must have Trunk Service Type Extension Mobility Cross Clusters");
        }
    }

    private void ValidateAggregates()
    {
        // Seed, "Configure Intercluster SIP Trunk": "You do not need more than two SIP trunks for extension mobility cross cluster."
        var emccTrunks = Effective<SipTrunk>().Where(t => t.ServiceType == TrunkServiceType.ExtensionMobilityCrossClusters).ToList();
        if (emccTrunks.Count > 2)
        {
            Error("sipTrunks", emccTrunks[^1].Name, "serviceType",
                $"at most two SIP trunks may carry Extension Mobility Cross Clusters ({string.Join(", ", emccTrunks.Select(t => t.Name))})");
        }

        var defaults = Effective<EmccTemplate>().Where(t => t.Default).Select(t => t.Name).ToList();
        if (defaults.Count > 1)
        {
            Error("emccTemplates", defaults[^1], "default", $"only one EMCC template can be the default ({string.Join(", ", defaults)})");
        }

        if (_doc.EmccDevices is { } insertion)
        {
            Range("emccDevices", "", "count", insertion.Count, 0, 60_000);
            var template = insertion.Template ?? defaults.FirstOrDefault();
            if (template is null && insertion.Count > _catalog.Count("emccDevices"))
            {
                Error("emccDevices", "", "template", "no EMCC template given and no default EMCC template is set (seed: Set the Default Template)");
            }
            else if (template is not null && !Exists("emccTemplates", template))
            {
                Error("emccDevices", "", "template", $"refers to EMCC template '{template}', which does not exist");
            }
        }

        // Seed table 4: Phones + (2 x EMCC devices) = MaxPhones.
        var maxPhones = Section(_doc.Cluster).MaxPhones;
        var newPhones = _incoming.TryGetValue("phones", out var phones) ? phones.Keys.Count(k => !_catalog.Exists("phones", k)) : 0;
        var phoneCount = _catalog.Count("phones") + newPhones;
        var emccCount = Math.Max(_catalog.Count("emccDevices"), _doc.EmccDevices?.Count ?? 0);
        if (phoneCount + (2 * emccCount) > maxPhones)
        {
            Error(_doc.EmccDevices is null ? "phones" : "emccDevices", "", "count",
                $"phones ({phoneCount}) + 2 x EMCC devices ({emccCount}) would exceed MaxPhones ({maxPhones})");
        }
    }

    private void Range(ConfigKind kind, string key, string field, int value, int min, int max) => Range(kind.Name, key, field, value, min, max);

    private void Range(string kind, string key, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Error(kind, key, field, string.Create(CultureInfo.InvariantCulture, $"is {value}; valid values are {min} to {max}"));
        }
    }

    private static bool IsServiceUrl(string url) =>
        Uri.TryCreate(url.Replace("#DEVICENAME#", "x", StringComparison.Ordinal).Replace("#EMCC#", "x", StringComparison.Ordinal), UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,50}$")]
    internal static partial Regex ClusterIdPattern();

    [GeneratedRegex(@"^[A-Z]{2}$")]
    private static partial Regex CountryCode();

    [GeneratedRegex(@"^(\\?\+)?[0-9*#]{1,24}$")]
    private static partial Regex DirectoryNumber();

    [GeneratedRegex(@"^[A-Za-z0-9.-]{1,64}$")]
    private static partial Regex RouteString();

    [GeneratedRegex(@"^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SftpUser();

    [GeneratedRegex(@"^(ssh|ecdsa|sk)-[a-z0-9@.-]{3,60} [A-Za-z0-9+/]{16,}={0,2}( [^\r\n]{0,200})?$")]
    private static partial Regex HostKey();

    [GeneratedRegex(@"^EMCC[0-9]+$", RegexOptions.IgnoreCase)]
    private static partial Regex EmccName();
}
