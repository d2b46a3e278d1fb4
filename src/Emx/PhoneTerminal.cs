using System.Globalization;
using System.Text;
using Emx.Phones;

namespace Emx;

/// <summary>What a line typed at <c>emx phone</c> asks for.</summary>
public enum PhoneVerb
{
    /// <summary>An empty line: show the screen again.</summary>
    Show,
    Help,
    Services,
    Open,
    Set,
    Submit,
    Key,
    Select,
    Lines,
    Resync,

    /// <summary>Place a call: <see cref="PhoneCommand.Argument"/> is the number.</summary>
    Dial,

    /// <summary>Answer a ringing call (<see cref="PhoneCommand.Argument"/>: its number in the call list, or none).</summary>
    Answer,

    /// <summary>Refuse a ringing call with 486 Busy Here.</summary>
    Reject,

    /// <summary>Hang up (cancel, end) a call.</summary>
    Hangup,

    /// <summary>List the calls.</summary>
    Calls,
    Quit,

    /// <summary>Not understood; <see cref="PhoneCommand.Argument"/> says why.</summary>
    Invalid,
}

/// <summary>A parsed terminal command.</summary>
/// <param name="Verb">What to do.</param>
/// <param name="Argument">The service, field, soft key, entry or call (number or name), the number to dial, or the error text.</param>
/// <param name="Value">The text typed into a field.</param>
public sealed record PhoneCommand(PhoneVerb Verb, string? Argument = null, string? Value = null);

/// <summary>
/// The terminal of <c>emx phone</c>: parses commands, renders the phone's current screen as text (title, prompt,
/// numbered fields, entries and soft keys) and drives a <see cref="CiscoLikePhone"/>. Parsing and rendering are pure
/// functions, so they are tested without a TTY.
/// </summary>
public sealed class PhoneTerminal(CiscoLikePhone phone, TextWriter output)
{
    private readonly Lock _writeGate = new();

    /// <summary>The command summary <c>help</c> prints.</summary>
    public const string HelpText =
        "commands:\n"
        + "  services              list the phone's services\n"
        + "  open <n|name>         open a service (e.g. open 1, open Extension Mobility)\n"
        + "  set <n|field> <text>  type into a form field\n"
        + "  submit                submit the form\n"
        + "  key <n|name>          press a soft key\n"
        + "  <n> | select <n>      choose a menu entry\n"
        + "  lines                 show the lines and their registration\n"
        + "  resync                re-read the configuration and re-register (what check-sync does)\n"
        + "  dial <number>         call a number from line 1\n"
        + "  answer [n]            answer the ringing call (or call n of 'calls')\n"
        + "  reject [n]            refuse the ringing call (486 Busy Here)\n"
        + "  hangup [n]            hang up (cancel a call still ringing)\n"
        + "  calls                 show the calls and their state\n"
        + "  (empty line)          show the screen again\n"
        + "  quit                  unregister and stop";

    /// <summary>Parses one typed line.</summary>
    public static PhoneCommand Parse(string? line)
    {
        var text = (line ?? string.Empty).Trim();
        if (text.Length == 0)
        {
            return new PhoneCommand(PhoneVerb.Show);
        }

        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var word = (space < 0 ? text : text[..space]).ToLowerInvariant();
        var rest = space < 0 ? string.Empty : text[(space + 1)..].Trim();
        if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out _) && rest.Length == 0)
        {
            return new PhoneCommand(PhoneVerb.Select, word);
        }

        return word switch
        {
            "help" or "?" => new PhoneCommand(PhoneVerb.Help),
            "services" => new PhoneCommand(PhoneVerb.Services),
            "screen" or "show" => new PhoneCommand(PhoneVerb.Show),
            "submit" => new PhoneCommand(PhoneVerb.Submit),
            "lines" => new PhoneCommand(PhoneVerb.Lines),
            "resync" => new PhoneCommand(PhoneVerb.Resync),
            "calls" => new PhoneCommand(PhoneVerb.Calls),
            "dial" when rest.Length == 0 => Invalid("'dial' needs a number, e.g. dial 1002"),
            "dial" => new PhoneCommand(PhoneVerb.Dial, rest),
            "answer" => new PhoneCommand(PhoneVerb.Answer, rest.Length == 0 ? null : rest),
            "reject" => new PhoneCommand(PhoneVerb.Reject, rest.Length == 0 ? null : rest),
            "hangup" or "endcall" => new PhoneCommand(PhoneVerb.Hangup, rest.Length == 0 ? null : rest),
            "quit" or "exit" or "q" => new PhoneCommand(PhoneVerb.Quit),
            "open" or "key" or "select" when rest.Length == 0 => Invalid($"'{word}' needs a number or a name"),
            "open" => new PhoneCommand(PhoneVerb.Open, rest),
            "key" => new PhoneCommand(PhoneVerb.Key, rest),
            "select" => new PhoneCommand(PhoneVerb.Select, rest),
            "set" => ParseSet(rest),
            _ => Invalid($"unknown command '{word}' (help lists them)"),
        };
    }

    /// <summary>Renders a screen: title, prompt, text, numbered fields (passwords masked) or entries, and soft keys.</summary>
    public static string Render(PhoneScreen? screen)
    {
        if (screen is null)
        {
            return "(no service open: 'services' lists them)";
        }

        var text = new StringBuilder();
        text.Append("== ").Append(screen.Title ?? (screen.Kind == PhoneScreenKind.Error ? "Error" : "(untitled)")).Append(" ==\n");
        if (!string.IsNullOrEmpty(screen.Prompt))
        {
            text.Append(screen.Prompt).Append('\n');
        }

        if (!string.IsNullOrEmpty(screen.Text))
        {
            text.Append(screen.Text).Append('\n');
        }

        for (var i = 0; i < screen.Fields.Count; i++)
        {
            var field = screen.Fields[i];
            var value = field.IsPassword ? new string('*', field.Value.Length) : field.Value;
            text.Append(CultureInfo.InvariantCulture, $"  {i + 1}. {field.Label}: {value}\n");
        }

        for (var i = 0; i < screen.MenuItems.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {i + 1}. {screen.MenuItems[i].Name}\n");
        }

        text.Append("keys:");
        for (var i = 0; i < screen.SoftKeys.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $" [{i + 1} {screen.SoftKeys[i].Name}]");
        }

        return text.ToString();
    }

    /// <summary>
    /// Renders the calls, numbered as <c>answer</c>, <c>reject</c> and <c>hangup</c> take them: line, direction
    /// (<c>-&gt;</c> placed, <c>&lt;-</c> received), the far end, the state and the soft keys it offers.
    /// </summary>
    public static string RenderCalls(IReadOnlyList<PhoneCallInfo> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (calls.Count == 0)
        {
            return "(no calls)";
        }

        return string.Join('\n', calls.Select((c, i) => string.Create(CultureInfo.InvariantCulture, $"  call {i + 1}: ") + Describe(c)));
    }

    /// <summary>One call in a line of text: <c>line 1901 &lt;- 1002 (Bob) Ringing keys: [answer] [reject]</c>.</summary>
    public static string Describe(PhoneCallInfo call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var text = new StringBuilder();
        text.Append("line ").Append(call.LineDn)
            .Append(call.Direction == PhoneCallDirection.Outgoing ? " -> " : " <- ")
            .Append(call.RemoteNumber);
        if (!string.IsNullOrEmpty(call.RemoteDisplayName))
        {
            text.Append(" (").Append(call.RemoteDisplayName).Append(')');
        }

        text.Append(' ').Append(call.State);
        switch (call.State)
        {
            case PhoneCallState.Connected when call.Codec is not null:
                text.Append(" (").Append(call.Codec).Append(')');
                break;
            case PhoneCallState.Ended:
                text.Append(CultureInfo.InvariantCulture, $": {call.StatusCode} {call.ReasonPhrase}")
                    .Append(call.EndedBy == PhoneCallEndedBy.Local ? " (by this phone)" : " (by the far end)");
                break;
        }

        var keys = call switch
        {
            { State: PhoneCallState.Ringing, Direction: PhoneCallDirection.Incoming } => " keys: [answer] [reject]",
            { State: PhoneCallState.Calling or PhoneCallState.Ringing or PhoneCallState.Connected } => " keys: [hangup]",
            _ => string.Empty,
        };
        return text.Append(keys).ToString();
    }

    /// <summary>Renders the lines and their registration.</summary>
    public static string RenderLines(IReadOnlyList<PhoneLine> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return "(no lines)";
        }

        return string.Join('\n', lines.Select((l, i) =>
            string.Create(CultureInfo.InvariantCulture, $"  line {i + 1}: {l.Dn}{(l.DisplayName is null ? "" : " (" + l.DisplayName + ")")} ")
            + (l.IsRegistered ? "registered" : l.StatusCode == 0 ? "not registered" : string.Create(CultureInfo.InvariantCulture, $"refused: {l.StatusCode} {l.Reason}"))));
    }

    /// <summary>Runs one command; returns false when the terminal should stop.</summary>
    public async Task<bool> ExecuteAsync(PhoneCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            switch (command.Verb)
            {
                case PhoneVerb.Quit:
                    return false;
                case PhoneVerb.Help:
                    await WriteAsync(HelpText);
                    break;
                case PhoneVerb.Invalid:
                    await WriteAsync(command.Argument!);
                    break;
                case PhoneVerb.Show:
                    if (phone.Calls.Count > 0)
                    {
                        await WriteAsync(RenderCalls([.. phone.Calls.Select(c => c.Info)]));
                    }

                    await WriteAsync(Render(phone.Screen));
                    break;
                case PhoneVerb.Calls:
                    await WriteAsync(RenderCalls([.. phone.Calls.Select(c => c.Info)]));
                    break;
                case PhoneVerb.Dial:
                    var placed = await phone.PlaceCallAsync(command.Argument!, 1, cancellationToken);
                    await WriteAsync(Describe(placed.Info));
                    break;
                case PhoneVerb.Answer:
                    var answered = PickCall(command.Argument, c => c.Direction == PhoneCallDirection.Incoming && c.State == PhoneCallState.Ringing, "ringing");
                    await answered.AnswerAsync(cancellationToken);
                    await WriteAsync(Describe(answered.Info));
                    break;
                case PhoneVerb.Reject:
                    var rejected = PickCall(command.Argument, c => c.Direction == PhoneCallDirection.Incoming && c.State == PhoneCallState.Ringing, "ringing");
                    await rejected.RejectAsync();
                    break;
                case PhoneVerb.Hangup:
                    var ended = PickCall(command.Argument, c => c.State is PhoneCallState.Connected or PhoneCallState.Calling or PhoneCallState.Ringing, "active");
                    await ended.HangUpAsync(cancellationToken);
                    break;
                case PhoneVerb.Services:
                    await WriteAsync(phone.Services.Count == 0
                        ? "(no services)"
                        : string.Join('\n', phone.Services.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"  {i + 1}. {s.Name}"))));
                    break;
                case PhoneVerb.Lines:
                    await WriteAsync(RenderLines(phone.Lines));
                    break;
                case PhoneVerb.Resync:
                    await phone.ResyncAsync(cancellationToken);
                    await WriteAsync(RenderLines(phone.Lines));
                    break;
                case PhoneVerb.Open:
                    var service = Pick(command.Argument!, phone.Services.Select(s => s.Name).ToList(), "service");
                    await WriteAsync(Render(await phone.OpenServiceAsync(service, cancellationToken)));
                    break;
                case PhoneVerb.Set:
                    var screen = phone.Screen ?? throw new InvalidOperationException("No form is shown.");
                    var field = screen.Fields.Select(f => f.Name).ToList();
                    var name = int.TryParse(command.Argument, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= field.Count
                        ? field[n - 1]
                        : screen.Fields.FirstOrDefault(f => string.Equals(f.Name, command.Argument, StringComparison.OrdinalIgnoreCase)
                            || string.Equals(f.Label, command.Argument, StringComparison.OrdinalIgnoreCase))?.Name
                            ?? throw new InvalidOperationException($"The form has no field '{command.Argument}'.");
                    await WriteAsync(Render(phone.SetField(name, command.Value ?? string.Empty)));
                    break;
                case PhoneVerb.Submit:
                    await WriteAsync(Render(await phone.SubmitInputAsync([], cancellationToken)));
                    break;
                case PhoneVerb.Key:
                    var keys = (phone.Screen ?? throw new InvalidOperationException("No service is open.")).SoftKeys.Select(k => k.Name).ToList();
                    await WriteAsync(Render(await phone.PressSoftKeyAsync(Pick(command.Argument!, keys, "soft key"), cancellationToken)));
                    break;
                case PhoneVerb.Select:
                    if (!int.TryParse(command.Argument, NumberStyles.None, CultureInfo.InvariantCulture, out var entry))
                    {
                        throw new InvalidOperationException($"'{command.Argument}' is not an entry number.");
                    }

                    await WriteAsync(Render(await phone.SelectMenuItemAsync(entry, cancellationToken)));
                    break;
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or PhoneException)
        {
            await WriteAsync("! " + ex.Message);
        }

        return true;
    }

    /// <summary>Reads commands until quit or the end of <paramref name="input"/>.</summary>
    /// <remarks>Calls ringing, connecting and ending are announced as they happen, between commands.</remarks>
    public async Task RunAsync(TextReader input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await WriteAsync(RenderLines(phone.Lines));
        await WriteAsync("type 'help' for commands");
        phone.CallRinging += OnCallEvent;
        phone.CallConnected += OnCallEvent;
        phone.CallEnded += OnCallEvent;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Write("> ", newLine: false);
                var line = await input.ReadLineAsync(cancellationToken);
                if (line is null || !await ExecuteAsync(Parse(line), cancellationToken))
                {
                    return;
                }
            }
        }
        finally
        {
            phone.CallRinging -= OnCallEvent;
            phone.CallConnected -= OnCallEvent;
            phone.CallEnded -= OnCallEvent;
        }
    }

    private static PhoneCommand ParseSet(string rest)
    {
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        return rest.Length == 0
            ? Invalid("'set' needs a field and a value, e.g. set 1 alice")
            : new PhoneCommand(PhoneVerb.Set, space < 0 ? rest : rest[..space], space < 0 ? string.Empty : rest[(space + 1)..]);
    }

    private static PhoneCommand Invalid(string why) => new(PhoneVerb.Invalid, why);

    /// <summary>Call <paramref name="argument"/> (1-based, as <c>calls</c> numbers them), or the first call that <paramref name="fits"/>.</summary>
    private PhoneCall PickCall(string? argument, Func<PhoneCall, bool> fits, string what)
    {
        var calls = phone.Calls;
        if (argument is null)
        {
            return calls.FirstOrDefault(fits) ?? throw new InvalidOperationException($"No {what} call.");
        }

        return int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= calls.Count
            ? calls[number - 1]
            : throw new InvalidOperationException($"No call {argument} ('calls' lists them).");
    }

    private void OnCallEvent(object? sender, PhoneCallEventArgs e)
    {
        var info = e.Info;
        Write(info switch
        {
            { State: PhoneCallState.Ringing, Direction: PhoneCallDirection.Incoming } => "* incoming call: " + Describe(info),
            _ => "* " + Describe(info),
        });
    }

    /// <summary>A 1-based number or a name (case-insensitive) among <paramref name="names"/>.</summary>
    private static string Pick(string argument, List<string> names, string what)
    {
        if (int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= names.Count)
        {
            return names[number - 1];
        }

        return names.FirstOrDefault(n => string.Equals(n, argument, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"No {what} '{argument}'.");
    }

    /// <summary>Writes a line (commands' output and call announcements come from different threads: one at a time).</summary>
    private Task WriteAsync(string text)
    {
        Write(text);
        return Task.CompletedTask;
    }

    private void Write(string text, bool newLine = true)
    {
        lock (_writeGate)
        {
            if (newLine)
            {
                output.WriteLine(text);
            }
            else
            {
                output.Write(text);
            }

            output.Flush();
        }
    }
}
