namespace Emx.Domain.Tests;

/// <summary>Remote clusters, phone services, the intercluster service profile, ILS and the EMCC feature configuration.</summary>
public sealed class EmccRuleTests
{
    private const string Isp = "interclusterServiceProfile";

    [Fact]
    public void Validate_SampleRemoteCluster_NoErrors()
    {
        ErrorAssert.None(World.Validate(World.Remote()));
    }

    [Fact]
    public void Validate_RemoteClusterWithDefaultOwnClusterId_Rejected()
    {
        var error = ErrorAssert.Single(World.Validate(World.Remote("StandAloneCluster")), "remoteClusters", "clusterId");
        Assert.Contains("own", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RemoteClusterWithOwnClusterIdFromDocument_Rejected()
    {
        var doc = ProvisioningDocument.With(World.Remote("Home"));
        doc.Cluster = new ClusterSettings { Id = "Home" };

        ErrorAssert.Single(World.Validate(doc), "remoteClusters", "clusterId");
    }

    [Fact]
    public void Validate_RemoteClusterWithOwnClusterIdFromCatalog_Rejected()
    {
        var catalog = World.Catalog().Set(new ClusterSettings { Id = "Home" });

        ErrorAssert.Single(World.Validate(World.Remote("Home"), catalog), "remoteClusters", "clusterId");
        ErrorAssert.None(World.Validate(World.Remote("StandAloneCluster"), catalog));
    }

    [Theory]
    [InlineData("")]
    [InlineData("bad id")]
    [InlineData("bad/id")]
    [InlineData("ümlaut")]
    public void Validate_RemoteClusterIdWithInvalidCharacters_Rejected(string clusterId)
    {
        ErrorAssert.Single(World.Validate(World.Remote(clusterId)), "remoteClusters", "clusterId");
    }

    [Fact]
    public void Validate_RemoteClusterWithoutFullyQualifiedName_Rejected()
    {
        var remote = World.Remote();
        remote.FullyQualifiedName = "";

        ErrorAssert.Single(World.Validate(remote), "remoteClusters", "fullyQualifiedName");
    }

    [Theory]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(false, true, true)]
    public void Validate_RemoteClusterTftpWithEmcc_Rejected(bool emcc, bool tftp, bool valid)
    {
        var remote = World.Remote();
        remote.Emcc = emcc;
        remote.Tftp = tftp;

        var errors = World.Validate(remote);

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "remoteClusters", "tftp");
        }
    }

    [Theory]
    [InlineData("http://em.example.com/emapp/EMAppServlet?device=#DEVICENAME#&EMCC=#EMCC#")]
    [InlineData("https://10.0.0.5:8443/emapp/EMAppServlet?device=#DEVICENAME#")]
    [InlineData("http://#DEVICENAME#.example.com/")]
    public void Validate_PhoneServiceAbsoluteHttpUrlWithTokens_Accepted(string url)
    {
        ErrorAssert.None(World.Validate(new PhoneService { Name = "EM", Url = url }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/emapp/EMAppServlet")]
    [InlineData("emapp/EMAppServlet")]
    [InlineData("ftp://em.example.com/x")]
    [InlineData("file:///etc/passwd")]
    [InlineData("#DEVICENAME#")]
    public void Validate_PhoneServiceUrlNotAbsoluteHttp_RejectedOnUrl(string url)
    {
        ErrorAssert.Single(World.Validate(new PhoneService { Name = "EM", Url = url }), "phoneServices", "url");
    }

    [Fact]
    public void Validate_PhoneServiceSecureUrlNotAbsolute_Rejected()
    {
        var service = new PhoneService { Name = "EM", Url = "http://em/x", SecureUrl = "/relative" };

        ErrorAssert.Single(World.Validate(service), "phoneServices", "secureUrl");
        service.SecureUrl = "https://em:8443/x";
        ErrorAssert.None(World.Validate(service));
    }

    [Fact]
    public void Validate_PhoneServiceName33Characters_Rejected()
    {
        ErrorAssert.None(World.Validate(new PhoneService { Name = new string('s', 32), Url = "http://em/x" }));
        ErrorAssert.Single(World.Validate(new PhoneService { Name = new string('s', 33), Url = "http://em/x" }), "phoneServices", "name");
    }

    [Fact]
    public void Validate_IspServicesOnEmccTrunks_Accepted()
    {
        var doc = new ProvisioningDocument
        {
            SipTrunks = [World.EmccTrunk("EMCC-1")],
            InterclusterServiceProfile = new InterclusterServiceProfile
            {
                Emcc = true,
                PstnAccess = new InterclusterTrunkService { Active = true, SipTrunk = "EMCC-1" },
                RsvpAgent = new InterclusterTrunkService { Active = true, SipTrunk = "EMCC-stored" },
            },
        };

        ErrorAssert.None(World.Validate(doc, World.Catalog().Add(World.EmccTrunk("EMCC-stored"))));
    }

    [Theory]
    [InlineData("pstnAccess")]
    [InlineData("rsvpAgent")]
    public void Validate_IspActiveServiceWithoutTrunk_Rejected(string service)
    {
        var isp = new InterclusterServiceProfile();
        (service == "pstnAccess" ? isp.PstnAccess : isp.RsvpAgent).Active = true;

        ErrorAssert.Single(World.Validate(isp), Isp, $"{service}.sipTrunk");
    }

    [Theory]
    [InlineData("pstnAccess")]
    [InlineData("rsvpAgent")]
    public void Validate_IspTrunkThatDoesNotExist_Rejected(string service)
    {
        var isp = new InterclusterServiceProfile();
        (service == "pstnAccess" ? isp.PstnAccess : isp.RsvpAgent).SipTrunk = "Ghost";

        var error = ErrorAssert.Single(World.Validate(isp), Isp, $"{service}.sipTrunk");
        Assert.Contains("Ghost", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pstnAccess")]
    [InlineData("rsvpAgent")]
    public void Validate_IspTrunkNotEmccType_Rejected(string service)
    {
        var isp = new InterclusterServiceProfile();
        var trunkService = service == "pstnAccess" ? isp.PstnAccess : isp.RsvpAgent;
        trunkService.Active = true;
        trunkService.SipTrunk = World.PstnTrunk;

        ErrorAssert.Single(World.Validate(isp), Isp, $"{service}.sipTrunk");
    }

    [Fact]
    public void Validate_IspInactiveServiceWithoutTrunk_Accepted()
    {
        ErrorAssert.None(World.Validate(new InterclusterServiceProfile { Emcc = true }));
    }

    [Fact]
    public void Validate_SpokeWithoutRegistrationServer_Rejected()
    {
        ErrorAssert.Single(World.Validate(new IlsConfiguration { Role = IlsRole.Spoke }), "ilsConfiguration", "registrationServer");
        ErrorAssert.Single(World.Validate(new IlsConfiguration { Role = IlsRole.Spoke, RegistrationServer = "  " }), "ilsConfiguration", "registrationServer");
    }

    [Fact]
    public void Validate_SpokeWithRegistrationServerOrHubWithout_Accepted()
    {
        ErrorAssert.None(World.Validate(new IlsConfiguration { Role = IlsRole.Spoke, RegistrationServer = "hub-pub.example.com" }));
        ErrorAssert.None(World.Validate(new IlsConfiguration { Role = IlsRole.Hub }));
    }

    [Theory]
    [InlineData("emea.example-1", true)]
    [InlineData("1234", true)]
    [InlineData("", false)]
    [InlineData("bad route", false)]
    [InlineData("under_score", false)]
    [InlineData("a*", false)]
    public void Validate_IlsRouteString_Format(string routeString, bool valid)
    {
        var errors = World.Validate(new IlsConfiguration { Role = IlsRole.Hub, RouteString = routeString });

        if (valid)
        {
            ErrorAssert.None(errors);
        }
        else
        {
            ErrorAssert.Single(errors, "ilsConfiguration", "routeString");
        }
    }

    [Fact]
    public void Validate_IlsRouteStringLength_AtMost64()
    {
        ErrorAssert.None(World.Validate(new IlsConfiguration { RouteString = new string('r', 64) }));
        ErrorAssert.Single(World.Validate(new IlsConfiguration { RouteString = new string('r', 65) }), "ilsConfiguration", "routeString");
    }

    [Fact]
    public void Validate_EmccGeolocationFilterUnknown_Rejected()
    {
        ErrorAssert.Single(World.Validate(new EmccFeatureConfiguration { EmccGeolocationFilter = "Ghost" }), "emccFeatureConfiguration", "emccGeolocationFilter");
    }

    [Fact]
    public void Validate_EmccGeolocationFilterStoredOrIncoming_Accepted()
    {
        var stored = World.Catalog().Add(new GeolocationFilter { Name = "Stored", Fields = [GeolocationField.Country] });
        ErrorAssert.None(World.Validate(new EmccFeatureConfiguration { EmccGeolocationFilter = "Stored" }, stored));

        var doc = ProvisioningDocument.With(new EmccFeatureConfiguration { EmccGeolocationFilter = "New" });
        doc.GeolocationFilters.Add(new GeolocationFilter { Name = "New", Fields = [GeolocationField.A1] });
        ErrorAssert.None(World.Validate(doc));
    }
}
