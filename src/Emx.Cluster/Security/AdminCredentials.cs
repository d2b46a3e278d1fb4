using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Emx.Cluster.Provisioning;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Domain.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.Security;

/// <summary>Outcome of checking a user id and password.</summary>
public enum CredentialCheck { Accepted, Rejected, LockedOut, NotAuthorized }

/// <summary>The account a password was verified for.</summary>
/// <param name="UserId">The user id.</param>
/// <param name="IsEndUser">An end user (true) or an application user (false).</param>
/// <param name="Groups">Access control groups.</param>
/// <param name="MustChangePassword">"User Must Change at Next Login" is set on the password (end users).</param>
public sealed record VerifiedAccount(string UserId, bool IsEndUser, IReadOnlyList<string> Groups, bool MustChangePassword = false);

/// <summary>
/// Verifies application-user passwords for the admin API: slow hash, a two-minute cache of verified credentials
/// (like EMService's credential cache) so each request does not pay the hash, and the credential policy's lockout.
/// </summary>
public sealed partial class AdminCredentials(IEmxDbContextFactory contexts, TimeProvider time, ILogger<AdminCredentials> logger)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(2);
    private readonly byte[] _pepper = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (byte[] Digest, DateTimeOffset Expires, VerifiedAccount Account)> _verified = new(StringComparer.Ordinal);

    /// <summary>Checks <paramref name="userId"/>/<paramref name="password"/> for membership of <paramref name="group"/>.</summary>
    public async Task<CredentialCheck> CheckAsync(string userId, string password, string group, CancellationToken cancellationToken)
    {
        var (result, account) = await CheckPasswordAsync(userId, password, endUsersToo: false, cancellationToken);
        return result != CredentialCheck.Accepted ? result
            : account!.Groups.Contains(group) ? CredentialCheck.Accepted : CredentialCheck.NotAuthorized;
    }

    /// <summary>
    /// Verifies a password of an application user (or, with <paramref name="endUsersToo"/>, of an end user: the EM
    /// API accepts both as appID), applying the credential policy's lockout.
    /// </summary>
    public async Task<(CredentialCheck Result, VerifiedAccount? Account)> CheckPasswordAsync(string userId, string password, bool endUsersToo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        var now = time.GetUtcNow();
        var digest = HMACSHA256.HashData(_pepper, Encoding.UTF8.GetBytes(userId + "\0" + password));
        if (_verified.TryGetValue(userId, out var cached) && cached.Expires > now && CryptographicOperations.FixedTimeEquals(cached.Digest, digest)
            && (endUsersToo || !cached.Account.IsEndUser))
        {
            return (CredentialCheck.Accepted, cached.Account);
        }

        await using var db = contexts.Create();
        var policy = await SettingsSections.ReadAsync<CredentialPolicy>(db, cancellationToken);
        var lockout = await db.CredentialLockouts.FirstOrDefaultAsync(l => l.UserId == userId && l.Credential == "password", cancellationToken);
        if (lockout?.LockedUntil is { } until && until > now)
        {
            LogLockedOut(logger, userId);
            return (CredentialCheck.LockedOut, null);
        }

        VerifiedAccount? account = null;
        string? hash = null;
        var app = await db.Config<ApplicationUser>().AsNoTracking().FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken);
        if (app is not null)
        {
            account = new VerifiedAccount(app.UserId, false, app.Groups);
            hash = app.PasswordHash;
        }
        else if (endUsersToo && await db.Config<EndUser>().AsNoTracking().FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken) is { } end)
        {
            account = new VerifiedAccount(end.UserId, true, end.Groups, end.PasswordMustChangeAtNextLogin);
            hash = end.PasswordHash;
        }

        // Verify against a dummy hash for unknown users so timing does not tell which user ids exist.
        var ok = SecretHasher.Verify(password, hash ?? DummyHash.Value);
        if (account is null || hash is null || !ok)
        {
            // A wrong password drops any cached verification, so a lockout it triggers applies at once.
            Forget(userId);
            if (account is not null)
            {
                await RecordFailureAsync(db, lockout, userId, "password", policy, now, cancellationToken);
            }

            LogRejected(logger, userId);
            return (CredentialCheck.Rejected, null);
        }

        if (lockout is not null)
        {
            db.CredentialLockouts.Remove(lockout);
            await db.SaveChangesAsync(cancellationToken);
        }

        _verified[userId] = (digest, now + CacheLifetime, account);
        return (CredentialCheck.Accepted, account);
    }

    /// <summary>Verifies an end user's PIN (EMApp login), applying the credential policy's lockout.</summary>
    public async Task<CredentialCheck> CheckPinAsync(EndUser user, string pin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(pin);
        var now = time.GetUtcNow();
        await using var db = contexts.Create();
        var lockout = await db.CredentialLockouts.FirstOrDefaultAsync(l => l.UserId == user.UserId && l.Credential == "pin", cancellationToken);
        if (lockout?.LockedUntil is { } until && until > now)
        {
            LogLockedOut(logger, user.UserId);
            return CredentialCheck.LockedOut;
        }

        if (SecretHasher.Verify(pin, user.PinHash ?? DummyPinHash.Value) && user.PinHash is not null)
        {
            if (lockout is not null)
            {
                db.CredentialLockouts.Remove(lockout);
                await db.SaveChangesAsync(cancellationToken);
            }

            return CredentialCheck.Accepted;
        }

        var policy = await SettingsSections.ReadAsync<CredentialPolicy>(db, cancellationToken);
        await RecordFailureAsync(db, lockout, user.UserId, "pin", policy, now, cancellationToken);
        LogRejected(logger, user.UserId);
        return CredentialCheck.Rejected;
    }

    /// <summary>Forgets a user's cached verification.</summary>
    public void Forget(string userId) => _verified.TryRemove(userId, out _);

    /// <summary>
    /// Forgets every cached verification: after any configuration change (a password, a group, a deleted account or
    /// the credential policy may have changed), so the cache never outlives what it vouches for.
    /// </summary>
    public void ForgetAll() => _verified.Clear();

    private static async Task RecordFailureAsync(Data.EmxDbContext db, CredentialLockout? lockout, string userId, string credential, CredentialPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (lockout is null)
        {
            lockout = new CredentialLockout { UserId = userId, Credential = credential };
            db.CredentialLockouts.Add(lockout);
        }

        if (lockout.LastFailure is { } last && now - last > TimeSpan.FromMinutes(policy.ResetFailedLogonAttemptsMinutes))
        {
            lockout.FailedAttempts = 0;
        }

        lockout.FailedAttempts++;
        lockout.LastFailure = now;
        if (policy.FailedLogonThreshold > 0 && lockout.FailedAttempts >= policy.FailedLogonThreshold)
        {
            lockout.LockedUntil = policy.LockoutMinutes == 0 ? DateTimeOffset.MaxValue : now.AddMinutes(policy.LockoutMinutes);
            lockout.FailedAttempts = 0;
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static readonly Lazy<string> DummyHash = new(() => SecretHasher.HashPassword(Guid.NewGuid().ToString()));
    private static readonly Lazy<string> DummyPinHash = new(() => SecretHasher.HashPin(Guid.NewGuid().ToString()));

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Credentials rejected for user {UserId}")]
    private static partial void LogRejected(ILogger logger, string userId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Admin API user {UserId} is locked out by the credential policy")]
    private static partial void LogLockedOut(ILogger logger, string userId);
}
