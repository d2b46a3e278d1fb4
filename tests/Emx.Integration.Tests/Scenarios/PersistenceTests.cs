using Emx.Cluster.Provisioning;
using YamlDotNet.RepresentationModel;

namespace Emx.Integration.Tests.Scenarios;

/// <summary>
/// The complete provisioning example stored and read back on every database provider: every object and settings
/// section comes back as written, applying it again changes nothing, and a restarted node still holds it all.
/// </summary>
public sealed class PersistenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string CompleteYaml => TestEnvironment.ExampleText("provisioning-complete.yaml");

    [Fact]
    public void CompleteExample_AsShipped_UsesEveryKindAndEverySettingsSection()
    {
        var document = Expected.Parse(CompleteYaml);

        var kinds = document.ObjectLists().Select(l => l.Kind.Name).ToHashSet();
        if (document.EmccDevices is { Count: > 0 })
        {
            kinds.Add(ConfigKinds.EmccDevices.Name);
        }

        Assert.Empty(ConfigKinds.All.Select(k => k.Name).Except(kinds));
        Assert.Empty(SettingsSections.Names.Keys.Except(document.Sections().Select(s => s.GetType())));
    }

    [Theory]
    [DatabaseData]
    public async Task ApplyCompleteExample_FreshNode_EveryObjectAndSectionReadsBackAsWrittenWithoutSecrets(DatabaseProvider provider)
    {
        await using var node = await TestNode.StartAsync(provider, null, Ct);

        var summary = await node.ApplyOkAsync(CompleteYaml, Ct);

        var document = Expected.Parse(CompleteYaml);
        Assert.Equal(document.ObjectLists().Sum(l => l.Items.Count), summary.Created);
        Assert.Equal(document.EmccDevices!.Count, summary.EmccDevicesInserted);
        await StoredState.AssertHoldsAsync(node, document);
        await AssertMatchesYamlAsync(node, CompleteYaml);
    }

    [Theory]
    [DatabaseData]
    public async Task ApplyCompleteExample_Twice_SecondApplyChangesNothingAndRestartKeepsEverything(DatabaseProvider provider)
    {
        await using var node = await TestNode.StartAsync(provider, null, Ct);
        var first = await node.ApplyOkAsync(CompleteYaml, Ct);
        var afterFirst = await node.SnapshotAsync(Ct);

        var second = await node.ApplyOkAsync(CompleteYaml, Ct);

        Assert.Equal(new ApplySummary(0, 0, first.Created + first.Updated + first.Unchanged, 0), second);
        var afterSecond = await node.SnapshotAsync(Ct);
        ConfigSnapshot.AssertSame(afterFirst.WithoutRowsOf("AuditLog"), afterSecond.WithoutRowsOf("AuditLog"),
            "applying the same document again must not create, change or duplicate anything");
        Assert.Equal(afterFirst.Rows["AuditLog"] + 1, afterSecond.Rows["AuditLog"]);

        await node.RestartAsync(Ct);

        var afterRestart = await node.SnapshotAsync(Ct);
        ConfigSnapshot.AssertSame(afterSecond.WithoutRowsOf("AuditLog"), afterRestart.WithoutRowsOf("AuditLog"),
            "a node restarted on the same database must hold the same configuration");
        await StoredState.AssertHoldsAsync(node, Expected.Parse(CompleteYaml));
        var third = await node.ApplyOkAsync(CompleteYaml, Ct);
        Assert.Equal(second, third);
    }

    /// <summary>Every field written in the YAML comes back with the value written (checked without the product's deserializer).</summary>
    internal static async Task AssertMatchesYamlAsync(TestNode node, string yaml)
    {
        var root = YamlSubset.Load(yaml);
        foreach (var (keyNode, value) in root.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value!;
            if (ConfigKinds.TryGet(name, out var kind) && value is YamlSequenceNode list)
            {
                foreach (var item in list.Children.Select(YamlSubset.AsObject))
                {
                    var key = YamlSubset.KeyOf(kind.Name, item);
                    YamlSubset.AssertContained(item, await node.GetObjectAsync(kind.Name, key, Ct), $"{kind.Name}['{key}']");
                }
            }
            else if (name == "serviceParameters")
            {
                var em = YamlSubset.Get((YamlMappingNode)value, "extensionMobility")!;
                YamlSubset.AssertContained(em, await node.GetSettingsAsync("serviceParameters.extensionMobility", Ct), "serviceParameters.extensionMobility");
            }
            else if (SettingsSections.Types.ContainsKey(name))
            {
                YamlSubset.AssertContained(value, await node.GetSettingsAsync(name, Ct), name);
            }
        }
    }
}
