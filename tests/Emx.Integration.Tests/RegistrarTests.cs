using Emx.Cluster.CallControl;
using Emx.Domain.Configuration;
using Emx.Sip.Messages;
using Microsoft.Extensions.DependencyInjection;
using static Emx.Integration.Tests.EmAppLab;
using SipTransportKind = Emx.Sip.Transport.SipTransportKind;

namespace Emx.Integration.Tests;

/// <summary>REGISTER against a real node over real sockets: what a phone's own line, a foreign line, expiry and unregistration get.</summary>
public sealed class RegistrarTests
{
    /// <summary>A REGISTER without Contact: asks for the bindings (RFC 3261 §10.2.3).</summary>
    private static SipRequest Query(SipTestClient client, string dn)
    {
        var query = client.Register(dn);
        query.Headers.RemoveAll(SipHeaderNames.Contact);
        return query;
    }

    private static SipContact ContactOf(SipResponse response, SipTestClient client) =>
        Assert.Single(response.Contacts, c => c.Uri!.Port == client.LocalEndPoint.Port);

    [Theory]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    public async Task Register_PhonesOwnLine_Returns200ListingTheContactWithItsExpiry(SipTransportKind transport)
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!, transport);

        var response = await client.RegisterAsync("1901", "600");

        Assert.Equal(200, response.StatusCode);
        var contact = ContactOf(response, client);
        Assert.InRange(contact.Expires!.Value, 599u, 600u);
        Assert.Equal(Protocols.DeviceName.Parse(Phone1).InstanceId, contact.InstanceId);
        Assert.NotNull(response.Headers.GetFirst(SipHeaderNames.Date));
        var binding = Assert.Single(await lab.RegistrationsAsync());
        Assert.Equal(("1901", "Internal", Phone1, "cucm-a1", client.CallId), (binding.Aor, binding.Partition, binding.DeviceName, binding.Node, binding.CallId));
        if (transport == SipTransportKind.Udp)
        {
            Assert.Equal($"udp:127.0.0.1:{client.LocalEndPoint.Port}", binding.Source);
        }
        else
        {
            // Over TCP the REGISTER comes from the client's connection (an ephemeral port), which the node remembers.
            Assert.StartsWith("tcp:127.0.0.1:", binding.Source, StringComparison.Ordinal);
            Assert.NotEqual(0, binding.ConnectionId);
        }
    }

    [Fact]
    public async Task Register_ForeignLine_Returns403NamingTheLine()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);

        var response = await client.RegisterAsync("1001");

        Assert.Equal((403, "Line 1001 is not on the current configuration of SEP0A0000000001"), (response.StatusCode, response.ReasonPhrase));
        Assert.Empty(await lab.RegistrationsAsync());
    }

    [Fact]
    public async Task Register_OtherPhonesLine_Returns403()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);

        var response = await client.RegisterAsync("1902");

        Assert.Equal(403, response.StatusCode);
    }

    [Fact]
    public async Task Register_UnknownNumber_Returns404()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);

        var response = await client.RegisterAsync("4711");

        Assert.Equal((404, "Unknown directory number 4711"), (response.StatusCode, response.ReasonPhrase));
    }

    [Fact]
    public async Task Register_UnknownDevice_Returns403()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);

        var response = await client.RegisterAsync("1901", contacts: client.Contact("1901", "SEP0A00000000FF"));

        Assert.Equal((403, "Unknown device SEP0A00000000FF"), (response.StatusCode, response.ReasonPhrase));
    }

    [Fact]
    public async Task Register_WithoutInstance_Returns400()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);

        var response = await client.RegisterAsync("1901", contacts: client.Contact("1901", device: null));

        Assert.Equal(400, response.StatusCode);
    }

    [Fact]
    public async Task Register_TooBrief_Returns423WithMinExpires()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);

        var response = await client.RegisterAsync("1901", "30");

        Assert.Equal(423, response.StatusCode);
        Assert.Equal(60u, response.MinExpires);
        Assert.Empty(await lab.RegistrationsAsync());
    }

    [Fact]
    public async Task Register_TooLong_IsGrantedTheMaximum()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);

        var response = await client.RegisterAsync("1901", "86400");

        Assert.InRange(ContactOf(response, client).Expires!.Value, 3599u, 3600u);
    }

    [Fact]
    public async Task Register_Refresh_KeepsOneBindingAndMovesItsExpiry()
    {
        var clock = new ShiftedTimeProvider();
        await using var lab = await StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);
        await client.RegisterAsync("1901", "600");
        var first = Assert.Single(await lab.RegistrationsAsync()).ExpiresAt;

        clock.Offset = TimeSpan.FromSeconds(300);
        var refresh = await client.RegisterAsync("1901", "600");

        Assert.Equal(200, refresh.StatusCode);
        var binding = Assert.Single(await lab.RegistrationsAsync());
        Assert.InRange(binding.ExpiresAt - first, TimeSpan.FromSeconds(299), TimeSpan.FromSeconds(301));
        Assert.Equal(2, binding.CSeq);
    }

    [Fact]
    public async Task Register_ReplayedCSeq_Returns400AndKeepsTheBinding()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);
        await client.SendAsync(client.Register("1901", cseq: 5));

        var replay = await client.SendAsync(client.Register("1901", "0", cseq: 5));

        Assert.Equal((400, "CSeq out of order"), (replay.StatusCode, replay.ReasonPhrase));
        Assert.Single(await lab.RegistrationsAsync());
    }

    [Fact]
    public async Task Unregister_ExpiresZero_RemovesTheBinding()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);
        await client.RegisterAsync("1901");

        var response = await client.RegisterAsync("1901", "0");

        Assert.Equal(200, response.StatusCode);
        Assert.Empty(response.Contacts);
        Assert.Empty(await lab.RegistrationsAsync());
    }

    [Fact]
    public async Task Unregister_Wildcard_RemovesEveryBindingOfTheLine()
    {
        await using var lab = await StartAsync(services: s => s.AddSingleton(new RegistrarOptions { MaxContactsPerDeviceLine = 2 }));
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);
        var two = await client.RegisterAsync("1901", contacts: [client.Contact("1901"), client.Contact("1901", port: 5999)]);
        Assert.Equal(2, two.Contacts.Count);

        var response = await client.RegisterAsync("1901", "0", "*");

        Assert.Equal(200, response.StatusCode);
        Assert.Empty(await lab.RegistrationsAsync());
    }

    [Fact]
    public async Task Register_NoContact_ListsTheBindings()
    {
        await using var lab = await StartAsync();
        await using var phone = SipTestClient.Start(lab.Node.SipEndPoint!);
        await using var other = SipTestClient.Start(lab.Node.SipEndPoint!);
        await phone.RegisterAsync("1901");
        var response = await other.SendAsync(Query(other, "1901"));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(phone.LocalEndPoint.Port, Assert.Single(response.Contacts).Uri!.Port);
    }

    [Fact]
    public async Task Registrations_NodeRestart_SurviveUntilTheyExpire()
    {
        var clock = new ShiftedTimeProvider();
        await using var lab = await StartAsync(services: s => s.AddSingleton<TimeProvider>(clock));
        await using (var client = SipTestClient.Start(lab.Node.SipEndPoint!))
        {
            Assert.Equal(200, (await client.RegisterAsync("1901", "600")).StatusCode);
        }

        await lab.RestartAsync(s => s.AddSingleton<TimeProvider>(clock));
        var kept = Assert.Single(await lab.RegistrationsAsync());
        await using var other = SipTestClient.Start(lab.Node.SipEndPoint!);
        var listed = await other.SendAsync(Query(other, "1901"));

        clock.Offset = TimeSpan.FromSeconds(601);
        var afterExpiry = await other.SendAsync(Query(other, "1901"));

        Assert.Equal(("1901", Phone1), (kept.Aor, kept.DeviceName));
        Assert.Single(listed.Contacts);
        Assert.Equal(200, afterExpiry.StatusCode);
        Assert.Empty(afterExpiry.Contacts);
        await using var db = lab.Db();
        Assert.Empty(db.Registrations);
    }

    [Fact]
    public async Task Register_RequireUnknownExtension_Returns420()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);
        var request = client.Register("1901");
        request.Headers.Add(SipHeaderNames.Require, "gruu");

        var response = await client.SendAsync(request);

        Assert.Equal(420, response.StatusCode);
        Assert.Equal("gruu", response.Headers.GetFirst(SipHeaderNames.Unsupported));
    }

    [Fact]
    public async Task Invite_FromAnAddressNoLineRegisteredFrom_403WithQ850Cause21()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);
        var invite = new SipRequest(SipMethods.Invite, SipUri.Parse("sip:1901@127.0.0.1"));
        foreach (var header in client.Register("1901").Headers)
        {
            if (header.Name is not (SipHeaderNames.CSeq or SipHeaderNames.Contact))
            {
                invite.Headers.Add(header.Name, header.Value);
            }
        }

        invite.Headers.Add(SipHeaderNames.CSeq, "1 INVITE");
        var response = await client.SendAsync(invite);

        Assert.Equal(403, response.StatusCode);
        Assert.StartsWith("Q.850;cause=21", response.Headers.GetFirst(SipHeaderNames.Reason), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutOfDialogMethodTheNodeDoesNotImplement_405WithAllow()
    {
        await using var lab = await StartAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);
        var message = new SipRequest("MESSAGE", SipUri.Parse("sip:1901@127.0.0.1"));
        foreach (var header in client.Register("1901").Headers)
        {
            if (header.Name is not (SipHeaderNames.CSeq or SipHeaderNames.Contact))
            {
                message.Headers.Add(header.Name, header.Value);
            }
        }

        message.Headers.Add(SipHeaderNames.CSeq, "1 MESSAGE");
        var response = await client.SendAsync(message);

        Assert.Equal(405, response.StatusCode);
        Assert.Contains(SipMethods.Invite, response.Headers.GetValues(SipHeaderNames.Allow));
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public void ValidateConfigFile_SipPortSharedWithHttp_IsAnErrorOnlyWhenSipListens(bool callManager, int errors)
    {
        var config = new Cluster.Configuration.EmxConfigFile
        {
            Node = new Cluster.Configuration.NodeConfig
            {
                Ports = new Cluster.Configuration.PortsConfig { Http = 5060, Https = 0, Config = 6970, Sip = 5060 },
                Services = callManager ? [NodeService.CallManager] : [NodeService.ExtensionMobility],
            },
        };

        var found = Cluster.NodeStartup.ValidateConfigFile(config).Where(e => e.Field == "ports").ToList();

        Assert.Equal(errors, found.Count);
        Assert.All(found, e => Assert.Equal("port 5060 is used by http and sip", e.Reason));
    }

    [Fact]
    public async Task SipListener_NodeWithoutCallManager_IsNotStarted()
    {
        await using var lab = await StartAsync();

        await using var other = await lab.StartOtherNodeAsync("em-only", NodeService.ExtensionMobility);

        Assert.Null(other.SipEndPoint);
        Assert.NotNull(lab.Node.SipEndPoint);
    }
}
