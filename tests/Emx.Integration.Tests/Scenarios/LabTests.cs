using Microsoft.Data.Sqlite;

namespace Emx.Integration.Tests.Scenarios;

/// <summary>
/// <c>emx lab</c>: two clusters on their own loopback addresses from the built-in examples, stopped by
/// cancellation, and started again on the same data without duplicating anything.
/// </summary>
public sealed class LabTests
{
    private static readonly IPAddress ClusterAAddress = IPAddress.Parse("127.0.1.1");
    private static readonly IPAddress ClusterBAddress = IPAddress.Parse("127.0.2.1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What one run of the lab showed: objects per cluster through the API, then rows per table in each database.</summary>
    private sealed record LabRun(string ApiState, string Rows);

    [Fact]
    public async Task Lab_RunTwiceOnTheSameDataDirectory_BothClustersServeAndNothingIsDuplicated()
    {
        using var dataDir = new TempDirectory();
        try
        {
            var first = await RunLabAsync(dataDir.Path);
            var second = await RunLabAsync(dataDir.Path);

            Assert.Equal(first.ApiState, second.ApiState);
            Assert.Equal(first.Rows, second.Rows);
        }
        finally
        {
            foreach (var name in new[] { "cluster-a", "cluster-b" })
            {
                using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir.Path, name + ".db")}");
                SqliteConnection.ClearPool(connection);
            }
        }
    }

    private static async Task<LabRun> RunLabAsync(string dataDir)
    {
        var port = Ports.FreeOn(ClusterAAddress, ClusterBAddress);
        var stdout = new CapturingWriter();
        var stderr = new CapturingWriter();
        using var stop = Timeouts.After(TimeSpan.FromSeconds(90));
        var lab = Emx.EmxCli.RunAsync(["lab", "--data-dir", dataDir, "--http-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log-level", "Warning"],
            stdout, stderr, stop.Token);
        var state = new StringBuilder();
        try
        {
            using var http = new HttpClient(new SecretScanningHandler(new SocketsHttpHandler())) { Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:emx-lab-admin")));
            var clusters = new[] { ("ClusterA", ClusterAAddress, "cucm-a1"), ("ClusterB", ClusterBAddress, "cucm-b1") };
            foreach (var (clusterId, address, nodeName) in clusters)
            {
                var baseUrl = new Uri($"http://{address}:{port}/");
                await Timeouts.WaitUntilAsync(async ct =>
                {
                    Assert.False(lab.IsCompleted, $"the lab stopped early\nstdout:\n{stdout}\nstderr:\n{stderr}");
                    try
                    {
                        using var response = await http.GetAsync(new Uri(baseUrl, "health"), ct);
                        return response.IsSuccessStatusCode && JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement
                            .GetProperty("clusterId").GetString() == clusterId;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                }, TimeSpan.FromSeconds(60), $"{clusterId} to answer on {baseUrl}health");

                var health = JsonDocument.Parse(await http.GetStringAsync(new Uri(baseUrl, "health"), Ct)).RootElement;
                Assert.Equal(nodeName, health.GetProperty("node").GetString());
                foreach (var kind in new[] { "endUsers", "phones", "deviceProfiles", "emccDevices", "remoteClusters" })
                {
                    var page = JsonDocument.Parse(await http.GetStringAsync(new Uri(baseUrl, $"api/v1/{kind}?limit=1000"), Ct)).RootElement;
                    var keys = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("key").GetString()).ToList();
                    Assert.Equal(page.GetProperty("total").GetInt32(), keys.Count);
                    state.AppendLine($"{clusterId} {kind}: {string.Join(", ", keys)}");
                }
            }

            var expected = """
                ClusterA endUsers: alice, bob
                ClusterA phones: SEP0A0000000001, SEP0A0000000002
                ClusterA deviceProfiles: alice-8845, bob-8845
                ClusterA emccDevices: EMCC1, EMCC2, EMCC3, EMCC4, EMCC5, EMCC6, EMCC7, EMCC8, EMCC9, EMCC10
                ClusterA remoteClusters: ClusterB
                ClusterB endUsers: carol, dave
                ClusterB phones: SEP0B0000000001, SEP0B0000000002
                ClusterB deviceProfiles: carol-8845, dave-8845
                ClusterB emccDevices: EMCC1, EMCC2, EMCC3, EMCC4, EMCC5, EMCC6, EMCC7, EMCC8, EMCC9, EMCC10
                ClusterB remoteClusters: ClusterA

                """;
            Assert.Equal(expected.ReplaceLineEndings(), state.ToString().ReplaceLineEndings());
        }
        finally
        {
            await stop.CancelAsync();
        }

        var exit = await lab.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True(exit == Emx.ExitCodes.Ok, $"the lab must exit 0 when cancelled, exit {exit}\nstdout:\n{stdout}\nstderr:\n{stderr}");
        Assert.Contains("Stopping.", stdout.ToString(), StringComparison.Ordinal);

        var rows = new StringBuilder();
        foreach (var name in new[] { "cluster-a", "cluster-b" })
        {
            await using var db = EmxDatabase.CreateContext(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(dataDir, name + ".db")}");
            var database = new RowCounter(db);
            foreach (var (table, count) in await database.CountAsync(Ct))
            {
                // Every start records one apply in the audit log; everything else must stay as it was.
                if (table != "AuditLog")
                {
                    rows.AppendLine($"{name} {table}: {count}");
                }
            }
        }

        return new LabRun(state.ToString(), rows.ToString());
    }
}
