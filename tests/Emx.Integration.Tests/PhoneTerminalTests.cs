using System.Threading.Channels;
using Emx.Integration.Tests.Calls;
using Emx.Phones;
using Emx.Protocols.CiscoIpPhone;
using static Emx.Integration.Tests.EmAppLab;

namespace Emx.Integration.Tests;

/// <summary><c>emx phone</c>: command parsing and screen rendering (pure), and the terminal driving a phone against a node.</summary>
public sealed class PhoneTerminalTests
{
    private static readonly Uri Source = new("http://127.0.0.1:8080/emapp/EMAppServlet?device=SEP0A0000000001");

    [Theory]
    [InlineData("", PhoneVerb.Show, null, null)]
    [InlineData("  help ", PhoneVerb.Help, null, null)]
    [InlineData("services", PhoneVerb.Services, null, null)]
    [InlineData("open Extension Mobility", PhoneVerb.Open, "Extension Mobility", null)]
    [InlineData("OPEN 1", PhoneVerb.Open, "1", null)]
    [InlineData("set 1 alice", PhoneVerb.Set, "1", "alice")]
    [InlineData("set seq 24680", PhoneVerb.Set, "seq", "24680")]
    [InlineData("set 1", PhoneVerb.Set, "1", "")]
    [InlineData("submit", PhoneVerb.Submit, null, null)]
    [InlineData("key Logout", PhoneVerb.Key, "Logout", null)]
    [InlineData("2", PhoneVerb.Select, "2", null)]
    [InlineData("select 3", PhoneVerb.Select, "3", null)]
    [InlineData("lines", PhoneVerb.Lines, null, null)]
    [InlineData("resync", PhoneVerb.Resync, null, null)]
    [InlineData("quit", PhoneVerb.Quit, null, null)]
    [InlineData("dial 1002", PhoneVerb.Dial, "1002", null)]
    [InlineData("answer", PhoneVerb.Answer, null, null)]
    [InlineData("answer 2", PhoneVerb.Answer, "2", null)]
    [InlineData("reject", PhoneVerb.Reject, null, null)]
    [InlineData("hangup 1", PhoneVerb.Hangup, "1", null)]
    [InlineData("endcall", PhoneVerb.Hangup, null, null)]
    [InlineData("calls", PhoneVerb.Calls, null, null)]
    public void Parse_KnownCommand_GivesVerbAndArguments(string line, PhoneVerb verb, string? argument, string? value) =>
        Assert.Equal(new PhoneCommand(verb, argument, value), PhoneTerminal.Parse(line));

    [Theory]
    [InlineData("transfer 1001", "unknown command 'transfer' (help lists them)")]
    [InlineData("dial", "'dial' needs a number, e.g. dial 1002")]
    [InlineData("open", "'open' needs a number or a name")]
    [InlineData("set", "'set' needs a field and a value, e.g. set 1 alice")]
    public void Parse_BadCommand_IsInvalidWithAReason(string line, string reason) =>
        Assert.Equal(new PhoneCommand(PhoneVerb.Invalid, reason), PhoneTerminal.Parse(line));

    [Fact]
    public void Render_Form_NumbersFieldsMasksThePinAndNumbersSoftKeys()
    {
        var form = PhoneScreen.From(
            new CiscoIpPhoneInput
            {
                Title = "Extension Mobility",
                Prompt = "Enter your User ID and PIN",
                Url = Source.ToString(),
                InputItems =
                [
                    new CiscoIpPhoneInputItem { DisplayName = "User ID", QueryStringParam = "userid", InputFlags = "A", DefaultValue = "alice" },
                    new CiscoIpPhoneInputItem { DisplayName = "PIN", QueryStringParam = "seq", InputFlags = "NP" },
                ],
            },
            Source).WithFieldValue("seq", "24680");

        Assert.Equal(
            "== Extension Mobility ==\nEnter your User ID and PIN\n  1. User ID: alice\n  2. PIN: *****\nkeys: [1 Submit] [2 <<] [3 Exit]",
            PhoneTerminal.Render(form));
    }

    [Fact]
    public void Render_Menu_NumbersTheEntries()
    {
        var menu = PhoneScreen.From(
            new CiscoIpPhoneMenu
            {
                Title = "Extension Mobility",
                Prompt = "Select a device profile",
                MenuItems = [new CiscoIpPhoneMenuItem { Name = "alice-8845", Url = "http://x/1" }, new CiscoIpPhoneMenuItem { Name = "alice-desk", Url = "http://x/2" }],
            },
            Source);

        Assert.Equal(
            "== Extension Mobility ==\nSelect a device profile\n  1. alice-8845\n  2. alice-desk\nkeys: [1 Select] [2 Exit]",
            PhoneTerminal.Render(menu));
    }

    [Fact]
    public void Render_NoServiceOpen_SaysHowToListThem() =>
        Assert.Equal("(no service open: 'services' lists them)", PhoneTerminal.Render(null));

    [Fact]
    public void RenderLines_RegisteredAndRefused_SaysWhich() =>
        Assert.Equal(
            "  line 1: 1901 (Lobby A1) registered\n  line 2: 1902 refused: 403 Line 1902 is not on the current configuration of SEP0A0000000001",
            PhoneTerminal.RenderLines(
            [
                new PhoneLine("1901", "Lobby A1", true, 200, "OK", null),
                new PhoneLine("1902", null, false, 403, "Line 1902 is not on the current configuration of SEP0A0000000001", null),
            ]));

    [Fact]
    public void RenderCalls_EachState_SaysTheStateAndTheSoftKeys() =>
        Assert.Equal(
            "  call 1: line 1002 <- 1001 (Alice) Ringing keys: [answer] [reject]\n"
            + "  call 2: line 1002 -> 1003 Ringing keys: [hangup]\n"
            + "  call 3: line 1002 -> 1004 Connected (G722) keys: [hangup]\n"
            + "  call 4: line 1002 -> 1005 Ended: 486 Busy Here (by the far end)",
            PhoneTerminal.RenderCalls(
            [
                new PhoneCallInfo("a", PhoneCallDirection.Incoming, "1002", "1001", "Alice", PhoneCallState.Ringing, 0, null, null, null),
                new PhoneCallInfo("b", PhoneCallDirection.Outgoing, "1002", "1003", null, PhoneCallState.Ringing, 0, "Ringing", null, null),
                new PhoneCallInfo("c", PhoneCallDirection.Outgoing, "1002", "1004", null, PhoneCallState.Connected, 200, "OK", null, "G722"),
                new PhoneCallInfo("d", PhoneCallDirection.Outgoing, "1002", "1005", null, PhoneCallState.Ended, 486, "Busy Here", PhoneCallEndedBy.Remote, null),
            ]));

    [Fact]
    public void RenderCalls_None_SaysSo() => Assert.Equal("(no calls)", PhoneTerminal.RenderCalls([]));

    [Fact]
    public async Task Terminal_DialAnswerHangup_AnnouncesAndShowsTheCallStates()
    {
        await using var cluster = StubCluster.Start();
        cluster.SetLines(Phone1, StubCluster.Line(1, "1001", "Alice"));
        cluster.SetLines(Phone2, StubCluster.Line(1, "1002", "Bob"));
        await using var alice = await cluster.StartPhoneAsync(Phone1);
        await using var bob = await cluster.StartPhoneAsync(Phone2);
        using var aliceOutput = new StringWriter();
        using var bobOutput = new StringWriter();
        var aliceTerminal = new PhoneTerminal(alice, aliceOutput);
        var bobTyping = Channel.CreateUnbounded<string>();
        var bobTerminal = new PhoneTerminal(bob, bobOutput).RunAsync(new ChannelReaderText(bobTyping.Reader), Ct);
        var ringing = bob.NextIncomingCallAsync();
        var aliceConnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.CallConnected += (_, _) => aliceConnected.TrySetResult();

        await aliceTerminal.ExecuteAsync(PhoneTerminal.Parse("dial 1002"), Ct);
        var call = await ringing.WaitAsync(WaitLimit, Ct);
        await alice.Calls[0].Ringing.WaitAsync(WaitLimit, Ct);
        await aliceTerminal.ExecuteAsync(PhoneTerminal.Parse("calls"), Ct);
        await bobTyping.Writer.WriteAsync("calls", Ct);
        await bobTyping.Writer.WriteAsync("answer", Ct);
        await aliceConnected.Task.WaitAsync(WaitLimit, Ct);
        await aliceTerminal.ExecuteAsync(PhoneTerminal.Parse(""), Ct);
        await aliceTerminal.ExecuteAsync(PhoneTerminal.Parse("hangup"), Ct);
        await call.Ended.WaitAsync(WaitLimit, Ct);
        await aliceTerminal.ExecuteAsync(PhoneTerminal.Parse("calls"), Ct);
        await aliceTerminal.ExecuteAsync(PhoneTerminal.Parse("answer"), Ct);
        bobTyping.Writer.Complete();
        await bobTerminal.WaitAsync(WaitLimit, Ct);

        var aliceText = aliceOutput.ToString();
        Assert.Matches(@"(?m)^line 1001 -> 1002 (Calling|Ringing) keys: \[hangup\]$", aliceText.ReplaceLineEndings("\n"));
        Assert.Contains("  call 1: line 1001 -> 1002 Ringing keys: [hangup]", aliceText, StringComparison.Ordinal);
        Assert.Contains("  call 1: line 1001 -> 1002 Connected (G722) keys: [hangup]", aliceText, StringComparison.Ordinal);
        Assert.Contains("(no calls)", aliceText, StringComparison.Ordinal);
        Assert.Contains("! No ringing call.", aliceText, StringComparison.Ordinal);
        var bobText = bobOutput.ToString();
        Assert.Contains("* incoming call: line 1002 <- 1001 (Alice) Ringing keys: [answer] [reject]", bobText, StringComparison.Ordinal);
        Assert.Contains("  call 1: line 1002 <- 1001 (Alice) Ringing keys: [answer] [reject]", bobText, StringComparison.Ordinal);
        Assert.Contains("line 1002 <- 1001 (Alice) Connected (G722) keys: [hangup]", bobText, StringComparison.Ordinal);
        Assert.Contains("* line 1002 <- 1001 (Alice) Ended: 200 OK (by the far end)", bobText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminal_LoginTypedAtThePrompt_PhoneReSyncsToTheProfileLine()
    {
        await using var lab = await StartAsync();
        await lab.UseThisNodesEmServiceAsync();
        await using var phone = await lab.StartPhoneAsync(Phone1);
        using var output = new StringWriter();
        var sync = phone.NextSyncAsync();

        await new PhoneTerminal(phone, output).RunAsync(new StringReader($"services\nopen 1\nset 1 alice\nset PIN {AlicePin}\nsubmit\nbogus\nquit\n"), Ct);

        var text = output.ToString();
        Assert.Contains("  line 1: 1901 (Lobby A1) registered", text, StringComparison.Ordinal);
        Assert.Contains("  1. Extension Mobility", text, StringComparison.Ordinal);
        Assert.Contains("  2. PIN: *****", text, StringComparison.Ordinal);
        Assert.Contains("Login successful", text, StringComparison.Ordinal);
        Assert.Contains("unknown command 'bogus'", text, StringComparison.Ordinal);
        Assert.DoesNotContain(AlicePin, text, StringComparison.Ordinal);
        Assert.Equal(["1001"], (await sync.WaitAsync(WaitLimit, Ct)).RegisteredLines);
    }

    [Fact]
    public async Task EmxPhone_BootsRegistersAndQuitsUnregistering()
    {
        await using var lab = await StartAsync();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await EmxCli.RunAsync(
            ["phone", Phone1, "--cluster", "127.0.0.1", "--config-port", lab.Node.ConfigUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new StringReader("lines\nquit\n"), stdout, stderr, Ct);

        Assert.True(exit == ExitCodes.Ok, stderr.ToString());
        Assert.Contains("line 1: 1901 (Lobby A1) registered", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("synced #1", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(await lab.RegistrationsAsync(Phone1));
    }

    [Theory]
    [InlineData("SEP0A00000001", ExitCodes.InvalidConfiguration)]
    [InlineData("SEP0A0000000001", ExitCodes.Unreachable)]
    public async Task EmxPhone_BadNameOrNoCluster_ExitsWithTheDocumentedCode(string device, int expected)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Port 1 on loopback: nothing listens, the download is refused at once.
        var exit = await EmxCli.RunAsync(["phone", device, "--cluster", "127.0.0.1", "--config-port", "1"], new StringReader("quit\n"), stdout, stderr, Ct);

        Assert.True(exit == expected, stderr.ToString());
    }

    /// <summary>Lines typed one at a time, when the test is ready for them (the end of the channel is the end of input).</summary>
    private sealed class ChannelReaderText(ChannelReader<string> lines) : TextReader
    {
        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) =>
            await lines.WaitToReadAsync(cancellationToken) && lines.TryRead(out var line) ? line : null;
    }
}
