using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Emx.Cluster.Configuration;
using Emx.Cluster.Emcc;
using Emx.Cluster.Provisioning;
using Emx.Cluster.Security;
using Emx.Domain.Security;
using Emx.Domain.Configuration;
using Emx.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Emx.Bench;

/// <summary>
/// <c>emx bench emcc</c>: two lab clusters in this process (home ClusterA on 127.0.1.1, visiting ClusterB on
/// 127.0.2.1, each with its own SQLite file and HTTPS listener, trusting each other's Tomcat certificate), N EMCC users
/// at home and N EMCC phones at the visiting cluster; C clients each loop an EMCC login on the visiting cluster's EMApp
/// (which asks home "check user" and "home login" over HTTPS) and the logout on the home cluster's EMApp (which tells
/// the visiting cluster over HTTPS), over keep-alive HTTP like a phone. Reports pairs/s, login and logout latency
/// percentiles, errors by code, CPU, RSS and fsync; bounded by warm-up plus duration.
/// </summary>
public static partial class EmccBench
{
    /// <summary>The home cluster's node address (lab cluster A).</summary>
    public const string HomeAddress = "127.0.1.1";

    /// <summary>The visiting cluster's node address (lab cluster B).</summary>
    public const string VisitingAddress = "127.0.2.1";

    /// <summary>The benchmark phones' model: the lab's EMCC-capable Cisco 8845.</summary>
    public const string PhoneModel = "Cisco 8845";

    private const int ProvisionBatch = 5000;

    /// <summary>Maximum Concurrent Requests on both clusters for the run (the service parameter's upper bound; default 5).</summary>
    private const int MaximumConcurrentRequests = 100;

    private const string EmAppPath = "emapp/EMAppServlet";

    private const string IssueTargetSource = "issue 5, Performance: p50 under 20 ms and p99 under 100 ms per login, at least 100 EMCC logins per second";

    /// <summary>The visiting phone of pair <paramref name="i"/>: SEP + 12 hex digits.</summary>
    public static string PhoneName(int i) => "SEPBC" + i.ToString("X10", CultureInfo.InvariantCulture);

    /// <summary>The home end user of pair <paramref name="i"/>.</summary>
    public static string UserId(int i) => "emccbench" + i.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The user's device profile.</summary>
    public static string ProfileName(int i) => UserId(i) + "-udp";

    /// <summary>Export, consolidate and import between the two clusters; null on success, else the problem.</summary>
    private static async Task<string?> ExchangeCertificatesAsync(EmxNode home, EmxNode visiting, DirectoryInfo dataDir, TextWriter stderr, CancellationToken ct)
    {
        var share = dataDir.CreateSubdirectory("certificate-share");
        var location = new BulkCertificateManagement { Location = SharedLocationKind.Directory, Directory = share.FullName };
        foreach (var node in new[] { home, visiting })
        {
            if (await ApplyAsync(node.App.Services.GetRequiredService<ProvisioningService>(), new ProvisioningDocument { BulkCertificateManagement = location }, "bulk certificate management", stderr, ct) is null)
            {
                return "the shared location was refused";
            }
        }

        var homeBulk = home.App.Services.GetRequiredService<BulkCertificateService>();
        var visitingBulk = visiting.App.Services.GetRequiredService<BulkCertificateService>();
        foreach (var step in new Func<Task<BulkCertificateResult>>[]
        {
            () => homeBulk.ExportAsync(BulkCertificateType.All, "bench", ct),
            () => visitingBulk.ExportAsync(BulkCertificateType.All, "bench", ct),
            () => homeBulk.ConsolidateAsync(BulkCertificateType.All, "bench", ct),
            () => homeBulk.ImportAsync(BulkCertificateType.All, "bench", ct),
            () => visitingBulk.ImportAsync(BulkCertificateType.All, "bench", ct),
        })
        {
            var result = await step();
            if (result.Error is not null)
            {
                return result.Message;
            }
        }

        // Update Remote Cluster Now on both sides: the updates made at start-up, before the clusters trusted each
        // other, marked the peer as not remotely activated.
        foreach (var (node, peer) in new[] { (home, "ClusterB"), (visiting, "ClusterA") })
        {
            var state = await node.App.Services.GetRequiredService<RemoteClusterUpdater>().UpdateAsync(peer, ct);
            await stderr.WriteLineAsync($"emx bench emcc: remote cluster {peer}: {(state is null ? "not configured" : System.Text.Json.JsonSerializer.Serialize(state))}");
        }

        return null;
    }

    /// <summary>The user's PIN (five digits).</summary>
    public static string Pin(int i) => (10_000 + (i % 90_000)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs the benchmark; results to <paramref name="stdout"/>, progress to <paramref name="stderr"/>.</summary>
    public static async Task<int> RunAsync(EmccBenchOptions options, TextWriter stdout, TextWriter stderr, LogLevel logLevel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (Validate(options) is { } problem)
        {
            await stderr.WriteLineAsync($"emx bench emcc: {problem}");
            return ExitCodes.InvalidConfiguration;
        }

        var rssBefore = Environment.WorkingSet;
        var dataDir = Directory.CreateTempSubdirectory("emx-bench-emcc-");
        EmxNode? home = null;
        EmxNode? visiting = null;
        try
        {
            var setup = Stopwatch.StartNew();

            var homeHttps = FreeTcpPort(HomeAddress);
            var visitingHttps = FreeTcpPort(VisitingAddress);
            var homeConfig = LabConfig("cluster-a", HomeAddress, homeHttps, visitingHttps, dataDir, stderr);
            var visitingConfig = LabConfig("cluster-b", VisitingAddress, visitingHttps, homeHttps, dataDir, stderr);
            if (homeConfig is null || visitingConfig is null)
            {
                return ExitCodes.Failure;
            }

            (home, var homeErrors) = await EmxNode.StartAsync(homeConfig, logging => EmxCli.ConfigureLogging(logging, logLevel), cancellationToken);
            if (home is null)
            {
                EmxCli.PrintErrors(stderr, "emx bench emcc: the home node did not start", homeErrors);
                return ExitCodes.Failure;
            }

            (visiting, var visitingErrors) = await EmxNode.StartAsync(visitingConfig, logging => EmxCli.ConfigureLogging(logging, logLevel), cancellationToken);
            if (visiting is null)
            {
                EmxCli.PrintErrors(stderr, "emx bench emcc: the visiting node did not start", visitingErrors);
                return ExitCodes.Failure;
            }

            // The seed's trust step: Bulk Certificate Management through a shared directory (export both, consolidate,
            // import both), so the inter-cluster requests measured are mutual TLS against the trust stores.
            if (await ExchangeCertificatesAsync(home, visiting, dataDir, stderr, cancellationToken) is { } trustProblem)
            {
                await stderr.WriteLineAsync("emx bench emcc: certificate exchange failed: " + trustProblem);
                return ExitCodes.Failure;
            }
            await stderr.WriteLineAsync($"emx bench emcc: home ClusterA at {home.HttpUrl} (EMService {home.HttpsUrl}), visiting ClusterB at {visiting.HttpUrl} (EMService {visiting.HttpsUrl}); SQLite in {dataDir.FullName}");

            var provisioning = await ProvisionAsync(home, visiting, options.Users, stderr, cancellationToken);
            if (provisioning is null)
            {
                return ExitCodes.Rejected;
            }

            provisioning = provisioning with { Seconds = Math.Round(setup.Elapsed.TotalSeconds, 1) };
            var rssProvisioned = Environment.WorkingSet;
            await stderr.WriteLineAsync($"emx bench emcc: two nodes started and {options.Users} users, profiles, phones and EMCC devices provisioned in {provisioning.Seconds:0.0} s");

            var run = new Run(options, home.HttpUrl, visiting.HttpUrl, stderr);
            var fsyncBefore = FsyncProbe.Measure(dataDir.FullName);
            var loadBefore = LoadAverage();
            var result = await run.LoadAsync(cancellationToken);
            var loadAfter = LoadAverage();
            var rssAfter = Environment.WorkingSet;
            var fsyncAfter = FsyncProbe.Measure(dataDir.FullName);
            var report = run.BuildReport(result, provisioning, new StorageReport(dataDir.FullName, fsyncBefore, fsyncAfter), new EmccRssReport(rssBefore, rssProvisioned, rssAfter)) with
            {
                LoadAverage = loadBefore is { } b && loadAfter is { } a ? [b, a] : null,
            };

            await stdout.WriteAsync(options.Json ? JsonSerializer.Serialize(report, EmBench.ReportJson) + Environment.NewLine : Text(report));
            await stdout.FlushAsync(CancellationToken.None);
            if (options.Output is { } output)
            {
                await File.WriteAllTextAsync(output.FullName, Markdown(report), CancellationToken.None);
                await stderr.WriteLineAsync($"emx bench emcc: Markdown report written to {output.FullName}");
            }

            return report.Passed ? ExitCodes.Ok : ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("emx bench emcc: interrupted");
            return ExitCodes.Failure;
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            foreach (var node in new[] { visiting, home })
            {
                if (node is not null)
                {
                    await node.StopAsync(stopping.Token);
                    await node.DisposeAsync();
                }
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                dataDir.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string? Validate(EmccBenchOptions o)
    {
        if (o.Users is < 1 or > EmccBenchOptions.MaxUsers)
        {
            return $"--users must be between 1 and {EmccBenchOptions.MaxUsers}: home needs one EMCC device per user, and Phones + 2 x EMCC devices may not exceed MaxPhones (60,000)";
        }

        if (o.Clients < 1 || o.Clients > o.Users)
        {
            return $"--clients must be between 1 and --users ({o.Users}): each client needs its own phones and users";
        }

        if (o.DurationSeconds <= 0 || o.DurationSeconds > 3600 || o.WarmupSeconds < 0 || o.WarmupSeconds > 600)
        {
            return "--duration must be in (0, 3600] seconds and --warmup in [0, 600]";
        }

        return null;
    }

    /// <summary>A lab cluster's built-in configuration on its loopback address with free ports, a temporary database and the peer's real HTTPS port.</summary>
    private static EmxConfigFile? LabConfig(string name, string address, int https, int peerHttps, DirectoryInfo dataDir, TextWriter stderr)
    {
        var config = Lab.Load(name, dataDir, 0, stderr);
        if (config?.Provision is not { } provision)
        {
            return null;
        }

        config.Node.Address = address;
        config.Node.Ports = new PortsConfig { Http = 0, Https = https, Config = 0, Sip = 0 };
        config.Admin = new AdminConfig { UserId = "admin", Password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)) };
        provision.ServiceParameters ??= new ServiceParametersSection();
        provision.ServiceParameters.ExtensionMobility ??= new ExtensionMobilityServiceParameters();
        provision.ServiceParameters.ExtensionMobility.MaximumConcurrentRequests = MaximumConcurrentRequests;
        foreach (var remote in provision.RemoteClusters)
        {
            remote.HttpsPort = peerHttps;
        }

        return config;
    }

    /// <summary>The 1-minute load average, or null where /proc/loadavg cannot be read.</summary>
    private static double? LoadAverage()
    {
        try
        {
            var text = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg") : null;
            return text is not null && double.TryParse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int FreeTcpPort(string address)
    {
        using var listener = new TcpListener(IPAddress.Parse(address), 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Points each cluster's EMCC trunk at the other's real SIP port, then provisions, in documents of
    /// <see cref="ProvisionBatch"/>: at home the users (Enable EMCC, PIN, one profile each with one line and the EMCC
    /// CSS) and at least N EMCC devices (Insert EMCC Devices); at the visiting cluster N EMCC-capable phones with
    /// Extension Mobility enabled, in London (the lab's roaming device pool at home).
    /// </summary>
    private static async Task<EmccProvisioningReport?> ProvisionAsync(EmxNode home, EmxNode visiting, int users, TextWriter stderr, CancellationToken ct)
    {
        var homeProvisioning = home.App.Services.GetRequiredService<ProvisioningService>();
        var visitingProvisioning = visiting.App.Services.GetRequiredService<ProvisioningService>();
        int homeCreated = 0, visitingCreated = 0, inserted = 0;
        if (visiting.SipEndPoint is { } visitingSip && home.SipEndPoint is { } homeSip)
        {
            if (await ApplyAsync(homeProvisioning, new ProvisioningDocument { SipTrunks = [EmccTrunk("EMCC-Trunk-B", VisitingAddress, visitingSip.Port)] }, "home", stderr, ct) is null
                || await ApplyAsync(visitingProvisioning, new ProvisioningDocument { SipTrunks = [EmccTrunk("EMCC-Trunk-A", HomeAddress, homeSip.Port)] }, "visiting", stderr, ct) is null)
            {
                return null;
            }
        }

        for (var from = 0; from < users; from += ProvisionBatch)
        {
            var to = Math.Min(users, from + ProvisionBatch);
            var homeDocument = new ProvisioningDocument();
            var visitingDocument = new ProvisioningDocument();
            for (var i = from; i < to; i++)
            {
                homeDocument.DeviceProfiles.Add(new DeviceProfile
                {
                    Name = ProfileName(i),
                    ProductType = PhoneModel,
                    EmccCss = "AllCSS",
                    Lines = [new Line { Dn = "8" + i.ToString("D6", CultureInfo.InvariantCulture), Partition = "Internal", Css = "InternalCSS" }],
                });
                homeDocument.EndUsers.Add(new EndUser
                {
                    UserId = UserId(i),
                    LastName = "Bench",
                    Pin = Pin(i),
                    EnableExtensionMobilityCrossCluster = true,
                    ControlledProfiles = [ProfileName(i)],
                });
                visitingDocument.Phones.Add(new Phone
                {
                    Name = PhoneName(i),
                    Model = PhoneModel,
                    Css = "AllCSS",
                    Geolocation = "London",
                    EnableExtensionMobility = true,
                    Lines = [new Line { Dn = "9" + i.ToString("D6", CultureInfo.InvariantCulture), Partition = "Internal" }],
                });
            }

            if (to == users)
            {
                homeDocument.EmccDevices = new EmccDeviceInsertion { Count = users };
            }

            var watch = Stopwatch.StartNew();
            var homeResult = await ApplyAsync(homeProvisioning, homeDocument, "home", stderr, ct);
            var visitingResult = homeResult is null ? null : await ApplyAsync(visitingProvisioning, visitingDocument, "visiting", stderr, ct);
            if (homeResult is null || visitingResult is null)
            {
                return null;
            }

            homeCreated += homeResult.Created;
            visitingCreated += visitingResult.Created;
            inserted += homeResult.EmccDevicesInserted;
            await stderr.WriteLineAsync($"emx bench emcc: provisioned pairs {from}-{to - 1} in {watch.Elapsed.TotalSeconds:F1} s");
        }

        return new EmccProvisioningReport(0, homeCreated, visitingCreated, inserted);
    }

    private static SipTrunk EmccTrunk(string name, string destination, int port) => new()
    {
        Name = name,
        ServiceType = TrunkServiceType.ExtensionMobilityCrossClusters,
        Destination = destination,
        Port = port,
        Css = "AllCSS",
        SendGeolocation = true,
    };

    private static async Task<ApplyResult?> ApplyAsync(ProvisioningService provisioning, ProvisioningDocument document, string side, TextWriter stderr, CancellationToken ct)
    {
        var result = await provisioning.ApplyAsync(document, "emx bench emcc", ct);
        if (result.Succeeded)
        {
            return result;
        }

        EmxCli.PrintErrors(stderr, $"emx bench emcc: provisioning the {side} cluster was rejected", result.Errors);
        return null;
    }

    /// <summary>The load on one pair of clusters.</summary>
    private sealed class Run(EmccBenchOptions options, Uri homeUrl, Uri visitingUrl, TextWriter stderr)
    {
        private readonly Progress _progress = new();

        public async Task<LoadResult> LoadAsync(CancellationToken ct)
        {
            var pairs = Enumerable.Range(0, options.Users).Select(i => new Pair(
                i,
                new Uri(visitingUrl, $"{EmAppPath}?device={PhoneName(i)}&EMCC=true&userid={UserId(i)}&seq={Pin(i)}"),
                new Uri(homeUrl, $"{EmAppPath}?device={PhoneName(i)}&EMCC=true&doLogout=true"))).ToArray();
            var clients = Enumerable.Range(0, options.Clients).Select(c => new Client(pairs.Where(p => p.Index % options.Clients == c).ToArray())).ToArray();
            using var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = options.Clients + 4,
                UseProxy = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                ConnectTimeout = TimeSpan.FromSeconds(10),
            };
            using var http = new HttpClient(handler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(30) };

            var start = Stopwatch.GetTimestamp();
            var measureStart = start + Ticks(options.WarmupSeconds);
            var measureEnd = measureStart + Ticks(options.DurationSeconds);
            await stderr.WriteLineAsync($"emx bench emcc: {options.Clients} clients, {options.Users} users: warm-up {options.WarmupSeconds:0.#} s, then {options.DurationSeconds:0.#} s measured");

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sampler = SampleAsync(measureStart, measureEnd, stop.Token);
            var tasks = clients.Select(c => Task.Run(() => ClientLoopAsync(http, c, _progress, measureStart, measureEnd, ct), CancellationToken.None)).ToArray();
            var interrupted = false;
            try
            {
                await Task.WhenAll(tasks);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                interrupted = true;
            }

            var finished = Stopwatch.GetTimestamp();
            await stop.CancelAsync();
            var samples = await sampler;
            return new LoadResult(clients, measureStart, Math.Min(measureEnd, finished), samples, interrupted);
        }

        private static async Task ClientLoopAsync(HttpClient http, Client client, Progress progress, long measureStart, long measureEnd, CancellationToken ct)
        {
            var next = 0;
            while (Stopwatch.GetTimestamp() < measureEnd)
            {
                ct.ThrowIfCancellationRequested();
                var pair = client.Pairs[next];
                next = (next + 1) % client.Pairs.Length;

                var sent = Stopwatch.GetTimestamp();
                var loginError = await SendAsync(http, pair.Login, "login", LoginSucceeded, ct);
                var received = Stopwatch.GetTimestamp();
                client.Record(client.Login, sent, received, measureStart, measureEnd, loginError);
                if (loginError is not null)
                {
                    continue;
                }

                if (received >= measureStart && received < measureEnd)
                {
                    client.CompletedLogins++;
                }

                sent = Stopwatch.GetTimestamp();
                var logoutError = await SendAsync(http, pair.Logout, "logout", LogoutSucceeded, ct);
                received = Stopwatch.GetTimestamp();
                client.Record(client.Logout, sent, received, measureStart, measureEnd, logoutError);
                if (logoutError is null && received >= measureStart && received < measureEnd)
                {
                    client.CompletedPairs++;
                    Interlocked.Increment(ref progress.Pairs);
                }
            }
        }

        /// <summary>One GET as the phone sends it; null when the screen is the success screen, else the error's name.</summary>
        private static async Task<string?> SendAsync(HttpClient http, Uri uri, string operation, string success, CancellationToken ct)
        {
            try
            {
                using var response = await http.GetAsync(uri, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return operation + " HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
                }

                if (text.Contains(success, StringComparison.Ordinal))
                {
                    return null;
                }

                // Error screens carry the seed's display string, which ends in the code: "Login is unavailable(208)".
                var code = DisplayCode().Match(text);
                return code.Success ? operation + " " + code.Groups[1].Value : operation + " unrecognised answer: " + Truncate(text, 80);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                return operation + " timeout (30 s)";
            }
            catch (HttpRequestException ex)
            {
                return operation + " connection: " + (ex.InnerException is SocketException s ? s.SocketErrorCode.ToString() : ex.HttpRequestError.ToString());
            }
        }

        private async Task<List<Sample>> SampleAsync(long measureStart, long measureEnd, CancellationToken ct)
        {
            var samples = new List<Sample>();
            try
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureStart);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, ct);
                }

                samples.Add(Sample.Take(measureStart, null, true, Interlocked.Read(ref _progress.Pairs)));
                while (Stopwatch.GetTimestamp() < measureEnd)
                {
                    var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureEnd);
                    await Task.Delay(remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1), ct);
                    samples.Add(Sample.Take(measureStart, null, true, Interlocked.Read(ref _progress.Pairs)));
                }
            }
            catch (OperationCanceledException)
            {
                samples.Add(Sample.Take(measureStart, null, true, Interlocked.Read(ref _progress.Pairs)));
            }

            return samples;
        }

        public EmccBenchReport BuildReport(LoadResult result, EmccProvisioningReport provisioning, StorageReport storage, EmccRssReport rss)
        {
            var login = new LatencyHistogram();
            var logout = new LatencyHistogram();
            var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
            long pairs = 0, logins = 0, warmupRequests = 0;
            foreach (var client in result.Clients)
            {
                login.Add(client.Login);
                logout.Add(client.Logout);
                pairs += client.CompletedPairs;
                logins += client.CompletedLogins;
                warmupRequests += client.WarmupRequests;
                foreach (var (code, count) in client.Errors)
                {
                    errors[code] = errors.GetValueOrDefault(code) + count;
                }
            }

            var seconds = Stopwatch.GetElapsedTime(result.MeasureStart, result.MeasureEnd).TotalSeconds;
            var first = result.Samples.FirstOrDefault();
            var last = result.Samples.LastOrDefault();
            var window = first is not null && last is not null ? Stopwatch.GetElapsedTime(first.Timestamp, last.Timestamp).TotalSeconds : 0;
            var errorTotal = errors.Values.Sum();
            var loginsPerSecond = seconds > 0 ? logins / seconds : 0;
            var loginLatency = LatencyReport.Of(login);
            var intervals = result.Samples.Zip(result.Samples.Skip(1))
                .Where(p => p.Second.Seconds - p.First.Seconds >= 0.5)
                .Select(p => new[] { Math.Round(p.Second.Seconds, 1), Math.Round((p.Second.Pairs - p.First.Pairs) / (p.Second.Seconds - p.First.Seconds), 1) })
                .ToList();
            var defaults = new EmccBenchOptions();
            var fromIssue = options.TargetLoginsPerSecond == defaults.TargetLoginsPerSecond && options.TargetLoginP50Ms == defaults.TargetLoginP50Ms && options.TargetLoginP99Ms == defaults.TargetLoginP99Ms;
            var targets = new EmccTargetsReport(
                fromIssue ? IssueTargetSource : "command line",
                options.TargetLoginsPerSecond,
                options.TargetLoginP50Ms,
                options.TargetLoginP99Ms,
                loginsPerSecond >= options.TargetLoginsPerSecond,
                login.Count > 0 && loginLatency.P50 < options.TargetLoginP50Ms,
                login.Count > 0 && loginLatency.P99 < options.TargetLoginP99Ms);

            return new EmccBenchReport
            {
                Tool = "emx bench emcc",
                Version = EmxNode.Version,
                Machine = MachineReport.Current(),
                Run = new EmccRunReport
                {
                    HomeUrl = homeUrl.ToString(),
                    VisitingUrl = visitingUrl.ToString(),
                    InterCluster = "EMService over HTTPS with mutual TLS (keep-alive), trusted through Bulk Certificate Management (export, consolidate, import)",
                    Users = options.Users,
                    Clients = options.Clients,
                    WarmupSeconds = options.WarmupSeconds,
                    DurationSeconds = options.DurationSeconds,
                    MeasuredSeconds = Math.Round(seconds, 3),
                    Interrupted = result.Interrupted,
                },
                Provisioning = provisioning,
                Results = new EmccResultsReport
                {
                    Pairs = pairs,
                    PairsPerSecond = Math.Round(seconds > 0 ? pairs / seconds : 0, 1),
                    LoginsPerSecond = Math.Round(loginsPerSecond, 1),
                    WarmupRequests = warmupRequests,
                    LatencyMs = new Dictionary<string, LatencyReport>(StringComparer.Ordinal)
                    {
                        ["login"] = loginLatency,
                        ["logout"] = LatencyReport.Of(logout),
                    },
                    Errors = errorTotal,
                    ErrorsByCode = errors,
                    SlowestSecondPairsPerSecond = intervals.Count > 0 ? intervals.Min(i => i[1]) : null,
                    PairsPerSecondSamples = intervals,
                },
                Cpu = first is not null && last is not null && window > 0
                    ? new CpuReport(CpuFigure.Of("emx process: both nodes and the load generator", last.OwnCpuSeconds - first.OwnCpuSeconds, window), null)
                    : new CpuReport(null, null),
                Storage = storage,
                Memory = MemoryReport.From(result.Samples, available: true),
                Rss = rss,
                Targets = targets,
                Passed = errorTotal == 0 && targets.Met && !result.Interrupted && pairs > 0,
            };
        }
    }

    private static string Text(EmccBenchReport r)
    {
        var s = new StringBuilder();
        var i = CultureInfo.InvariantCulture;
        s.AppendLine(i, $"emx bench emcc {r.Version}: {r.Run.Users} users, {r.Run.Clients} clients, {r.Run.MeasuredSeconds:0.#} s measured after {r.Run.WarmupSeconds:0.#} s warm-up; visiting ClusterB {r.Run.VisitingUrl} (logins), home ClusterA {r.Run.HomeUrl} (logouts), in-process");
        s.AppendLine(i, $"machine: {r.Machine.Cores} cores ({r.Machine.Cpu}), {r.Machine.MemoryBytes / (1024.0 * 1024 * 1024):0.#} GiB, {r.Machine.Os}, {r.Machine.Runtime}{(r.Machine.OptimizedBuild ? "" : " (DEBUG BUILD: numbers are not representative)")}");
        s.AppendLine(i, $"inter-cluster: {r.Run.InterCluster}");
        if (r.LoadAverage is [var before, var after])
        {
            s.AppendLine(i, $"machine load (1-minute load average, other processes included): {before:0.00} before, {after:0.00} after the load");
        }

        s.AppendLine(i, $"setup: {r.Provisioning.Seconds:0.0} s (two nodes started; home {r.Provisioning.HomeCreated} created, {r.Provisioning.EmccDevicesInserted} EMCC devices inserted; visiting {r.Provisioning.VisitingCreated} created)");
        s.AppendLine(i, $"throughput: {r.Results.PairsPerSecond:0.0} login+logout pairs/s, {r.Results.LoginsPerSecond:0.0} EMCC logins/s ({r.Results.Pairs} pairs measured); slowest second {r.Results.SlowestSecondPairsPerSecond?.ToString("0.0", i) ?? "-"} pairs/s");
        s.AppendLine("latency (ms)     count      p50      p95      p99      max     mean");
        foreach (var (name, l) in r.Results.LatencyMs)
        {
            s.AppendLine(i, $"  {name,-10} {l.Count,9} {l.P50,8:0.00} {l.P95,8:0.00} {l.P99,8:0.00} {l.Max,8:0.00} {l.Mean,8:0.00}");
        }

        s.AppendLine(i, $"errors: {r.Results.Errors}{(r.Results.Errors == 0 ? "" : " (" + string.Join(", ", r.Results.ErrorsByCode.Select(e => $"{e.Key}: {e.Value}")) + ")")} (whole run, warm-up included)");
        s.AppendLine(i, $"storage: fsync of 16 KiB in a 4 MiB file on {r.Storage.Directory}: before p50 {r.Storage.Before.P50Ms:0.00} ms, p99 {r.Storage.Before.P99Ms:0.00}; after p50 {r.Storage.After.P50Ms:0.00} ms, p99 {r.Storage.After.P99Ms:0.00} (a pair makes four durable commits, two per cluster)");
        if (r.Cpu.Server is { } cpu)
        {
            s.AppendLine(i, $"cpu: {cpu.Label}: {cpu.Seconds:0.00} s ({cpu.PercentOfMachine:0.0} % of the machine)");
        }

        s.AppendLine(i, $"memory: RSS {Mib(r.Rss.BeforeStartBytes)} MiB before the nodes started, {Mib(r.Rss.AfterProvisioningBytes)} MiB after provisioning, {Mib(r.Rss.AfterLoadBytes)} MiB after the load{(r.Memory is { } m ? $"; window {Mib(m.RssStartBytes)} -> {Mib(m.RssEndBytes)} MiB (max {Mib(m.RssMaxBytes)}), {m.Gen2Collections} gen2 collections" : "")}");
        s.AppendLine(i, $"targets ({r.Targets.Source}): logins/s >= {r.Targets.LoginsPerSecond:0.#} {Mark(r.Targets.LoginsPerSecondMet)}, login p50 < {r.Targets.LoginP50Ms:0.#} ms {Mark(r.Targets.LoginP50Met)}, login p99 < {r.Targets.LoginP99Ms:0.#} ms {Mark(r.Targets.LoginP99Met)}");
        s.AppendLine(r.Passed ? "result: PASS" : $"result: FAIL{(r.Run.Interrupted ? " (interrupted)" : "")}");
        return s.ToString();
    }

    /// <summary>The report as a Markdown section (for docs/benchmarks.md).</summary>
    private static string Markdown(EmccBenchReport r)
    {
        var s = new StringBuilder();
        var i = CultureInfo.InvariantCulture;
        var login = r.Results.LatencyMs["login"];
        var logout = r.Results.LatencyMs["logout"];
        s.AppendLine(i, $"### emx bench emcc: {r.Run.Users} users, {r.Run.Clients} clients, {r.Run.MeasuredSeconds:0.#} s after {r.Run.WarmupSeconds:0.#} s warm-up");
        s.AppendLine();
        s.AppendLine(i, $"Machine: {r.Machine.Cores} cores ({r.Machine.Cpu}), {r.Machine.MemoryBytes / (1024.0 * 1024 * 1024):0.#} GiB, {r.Machine.Os}, {r.Machine.Runtime}, {(r.Machine.OptimizedBuild ? "Release" : "Debug")} build, emx {r.Version}{(r.LoadAverage is [var before, var after] ? $"; 1-minute load average {before:0.00} before, {after:0.00} after" : "")}.");
        s.AppendLine();
        s.AppendLine("| pairs/s (slowest 1 s) | logins/s | login p50 / p95 / p99 / max | logout p50 / p95 / p99 / max | errors | CPU (of the machine) | RSS before start → provisioned → after load | fsync p50 before/after | result |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|");
        s.AppendLine(i, $"| {r.Results.PairsPerSecond:0.0} ({r.Results.SlowestSecondPairsPerSecond?.ToString("0.0", i) ?? "-"}) | {r.Results.LoginsPerSecond:0.0} | {login.P50:0.0} / {login.P95:0.0} / {login.P99:0.0} / {login.Max:0.0} ms | {logout.P50:0.0} / {logout.P95:0.0} / {logout.P99:0.0} / {logout.Max:0.0} ms | {r.Results.Errors}{(r.Results.Errors == 0 ? "" : " (" + string.Join(", ", r.Results.ErrorsByCode.Select(e => $"{e.Key}: {e.Value}")) + ")")} | {r.Cpu.Server?.PercentOfMachine.ToString("0.0", i) ?? "-"} % | {Mib(r.Rss.BeforeStartBytes)} → {Mib(r.Rss.AfterProvisioningBytes)} → {Mib(r.Rss.AfterLoadBytes)} MiB | {r.Storage.Before.P50Ms:0.00} / {r.Storage.After.P50Ms:0.00} ms | {(r.Passed ? "PASS" : "FAIL")} |");
        s.AppendLine();
        s.AppendLine(i, $"Targets ({r.Targets.Source}): logins/s >= {r.Targets.LoginsPerSecond:0.#} {Mark(r.Targets.LoginsPerSecondMet)}; login p50 < {r.Targets.LoginP50Ms:0.#} ms {Mark(r.Targets.LoginP50Met)}; login p99 < {r.Targets.LoginP99Ms:0.#} ms {Mark(r.Targets.LoginP99Met)}.");
        return s.ToString();
    }

    private static string Mark(bool met) => met ? "met" : "MISSED";

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);

    private static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "...";

    private const string LoginSucceeded = "<Prompt>Login successful</Prompt>";

    private const string LogoutSucceeded = "<Prompt>Logout successful</Prompt>";

    [GeneratedRegex(@"\((\d{1,3})\)")]
    private static partial Regex DisplayCode();

    private sealed record Pair(int Index, Uri Login, Uri Logout);

    /// <summary>Pairs completed in the measured window so far, for the per-second throughput.</summary>
    private sealed class Progress
    {
#pragma warning disable CA1051 // A field so clients can Interlocked.Increment it.
        public long Pairs;
#pragma warning restore CA1051
    }

    /// <summary>One client's own pairs and what it measured (touched by its loop only).</summary>
    private sealed class Client(Pair[] pairs)
    {
        public Pair[] Pairs { get; } = pairs;

        public LatencyHistogram Login { get; } = new();

        public LatencyHistogram Logout { get; } = new();

        public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

        public long CompletedPairs { get; set; }

        public long CompletedLogins { get; set; }

        public long WarmupRequests { get; set; }

        public void Record(LatencyHistogram histogram, long sent, long received, long measureStart, long measureEnd, string? error)
        {
            if (error is not null)
            {
                Errors[error] = Errors.GetValueOrDefault(error) + 1;
            }

            if (received < measureStart)
            {
                WarmupRequests++;
            }
            else if (received < measureEnd)
            {
                histogram.Record((long)Stopwatch.GetElapsedTime(sent, received).TotalMicroseconds);
            }
        }
    }

    private sealed record LoadResult(Client[] Clients, long MeasureStart, long MeasureEnd, List<Sample> Samples, bool Interrupted);
}
