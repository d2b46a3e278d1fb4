using System.Globalization;
using Emx.Cluster.CallControl;
using Emx.Cluster.Provisioning;
using Emx.Domain.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary>
/// Group commit in the registrar: REGISTERs that queue while a commit is being written are written together in the
/// next one, each decided as if alone, and each is answered only once that commit is done.
/// </summary>
public sealed class RegistrarGroupCommitTests
{
    private const int Phones = 8;

    private static string PhoneName(int i) => "SEP0B00000000" + i.ToString("X2", CultureInfo.InvariantCulture);

    private static string Dn(int i) => (3000 + i).ToString(CultureInfo.InvariantCulture);

    private static Task<EmAppLab> StartWithPhonesAsync() => StartAsync(doc =>
    {
        for (var i = 0; i < Phones; i++)
        {
            doc.Phones.Add(new Phone { Name = PhoneName(i), Model = "Cisco 8845", Lines = [new Line { Dn = Dn(i), Partition = "Internal" }] });
        }
    });

    [Fact]
    public async Task Register_QueuedBehindACommit_WrittenTogetherEachDecidedAlone()
    {
        await using var lab = await StartWithPhonesAsync();
        var registrar = lab.Node.App.Services.GetRequiredService<Registrar>();
        var clients = Enumerable.Range(0, Phones + 1).Select(_ => SipTestClient.Start(lab.Node.SipEndPoint!)).ToList();
        try
        {
            // Hold the database's write gate, as a long commit would: the first commit waits behind it, the rest queue.
            var blocker = lab.Node.App.Services.GetRequiredService<IEmxDbContextFactory>().Create();
            var transaction = await blocker.Database.BeginTransactionAsync(Ct);
            var own = Enumerable.Range(0, Phones)
                .Select(i => clients[i].RegisterAsync(Dn(i), contacts: clients[i].Contact(Dn(i), PhoneName(i))))
                .ToList();

            // And a phone asking for a line it does not have (another phone's, 1901 of the lab): refused alone.
            var foreign = clients[Phones].RegisterAsync("1901", contacts: clients[Phones].Contact("1901", PhoneName(0), port: 5999));
            await WaitUntilAsync(() => registrar.Pending == Phones + 1);
            Assert.DoesNotContain(own, r => r.IsCompleted);

            await transaction.RollbackAsync(Ct);
            await transaction.DisposeAsync();
            await blocker.DisposeAsync();

            foreach (var response in await Task.WhenAll(own))
            {
                Assert.Equal(200, response.StatusCode);
                Assert.Single(response.Contacts);
            }

            var refused = await foreign;
            Assert.Equal((403, $"Line 1901 is not on the current configuration of {PhoneName(0)}"), (refused.StatusCode, refused.ReasonPhrase));

            // However the first commit was cut, the REGISTERs that queued behind it were written together.
            Assert.Contains(lab.Logs.Lines, l => l.Contains("REGISTERs committed together", StringComparison.Ordinal));
            Assert.Equal(0, registrar.Pending);
            var bound = (await lab.RegistrationsAsync()).Select(r => (r.Aor, r.DeviceName)).Order().ToList();
            Assert.Equal(Enumerable.Range(0, Phones).Select(i => (Dn(i), PhoneName(i))).Order().ToList(), bound);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Register_OneAtATime_EachCommittedAlone()
    {
        await using var lab = await StartWithPhonesAsync();
        await using var client = SipTestClient.Start(lab.Node.SipEndPoint!);

        for (var i = 0; i < 3; i++)
        {
            var response = await client.RegisterAsync(Dn(i), contacts: client.Contact(Dn(i), PhoneName(i)));
            Assert.Equal(200, response.StatusCode);
        }

        Assert.Equal(3, (await lab.RegistrationsAsync()).Count);
        Assert.DoesNotContain(lab.Logs.Lines, l => l.Contains("committed together", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_ZeroPerCommit_IsInvalid() =>
        Assert.Throws<InvalidOperationException>(() => new RegistrarOptions { MaxRegistersPerCommit = 0 }.Validate());

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(8));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
