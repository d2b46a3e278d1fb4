using System.Diagnostics;

namespace Emx.Protocols.Tests;

public sealed class PhoneConfigXmlTests
{
    private const string EmServiceUrl = "http://10.0.0.10:8080/emapp/EMAppServlet?device=#DEVICENAME#&EMCC=#EMCC#";

    /// <summary>The reference's minimal realistic SIP example (section 4) as a model.</summary>
    private static readonly PhoneConfigFile ReferenceExample = new()
    {
        DeviceProtocol = "SIP",
        DevicePool = new DevicePoolSettings
        {
            Name = "Default",
            DateTimeSetting = new DateTimeSettings
            {
                Name = "CMLocal",
                DateTemplate = "D/M/Y",
                TimeZone = "GMT Standard/Daylight Time",
                NtpServers = [new NtpServer { Name = "10.0.0.1" }],
            },
            CallManagerGroup = new CallManagerGroupSettings
            {
                Name = "Default",
                Members =
                [
                    new CallManagerMember
                    {
                        Priority = 0,
                        Name = "cucm1",
                        Ports = new CallManagerPorts { EthernetPhonePort = 2000, SipPort = 5060, SecuredSipPort = 5061 },
                        ProcessNodeName = "10.0.0.10",
                    },
                ],
            },
        },
        SipProfile = new SipProfileSettings
        {
            Lines =
            [
                new SipLine
                {
                    Button = 1,
                    LineIndex = 1,
                    FeatureLabel = "4001",
                    Name = "4001",
                    DisplayName = "John Doe",
                    Contact = "4001",
                    MessageWaitingLampPolicy = 1,
                },
            ],
            VoipControlPort = 5060,
            DialTemplate = "dialplan.xml",
        },
        LoadInformation = "sip78xx.12-5-1SR1-4",
        VersionStamp = "1552156347-145cec2d-3b45-430f-acaf-d79657a15c58",
        UserLocale = new UserLocaleSettings { Name = "English_United_States", LangCode = "en_US" },
        ServicesUrl = "http://10.0.0.10:8080/ccmcip/getservicesmenu.jsp",
        EncrConfig = false,
        UserId = "john",
        PhoneServices = new PhoneServicesSettings
        {
            UseHttps = true,
            Services = [new PhoneServiceEntry { Name = "Extension Mobility", Url = EmServiceUrl }],
        },
    };

    [Fact]
    public void Write_ReferenceExample_MatchesFixtureByteForByte()
    {
        Assert.Equal(Fixture.Bytes("PhoneConfig/SEP001122AABBCC.cnf.xml"), PhoneConfigXml.WriteUtf8(ReferenceExample));
    }

    [Fact]
    public void Write_ServiceUrl_KeepsTokensAndEscapesAmpersand()
    {
        var xml = PhoneConfigXml.Write(ReferenceExample);

        Assert.Contains("<url>http://10.0.0.10:8080/emapp/EMAppServlet?device=#DEVICENAME#&amp;EMCC=#EMCC#</url>", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteUtf8_HasNoByteOrderMark()
    {
        var bytes = PhoneConfigXml.WriteUtf8(ReferenceExample);

        Assert.Equal((byte)'<', bytes[0]);
    }

    [Fact]
    public void Parse_ReferenceExampleAsPublished_EqualsModel()
    {
        var result = PhoneConfigXml.Parse(Fixture.Text("PhoneConfig/reference-example.cnf.xml"));

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(ReferenceExample, result.Value);
    }

    [Fact]
    public void Parse_ReferenceExample_ReadsLineAndServiceDetails()
    {
        var config = PhoneConfigXml.Parse(Fixture.Text("PhoneConfig/reference-example.cnf.xml")).Value!;

        var line = Assert.Single(config.SipProfile!.Lines);
        Assert.Equal("USECALLMANAGER", line.Proxy);
        Assert.Equal(5060, line.Port);
        Assert.Equal(9, line.FeatureId);
        var member = Assert.Single(config.DevicePool.CallManagerGroup.Members);
        Assert.Equal(5060, member.Ports.SipPort);
        var service = Assert.Single(config.PhoneServices!.Services);
        Assert.Equal(EmServiceUrl, service.Url);
        Assert.Equal(1, config.DeviceSecurityMode);
        Assert.Equal(2, config.TransportLayerProtocol);
    }

    [Fact]
    public void WriteThenParse_RichConfiguration_RoundTrips()
    {
        var config = ReferenceExample with
        {
            FullConfig = false,
            DevicePool = ReferenceExample.DevicePool with
            {
                CallManagerGroup = ReferenceExample.DevicePool.CallManagerGroup with
                {
                    TftpDefault = false,
                    Members =
                    [
                        .. ReferenceExample.DevicePool.CallManagerGroup.Members,
                        new CallManagerMember { Priority = 1, Name = "cucm2", Ports = new CallManagerPorts { SipPort = 5070 }, ProcessNodeName = "cucm2.example.com" },
                    ],
                },
            },
            SipProfile = ReferenceExample.SipProfile! with
            {
                RegisterWithProxy = false,
                Lines =
                [
                    .. ReferenceExample.SipProfile!.Lines,
                    new SipLine { Button = 2, LineIndex = 2, Name = "4002", DisplayName = "Zoë <Sales> & Co", AuthName = "u", AuthPassword = "p", SharedLine = true, Port = 5061, Proxy = "10.0.0.11", MaxNumCalls = 4, BusyTrigger = 2 },
                ],
            },
            DeviceSecurityMode = 3,
            TransportLayerProtocol = 4,
            DirectoryUrl = "http://10.0.0.10:8080/ccmcip/xmldirectory.jsp",
            AuthenticationUrl = "http://10.0.0.10:8080/ccmcip/authenticate.jsp",
            EncrConfig = true,
            PhoneServices = new PhoneServicesSettings
            {
                UseHttps = false,
                Provisioning = 0,
                Services =
                [
                    new PhoneServiceEntry { Type = 1, Category = 0, Name = "Missed Calls", Url = "Application:Cisco/MissedCalls" },
                    new PhoneServiceEntry { Name = "EMCC_Service", Url = EmServiceUrl, Vendor = "emx", Version = "1" },
                ],
            },
        };

        var parsed = PhoneConfigXml.Parse(PhoneConfigXml.Write(config));

        Assert.True(parsed.IsSuccess, parsed.Error);
        Assert.Equal(config, parsed.Value);
    }

    [Fact]
    public void WriteThenParse_SccpWithoutOptionalSections_RoundTrips()
    {
        var config = new PhoneConfigFile
        {
            DeviceProtocol = "SCCP",
            DevicePool = new DevicePoolSettings
            {
                Name = "DP",
                CallManagerGroup = new CallManagerGroupSettings { Name = "G" },
            },
            VersionStamp = "1",
        };

        var xml = PhoneConfigXml.Write(config);
        var parsed = PhoneConfigXml.Parse(xml);

        Assert.True(parsed.IsSuccess, parsed.Error);
        Assert.Equal(config, parsed.Value);
        Assert.DoesNotContain("sipProfile", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("userId", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void SipLine_ToString_NeverPrintsPassword()
    {
        var line = new SipLine { Button = 1, LineIndex = 1, Name = "4001", AuthPassword = "s3cret" };

        Assert.DoesNotContain("s3cret", line.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<config/>")]
    [InlineData("<device><devicePool><name>a</name><callManagerGroup><name>g</name></callManagerGroup></devicePool><versionStamp>1</versionStamp></device>")]
    [InlineData("<device><deviceProtocol>SIP</deviceProtocol><versionStamp>1</versionStamp></device>")]
    [InlineData("<device><deviceProtocol>SIP</deviceProtocol><devicePool><name>a</name><callManagerGroup><name>g</name></callManagerGroup></devicePool></device>")]
    [InlineData("<device><deviceProtocol>SIP</deviceProtocol><devicePool><name>a</name></devicePool><versionStamp>1</versionStamp></device>")]
    [InlineData("<device><deviceProtocol>SIP</deviceProtocol><devicePool><name>a</name><callManagerGroup><name>g</name></callManagerGroup></devicePool><versionStamp>1</versionStamp><deviceSecurityMode>x</deviceSecurityMode></device>")]
    [InlineData("<device><deviceProtocol>SIP</deviceProtocol><deviceProtocol>SCCP</deviceProtocol><devicePool><name>a</name><callManagerGroup><name>g</name></callManagerGroup></devicePool><versionStamp>1</versionStamp></device>")]
    [InlineData("<device><deviceProtocol>SIP</deviceProtocol><devicePool><name>a</name><callManagerGroup><name>g</name></callManagerGroup></devicePool><versionStamp>1</versionStamp><fullConfig>maybe</fullConfig></device>")]
    [InlineData("<device><deviceProtocol>SIP</deviceProtocol><devicePool><name>a</name><callManagerGroup><name>g</name></callManagerGroup></devicePool><versionStamp>1</versionStamp><sipProfile><sipLines><line><name>1</name></line></sipLines></sipProfile></device>")]
    [InlineData("<device><deviceProtocol>SIP</deviceProtocol><devicePool><name>a</name><callManagerGroup><name>g</name><members><member priority=\"x\"><callManager><name>c</name><processNodeName>n</processNodeName></callManager></member></members></callManagerGroup></devicePool><versionStamp>1</versionStamp></device>")]
    [InlineData("<device><deviceProtocol>SIP</deviceProtocol><devicePool><name>a</name><callManagerGroup><name>g</name><members><member/></members></callManagerGroup></devicePool><versionStamp>1</versionStamp></device>")]
    [InlineData("<device><deviceProtocol><b>SIP</b></deviceProtocol><devicePool><name>a</name><callManagerGroup><name>g</name></callManagerGroup></devicePool><versionStamp>1</versionStamp></device>")]
    public void Parse_WrongRootMissingRequiredOrBadValues_Fails(string xml)
    {
        var result = PhoneConfigXml.Parse(xml);

        Assert.False(result.IsSuccess);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Fact]
    public void Parse_UnknownElementsAndAnyOrder_AreAccepted()
    {
        var xml = "<device><vendorConfig><webAccess>0</webAccess></vendorConfig><versionStamp>7</versionStamp>" +
                  "<devicePool><callManagerGroup><name>g</name></callManagerGroup><name>a</name><srstInfo/></devicePool>" +
                  "<TVS><members/></TVS><deviceProtocol>SIP</deviceProtocol></device>";

        var result = PhoneConfigXml.Parse(xml);

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal("7", result.Value.VersionStamp);
        Assert.Equal("a", result.Value.DevicePool.Name);
    }

    [Theory]
    [MemberData(nameof(Hostile.Names), MemberType = typeof(Hostile))]
    public void Parse_HostileInput_FailsQuickly(string name)
    {
        var xml = Hostile.Get(name, "device");
        _ = PhoneConfigXml.Parse("<warm-up/>");
        var stopwatch = Stopwatch.StartNew();

        var result = PhoneConfigXml.Parse(xml);

        Assert.False(result.IsSuccess);
        Assert.True(stopwatch.ElapsedMilliseconds < 500, $"{name} took {stopwatch.ElapsedMilliseconds} ms.");
    }

    [Fact]
    public void Parse_FileLargerThanDefaultLimit_IsAcceptedWithLargerOptions()
    {
        var services = string.Concat(Enumerable.Range(0, 800).Select(i => $"<phoneService type=\"0\" category=\"0\"><name>S{i}</name><url>http://x/{i}</url><vendor></vendor><version></version></phoneService>"));
        var xml = "<device><deviceProtocol>SIP</deviceProtocol><devicePool><name>a</name><callManagerGroup><name>g</name></callManagerGroup></devicePool>" +
                  $"<versionStamp>1</versionStamp><phoneServices useHTTPS=\"false\"><provisioning>2</provisioning>{services}</phoneServices></device>";
        Assert.True(xml.Length > SafeXmlOptions.DefaultMaxInputLength);

        Assert.Equal(SafeXmlFailureKind.TooLarge, PhoneConfigXml.Parse(xml).XmlFailure!.Kind);
        var result = PhoneConfigXml.Parse(xml, new SafeXmlOptions { MaxInputLength = 256 * 1024 });

        Assert.True(result.IsSuccess, result.Error);
        Assert.Equal(800, result.Value.PhoneServices!.Services.Count);
    }
}
