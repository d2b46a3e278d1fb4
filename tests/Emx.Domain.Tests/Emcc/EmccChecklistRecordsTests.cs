using Emx.Domain.Emcc;

namespace Emx.Domain.Tests.Emcc;

/// <summary>
/// The checklist steps judged from what emx records besides configuration: Bulk Certificate Management (exports,
/// consolidation and import jobs, trust stores), the remote cluster update, and the Insert EMCC Devices job.
/// </summary>
public sealed class EmccChecklistRecordsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private static NodeCertificate Cert(CertificatePurpose purpose, string thumbprint) => new() { Node = "cucm-a1", Purpose = purpose, Thumbprint = thumbprint };

    private static readonly IReadOnlyList<NodeCertificate> Current =
    [
        Cert(CertificatePurpose.Tomcat, "T1"), Cert(CertificatePurpose.CallManager, "C1"), Cert(CertificatePurpose.Capf, "P1"),
        Cert(CertificatePurpose.ItlRecovery, "I1"), Cert(CertificatePurpose.Tftp, "F1"),
    ];

    /// <summary>ClusterB's node cucm-b1, imported with the seed's mapping.</summary>
    private static List<TrustedCertificate> ImportedFromB() =>
    [
        .. CertificateRules.Exportable.SelectMany(purpose => CertificateRules.ImportTargets(purpose).Select(store => new TrustedCertificate
        {
            Store = store, SourceCluster = "ClusterB", SourceNode = "cucm-b1", SourcePurpose = purpose, Thumbprint = "B-" + purpose,
        })),
    ];

    private static Job Job(long id, string type, DateTimeOffset at, JobStatus status = JobStatus.Completed, string? result = "ok") =>
        new() { Id = id, Type = type, Status = status, Submitted = at, Completed = status == JobStatus.Completed ? at : null, Result = result };

    private static RemoteClusterStatus Answered(string clusterId = "ClusterB") => new()
    {
        ClusterId = clusterId, RemoteVersion = "15.0", EmccRemoteActivated = true, PstnAccessRemoteActivated = true, RsvpAgentRemoteActivated = true, LastUpdate = T0.AddMinutes(5),
    };

    /// <summary>Lab cluster A after the whole flow: exported, imported, updated, devices inserted.</summary>
    private static EmccCheckContext Complete() => EmccLab.Context() with
    {
        Certificates = new EmccCertificateFacts
        {
            SharedLocationConfigured = true,
            Current = Current,
            Exports = [new CertificateExport { Id = 1, Time = T0, Type = BulkCertificateType.All, Location = "/share/ClusterA.pfx", Thumbprints = ["T1", "C1", "P1", "I1"] }],
            Trusted = ImportedFromB(),
        },
        Jobs =
        [
            Job(1, EmccJobTypes.InsertEmccDevices, T0.AddMinutes(-10), result: "Inserted 10 EMCC devices"),
            Job(2, EmccJobTypes.BulkCertificateExport, T0),
            Job(3, EmccJobTypes.BulkCertificateImport, T0.AddMinutes(2)),
        ],
        RemoteClusterStatuses = [Answered()],
    };

    private static ChecklistItem Step(EmccCheckContext context, string number, ProvisioningDocument? doc = null) =>
        Assert.Single(EmccChecklist.Check(doc ?? EmccLab.ClusterA(), context), i => i.TaskFlowStep == number);

    [Fact]
    public void Check_EverythingRecorded_EveryStepDoneWithNotes()
    {
        var items = EmccChecklist.Check(EmccLab.ClusterA(), Complete());

        Assert.All(items, i => Assert.True(i.Status == ChecklistStatus.Done, $"{i.TaskFlowStep} {i.Status}: {string.Join("; ", i.Findings)}"));
        Assert.Equal(["last export: 2026-11-22 08:00:00Z, All, 4 certificates to /share/ClusterA.pfx"], Step(Complete(), "3.2").Notes);
        Assert.Equal(["Bulk Certificate Import job 3 completed at 2026-11-22 08:02:00Z: ok"], Step(Complete(), "3.3").Notes);
        Assert.Equal(["trust stores hold 6 entries of ClusterB: CallManager-trust 3, tomcat-trust 1, Phone-SAST-trust 2"], Step(Complete(), "3.4").Notes);
        Assert.Equal("Insert EMCC Devices job 1 completed at 2026-11-22 07:50:00Z: Inserted 10 EMCC devices", Step(Complete(), "4.4").Notes[1]);
        Assert.Equal(
            ["remote cluster ClusterB: version 15.0, Remote Activated EMCC yes, PSTN Access yes, RSVP Agent yes (updated 2026-11-22 08:05:00Z)"],
            Step(Complete(), "9").Notes);
    }

    [Fact]
    public void Export_NoLocationAndNoExport_Missing()
    {
        var context = Complete() with { Certificates = new EmccCertificateFacts { Current = Current } };

        var step = Step(context, "3.2");

        Assert.Equal(ChecklistStatus.Missing, step.Status);
        Assert.Equal(2, step.Findings.Count);
        Assert.StartsWith("Bulk Certificate Management has no shared location", step.Findings[0], StringComparison.Ordinal);
        Assert.Equal("this cluster has not exported its certificates (Bulk Certificate Management > Export, Certificate Type All)", step.Findings[1]);
    }

    [Fact]
    public void Export_RegeneratedAfterTheExport_InconsistentNamingTheCertificate()
    {
        var facts = Complete().Certificates! with { Current = [.. Current.Where(c => c.Purpose != CertificatePurpose.Tomcat), Cert(CertificatePurpose.Tomcat, "T2")] };

        var step = Step(Complete() with { Certificates = facts }, "3.2");

        Assert.Equal(ChecklistStatus.Inconsistent, step.Status);
        Assert.Equal(["re-export required: cucm-a1 tomcat (changed after the export of 2026-11-22 08:00:00Z); export again, consolidate, and import in every cluster"], step.Findings);
    }

    [Fact]
    public void Export_OnlyTomcatExported_OtherTypesMissing()
    {
        var facts = Complete().Certificates! with
        {
            Exports = [new CertificateExport { Time = T0, Type = BulkCertificateType.Tomcat, Location = "/share/ClusterA.pfx", Thumbprints = ["T1"] }],
        };

        var step = Step(Complete() with { Certificates = facts }, "3.2");

        Assert.Equal(ChecklistStatus.Missing, step.Status);
        Assert.Equal(["never exported: cucm-a1 CallManager, cucm-a1 CAPF, cucm-a1 ITLRecovery (export with Certificate Type All)"], step.Findings);
    }

    [Fact]
    public void Consolidate_NoJob_MissingAndExportAfterTheLastImport_Inconsistent()
    {
        var none = Step(Complete() with { Jobs = [] }, "3.3");
        var stale = Step(Complete() with { Jobs = [Job(3, EmccJobTypes.BulkCertificateConsolidate, T0.AddMinutes(-1))] }, "3.3");
        var failed = Step(Complete() with { Jobs = [Job(3, EmccJobTypes.BulkCertificateImport, T0.AddMinutes(1), JobStatus.Failed)] }, "3.3");

        Assert.Equal(ChecklistStatus.Missing, none.Status);
        Assert.StartsWith("no consolidation is recorded here", Assert.Single(none.Findings), StringComparison.Ordinal);
        Assert.Equal(ChecklistStatus.Inconsistent, stale.Status);
        Assert.Equal(["this cluster exported at 2026-11-22 08:00:00Z, after the last consolidation or import here (2026-11-22 07:59:00Z): consolidate again, then import in every cluster"], stale.Findings);
        Assert.Equal(ChecklistStatus.Missing, failed.Status);
    }

    [Fact]
    public void Import_NothingOfTheRemoteCluster_Missing()
    {
        var step = Step(Complete() with { Certificates = Complete().Certificates! with { Trusted = [] } }, "3.4");

        Assert.Equal(ChecklistStatus.Missing, step.Status);
        Assert.Equal(["no certificate of remote cluster ClusterB is in the trust stores (Bulk Certificate Management > Import, after the consolidation); EMCC requests between the clusters are refused (208)"], step.Findings);
    }

    [Fact]
    public void Import_EntriesMissingFromTheSeedsMapping_InconsistentNamingEach()
    {
        var trusted = ImportedFromB().Where(t => !(t.SourcePurpose == CertificatePurpose.Tomcat) && !(t.SourcePurpose == CertificatePurpose.ItlRecovery && t.Store == TrustStore.PhoneSastTrust)).ToList();

        var step = Step(Complete() with { Certificates = Complete().Certificates! with { Trusted = trusted } }, "3.4");

        Assert.Equal(ChecklistStatus.Inconsistent, step.Status);
        Assert.Equal(["ClusterB cucm-b1 tomcat is not in tomcat-trust", "ClusterB cucm-b1 ITLRecovery is not in Phone-SAST-trust"], step.Findings);
    }

    [Fact]
    public void Import_OtherClustersCertificatesOnly_StillMissingForTheConfiguredOne()
    {
        var trusted = ImportedFromB().Select(t => new TrustedCertificate { Store = t.Store, SourceCluster = "ClusterC", SourceNode = t.SourceNode, SourcePurpose = t.SourcePurpose }).ToList();

        Assert.Equal(ChecklistStatus.Missing, Step(Complete() with { Certificates = Complete().Certificates! with { Trusted = trusted } }, "3.4").Status);
    }

    [Fact]
    public void Remote_NeverUpdated_MissingAndNoReply_Inconsistent()
    {
        var never = Step(Complete() with { RemoteClusterStatuses = [] }, "9");
        var failed = Step(Complete() with
        {
            RemoteClusterStatuses = [new RemoteClusterStatus { ClusterId = "ClusterB", LastUpdate = T0, LastError = "208: EMService Connection Error: no reply" }],
        }, "9");

        Assert.Equal(ChecklistStatus.Missing, never.Status);
        Assert.Equal(["remote cluster ClusterB has not been updated yet (Update Remote Cluster Now)"], never.Findings);
        Assert.Equal(ChecklistStatus.Inconsistent, failed.Status);
        Assert.Equal(
            ["remote cluster ClusterB did not answer the update of 2026-11-22 08:00:00Z as expected (208: EMService Connection Error: no reply); EMCC logins towards it fail until an update succeeds (Update Remote Cluster Now)"],
            failed.Findings);
    }

    [Fact]
    public void Remote_AnsweredWithoutEmccOrPstnAccess_Inconsistent()
    {
        var status = Answered();
        status.EmccRemoteActivated = false;
        status.PstnAccessRemoteActivated = false;

        var step = Step(Complete() with { RemoteClusterStatuses = [status] }, "9");

        Assert.Equal(ChecklistStatus.Inconsistent, step.Status);
        Assert.Equal(
        [
            "remote cluster ClusterB reports EMCC not active (Remote Activated false at 2026-11-22 08:05:00Z): activate EMCC in its Intercluster Service Profile",
            "remote cluster ClusterB reports PSTN Access not active (Remote Activated false at 2026-11-22 08:05:00Z)",
        ], step.Findings);
    }

    [Fact]
    public void Remote_WithThisClustersOwnId_Inconsistent()
    {
        var doc = EmccLab.ClusterA();
        doc.RemoteClusters[0].ClusterId = "ClusterA";

        var step = Step(Complete() with { RemoteClusterStatuses = [Answered("ClusterA")] }, "9", doc);

        Assert.Equal(ChecklistStatus.Inconsistent, step.Status);
        Assert.Equal(["remote cluster ClusterA has this cluster's own Cluster ID; every participating cluster needs a unique Cluster ID"], step.Findings);
    }

    [Theory]
    [InlineData(JobStatus.Processing, "the last Insert EMCC Devices job (7) is still Processing: wait for it in the job scheduler")]
    [InlineData(JobStatus.Failed, "the last Insert EMCC Devices job (7) failed: capacity")]
    public void Devices_LastInsertJobNotCompleted_Inconsistent(JobStatus status, string finding)
    {
        var jobs = new[] { Job(1, EmccJobTypes.InsertEmccDevices, T0), Job(7, EmccJobTypes.InsertEmccDevices, T0.AddMinutes(1), status, "capacity") };

        var step = Step(Complete() with { Jobs = jobs }, "4.4");

        Assert.Equal(ChecklistStatus.Inconsistent, step.Status);
        Assert.Equal([finding], step.Findings);
    }
}
