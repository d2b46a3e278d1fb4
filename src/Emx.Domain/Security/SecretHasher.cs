using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Emx.Domain.Security;

/// <summary>
/// Salted slow hashes for PINs and passwords: PBKDF2-HMAC-SHA256 with a 16-byte random salt, stored as
/// <c>pbkdf2-sha256$iterations$salt$hash</c> (base64). Verification is constant-time and honours the iteration
/// count stored with each hash, so the default can be raised without invalidating existing secrets.
/// </summary>
public static class SecretHasher
{
    /// <summary>Iterations for passwords: OWASP's 2023 figure for PBKDF2-HMAC-SHA256 (about 120 ms here).</summary>
    public const int PasswordIterations = 600_000;

    /// <summary>
    /// Iterations for PINs (about 5 ms here). A 4-8 digit PIN cannot be made safe offline by any work factor; its
    /// protection is the credential policy's lockout, and EM/EMCC logins verify PINs on the hot path
    /// (docs/decisions/0004-secret-hashing.md).
    /// </summary>
    public const int PinIterations = 25_000;

    /// <summary>Default iterations for <see cref="Hash"/>.</summary>
    public const int DefaultIterations = PasswordIterations;

    /// <summary>Hashes a password.</summary>
    public static string HashPassword(string password) => Hash(password, PasswordIterations);

    /// <summary>Hashes a PIN.</summary>
    public static string HashPin(string pin) => Hash(pin, PinIterations);

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    /// <summary>Hashes a secret with a new random salt.</summary>
    public static string Hash(string secret, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>Whether <paramref name="secret"/> matches <paramref name="stored"/>; false for a malformed stored value.</summary>
    public static bool Verify(string secret, string? stored)
    {
        if (stored is null)
        {
            return false;
        }

        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        // A stored value without a salt or with a hash of the wrong size is malformed, never a match (an empty hash
        // would otherwise compare equal to an empty derivation and accept any secret).
        if (salt.Length == 0 || expected.Length != HashBytes)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
