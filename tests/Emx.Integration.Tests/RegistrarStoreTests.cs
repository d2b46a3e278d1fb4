using System.Net;
using System.Text;
using Emx.Cluster.CallControl;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Integration.Tests.Infrastructure;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;
using SipTransportKind = Emx.Sip.Transport.SipTransportKind;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Emx.Integration.Tests;

/// <summary>
/// The registrar's write path (plain ADO.NET on the batch's transaction) and its cache of devices' current lines, on
/// every configured database (SQLite; PostgreSQL when EMX_TEST_POSTGRES is set): what a 200 reports is what is stored,
/// a refresh updates one row, removals delete, the stored bindings survive a restart, and a configuration change is
/// seen by the next REGISTER.
/// </summary>
public sealed class RegistrarStoreTests
{
    private const string Phone = "SEP0C0000000001";
    private const string Instance = "<urn:uuid:00000000-0000-0000-0000-0C0000000001>";
    private static readonly RegistrationSource Source = new(SipTransportKind.Udp, new IPEndPoint(IPAddress.Parse("127.0.0.7"), 5070));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string Common = "partitions: [Internal]\nphoneModels: [{ name: Cisco 8845, protocols: [SIP] }]\ndevicePools: [{ name: Default }]\n";

    private static string Yaml(string dn) =>
        Common + $"phones: [{{ name: {Phone}, model: Cisco 8845, lines: [{{ dn: \"{dn}\", partition: Internal }}] }}]\n";

    private static string Swapped(string mine, string other) =>
        Common
        + $"phones:\n  - {{ name: {Phone}, model: Cisco 8845, devicePool: Default, lines: [{{ dn: \"{mine}\", partition: Internal }}] }}\n"
        + $"  - {{ name: SEP0C0000000002, model: Cisco 8845, devicePool: Default, lines: [{{ dn: \"{other}\", partition: Internal }}] }}\n";

    [Theory]
    [DatabaseData]
    public async Task Register_NewRefreshRemove_StoredRowsFollowTheAnswers(DatabaseProvider provider)
    {
        await using var node = await TestNode.StartWithAsync(provider, Yaml("4000"), Ct);
        var registrar = Service<Registrar>(node);

        var first = await registrar.RegisterAsync(Register("4000", "reg-a", 1, 600), Source, Ct);
        Assert.Equal(200, first.Decision.StatusCode);
        var created = Assert.Single(first.Bindings);
        Assert.True(created.Id > 0);
        var row = Assert.Single(await RowsAsync(node));
        Assert.Equal((created.Id, "4000", "Internal", Phone, Instance, "reg-a", 1L, "udp:127.0.0.7:5070", "emx-it1"),
            (row.Id, row.Aor, row.Partition, row.DeviceName, row.InstanceId, row.CallId, row.CSeq, row.Source, row.Node));
        Assert.Equal(first.Now.AddSeconds(600).ToUnixTimeMilliseconds(), row.ExpiresAt.ToUnixTimeMilliseconds());

        // A refresh of the same contact: the same row, CSeq and expiry moved.
        var refresh = await registrar.RegisterAsync(Register("4000", "reg-a", 2, 1200), Source, Ct);
        Assert.Equal(200, refresh.Decision.StatusCode);
        Assert.Equal(created.Id, Assert.Single(refresh.Bindings).Id);
        row = Assert.Single(await RowsAsync(node));
        Assert.Equal((created.Id, 2L), (row.Id, row.CSeq));
        Assert.Equal(refresh.Now.AddSeconds(1200).ToUnixTimeMilliseconds(), row.ExpiresAt.ToUnixTimeMilliseconds());

        // The same contact from another source port: the row is rewritten, not duplicated.
        var moved = new RegistrationSource(SipTransportKind.Udp, new IPEndPoint(IPAddress.Parse("127.0.0.7"), 5071));
        Assert.Equal(200, (await registrar.RegisterAsync(Register("4000", "reg-a", 3, 1200), moved, Ct)).Decision.StatusCode);
        row = Assert.Single(await RowsAsync(node));
        Assert.Equal((created.Id, "udp:127.0.0.7:5071", 3L), (row.Id, row.Source, row.CSeq));

        // A replayed CSeq changes nothing.
        Assert.Equal(400, (await registrar.RegisterAsync(Register("4000", "reg-a", 3, 1200), Source, Ct)).Decision.StatusCode);
        Assert.Equal(3L, Assert.Single(await RowsAsync(node)).CSeq);

        // Durable: the binding is still there after a restart.
        await node.RestartAsync(Ct);
        Assert.Equal(created.Id, Assert.Single(await RowsAsync(node)).Id);

        var removed = await Service<Registrar>(node).RegisterAsync(Register("4000", "reg-a", 4, 0), Source, Ct);
        Assert.Equal(200, removed.Decision.StatusCode);
        Assert.Empty(removed.Bindings);
        Assert.Empty(await RowsAsync(node));
    }

    [Theory]
    [DatabaseData]
    public async Task Register_AfterTheDevicesLinesChange_TheNewLineIsAcceptedAndTheOldRefused(DatabaseProvider provider)
    {
        // Two phones; the lines change hands: the next REGISTER of each must see it (the cache of current lines forgets).
        await using var node = await TestNode.StartWithAsync(provider, Swapped("4100", "4101"), Ct);
        var registrar = Service<Registrar>(node);
        Assert.Equal(200, (await registrar.RegisterAsync(Register("4100", "reg-b", 1, 600), Source, Ct)).Decision.StatusCode);
        Assert.Equal(403, (await registrar.RegisterAsync(Register("4101", "reg-c", 1, 600), Source, Ct)).Decision.StatusCode);

        await node.ApplyOkAsync(Swapped("4101", "4100"), Ct);

        Assert.Equal(200, (await registrar.RegisterAsync(Register("4101", "reg-c", 2, 600), Source, Ct)).Decision.StatusCode);
        var refused = await registrar.RegisterAsync(Register("4100", "reg-b", 2, 600), Source, Ct);
        Assert.Equal(403, refused.Decision.StatusCode);
        Assert.Equal($"Line 4100 is not on the current configuration of {Phone}", refused.Decision.ReasonPhrase);
    }

    [Theory]
    [DatabaseData]
    public async Task Register_ManyTogether_EachAnsweredWithItsOwnStoredBinding(DatabaseProvider provider)
    {
        var yaml = new StringBuilder(Common + "phones:\n");
        for (var i = 0; i < 40; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - {{ name: SEP0D00000000{i:X2}, model: Cisco 8845, lines: [{{ dn: \"{4200 + i}\", partition: Internal }}] }}\n");
        }

        await using var node = await TestNode.StartWithAsync(provider, yaml.ToString(), Ct);
        var registrar = Service<Registrar>(node);

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => registrar.RegisterAsync(
            Register((4200 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), "reg-m" + i, 1, 600, $"<urn:uuid:00000000-0000-0000-0000-0D00000000{i:X2}>", 6000 + i),
            Source,
            Ct)));

        Assert.All(results, r => Assert.Equal(200, r.Decision.StatusCode));
        var rows = (await RowsAsync(node)).ToDictionary(r => r.Id);
        Assert.Equal(40, rows.Count);
        foreach (var result in results)
        {
            var binding = Assert.Single(result.Bindings);
            Assert.Equal(binding.Aor, rows[binding.Id].Aor);
            Assert.Equal(binding.Contact, rows[binding.Id].Contact);
        }
    }

    [Theory]
    [DatabaseData]
    public async Task Register_CallIdWithSqlText_IsStoredVerbatim(DatabaseProvider provider)
    {
        await using var node = await TestNode.StartWithAsync(provider, Yaml("4400"), Ct);
        const string hostile = "x')--DELETE-FROM-\"Registrations\"--'@h";

        var result = await Service<Registrar>(node).RegisterAsync(Register("4400", hostile, 1, 600), Source, Ct);

        Assert.Equal(200, result.Decision.StatusCode);
        Assert.Equal(hostile, Assert.Single(await RowsAsync(node)).CallId);
    }

    [Fact]
    public async Task DeviceLinesCache_ForgetsOnDeviceEventsAndConfigurationAndIgnoresARacingRead()
    {
        await using var node = await TestNode.StartWithAsync(DatabaseProvider.Sqlite, Yaml("4300"), Ct);
        var cache = Service<DeviceLinesCache>(node);
        IReadOnlyList<Emx.Cluster.ExtensionMobility.CurrentLine> lines = [new("4300", "Internal", 1)];

        cache.Store([new(Phone, lines)], cache.Epoch, cache.ConfigurationVersion);
        Assert.True(cache.TryGet(Phone, out var cached));
        Assert.Same(lines, cached);

        // A login or logout announces device events after its commit: the device is read again.
        Service<Emx.Cluster.ExtensionMobility.ExtensionMobilityService>(node).Announce(
            [new Emx.Domain.Runtime.DeviceEvent { DeviceName = Phone, Kind = Emx.Domain.Runtime.DeviceEventKind.Restart, Reason = "login" }]);
        Assert.False(cache.TryGet(Phone, out _));

        // A read that started before a forgetting is not kept (it may predate the change).
        var epoch = cache.Epoch;
        var version = cache.ConfigurationVersion;
        cache.Forget("SEP0C00000000FF");
        cache.Store([new(Phone, lines)], epoch, version);
        Assert.False(cache.TryGet(Phone, out _));

        // An unknown device is remembered as unknown, until configuration changes.
        cache.Store([new("SEP0C00000000EE", null)], cache.Epoch, cache.ConfigurationVersion);
        Assert.True(cache.TryGet("SEP0C00000000EE", out var unknown));
        Assert.Null(unknown);
        await node.ApplyOkAsync(Yaml("4301"), Ct);
        Assert.False(cache.TryGet("SEP0C00000000EE", out _));
    }

    private static T Service<T>(TestNode node)
        where T : notnull => node.Node.App.Services.GetRequiredService<T>();

    private static async Task<List<Emx.Domain.Runtime.Registration>> RowsAsync(TestNode node)
    {
        await using var db = Service<IEmxDbContextFactory>(node).Create();
        return await db.Registrations.AsNoTracking().OrderBy(r => r.Id).ToListAsync(Ct);
    }

    private static SipRequest Register(string dn, string callId, int cseq, int expires, string instance = Instance, int port = 5070)
    {
        var text = $"REGISTER sip:127.0.0.1 SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP 127.0.0.7:{port};branch=z9hG4bK{Guid.NewGuid():N}\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: <sip:{dn}@127.0.0.1>;tag=t{cseq}\r\n" +
            $"To: <sip:{dn}@127.0.0.1>\r\n" +
            $"Call-ID: {callId}\r\n" +
            $"CSeq: {cseq} REGISTER\r\n" +
            $"Contact: <sip:{dn}@127.0.0.7:{port}>;+sip.instance=\"{instance}\";expires={expires}\r\n" +
            "Content-Length: 0\r\n\r\n";
        Assert.True(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(text), out var message, out var error), error?.ToString());
        return Assert.IsType<SipRequest>(message);
    }
}
