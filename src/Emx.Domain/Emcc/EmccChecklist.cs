using System.Globalization;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Domain.Security;

namespace Emx.Domain.Emcc;

/// <summary>
/// Judges, for one cluster, each step of the seed's "Extension Mobility Cross Cluster Configuration Task Flow" (seed
/// 000; the administrator's checklist of seed 003 covers the same ground) from the cluster's configuration: which
/// steps are done, missing or inconsistent, naming the objects and fields. Pure: the caller supplies the configuration
/// (<see cref="ProvisioningDocument"/>, every object and section) and what else is known (<see cref="EmccCheckContext"/>).
/// </summary>
public static class EmccChecklist
{
    /// <summary>One item per task-flow step, in seed order (<see cref="EmccTaskFlow.Steps"/>).</summary>
    public static IReadOnlyList<ChecklistItem> Check(ProvisioningDocument configuration, EmccCheckContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new Checker(configuration, context ?? new EmccCheckContext()).Run();
    }

    /// <summary>The checklist with the cluster's identity and EMCC region settings.</summary>
    public static EmccChecklistReport Report(ProvisioningDocument configuration, EmccCheckContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new EmccChecklistReport
        {
            ClusterId = (configuration.Cluster ?? new ClusterSettings()).Id,
            EmccRegion = EmccRegionSettings.Of(configuration.EmccFeatureConfiguration ?? new EmccFeatureConfiguration()),
            Items = Check(configuration, context),
        };
    }

    /// <summary>
    /// Seed table 2: "All participating EMCC clusters must specify the same value for the EMCC region max audio bit
    /// rate" and "... max video call bit rate"; "To allow two-way audio on EMCC calls, all participating EMCC clusters
    /// must use the same EMCC region link loss type." One finding per differing value per peer.
    /// </summary>
    public static IReadOnlyList<string> CompareRegions(EmccRegionSettings local, IEnumerable<EmccPeer> peers)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(peers);
        var findings = new List<string>();
        foreach (var peer in peers)
        {
            var remote = peer.Region;
            if (remote.MaxAudioBitRateKbps != local.MaxAudioBitRateKbps)
            {
                findings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"EMCC Region Max Audio Bit Rate is {local.MaxAudioBitRateKbps} kb/s here but {remote.MaxAudioBitRateKbps} kb/s in {peer.Name}; all participating clusters must use the same value"));
            }

            if (remote.MaxVideoCallBitRateKbps != local.MaxVideoCallBitRateKbps)
            {
                findings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"EMCC Region Max Video Call Bit Rate is {local.MaxVideoCallBitRateKbps} kb/s here but {remote.MaxVideoCallBitRateKbps} kb/s in {peer.Name}; all participating clusters must use the same value"));
            }

            if (remote.LinkLossType != local.LinkLossType)
            {
                findings.Add($"EMCC Region Link Loss Type is {EmccFacts.LinkLossName(local.LinkLossType)} here but {EmccFacts.LinkLossName(remote.LinkLossType)} in {peer.Name}; all participating clusters must use the same type for two-way audio");
            }
        }

        return findings;
    }

    /// <summary>
    /// Adds the comparison with <paramref name="peers"/> to an already computed checklist (the CLI reads the checklist
    /// from one node and the peers' settings from theirs): differences make the feature-parameters step inconsistent.
    /// </summary>
    public static IReadOnlyList<ChecklistItem> WithPeerComparison(IReadOnlyList<ChecklistItem> items, EmccRegionSettings local, IReadOnlyList<EmccPeer> peers)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(peers);
        var findings = CompareRegions(local, peers);
        var compared = peers.Count == 0 ? [] : new[] { $"EMCC region compared with {string.Join(", ", peers.Select(p => p.Name))}" };
        return items.Select(item => item.Step != EmccTaskFlow.ConfigureFeatureParameters ? item : item with
        {
            Status = findings.Count == 0 || item.Status == ChecklistStatus.Missing ? item.Status : ChecklistStatus.Inconsistent,
            Findings = [.. item.Findings, .. findings],
            Notes = [.. item.Notes, .. compared],
        }).ToList();
    }

    /// <summary>Collects one step's findings; the status follows from them unless the step is not checked or not applicable.</summary>
    private sealed class StepBuilder
    {
        private readonly List<string> _findings = [];
        private readonly List<string> _notes = [];
        private bool _missing;
        private bool _inconsistent;
        private ChecklistStatus? _fixed;

        public void Missing(string finding)
        {
            _missing = true;
            _findings.Add(finding);
        }

        public void Inconsistent(string finding)
        {
            _inconsistent = true;
            _findings.Add(finding);
        }

        public void Inconsistent(IReadOnlyList<string> findings)
        {
            foreach (var finding in EmccFacts.Capped(findings))
            {
                Inconsistent(finding);
            }
        }

        public void Note(string note) => _notes.Add(note);

        public void NotChecked(string reason)
        {
            _fixed = ChecklistStatus.NotChecked;
            _findings.Add(reason);
        }

        public void NotApplicable(string reason)
        {
            _fixed = ChecklistStatus.NotApplicable;
            _findings.Add(reason);
        }

        public ChecklistItem Build(string number, string title, string? parent) => new()
        {
            TaskFlowStep = number,
            Step = title,
            Parent = parent,
            Status = _fixed ?? (_missing ? ChecklistStatus.Missing : _inconsistent ? ChecklistStatus.Inconsistent : ChecklistStatus.Done),
            Findings = _findings,
            Notes = _notes,
        };
    }

    private sealed class Checker(ProvisioningDocument doc, EmccCheckContext context)
    {
        private readonly EmccFeatureConfiguration _feature = doc.EmccFeatureConfiguration ?? new EmccFeatureConfiguration();
        private readonly InterclusterServiceProfile _profile = doc.InterclusterServiceProfile ?? new InterclusterServiceProfile();
        private readonly List<PhoneService> _emServices = doc.PhoneServices.Where(EmccFacts.IsExtensionMobilityService).ToList();
        private readonly List<EndUser> _emccUsers = doc.EndUsers.Where(u => u.EnableExtensionMobilityCrossCluster).ToList();
        private readonly Dictionary<string, DeviceProfile> _profiles = doc.DeviceProfiles.ToDictionary(p => p.Name, StringComparer.Ordinal);
        private readonly Dictionary<string, PhoneModel> _models = doc.PhoneModels.ToDictionary(m => m.Name, StringComparer.Ordinal);

        private int EmccDevices => context.EmccDeviceCount ?? doc.EmccDevices?.Count ?? 0;

        public List<ChecklistItem> Run()
        {
            var judges = new Dictionary<string, Action<StepBuilder>>(StringComparer.Ordinal)
            {
                [EmccTaskFlow.GeneratePhoneFeatureList] = PhoneFeatureList,
                [EmccTaskFlow.ActivateServices] = s => Services(s, NodeService.CallManager, NodeService.Tftp, NodeService.ExtensionMobility),
                [EmccTaskFlow.ConfigurePhoneService] = PhoneService,
                [EmccTaskFlow.ConfigureDeviceProfile] = DeviceProfiles,
                [EmccTaskFlow.EnableForUser] = Users,
                [EmccTaskFlow.SubscribeDevices] = Subscriptions,
                [EmccTaskFlow.ActivateBulkProvisioning] = s => Services(s, NodeService.BulkProvisioning),
                [EmccTaskFlow.ExportCertificates] = ExportCertificates,
                [EmccTaskFlow.ConsolidateCertificates] = ConsolidateCertificates,
                [EmccTaskFlow.ImportCertificates] = ImportCertificates,
                [EmccTaskFlow.CreateCommonDeviceConfiguration] = CommonDeviceConfiguration,
                [EmccTaskFlow.ConfigureTemplate] = Templates,
                [EmccTaskFlow.SetDefaultTemplate] = DefaultTemplate,
                [EmccTaskFlow.AddEmccDevices] = Devices,
                [EmccTaskFlow.ConfigureGeolocationFilter] = GeolocationFilters,
                [EmccTaskFlow.ConfigureFeatureParameters] = FeatureParameters,
                [EmccTaskFlow.ConfigureSipTrunk] = Trunks,
                [EmccTaskFlow.ConfigureServiceProfile] = ServiceProfile,
                [EmccTaskFlow.ConfigureRemoteClusters] = RemoteClusters,
            };

            return EmccTaskFlow.Steps.Select(step =>
            {
                var builder = new StepBuilder();
                judges[step.Title](builder);
                return builder.Build(step.Number, step.Title, step.Parent);
            }).ToList();
        }

        // Step 1: the Phone Feature List report identifies the models that support EMCC.
        private void PhoneFeatureList(StepBuilder s)
        {
            var capable = doc.PhoneModels.Where(m => m.Supports(PhoneFeature.ExtensionMobilityCrossCluster)).Select(m => m.Name).ToList();
            if (capable.Count == 0)
            {
                s.Missing("no phone model supports Extension Mobility Cross Cluster (EMCC logins on any phone fail with 213)");
                return;
            }

            s.Note($"models supporting EMCC: {string.Join(", ", capable)}");
            var incapable = doc.Phones
                .Where(p => p.EnableExtensionMobility && _models.TryGetValue(p.Model, out var m) && !m.Supports(PhoneFeature.ExtensionMobilityCrossCluster))
                .Select(p => $"phone {p.Name} ({p.Model}) has Extension Mobility enabled but its model does not support EMCC (a visitor's login there fails with 213)")
                .ToList();
            foreach (var note in EmccFacts.Capped(incapable))
            {
                s.Note(note);
            }
        }

        // Steps 2.1 and 3.1: Cisco Unified Serviceability > Tools > Service Activation.
        private void Services(StepBuilder s, params NodeService[] services)
        {
            if (context.Nodes is not { } nodes)
            {
                s.NotChecked("the cluster's nodes are not known to this check, so service activation was not checked");
                return;
            }

            foreach (var service in services)
            {
                var on = nodes.Where(n => n.Services.Contains(service)).Select(n => n.Name).ToList();
                if (on.Count == 0)
                {
                    s.Missing($"{EmccFacts.ServiceName(service)} is not activated on any node");
                }
                else
                {
                    s.Note($"{EmccFacts.ServiceName(service)} is activated on {string.Join(", ", on)}");
                }
            }
        }

        // Step 2.2: Service URL http://<IP Address>:8080/emapp/EMAppServlet?device=#DEVICENAME#&EMCC=#EMCC#, Enable checked.
        private void PhoneService(StepBuilder s)
        {
            if (_emServices.Count == 0)
            {
                s.Missing("no phone service points at /emapp/EMAppServlet (the Extension Mobility phone service)");
                return;
            }

            foreach (var service in _emServices)
            {
                foreach (var (field, url) in new[] { ("URL", (string?)service.Url), ("secure URL", service.SecureUrl) })
                {
                    if (string.IsNullOrEmpty(url))
                    {
                        continue;
                    }

                    foreach (var token in new[] { "#EMCC#", "#DEVICENAME#" })
                    {
                        if (!url.Contains(token, StringComparison.Ordinal))
                        {
                            s.Inconsistent($"phone service '{service.Name}' {field} lacks {token}");
                        }
                    }
                }

                if (!service.Enabled)
                {
                    s.Inconsistent($"phone service '{service.Name}' is not enabled");
                }
            }
        }

        // Step 2.3: the device profile's Extension Mobility Cross Cluster CSS becomes the phone's device CSS at EMCC login.
        private void DeviceProfiles(StepBuilder s)
        {
            if (!doc.DeviceProfiles.Any(p => !string.IsNullOrEmpty(p.EmccCss)))
            {
                s.Missing("no device profile has an Extension Mobility Cross Cluster CSS");
            }

            var problems = new List<string>();
            foreach (var user in _emccUsers.Where(u => u.ControlledProfiles.Count > 0))
            {
                var profiles = user.ControlledProfiles.Select(p => _profiles.GetValueOrDefault(p)).OfType<DeviceProfile>().ToList();
                if (!profiles.Any(p => !string.IsNullOrEmpty(p.EmccCss)))
                {
                    problems.Add($"user {user.UserId} can log in by EMCC but has no device profile with an EMCC CSS");
                }
            }

            var css = doc.CallingSearchSpaces.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var profile in EmccProfiles())
            {
                if (profile.EmccCss is { Length: > 0 } emccCss && !css.Contains(emccCss))
                {
                    problems.Add($"device profile '{profile.Name}' EMCC CSS '{emccCss}' does not exist");
                }

                // Seed, "Configure a Device Profile": "Step 5 Add a directory number (DN) to the new device profile."
                if (profile.Lines.Count == 0)
                {
                    problems.Add($"device profile '{profile.Name}' has no directory number");
                }
            }

            s.Inconsistent(problems);
        }

        private IEnumerable<DeviceProfile> EmccProfiles() =>
            _emccUsers.SelectMany(u => u.ControlledProfiles).Distinct(StringComparer.Ordinal)
                .Select(p => _profiles.GetValueOrDefault(p)).OfType<DeviceProfile>();

        // Step 2.4: End User > Enable Extension Mobility Cross Cluster, and a controlled profile.
        private void Users(StepBuilder s)
        {
            if (_emccUsers.Count == 0)
            {
                s.Missing("no end user has Enable Extension Mobility Cross Cluster checked (their EMCC logins fail with 31)");
                return;
            }

            s.Note(string.Create(CultureInfo.InvariantCulture, $"end users with Enable Extension Mobility Cross Cluster: {_emccUsers.Count}"));
            var problems = new List<string>();
            foreach (var user in _emccUsers)
            {
                if (user.ControlledProfiles.Count == 0)
                {
                    problems.Add($"user {user.UserId} can log in by EMCC but controls no device profile (login fails with 12)");
                }

                if (user.Pin is null && string.IsNullOrEmpty(user.PinHash))
                {
                    problems.Add($"user {user.UserId} can log in by EMCC but has no PIN (authentication fails with 2)");
                }
            }

            s.Inconsistent(problems);
        }

        // Step 2.5: Enable Extension Mobility on phones and subscribe them, unless the service is an enterprise subscription.
        private void Subscriptions(StepBuilder s)
        {
            var phones = doc.Phones.Where(p => p.EnableExtensionMobility).ToList();
            if (phones.Count == 0)
            {
                s.Missing("no phone has Enable Extension Mobility checked (logins there fail with 22)");
                return;
            }

            s.Note(string.Create(CultureInfo.InvariantCulture, $"phones with Enable Extension Mobility: {phones.Count}"));
            var usable = _emServices.Where(e => e.Enabled).ToList();
            if (usable.Count == 0)
            {
                s.Missing("there is no enabled Extension Mobility phone service to subscribe phones to");
                return;
            }

            if (usable.FirstOrDefault(e => e.EnterpriseSubscription) is { } enterprise)
            {
                s.Note($"phone service '{enterprise.Name}' is an enterprise subscription: every phone is subscribed");
                return;
            }

            var names = usable.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            s.Inconsistent(phones.Where(p => !p.Services.Any(names.Contains))
                .Select(p => $"phone {p.Name} has Extension Mobility enabled but is not subscribed to {string.Join(" or ", names.Select(n => $"'{n}'"))}")
                .ToList());
        }

        // Step 3.2: Bulk Certificate Management > Export (Certificate Type All) to the shared location; after a
        // regeneration the export must be repeated ("If you export new certificates after consolidation, you must
        // perform this procedure again").
        private void ExportCertificates(StepBuilder s)
        {
            if (context.Certificates is not { } certificates)
            {
                s.NotChecked("the bulk certificate records are not known to this check: verify that this cluster's Tomcat, CallManager, CAPF and ITLRecovery certificates were exported to the shared location");
                return;
            }

            if (!certificates.SharedLocationConfigured)
            {
                s.Missing("Bulk Certificate Management has no shared location (settings section bulkCertificateManagement: the directory or SFTP server every participating cluster uses)");
            }

            if (certificates.Exports.Count == 0)
            {
                s.Missing("this cluster has not exported its certificates (Bulk Certificate Management > Export, Certificate Type All)");
                return;
            }

            var neverExported = new List<string>();
            var changed = new List<string>();
            foreach (var certificate in certificates.Current.Where(c => CertificateRules.Exportable.Contains(c.Purpose))
                         .OrderBy(c => c.Node, StringComparer.Ordinal).ThenBy(c => c.Purpose))
            {
                var name = $"{certificate.Node} {CertificateRules.DisplayName(certificate.Purpose)}";
                var last = certificates.Exports.Where(e => CertificateRules.Purposes(e.Type).Contains(certificate.Purpose)).MaxBy(e => e.Time);
                if (last is null)
                {
                    neverExported.Add(name);
                }
                else if (!last.Thumbprints.Contains(certificate.Thumbprint, StringComparer.OrdinalIgnoreCase))
                {
                    changed.Add(string.Create(CultureInfo.InvariantCulture, $"{name} (changed after the export of {last.Time:u})"));
                }
            }

            if (neverExported.Count > 0)
            {
                s.Missing($"never exported: {string.Join(", ", EmccFacts.Capped(neverExported))} (export with Certificate Type All)");
            }

            if (changed.Count > 0)
            {
                s.Inconsistent($"re-export required: {string.Join(", ", EmccFacts.Capped(changed))}; export again, consolidate, and import in every cluster");
            }

            var latest = certificates.Exports.MaxBy(e => e.Time)!;
            s.Note(string.Create(CultureInfo.InvariantCulture, $"last export: {latest.Time:u}, {latest.Type}, {latest.Thumbprints.Count} certificates to {latest.Location}"));
        }

        // Step 3.3: "This option is available only if two or more clusters exported their certificates to the SFTP
        // server." One cluster consolidates; an import succeeds only with a consolidated file that carries every
        // cluster's latest export (emx refuses a stale one), so an import here after this cluster's last export proves
        // the consolidation too.
        private void ConsolidateCertificates(StepBuilder s)
        {
            if (doc.RemoteClusters.Count == 0)
            {
                s.NotApplicable("consolidation needs two or more clusters and no remote cluster is configured");
                return;
            }

            if (context.Certificates is not { } certificates || context.Jobs is not { } jobs)
            {
                s.NotChecked("the bulk certificate records are not known to this check: verify that the consolidation ran after the last export of every participating cluster");
                return;
            }

            if (certificates.Exports.Count == 0)
            {
                s.Missing("nothing of this cluster can be consolidated: it has not exported its certificates");
                return;
            }

            var exported = certificates.Exports.Max(e => e.Time);
            var consolidated = jobs.Where(j => j.Status == JobStatus.Completed
                    && j.Type is EmccJobTypes.BulkCertificateConsolidate or EmccJobTypes.BulkCertificateImport)
                .MaxBy(j => j.Completed ?? j.Submitted);
            if (consolidated is null)
            {
                s.Missing("no consolidation is recorded here: after every participating cluster exported, consolidate on one of them (Bulk Certificate Management > Consolidate), then import here");
            }
            else if ((consolidated.Completed ?? consolidated.Submitted) < exported)
            {
                s.Inconsistent(string.Create(CultureInfo.InvariantCulture,
                    $"this cluster exported at {exported:u}, after the last consolidation or import here ({consolidated.Completed ?? consolidated.Submitted:u}): consolidate again, then import in every cluster"));
            }
            else
            {
                s.Note(string.Create(CultureInfo.InvariantCulture, $"{consolidated.Type} job {consolidated.Id} completed at {consolidated.Completed ?? consolidated.Submitted:u}: {consolidated.Result}"));
            }
        }

        // Step 3.4: Import puts every other cluster's certificates into the trust stores with the seed's mapping
        // (CAPF -> CallManager-trust; Tomcat -> Tomcat-trust; CallManager -> CallManager-trust and Phone-SAST-trust;
        // ITLRecovery -> PhoneSast-trust and CallManager-trust).
        private void ImportCertificates(StepBuilder s)
        {
            if (context.Certificates is not { } certificates)
            {
                s.NotChecked("the bulk certificate records are not known to this check: verify that every participating cluster's certificates are in this cluster's trust stores");
                return;
            }

            if (doc.RemoteClusters.Count == 0)
            {
                s.NotApplicable("no remote cluster is configured, so there is no other cluster's certificate to import");
                return;
            }

            foreach (var remote in doc.RemoteClusters.OrderBy(r => r.ClusterId, StringComparer.Ordinal))
            {
                var entries = certificates.Trusted.Where(t => t.SourceCluster == remote.ClusterId).ToList();
                if (entries.Count == 0)
                {
                    s.Missing($"no certificate of remote cluster {remote.ClusterId} is in the trust stores (Bulk Certificate Management > Import, after the consolidation); EMCC requests between the clusters are refused (208)");
                    continue;
                }

                var absent = new List<string>();
                foreach (var node in entries.Select(e => e.SourceNode).Distinct().Order(StringComparer.Ordinal))
                {
                    foreach (var purpose in CertificateRules.Exportable)
                    {
                        foreach (var store in CertificateRules.ImportTargets(purpose))
                        {
                            if (!entries.Any(e => e.SourceNode == node && e.SourcePurpose == purpose && e.Store == store))
                            {
                                absent.Add($"{remote.ClusterId} {node ?? "(node unknown)"} {CertificateRules.DisplayName(purpose)} is not in {CertificateRules.DisplayName(store)}");
                            }
                        }
                    }
                }

                s.Inconsistent(absent);
                var stores = string.Join(", ", entries.GroupBy(e => e.Store).OrderBy(g => g.Key)
                    .Select(g => string.Create(CultureInfo.InvariantCulture, $"{CertificateRules.DisplayName(g.Key)} {g.Count()}")));
                s.Note(string.Create(CultureInfo.InvariantCulture, $"trust stores hold {entries.Count} entries of {remote.ClusterId}: {stores}"));
            }
        }

        // Step 4.1: the common device configuration the EMCC template links.
        private void CommonDeviceConfiguration(StepBuilder s)
        {
            if (doc.CommonDeviceConfigurations.Count == 0)
            {
                s.Missing("no common device configuration exists");
                return;
            }

            // Reference 3.4: "EMCC unsupported: ... IPv6-only phones".
            var byName = doc.CommonDeviceConfigurations.ToDictionary(c => c.Name, StringComparer.Ordinal);
            foreach (var template in doc.EmccTemplates)
            {
                if (template.CommonDeviceConfiguration is { } name && byName.TryGetValue(name, out var cdc)
                    && string.Equals(cdc.IpAddressingMode, "ipv6Only", StringComparison.OrdinalIgnoreCase))
                {
                    s.Inconsistent($"common device configuration '{cdc.Name}' of EMCC template '{template.Name}' is IPv6 only; EMCC does not support IPv6-only phones");
                }
            }
        }

        // Step 4.2: Bulk Administration > EMCC > EMCC Template, linking a common device configuration.
        private void Templates(StepBuilder s)
        {
            if (doc.EmccTemplates.Count == 0)
            {
                s.Missing("no EMCC template exists");
                return;
            }

            var cdcs = doc.CommonDeviceConfigurations.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            var securityProfiles = doc.DeviceSecurityProfiles.ToDictionary(p => p.Name, StringComparer.Ordinal);
            foreach (var template in doc.EmccTemplates)
            {
                if (string.IsNullOrEmpty(template.CommonDeviceConfiguration))
                {
                    s.Inconsistent($"EMCC template '{template.Name}' links no common device configuration");
                }
                else if (!cdcs.Contains(template.CommonDeviceConfiguration))
                {
                    s.Inconsistent($"EMCC template '{template.Name}' common device configuration '{template.CommonDeviceConfiguration}' does not exist");
                }

                // Seed table 9, 43: "The Device Security Profile that is associated to the EMCC device should be set to Nonsecure."
                if (template.DeviceSecurityProfile is { } name && securityProfiles.TryGetValue(name, out var profile) && profile.IsSecure)
                {
                    s.Inconsistent($"EMCC template '{template.Name}' uses device security profile '{name}' ({profile.Mode}); EMCC devices must be non-secure (login fails with 43)");
                }
            }
        }

        // Step 4.3: Insert/Update EMCC > Update EMCC Devices > Default EMCC Template.
        private void DefaultTemplate(StepBuilder s)
        {
            var defaults = doc.EmccTemplates.Where(t => t.Default).Select(t => t.Name).ToList();
            if (defaults.Count == 0)
            {
                s.Missing("no default EMCC template is set");
            }
            else if (defaults.Count > 1)
            {
                s.Inconsistent($"more than one default EMCC template ({string.Join(", ", defaults)})");
            }
            else
            {
                s.Note($"default EMCC template: {defaults[0]}");
            }
        }

        // Step 4.4: Insert EMCC Devices; seed table 4: Phones + (2 x EMCC devices) = MaxPhones.
        private void Devices(StepBuilder s)
        {
            var count = EmccDevices;
            if (count == 0)
            {
                s.Missing("no EMCC device inserted (EMCC logins fail with 33)");
                return;
            }

            s.Note(string.Create(CultureInfo.InvariantCulture, $"EMCC devices in database: {count}"));

            // Seed 003: "Check the Job Scheduler to verify the processing job has been completed."
            if (context.Jobs?.Where(j => j.Type == EmccJobTypes.InsertEmccDevices).MaxBy(j => j.Id) is { } job)
            {
                switch (job.Status)
                {
                    case JobStatus.Completed:
                        s.Note(string.Create(CultureInfo.InvariantCulture, $"Insert EMCC Devices job {job.Id} completed at {job.Completed ?? job.Submitted:u}: {job.Result}"));
                        break;
                    case JobStatus.Failed:
                        s.Inconsistent(string.Create(CultureInfo.InvariantCulture, $"the last Insert EMCC Devices job ({job.Id}) failed: {job.Result}"));
                        break;
                    default:
                        s.Inconsistent(string.Create(CultureInfo.InvariantCulture, $"the last Insert EMCC Devices job ({job.Id}) is still {job.Status}: wait for it in the job scheduler"));
                        break;
                }
            }

            var maxPhones = (doc.Cluster ?? new ClusterSettings()).MaxPhones;
            if (doc.Phones.Count + (2 * count) > maxPhones)
            {
                s.Inconsistent(string.Create(CultureInfo.InvariantCulture,
                    $"phones ({doc.Phones.Count}) + 2 x EMCC devices ({count}) exceed MaxPhones ({maxPhones})"));
            }
        }

        // Step 5: System > Geolocation Filter.
        private void GeolocationFilters(StepBuilder s)
        {
            if (doc.GeolocationFilters.Count == 0)
            {
                s.Missing("no geolocation filter exists");
                return;
            }

            foreach (var filter in doc.GeolocationFilters.Where(f => f.Fields.Count == 0))
            {
                s.Inconsistent($"geolocation filter '{filter.Name}' selects no geolocation field");
            }

            if (!doc.DevicePools.Any(p => !string.IsNullOrEmpty(p.Geolocation)))
            {
                s.Note("no device pool has a geolocation, so no roaming device pool can be chosen for EMCC phones");
            }
        }

        // Step 6: Advanced Features > EMCC > EMCC Feature Configuration (seed table 2).
        private void FeatureParameters(StepBuilder s)
        {
            Server(s, "default TFTP server for EMCC login device", _feature.DefaultTftpServerForEmccLoginDevice, NodeService.Tftp,
                required: true, consequence: " (login would fail with 39)");
            Server(s, "backup TFTP server for EMCC login device", _feature.BackupTftpServerForEmccLoginDevice, NodeService.Tftp,
                required: false, consequence: "");

            if (string.IsNullOrEmpty(_feature.EmccGeolocationFilter))
            {
                s.Missing("EMCC Geolocation Filter is not set (no roaming device pool can be chosen for EMCC phones)");
            }
            else if (!doc.GeolocationFilters.Any(f => f.Name == _feature.EmccGeolocationFilter))
            {
                s.Inconsistent($"EMCC Geolocation Filter '{_feature.EmccGeolocationFilter}' does not exist");
            }

            Server(s, "Default Server For Remote Cluster Update", _feature.DefaultServerForRemoteClusterUpdate, NodeService.ExtensionMobility,
                required: true, consequence: " (remote clusters cannot query this cluster)");
            Server(s, "Backup Server for Remote Cluster Update", _feature.BackupServerForRemoteClusterUpdate, NodeService.ExtensionMobility,
                required: false, consequence: "");

            Range(s, "Default Interval for Expired EMCC Device Maintenance", _feature.DefaultIntervalForExpiredEmccDeviceMaintenance, 10, 1440);
            Range(s, "EMCC Region Max Video Call Bit Rate", _feature.EmccRegionMaxVideoCallBitRate, 0, 8128);
            Range(s, "RSVP SIP Trunk KeepAlive Timer", _feature.RsvpSipTrunkKeepAliveTimer, 1, 600);
            Range(s, "Remote Cluster Update Interval", _feature.RemoteClusterUpdateInterval, 15, 10080);
            if (!EmccFeatureConfiguration.AllowedAudioBitRates.Contains(_feature.EmccRegionMaxAudioBitRate))
            {
                s.Inconsistent(string.Create(CultureInfo.InvariantCulture,
                    $"EMCC Region Max Audio Bit Rate is {_feature.EmccRegionMaxAudioBitRate} kb/s; allowed are {string.Join(", ", EmccFeatureConfiguration.AllowedAudioBitRates)}"));
            }

            s.Note(string.Create(CultureInfo.InvariantCulture,
                $"EMCC region: max audio {_feature.EmccRegionMaxAudioBitRate} kb/s, max video {_feature.EmccRegionMaxVideoCallBitRate} kb/s, link loss {EmccFacts.LinkLossName(_feature.EmccRegionLinkLossType)} (must match every participating cluster)"));
            if (context.Peers.Count > 0)
            {
                s.Note($"EMCC region compared with {string.Join(", ", context.Peers.Select(p => p.Name))}");
            }

            foreach (var finding in CompareRegions(EmccRegionSettings.Of(_feature), context.Peers))
            {
                s.Inconsistent(finding);
            }
        }

        private void Server(StepBuilder s, string parameter, string? server, NodeService service, bool required, string consequence)
        {
            if (string.IsNullOrEmpty(server))
            {
                if (required)
                {
                    s.Missing($"{parameter} is not set{consequence}");
                }

                return;
            }

            if (EmccFacts.NodeProblem(context.Nodes, parameter, server, service) is { } problem)
            {
                s.Inconsistent(problem + consequence);
            }
        }

        private static void Range(StepBuilder s, string parameter, int value, int min, int max)
        {
            if (value < min || value > max)
            {
                s.Inconsistent(string.Create(CultureInfo.InvariantCulture, $"{parameter} is {value}; valid values are {min} to {max}"));
            }
        }

        // Step 7: SIP trunks with Trunk Service Type Extension Mobility Cross Clusters, at most two.
        private void Trunks(StepBuilder s)
        {
            var emcc = doc.SipTrunks.Where(t => t.ServiceType == TrunkServiceType.ExtensionMobilityCrossClusters).ToList();
            if (emcc.Count == 0)
            {
                s.Missing("no SIP trunk has Trunk Service Type Extension Mobility Cross Clusters");
            }
            else if (emcc.Count > 2)
            {
                s.Inconsistent(string.Create(CultureInfo.InvariantCulture,
                    $"{emcc.Count} SIP trunks have Trunk Service Type Extension Mobility Cross Clusters ({string.Join(", ", emcc.Select(t => t.Name))}); EMCC needs at most two"));
            }

            // Reference 3.4 and seed 003: EMCC trunks have "Send Geolocation Information" checked.
            foreach (var trunk in emcc.Where(t => !t.SendGeolocation))
            {
                s.Inconsistent($"EMCC SIP trunk '{trunk.Name}' does not send geolocation information (Send Geolocation Information is unchecked)");
            }

            var selected = new[] { _profile.PstnAccess.SipTrunk, _profile.RsvpAgent.SipTrunk }.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            foreach (var name in selected)
            {
                if (doc.SipTrunks.FirstOrDefault(t => t.Name == name) is { ServiceType: not TrunkServiceType.ExtensionMobilityCrossClusters } wrong)
                {
                    s.Inconsistent(InterclusterServiceProfileValidation.WrongTrunkType(wrong));
                }
            }

            foreach (var trunk in emcc.Where(t => !selected.Contains(t.Name)))
            {
                s.Note($"EMCC SIP trunk '{trunk.Name}' is selected for neither PSTN Access nor RSVP Agent in the Intercluster Service Profile");
            }
        }

        // Step 8: the profile's own validation report; EMCC unchecked means the step is not done.
        private void ServiceProfile(StepBuilder s)
        {
            if (!_profile.Emcc)
            {
                s.Missing("EMCC is not active in the Intercluster Service Profile (EMCC logins of this cluster's users are refused with 201)");
            }

            var report = InterclusterServiceProfileValidation.Validate(_profile, doc, context);
            foreach (var check in report.Checks)
            {
                switch (check.Status)
                {
                    case ServiceProfileCheckStatus.Failure:
                        s.Inconsistent($"validation: {check.Service}, {check.Check}: {check.Detail}");
                        break;
                    case ServiceProfileCheckStatus.NotActive when check.Service != InterclusterServiceProfileValidation.Emcc:
                        s.Note($"validation: {check.Detail}");
                        break;
                }
            }
        }

        // Step 9: Advanced Features > Cluster View; "For extension mobility cross cluster, the TFTP check box should always be disabled."
        private void RemoteClusters(StepBuilder s)
        {
            if (doc.RemoteClusters.Count == 0)
            {
                s.Missing("no remote cluster is configured (EMCC logins fail with 36)");
                return;
            }

            var ownId = (doc.Cluster ?? new ClusterSettings()).Id;
            foreach (var remote in doc.RemoteClusters)
            {
                // Seed 003, "Configuring Cluster ID in both the Clusters": "Ensure that ClusterID are unique in both the Clusters".
                if (string.Equals(remote.ClusterId, ownId, StringComparison.Ordinal))
                {
                    s.Inconsistent($"remote cluster {remote.ClusterId} has this cluster's own Cluster ID; every participating cluster needs a unique Cluster ID");
                }

                if (!remote.Emcc)
                {
                    s.Inconsistent($"remote cluster {remote.ClusterId} has EMCC disabled");
                }
                else if (context.RemoteClusterStatuses is { } statuses)
                {
                    RemoteStatus(s, remote, statuses.FirstOrDefault(r => r.ClusterId == remote.ClusterId));
                }

                if (remote.Tftp)
                {
                    s.Inconsistent($"remote cluster {remote.ClusterId} has TFTP enabled; it must stay disabled for EMCC");
                }

                if (remote.Emcc && _profile.PstnAccess.Active && !remote.PstnAccess)
                {
                    s.Inconsistent($"remote cluster {remote.ClusterId} has PSTN Access disabled while the Intercluster Service Profile activates it");
                }

                if (remote.Emcc && _profile.RsvpAgent.Active && !remote.RsvpAgent)
                {
                    s.Inconsistent($"remote cluster {remote.ClusterId} has RSVP Agent disabled while the Intercluster Service Profile activates it");
                }
            }
        }

        // Seed 003 step 12: "Check Mark Enabled All Services and click on Update Remote Cluster Now": the remote cluster
        // answered the last update with its Cluster ID and has EMCC (and PSTN Access, when used) active.
        private void RemoteStatus(StepBuilder s, RemoteCluster remote, RemoteClusterStatus? status)
        {
            if (status?.LastUpdate is not { } updated)
            {
                s.Missing($"remote cluster {remote.ClusterId} has not been updated yet (Update Remote Cluster Now)");
                return;
            }

            var when = updated.ToString("u", CultureInfo.InvariantCulture);
            if (status.LastError is { } error)
            {
                s.Inconsistent($"remote cluster {remote.ClusterId} did not answer the update of {when} as expected ({error}); EMCC logins towards it fail until an update succeeds (Update Remote Cluster Now)");
                return;
            }

            if (!status.EmccRemoteActivated)
            {
                s.Inconsistent($"remote cluster {remote.ClusterId} reports EMCC not active (Remote Activated false at {when}): activate EMCC in its Intercluster Service Profile");
            }

            if (remote.PstnAccess && _profile.PstnAccess.Active && !status.PstnAccessRemoteActivated)
            {
                s.Inconsistent($"remote cluster {remote.ClusterId} reports PSTN Access not active (Remote Activated false at {when})");
            }

            s.Note($"remote cluster {remote.ClusterId}: version {status.RemoteVersion ?? "?"}, Remote Activated EMCC {YesNo(status.EmccRemoteActivated)}, PSTN Access {YesNo(status.PstnAccessRemoteActivated)}, RSVP Agent {YesNo(status.RsvpAgentRemoteActivated)} (updated {when})");
        }

        private static string YesNo(bool value) => value ? "yes" : "no";
    }
}
