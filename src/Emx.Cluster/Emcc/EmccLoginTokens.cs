using System.Collections.Concurrent;
using System.Security.Cryptography;
using Emx.Protocols.Emcc;

namespace Emx.Cluster.Emcc;

/// <summary>
/// The home cluster's login tokens (docs/emcc-protocol.md): when check user verified a user's PIN for a device of a
/// visiting cluster, the home login that follows presents the token instead of the PIN being verified a second time
/// (PBKDF2 is the costliest step of an EMCC login). A token is 256 random bits, valid for <see cref="Lifetime"/>, for
/// one use, and only for the same user, visiting cluster and device, and while the user's PIN is unchanged. Held in
/// memory only: after a restart, or on another node, the home login simply verifies the PIN.
/// </summary>
public sealed class EmccLoginTokens(TimeProvider time)
{
    /// <summary>How long a token is accepted after check user.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>Most tokens outstanding; beyond it none is issued (the home login verifies the PIN).</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, Grant> _grants = new(StringComparer.Ordinal);

    /// <summary>Tokens outstanding (expired ones included until the next sweep).</summary>
    public int Count => _grants.Count;

    /// <summary>A new token for a PIN just verified, or null when too many are outstanding.</summary>
    public string? Issue(string userId, string visitingClusterId, string deviceName, string pinHash)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(visitingClusterId);
        ArgumentNullException.ThrowIfNull(deviceName);
        ArgumentNullException.ThrowIfNull(pinHash);
        var now = time.GetUtcNow();
        if (_grants.Count >= Capacity)
        {
            Sweep(now);
            if (_grants.Count >= Capacity)
            {
                return null;
            }
        }

        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        _grants[token] = new Grant(userId, visitingClusterId, deviceName, pinHash, now + Lifetime);
        return token;
    }

    /// <summary>
    /// Consumes <paramref name="token"/>: true when it was issued for this user, visiting cluster and device, has not
    /// expired and the PIN is still the one verified. A token is gone after its first presentation, whatever the answer.
    /// </summary>
    public bool TryConsume(string? token, string userId, string visitingClusterId, string deviceName, string? pinHash)
    {
        if (!EmccLoginToken.IsWellFormed(token) || !_grants.TryRemove(token!, out var grant))
        {
            return false;
        }

        return grant.Expires > time.GetUtcNow()
            && string.Equals(grant.UserId, userId, StringComparison.Ordinal)
            && string.Equals(grant.VisitingClusterId, visitingClusterId, StringComparison.Ordinal)
            && string.Equals(grant.DeviceName, deviceName, StringComparison.Ordinal)
            && pinHash is not null
            && string.Equals(grant.PinHash, pinHash, StringComparison.Ordinal);
    }

    /// <summary>Drops expired tokens.</summary>
    public void Sweep(DateTimeOffset now)
    {
        foreach (var (token, grant) in _grants)
        {
            if (grant.Expires <= now)
            {
                _grants.TryRemove(token, out _);
            }
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Grant(string UserId, string VisitingClusterId, string DeviceName, string PinHash, DateTimeOffset Expires);
}
