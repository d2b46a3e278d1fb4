namespace Emx.Protocols.CiscoIpPhone;

/// <summary>
/// A CiscoIPPhone XML object: what a phone service (EMApp included) returns to a phone, or what is pushed to
/// its <c>/CGI/Execute</c> (reference 2.4, Cisco's CiscoIPPhone.xsd). Supported: Input, Text, Menu, Execute, and
/// the phone's replies Response and Error.
/// </summary>
public abstract record CiscoIpPhoneObject;

/// <summary>A soft key: <c>&lt;SoftKeyItem&gt;&lt;Name/&gt;&lt;URL/&gt;&lt;Position/&gt;&lt;/SoftKeyItem&gt;</c>.</summary>
public sealed record CiscoIpPhoneSoftKey
{
    /// <summary>Label (at most 32 characters; longer labels are truncated when written).</summary>
    public required string Name { get; init; }

    /// <summary>Target, e.g. <c>SoftKey:Submit</c>, <c>SoftKey:&lt;&lt;</c>, <c>SoftKey:Exit</c> or an HTTP URL (at most 256).</summary>
    public required string Url { get; init; }

    /// <summary>Position 1..8, unique within an object.</summary>
    public required int Position { get; init; }
}

/// <summary>An input field of <see cref="CiscoIpPhoneInput"/>.</summary>
public sealed record CiscoIpPhoneInputItem
{
    /// <summary>Field label (at most 32; truncated when written).</summary>
    public required string DisplayName { get; init; }

    /// <summary>The query parameter name the phone appends to the URL (1..32 characters, no <c>&amp;</c>, <c>=</c>, <c>#</c>, <c>?</c> or whitespace).</summary>
    public required string QueryStringParam { get; init; }

    /// <summary>Input flags: one of A, T, N, E, U, L optionally followed by the password modifier P (see <see cref="CiscoIpPhoneInputFlags"/>).</summary>
    public required string InputFlags { get; init; }

    /// <summary>Pre-filled value (at most 32; truncated when written); empty by default (always written).</summary>
    public string DefaultValue { get; init; } = string.Empty;
}

/// <summary><c>CiscoIPPhoneInput</c>: a form; the phone sends the values as a GET to <see cref="Url"/> with <c>name=value</c> pairs appended.</summary>
public sealed record CiscoIpPhoneInput : CiscoIpPhoneObject
{
    /// <summary>Title (at most 32; truncated when written).</summary>
    public string? Title { get; init; }

    /// <summary>Prompt (at most 32; truncated when written).</summary>
    public string? Prompt { get; init; }

    /// <summary>Where the phone submits the form (1..256 characters).</summary>
    public required string Url { get; init; }

    /// <summary>0..5 input fields.</summary>
    public ValueList<CiscoIpPhoneInputItem> InputItems { get; init; } = [];

    /// <summary>0..8 soft keys.</summary>
    public ValueList<CiscoIpPhoneSoftKey> SoftKeys { get; init; } = [];
}

/// <summary><c>CiscoIPPhoneText</c>: a text screen.</summary>
public sealed record CiscoIpPhoneText : CiscoIpPhoneObject
{
    /// <summary>Title (at most 32; truncated when written).</summary>
    public string? Title { get; init; }

    /// <summary>Prompt (at most 32; truncated when written).</summary>
    public string? Prompt { get; init; }

    /// <summary>Body text (at most 4000; truncated when written).</summary>
    public string? Text { get; init; }

    /// <summary>0..8 soft keys.</summary>
    public ValueList<CiscoIpPhoneSoftKey> SoftKeys { get; init; } = [];
}

/// <summary>An entry of <see cref="CiscoIpPhoneMenu"/>.</summary>
public sealed record CiscoIpPhoneMenuItem
{
    /// <summary>Label (at most 64; truncated when written).</summary>
    public required string Name { get; init; }

    /// <summary>Target URL (1..256 characters).</summary>
    public required string Url { get; init; }

    /// <summary>Optional icon index (0 or more).</summary>
    public int? IconIndex { get; init; }
}

/// <summary><c>CiscoIPPhoneMenu</c>: a list to choose from (e.g. the device profile choice).</summary>
public sealed record CiscoIpPhoneMenu : CiscoIpPhoneObject
{
    /// <summary>Title (at most 32; truncated when written).</summary>
    public string? Title { get; init; }

    /// <summary>Prompt (at most 32; truncated when written).</summary>
    public string? Prompt { get; init; }

    /// <summary>0..100 entries.</summary>
    public ValueList<CiscoIpPhoneMenuItem> MenuItems { get; init; } = [];

    /// <summary>0..8 soft keys.</summary>
    public ValueList<CiscoIpPhoneSoftKey> SoftKeys { get; init; } = [];
}

/// <summary>An <c>ExecuteItem</c>: a URL or internal URI (<c>Init:CallHistory</c>) for the phone to run.</summary>
public sealed record CiscoIpPhoneExecuteItem
{
    /// <summary>The <c>URL</c> attribute (required, 1..256 characters).</summary>
    public required string Url { get; init; }

    /// <summary>The <c>Priority</c> attribute 0..3 (0 immediately, 1 when idle, 2 only if idle); omitted when null.</summary>
    public int? Priority { get; init; }
}

/// <summary><c>CiscoIPPhoneExecute</c>: pushed to a phone's <c>/CGI/Execute</c> as the <c>XML=</c> form field.</summary>
public sealed record CiscoIpPhoneExecute : CiscoIpPhoneObject
{
    /// <summary>1..3 items.</summary>
    public required ValueList<CiscoIpPhoneExecuteItem> Items { get; init; }
}

/// <summary>A <c>ResponseItem</c> of the phone's answer to an Execute push.</summary>
public sealed record CiscoIpPhoneResponseItem
{
    /// <summary>The <c>Status</c> attribute (0 = success).</summary>
    public required int Status { get; init; }

    /// <summary>The <c>Data</c> attribute (e.g. "Success").</summary>
    public string? Data { get; init; }

    /// <summary>The <c>URL</c> attribute: the executed URL.</summary>
    public string? Url { get; init; }
}

/// <summary><c>CiscoIPPhoneResponse</c>: the phone's answer to an Execute push.</summary>
public sealed record CiscoIpPhoneResponse : CiscoIpPhoneObject
{
    /// <summary>One item per executed URL.</summary>
    public ValueList<CiscoIpPhoneResponseItem> Items { get; init; } = [];
}

/// <summary><c>CiscoIPPhoneError Number="N"</c>: the phone refused a request (e.g. 4 = authentication error).</summary>
public sealed record CiscoIpPhoneError : CiscoIpPhoneObject
{
    /// <summary>The <c>Number</c> attribute.</summary>
    public required int Number { get; init; }
}
