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

/// <summary>
/// Verifies application-user passwords for the admin API: slow hash, a two-minute cache of verified credentials
/// (like EMService's credential cache) so each request does not pay the hash, and the credential policy's lockout.
/// </summary>
public sealed partial class AdminCredentials(IEmxDbContextFactory contexts, TimeProvider time, ILogger<AdminCredentials> logger)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(2);
    private readonly byte[] _pepper = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (byte[] Digest, DateTimeOffset Expires)> _verified = new(StringComparer.Ordinal);

    /// <summary>Checks <paramref name="userId"/>/<paramref name="password"/> for membership of <paramref name="group"/>.</summary>
    public async Task<CredentialCheck> CheckAsync(string userId, string password, string group, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(password);
        var now = time.GetUtcNow();
        var digest = HMACSHA256.HashData(_pepper, Encoding.UTF8.GetBytes(userId + "\0" + password));
        if (_verified.TryGetValue(userId, out var cached) && cached.Expires > now && CryptographicOperations.FixedTimeEquals(cached.Digest, digest))
        {
            return CredentialCheck.Accepted;
        }

        await using var db = contexts.Create();
        var policy = await SettingsSections.ReadAsync<CredentialPolicy>(db, cancellationToken);
        var lockout = await db.CredentialLockouts.FirstOrDefaultAsync(l => l.UserId == userId && l.Credential == "password", cancellationToken);
        if (lockout?.LockedUntil is { } until && until > now)
        {
            LogLockedOut(logger, userId);
            return CredentialCheck.LockedOut;
        }

        var user = await db.Config<ApplicationUser>().AsNoTracking().FirstOrDefaultAsync(u => u.UserId == userId, cancellationToken);

        // Verify against a dummy hash for unknown users so timing does not tell which user ids exist.
        var ok = SecretHasher.Verify(password, user?.PasswordHash ?? DummyHash.Value);
        if (user is null || !ok)
        {
            if (user is not null)
            {
                await RecordFailureAsync(db, lockout, userId, policy, now, cancellationToken);
            }

            LogRejected(logger, userId);
            return CredentialCheck.Rejected;
        }

        if (lockout is not null)
        {
            db.CredentialLockouts.Remove(lockout);
            await db.SaveChangesAsync(cancellationToken);
        }

        if (!user.Groups.Contains(group))
        {
            return CredentialCheck.NotAuthorized;
        }

        _verified[userId] = (digest, now + CacheLifetime);
        return CredentialCheck.Accepted;
    }

    /// <summary>Forgets cached verifications (after a password change).</summary>
    public void Forget(string userId) => _verified.TryRemove(userId, out _);

    private static async Task RecordFailureAsync(Data.EmxDbContext db, CredentialLockout? lockout, string userId, CredentialPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (lockout is null)
        {
            lockout = new CredentialLockout { UserId = userId, Credential = "password" };
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

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Admin API credentials rejected for user {UserId}")]
    private static partial void LogRejected(ILogger logger, string userId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Admin API user {UserId} is locked out by the credential policy")]
    private static partial void LogLockedOut(ILogger logger, string userId);
}
