using System.Globalization;
using System.Xml.Linq;

namespace Emx.Protocols.CiscoIpPhone;

/// <summary>
/// Writes, validates and parses CiscoIPPhone XML objects.
/// <para>
/// Limit policy (reference 2.4): display text that may come from users or data (Title, Prompt, Text, DisplayName,
/// DefaultValue, MenuItem Name, SoftKey Name) is truncated to its limit when written, never splitting a surrogate
/// pair. Structural values are the programmer's responsibility and are validation errors: URLs (empty or over
/// 256), QueryStringParam, InputFlags, item counts, soft key positions (1..8, unique), Execute priorities (0..3),
/// negative icon indexes. <see cref="Write"/> throws <see cref="ArgumentException"/> listing every error;
/// <see cref="Validate"/> returns them.
/// </para>
/// <para>
/// The parser (for the phone simulator) goes through <see cref="SafeXml"/>, checks structure (known root,
/// required children, numbers, item counts) and keeps text as received, without enforcing text lengths (a
/// phone truncates long text rather than refusing the object); call <see cref="Validate"/> for a full check.
/// </para>
/// </summary>
public static class CiscoIpPhoneXml
{
    /// <summary>The declaration written before every object.</summary>
    public const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    /// <summary>The MIME type phones expect for these objects.</summary>
    public const string ContentType = "text/xml";

    /// <summary>Writes an object: declaration, then compact XML.</summary>
    /// <param name="value">The object.</param>
    /// <param name="includeDeclaration">False to omit the XML declaration.</param>
    /// <returns>The XML text.</returns>
    /// <exception cref="ArgumentException">The object has validation errors (message lists them all).</exception>
    public static string Write(CiscoIpPhoneObject value, bool includeDeclaration = true)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = Validate(value);
        if (errors.Count > 0)
        {
            throw new ArgumentException(
                $"Invalid {value.GetType().Name}: " + string.Join(" ", errors), nameof(value));
        }

        var xml = new XmlOut();
        if (includeDeclaration)
        {
            xml.Raw(Declaration);
        }

        switch (value)
        {
            case CiscoIpPhoneInput input:
                xml.Open("CiscoIPPhoneInput");
                TitleAndPrompt(xml, input.Title, input.Prompt);
                xml.Leaf("URL", input.Url);
                foreach (var item in input.InputItems)
                {
                    xml.Open("InputItem")
                        .Leaf("DisplayName", Truncate(item.DisplayName, CiscoIpPhoneLimits.DisplayNameMaxLength))
                        .Leaf("QueryStringParam", item.QueryStringParam)
                        .Leaf("InputFlags", item.InputFlags)
                        .Leaf("DefaultValue", Truncate(item.DefaultValue, CiscoIpPhoneLimits.DefaultValueMaxLength))
                        .Close("InputItem");
                }

                SoftKeys(xml, input.SoftKeys).Close("CiscoIPPhoneInput");
                break;

            case CiscoIpPhoneText text:
                xml.Open("CiscoIPPhoneText");
                TitleAndPrompt(xml, text.Title, text.Prompt);
                xml.OptionalLeaf("Text", Truncate(text.Text, CiscoIpPhoneLimits.TextMaxLength));
                SoftKeys(xml, text.SoftKeys).Close("CiscoIPPhoneText");
                break;

            case CiscoIpPhoneMenu menu:
                xml.Open("CiscoIPPhoneMenu");
                TitleAndPrompt(xml, menu.Title, menu.Prompt);
                foreach (var item in menu.MenuItems)
                {
                    xml.Open("MenuItem")
                        .OptionalLeaf("IconIndex", item.IconIndex?.ToString(CultureInfo.InvariantCulture))
                        .Leaf("Name", Truncate(item.Name, CiscoIpPhoneLimits.MenuItemNameMaxLength))
                        .Leaf("URL", item.Url)
                        .Close("MenuItem");
                }

                SoftKeys(xml, menu.SoftKeys).Close("CiscoIPPhoneMenu");
                break;

            case CiscoIpPhoneExecute execute:
                xml.Open("CiscoIPPhoneExecute");
                foreach (var item in execute.Items)
                {
                    xml.Empty(
                        "ExecuteItem",
                        ("Priority", item.Priority?.ToString(CultureInfo.InvariantCulture)),
                        ("URL", item.Url));
                }

                xml.Close("CiscoIPPhoneExecute");
                break;

            case CiscoIpPhoneResponse response:
                xml.Open("CiscoIPPhoneResponse");
                foreach (var item in response.Items)
                {
                    xml.Empty(
                        "ResponseItem",
                        ("Status", item.Status.ToString(CultureInfo.InvariantCulture)),
                        ("Data", item.Data),
                        ("URL", item.Url));
                }

                xml.Close("CiscoIPPhoneResponse");
                break;

            case CiscoIpPhoneError error:
                xml.Empty("CiscoIPPhoneError", ("Number", error.Number.ToString(CultureInfo.InvariantCulture)));
                break;

            default:
                throw new ArgumentException($"Unsupported object {value.GetType().Name}.", nameof(value));
        }

        return xml.ToString();
    }

    /// <summary>Lists the structural errors of an object (empty when it can be written).</summary>
    /// <param name="value">The object.</param>
    /// <returns>One message per problem, each naming the offending member.</returns>
    public static IReadOnlyList<string> Validate(CiscoIpPhoneObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var errors = new List<string>();
        switch (value)
        {
            case CiscoIpPhoneInput input:
                RequiredUrl(errors, "URL", input.Url);
                Count(errors, "InputItem", input.InputItems.Count, 0, CiscoIpPhoneLimits.MaxInputItems);
                for (var i = 0; i < input.InputItems.Count; i++)
                {
                    var item = input.InputItems[i];
                    var path = $"InputItem[{i}]";
                    if (string.IsNullOrEmpty(item.QueryStringParam)
                        || item.QueryStringParam.Length > CiscoIpPhoneLimits.QueryStringParamMaxLength
                        || item.QueryStringParam.Any(c => c is '&' or '=' or '#' or '?' || char.IsWhiteSpace(c)))
                    {
                        errors.Add($"{path}.QueryStringParam '{item.QueryStringParam}' must be 1..{CiscoIpPhoneLimits.QueryStringParamMaxLength} characters without '&', '=', '#', '?' or whitespace.");
                    }

                    if (!CiscoIpPhoneInputFlags.IsValid(item.InputFlags))
                    {
                        errors.Add($"{path}.InputFlags '{item.InputFlags}' must be one of A, T, N, E, U, L, optionally followed by P.");
                    }
                }

                ValidateSoftKeys(errors, input.SoftKeys);
                break;

            case CiscoIpPhoneText text:
                ValidateSoftKeys(errors, text.SoftKeys);
                break;

            case CiscoIpPhoneMenu menu:
                Count(errors, "MenuItem", menu.MenuItems.Count, 0, CiscoIpPhoneLimits.MaxMenuItems);
                for (var i = 0; i < menu.MenuItems.Count; i++)
                {
                    RequiredUrl(errors, $"MenuItem[{i}].URL", menu.MenuItems[i].Url);
                    if (menu.MenuItems[i].IconIndex < 0)
                    {
                        errors.Add($"MenuItem[{i}].IconIndex must not be negative.");
                    }
                }

                ValidateSoftKeys(errors, menu.SoftKeys);
                break;

            case CiscoIpPhoneExecute execute:
                Count(errors, "ExecuteItem", execute.Items?.Count ?? 0, 1, CiscoIpPhoneLimits.MaxExecuteItems);
                for (var i = 0; i < (execute.Items?.Count ?? 0); i++)
                {
                    var item = execute.Items![i];
                    RequiredUrl(errors, $"ExecuteItem[{i}].URL", item.Url);
                    if (item.Priority is < 0 or > CiscoIpPhoneLimits.MaxPriority)
                    {
                        errors.Add($"ExecuteItem[{i}].Priority {item.Priority} must be 0..{CiscoIpPhoneLimits.MaxPriority}.");
                    }
                }

                break;

            case CiscoIpPhoneResponse or CiscoIpPhoneError:
                break;

            default:
                errors.Add($"Unsupported object {value.GetType().Name}.");
                break;
        }

        return errors;
    }

    /// <summary>Parses a CiscoIPPhone object through <see cref="SafeXml"/>.</summary>
    /// <param name="xml">The document.</param>
    /// <param name="options">XML limits; <see cref="SafeXmlOptions.Default"/> when null.</param>
    /// <returns>The object or the reason it was rejected.</returns>
    public static CiscoIpPhoneParseResult Parse(string xml, SafeXmlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var document = SafeXml.Parse(xml, options);
        if (!document.IsSuccess)
        {
            return CiscoIpPhoneParseResult.Fail("Not acceptable XML: " + document.Failure.Message, document.Failure);
        }

        var root = document.Root;
        var reader = new Reader();
        CiscoIpPhoneObject? value = root.Name.LocalName switch
        {
            "CiscoIPPhoneInput" => reader.Input(root),
            "CiscoIPPhoneText" => reader.Text(root),
            "CiscoIPPhoneMenu" => reader.Menu(root),
            "CiscoIPPhoneExecute" => reader.Execute(root),
            "CiscoIPPhoneResponse" => reader.Response(root),
            "CiscoIPPhoneError" => reader.Error(root),
            _ => reader.Fail($"<{root.Name.LocalName}> is not a supported CiscoIPPhone object."),
        };
        return value is not null && reader.FirstError is null
            ? CiscoIpPhoneParseResult.Success(value)
            : CiscoIpPhoneParseResult.Fail(reader.FirstError ?? "Invalid object.");
    }

    private static void TitleAndPrompt(XmlOut xml, string? title, string? prompt) => xml
        .OptionalLeaf("Title", Truncate(title, CiscoIpPhoneLimits.TitleMaxLength))
        .OptionalLeaf("Prompt", Truncate(prompt, CiscoIpPhoneLimits.PromptMaxLength));

    private static XmlOut SoftKeys(XmlOut xml, ValueList<CiscoIpPhoneSoftKey> softKeys)
    {
        foreach (var key in softKeys)
        {
            xml.Open("SoftKeyItem")
                .Leaf("Name", Truncate(key.Name, CiscoIpPhoneLimits.SoftKeyNameMaxLength))
                .Leaf("URL", key.Url)
                .Leaf("Position", key.Position.ToString(CultureInfo.InvariantCulture))
                .Close("SoftKeyItem");
        }

        return xml;
    }

    private static void ValidateSoftKeys(List<string> errors, ValueList<CiscoIpPhoneSoftKey> softKeys)
    {
        Count(errors, "SoftKeyItem", softKeys.Count, 0, CiscoIpPhoneLimits.MaxSoftKeys);
        var seen = new HashSet<int>();
        for (var i = 0; i < softKeys.Count; i++)
        {
            var key = softKeys[i];
            RequiredUrl(errors, $"SoftKeyItem[{i}].URL", key.Url);
            if (key.Position is < 1 or > CiscoIpPhoneLimits.MaxSoftKeys)
            {
                errors.Add($"SoftKeyItem[{i}].Position {key.Position} must be 1..{CiscoIpPhoneLimits.MaxSoftKeys}.");
            }
            else if (!seen.Add(key.Position))
            {
                errors.Add($"SoftKeyItem[{i}].Position {key.Position} is used by another soft key.");
            }
        }
    }

    private static void RequiredUrl(List<string> errors, string path, string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > CiscoIpPhoneLimits.UrlMaxLength)
        {
            errors.Add($"{path} must be 1..{CiscoIpPhoneLimits.UrlMaxLength} characters (has {url?.Length ?? 0}).");
        }
    }

    private static void Count(List<string> errors, string name, int count, int min, int max)
    {
        if (count < min || count > max)
        {
            errors.Add($"{count} {name} elements; allowed {min}..{max}.");
        }
    }

    /// <summary>Cuts text to <paramref name="max"/> UTF-16 units without splitting a surrogate pair.</summary>
    internal static string? Truncate(string? text, int max)
    {
        if (text is null || text.Length <= max)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..cut];
    }

    /// <summary>Structural reader; records the first error and returns null from the failing step.</summary>
    private sealed class Reader
    {
        public string? FirstError { get; private set; }

        public CiscoIpPhoneObject? Fail(string error)
        {
            FirstError ??= error;
            return null;
        }

        public CiscoIpPhoneInput? Input(XElement root)
        {
            var url = Leaf(root, "URL", required: true);
            var items = new List<CiscoIpPhoneInputItem>();
            foreach (var element in XmlRead.Children(root, "InputItem"))
            {
                var displayName = Leaf(element, "DisplayName", required: true);
                var parameter = Leaf(element, "QueryStringParam", required: true);
                var flags = Leaf(element, "InputFlags", required: true);
                var defaultValue = Leaf(element, "DefaultValue", required: false);
                if (FirstError is null)
                {
                    items.Add(new CiscoIpPhoneInputItem
                    {
                        DisplayName = displayName!,
                        QueryStringParam = parameter!,
                        InputFlags = flags!,
                        DefaultValue = defaultValue ?? string.Empty,
                    });
                }
            }

            CheckCount("InputItem", items.Count, CiscoIpPhoneLimits.MaxInputItems);
            var result = new CiscoIpPhoneInput
            {
                Title = Leaf(root, "Title", required: false),
                Prompt = Leaf(root, "Prompt", required: false),
                Url = url ?? string.Empty,
                InputItems = ValueList.From(items),
                SoftKeys = SoftKeys(root),
            };
            return FirstError is null ? result : null;
        }

        public CiscoIpPhoneText? Text(XElement root)
        {
            var result = new CiscoIpPhoneText
            {
                Title = Leaf(root, "Title", required: false),
                Prompt = Leaf(root, "Prompt", required: false),
                Text = Leaf(root, "Text", required: false),
                SoftKeys = SoftKeys(root),
            };
            return FirstError is null ? result : null;
        }

        public CiscoIpPhoneMenu? Menu(XElement root)
        {
            var items = new List<CiscoIpPhoneMenuItem>();
            foreach (var element in XmlRead.Children(root, "MenuItem"))
            {
                var name = Leaf(element, "Name", required: true);
                var url = Leaf(element, "URL", required: true);
                var icon = Leaf(element, "IconIndex", required: false);
                int? iconIndex = icon is null ? null : Number(icon, "IconIndex");
                if (FirstError is null)
                {
                    items.Add(new CiscoIpPhoneMenuItem { Name = name!, Url = url!, IconIndex = iconIndex });
                }
            }

            CheckCount("MenuItem", items.Count, CiscoIpPhoneLimits.MaxMenuItems);
            var result = new CiscoIpPhoneMenu
            {
                Title = Leaf(root, "Title", required: false),
                Prompt = Leaf(root, "Prompt", required: false),
                MenuItems = ValueList.From(items),
                SoftKeys = SoftKeys(root),
            };
            return FirstError is null ? result : null;
        }

        public CiscoIpPhoneObject? Execute(XElement root)
        {
            var items = new List<CiscoIpPhoneExecuteItem>();
            foreach (var element in XmlRead.Children(root, "ExecuteItem"))
            {
                var url = (string?)element.Attribute("URL");
                if (url is null)
                {
                    return Fail("<ExecuteItem> is missing the URL attribute.");
                }

                var priorityText = (string?)element.Attribute("Priority");
                int? priority = priorityText is null ? null : Number(priorityText, "Priority");
                items.Add(new CiscoIpPhoneExecuteItem { Url = url, Priority = priority });
            }

            if (items.Count == 0)
            {
                return Fail("<CiscoIPPhoneExecute> must contain at least one <ExecuteItem>.");
            }

            CheckCount("ExecuteItem", items.Count, CiscoIpPhoneLimits.MaxExecuteItems);
            return FirstError is null ? new CiscoIpPhoneExecute { Items = ValueList.From(items) } : null;
        }

        public CiscoIpPhoneObject? Response(XElement root)
        {
            var items = new List<CiscoIpPhoneResponseItem>();
            foreach (var element in XmlRead.Children(root, "ResponseItem"))
            {
                var status = (string?)element.Attribute("Status");
                if (status is null)
                {
                    return Fail("<ResponseItem> is missing the Status attribute.");
                }

                items.Add(new CiscoIpPhoneResponseItem
                {
                    Status = Number(status, "Status"),
                    Data = (string?)element.Attribute("Data"),
                    Url = (string?)element.Attribute("URL"),
                });
            }

            return FirstError is null ? new CiscoIpPhoneResponse { Items = ValueList.From(items) } : null;
        }

        public CiscoIpPhoneObject? Error(XElement root)
        {
            var number = (string?)root.Attribute("Number");
            if (number is null)
            {
                return Fail("<CiscoIPPhoneError> is missing the Number attribute.");
            }

            var value = Number(number, "Number");
            return FirstError is null ? new CiscoIpPhoneError { Number = value } : null;
        }

        private ValueList<CiscoIpPhoneSoftKey> SoftKeys(XElement root)
        {
            var keys = new List<CiscoIpPhoneSoftKey>();
            foreach (var element in XmlRead.Children(root, "SoftKeyItem"))
            {
                var name = Leaf(element, "Name", required: true);
                var url = Leaf(element, "URL", required: true);
                var position = Leaf(element, "Position", required: true);
                var number = position is null ? 0 : Number(position, "Position");
                if (FirstError is null)
                {
                    keys.Add(new CiscoIpPhoneSoftKey { Name = name!, Url = url!, Position = number });
                }
            }

            CheckCount("SoftKeyItem", keys.Count, CiscoIpPhoneLimits.MaxSoftKeys);
            return ValueList.From(keys);
        }

        private string? Leaf(XElement parent, string name, bool required)
        {
            bool ok;
            string? value;
            string? error;
            if (required)
            {
                ok = XmlRead.TryGetRequiredLeaf(parent, name, out var requiredValue, out error);
                value = requiredValue;
            }
            else
            {
                ok = XmlRead.TryGetOptionalLeaf(parent, name, out value, out error);
            }

            if (!ok)
            {
                Fail(error!);
                return null;
            }

            return value;
        }

        private int Number(string text, string name)
        {
            if (int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            Fail($"{name} '{text}' is not a number.");
            return 0;
        }

        private void CheckCount(string name, int count, int max)
        {
            if (count > max)
            {
                Fail($"{count} <{name}> elements; at most {max} allowed.");
            }
        }
    }
}
