using Emx.Cluster.Provisioning;

namespace Emx.Integration.Tests.Infrastructure;

/// <summary>Assertions on what a node stores, through its admin API.</summary>
public static class StoredState
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every object and section of <paramref name="document"/> reads back equal to its expected representation, and nothing else is stored.</summary>
    public static async Task AssertHoldsAsync(TestNode node, ProvisioningDocument document)
    {
        foreach (var (kind, items) in document.ObjectLists())
        {
            var listed = await node.ListAllAsync(kind.Name, Ct);
            var extra = kind.Name switch
            {
                "accessControlGroups" => AccessControlGroup.StandardGroups,
                "applicationUsers" => [node.Config.Admin?.UserId ?? TestNode.AdminUser],
                _ => [],
            };
            Assert.Equal(items.Select(Expected.KeyOf).Concat(extra).Order(StringComparer.Ordinal),
                listed.Select(i => i.GetProperty("key").GetString()!).Order(StringComparer.Ordinal));

            foreach (var item in items)
            {
                var key = Expected.KeyOf(item);
                var read = await node.GetObjectAsync(kind.Name, key, Ct);
                Expected.JsonEqual(Expected.Representation(item), JsonNode.Parse(read.GetRawText()), $"{kind.Name} '{key}' (GET)");
                var inList = listed.Single(i => i.GetProperty("key").GetString() == key);
                Expected.JsonEqual(Expected.Representation(item), JsonNode.Parse(inList.GetRawText()), $"{kind.Name} '{key}' (list)");
            }
        }

        var emcc = await node.ListAllAsync(ConfigKinds.EmccDevices.Name, Ct);
        var count = document.EmccDevices?.Count ?? 0;
        var template = document.EmccDevices?.Template ?? document.EmccTemplates.FirstOrDefault(t => t.Default)?.Name;
        Assert.Equal(
            Enumerable.Range(1, count).Select(n => $"EMCC{n}#{n}#{template}"),
            emcc.Select(d => $"{d.GetProperty("name").GetString()}#{d.GetProperty("number").GetInt32()}#{d.GetProperty("template").GetString()}"));

        foreach (var section in document.Sections())
        {
            var name = SettingsSections.Names[section.GetType()];
            var read = await node.GetSettingsAsync(name, Ct);
            Expected.JsonEqual(Expected.Representation(section), JsonNode.Parse(read.GetRawText()), $"settings section {name}");
        }
    }
}
