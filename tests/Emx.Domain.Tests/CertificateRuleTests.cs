namespace Emx.Domain.Tests;

/// <summary>Bulk certificate management rules: the seed's import mapping, re-export detection, the settings section.</summary>
public sealed class CertificateRuleTests
{
    private const string Section = "bulkCertificateManagement";

    [Theory]
    [InlineData(CertificatePurpose.Capf, new[] { TrustStore.CallManagerTrust })]
    [InlineData(CertificatePurpose.Tomcat, new[] { TrustStore.TomcatTrust })]
    [InlineData(CertificatePurpose.CallManager, new[] { TrustStore.CallManagerTrust, TrustStore.PhoneSastTrust })]
    [InlineData(CertificatePurpose.ItlRecovery, new[] { TrustStore.PhoneSastTrust, TrustStore.CallManagerTrust })]
    [InlineData(CertificatePurpose.Tftp, new TrustStore[0])]
    public void ImportTargets_EveryPurpose_FollowsTheSeedsMapping(CertificatePurpose purpose, TrustStore[] expected)
    {
        Assert.Equal(expected, CertificateRules.ImportTargets(purpose));
    }

    [Fact]
    public void Purposes_All_AreTheExportableFourWithoutTftp()
    {
        Assert.Equal([CertificatePurpose.Tomcat, CertificatePurpose.CallManager, CertificatePurpose.Capf, CertificatePurpose.ItlRecovery], CertificateRules.Purposes(BulkCertificateType.All));
        Assert.All(Enum.GetValues<BulkCertificateType>().Where(t => t != BulkCertificateType.All), t => Assert.Single(CertificateRules.Purposes(t)));
    }

    [Fact]
    public void DisplayName_TrustStores_AreCucmNames()
    {
        Assert.Equal(["CallManager-trust", "tomcat-trust", "Phone-SAST-trust", "CAPF-trust"], Enum.GetValues<TrustStore>().Select(CertificateRules.DisplayName));
    }

    [Fact]
    public void ChangedSinceExport_RegeneratedOrNewCertificateOfAnExportedType_IsReported()
    {
        (string, CertificatePurpose, string)[] current =
        [
            ("n1", CertificatePurpose.Tomcat, "AA"), ("n1", CertificatePurpose.CallManager, "BB"), ("n1", CertificatePurpose.Tftp, "CC"),
            ("n2", CertificatePurpose.Tomcat, "DD"),
        ];

        Assert.Empty(CertificateRules.ChangedSinceExport(current, BulkCertificateType.All, ["aa", "BB", "DD"]));
        Assert.Equal(["n2 tomcat"], CertificateRules.ChangedSinceExport(current, BulkCertificateType.All, ["AA", "BB"]));
        Assert.Equal(["n1 tomcat", "n2 tomcat"], CertificateRules.ChangedSinceExport(current, BulkCertificateType.Tomcat, ["BB"]));
        Assert.Empty(CertificateRules.ChangedSinceExport(current, BulkCertificateType.CallManager, ["BB"]));
    }

    [Fact]
    public void Validate_DefaultSection_IsNotConfiguredAndValid()
    {
        ErrorAssert.None(World.Validate(new BulkCertificateManagement()));
        ErrorAssert.None(World.Validate(new BulkCertificateManagement { Directory = "/srv/share" }));
    }

    [Fact]
    public void Validate_SftpWithoutServerUserKeyOrDirectory_NamesEachField()
    {
        var errors = World.Validate(new BulkCertificateManagement { Location = SharedLocationKind.Sftp });

        foreach (var field in new[] { "server", "userId", "identityFile", "directory" })
        {
            ErrorAssert.Contains(errors, Section, "", field);
        }
    }

    [Theory]
    [InlineData("directory", "relative/path")]
    [InlineData("directory", "/srv/\"quoted\"")]
    [InlineData("directory", "/srv/line\nbreak")]
    [InlineData("userId", "-oProxyCommand=x")]
    [InlineData("server", "-oProxyCommand=x")]
    [InlineData("hostKey", "not a key")]
    [InlineData("identityFile", "id_ed25519")]
    public void Validate_SftpUnsafeOrMalformedValue_Rejected(string field, string value)
    {
        var section = new BulkCertificateManagement
        {
            Location = field == "directory" && value == "relative/path" ? SharedLocationKind.Directory : SharedLocationKind.Sftp,
            Server = "sftp.example.com", UserId = "bulk", IdentityFile = "/etc/emx/key", Directory = "/srv/share",
        };
        typeof(BulkCertificateManagement).GetProperty(char.ToUpperInvariant(field[0]) + field[1..])!.SetValue(section, value);

        ErrorAssert.Single(World.Validate(section), Section, field);
    }

    [Fact]
    public void Validate_CompleteSftpSection_NoErrors()
    {
        ErrorAssert.None(World.Validate(new BulkCertificateManagement
        {
            Location = SharedLocationKind.Sftp, Server = "192.0.2.10", Port = 2222, UserId = "emcc.bulk", IdentityFile = "/etc/emx/key",
            Directory = "certs", HostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH+C9okWi0dh2CGAKqu",
        }));
    }
}
