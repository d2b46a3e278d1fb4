namespace Emx.Cluster.CallControl;

/// <summary>
/// Registrar limits (RFC 3261 §10.3). Defaults follow CUCM's SIP profile (Timer Register Expires 3600 s) and the
/// RFC's recommended minimum; replace the singleton to change them.
/// </summary>
public sealed class RegistrarOptions
{
    /// <summary>The shortest registration accepted, in seconds (default 60, RFC 3261 §10.2.8); shorter ones get 423 with Min-Expires.</summary>
    public int MinExpires { get; init; } = 60;

    /// <summary>The longest registration granted, in seconds (default 3600); longer requests are granted this.</summary>
    public int MaxExpires { get; init; } = 3600;

    /// <summary>The registration time when the REGISTER names none, in seconds (default 3600, between the two limits).</summary>
    public int DefaultExpires { get; init; } = 3600;

    /// <summary>
    /// The device policy for contacts: how many bindings one device may hold for one line (default 1, at least 1).
    /// A Cisco phone is one user agent instance with one contact per line, so a new contact from the same device
    /// replaces its older one (as RFC 5626 treats an instance); a single REGISTER asking for more is refused.
    /// </summary>
    public int MaxContactsPerDeviceLine { get; init; } = 1;

    /// <summary>
    /// Group commit: the most REGISTERs written in one transaction (default 64, at least 1; 1 commits each alone).
    /// REGISTERs that arrive while one commit is being written wait and are written together in the next, so a
    /// commit's fsync is shared and a lone REGISTER still goes at once; each is answered only after its commit.
    /// The cap bounds how long the last of a batch waits for the others.
    /// </summary>
    public int MaxRegistersPerCommit { get; init; } = 64;

    /// <summary>Throws when the values are inconsistent.</summary>
    public void Validate()
    {
        if (MinExpires < 1 || MaxExpires < MinExpires || DefaultExpires < MinExpires || DefaultExpires > MaxExpires || MaxContactsPerDeviceLine < 1 || MaxRegistersPerCommit < 1)
        {
            throw new InvalidOperationException(
                $"Registrar options are inconsistent: need 1 <= MinExpires ({MinExpires}) <= DefaultExpires ({DefaultExpires}) <= MaxExpires ({MaxExpires}), MaxContactsPerDeviceLine ({MaxContactsPerDeviceLine}) >= 1 and MaxRegistersPerCommit ({MaxRegistersPerCommit}) >= 1.");
        }
    }
}
