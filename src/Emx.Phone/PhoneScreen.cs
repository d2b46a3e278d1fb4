using Emx.Protocols.CiscoIpPhone;

namespace Emx.Phones;

/// <summary>What kind of screen a service shows.</summary>
public enum PhoneScreenKind
{
    /// <summary>A form (CiscoIPPhoneInput).</summary>
    Input,

    /// <summary>A text screen (CiscoIPPhoneText).</summary>
    Text,

    /// <summary>A list to choose from (CiscoIPPhoneMenu).</summary>
    Menu,

    /// <summary>An HTTP error or a body the phone cannot show (the phone's "HTTP Error" screen).</summary>
    Error,

    /// <summary>Another CiscoIPPhone object (Execute, Response...).</summary>
    Other,
}

/// <summary>An input field and what has been typed into it.</summary>
/// <param name="Label">The field's display name.</param>
/// <param name="Name">The query parameter the phone sends the value as.</param>
/// <param name="Flags">The input flags (A, T, N, E, U, L, optionally P for a password).</param>
/// <param name="Value">The current value (the default value until something is typed).</param>
public sealed record PhoneScreenField(string Label, string Name, string Flags, string Value)
{
    /// <summary>A password field: shown masked.</summary>
    public bool IsPassword => Flags.Contains('P', StringComparison.OrdinalIgnoreCase);
}

/// <summary>A menu entry.</summary>
/// <param name="Name">The label.</param>
/// <param name="Url">Where choosing it goes.</param>
public sealed record PhoneScreenItem(string Name, string Url);

/// <summary>
/// The screen a phone service shows, independent of any user interface: title, prompt, text, fields, menu entries
/// and soft keys, as a CiscoIPPhone object described them (reference 2.4).
/// </summary>
public sealed record PhoneScreen
{
    /// <summary>The kind of screen.</summary>
    public required PhoneScreenKind Kind { get; init; }

    /// <summary>The title, if any.</summary>
    public string? Title { get; init; }

    /// <summary>The prompt line, if any.</summary>
    public string? Prompt { get; init; }

    /// <summary>The body text (text screens, errors).</summary>
    public string? Text { get; init; }

    /// <summary>Input fields, in order.</summary>
    public IReadOnlyList<PhoneScreenField> Fields { get; init; } = [];

    /// <summary>Menu entries, in order (chosen by 1-based number).</summary>
    public IReadOnlyList<PhoneScreenItem> MenuItems { get; init; } = [];

    /// <summary>Soft keys by position; a screen that names none gets the phone's defaults.</summary>
    public IReadOnlyList<CiscoIpPhoneSoftKey> SoftKeys { get; init; } = [];

    /// <summary>Where a form is submitted (GET with name=value pairs appended).</summary>
    public string? SubmitUrl { get; init; }

    /// <summary>The URL the screen was fetched from (relative URLs resolve against it).</summary>
    public required Uri Source { get; init; }

    /// <summary>The CiscoIPPhone object, or null for an error screen.</summary>
    public CiscoIpPhoneObject? Content { get; init; }

    /// <summary>The screen a CiscoIPPhone object describes.</summary>
    public static PhoneScreen From(CiscoIpPhoneObject value, Uri source)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(source);
        return value switch
        {
            CiscoIpPhoneInput input => new PhoneScreen
            {
                Kind = PhoneScreenKind.Input,
                Title = input.Title,
                Prompt = input.Prompt,
                Fields = [.. input.InputItems.Select(i => new PhoneScreenField(i.DisplayName, i.QueryStringParam, i.InputFlags, i.DefaultValue))],
                SoftKeys = input.SoftKeys.Count > 0 ? [.. input.SoftKeys.OrderBy(k => k.Position)] : [Key("Submit", "SoftKey:Submit", 1), Key("<<", "SoftKey:<<", 2), Key("Exit", "SoftKey:Exit", 3)],
                SubmitUrl = input.Url,
                Source = source,
                Content = value,
            },
            CiscoIpPhoneText text => new PhoneScreen
            {
                Kind = PhoneScreenKind.Text,
                Title = text.Title,
                Prompt = text.Prompt,
                Text = text.Text,
                SoftKeys = text.SoftKeys.Count > 0 ? [.. text.SoftKeys.OrderBy(k => k.Position)] : [Key("Exit", "SoftKey:Exit", 1)],
                Source = source,
                Content = value,
            },
            CiscoIpPhoneMenu menu => new PhoneScreen
            {
                Kind = PhoneScreenKind.Menu,
                Title = menu.Title,
                Prompt = menu.Prompt,
                MenuItems = [.. menu.MenuItems.Select(i => new PhoneScreenItem(i.Name, i.Url))],
                SoftKeys = menu.SoftKeys.Count > 0 ? [.. menu.SoftKeys.OrderBy(k => k.Position)] : [Key("Select", "SoftKey:Select", 1), Key("Exit", "SoftKey:Exit", 2)],
                Source = source,
                Content = value,
            },
            _ => new PhoneScreen { Kind = PhoneScreenKind.Other, Text = value.GetType().Name, SoftKeys = [Key("Exit", "SoftKey:Exit", 1)], Source = source, Content = value },
        };
    }

    /// <summary>The phone's error screen, e.g. <c>HTTP Error 404</c>.</summary>
    public static PhoneScreen Error(string text, Uri source) =>
        new() { Kind = PhoneScreenKind.Error, Title = "Error", Text = text, SoftKeys = [Key("Exit", "SoftKey:Exit", 1)], Source = source };

    /// <summary>A copy with one field's value replaced.</summary>
    public PhoneScreen WithFieldValue(string name, string value) =>
        this with { Fields = [.. Fields.Select(f => string.Equals(f.Name, name, StringComparison.Ordinal) ? f with { Value = value } : f)] };

    private static CiscoIpPhoneSoftKey Key(string name, string url, int position) => new() { Name = name, Url = url, Position = position };
}
