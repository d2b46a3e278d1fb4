using Emx.Domain.Emcc;

namespace Emx.Domain.Tests.Emcc;

/// <summary>The validation report of the EMCC Intercluster Service Profile window ("Validate" before Save).</summary>
public sealed class InterclusterServiceProfileValidationTests
{
    private static InterclusterServiceProfileReport Validate(InterclusterServiceProfile profile, ProvisioningDocument? doc = null, EmccCheckContext? context = null) =>
        InterclusterServiceProfileValidation.Validate(profile, doc ?? EmccLab.ClusterA(), context ?? EmccLab.Context());

    private static InterclusterServiceProfile Profile(bool emcc = true, bool pstn = true, string? pstnTrunk = "EMCC-Trunk-B", bool rsvp = true, string? rsvpTrunk = "EMCC-Trunk-B") => new()
    {
        Emcc = emcc,
        PstnAccess = new InterclusterTrunkService { Active = pstn, SipTrunk = pstnTrunk },
        RsvpAgent = new InterclusterTrunkService { Active = rsvp, SipTrunk = rsvpTrunk },
    };

    [Fact]
    public void Validate_LabProfile_EveryLineSuccessAndSaveAllowed()
    {
        var report = Validate(Profile());

        Assert.True(report.CanSave);
        Assert.Equal(
        [
            new("EMCC", "EMCC Active", ServiceProfileCheckStatus.Success, "EMCC is active"),
            new("EMCC", "Default TFTP Server for EMCC Login Device", ServiceProfileCheckStatus.Success, "127.0.1.1"),
            new("EMCC", "EMCC Geolocation Filter", ServiceProfileCheckStatus.Success, "CountryStateCity"),
            new("EMCC", "Default Server For Remote Cluster Update", ServiceProfileCheckStatus.Success, "127.0.1.1"),
            new("EMCC", "Default EMCC Template", ServiceProfileCheckStatus.Success, "EMCC-Template"),
            new("EMCC", "EMCC Devices", ServiceProfileCheckStatus.Success, "EMCC devices in database: 10"),
            new("PSTN Access", "PSTN Access SIP Trunk", ServiceProfileCheckStatus.Success, "EMCC-Trunk-B"),
            new ServiceProfileCheck("RSVP Agent", "RSVP Agent SIP Trunk", ServiceProfileCheckStatus.Success, "EMCC-Trunk-B"),
        ], report.Checks);
    }

    [Fact]
    public void Validate_PstnAccessActiveWithoutTrunk_FailureAndNoSave()
    {
        var report = Validate(Profile(pstnTrunk: null));

        Assert.False(report.CanSave);
        var failure = Assert.Single(report.Failures);
        Assert.Equal(new ServiceProfileCheck("PSTN Access", "PSTN Access SIP Trunk", ServiceProfileCheckStatus.Failure,
            "PSTN Access is active but no PSTN Access SIP Trunk is selected"), failure);
    }

    [Fact]
    public void Validate_TrunkWithServiceTypeNone_Failure()
    {
        var doc = EmccLab.ClusterA();
        doc.SipTrunks.Add(new SipTrunk { Name = "PSTN-GW", Destination = "10.1.1.1" });

        var report = Validate(Profile(rsvpTrunk: "PSTN-GW"), doc);

        Assert.Equal(
            ["EMCC SIP trunk 'PSTN-GW' has Trunk Service Type None; it must be Extension Mobility Cross Clusters"],
            report.Failures.Select(f => f.Detail));
        Assert.Equal("RSVP Agent", Assert.Single(report.Failures).Service);
    }

    [Fact]
    public void Validate_TrunkThatDoesNotExist_Failure()
    {
        var report = Validate(Profile(pstnTrunk: "Nowhere"));

        Assert.Equal(["PSTN Access SIP Trunk 'Nowhere' does not exist"], report.Failures.Select(f => f.Detail));
    }

    [Fact]
    public void Validate_EmccActiveWithoutPstnAccess_Failure211()
    {
        var report = Validate(Profile(pstn: false, pstnTrunk: null));

        Assert.False(report.CanSave);
        Assert.Equal(new ServiceProfileCheck("PSTN Access", "PSTN Access Active", ServiceProfileCheckStatus.Failure,
            "EMCC is active but PSTN Access is not (visiting clusters answer 211, EMCC Not Activated)"), Assert.Single(report.Failures));
    }

    [Fact]
    public void Validate_RsvpAgentNotActive_NotActiveLineAndSaveAllowed()
    {
        var report = Validate(Profile(rsvp: false, rsvpTrunk: null));

        Assert.True(report.CanSave);
        Assert.Equal(new ServiceProfileCheck("RSVP Agent", "RSVP Agent Active", ServiceProfileCheckStatus.NotActive,
            "RSVP Agent is not active: EMCC calls get no RSVP-based call admission control"), report.Checks[^1]);
    }

    [Fact]
    public void Validate_NothingActive_ThreeNotActiveLinesAndSaveAllowed()
    {
        var report = Validate(new InterclusterServiceProfile());

        Assert.True(report.CanSave);
        Assert.Equal(
        [
            ("EMCC", ServiceProfileCheckStatus.NotActive),
            ("PSTN Access", ServiceProfileCheckStatus.NotActive),
            ("RSVP Agent", ServiceProfileCheckStatus.NotActive),
        ], report.Checks.Select(c => (c.Service, c.Status)));
        Assert.Equal("EMCC is not active: EMCC logins of this cluster's users are refused (201)", report.Checks[0].Detail);
    }

    [Fact]
    public void Validate_PstnAccessWithoutEmcc_Failure()
    {
        var report = Validate(Profile(emcc: false, rsvp: false));

        Assert.Equal(["PSTN Access is active but EMCC is not"], report.Failures.Select(f => f.Detail));
    }

    [Fact]
    public void Validate_EmccActiveWithoutPrecedingConfiguration_OneFailurePerMissingPiece()
    {
        var doc = EmccLab.ClusterA();
        doc.EmccFeatureConfiguration = new EmccFeatureConfiguration();
        doc.EmccTemplates.Clear();
        doc.EmccDevices = null;

        var report = Validate(Profile(), doc);

        Assert.Equal(
        [
            "Default TFTP Server for EMCC Login Device is not set in EMCC Feature Configuration (login would fail with 39)",
            "EMCC Geolocation Filter is not set in EMCC Feature Configuration (no roaming device pool can be chosen for EMCC phones)",
            "Default Server For Remote Cluster Update is not set in EMCC Feature Configuration (remote clusters cannot query this cluster)",
            "no default EMCC template is set (Bulk Administration > EMCC > Insert/Update EMCC)",
            "no EMCC device inserted (EMCC logins fail with 33)",
        ], report.Failures.Select(f => f.Detail));
    }

    [Fact]
    public void Validate_BackupTftpServerWithoutTftp_Failure()
    {
        var doc = EmccLab.ClusterA();
        doc.EmccFeatureConfiguration!.BackupTftpServerForEmccLoginDevice = "10.9.9.9";

        var report = Validate(Profile(), doc);

        Assert.Equal(new ServiceProfileCheck("EMCC", "Backup TFTP Server for EMCC Login Device", ServiceProfileCheckStatus.Failure,
            "Backup TFTP Server for EMCC Login Device '10.9.9.9' is not a node of this cluster (login would fail with 39)"), Assert.Single(report.Failures));
    }

    [Fact]
    public void Validate_NodesUnknown_ServersNotMatchedAgainstNodes()
    {
        var doc = EmccLab.ClusterA();
        doc.EmccFeatureConfiguration!.DefaultTftpServerForEmccLoginDevice = "10.9.9.9";

        Assert.True(Validate(Profile(), doc, new EmccCheckContext()).CanSave);
    }
}
