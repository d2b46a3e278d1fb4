using Emx.Domain.Emcc;

namespace Emx.Domain.Tests.Emcc;

/// <summary>
/// The EMCC checklist against lab cluster A: complete, then with one piece removed or broken at a time, each time the
/// step of the seed's task flow that owns the piece (and only the steps that depend on it) goes missing or inconsistent.
/// </summary>
public sealed class EmccChecklistTests
{
    [Fact]
    public void Check_CompleteLabCluster_EveryStepInSeedOrderDoneButCertificatesNotChecked()
    {
        var items = EmccChecklist.Check(EmccLab.ClusterA(), EmccLab.Context());

        Assert.Equal(
        [
            ("1", "Generate a Phone Feature List", ChecklistStatus.Done),
            ("2.1", "Activate Services for Extension Mobility Cross Cluster", ChecklistStatus.Done),
            ("2.2", "Configure the Extension Mobility Phone Service", ChecklistStatus.Done),
            ("2.3", "Configure a Device Profile for Extension Mobility Cross Cluster", ChecklistStatus.Done),
            ("2.4", "Enable Extension Mobility Cross Cluster for a User", ChecklistStatus.Done),
            ("2.5", "Subscribe Devices to Extension Mobility", ChecklistStatus.Done),
            ("3.1", "Activate the Bulk Provisioning Service", ChecklistStatus.Done),
            ("3.2", "Configure Bulk Certificate Management and Export Certificates", ChecklistStatus.NotChecked),
            ("3.3", "Consolidate the Certificates", ChecklistStatus.NotChecked),
            ("3.4", "Import the Certificates into the Clusters", ChecklistStatus.NotChecked),
            ("4.1", "Create a Common Device Configuration", ChecklistStatus.Done),
            ("4.2", "Configure an Extension Mobility Cross Cluster Template", ChecklistStatus.Done),
            ("4.3", "Set the Default Template", ChecklistStatus.Done),
            ("4.4", "Add Extension Mobility Cross Cluster Devices", ChecklistStatus.Done),
            ("5", "Configure a Geolocation Filter for Extension Mobility Cross Cluster", ChecklistStatus.Done),
            ("6", "Configure Feature Parameters for Extension Mobility Cross Cluster", ChecklistStatus.Done),
            ("7", "Configure Intercluster SIP Trunk for Extension Mobility Cross Cluster", ChecklistStatus.Done),
            ("8", "Configure an Intercluster Service Profile for Extension Mobility Cross Cluster", ChecklistStatus.Done),
            ("9", "Configure Remote Cluster Services", ChecklistStatus.Done),
        ], items.Select(i => (i.TaskFlowStep, i.Step, i.Status)).ToList());
        Assert.All(items.Where(i => i.Status == ChecklistStatus.Done), i => Assert.Empty(i.Findings));
        Assert.Equal("Configure Extension Mobility", items[1].Parent);
        Assert.Equal("Configure Certificates for Extension Mobility Cross Cluster", items[6].Parent);
        Assert.Equal("Configure Extension Mobility Cross Cluster Devices and Templates", items[13].Parent);
        Assert.Null(items[18].Parent);
    }

    [Fact]
    public void Check_CompleteLabCluster_NotesNameNodesDevicesAndRegion()
    {
        var items = EmccChecklist.Check(EmccLab.ClusterA(), EmccLab.Context());

        Assert.Equal(
        [
            "Cisco CallManager is activated on cucm-a1",
            "Cisco Tftp is activated on cucm-a1",
            "Cisco Extension Mobility is activated on cucm-a1",
        ], Step(items, "2.1").Notes);
        Assert.Equal(["EMCC devices in database: 10"], Step(items, "4.4").Notes);
        Assert.Equal(["default EMCC template: EMCC-Template"], Step(items, "4.3").Notes);
        Assert.Equal(["EMCC region: max audio 8 kb/s, max video 384 kb/s, link loss Low Loss (must match every participating cluster)"], Step(items, "6").Notes);
        Assert.Equal(["models supporting EMCC: Cisco 8845, Cisco 7841"], Step(items, "1").Notes);
    }

    [Fact]
    public void Check_CertificateSteps_NotCheckedWithReason()
    {
        var items = EmccChecklist.Check(EmccLab.ClusterA(), EmccLab.Context());

        Assert.StartsWith("the bulk certificate records are not known to this check: verify that this cluster's", Assert.Single(Step(items, "3.2").Findings), StringComparison.Ordinal);
        Assert.StartsWith("the bulk certificate records are not known to this check: verify that the consolidation ran", Assert.Single(Step(items, "3.3").Findings), StringComparison.Ordinal);
        Assert.StartsWith("the bulk certificate records are not known to this check: verify that every participating cluster's", Assert.Single(Step(items, "3.4").Findings), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NodesUnknown_ServiceActivationStepsNotChecked()
    {
        var items = EmccChecklist.Check(EmccLab.ClusterA());

        Assert.Equal(ChecklistStatus.NotChecked, Step(items, "2.1").Status);
        Assert.Equal(ChecklistStatus.NotChecked, Step(items, "3.1").Status);
        Assert.Equal(["the cluster's nodes are not known to this check, so service activation was not checked"], Step(items, "2.1").Findings);
        Assert.DoesNotContain(items, i => i.IsProblem);
    }

    [Fact]
    public void Check_NoRemoteCluster_ConsolidationNotApplicableAndRemoteStepMissing()
    {
        var doc = EmccLab.ClusterA();
        doc.RemoteClusters.Clear();

        var items = EmccChecklist.Check(doc, EmccLab.Context());

        Assert.Equal(ChecklistStatus.NotApplicable, Step(items, "3.3").Status);
        Assert.Equal(["consolidation needs two or more clusters and no remote cluster is configured"], Step(items, "3.3").Findings);
        Assert.Equal(ChecklistStatus.Missing, Step(items, "9").Status);
        Assert.Equal(["no remote cluster is configured (EMCC logins fail with 36)"], Step(items, "9").Findings);
    }

    public static TheoryData<string, string, ChecklistStatus, string, string> Breakages() => new()
    {
        { "no EMCC-capable model", "1", ChecklistStatus.Missing, "no phone model supports Extension Mobility Cross Cluster (EMCC logins on any phone fail with 213)", "1" },
        { "Extension Mobility not activated", "2.1", ChecklistStatus.Missing, "Cisco Extension Mobility is not activated on any node", "2.1,6,8" },
        { "Tftp not activated", "2.1", ChecklistStatus.Missing, "Cisco Tftp is not activated on any node", "2.1,6,8" },
        { "service URL without #EMCC#", "2.2", ChecklistStatus.Inconsistent, "phone service 'Extension Mobility' URL lacks #EMCC#", "2.2" },
        { "secure URL without #EMCC#", "2.2", ChecklistStatus.Inconsistent, "phone service 'Extension Mobility' secure URL lacks #EMCC#", "2.2" },
        { "no EM phone service", "2.2", ChecklistStatus.Missing, "no phone service points at /emapp/EMAppServlet (the Extension Mobility phone service)", "2.2,2.5" },
        { "EM phone service disabled", "2.2", ChecklistStatus.Inconsistent, "phone service 'Extension Mobility' is not enabled", "2.2,2.5" },
        { "alice's profile without EMCC CSS", "2.3", ChecklistStatus.Inconsistent, "user alice can log in by EMCC but has no device profile with an EMCC CSS", "2.3" },
        { "no profile with EMCC CSS", "2.3", ChecklistStatus.Missing, "no device profile has an Extension Mobility Cross Cluster CSS", "2.3" },
        { "alice's profile without DN", "2.3", ChecklistStatus.Inconsistent, "device profile 'alice-8845' has no directory number", "2.3" },
        { "no EMCC user", "2.4", ChecklistStatus.Missing, "no end user has Enable Extension Mobility Cross Cluster checked (their EMCC logins fail with 31)", "2.4" },
        { "alice controls no profile", "2.4", ChecklistStatus.Inconsistent, "user alice can log in by EMCC but controls no device profile (login fails with 12)", "2.4" },
        { "alice without PIN", "2.4", ChecklistStatus.Inconsistent, "user alice can log in by EMCC but has no PIN (authentication fails with 2)", "2.4" },
        { "no EM-enabled phone", "2.5", ChecklistStatus.Missing, "no phone has Enable Extension Mobility checked (logins there fail with 22)", "2.5" },
        { "no enterprise subscription", "2.5", ChecklistStatus.Inconsistent, "phone SEP0A0000000002 has Extension Mobility enabled but is not subscribed to 'Extension Mobility'", "2.5" },
        { "Bulk Provisioning not activated", "3.1", ChecklistStatus.Missing, "Cisco Bulk Provisioning Service is not activated on any node", "3.1" },
        { "no common device configuration", "4.1", ChecklistStatus.Missing, "no common device configuration exists", "4.1,4.2" },
        { "IPv6-only common device configuration", "4.1", ChecklistStatus.Inconsistent, "common device configuration 'EMCC-CDC' of EMCC template 'EMCC-Template' is IPv6 only; EMCC does not support IPv6-only phones", "4.1" },
        { "secure EMCC template", "4.2", ChecklistStatus.Inconsistent, "EMCC template 'EMCC-Template' uses device security profile 'Non Secure SIP' (Encrypted); EMCC devices must be non-secure (login fails with 43)", "4.2" },
        { "no EMCC template", "4.2", ChecklistStatus.Missing, "no EMCC template exists", "4.2,4.3,8" },
        { "no default template", "4.3", ChecklistStatus.Missing, "no default EMCC template is set", "4.3,8" },
        { "no EMCC devices", "4.4", ChecklistStatus.Missing, "no EMCC device inserted (EMCC logins fail with 33)", "4.4,8" },
        { "MaxPhones exceeded", "4.4", ChecklistStatus.Inconsistent, "phones (2) + 2 x EMCC devices (10) exceed MaxPhones (20)", "4.4" },
        { "no geolocation filter", "5", ChecklistStatus.Missing, "no geolocation filter exists", "5,6,8" },
        { "TFTP server unset", "6", ChecklistStatus.Missing, "default TFTP server for EMCC login device is not set (login would fail with 39)", "6,8" },
        { "TFTP server not a node", "6", ChecklistStatus.Inconsistent, "default TFTP server for EMCC login device '10.9.9.9' is not a node of this cluster (login would fail with 39)", "6,8" },
        { "remote cluster update server unset", "6", ChecklistStatus.Missing, "Default Server For Remote Cluster Update is not set (remote clusters cannot query this cluster)", "6,8" },
        { "EMCC geolocation filter unset", "6", ChecklistStatus.Missing, "EMCC Geolocation Filter is not set (no roaming device pool can be chosen for EMCC phones)", "6,8" },
        { "EMCC trunk with service type None", "7", ChecklistStatus.Missing, "EMCC SIP trunk 'EMCC-Trunk-B' has Trunk Service Type None; it must be Extension Mobility Cross Clusters", "7,8" },
        { "three EMCC trunks", "7", ChecklistStatus.Inconsistent, "3 SIP trunks have Trunk Service Type Extension Mobility Cross Clusters (EMCC-Trunk-B, EMCC-2, EMCC-3); EMCC needs at most two", "7" },
        { "trunk without geolocation", "7", ChecklistStatus.Inconsistent, "EMCC SIP trunk 'EMCC-Trunk-B' does not send geolocation information (Send Geolocation Information is unchecked)", "7" },
        { "EMCC not active", "8", ChecklistStatus.Missing, "EMCC is not active in the Intercluster Service Profile (EMCC logins of this cluster's users are refused with 201)", "8" },
        { "PSTN Access not active", "8", ChecklistStatus.Inconsistent, "validation: PSTN Access, PSTN Access Active: EMCC is active but PSTN Access is not (visiting clusters answer 211, EMCC Not Activated)", "8" },
        { "no remote cluster", "9", ChecklistStatus.Missing, "no remote cluster is configured (EMCC logins fail with 36)", "9" },
        { "remote cluster with EMCC disabled", "9", ChecklistStatus.Inconsistent, "remote cluster ClusterB has EMCC disabled", "9" },
        { "remote cluster with TFTP", "9", ChecklistStatus.Inconsistent, "remote cluster ClusterB has TFTP enabled; it must stay disabled for EMCC", "9" },
        { "remote cluster without PSTN Access", "9", ChecklistStatus.Inconsistent, "remote cluster ClusterB has PSTN Access disabled while the Intercluster Service Profile activates it", "9" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Check_OnePieceBroken_OwningStepReportsIt(string breakage, string step, ChecklistStatus status, string finding, string problemSteps)
    {
        var doc = EmccLab.ClusterA();
        var nodes = new List<NodeService> { NodeService.CallManager, NodeService.Tftp, NodeService.ExtensionMobility, NodeService.BulkProvisioning };
        Break(breakage, doc, nodes);

        var items = EmccChecklist.Check(doc, new EmccCheckContext { Nodes = [EmccLab.Node([.. nodes])] });

        var item = Step(items, step);
        Assert.Equal(status, item.Status);
        Assert.Contains(finding, item.Findings);
        Assert.Equal(problemSteps, string.Join(",", items.Where(i => i.IsProblem).Select(i => i.TaskFlowStep)));
    }

    [Fact]
    public void Check_TftpNotActivated_FeatureParameterNamesTheNode()
    {
        var items = EmccChecklist.Check(EmccLab.ClusterA(), EmccLab.Context(NodeService.CallManager, NodeService.ExtensionMobility, NodeService.BulkProvisioning));

        Assert.Equal(
            ["default TFTP server for EMCC login device '127.0.1.1' is node cucm-a1, where Cisco Tftp is not activated (login would fail with 39)"],
            Step(items, "6").Findings);
    }

    [Fact]
    public void Check_DefaultTftpServerByNodeName_Done()
    {
        var doc = EmccLab.ClusterA();
        doc.EmccFeatureConfiguration!.DefaultTftpServerForEmccLoginDevice = "CUCM-A1";

        Assert.Equal(ChecklistStatus.Done, Step(EmccChecklist.Check(doc, EmccLab.Context()), "6").Status);
    }

    [Fact]
    public void Check_PhoneSubscribedIndividually_Done()
    {
        var doc = EmccLab.ClusterA();
        doc.PhoneServices[0].EnterpriseSubscription = false;
        foreach (var phone in doc.Phones)
        {
            phone.Services = ["Extension Mobility"];
        }

        var item = Step(EmccChecklist.Check(doc, EmccLab.Context()), "2.5");

        Assert.Equal(ChecklistStatus.Done, item.Status);
        Assert.Equal(["phones with Enable Extension Mobility: 2"], item.Notes);
    }

    [Fact]
    public void Check_ManyUnsubscribedPhones_FindingsCappedAtTen()
    {
        var doc = EmccLab.ClusterA();
        doc.PhoneServices[0].EnterpriseSubscription = false;
        doc.Phones = [.. Enumerable.Range(1, 25).Select(i => new Phone { Name = $"SEP0C00000000{i:D2}", Model = "Cisco 8845", EnableExtensionMobility = true })];

        var item = Step(EmccChecklist.Check(doc, EmccLab.Context()), "2.5");

        Assert.Equal(11, item.Findings.Count);
        Assert.Equal("... and 15 more", item.Findings[^1]);
    }

    [Fact]
    public void Check_EmPhoneWhoseModelLacksEmcc_NotedUnderPhoneFeatureList()
    {
        var doc = EmccLab.ClusterA();
        doc.Phones[1].Model = "Cisco IP Communicator";

        var item = Step(EmccChecklist.Check(doc, EmccLab.Context()), "1");

        Assert.Equal(ChecklistStatus.Done, item.Status);
        Assert.Contains("phone SEP0A0000000002 (Cisco IP Communicator) has Extension Mobility enabled but its model does not support EMCC (a visitor's login there fails with 213)", item.Notes);
    }

    [Fact]
    public void Check_EmccDeviceCountFromContext_OverridesTheDocument()
    {
        var doc = EmccLab.ClusterA();
        doc.EmccDevices = null;

        var item = Step(EmccChecklist.Check(doc, new EmccCheckContext { Nodes = [EmccLab.Node()], EmccDeviceCount = 3 }), "4.4");

        Assert.Equal(ChecklistStatus.Done, item.Status);
        Assert.Equal(["EMCC devices in database: 3"], item.Notes);
    }

    [Fact]
    public void Check_PeerWithDifferentRegion_FeatureParametersInconsistentPerValue()
    {
        var peer = new EmccPeer("ClusterB (http://127.0.2.1:8080/)", new EmccRegionSettings(16, 512, LinkLossType.Lossy));

        var items = EmccChecklist.Check(EmccLab.ClusterA(), EmccLab.Context() with { Peers = [peer] });

        var item = Step(items, "6");
        Assert.Equal(ChecklistStatus.Inconsistent, item.Status);
        Assert.Equal(
        [
            "EMCC Region Max Audio Bit Rate is 8 kb/s here but 16 kb/s in ClusterB (http://127.0.2.1:8080/); all participating clusters must use the same value",
            "EMCC Region Max Video Call Bit Rate is 384 kb/s here but 512 kb/s in ClusterB (http://127.0.2.1:8080/); all participating clusters must use the same value",
            "EMCC Region Link Loss Type is Low Loss here but Lossy in ClusterB (http://127.0.2.1:8080/); all participating clusters must use the same type for two-way audio",
        ], item.Findings);
        Assert.Equal("6", string.Join(",", items.Where(i => i.IsProblem).Select(i => i.TaskFlowStep)));
    }

    [Fact]
    public void Check_PeerWithSameRegion_Done()
    {
        var peer = new EmccPeer("ClusterB", new EmccRegionSettings(8, 384, LinkLossType.LowLoss));

        var item = Step(EmccChecklist.Check(EmccLab.ClusterA(), EmccLab.Context() with { Peers = [peer] }), "6");

        Assert.Equal(ChecklistStatus.Done, item.Status);
        Assert.Contains("EMCC region compared with ClusterB", item.Notes);
    }

    [Fact]
    public void WithPeerComparison_DifferentLinkLoss_OnlyFeatureParametersChange()
    {
        var items = EmccChecklist.Check(EmccLab.ClusterA(), EmccLab.Context());
        var peer = new EmccPeer("ClusterC", new EmccRegionSettings(8, 384, LinkLossType.Lossy));

        var compared = EmccChecklist.WithPeerComparison(items, new EmccRegionSettings(8, 384, LinkLossType.LowLoss), [peer]);

        Assert.Equal(ChecklistStatus.Inconsistent, Step(compared, "6").Status);
        Assert.Equal(["EMCC Region Link Loss Type is Low Loss here but Lossy in ClusterC; all participating clusters must use the same type for two-way audio"], Step(compared, "6").Findings);
        Assert.Equal(items.Where(i => i.TaskFlowStep != "6"), compared.Where(i => i.TaskFlowStep != "6"));
    }

    [Fact]
    public void WithPeerComparison_StepAlreadyMissing_StaysMissing()
    {
        var doc = EmccLab.ClusterA();
        doc.EmccFeatureConfiguration!.DefaultTftpServerForEmccLoginDevice = null;
        var items = EmccChecklist.Check(doc, EmccLab.Context());

        var compared = EmccChecklist.WithPeerComparison(items, new EmccRegionSettings(8, 384, LinkLossType.LowLoss), [new EmccPeer("ClusterC", new EmccRegionSettings(16, 384, LinkLossType.LowLoss))]);

        Assert.Equal(ChecklistStatus.Missing, Step(compared, "6").Status);
        Assert.Equal(2, Step(compared, "6").Findings.Count);
    }

    [Fact]
    public void Report_CompleteLab_CompleteWithClusterIdAndRegion()
    {
        var report = EmccChecklist.Report(EmccLab.ClusterA(), EmccLab.Context());

        Assert.True(report.Complete);
        Assert.Equal("ClusterA", report.ClusterId);
        Assert.Equal(new EmccRegionSettings(8, 384, LinkLossType.LowLoss), report.EmccRegion);
        Assert.Equal(19, report.Items.Count);
    }

    [Fact]
    public void Report_OneStepMissing_NotComplete()
    {
        var doc = EmccLab.ClusterA();
        doc.RemoteClusters.Clear();

        Assert.False(EmccChecklist.Report(doc, EmccLab.Context()).Complete);
    }

    [Fact]
    public void Check_EmptyConfiguration_EveryConfigurableStepMissing()
    {
        var items = EmccChecklist.Check(new ProvisioningDocument(), new EmccCheckContext { Nodes = [new ClusterNode { Name = "n1", Address = "10.0.0.1" }] });

        Assert.Equal(
            "1:Missing 2.1:Missing 2.2:Missing 2.3:Missing 2.4:Missing 2.5:Missing 3.1:Missing 3.2:NotChecked 3.3:NotApplicable 3.4:NotChecked "
            + "4.1:Missing 4.2:Missing 4.3:Missing 4.4:Missing 5:Missing 6:Missing 7:Missing 8:Missing 9:Missing",
            string.Join(" ", items.Select(i => $"{i.TaskFlowStep}:{i.Status}")));
    }

    private static ChecklistItem Step(IReadOnlyList<ChecklistItem> items, string number) => Assert.Single(items, i => i.TaskFlowStep == number);

    private static void Break(string breakage, ProvisioningDocument doc, List<NodeService> nodeServices)
    {
        var feature = doc.EmccFeatureConfiguration!;
        var profile = doc.InterclusterServiceProfile!;
        var alice = doc.EndUsers.Single(u => u.UserId == "alice");
        switch (breakage)
        {
            case "no EMCC-capable model":
                doc.PhoneModels.ForEach(m => m.Features.Remove(PhoneFeature.ExtensionMobilityCrossCluster));
                break;
            case "Extension Mobility not activated":
                nodeServices.Remove(NodeService.ExtensionMobility);
                break;
            case "Tftp not activated":
                nodeServices.Remove(NodeService.Tftp);
                break;
            case "service URL without #EMCC#":
                doc.PhoneServices[0].Url = "http://127.0.1.1:8080/emapp/EMAppServlet?device=#DEVICENAME#";
                break;
            case "secure URL without #EMCC#":
                doc.PhoneServices[0].SecureUrl = "https://127.0.1.1:8443/emapp/EMAppServlet?device=#DEVICENAME#";
                break;
            case "no EM phone service":
                doc.PhoneServices.Clear();
                break;
            case "EM phone service disabled":
                doc.PhoneServices[0].Enabled = false;
                break;
            case "alice's profile without EMCC CSS":
                doc.DeviceProfiles[0].EmccCss = null;
                break;
            case "no profile with EMCC CSS":
                doc.DeviceProfiles.ForEach(p => p.EmccCss = null);
                break;
            case "alice's profile without DN":
                doc.DeviceProfiles[0].Lines.Clear();
                break;
            case "no EMCC user":
                alice.EnableExtensionMobilityCrossCluster = false;
                break;
            case "alice controls no profile":
                alice.ControlledProfiles.Clear();
                break;
            case "alice without PIN":
                alice.Pin = null;
                break;
            case "no EM-enabled phone":
                doc.Phones.ForEach(p => p.EnableExtensionMobility = false);
                break;
            case "no enterprise subscription":
                doc.PhoneServices[0].EnterpriseSubscription = false;
                doc.Phones[0].Services = ["Extension Mobility"];
                break;
            case "Bulk Provisioning not activated":
                nodeServices.Remove(NodeService.BulkProvisioning);
                break;
            case "no common device configuration":
                doc.CommonDeviceConfigurations.Clear();
                doc.EmccTemplates[0].CommonDeviceConfiguration = null;
                break;
            case "IPv6-only common device configuration":
                doc.CommonDeviceConfigurations[0].IpAddressingMode = "ipv6Only";
                break;
            case "secure EMCC template":
                doc.DeviceSecurityProfiles[0].Mode = DeviceSecurityMode.Encrypted;
                break;
            case "no EMCC template":
                doc.EmccTemplates.Clear();
                break;
            case "no default template":
                doc.EmccTemplates[0].Default = false;
                break;
            case "no EMCC devices":
                doc.EmccDevices = null;
                break;
            case "MaxPhones exceeded":
                doc.Cluster!.MaxPhones = 20;
                break;
            case "no geolocation filter":
                doc.GeolocationFilters.Clear();
                feature.EmccGeolocationFilter = null;
                break;
            case "TFTP server unset":
                feature.DefaultTftpServerForEmccLoginDevice = null;
                break;
            case "TFTP server not a node":
                feature.DefaultTftpServerForEmccLoginDevice = "10.9.9.9";
                break;
            case "remote cluster update server unset":
                feature.DefaultServerForRemoteClusterUpdate = null;
                break;
            case "EMCC geolocation filter unset":
                feature.EmccGeolocationFilter = null;
                break;
            case "EMCC trunk with service type None":
                doc.SipTrunks[0].ServiceType = TrunkServiceType.None;
                break;
            case "three EMCC trunks":
                doc.SipTrunks.Add(new SipTrunk { Name = "EMCC-2", ServiceType = TrunkServiceType.ExtensionMobilityCrossClusters, Destination = "127.0.3.1", SendGeolocation = true });
                doc.SipTrunks.Add(new SipTrunk { Name = "EMCC-3", ServiceType = TrunkServiceType.ExtensionMobilityCrossClusters, Destination = "127.0.4.1", SendGeolocation = true });
                break;
            case "trunk without geolocation":
                doc.SipTrunks[0].SendGeolocation = false;
                break;
            case "EMCC not active":
                profile.Emcc = false;
                profile.PstnAccess.Active = false;
                profile.RsvpAgent.Active = false;
                break;
            case "PSTN Access not active":
                profile.PstnAccess.Active = false;
                break;
            case "no remote cluster":
                doc.RemoteClusters.Clear();
                break;
            case "remote cluster with EMCC disabled":
                doc.RemoteClusters[0].Emcc = false;
                break;
            case "remote cluster with TFTP":
                doc.RemoteClusters[0].Tftp = true;
                break;
            case "remote cluster without PSTN Access":
                doc.RemoteClusters[0].PstnAccess = false;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(breakage), breakage, null);
        }
    }
}
