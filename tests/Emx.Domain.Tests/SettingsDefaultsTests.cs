namespace Emx.Domain.Tests;

/// <summary>Every settings section starts with Cisco's documented defaults (seed table 2, reference sections 3.4 and 6).</summary>
public sealed class SettingsDefaultsTests
{
    [Fact]
    public void ExtensionMobilityServiceParameters_New_HasCiscoDefaults()
    {
        var em = new ExtensionMobilityServiceParameters();

        Assert.Equal(MultipleLoginBehavior.NotAllowed, em.MultipleLoginBehavior);
        Assert.Equal(5, em.MaximumConcurrentRequests);
        Assert.False(em.EnforceIntraClusterMaximumLoginTime);
        Assert.Equal("8:00", em.IntraClusterMaximumLoginTime);
        Assert.Equal("8:00", em.InterClusterMaximumLoginTime);
        Assert.True(em.AlphanumericUserId);
        Assert.False(em.RememberLastUserLoggedIn);
        Assert.False(em.ClearCallLogsOnIntraClusterEm);
        Assert.False(em.ValidateIpAddress);
        Assert.Equal("", em.TrustedListOfIps);
        Assert.Empty(em.TrustedIps);
        Assert.False(em.AllowProxy);
        Assert.Equal(10_000, em.ExtensionMobilityCacheSize);
        Assert.True(em.EmccAllowProxy);
    }

    [Fact]
    public void EmccFeatureConfiguration_New_HasSeedTable2Defaults()
    {
        var emcc = new EmccFeatureConfiguration();

        Assert.Null(emcc.DefaultTftpServerForEmccLoginDevice);
        Assert.Null(emcc.BackupTftpServerForEmccLoginDevice);
        Assert.Equal(1440, emcc.DefaultIntervalForExpiredEmccDeviceMaintenance);
        Assert.False(emcc.EnableAllRemoteClusterServicesWhenAddingANewRemoteCluster);
        Assert.Equal(CssForPstnAccessSipTrunk.UseTrunkCss, emcc.CssForPstnAccessSipTrunk);
        Assert.Null(emcc.EmccGeolocationFilter);
        Assert.Equal(8, emcc.EmccRegionMaxAudioBitRate);
        Assert.Equal(384, emcc.EmccRegionMaxVideoCallBitRate);
        Assert.Equal(LinkLossType.LowLoss, emcc.EmccRegionLinkLossType);
        Assert.Equal(15, emcc.RsvpSipTrunkKeepAliveTimer);
        Assert.Null(emcc.DefaultServerForRemoteClusterUpdate);
        Assert.Null(emcc.BackupServerForRemoteClusterUpdate);
        Assert.Equal(30, emcc.RemoteClusterUpdateInterval);
    }

    [Fact]
    public void EmccFeatureConfiguration_AllowedAudioBitRates_IncludeTheG729DefaultAndG711()
    {
        Assert.Contains(8, EmccFeatureConfiguration.AllowedAudioBitRates);
        Assert.Contains(64, EmccFeatureConfiguration.AllowedAudioBitRates);
        Assert.Equal(EmccFeatureConfiguration.AllowedAudioBitRates.Order(), EmccFeatureConfiguration.AllowedAudioBitRates);
        Assert.Equal(EmccFeatureConfiguration.AllowedAudioBitRates.Count, EmccFeatureConfiguration.AllowedAudioBitRates.Distinct().Count());
    }

    [Fact]
    public void ClusterSettings_New_HasDocumentedDefaults()
    {
        var cluster = new ClusterSettings();

        Assert.Equal("StandAloneCluster", cluster.Id);
        Assert.Equal("15.0", cluster.Version);
        Assert.Equal(ClusterSecurityMode.NonSecure, cluster.SecurityMode);
        Assert.True(cluster.SynchronizationBetweenAutoDeviceProfileAndPhoneConfiguration);
        Assert.Equal(60_000, cluster.MaxPhones);
    }

    [Fact]
    public void CredentialPolicy_New_HasDocumentedDefaults()
    {
        var policy = new CredentialPolicy();

        Assert.Equal(3, policy.FailedLogonThreshold);
        Assert.Equal(30, policy.ResetFailedLogonAttemptsMinutes);
        Assert.Equal(30, policy.LockoutMinutes);
        Assert.Equal(4, policy.MinimumPinLength);
        Assert.Equal(8, policy.MinimumPasswordLength);
    }

    [Fact]
    public void InterclusterServiceProfile_New_HasEverythingInactive()
    {
        var isp = new InterclusterServiceProfile();

        Assert.False(isp.Emcc);
        Assert.False(isp.PstnAccess.Active);
        Assert.Null(isp.PstnAccess.SipTrunk);
        Assert.False(isp.RsvpAgent.Active);
        Assert.Null(isp.RsvpAgent.SipTrunk);
    }

    [Fact]
    public void IlsConfiguration_New_HasDocumentedDefaults()
    {
        var ils = new IlsConfiguration();

        Assert.Null(ils.Role);
        Assert.Null(ils.RegistrationServer);
        Assert.False(ils.ExchangeGlobalDialPlanReplicationData);
        Assert.True(ils.UseTlsCertificates);
        Assert.False(ils.UsePassword);
        Assert.Equal(10, ils.SyncIntervalMinutes);
        Assert.Null(ils.RouteString);
    }

    [Fact]
    public void ObjectDefaults_New_MatchDocumentedDefaults()
    {
        var region = new Region();
        Assert.Equal(64, region.MaxAudioBitRateKbps);
        Assert.Equal(384, region.MaxVideoCallBitRateKbps);
        Assert.Equal(LinkLossType.LowLoss, region.LinkLossType);

        var trunk = new SipTrunk();
        Assert.Equal(TrunkServiceType.None, trunk.ServiceType);
        Assert.Equal(5060, trunk.Port);
        Assert.Equal(SipTransportKind.Udp, trunk.Transport);
        Assert.True(trunk.OptionsPing);
        Assert.Equal(60, trunk.OptionsPingIntervalSeconds);

        var remote = new RemoteCluster();
        Assert.Equal(8443, remote.HttpsPort);
        Assert.False(remote.Tftp);
        Assert.False(remote.Emcc);

        var profile = new DeviceProfile();
        Assert.Null(profile.EmccCss);
        Assert.Equal(MlppIndication.Default, profile.MlppIndication);
        Assert.Equal(MlppPreemption.Default, profile.MlppPreemption);
        Assert.Equal(OnOffDefault.Default, profile.Privacy);
        Assert.Equal(SingleButtonBarge.Default, profile.SingleButtonBarge);
        Assert.Equal(DndOption.UseCommonPhoneProfileSetting, profile.DndOption);
        Assert.Equal(DndIncomingCallAlert.None, profile.DndIncomingCallAlert);

        var phone = new Phone();
        Assert.Equal("Default", phone.DevicePool);
        Assert.False(phone.EnableExtensionMobility);

        Assert.Equal(4, new Line().MaxCalls);
        Assert.Equal(10, new PhoneModel().MaxLines);
        Assert.True(new EndUser().HomeCluster);
        Assert.True(new PhoneService().Enabled);
        Assert.Equal(RouteGroupDistribution.TopDown, new RouteGroup().Distribution);
    }

    [Fact]
    public void DefaultSections_Validated_HaveNoErrors()
    {
        var doc = new ProvisioningDocument
        {
            Cluster = new ClusterSettings(),
            ServiceParameters = new ServiceParametersSection { ExtensionMobility = new ExtensionMobilityServiceParameters() },
            CredentialPolicy = new CredentialPolicy(),
            EmccFeatureConfiguration = new EmccFeatureConfiguration(),
            InterclusterServiceProfile = new InterclusterServiceProfile(),
            IlsConfiguration = new IlsConfiguration(),
            BulkCertificateManagement = new BulkCertificateManagement(),
        };

        Assert.Equal(7, doc.Sections().Count());
        ErrorAssert.None(World.Validate(doc, new FakeConfigCatalog()));
    }

    [Fact]
    public void ExtensionMobilityServiceParameters_TrustedIps_SplitsOnSemicolonsAndTrims()
    {
        var em = new ExtensionMobilityServiceParameters { TrustedListOfIps = " 10.0.0.1; ;proxy.example.com ;" };

        Assert.Equal(["10.0.0.1", "proxy.example.com"], em.TrustedIps);
    }
}
