namespace Emx.Protocols.Tests;

public sealed class PhoneConfigSpeedDialTests
{
    private static PhoneConfigFile WithSpeedDials(params SipSpeedDial[] speedDials) => new()
    {
        DeviceProtocol = "SIP",
        DevicePool = new DevicePoolSettings
        {
            Name = "Default",
            CallManagerGroup = new CallManagerGroupSettings
            {
                Name = "Default",
                Members = [new CallManagerMember { Name = "cucm1", Ports = new CallManagerPorts { SipPort = 5060 }, ProcessNodeName = "10.0.0.10" }],
            },
        },
        SipProfile = new SipProfileSettings
        {
            Lines = [new SipLine { Button = 1, LineIndex = 1, Name = "4001" }],
            SpeedDials = [.. speedDials],
        },
        VersionStamp = "1-stamp",
    };

    [Fact]
    public void Write_SpeedDial_IsALineButtonAfterTheLinesWithFeatureId2()
    {
        var xml = PhoneConfigXml.Write(WithSpeedDials(new SipSpeedDial { Button = 2, Number = "1002", Label = "Bob & Co", Index = 1 }));

        const string Expected = """
                  <line button="2">
                    <featureID>2</featureID>
                    <featureLabel>Bob &amp; Co</featureLabel>
                    <speedDialNumber>1002</speedDialNumber>
                    <speedDialIndex>1</speedDialIndex>
                  </line>
                </sipLines>
            """;
        Assert.Contains(Expected.Replace("\r\n", "\n", StringComparison.Ordinal), xml, StringComparison.Ordinal);
        Assert.True(xml.IndexOf("<name>4001</name>", StringComparison.Ordinal) < xml.IndexOf("<speedDialNumber>", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_SpeedDialWithoutLabelOrIndex_WritesEmptyLabelAndNoIndex()
    {
        var xml = PhoneConfigXml.Write(WithSpeedDials(new SipSpeedDial { Button = 3, Number = "911" }));

        Assert.Contains("<featureLabel></featureLabel>", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("speedDialIndex", xml, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WrittenSpeedDials_RoundTripsAndKeepsLinesApart()
    {
        var config = WithSpeedDials(
            new SipSpeedDial { Button = 2, Number = "1002", Label = "Bob", Index = 1 },
            new SipSpeedDial { Button = 5, Number = "*97", Label = "Voicemail", Index = 4 });

        var parsed = PhoneConfigXml.Parse(PhoneConfigXml.Write(config));

        Assert.True(parsed.IsSuccess, parsed.Error);
        Assert.Equal(config.SipProfile!.SpeedDials, parsed.Value.SipProfile!.SpeedDials);
        Assert.Equal(["4001"], parsed.Value.SipProfile.Lines.Select(l => l.Name));
    }

    [Fact]
    public void Parse_SpeedDialWithoutButton_Fails()
    {
        var xml = PhoneConfigXml.Write(WithSpeedDials(new SipSpeedDial { Button = 2, Number = "1002" }))
            .Replace("<line button=\"2\">", "<line>", StringComparison.Ordinal);

        var parsed = PhoneConfigXml.Parse(xml);

        Assert.False(parsed.IsSuccess);
        Assert.Contains("button", parsed.Error, StringComparison.Ordinal);
    }
}
