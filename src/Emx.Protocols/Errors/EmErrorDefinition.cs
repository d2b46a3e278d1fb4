namespace Emx.Protocols.Errors;

/// <summary>Which component emits an error code.</summary>
public enum EmErrorSource
{
    /// <summary>EMService: the code travels in EM API XML (<c>&lt;error code="N"&gt;</c>).</summary>
    EmService,

    /// <summary>EMApp: the code is only shown on the phone.</summary>
    EmApp,
}

/// <summary>The operation during which the phone shows an error.</summary>
public enum EmOperation
{
    /// <summary>A login attempt.</summary>
    Login,

    /// <summary>A logout attempt.</summary>
    Logout,
}

/// <summary>One row of the error tables: code, quick description, phone display strings and reason.</summary>
public sealed record EmErrorDefinition
{
    /// <summary>The numeric code.</summary>
    public required int Code { get; init; }

    /// <summary>EMService (API XML) or EMApp (phone only).</summary>
    public required EmErrorSource Source { get; init; }

    /// <summary>The quick description, exactly as the seed writes it (e.g. "Error on parsing").</summary>
    public required string QuickDescription { get; init; }

    /// <summary>What the phone shows when the error ends a login; null when the code does not occur at login.</summary>
    public string? LoginDisplay { get; init; }

    /// <summary>What the phone shows when the error ends a logout; null when the code does not occur at logout.</summary>
    public string? LogoutDisplay { get; init; }

    /// <summary>Why the error happens (seed's reason column, or the reference's meaning column).</summary>
    public required string Reason { get; init; }

    /// <summary>True for codes the seed marks "internal error code" (39, 40, 41, 44).</summary>
    public bool IsInternal { get; init; }

    /// <summary>
    /// The phone display string for <paramref name="operation"/>; falls back to the other operation's string when
    /// the table gives only one (e.g. 19 only has a logout string, 25 only a login string).
    /// </summary>
    /// <param name="operation">Login or logout.</param>
    /// <returns>The exact display string.</returns>
    public string PhoneDisplay(EmOperation operation) => operation == EmOperation.Logout
        ? LogoutDisplay ?? LoginDisplay ?? QuickDescription
        : LoginDisplay ?? LogoutDisplay ?? QuickDescription;
}
