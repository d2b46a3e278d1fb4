using Emx.Cluster.Emcc;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Protocols.Emcc;
using Microsoft.EntityFrameworkCore;
using static Emx.Integration.Tests.EmAppLab;
using static Emx.Integration.Tests.EmccPair;

namespace Emx.Integration.Tests;

/// <summary>
/// The home cluster verifies the PIN once per EMCC login: check user (PIN verified, device named) gives a login token
/// that the home login presents instead. The token is single-use, expires after 30 s, is bound to user, visiting
/// cluster and device, and a home login without a valid one verifies the PIN (older visiting clusters, a restarted
/// home). Requests go to the home cluster's EMService in-process, as the visiting cluster would send them.
/// </summary>
public sealed class EmccLoginTokenTests
{
    private const string WrongPin = "99999";

    private static readonly EmccClusterInfo ClusterB = new("ClusterB", "15.0", "nonSecure");

    private static EmccDeviceInfo Device(string name = VisitingPhone) => new() { Name = name, Model = "Cisco 8845" };

    private static Task<EmccResponse> CheckUserAsync(EmccPair pair, string pin, EmccDeviceInfo? device) =>
        pair.Home.Service<EmccService>().HandleAsync(new EmccRequest { Type = EmccRequestType.CheckUser, From = ClusterB, UserId = "alice", Pin = pin, Device = device }, Ct);

    private static Task<EmccResponse> HomeLoginAsync(EmccPair pair, string pin, string? token, EmccDeviceInfo? device = null, EmccClusterInfo? from = null) =>
        pair.Home.Service<EmccService>().HandleAsync(new EmccRequest { Type = EmccRequestType.HomeLogin, From = from ?? ClusterB, UserId = "alice", Pin = pin, LoginToken = token, Device = device ?? Device() }, Ct);

    private static async Task LogOutAtHomeAsync(EmccPair pair)
    {
        Assert.True((await pair.Home.Service<EmccService>().HomeLogoutAsync(VisitingPhone, "test", Ct)).Succeeded);
    }

    [Fact(Timeout = 120_000)]
    public async Task CheckUser_GivesATokenForTheDevice_HomeLoginWithItNeedsNoPin_OnceOnly()
    {
        await using var pair = await EmccPair.StartAsync();

        var check = await CheckUserAsync(pair, AlicePin, Device());
        var token = check.CheckUser!.LoginToken;
        Assert.True(EmccLoginToken.IsWellFormed(token));
        Assert.Equal(43, token!.Length); // 256 random bits, base64url

        // The token stands for the PIN check: even a wrong PIN in the same request does not matter.
        var login = await HomeLoginAsync(pair, WrongPin, token);
        Assert.True(login.IsSuccess, login.ErrorText);
        Assert.Equal("EMCC1", login.HomeLogin!.EmccDevice);
        await LogOutAtHomeAsync(pair);

        // Used once: presented again, the PIN is verified (wrong: 2; right: logged in).
        Assert.Equal(2, (await HomeLoginAsync(pair, WrongPin, token)).ErrorCode);
        Assert.True((await HomeLoginAsync(pair, AlicePin, token)).IsSuccess);
        Assert.Equal(0, pair.Home.Service<EmccService>().LoginTokens.Count);
    }

    [Fact(Timeout = 120_000)]
    public async Task Token_ForAnotherDeviceOrCluster_Expired_OrNone_FallsBackToThePin()
    {
        await using var pair = await EmccPair.StartAsync();

        // Another device than the one check user named.
        var forOther = (await CheckUserAsync(pair, AlicePin, Device("SEP0B0000000009"))).CheckUser!.LoginToken;
        Assert.Equal(2, (await HomeLoginAsync(pair, WrongPin, forOther)).ErrorCode);

        // Another visiting cluster (one this home knows) presenting ClusterB's token.
        await pair.Home.ApplyAsync(new ProvisioningDocument
        {
            RemoteClusters = [new RemoteCluster { ClusterId = "ClusterC", FullyQualifiedName = "127.0.4.1", HttpsPort = 8443, Emcc = true, PstnAccess = true }],
        });
        var forB = (await CheckUserAsync(pair, AlicePin, Device())).CheckUser!.LoginToken;
        Assert.Equal(2, (await HomeLoginAsync(pair, WrongPin, forB, from: new EmccClusterInfo("ClusterC", "15.0", "nonSecure"))).ErrorCode);

        // Expired: 31 s later.
        var expiring = (await CheckUserAsync(pair, AlicePin, Device())).CheckUser!.LoginToken;
        pair.HomeTime.Offset = EmccLoginTokens.Lifetime + TimeSpan.FromSeconds(1);
        Assert.Equal(2, (await HomeLoginAsync(pair, WrongPin, expiring)).ErrorCode);

        // No token at all (an older visiting cluster, or a home restarted since check user): the PIN decides.
        Assert.Equal(2, (await HomeLoginAsync(pair, WrongPin, null)).ErrorCode);
        Assert.True((await HomeLoginAsync(pair, AlicePin, null)).IsSuccess);
    }

    [Fact(Timeout = 120_000)]
    public async Task CheckUser_WithoutADevice_GivesNoToken_AndAWrongPinGivesNone()
    {
        await using var pair = await EmccPair.StartAsync();

        var older = await CheckUserAsync(pair, AlicePin, device: null);
        var wrong = await CheckUserAsync(pair, WrongPin, Device());

        Assert.True(older.CheckUser!.Exists);
        Assert.Null(older.CheckUser.LoginToken);
        Assert.Equal(2, wrong.ErrorCode);
        Assert.Null(wrong.CheckUser);
    }

    [Fact(Timeout = 120_000)]
    public async Task Token_AfterThePinChanged_IsRefused_AndWrongPinsStillLockTheUserOut()
    {
        await using var pair = await EmccPair.StartAsync(home: doc => doc.CredentialPolicy = new CredentialPolicy { FailedLogonThreshold = 3, LockoutMinutes = 30, ResetFailedLogonAttemptsMinutes = 30 });

        var token = (await CheckUserAsync(pair, AlicePin, Device())).CheckUser!.LoginToken;
        await pair.Home.ApplyAsync(new ProvisioningDocument { EndUsers = [WithPin(pair, "11223")] });
        Assert.Equal(2, (await HomeLoginAsync(pair, AlicePin, token)).ErrorCode); // the token vouched for the old PIN

        // Failure counting goes on at check user and at a home login without a token: three wrong PINs lock alice out,
        // after which even the right PIN is refused (204, the PIN locked by the credential policy) and no token is given.
        Assert.Equal(2, (await CheckUserAsync(pair, WrongPin, Device())).ErrorCode);
        Assert.Equal(2, (await HomeLoginAsync(pair, WrongPin, null)).ErrorCode);
        Assert.Equal(204, (await CheckUserAsync(pair, WrongPin, Device())).ErrorCode); // the third failure locks: 204 from then on
        var locked = await CheckUserAsync(pair, "11223", Device());
        Assert.Equal(204, locked.ErrorCode);
        Assert.Null(locked.CheckUser);
        await using var db = pair.Home.Db();
        var lockout = await db.CredentialLockouts.AsNoTracking().SingleAsync(l => l.UserId == "alice", Ct);
        Assert.NotNull(lockout.LockedUntil);
        Assert.Empty(await db.EmccSessions.AsNoTracking().Where(s => s.Side == EmccSide.Home).ToListAsync(Ct));
    }

    private static EndUser WithPin(EmccPair pair, string pin)
    {
        using var db = pair.Home.Db();
        var alice = db.Config<EndUser>().AsNoTracking().Single(u => u.UserId == "alice");
        alice.Pin = pin;
        return alice;
    }
}
