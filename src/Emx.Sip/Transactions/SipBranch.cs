using System.Security.Cryptography;
using Emx.Sip.Messages;

namespace Emx.Sip.Transactions;

/// <summary>Via branch parameters: the transaction identifiers of RFC 3261 §8.1.1.7.</summary>
public static class SipBranch
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>
    /// A new branch: the magic cookie <c>z9hG4bK</c> followed by 20 random characters (about 119 bits), unique
    /// across space and time as §8.1.1.7 requires.
    /// </summary>
    public static string Create() => SipVia.MagicCookie + RandomNumberGenerator.GetString(Alphabet, 20);
}
