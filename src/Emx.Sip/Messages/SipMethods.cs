namespace Emx.Sip.Messages;

/// <summary>Method names. Methods are case-sensitive (RFC 3261 §7.1): <c>invite</c> is not INVITE.</summary>
public static class SipMethods
{
    /// <summary>ACK (RFC 3261).</summary>
    public const string Ack = "ACK";
    /// <summary>BYE (RFC 3261).</summary>
    public const string Bye = "BYE";
    /// <summary>CANCEL (RFC 3261).</summary>
    public const string Cancel = "CANCEL";
    /// <summary>INFO (RFC 6086).</summary>
    public const string Info = "INFO";
    /// <summary>INVITE (RFC 3261).</summary>
    public const string Invite = "INVITE";
    /// <summary>MESSAGE (RFC 3428).</summary>
    public const string Message = "MESSAGE";
    /// <summary>NOTIFY (RFC 6665).</summary>
    public const string Notify = "NOTIFY";
    /// <summary>OPTIONS (RFC 3261).</summary>
    public const string Options = "OPTIONS";
    /// <summary>PRACK (RFC 3262).</summary>
    public const string Prack = "PRACK";
    /// <summary>PUBLISH (RFC 3903).</summary>
    public const string Publish = "PUBLISH";
    /// <summary>REFER (RFC 3515).</summary>
    public const string Refer = "REFER";
    /// <summary>REGISTER (RFC 3261).</summary>
    public const string Register = "REGISTER";
    /// <summary>SUBSCRIBE (RFC 6665).</summary>
    public const string Subscribe = "SUBSCRIBE";
    /// <summary>UPDATE (RFC 3311).</summary>
    public const string Update = "UPDATE";

    private static readonly string[] Known =
        [Ack, Bye, Cancel, Info, Invite, Message, Notify, Options, Prack, Publish, Refer, Register, Subscribe, Update];

    /// <summary>Returns the shared instance for a known method (exact, case-sensitive match), else a new string.</summary>
    internal static string Intern(ReadOnlySpan<char> method)
    {
        foreach (var known in Known)
        {
            if (method.SequenceEqual(known))
            {
                return known;
            }
        }

        return new string(method);
    }
}
