using System.Text;
using Emx.Cluster.CallControl;
using Emx.Cluster.ExtensionMobility;
using Emx.Domain.Runtime;
using Emx.Protocols;
using Emx.Sip.Messages;
using Emx.Sip.Parsing;

namespace Emx.Integration.Tests;

/// <summary>The registrar's pure decisions (RFC 3261 §10.3 and the device rules), without a node.</summary>
public sealed class RegistrarRulesTests
{
    private const string Phone = "SEP0A0000000001";
    private const string Instance = "<urn:uuid:00000000-0000-0000-0000-0A0000000001>";
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);
    private static readonly RegistrarOptions Options = new();
    private static readonly IReadOnlyList<CurrentLine> PhoneLines = [new CurrentLine("1901", "Internal", 1)];

    private static SipRequest Register(string dn = "1901", string callId = "call-1", uint cseq = 2, string? expires = null, params string[] contacts)
    {
        var text = new StringBuilder()
            .Append("REGISTER sip:127.0.0.1 SIP/2.0\r\n")
            .Append("Via: SIP/2.0/UDP 127.0.0.9:5062;branch=z9hG4bK-rules\r\n")
            .Append("Max-Forwards: 70\r\n")
            .Append(FormattableString.Invariant($"From: <sip:{dn}@127.0.0.1>;tag=f1\r\nTo: <sip:{dn}@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: {cseq} REGISTER\r\n"));
        foreach (var contact in contacts.Length == 0 ? [Contact()] : contacts)
        {
            text.Append("Contact: ").Append(contact).Append("\r\n");
        }

        if (expires is not null)
        {
            text.Append("Expires: ").Append(expires).Append("\r\n");
        }

        text.Append("Content-Length: 0\r\n\r\n");
        Assert.True(SipMessageParser.TryParse(Encoding.UTF8.GetBytes(text.ToString()), out var message, out var error), error?.ToString());
        return Assert.IsType<SipRequest>(message);
    }

    private static string Contact(string port = "5062", string instance = Instance, string? expires = null) =>
        $"<sip:1901@127.0.0.9:{port}>;+sip.instance=\"{instance}\"" + (expires is null ? "" : ";expires=" + expires);

    private static RegisterRequest Parsed(SipRequest request)
    {
        var (parsed, rejection) = RegistrarRules.Parse(request);
        Assert.Null(rejection);
        return parsed!;
    }

    private static RegisterFacts Facts(IReadOnlyList<CurrentLine>? lines = null, bool dnExists = true, params Registration[] existing) =>
        new() { Now = Now, DeviceLines = lines ?? PhoneLines, DnExists = dnExists, Existing = existing };

    private static Registration Binding(long id, string contact = "sip:1901@127.0.0.9:5062", string device = Phone, string callId = "call-1", long cseq = 1, int expiresIn = 600) =>
        new() { Id = id, Aor = "1901", Partition = "Internal", Contact = contact, DeviceName = device, CallId = callId, CSeq = cseq, ExpiresAt = Now.AddSeconds(expiresIn) };

    private static RegisterDecision Decide(SipRequest request, RegisterFacts? facts = null, RegistrarOptions? options = null) =>
        RegistrarRules.Decide(Parsed(request), facts ?? Facts(), options ?? Options);

    [Fact]
    public void Parse_CiscoInstance_NamesTheDevice()
    {
        var parsed = Parsed(Register());

        Assert.Equal(("1901", Phone, "call-1", 2L), (parsed.Dn, parsed.DeviceName, parsed.CallId, parsed.CSeq));
    }

    [Theory]
    [InlineData("<urn:uuid:00000000-0000-0000-0000-0a0000000001>", "SEP0A0000000001")]
    [InlineData("urn:uuid:00000000-0000-0000-0000-001122AABBCC", "SEP001122AABBCC")]
    [InlineData("<urn:uuid:12345678-0000-0000-0000-0A0000000001>", null)]
    [InlineData("<urn:uuid:00000000-0000-0000-0000-0A00000001>", null)]
    [InlineData("<urn:uuid:00000000-0000-0000-0000-0A000000000G>", null)]
    public void DeviceName_FromInstanceId_OnlyTheCiscoShapeNamesADevice(string instance, string? device)
    {
        var named = DeviceName.TryFromInstanceId(instance, out var name);

        Assert.Equal(device, named ? name.Value : null);
    }

    [Fact]
    public void DeviceName_InstanceId_CarriesTheMacInTheLastGroup() =>
        Assert.Equal(Instance, DeviceName.Parse(Phone).InstanceId);

    [Fact]
    public void Parse_ToWithoutUser_Returns400()
    {
        var request = Register();
        request.Headers.Set(SipHeaderNames.To, "<sip:127.0.0.1>");

        var (_, rejection) = RegistrarRules.Parse(request);

        Assert.Equal(400, rejection!.StatusCode);
    }

    [Fact]
    public void Parse_ContactsNamingTwoDevices_Returns400()
    {
        var (_, rejection) = RegistrarRules.Parse(Register(contacts: [Contact(), Contact("5063", "<urn:uuid:00000000-0000-0000-0000-0A0000000002>")]));

        Assert.Equal((400, "Contacts name different devices"), (rejection!.StatusCode, rejection.ReasonPhrase));
    }

    [Fact]
    public void Decide_OwnLineWithoutExpires_BindsForTheDefault3600Seconds()
    {
        var decision = Decide(Register());

        Assert.True(decision.IsSuccess);
        var write = Assert.Single(decision.Writes);
        Assert.Equal((null, "sip:1901@127.0.0.9:5062", Instance, "Internal", Now.AddSeconds(3600)), (write.ExistingId, write.Contact, write.InstanceId, write.Partition, write.ExpiresAt));
    }

    [Fact]
    public void Decide_ExpiresAboveMaximum_IsGrantedTheMaximum()
    {
        var decision = Decide(Register(expires: "86400"));

        Assert.Equal(Now.AddSeconds(3600), Assert.Single(decision.Writes).ExpiresAt);
    }

    [Fact]
    public void Decide_ContactExpiresParameter_WinsOverTheHeader()
    {
        var decision = Decide(Register(expires: "3600", contacts: [Contact(expires: "120")]));

        Assert.Equal(Now.AddSeconds(120), Assert.Single(decision.Writes).ExpiresAt);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("59")]
    public void Decide_ExpiresBelowMinimum_Returns423WithMinExpires(string expires)
    {
        var decision = Decide(Register(expires: expires));

        Assert.Equal((423, "Interval Too Brief", 60), (decision.StatusCode, decision.ReasonPhrase, decision.MinExpires));
        Assert.Empty(decision.Writes);
    }

    [Fact]
    public void Decide_LineNotOnTheDevicesConfiguration_Returns403NamingLineAndDevice()
    {
        var decision = Decide(Register("1001"), Facts(dnExists: true));

        Assert.Equal((403, "Line 1001 is not on the current configuration of SEP0A0000000001"), (decision.StatusCode, decision.ReasonPhrase));
    }

    [Fact]
    public void Decide_NumberNobodyHas_Returns404()
    {
        var decision = Decide(Register("4711"), Facts(dnExists: false));

        Assert.Equal((404, "Unknown directory number 4711"), (decision.StatusCode, decision.ReasonPhrase));
    }

    [Fact]
    public void Decide_UnknownDevice_Returns403()
    {
        var decision = RegistrarRules.Decide(Parsed(Register()), new RegisterFacts { Now = Now, DeviceLines = null, DnExists = true }, Options);

        Assert.Equal((403, "Unknown device SEP0A0000000001"), (decision.StatusCode, decision.ReasonPhrase));
    }

    [Fact]
    public void Decide_NoInstance_Returns400()
    {
        var decision = Decide(Register(contacts: ["<sip:1901@127.0.0.9:5062>"]));

        Assert.Equal((400, "Missing +sip.instance (the device's urn:uuid)"), (decision.StatusCode, decision.ReasonPhrase));
    }

    [Fact]
    public void Decide_InstanceThatIsNotADevice_Returns403()
    {
        var decision = Decide(Register(contacts: [Contact(instance: "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>")]));

        Assert.Equal((403, "+sip.instance names no device"), (decision.StatusCode, decision.ReasonPhrase));
    }

    [Fact]
    public void Decide_UnregisterALineTheDeviceNoLongerHas_RemovesTheBinding()
    {
        var existing = Binding(7);

        var decision = Decide(Register(expires: "0"), Facts(lines: [new CurrentLine("1001", "Internal", 1)], existing: existing));

        Assert.True(decision.IsSuccess);
        Assert.Equal([7L], decision.Removals);
        Assert.Empty(decision.Writes);
    }

    [Fact]
    public void Decide_RefreshWithHigherCSeq_UpdatesTheSameBinding()
    {
        var decision = Decide(Register(cseq: 2, expires: "600"), Facts(existing: Binding(7, cseq: 1, expiresIn: 10)));

        var write = Assert.Single(decision.Writes);
        Assert.Equal((7L, Now.AddSeconds(600)), (write.ExistingId, write.ExpiresAt));
        Assert.Empty(decision.Removals);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(5u)]
    public void Decide_SameCallIdWithCSeqNotAbove_Returns400OutOfOrder(uint cseq)
    {
        var decision = Decide(Register(cseq: cseq), Facts(existing: Binding(7, cseq: 5)));

        Assert.Equal((400, "CSeq out of order"), (decision.StatusCode, decision.ReasonPhrase));
    }

    [Fact]
    public void Decide_OtherCallIdWithLowerCSeq_UpdatesTheBinding()
    {
        var decision = Decide(Register(callId: "after-reboot", cseq: 1), Facts(existing: Binding(7, cseq: 99)));

        Assert.Equal(7L, Assert.Single(decision.Writes).ExistingId);
    }

    [Fact]
    public void Decide_Wildcard_RemovesEveryBindingOfTheLine()
    {
        var decision = Decide(Register(callId: "other", expires: "0", contacts: ["*"]), Facts(existing: [Binding(7), Binding(8, "sip:1901@127.0.0.8:5062", "SEP0A0000000002")]));

        Assert.True(decision.IsSuccess);
        Assert.Equal([7L, 8L], decision.Removals);
    }

    [Fact]
    public void Decide_WildcardFromTheSameCallIdNotAbove_Returns400()
    {
        var decision = Decide(Register(cseq: 1, expires: "0", contacts: ["*"]), Facts(existing: Binding(7, cseq: 1)));

        Assert.Equal(400, decision.StatusCode);
    }

    [Fact]
    public void Parse_WildcardWithNonZeroExpires_Returns400()
    {
        var (_, rejection) = RegistrarRules.Parse(Register(expires: "60", contacts: ["*"]));

        Assert.Equal(400, rejection!.StatusCode);
    }

    [Fact]
    public void Decide_NoContact_IsAQueryThatChangesNothing()
    {
        var request = Register();
        request.Headers.RemoveAll(SipHeaderNames.Contact);

        var decision = Decide(request, Facts(existing: Binding(7)));

        Assert.Equal((200, 0, 0), (decision.StatusCode, decision.Writes.Count, decision.Removals.Count));
    }

    [Fact]
    public void Decide_NewContactFromTheSameDevice_ReplacesItsOlderBinding()
    {
        var decision = Decide(Register(callId: "after-reboot", contacts: [Contact("5070")]), Facts(existing: Binding(7)));

        Assert.Equal((null, "sip:1901@127.0.0.9:5070"), (Assert.Single(decision.Writes).ExistingId, decision.Writes[0].Contact));
        Assert.Equal([7L], decision.Removals);
    }

    [Fact]
    public void Decide_AnotherDevicesBindingOfASharedLine_IsKept()
    {
        var other = Binding(8, "sip:1901@127.0.0.8:5062", "SEP0A0000000002");

        var decision = Decide(Register(), Facts(existing: other));

        Assert.Single(decision.Writes);
        Assert.Empty(decision.Removals);
    }

    [Fact]
    public void Decide_MoreContactsThanTheDevicePolicy_Returns403()
    {
        var decision = Decide(Register(contacts: [Contact(), Contact("5063")]));

        Assert.Equal((403, "Too many contacts for line 1901: SEP0A0000000001 may register 1"), (decision.StatusCode, decision.ReasonPhrase));
    }

    [Fact]
    public void Decide_TwoContactsWhenThePolicyAllowsTwo_BindsBoth()
    {
        var decision = Decide(Register(contacts: [Contact(), Contact("5063")]), options: new RegistrarOptions { MaxContactsPerDeviceLine = 2 });

        Assert.Equal(["sip:1901@127.0.0.9:5062", "sip:1901@127.0.0.9:5063"], decision.Writes.Select(w => w.Contact));
    }

    [Fact]
    public void RegistrarOptions_MinimumAboveDefault_IsInvalid() =>
        Assert.Throws<InvalidOperationException>(() => new RegistrarOptions { MinExpires = 4000 }.Validate());

    [Theory]
    [InlineData("udp:127.0.0.1:5062", "udp:127.0.0.1:5062")]
    [InlineData("tcp:[::1]:40001", "tcp:[::1]:40001")]
    public void RegistrationSource_StoredForm_RoundTrips(string text, string expected)
    {
        Assert.True(RegistrationSource.TryParse(text, out var source));
        Assert.Equal(expected, source.ToString());
    }

    [Theory]
    [InlineData("sctp:127.0.0.1:5060")]
    [InlineData("udp:127.0.0.1:0")]
    [InlineData("udp:nowhere")]
    public void RegistrationSource_Garbage_DoesNotParse(string text) =>
        Assert.False(RegistrationSource.TryParse(text, out _));
}
