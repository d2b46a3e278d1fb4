namespace Emx.Phones;

/// <summary>The registration state of one line of the phone.</summary>
/// <param name="Dn">The directory number (the line's name in the configuration file).</param>
/// <param name="DisplayName">The line's display name, if any.</param>
/// <param name="IsRegistered">Whether the registrar accepted the line and the registration has not been removed.</param>
/// <param name="StatusCode">The registrar's last final status (0 when no answer came).</param>
/// <param name="Reason">The registrar's last reason phrase.</param>
/// <param name="ExpiresAt">When the registration runs out unless refreshed.</param>
public sealed record PhoneLine(string Dn, string? DisplayName, bool IsRegistered, int StatusCode, string? Reason, DateTimeOffset? ExpiresAt);

/// <summary>A completed boot or re-sync: the configuration downloaded and the outcome of registering its lines.</summary>
public sealed class PhoneSyncedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public PhoneSyncedEventArgs(int syncNumber, string versionStamp, IReadOnlyList<PhoneLine> lines)
    {
        SyncNumber = syncNumber;
        VersionStamp = versionStamp;
        Lines = lines;
    }

    /// <summary>1 for the boot, 2 for the first re-sync, ...</summary>
    public int SyncNumber { get; }

    /// <summary>The configuration file's versionStamp.</summary>
    public string VersionStamp { get; }

    /// <summary>Every line of the configuration with its registration outcome.</summary>
    public IReadOnlyList<PhoneLine> Lines { get; }

    /// <summary>The directory numbers registered.</summary>
    public IReadOnlyList<string> RegisteredLines => [.. Lines.Where(l => l.IsRegistered).Select(l => l.Dn)];
}

/// <summary>Something the phone did or met, for logs and the terminal (never a PIN).</summary>
public sealed class PhoneDiagnosticEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public PhoneDiagnosticEventArgs(string message) => Message = message;

    /// <summary>What happened.</summary>
    public string Message { get; }
}

/// <summary>The phone could not do what it was asked: its configuration file could not be downloaded or read.</summary>
public sealed class PhoneException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PhoneException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PhoneException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public PhoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
