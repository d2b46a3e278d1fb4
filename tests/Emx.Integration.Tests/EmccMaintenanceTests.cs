using Emx.Cluster.Emcc;
using Emx.Domain.Runtime;
using Microsoft.EntityFrameworkCore;
using static Emx.Integration.Tests.EmAppLab;
using static Emx.Integration.Tests.EmccPair;

namespace Emx.Integration.Tests;

/// <summary>
/// EMCC maintenance between lab clusters A (home) and B (visiting): the automatic logout when the Inter-cluster
/// Maximum Login Time has passed, and expired EMCC devices after a WAN failure (seed table 2, Default Interval for
/// Expired EMCC Device Maintenance). Time moves with each cluster's <see cref="ShiftedTimeProvider"/>; the passes are
/// run with <see cref="EmccMaintenance.RunOnceAsync"/>, so the tests do not wait for the background schedule.
/// </summary>
public sealed class EmccMaintenanceTests
{
    [Fact(Timeout = 120_000)]
    public async Task EmccLogin_InterClusterMaximumLoginTimePassed_AutomaticLogoutSendsThePhoneBack()
    {
        await using var pair = await EmccPair.StartAsync(home: doc => doc.ServiceParameters!.ExtensionMobility!.InterClusterMaximumLoginTime = "0:05");
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);
        var visitingSip = phone.RegistrarEndPoint;
        var restarted = phone.NextSyncAsync();
        var welcome = await LogInAsync(phone, "alice", AlicePin);
        Assert.True("Login successful" == welcome.Prompt, $"{welcome.Prompt} {welcome.Text}\n{pair.Traces()}");
        Assert.Equal(["1001"], (await restarted.WaitAsync(WaitLimit, Ct)).RegisteredLines);

        EmccSession session;
        await using (var db = pair.Home.Db())
        {
            session = Assert.Single(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
        }

        Assert.Equal(TimeSpan.FromMinutes(5), session.LoginDuration);
        var maintenance = pair.Home.Service<EmccMaintenance>();
        var early = await maintenance.RunOnceAsync(Ct);
        Assert.Equal((0, 0, 0, session.LoginTime + TimeSpan.FromMinutes(5)), (early.AutomaticLogouts, early.ExpiredHomeLogins, early.ExpiredVisitingLogins, early.NextLoginExpiry));

        // Six minutes later the login has expired: logged out at home, EMCC device freed, the phone back on its own line.
        var back = phone.NextSyncAsync();
        pair.HomeTime.Offset = TimeSpan.FromMinutes(6);
        await maintenance.RunOnceAsync(Ct);
        var returned = await back.WaitAsync(WaitLimit, Ct);
        Assert.Equal(["2901"], returned.RegisteredLines);
        Assert.Equal(visitingSip, phone.RegistrarEndPoint);

        await using (var db = pair.Home.Db())
        {
            Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
            var audit = await db.AuditLog.AsNoTracking().Where(a => a.Action == "emccHomeLogout").SingleAsync(Ct);
            Assert.Equal((VisitingPhone, "alice (automatic logout); EMCC1 freed"), (audit.Key, audit.Detail));
        }

        await using (var db = pair.Visiting.Db())
        {
            Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task ExpiredEmccDevice_WanFailure_VisitingRecordAndHomeLoginCleanedUp()
    {
        await using var pair = await EmccPair.StartAsync(
            home: doc => doc.EmccFeatureConfiguration!.DefaultIntervalForExpiredEmccDeviceMaintenance = 10,
            visiting: doc => doc.EmccFeatureConfiguration!.DefaultIntervalForExpiredEmccDeviceMaintenance = 10);
        await using var phone = await pair.Visiting.StartPhoneAsync(VisitingPhone);
        var restarted = phone.NextSyncAsync();
        var welcome = await LogInAsync(phone, "alice", AlicePin);
        Assert.True("Login successful" == welcome.Prompt, $"{welcome.Prompt} {welcome.Text}\n{pair.Traces()}");
        Assert.Equal(["1001"], (await restarted.WaitAsync(WaitLimit, Ct)).RegisteredLines);

        // Registered at home: nothing has expired.
        var first = await pair.Home.Service<EmccMaintenance>().RunOnceAsync(Ct);
        Assert.Equal((0, 0), (first.ExpiredHomeLogins, first.AutomaticLogouts));

        // WAN failure: the home cluster is out of reach and the phone loses it.
        await pair.StopHomeAsync();
        await phone.DisposeAsync();
        var down = await pair.UpdateHomeNowAsync();
        Assert.StartsWith("208: ", down.LastError, StringComparison.Ordinal);

        // The visiting cluster forgets the login once its home cluster has been silent for longer than the interval.
        var visitingMaintenance = pair.Visiting.Service<EmccMaintenance>();
        Assert.Equal(0, (await visitingMaintenance.RunOnceAsync(Ct)).ExpiredVisitingLogins);
        await using (var db = pair.Visiting.Db())
        {
            Assert.Single(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
        }

        pair.VisitingTime.Offset = TimeSpan.FromMinutes(11);
        await visitingMaintenance.RunOnceAsync(Ct);
        await using (var db = pair.Visiting.Db())
        {
            Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
            var audit = await db.AuditLog.AsNoTracking().Where(a => a.Action == "emccVisitingLogout").SingleAsync(Ct);
            Assert.Equal(("emcc maintenance", VisitingPhone), (audit.Actor, audit.Key));
        }

        // The phone falls back to its visiting cluster and its own line.
        await using var fellBack = await pair.Visiting.StartPhoneAsync(VisitingPhone);
        Assert.Equal(["2901"], fellBack.RegisteredLines);
        Assert.Equal(["2901"], (await pair.Visiting.RegistrationsAsync(VisitingPhone)).Select(r => r.Aor));

        // Connectivity restored. The home cluster still lends EMCC1 while the phone's binding there is live ...
        await pair.StartHomeAsync();
        var maintenance = pair.Home.Service<EmccMaintenance>();
        Assert.Equal(0, (await maintenance.RunOnceAsync(Ct)).ExpiredHomeLogins);
        await using (var db = pair.Home.Db())
        {
            var session = Assert.Single(await db.EmccSessions.AsNoTracking().ToListAsync(Ct));
            Assert.Equal(("alice", "EMCC1"), (session.UserId, session.EmccDevice));
        }

        // ... and, once the binding (3600 s) has expired and the phone has been gone longer than the interval, logs it out.
        pair.HomeTime.Offset = TimeSpan.FromHours(2);
        await maintenance.RunOnceAsync(Ct);
        await using (var db = pair.Home.Db())
        {
            Assert.Empty(await db.EmccSessions.AsNoTracking().ToListAsync(Ct)); // EMCC1 is free again
            var audit = await db.AuditLog.AsNoTracking().Where(a => a.Action == "emccHomeLogout").SingleAsync(Ct);
            Assert.Equal((VisitingPhone, "alice (expired EMCC device); EMCC1 freed"), (audit.Key, audit.Detail));
        }

        Assert.Contains(pair.Home.Logs.Lines, l => l.Contains($"Expired EMCC device: {VisitingPhone} (alice on EMCC1)", StringComparison.Ordinal));
        Assert.Equal(["2901"], fellBack.RegisteredLines);
    }
}
