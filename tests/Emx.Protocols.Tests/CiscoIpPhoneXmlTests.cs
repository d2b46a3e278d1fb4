using System.Diagnostics;

namespace Emx.Protocols.Tests;

public sealed class CiscoIpPhoneXmlTests
{
    private static readonly CiscoIpPhoneInput LoginPage = new()
    {
        Title = "Extension Mobility",
        Prompt = "Enter User ID and PIN",
        Url = "http://HOST:8080/emapp/EMAppServlet?device=SEP001122334455&EMCC=true",
        InputItems =
        [
            new CiscoIpPhoneInputItem { DisplayName = "User ID", QueryStringParam = "userid", InputFlags = CiscoIpPhoneInputFlags.Ascii },
            new CiscoIpPhoneInputItem { DisplayName = "PIN", QueryStringParam = "seq", InputFlags = "NP" },
        ],
        SoftKeys =
        [
            new CiscoIpPhoneSoftKey { Name = "Submit", Url = "SoftKey:Submit", Position = 1 },
            new CiscoIpPhoneSoftKey { Name = "<<", Url = "SoftKey:<<", Position = 2 },
            new CiscoIpPhoneSoftKey { Name = "Exit", Url = "SoftKey:Exit", Position = 3 },
        ],
    };

    private static readonly CiscoIpPhoneMenu ProfileMenu = new()
    {
        Title = "Device Profiles",
        Prompt = "Select a profile",
        MenuItems =
        [
            new CiscoIpPhoneMenuItem { Name = "EM-SIP-Profile-8865", Url = "http://HOST:8080/emapp/EMAppServlet?device=SEP001122334455&profile=1" },
            new CiscoIpPhoneMenuItem { Name = "EM-SCCP-Profile-7970", Url = "http://HOST:8080/emapp/EMAppServlet?device=SEP001122334455&profile=2", IconIndex = 2 },
        ],
        SoftKeys = [new CiscoIpPhoneSoftKey { Name = "Select", Url = "SoftKey:Select", Position = 1 }],
    };

    private static readonly CiscoIpPhoneText LoginUnavailable = new()
    {
        Title = "Extension Mobility",
        Text = EmErrorCatalog.Get(EmServiceErrorCode.UserLoggedInElsewhere).PhoneDisplay(EmOperation.Login),
        SoftKeys = [new CiscoIpPhoneSoftKey { Name = "Exit", Url = "SoftKey:Exit", Position = 1 }],
    };

    private static readonly CiscoIpPhoneExecute ClearCallHistory = new()
    {
        Items = [new CiscoIpPhoneExecuteItem { Url = "Init:CallHistory", Priority = 0 }],
    };

    public static TheoryData<string> ObjectNames => new() { "input", "menu", "text", "execute", "response", "error" };

    private static CiscoIpPhoneObject Object(string name) => name switch
    {
        "input" => LoginPage,
        "menu" => ProfileMenu,
        "text" => LoginUnavailable,
        "execute" => ClearCallHistory,
        "response" => new CiscoIpPhoneResponse
        {
            Items = [new CiscoIpPhoneResponseItem { Status = 0, Data = "Success", Url = "Init:CallHistory" }],
        },
        "error" => new CiscoIpPhoneError { Number = 4 },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Fact]
    public void Write_LoginInput_MatchesReferenceLoginPageByteForByte()
    {
        Assert.Equal(Fixture.Bytes("CiscoIpPhone/em-login-input.xml"), Encoding.UTF8.GetBytes(CiscoIpPhoneXml.Write(LoginPage)));
    }

    [Fact]
    public void Write_Menu_MatchesFixture()
    {
        Assert.Equal(Fixture.Bytes("CiscoIpPhone/menu-profiles.xml"), Encoding.UTF8.GetBytes(CiscoIpPhoneXml.Write(ProfileMenu)));
    }

    [Fact]
    public void Write_Text_MatchesFixture()
    {
        Assert.Equal(Fixture.Bytes("CiscoIpPhone/text-login-unavailable-25.xml"), Encoding.UTF8.GetBytes(CiscoIpPhoneXml.Write(LoginUnavailable)));
    }

    [Fact]
    public void Write_Execute_MatchesFixture()
    {
        Assert.Equal(Fixture.Bytes("CiscoIpPhone/execute-clear-call-history.xml"), Encoding.UTF8.GetBytes(CiscoIpPhoneXml.Write(ClearCallHistory)));
    }

    [Fact]
    public void Write_WithoutDeclaration_StartsWithRoot()
    {
        Assert.Equal(
            "<CiscoIPPhoneExecute><ExecuteItem URL=\"Init:Services\"/></CiscoIPPhoneExecute>",
            CiscoIpPhoneXml.Write(new CiscoIpPhoneExecute { Items = [new CiscoIpPhoneExecuteItem { Url = "Init:Services" }] }, includeDeclaration: false));
    }

    [Fact]
    public void Write_ResponseAndError_UseAttributes()
    {
        Assert.Equal(
            "<CiscoIPPhoneResponse><ResponseItem Status=\"0\" Data=\"Success\" URL=\"Init:CallHistory\"/></CiscoIPPhoneResponse>",
            CiscoIpPhoneXml.Write(Object("response"), includeDeclaration: false));
        Assert.Equal("<CiscoIPPhoneError Number=\"4\"/>", CiscoIpPhoneXml.Write(Object("error"), includeDeclaration: false));
    }

    [Theory]
    [MemberData(nameof(ObjectNames))]
    public void Write_ThenParse_RoundTrips(string name)
    {
        var value = Object(name);

        var parsed = CiscoIpPhoneXml.Parse(CiscoIpPhoneXml.Write(value));

        Assert.True(parsed.IsSuccess, parsed.Error);
        Assert.Equal(value, parsed.Value);
    }

    [Fact]
    public void Write_DisplayTextOverLimits_IsTruncated()
    {
        var text = new CiscoIpPhoneText { Title = new string('T', 40), Prompt = new string('P', 33), Text = new string('x', 5000) };

        var parsed = Assert.IsType<CiscoIpPhoneText>(CiscoIpPhoneXml.Parse(CiscoIpPhoneXml.Write(text)).Value);

        Assert.Equal(new string('T', 32), parsed.Title);
        Assert.Equal(new string('P', 32), parsed.Prompt);
        Assert.Equal(4000, parsed.Text!.Length);
    }

    [Fact]
    public void Write_TruncationAtSurrogatePair_DoesNotSplitIt()
    {
        var title = new string('a', 31) + "\U0001F600";
        var text = new CiscoIpPhoneText { Title = title };

        var parsed = Assert.IsType<CiscoIpPhoneText>(CiscoIpPhoneXml.Parse(CiscoIpPhoneXml.Write(text)).Value);

        Assert.Equal(new string('a', 31), parsed.Title);
    }

    [Fact]
    public void Write_InputItemAndMenuAndSoftKeyDisplayText_AreTruncated()
    {
        var input = LoginPage with
        {
            InputItems = [new CiscoIpPhoneInputItem { DisplayName = new string('d', 40), QueryStringParam = "userid", InputFlags = "A", DefaultValue = new string('v', 40) }],
            SoftKeys = [new CiscoIpPhoneSoftKey { Name = new string('s', 40), Url = "SoftKey:Submit", Position = 1 }],
        };
        var menu = ProfileMenu with { MenuItems = [new CiscoIpPhoneMenuItem { Name = new string('m', 70), Url = "http://x/" }] };

        var parsedInput = Assert.IsType<CiscoIpPhoneInput>(CiscoIpPhoneXml.Parse(CiscoIpPhoneXml.Write(input)).Value);
        var parsedMenu = Assert.IsType<CiscoIpPhoneMenu>(CiscoIpPhoneXml.Parse(CiscoIpPhoneXml.Write(menu)).Value);

        Assert.Equal(32, parsedInput.InputItems[0].DisplayName.Length);
        Assert.Equal(32, parsedInput.InputItems[0].DefaultValue.Length);
        Assert.Equal(32, parsedInput.SoftKeys[0].Name.Length);
        Assert.Equal(64, parsedMenu.MenuItems[0].Name.Length);
    }

    [Fact]
    public void Write_UserTextWithMarkup_IsEscaped()
    {
        var xml = CiscoIpPhoneXml.Write(new CiscoIpPhoneText { Text = "</Text><Evil/>&" }, includeDeclaration: false);

        Assert.Equal("<CiscoIPPhoneText><Text>&lt;/Text&gt;&lt;Evil/&gt;&amp;</Text></CiscoIPPhoneText>", xml);
    }

    [Theory]
    [InlineData("A", true)]
    [InlineData("T", true)]
    [InlineData("N", true)]
    [InlineData("E", true)]
    [InlineData("U", true)]
    [InlineData("L", true)]
    [InlineData("AP", true)]
    [InlineData("NP", true)]
    [InlineData("P", false)]
    [InlineData("PA", false)]
    [InlineData("a", false)]
    [InlineData("X", false)]
    [InlineData("ANP", false)]
    [InlineData("APP", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void InputFlags_IsValid_AcceptsBaseFlagWithOptionalPassword(string? flags, bool expected)
    {
        Assert.Equal(expected, CiscoIpPhoneInputFlags.IsValid(flags));
    }

    [Fact]
    public void Validate_InvalidInput_ListsEveryProgrammerMistake()
    {
        var input = new CiscoIpPhoneInput
        {
            Url = new string('u', 257),
            InputItems =
            [
                .. Enumerable.Range(0, 5).Select(i => new CiscoIpPhoneInputItem { DisplayName = "x", QueryStringParam = "p" + i, InputFlags = "A" }),
                new CiscoIpPhoneInputItem { DisplayName = "x", QueryStringParam = "a&b", InputFlags = "Q" },
            ],
            SoftKeys =
            [
                new CiscoIpPhoneSoftKey { Name = "a", Url = "SoftKey:Exit", Position = 0 },
                new CiscoIpPhoneSoftKey { Name = "b", Url = "", Position = 2 },
                new CiscoIpPhoneSoftKey { Name = "c", Url = "SoftKey:Exit", Position = 2 },
            ],
        };

        var errors = CiscoIpPhoneXml.Validate(input);

        Assert.Contains(errors, e => e.StartsWith("URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("InputItem elements", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("InputItem[5].QueryStringParam", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("InputItem[5].InputFlags", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SoftKeyItem[0].Position", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SoftKeyItem[1].URL", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("SoftKeyItem[2].Position", StringComparison.Ordinal));
        Assert.Equal(7, errors.Count);
        var thrown = Assert.Throws<ArgumentException>(() => CiscoIpPhoneXml.Write(input));
        Assert.Contains("InputFlags", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TooManySoftKeysAndMenuItems_AreErrors()
    {
        var keys = ValueList.From(Enumerable.Range(1, 9).Select(i => new CiscoIpPhoneSoftKey { Name = "k", Url = "SoftKey:Exit", Position = Math.Min(i, 8) }));
        var menu = new CiscoIpPhoneMenu
        {
            MenuItems = ValueList.From(Enumerable.Range(0, 101).Select(i => new CiscoIpPhoneMenuItem { Name = "m", Url = "http://x/" })),
            SoftKeys = keys,
        };

        var errors = CiscoIpPhoneXml.Validate(menu);

        Assert.Contains(errors, e => e.Contains("MenuItem elements", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("SoftKeyItem elements", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ExecuteItemCountsPrioritiesAndUrls_AreChecked()
    {
        Assert.NotEmpty(CiscoIpPhoneXml.Validate(new CiscoIpPhoneExecute { Items = [] }));
        Assert.NotEmpty(CiscoIpPhoneXml.Validate(new CiscoIpPhoneExecute
        {
            Items = ValueList.From(Enumerable.Range(0, 4).Select(_ => new CiscoIpPhoneExecuteItem { Url = "Init:Services" })),
        }));
        Assert.NotEmpty(CiscoIpPhoneXml.Validate(new CiscoIpPhoneExecute { Items = [new CiscoIpPhoneExecuteItem { Url = "Init:Services", Priority = 4 }] }));
        Assert.NotEmpty(CiscoIpPhoneXml.Validate(new CiscoIpPhoneExecute { Items = [new CiscoIpPhoneExecuteItem { Url = new string('u', 257) }] }));
        Assert.Empty(CiscoIpPhoneXml.Validate(new CiscoIpPhoneExecute
        {
            Items = ValueList.From(Enumerable.Range(0, 3).Select(i => new CiscoIpPhoneExecuteItem { Url = "Init:Services", Priority = i })),
        }));
    }

    [Fact]
    public void Validate_UrlOfExactly256_IsAccepted()
    {
        Assert.Empty(CiscoIpPhoneXml.Validate(LoginPage with { Url = "http://" + new string('h', 249) }));
        Assert.NotEmpty(CiscoIpPhoneXml.Validate(LoginPage with { Url = "http://" + new string('h', 250) }));
    }

    [Fact]
    public void Parse_ReferenceLoginPagePrettyPrinted_ReadsEveryField()
    {
        const string xml = """
            <CiscoIPPhoneInput>
              <Title>Extension Mobility</Title>
              <Prompt>Enter User ID and PIN</Prompt>
              <URL>http://HOST:8080/emapp/EMAppServlet?device=SEP001122334455&amp;EMCC=true</URL>
              <InputItem><DisplayName>User ID</DisplayName><QueryStringParam>userid</QueryStringParam><InputFlags>A</InputFlags><DefaultValue></DefaultValue></InputItem>
              <InputItem><DisplayName>PIN</DisplayName><QueryStringParam>seq</QueryStringParam><InputFlags>NP</InputFlags><DefaultValue></DefaultValue></InputItem>
            </CiscoIPPhoneInput>
            """;

        var input = Assert.IsType<CiscoIpPhoneInput>(CiscoIpPhoneXml.Parse(xml).Value);

        Assert.Equal("http://HOST:8080/emapp/EMAppServlet?device=SEP001122334455&EMCC=true", input.Url);
        Assert.Equal(2, input.InputItems.Count);
        Assert.Equal("seq", input.InputItems[1].QueryStringParam);
        Assert.Equal("NP", input.InputItems[1].InputFlags);
        Assert.Equal(string.Empty, input.InputItems[0].DefaultValue);
        Assert.Empty(input.SoftKeys);
    }

    [Theory]
    [InlineData("<CiscoIPPhoneImage><Title>x</Title></CiscoIPPhoneImage>")]
    [InlineData("<html><body/></html>")]
    [InlineData("<CiscoIPPhoneInput><Title>x</Title></CiscoIPPhoneInput>")]
    [InlineData("<CiscoIPPhoneInput><URL>u</URL><URL>v</URL></CiscoIPPhoneInput>")]
    [InlineData("<CiscoIPPhoneInput><URL>u</URL><InputItem><DisplayName>a</DisplayName><InputFlags>A</InputFlags></InputItem></CiscoIPPhoneInput>")]
    [InlineData("<CiscoIPPhoneText><Text><b>bold</b></Text></CiscoIPPhoneText>")]
    [InlineData("<CiscoIPPhoneText><SoftKeyItem><Name>a</Name><URL>u</URL><Position>one</Position></SoftKeyItem></CiscoIPPhoneText>")]
    [InlineData("<CiscoIPPhoneText><SoftKeyItem><Name>a</Name><URL>u</URL></SoftKeyItem></CiscoIPPhoneText>")]
    [InlineData("<CiscoIPPhoneMenu><MenuItem><URL>u</URL></MenuItem></CiscoIPPhoneMenu>")]
    [InlineData("<CiscoIPPhoneMenu><MenuItem><Name>n</Name><URL>u</URL><IconIndex>x</IconIndex></MenuItem></CiscoIPPhoneMenu>")]
    [InlineData("<CiscoIPPhoneExecute/>")]
    [InlineData("<CiscoIPPhoneExecute><ExecuteItem Priority=\"0\"/></CiscoIPPhoneExecute>")]
    [InlineData("<CiscoIPPhoneExecute><ExecuteItem URL=\"a\" Priority=\"high\"/></CiscoIPPhoneExecute>")]
    [InlineData("<CiscoIPPhoneExecute><ExecuteItem URL=\"a\"/><ExecuteItem URL=\"b\"/><ExecuteItem URL=\"c\"/><ExecuteItem URL=\"d\"/></CiscoIPPhoneExecute>")]
    [InlineData("<CiscoIPPhoneError/>")]
    [InlineData("<CiscoIPPhoneResponse><ResponseItem Data=\"x\"/></CiscoIPPhoneResponse>")]
    public void Parse_WrongRootOrMissingRequiredOrBadNumbers_Fails(string xml)
    {
        var result = CiscoIpPhoneXml.Parse(xml);

        Assert.False(result.IsSuccess);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    [Fact]
    public void Parse_MoreThanHundredMenuItems_Fails()
    {
        var xml = "<CiscoIPPhoneMenu>" + string.Concat(Enumerable.Repeat("<MenuItem><Name>n</Name><URL>u</URL></MenuItem>", 101)) + "</CiscoIPPhoneMenu>";

        Assert.False(CiscoIpPhoneXml.Parse(xml).IsSuccess);
    }

    [Fact]
    public void Parse_MoreThanEightSoftKeys_Fails()
    {
        var xml = "<CiscoIPPhoneText>" + string.Concat(Enumerable.Range(1, 9).Select(i => $"<SoftKeyItem><Name>n</Name><URL>u</URL><Position>{i}</Position></SoftKeyItem>")) + "</CiscoIPPhoneText>";

        Assert.False(CiscoIpPhoneXml.Parse(xml).IsSuccess);
    }

    [Theory]
    [MemberData(nameof(Hostile.Names), MemberType = typeof(Hostile))]
    public void Parse_HostileInput_FailsQuickly(string name)
    {
        var xml = Hostile.Get(name, "CiscoIPPhoneText");
        _ = CiscoIpPhoneXml.Parse("<warm-up/>");
        var stopwatch = Stopwatch.StartNew();

        var result = CiscoIpPhoneXml.Parse(xml);

        Assert.False(result.IsSuccess);
        Assert.True(stopwatch.ElapsedMilliseconds < 500, $"{name} took {stopwatch.ElapsedMilliseconds} ms.");
    }

    [Fact]
    public void Parse_ExternalEntityInText_IsRefusedWithXmlFailure()
    {
        var xml = "<!DOCTYPE CiscoIPPhoneText [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><CiscoIPPhoneText><Text>&x;</Text></CiscoIPPhoneText>";

        var result = CiscoIpPhoneXml.Parse(xml);

        Assert.False(result.IsSuccess);
        Assert.Equal(SafeXmlFailureKind.EntityReference, result.XmlFailure!.Kind);
    }
}
