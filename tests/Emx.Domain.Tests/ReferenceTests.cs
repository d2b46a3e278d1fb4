namespace Emx.Domain.Tests;

/// <summary>Unknown references are reported against the field that holds them, for every kind (driven from <see cref="ConfigKinds"/>).</summary>
public sealed class ReferenceTests
{
    public static TheoryData<string> ProvisionableKindsWithReferences()
    {
        var data = new TheoryData<string>();
        foreach (var kind in ConfigKinds.All.Where(k => k.Name != "emccDevices" && Samples.ReferenceFields[k.Name].Length > 0))
        {
            data.Add(kind.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples.AllKindNames), MemberType = typeof(Samples))]
    public void ReferencesOf_DanglingSample_ReportsEveryReferenceFieldOfTheKind(string kindName)
    {
        Assert.True(ConfigKinds.TryGet(kindName, out var kind));
        var sample = Samples.Dangling(kindName);
        Assert.IsType(kind.Type, sample);

        var references = kind.ReferencesOf(sample).ToList();

        Assert.Equal(Samples.ReferenceFields[kindName].Order(StringComparer.Ordinal), references.Select(r => r.Field).Order(StringComparer.Ordinal));
        Assert.All(references, r => Assert.Equal(Samples.Missing, r.Key));
        Assert.All(references, r => Assert.True(ConfigKinds.TryGet(r.Kind, out _), $"{kindName}.{r.Field} refers to unknown kind {r.Kind}"));
    }

    [Theory]
    [MemberData(nameof(ProvisionableKindsWithReferences))]
    public void Validate_DanglingReferences_EachReferenceFieldNamedInAnError(string kindName)
    {
        Assert.True(ConfigKinds.TryGet(kindName, out var kind));
        var sample = Samples.Dangling(kindName);

        var errors = ConfigValidator.Validate(ProvisioningDocument.With(sample), new FakeConfigCatalog());

        foreach (var reference in kind.ReferencesOf(sample))
        {
            var error = ErrorAssert.Contains(errors, kindName, sample.Key, reference.Field);
            Assert.Contains("does not exist", error.Reason, StringComparison.Ordinal);
            Assert.Contains($"'{Samples.Missing}'", error.Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(ProvisionableKindsWithReferences))]
    public void Validate_ReferencesResolvedInCatalog_NoReferenceErrors(string kindName)
    {
        Assert.True(ConfigKinds.TryGet(kindName, out var kind));
        var sample = Samples.Dangling(kindName);
        var catalog = new FakeConfigCatalog();
        foreach (var reference in ConfigValidator.ReferencesOf(kind, sample))
        {
            Assert.True(ConfigKinds.TryGet(reference.Kind, out var target));
            catalog.Add(Stub(target, reference.Key));
        }

        var errors = ConfigValidator.Validate(ProvisioningDocument.With(sample), catalog);

        Assert.DoesNotContain(errors, e => e.Reason.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EmccDeviceInsertionWithUnknownTemplate_RejectedOnTemplate()
    {
        var doc = new ProvisioningDocument { EmccDevices = new EmccDeviceInsertion { Count = 1, Template = Samples.Missing } };

        ErrorAssert.Single(World.Validate(doc), "emccDevices", "template");
    }

    [Fact]
    public void Validate_ReferenceToObjectInSameDocument_Resolves()
    {
        var doc = new ProvisioningDocument
        {
            Partitions = [new Partition { Name = "P-New" }],
            CallingSearchSpaces = [new CallingSearchSpace { Name = "CSS-New", Partitions = ["P-New"] }],
        };

        ErrorAssert.None(ConfigValidator.Validate(doc, new FakeConfigCatalog()));
    }

    [Fact]
    public void ReferencesOf_RoutePattern_IncludesDestinationAgainstEveryTargetKind()
    {
        var pattern = new RoutePattern { Pattern = "9.XXXX", Destination = "Somewhere" };

        var references = ConfigValidator.ReferencesOf(ConfigKinds.RoutePatterns, pattern).ToList();

        Assert.Equal(["routeGroups", "routeLists", "sipTrunks"], references.Where(r => r.Field == "destination").Select(r => r.Kind).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(references, r => r.Field == "partition");
    }

    [Theory]
    [InlineData(true, "Somewhere")]
    [InlineData(false, ConfigKinds.StandardLocalRouteGroup)]
    public void ReferencesOf_BlockedOrLocalRouteGroupPattern_HasNoDestinationReference(bool block, string destination)
    {
        var pattern = new RoutePattern { Pattern = "9.XXXX", Partition = "P", Destination = destination, Block = block };

        var reference = Assert.Single(ConfigValidator.ReferencesOf(ConfigKinds.RoutePatterns, pattern));
        Assert.Equal(new ConfigReference("partitions", "P", "partition"), reference);
    }

    [Fact]
    public void ReferencesOf_EmptyOptionalReferences_AreOmitted()
    {
        var phone = new Phone { Name = World.PhoneName, Model = "", DevicePool = "", Lines = [new Line { Dn = "1", Partition = "" }] };

        Assert.Empty(ConfigKinds.Phones.ReferencesOf(phone));
    }

    private static IConfigObject Stub(ConfigKind kind, string key)
    {
        var item = (IConfigObject)Activator.CreateInstance(kind.Type)!;
        switch (item)
        {
            case NamedConfigObject named: named.Name = key; break;
            case EndUser user: user.UserId = key; break;
            case ApplicationUser app: app.UserId = key; break;
            case RemoteCluster remote: remote.ClusterId = key; break;
            case EmccDevice device: device.Name = key; break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind.Name, "no stub for this kind");
        }

        Assert.Equal(key, item.Key);
        return item;
    }
}
