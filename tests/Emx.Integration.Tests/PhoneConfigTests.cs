using System.Net;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Protocols.PhoneConfig;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>SEP&lt;MAC&gt;.cnf.xml on the config port: what the phone downloads before and after each login and logout.</summary>
public sealed class PhoneConfigTests
{
    private const string EmServiceUrlXml = "<url>http://127.0.1.1:8080/emapp/EMAppServlet?device=#DEVICENAME#&amp;EMCC=#EMCC#</url>";

    private static async Task<(PhoneResponse Response, PhoneConfigFile Config)> ConfigFileAsync(EmAppLab lab, string device = Phone1)
    {
        var response = await lab.ConfigAsync($"/{device}.cnf.xml");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("text/xml", response.ContentType);
        var parsed = PhoneConfigXml.Parse(response.Text);
        Assert.True(parsed.IsSuccess, parsed.Error);
        return (response, parsed.Value);
    }

    private static IEnumerable<string> LineNames(PhoneConfigFile config) => config.SipProfile!.Lines.Select(l => l.Name);

    [Fact]
    public async Task ConfigFile_NobodyLoggedIn_HasThePhonesOwnLinesAndTheCallManagers()
    {
        await using var lab = await StartAsync();
        var sipPort = lab.Node.SipEndPoint!.Port;

        var (response, config) = await ConfigFileAsync(lab);

        Assert.Equal("SIP", config.DeviceProtocol);
        var member = Assert.Single(config.DevicePool.CallManagerGroup.Members);
        Assert.Equal(new CallManagerMember { Priority = 0, Name = "cucm-a1", Ports = new CallManagerPorts { SipPort = sipPort }, ProcessNodeName = "127.0.0.1" }, member);
        var line = Assert.Single(config.SipProfile!.Lines);
        Assert.Equal(("1901", "Lobby A1", "USECALLMANAGER", sipPort), (line.Name, line.DisplayName, line.Proxy, line.Port));
        Assert.Null(config.UserId);
        Assert.Null(config.UserLocale);
        Assert.Equal(["Extension Mobility"], config.PhoneServices!.Services.Select(s => s.Name));
        Assert.Contains(EmServiceUrlXml, response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFile_LogoutProfileSet_IsUsedWhileNobodyIsLoggedIn()
    {
        await using var lab = await StartAsync(doc =>
        {
            doc.DeviceProfiles.Add(new DeviceProfile
            {
                Name = "lobby-logout",
                ProductType = "Cisco 8845",
                LoginUserId = "bob",
                UserLocale = "French France",
                Lines = [new Line { Dn = "1999", Partition = "Internal", DisplayName = "Lobby" }],
            });
            doc.Phones.Single(p => p.Name == Phone1).LogoutProfile = "lobby-logout";
        });

        var (_, before) = await ConfigFileAsync(lab);
        await lab.LoginAsync(Phone1, "alice", AlicePin);
        var (_, during) = await ConfigFileAsync(lab);
        await lab.EmAppAsync($"device={Phone1}&doLogout=true");
        var (_, after) = await ConfigFileAsync(lab);

        Assert.Equal(["1999"], LineNames(before));
        Assert.Equal("bob", before.UserId);
        Assert.Equal(new UserLocaleSettings { Name = "French_France", LangCode = "fr_FR" }, before.UserLocale);
        Assert.Equal(["1001"], LineNames(during));
        Assert.Equal(["1999"], LineNames(after));
    }

    [Fact]
    public async Task ConfigFile_AfterLogin_HasTheProfilesLinesSpeedDialsServicesLocaleAndUser()
    {
        await using var lab = await StartAsync(doc =>
        {
            doc.PhoneServices.Add(new PhoneService { Name = "Corporate Directory", Url = "http://dir.example/lookup?device=#DEVICENAME#&lang=<en>", ServiceType = PhoneServiceType.Directories });
            doc.PhoneServices.Add(new PhoneService { Name = "Old Enterprise", Url = "http://old.example/", EnterpriseSubscription = true, Enabled = false });
            doc.PhoneServices.Add(new PhoneService { Name = "Weather", Url = "http://weather.example/" });
            var profile = doc.DeviceProfiles.Single(p => p.Name == "alice-8845");
            profile.Services = ["Corporate Directory"];
            profile.Lines.Add(new Line { Dn = "1101", Partition = "Internal", Label = "Team" });
            profile.SpeedDials.Add(new SpeedDial { Index = 3, Number = "*97", Label = "Voicemail" });
        });

        await lab.LoginAsync(Phone1, "alice", AlicePin);
        var (response, config) = await ConfigFileAsync(lab);

        Assert.Equal("alice", config.UserId);
        Assert.Equal(new UserLocaleSettings { Name = "English_United_States", LangCode = "en_US" }, config.UserLocale);
        Assert.Equal(["1001", "1101"], LineNames(config));
        Assert.Equal(["1001", "Team"], config.SipProfile!.Lines.Select(l => l.FeatureLabel));
        Assert.Equal(
            [new SipSpeedDial { Button = 3, Number = "1002", Label = "Bob", Index = 1 }, new SipSpeedDial { Button = 5, Number = "*97", Label = "Voicemail", Index = 3 }],
            config.SipProfile.SpeedDials);
        Assert.Equal(
            [("Corporate Directory", 1), ("Extension Mobility", 0)],
            config.PhoneServices!.Services.Select(s => (s.Name, s.Category)));
        Assert.Contains("<url>http://dir.example/lookup?device=#DEVICENAME#&amp;lang=&lt;en&gt;</url>", response.Text, StringComparison.Ordinal);
        Assert.Contains(EmServiceUrlXml, response.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFile_AfterLogout_IsThePhonesOwnAgain()
    {
        await using var lab = await StartAsync();
        var (before, _) = await ConfigFileAsync(lab);
        await lab.LoginAsync(Phone1, "alice", AlicePin);

        await lab.EmAppAsync($"device={Phone1}&doLogout=true");
        var (after, config) = await ConfigFileAsync(lab);

        Assert.Equal(["1901"], LineNames(config));
        Assert.Null(config.UserId);
        Assert.Empty(config.SipProfile!.SpeedDials);
        Assert.NotEqual(before.Text, after.Text);
        Assert.Equal(before.Text.Split("<versionStamp>")[0], after.Text.Split("<versionStamp>")[0]);
    }

    [Fact]
    public async Task VersionStamp_ChangesOnEveryLoginAndLogout_StableOtherwise()
    {
        await using var lab = await StartAsync();
        async Task<string> StampAsync() => (await ConfigFileAsync(lab)).Config.VersionStamp;

        var initial = await StampAsync();
        var initialAgain = await StampAsync();
        await lab.LoginAsync(Phone1, "alice", AlicePin);
        var loggedIn = await StampAsync();
        var loggedInAgain = await StampAsync();
        await lab.EmAppAsync($"device={Phone2}&userid=bob&seq={BobPin}");
        var otherPhoneChanged = await StampAsync();
        await lab.EmAppAsync($"device={Phone1}&doLogout=true");
        var loggedOut = await StampAsync();
        await lab.LoginAsync(Phone1, "alice", AlicePin);
        var again = await StampAsync();

        Assert.Equal(initial, initialAgain);
        Assert.Equal(loggedIn, loggedInAgain);
        Assert.Equal(loggedIn, otherPhoneChanged);
        Assert.Equal(4, new[] { initial, loggedIn, loggedOut, again }.Distinct().Count());
        Assert.Matches("^[0-9]+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", loggedIn);
        var lastChanged = (await lab.StateAsync(Phone1))!.LastChanged!.Value.ToUnixTimeSeconds();
        Assert.StartsWith(lastChanged + "-", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VersionStamp_ConfigurationChange_ChangesIt()
    {
        await using var lab = await StartAsync();
        var before = (await ConfigFileAsync(lab)).Config.VersionStamp;

        await lab.ApplyAsync(new ProvisioningDocument
        {
            Phones = [new Phone { Name = Phone1, Model = "Cisco 8845", Css = "AllCSS", Geolocation = "Boston", EnableExtensionMobility = true, Lines = [new Line { Dn = "1905", Partition = "Internal" }] }],
        });
        var after = (await ConfigFileAsync(lab)).Config;

        Assert.Equal(["1905"], LineNames(after));
        Assert.NotEqual(before, after.VersionStamp);
    }

    [Fact]
    public async Task ConfigFile_DevicePoolWithAGroup_ListsItsCallManagerNodesInOrder()
    {
        await using var lab = await StartAsync();
        await using (var db = lab.Db())
        {
            db.Nodes.Add(new ClusterNode { Name = "cucm-a2", Address = "127.0.0.2", SipPort = 5062, Services = [NodeService.CallManager] });
            db.Nodes.Add(new ClusterNode { Name = "cucm-a3", Address = "127.0.0.3", SipPort = 5063, Services = [NodeService.Tftp] });
            await db.SaveChangesAsync(Ct);
        }

        await lab.ApplyAsync(new ProvisioningDocument
        {
            DevicePools = [new DevicePool { Name = "Pool-B", Region = "Default", CallManagerGroup = ["cucm-a2", "cucm-a3", "cucm-a1"] }],
            Phones = [new Phone { Name = Phone2, Model = "Cisco 8845", DevicePool = "Pool-B", EnableExtensionMobility = true, Lines = [new Line { Dn = "1902", Partition = "Internal" }] }],
        });
        var (_, pool) = await ConfigFileAsync(lab, Phone2);
        var (_, all) = await ConfigFileAsync(lab, Phone1);

        Assert.Equal("Pool-B", pool.DevicePool.Name);
        Assert.Equal([(0, "cucm-a2", "127.0.0.2", 5062), (1, "cucm-a1", "127.0.0.1", lab.Node.SipEndPoint!.Port)], pool.DevicePool.CallManagerGroup.Members.Select(m => (m.Priority, m.Name, m.ProcessNodeName, m.Ports.SipPort!.Value)));
        Assert.Equal(5062, pool.SipProfile!.Lines[0].Port);
        Assert.Equal(["cucm-a1", "cucm-a2"], all.DevicePool.CallManagerGroup.Members.Select(m => m.Name));
    }

    [Fact]
    public async Task ConfigFile_SccpPhone_HasNoSipProfileAndTheSccpPort()
    {
        await using var lab = await StartAsync(doc =>
            doc.Phones.Add(new Phone { Name = "SEP0A0000000003", Model = "Cisco IP Communicator", Protocol = DeviceProtocol.SCCP, EnableExtensionMobility = true }));

        var (_, config) = await ConfigFileAsync(lab, "SEP0A0000000003");

        Assert.Equal("SCCP", config.DeviceProtocol);
        Assert.Null(config.SipProfile);
        Assert.Equal(2000, Assert.Single(config.DevicePool.CallManagerGroup.Members).Ports.EthernetPhonePort);
    }

    [Fact]
    public async Task ConfigFile_LowerCaseNameAndHead_ServeTheSameFile()
    {
        await using var lab = await StartAsync();
        var (upper, _) = await ConfigFileAsync(lab);

        var lower = await lab.ConfigAsync("/sep0a0000000001.cnf.xml");
        var head = await lab.ConfigAsync($"/{Phone1}.cnf.xml", HttpMethod.Head);

        Assert.Equal(upper.Bytes, lower.Bytes);
        Assert.Equal(HttpStatusCode.OK, head.Status);
        Assert.Equal(upper.Bytes.Length, head.ContentLength);
        Assert.Empty(head.Bytes);
    }

    [Theory]
    [InlineData("/SEP0A00000000FF.cnf.xml")]
    [InlineData("/SEP0A000000001.cnf.xml")]
    [InlineData("/SEPXYZXYZXYZXYZ.cnf.xml")]
    [InlineData("/SEP0A0000000001.cnf.xml.sgn")]
    [InlineData("/ITLSEP0A0000000001.tlv")]
    [InlineData("/x/SEP0A0000000001.cnf.xml")]
    [InlineData("/EMCC1.cnf.xml")]
    [InlineData("/emapp/EMAppServlet?device=SEP0A0000000001")]
    [InlineData("/emservice/EMServiceServlet")]
    [InlineData("/api/v1/kinds")]
    [InlineData("/health")]
    public async Task ConfigPort_AnythingButAKnownPhonesFile_Is404(string path)
    {
        await using var lab = await StartAsync();

        var response = await lab.ConfigAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    [Fact]
    public async Task ConfigPort_PostOfAConfigFile_Is404()
    {
        await using var lab = await StartAsync();

        var response = await lab.ConfigAsync($"/{Phone1}.cnf.xml", HttpMethod.Post);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    [Fact]
    public async Task HttpPort_DoesNotServeConfigFiles_AndTheConfigPortIsAnotherPort()
    {
        await using var lab = await StartAsync();

        var response = await lab.HttpAsync($"/{Phone1}.cnf.xml");
        var emapp = await lab.HttpAsync($"/emapp/EMAppServlet?device={Phone1}");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(HttpStatusCode.OK, emapp.Status);
        Assert.NotEqual(lab.Node.HttpUrl.Port, lab.Node.ConfigUrl.Port);
        Assert.Equal("127.0.0.1", lab.Node.ConfigUrl.Host);
    }
}
