using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Emx.Cluster.Security;
using Emx.Domain.Configuration;
using Emx.Domain.Security;
using Microsoft.EntityFrameworkCore;

namespace Emx.Integration.Tests.Scenarios;

/// <summary>
/// EMCC trust between two lab clusters (ClusterA on 127.0.1.1, ClusterB on 127.0.2.1, HTTPS on free ports): node
/// certificates at first start, Bulk Certificate Management export / consolidate / import through a directory and
/// through SFTP (a private sshd), and the mutually authenticated inter-cluster probe <c>GET /emcc/v1/ping</c>.
/// </summary>
public sealed class EmccTrustTests
{
    private const string AdminPassword = "emx-lab-admin";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstStart_EveryNode_HasFiveCertificatesWithKeysOnlyInItsKeyStore()
    {
        await using var a = await TrustCluster.StartAsync("cluster-a.yaml", "127.0.1.1");
        await using var b = await TrustCluster.StartAsync("cluster-b.yaml", "127.0.2.1");

        var listedA = await a.GetJsonAsync("/api/v1/certificates");
        var listedB = await b.GetJsonAsync("/api/v1/certificates");

        var types = Enum.GetValues<CertificatePurpose>().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.ToString())).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(types, listedA.EnumerateArray().Select(c => c.GetProperty("type").GetString()!).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(types, listedB.EnumerateArray().Select(c => c.GetProperty("type").GetString()!).Order(StringComparer.Ordinal).ToList());
        var thumbprints = listedA.EnumerateArray().Concat(listedB.EnumerateArray()).Select(c => c.GetProperty("thumbprint").GetString()).ToList();
        Assert.Equal(10, thumbprints.Distinct().Count());
        foreach (var certificate in listedA.EnumerateArray())
        {
            Assert.Equal("cucm-a1", certificate.GetProperty("node").GetString());
            Assert.Contains("OU=", certificate.GetProperty("subject").GetString(), StringComparison.Ordinal);
            Assert.Equal("RSA 2048", certificate.GetProperty("keyAlgorithm").GetString());
            var years = (certificate.GetProperty("notAfter").GetDateTimeOffset() - certificate.GetProperty("notBefore").GetDateTimeOffset()).TotalDays / 365;
            Assert.InRange(years, 4.99, 5.01);
        }

        Assert.DoesNotContain("PRIVATE", listedA.GetRawText(), StringComparison.Ordinal);

        // One key file per certificate, 0600 in a 0700 directory; the database holds none.
        var keys = Directory.GetFiles(a.KeyStore, "*.key");
        Assert.Equal(5, keys.Length);
        foreach (var key in keys)
        {
            Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(key, Ct), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(a.KeyStore));
        }
        var database = await ReadDatabaseAsync(a);
        foreach (var key in keys)
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(await File.ReadAllTextAsync(key, Ct));
            var privateExponent = rsa.ExportParameters(includePrivateParameters: true).D!;
            Assert.True(database.AsSpan().IndexOf(privateExponent) < 0, $"the database holds the private key of {Path.GetFileName(key)}");
        }

        // The HTTPS listener presents the Tomcat certificate.
        var tomcat = listedA.EnumerateArray().Single(c => c.GetProperty("type").GetString() == "tomcat").GetProperty("thumbprint").GetString();
        Assert.Equal(tomcat, await PresentedThumbprintAsync(a.Lab.Node.HttpsUrl!));

        // A restart loads the same certificates; a lost key file gives that one certificate a new pair.
        await a.RestartAsync();
        var again = await a.GetJsonAsync("/api/v1/certificates");
        Assert.Equal(Thumbprints(listedA), Thumbprints(again));
        File.Delete(Directory.GetFiles(a.KeyStore, "capf-*.key").Single());
        await a.RestartAsync();
        var afterLoss = Thumbprints(await a.GetJsonAsync("/api/v1/certificates"));
        Assert.Equal(4, afterLoss.Intersect(Thumbprints(listedA)).Count());
        Assert.Equal(5, Directory.GetFiles(a.KeyStore, "*.key").Length);
    }

    [Fact]
    public async Task BulkCertificates_ThroughADirectory_TrustBothWaysThenRegenerationBreaksItUntilReexported()
    {
        using var share = new TempDirectory();
        await using var a = await TrustCluster.StartAsync("cluster-a.yaml", "127.0.1.1");
        await using var b = await TrustCluster.StartAsync("cluster-b.yaml", "127.0.2.1");
        var settings = $$"""{"location":"directory","directory":{{JsonSerializer.Serialize(share.Path)}}}""";
        await a.PutAsync("/api/v1/settings/bulkCertificateManagement", settings);
        await b.PutAsync("/api/v1/settings/bulkCertificateManagement", settings);

        // Before any import: neither side trusts the other.
        var untrusted = await Assert.ThrowsAsync<InterClusterTrustException>(() => a.PingAsync(b));
        Assert.Equal(InterClusterTrustFailure.PeerCertificateUntrusted, untrusted.Failure);
        Assert.Equal(208, InterClusterTrustException.EmAppErrorCode);
        Assert.Contains("tomcat-trust", untrusted.Reason, StringComparison.Ordinal);

        // Consolidate is available only once two or more clusters exported (seed). Cluster A uses the CLI.
        var (exit, stdout, stderr) = await CliAsync("certs", "export", "--url", a.Lab.Node.HttpUrl.ToString(), "--password", AdminPassword, "--type", "all");
        Assert.True(exit == 0, stderr);
        Assert.Contains("Exported 4 certificates of 1 node(s)", stdout, StringComparison.Ordinal);
        (exit, _, stderr) = await CliAsync("certs", "consolidate", "--url", a.Lab.Node.HttpUrl.ToString(), "--password", AdminPassword);
        Assert.Equal(3, exit);
        Assert.Contains("two or more clusters", stderr, StringComparison.Ordinal);
        var tooFew = await b.BulkAsync("consolidate", HttpStatusCode.Conflict);
        Assert.Equal("TooFewClusters", tooFew.GetProperty("error").GetString());
        Assert.Contains("two or more clusters", tooFew.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var notConsolidated = await a.BulkAsync("import", HttpStatusCode.Conflict);
        Assert.Equal("NotConsolidated", notConsolidated.GetProperty("error").GetString());

        await b.BulkAsync("export");
        Assert.True(File.Exists(Path.Combine(share.Path, "ClusterA.pfx")));
        Assert.True(File.Exists(Path.Combine(share.Path, "ClusterB.pfx")));
        AssertPublicOnly(Path.Combine(share.Path, "ClusterA.pfx"), 4);
        var consolidated = await b.BulkAsync("consolidate");
        Assert.Equal(8, consolidated.GetProperty("certificates").GetInt32());
        await a.BulkAsync("import");
        await b.BulkAsync("import");

        // The seed's mapping: CAPF -> CallManager-trust; Tomcat -> tomcat-trust; CallManager -> CallManager-trust and
        // Phone-SAST-trust; ITLRecovery -> Phone-SAST-trust and CallManager-trust. Nothing of its own cluster.
        var trustA = (await a.GetJsonAsync("/api/v1/trustStores")).EnumerateArray().ToList();
        Assert.All(trustA, t => Assert.Equal("ClusterB", t.GetProperty("sourceCluster").GetString()));
        Assert.Equal(
            ["CallManager-trust:callManager", "CallManager-trust:capf", "CallManager-trust:itlRecovery", "Phone-SAST-trust:callManager", "Phone-SAST-trust:itlRecovery", "tomcat-trust:tomcat"],
            trustA.Select(t => $"{t.GetProperty("storeName").GetString()}:{t.GetProperty("sourcePurpose").GetString()}").Order(StringComparer.Ordinal).ToList());
        Assert.Empty((await a.GetJsonAsync("/api/v1/trustStores?store=CAPF-trust")).EnumerateArray());

        // Mutual TLS both ways.
        var ping = await a.PingAsync(b);
        Assert.Equal("ClusterB", ping.GetProperty("clusterId").GetString());
        Assert.Equal("ClusterA", ping.GetProperty("peerClusterId").GetString());
        Assert.Equal("ClusterA", (await b.PingAsync(a)).GetProperty("clusterId").GetString());

        // Without a trusted client certificate the probe is refused (phones and browsers still reach the listener).
        await AssertRefusedAsync(b, clientCertificate: null);
        using (var stranger = SelfSigned("stranger"))
        {
            await AssertRefusedAsync(b, stranger);
        }

        var plain = await a.Lab.HttpAsync("/emcc/v1/ping");
        Assert.Equal(HttpStatusCode.Forbidden, plain.Status);

        // Regenerating B's Tomcat certificate: B says re-export is required, and A no longer trusts B (nor B's new client certificate).
        Assert.False((await b.GetJsonAsync("/api/v1/bulkCertificateManagement/status")).GetProperty("reexportRequired").GetBoolean());
        await b.PostAsync("/api/v1/certificates/cucm-b1/tomcat/regenerate");
        var status = await b.GetJsonAsync("/api/v1/bulkCertificateManagement/status");
        Assert.True(status.GetProperty("reexportRequired").GetBoolean());
        Assert.Contains("Re-export required", status.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["cucm-b1 tomcat"], status.GetProperty("changedCertificates").EnumerateArray().Select(c => c.GetString()).ToList());
        Assert.Equal(InterClusterTrustFailure.PeerCertificateUntrusted, (await Assert.ThrowsAsync<InterClusterTrustException>(() => a.PingAsync(b))).Failure);
        Assert.Equal(InterClusterTrustFailure.RefusedByPeer, (await Assert.ThrowsAsync<InterClusterTrustException>(() => b.PingAsync(a))).Failure);
        Assert.Equal(await b.TomcatThumbprintAsync(), await PresentedThumbprintAsync(b.Lab.Node.HttpsUrl!));

        // Re-export without consolidating again: import says the consolidation is stale.
        await b.BulkAsync("export");
        Assert.False((await b.GetJsonAsync("/api/v1/bulkCertificateManagement/status")).GetProperty("reexportRequired").GetBoolean());
        Assert.Equal("ConsolidationStale", (await a.BulkAsync("import", HttpStatusCode.Conflict)).GetProperty("error").GetString());
        await a.BulkAsync("consolidate");
        await a.BulkAsync("import");
        await b.BulkAsync("import");
        Assert.Equal("ClusterB", (await a.PingAsync(b)).GetProperty("clusterId").GetString());
        Assert.Equal("ClusterA", (await b.PingAsync(a)).GetProperty("clusterId").GetString());

        // The old certificate was replaced, not kept beside the new one.
        var tomcatTrust = (await a.GetJsonAsync("/api/v1/trustStores?store=tomcat-trust")).EnumerateArray().ToList();
        Assert.Equal(await b.TomcatThumbprintAsync(), Assert.Single(tomcatTrust).GetProperty("thumbprint").GetString());

        // Every run is a job of the job scheduler, failures included.
        var jobs = (await a.GetJsonAsync("/api/v1/jobs")).EnumerateArray().Select(j => $"{j.GetProperty("type").GetString()}:{j.GetProperty("status").GetString()}").ToList();
        Assert.Contains("Bulk Certificate Import:failed", jobs);
        Assert.Contains("Bulk Certificate Import:completed", jobs);

        // Deleting the trust entry ends the trust at once.
        await a.DeleteAsync($"/api/v1/trustStores/{tomcatTrust[0].GetProperty("id").GetInt64()}");
        await Assert.ThrowsAsync<InterClusterTrustException>(() => a.PingAsync(b));
    }

    [Fact]
    public async Task BulkCertificates_ThroughSftp_ExportConsolidateImportThenMutualTls()
    {
        if (Sshd.Find(nameof(BulkCertificates_ThroughSftp_ExportConsolidateImportThenMutualTls)) is not { } sshdPath)
        {
            return;
        }

        await using var sshd = await Sshd.StartAsync(sshdPath, Ct);
        await using var a = await TrustCluster.StartAsync("cluster-a.yaml", "127.0.1.1");
        await using var b = await TrustCluster.StartAsync("cluster-b.yaml", "127.0.2.1");
        string Settings(string hostKey) => JsonSerializer.Serialize(new
        {
            location = "sftp", server = "127.0.0.1", port = sshd.Port, userId = Sshd.UserName, identityFile = sshd.ClientKey,
            directory = sshd.ShareDirectory, hostKey, timeoutSeconds = 30,
        });

        // A host key other than the server's is refused before anything is sent.
        await a.PutAsync("/api/v1/settings/bulkCertificateManagement", Settings("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH+C9okWi0dh2CGAKqu"));
        var wrongHost = await a.BulkAsync("export", HttpStatusCode.BadGateway);
        Assert.Equal("TransferFailed", wrongHost.GetProperty("error").GetString());
        Assert.Contains("Host key verification failed", wrongHost.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(sshd.ShareDirectory));

        await a.PutAsync("/api/v1/settings/bulkCertificateManagement", Settings(sshd.HostKey));
        await b.PutAsync("/api/v1/settings/bulkCertificateManagement", Settings(sshd.HostKey));
        await a.BulkAsync("export");
        Assert.Equal("TooFewClusters", (await a.BulkAsync("consolidate", HttpStatusCode.Conflict)).GetProperty("error").GetString());
        await b.BulkAsync("export");
        await a.BulkAsync("consolidate");
        Assert.Equal(["ClusterA.pfx", "ClusterB.pfx", "consolidated.p12"], Directory.GetFiles(sshd.ShareDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        var imported = await a.BulkAsync("import");
        Assert.Equal(["ClusterB"], imported.GetProperty("clusters").EnumerateArray().Select(c => c.GetString()).ToList());
        await b.BulkAsync("import");

        Assert.Equal("ClusterB", (await a.PingAsync(b)).GetProperty("clusterId").GetString());
        Assert.Equal("ClusterA", (await b.PingAsync(a)).GetProperty("clusterId").GetString());
        Assert.Contains("Accepted publickey", sshd.Log, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateBundle_KeysOrForeignFiles_AreRefusedAndOwnFilesRoundTrip()
    {
        using var certificate = SelfSigned("bundle");
        BundledCertificate[] entries = [new("ClusterA", "node/with/slashes", CertificatePurpose.ItlRecovery, certificate.RawData)];

        var (read, error) = CertificateBundle.Read(CertificateBundle.Write(entries));
        Assert.Null(error);
        var entry = Assert.Single(read);
        Assert.Equal(("ClusterA", "node/with/slashes", CertificatePurpose.ItlRecovery), (entry.ClusterId, entry.Node, entry.Purpose));
        Assert.Equal(certificate.RawData, entry.Der);

        // A PKCS#12 carrying a private key is refused, as is one without emx's friendly names, or not PKCS#12 at all.
        Assert.Contains("private key", CertificateBundle.Read(certificate.Export(X509ContentType.Pkcs12)).Error, StringComparison.Ordinal);
        var unnamed = new System.Security.Cryptography.Pkcs.Pkcs12SafeContents();
        unnamed.AddCertificate(certificate);
        var builder = new System.Security.Cryptography.Pkcs.Pkcs12Builder();
        builder.AddSafeContentsUnencrypted(unnamed);
        builder.SealWithoutIntegrity();
        Assert.Contains("friendly name", CertificateBundle.Read(builder.Encode()).Error, StringComparison.Ordinal);
        Assert.Contains("not a valid PKCS#12", CertificateBundle.Read("not pkcs12"u8.ToArray()).Error, StringComparison.Ordinal);
        Assert.Contains("larger", CertificateBundle.Read(new byte[CertificateBundle.MaxBytes + 1]).Error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> CliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await Emx.EmxCli.RunAsync(args, stdout, stderr, Ct);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static List<string> Thumbprints(JsonElement list) =>
        list.EnumerateArray().Select(c => c.GetProperty("thumbprint").GetString()!).Order(StringComparer.Ordinal).ToList();

    private static async Task<byte[]> ReadDatabaseAsync(TrustCluster cluster)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = new List<byte>();
        foreach (var file in Directory.GetFiles(cluster.Lab.DataDirectory.FullName, "emx.db*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory, Ct);
            bytes.AddRange(memory.ToArray());
        }

        return [.. bytes];
    }

    private static void AssertPublicOnly(string pfx, int expected)
    {
        var (certificates, error) = CertificateBundle.Read(File.ReadAllBytes(pfx));
        Assert.Null(error);
        Assert.Equal(expected, certificates.Count);
        var loaded = X509CertificateLoader.LoadPkcs12Collection(File.ReadAllBytes(pfx), string.Empty);
        Assert.Equal(expected, loaded.Count);
        Assert.All(loaded, c => Assert.False(c.HasPrivateKey));
    }

    private static async Task<string?> PresentedThumbprintAsync(Uri https)
    {
        string? presented = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            presented = certificate is null ? null : Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));
            return presented is not null;
        };
        using var client = new HttpClient(handler);
        using var response = await client.GetAsync(new Uri(https, "/health"), Ct);
        return presented;
    }

    private static async Task AssertRefusedAsync(TrustCluster target, X509Certificate2? clientCertificate)
    {
        using var handler = new SocketsHttpHandler();
        // Only the server's being there matters here: what is tested is the server's decision about the client.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null;
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        using var client = new HttpClient(handler);
        using var response = await client.GetAsync(new Uri(target.Lab.Node.HttpsUrl!, "/emcc/v1/ping"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(response.Headers.Contains(UntrustedPeerHeader.Name));
        Assert.Contains("tomcat-trust", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static X509Certificate2 SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UnixEpoch.AddYears(50), DateTimeOffset.UnixEpoch.AddYears(80));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A lab cluster with HTTPS on a free port and an admin client.</summary>
    private sealed class TrustCluster : IAsyncDisposable
    {
        private HttpClient _admin;

        private TrustCluster(EmAppLab lab)
        {
            Lab = lab;
            _admin = Admin(lab);
        }

        public EmAppLab Lab { get; }

        public string KeyStore => Path.Combine(Lab.DataDirectory.FullName, "keys", Lab.Node.Config.Node.Name);

        public static async Task<TrustCluster> StartAsync(string labFile, string address) =>
            new(await EmAppLab.StartAsync(address: address, https: 0, labFile: labFile));

        public async Task RestartAsync()
        {
            await Lab.RestartAsync();
            _admin.Dispose();
            _admin = Admin(Lab);
        }

        public async Task<JsonElement> PingAsync(TrustCluster target)
        {
            using var client = Lab.Service<InterClusterHttpClientFactory>().Create(TimeSpan.FromSeconds(30));
            using var response = await client.GetAsync(new Uri(target.Lab.Node.HttpsUrl!, "/emcc/v1/ping"), Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"ping {target.Lab.Node.HttpsUrl}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }

        public async Task<string> TomcatThumbprintAsync()
        {
            await using var db = Lab.Db();
            return await db.NodeCertificates.Where(c => c.Purpose == CertificatePurpose.Tomcat).Select(c => c.Thumbprint).SingleAsync(Ct);
        }

        public Task<JsonElement> GetJsonAsync(string path) => SendAsync(HttpMethod.Get, path, null, HttpStatusCode.OK);

        public Task<JsonElement> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json, HttpStatusCode.OK);

        public Task<JsonElement> PostAsync(string path) => SendAsync(HttpMethod.Post, path, null, HttpStatusCode.OK);

        public Task<JsonElement> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null, HttpStatusCode.NoContent);

        public Task<JsonElement> BulkAsync(string operation, HttpStatusCode expected = HttpStatusCode.OK) =>
            SendAsync(HttpMethod.Post, $"/api/v1/bulkCertificateManagement/{operation}?type=all", null, expected);

        private async Task<JsonElement> SendAsync(HttpMethod method, string path, string? json, HttpStatusCode expected)
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            using var response = await _admin.SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == expected, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
            return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        }

        private static HttpClient Admin(EmAppLab lab)
        {
            var client = new HttpClient { BaseAddress = lab.Node.HttpUrl, Timeout = TimeSpan.FromSeconds(90) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{AdminPassword}")));
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            _admin.Dispose();
            await Lab.DisposeAsync();
        }
    }
}
