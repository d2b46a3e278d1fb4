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
    public void Parse_KnownCommand_GivesVerbAndArguments(string line, PhoneVerb verb, string? argument, string? value) =>
        Assert.Equal(new PhoneCommand(verb, argument, value), PhoneTerminal.Parse(line));

    [Theory]
    [InlineData("dial 1001", "unknown command 'dial' (help lists them)")]
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
}
