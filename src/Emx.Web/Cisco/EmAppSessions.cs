using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Emx.Web.Cisco;

/// <summary>
/// A login in progress whose PIN was verified, waiting for the user's next screen (the PIN change or the profile
/// choice). The screens carry only its random token, never the PIN.
/// </summary>
internal sealed class EmAppSession
{
    public required string Token { get; init; }

    public required string DeviceName { get; init; }

    public required string UserId { get; init; }

    public required DateTimeOffset Expires { get; init; }

    /// <summary>The user must still choose a new PIN.</summary>
    public bool PinChangePending { get; set; }

    /// <summary>Refused new PINs so far (the session ends after <see cref="EmAppSessions.MaxPinChangeAttempts"/>).</summary>
    public int RefusedPinChanges { get; set; }

    /// <summary>The profiles offered in the menu, in menu order; null until the menu is shown.</summary>
    public IReadOnlyList<string>? Profiles { get; set; }
}

/// <summary>
/// The logins in progress of this node, by token: 128 random bits, valid for <see cref="Lifetime"/>, for one device,
/// ended by the login attempt. Held in memory: a phone talks to the node whose URL it was given, and a restart only
/// costs the user a new PIN entry.
/// </summary>
internal sealed class EmAppSessions(TimeProvider time)
{
    /// <summary>How long a verified PIN stays good for the next screens.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>Most logins in progress at once (each needs a correct PIN, so only real users fill it).</summary>
    public const int Capacity = 10_000;

    /// <summary>New PINs refused before the session ends and the user starts again.</summary>
    public const int MaxPinChangeAttempts = 5;

    private readonly ConcurrentDictionary<string, EmAppSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Starts a session for a user whose PIN was just verified on <paramref name="deviceName"/>.</summary>
    public EmAppSession Start(string deviceName, string userId, bool pinChangePending)
    {
        var now = time.GetUtcNow();
        if (_sessions.Count >= Capacity)
        {
            foreach (var expired in _sessions.Values.Where(s => s.Expires <= now).ToList())
            {
                _sessions.TryRemove(expired.Token, out _);
            }

            if (_sessions.Count >= Capacity && _sessions.Values.MinBy(s => s.Expires) is { } oldest)
            {
                _sessions.TryRemove(oldest.Token, out _);
            }
        }

        var session = new EmAppSession
        {
            Token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
            DeviceName = deviceName,
            UserId = userId,
            Expires = now + Lifetime,
            PinChangePending = pinChangePending,
        };
        _sessions[session.Token] = session;
        return session;
    }

    /// <summary>The live session of <paramref name="token"/> for <paramref name="deviceName"/>, or null.</summary>
    public EmAppSession? Find(string? token, string deviceName)
    {
        if (token is null || !_sessions.TryGetValue(token, out var session))
        {
            return null;
        }

        if (session.Expires <= time.GetUtcNow())
        {
            _sessions.TryRemove(token, out _);
            return null;
        }

        return session.DeviceName == deviceName ? session : null;
    }

    /// <summary>Ends a session.</summary>
    public void End(EmAppSession session) => _sessions.TryRemove(session.Token, out _);

    /// <summary>Sessions held now (for tests and diagnostics).</summary>
    public int Count => _sessions.Count;
}
