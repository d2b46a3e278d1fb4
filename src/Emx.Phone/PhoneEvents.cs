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

/// <summary>Who placed a call.</summary>
public enum PhoneCallDirection
{
    /// <summary>The phone placed it (it sent the INVITE).</summary>
    Outgoing,

    /// <summary>The phone received it (an INVITE to one of its lines).</summary>
    Incoming,
}

/// <summary>Where a call stands.</summary>
public enum PhoneCallState
{
    /// <summary>Outgoing: the INVITE is sent and no ringing has come back yet.</summary>
    Calling,

    /// <summary>Outgoing: the far end rings (180/183, an early dialog). Incoming: the phone rings (180 sent).</summary>
    Ringing,

    /// <summary>Incoming: the phone answered (200 sent) and waits for the caller's ACK.</summary>
    Answering,

    /// <summary>The dialog is confirmed: both sides are talking (no media flows in the simulator).</summary>
    Connected,

    /// <summary>The phone hung up: its CANCEL or BYE is on its way.</summary>
    Disconnecting,

    /// <summary>Over: see <see cref="PhoneCallInfo.StatusCode"/>, <see cref="PhoneCallInfo.ReasonPhrase"/> and <see cref="PhoneCallInfo.EndedBy"/>.</summary>
    Ended,
}

/// <summary>Which side ended a call.</summary>
public enum PhoneCallEndedBy
{
    /// <summary>This phone: it hung up, cancelled, rejected, or gave up (no answer, no ACK, switched off).</summary>
    Local,

    /// <summary>The far end or the network: a BYE or CANCEL came, or the INVITE was refused.</summary>
    Remote,
}

/// <summary>A call as it stands at one moment (for the terminal and for tests).</summary>
/// <param name="CallId">The SIP Call-ID.</param>
/// <param name="Direction">Outgoing or incoming.</param>
/// <param name="LineDn">The phone's line the call is on (its directory number).</param>
/// <param name="RemoteNumber">The far end: the number dialed (outgoing) or the user part of the caller's From (incoming).</param>
/// <param name="RemoteDisplayName">The caller's display name (incoming), if any.</param>
/// <param name="State">Where the call stands.</param>
/// <param name="StatusCode">
/// The INVITE's final status: 200 once connected, the refusal (404, 480, 486, 487, 488, 503...) otherwise; for an
/// incoming call, what the phone answered. 0 before any final status.
/// </param>
/// <param name="ReasonPhrase">The reason phrase of that status, or why the phone ended the call.</param>
/// <param name="EndedBy">Which side ended it, once <see cref="PhoneCallState.Ended"/>.</param>
/// <param name="Codec">The codec offer/answer settled on (G722, PCMU, PCMA, G729), once known.</param>
public sealed record PhoneCallInfo(
    string CallId,
    PhoneCallDirection Direction,
    string LineDn,
    string RemoteNumber,
    string? RemoteDisplayName,
    PhoneCallState State,
    int StatusCode,
    string? ReasonPhrase,
    PhoneCallEndedBy? EndedBy,
    string? Codec);

/// <summary>A call rang, connected or ended.</summary>
public sealed class PhoneCallEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public PhoneCallEventArgs(PhoneCall call, PhoneCallInfo info)
    {
        Call = call;
        Info = info;
    }

    /// <summary>The call (answer it, hang it up).</summary>
    public PhoneCall Call { get; }

    /// <summary>The call as it stood when the event was raised.</summary>
    public PhoneCallInfo Info { get; }
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
