using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Emx.Cluster.Configuration;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Protocols.EmApi;
using Emx.Web;
using Microsoft.Extensions.Logging;

namespace Emx.Bench;

/// <summary>
/// <c>emx bench em</c>: drives the EM API (<c>/emservice/EMServiceServlet</c>) of a node with many concurrent clients,
/// each looping login then logout over its own phone/user pairs on keep-alive connections, and reports throughput,
/// per-request latency percentiles, errors by code, CPU and memory. Bounded: warm-up plus duration, then it stops.
/// </summary>
public static partial class EmBench
{
    /// <summary>Names of the objects the benchmark provisions (all prefixed, so they never collide with real ones).</summary>
    public const string ModelName = "emx-bench-phone";

    /// <summary>The device pool of the benchmark phones.</summary>
    public const string DevicePoolName = "emx-bench";

    /// <summary>Maximum Concurrent Requests set for the run (the service parameter's upper bound).</summary>
    public const int MaximumConcurrentRequests = 100;

    private const string EmPath = "emservice/EMServiceServlet";
    private const string SettingsPath = "api/v1/settings/serviceParameters.extensionMobility";
    private const int ProvisionBatch = 5000;
    private const int QueryBatch = 100;

    /// <summary>The phone of pair <paramref name="i"/>: SEP + 12 hex digits.</summary>
    public static string PhoneName(int i) => "SEPBE" + i.ToString("X10", CultureInfo.InvariantCulture);

    /// <summary>The end user of pair <paramref name="i"/>.</summary>
    public static string UserId(int i) => "emxbench" + i.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The device profile of pair <paramref name="i"/>.</summary>
    public static string ProfileName(int i) => UserId(i) + "-udp";

    /// <summary>Runs the benchmark; results to <paramref name="stdout"/>, progress to <paramref name="stderr"/>.</summary>
    public static async Task<int> RunAsync(EmBenchOptions options, TextWriter stdout, TextWriter stderr, LogLevel logLevel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (Validate(options) is { } problem)
        {
            await stderr.WriteLineAsync($"emx bench em: {problem}");
            return ExitCodes.InvalidConfiguration;
        }

        EmxNode? node = null;
        DirectoryInfo? dataDir = null;
        try
        {
            var url = options.Url;
            var adminPassword = options.AdminPassword;
            var provision = options.Provision;
            if (url is null)
            {
                dataDir = Directory.CreateTempSubdirectory("emx-bench-");
                adminPassword = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
                var config = new EmxConfigFile
                {
                    Node = new NodeConfig { Name = "bench1", Address = "127.0.0.1", Ports = new PortsConfig { Http = 0, Https = 0, Config = 0, Sip = 0 } },
                    Database = new DatabaseConfig { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(dataDir.FullName, "emx.db")}" },
                    Admin = new AdminConfig { UserId = options.AdminUser, Password = adminPassword },
                };
                var (started, errors) = await EmxNode.StartAsync(config, logging => EmxCli.ConfigureLogging(logging, logLevel), cancellationToken);
                if (started is null)
                {
                    EmxCli.PrintErrors(stderr, "emx bench em: the in-process node did not start", errors);
                    return ExitCodes.Failure;
                }

                node = started;
                url = node.HttpUrl;
                provision = true;
                await stderr.WriteLineAsync($"emx bench em: in-process node at {url} (SQLite {dataDir.FullName})");
            }

            if (string.IsNullOrEmpty(adminPassword))
            {
                await stderr.WriteLineAsync("emx bench em: no admin password: set EMX_ADMIN_PASSWORD or pass --admin-password");
                return ExitCodes.InvalidConfiguration;
            }

            var run = new Run(options with { Url = url, AdminPassword = adminPassword, Provision = provision }, inProcess: node is not null, dataDir?.FullName ?? Path.GetTempPath(), stderr);
            return await run.ExecuteAsync(stdout, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            await stderr.WriteLineAsync($"emx bench em: cannot reach the node: {ex.Message}");
            return ExitCodes.Unreachable;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("emx bench em: interrupted");
            return ExitCodes.Failure;
        }
        finally
        {
            if (node is not null)
            {
                using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await node.StopAsync(stopping.Token);
                await node.DisposeAsync();
            }

            if (dataDir is not null)
            {
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
    }

    private static string? Validate(EmBenchOptions o)
    {
        if (o.Phones < 1)
        {
            return "--phones must be at least 1";
        }

        if (o.Clients < 1 || o.Clients > o.Phones)
        {
            return $"--clients must be between 1 and --phones ({o.Phones}): each client needs its own phones";
        }

        if (o.DurationSeconds <= 0 || o.DurationSeconds > 3600 || o.WarmupSeconds < 0 || o.WarmupSeconds > 600)
        {
            return "--duration must be in (0, 3600] seconds and --warmup in [0, 600]";
        }

        if (o.Url is { } url && !o.AllowNonLoopback && !IsLoopback(url))
        {
            return $"--url {url} is not a loopback address; load is meant for a node on this machine (--allow-non-loopback to override)";
        }

        return null;
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>One benchmark run against one node.</summary>
    private sealed class Run(EmBenchOptions options, bool inProcess, string storageDirectory, TextWriter stderr)
    {
        private readonly Uri _url = options.Url!;
        private readonly Progress _progress = new();

        public async Task<int> ExecuteAsync(TextWriter stdout, CancellationToken ct)
        {
            using var admin = new HttpClient { BaseAddress = _url, Timeout = TimeSpan.FromMinutes(15) };
            admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AdminUser}:{options.AdminPassword}")));

            ProvisioningReport? provisioning = null;
            if (options.Provision)
            {
                provisioning = await ProvisionAsync(admin, ct);
                if (provisioning is null)
                {
                    return ExitCodes.Rejected;
                }
            }
            else
            {
                var maximum = await MaximumConcurrentRequestsAsync(admin, ct);
                if (maximum < options.Clients)
                {
                    await stderr.WriteLineAsync($"emx bench em: warning: Maximum Concurrent Requests is {maximum}, below --clients {options.Clients}: expect error 26 (--provision raises it to {MaximumConcurrentRequests})");
                }
            }

            var pairs = Enumerable.Range(0, options.Phones).Select(i => new Pair(i, Body(Login(i)), Body(Logout(i)))).ToArray();
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
            using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = _url, Timeout = TimeSpan.FromSeconds(30) };

            var reset = await ResetAsync(http, ct);
            if (reset is not null)
            {
                await stderr.WriteLineAsync($"emx bench em: {reset}");
                return ExitCodes.Failure;
            }

            var fsyncBefore = FsyncProbe.Measure(storageDirectory);
            var before = await CountersAsync(admin, ct);
            var result = await LoadAsync(http, pairs, ct);
            var after = await CountersAsync(admin, ct);
            var fsyncAfter = FsyncProbe.Measure(storageDirectory);
            var report = BuildReport(result, provisioning, before, after, new StorageReport(storageDirectory, fsyncBefore, fsyncAfter));
            await stdout.WriteAsync(options.Json ? JsonSerializer.Serialize(report, ReportJson) + Environment.NewLine : Text(report));
            await stdout.FlushAsync(ct);
            return report.Passed ? ExitCodes.Ok : ExitCodes.Failure;
        }

        // ---- Provisioning -------------------------------------------------------------------------------------

        private async Task<ProvisioningReport?> ProvisionAsync(HttpClient admin, CancellationToken ct)
        {
            var watch = Stopwatch.StartNew();
            int created = 0, updated = 0, unchanged = 0, documents = 0;
            for (var from = 0; from < options.Phones; from += ProvisionBatch)
            {
                var to = Math.Min(options.Phones, from + ProvisionBatch);
                using var content = new ByteArrayContent(ProvisioningDocument(from, to, first: from == 0));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                var batchWatch = Stopwatch.StartNew();
                using var response = await admin.PostAsync(new Uri("api/v1/provision", UriKind.Relative), content, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    await stderr.WriteLineAsync($"emx bench em: provisioning pairs {from}-{to - 1} failed ({(int)response.StatusCode}): {Truncate(body, 2000)}");
                    return null;
                }

                using var summary = JsonDocument.Parse(body);
                var r = summary.RootElement;
                created += r.GetProperty("created").GetInt32();
                updated += r.GetProperty("updated").GetInt32();
                unchanged += r.GetProperty("unchanged").GetInt32();
                documents++;
                await stderr.WriteLineAsync($"emx bench em: provisioned pairs {from}-{to - 1} in {batchWatch.Elapsed.TotalSeconds:F1} s");
            }

            var previous = await MaximumConcurrentRequestsAsync(admin, ct);
            if (previous != MaximumConcurrentRequests)
            {
                using var current = await admin.GetAsync(new Uri(SettingsPath, UriKind.Relative), ct);
                current.EnsureSuccessStatusCode();
                var section = JsonNode.Parse(await current.Content.ReadAsStringAsync(ct))!.AsObject();
                section["maximumConcurrentRequests"] = MaximumConcurrentRequests;
                using var put = new StringContent(section.ToJsonString(), Encoding.UTF8, "application/json");
                using var response = await admin.PutAsync(new Uri(SettingsPath, UriKind.Relative), put, ct);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    await stderr.WriteLineAsync($"emx bench em: raising Maximum Concurrent Requests failed ({(int)response.StatusCode}): {Truncate(await response.Content.ReadAsStringAsync(ct), 2000)}");
                    return null;
                }
            }

            var seconds = watch.Elapsed.TotalSeconds;
            await stderr.WriteLineAsync($"emx bench em: provisioned {options.Phones} phones, users and profiles in {seconds:F1} s ({created} created, {updated} updated, {unchanged} unchanged); Maximum Concurrent Requests {previous} -> {MaximumConcurrentRequests}");
            return new ProvisioningReport(seconds, documents, created, updated, unchanged, previous, MaximumConcurrentRequests);
        }

        private byte[] ProvisioningDocument(int from, int to, bool first)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                if (first)
                {
                    w.WriteStartArray("phoneModels");
                    w.WriteStartObject();
                    w.WriteString("name", ModelName);
                    WriteArray(w, "protocols", "SIP");
                    WriteArray(w, "features", "extensionMobility");
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteStartArray("devicePools");
                    w.WriteStartObject();
                    w.WriteString("name", DevicePoolName);
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteStartArray("applicationUsers");
                    w.WriteStartObject();
                    w.WriteString("userId", options.AppUser);
                    w.WriteString("description", "emx bench em: EM API proxy");
                    w.WriteString("password", options.AppPassword);
                    WriteArray(w, "groups", AccessControlGroup.StandardEmAuthenticationProxyRights);
                    w.WriteEndObject();
                    w.WriteEndArray();
                }

                w.WriteStartArray("deviceProfiles");
                for (var i = from; i < to; i++)
                {
                    w.WriteStartObject();
                    w.WriteString("name", ProfileName(i));
                    w.WriteString("productType", ModelName);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("endUsers");
                for (var i = from; i < to; i++)
                {
                    // No PIN: the EM API authenticates the application user, not the end user.
                    w.WriteStartObject();
                    w.WriteString("userId", UserId(i));
                    w.WriteString("lastName", "Bench");
                    WriteArray(w, "controlledProfiles", ProfileName(i));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("phones");
                for (var i = from; i < to; i++)
                {
                    w.WriteStartObject();
                    w.WriteString("name", PhoneName(i));
                    w.WriteString("model", ModelName);
                    w.WriteString("devicePool", DevicePoolName);
                    w.WriteBoolean("enableExtensionMobility", true);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            return stream.ToArray();
        }

        private static void WriteArray(Utf8JsonWriter w, string name, string value)
        {
            w.WriteStartArray(name);
            w.WriteStringValue(value);
            w.WriteEndArray();
        }

        private static async Task<int> MaximumConcurrentRequestsAsync(HttpClient admin, CancellationToken ct)
        {
            using var response = await admin.GetAsync(new Uri(SettingsPath, UriKind.Relative), ct);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new HttpRequestException($"the node refused the administrator credentials ({(int)response.StatusCode})");
            }

            response.EnsureSuccessStatusCode();
            using var section = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return section.RootElement.TryGetProperty("maximumConcurrentRequests", out var value) ? value.GetInt32() : 5;
        }

        private static async Task<JsonElement?> CountersAsync(HttpClient admin, CancellationToken ct)
        {
            using var response = await admin.GetAsync(new Uri("api/v1/counters/extensionMobility", UriKind.Relative), ct);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var counters = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            return counters.RootElement.Clone();
        }

        // ---- EM API requests ----------------------------------------------------------------------------------

        private EmAppInfo App => new() { AppId = options.AppUser, Certificate = options.AppPassword };

        private EmApiLoginRequest Login(int i) => new() { AppInfo = App, DeviceName = PhoneName(i), UserId = UserId(i) };

        private EmApiLogoutRequest Logout(int i) => new() { AppInfo = App, DeviceName = PhoneName(i) };

        private static byte[] Body(EmApiRequest request) =>
            Encoding.ASCII.GetBytes("xml=" + Uri.EscapeDataString(EmApiRequestWriter.Write(request)));

        private static async Task<(bool Success, string Body, string? Error)> SendAsync(HttpClient http, byte[] body, CancellationToken ct)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = FormContentType;
            try
            {
                using var response = await http.PostAsync(EmUri, content, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return (false, text, "HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                }

                if (text.Contains("<success/>", StringComparison.Ordinal))
                {
                    return (true, text, null);
                }

                var code = ErrorCode().Match(text);
                return code.Success ? (false, text, "EM error " + code.Groups[1].Value) : text.Contains("<failure", StringComparison.Ordinal)
                    ? (false, text, "EM failure without code")
                    : (true, text, null);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                return (false, "", "timeout (30 s)");
            }
            catch (HttpRequestException ex)
            {
                return (false, "", "connection: " + (ex.InnerException is SocketException s ? s.SocketErrorCode.ToString() : ex.HttpRequestError.ToString()));
            }
        }

        /// <summary>Logs out every benchmark phone someone is logged in on (a previous run that was interrupted).</summary>
        private async Task<string?> ResetAsync(HttpClient http, CancellationToken ct)
        {
            var watch = Stopwatch.StartNew();
            var missing = 0;
            var loggedIn = new List<int>();
            var batches = Enumerable.Range(0, (options.Phones + QueryBatch - 1) / QueryBatch).ToList();
            string? failure = null;
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(options.Clients, 8), CancellationToken = ct }, async (batch, token) =>
            {
                var first = batch * QueryBatch;
                var names = Enumerable.Range(first, Math.Min(QueryBatch, options.Phones - first)).Select(PhoneName).ToList();
                var query = new EmApiDeviceUserQuery { AppInfo = App, DeviceNames = [.. names] };
                var (success, body, error) = await SendAsync(http, Body(query), token);
                if (!success || !body.Contains("<deviceUserResults>", StringComparison.Ordinal))
                {
                    failure ??= $"deviceUserQuery failed ({error ?? "unexpected answer"}): {Truncate(body, 500)}";
                    return;
                }

                foreach (Match device in DeviceResult().Matches(body))
                {
                    if (device.Groups[2].Value.Contains("<doesNotExist/>", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref missing);
                    }
                    else if (device.Groups[2].Value.Contains("<userID>", StringComparison.Ordinal))
                    {
                        var i = (int)long.Parse(device.Groups[1].Value.AsSpan(5), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                        lock (loggedIn)
                        {
                            loggedIn.Add(i);
                        }
                    }
                }
            });

            if (failure is not null)
            {
                return failure + " (is the application user '" + options.AppUser + "' provisioned? --provision creates it)";
            }

            if (missing > 0)
            {
                return $"{missing} of the {options.Phones} benchmark phones do not exist on the node; run with --provision";
            }

            foreach (var i in loggedIn)
            {
                var (success, body, error) = await SendAsync(http, Body(Logout(i)), ct);
                if (!success && error != "EM error 19")
                {
                    return $"could not log out {PhoneName(i)} left from an earlier run ({error}): {Truncate(body, 500)}";
                }
            }

            await stderr.WriteLineAsync($"emx bench em: checked {options.Phones} phones in {watch.Elapsed.TotalSeconds:F1} s; logged out {loggedIn.Count} left from an earlier run");
            return null;
        }

        // ---- The load -----------------------------------------------------------------------------------------

        private async Task<LoadResult> LoadAsync(HttpClient http, Pair[] pairs, CancellationToken ct)
        {
            var clients = Enumerable.Range(0, options.Clients).Select(c => new Client(c, pairs.Where(p => p.Index % options.Clients == c).ToArray())).ToArray();
            var start = Stopwatch.GetTimestamp();
            var measureStart = start + Ticks(options.WarmupSeconds);
            var measureEnd = measureStart + Ticks(options.DurationSeconds);
            await stderr.WriteLineAsync($"emx bench em: {options.Clients} clients, {options.Phones} phones: warm-up {options.WarmupSeconds:0.#} s, then {options.DurationSeconds:0.#} s measured");

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
            return new LoadResult(clients, start, measureStart, Math.Min(measureEnd, finished), finished, samples, interrupted);
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
                var (loggedIn, _, loginError) = await SendAsync(http, pair.Login, ct);
                var received = Stopwatch.GetTimestamp();
                client.Record(client.Login, sent, received, measureStart, measureEnd, loginError);
                if (!loggedIn)
                {
                    continue;
                }

                sent = Stopwatch.GetTimestamp();
                var (loggedOut, _, logoutError) = await SendAsync(http, pair.Logout, ct);
                received = Stopwatch.GetTimestamp();
                client.Record(client.Logout, sent, received, measureStart, measureEnd, logoutError);
                if (loggedOut && received >= measureStart && received < measureEnd)
                {
                    client.CompletedPairs++;
                    Interlocked.Increment(ref progress.Pairs);
                }
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

                samples.Add(Sample.Take(measureStart, options.ServerPid, inProcess, Interlocked.Read(ref _progress.Pairs)));
                while (Stopwatch.GetTimestamp() < measureEnd)
                {
                    var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureEnd);
                    await Task.Delay(remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1), ct);
                    samples.Add(Sample.Take(measureStart, options.ServerPid, inProcess, Interlocked.Read(ref _progress.Pairs)));
                }
            }
            catch (OperationCanceledException)
            {
                samples.Add(Sample.Take(measureStart, options.ServerPid, inProcess, Interlocked.Read(ref _progress.Pairs)));
            }

            return samples;
        }

        // ---- The report ---------------------------------------------------------------------------------------

        private EmBenchReport BuildReport(LoadResult result, ProvisioningReport? provisioning, JsonElement? countersBefore, JsonElement? countersAfter, StorageReport storage)
        {
            var login = new LatencyHistogram();
            var logout = new LatencyHistogram();
            var errors = new SortedDictionary<string, long>(StringComparer.Ordinal);
            long pairs = 0, warmupRequests = 0;
            foreach (var client in result.Clients)
            {
                login.Add(client.Login);
                logout.Add(client.Logout);
                pairs += client.CompletedPairs;
                warmupRequests += client.WarmupRequests;
                foreach (var (code, count) in client.Errors)
                {
                    errors[code] = errors.GetValueOrDefault(code) + count;
                }
            }

            var all = new LatencyHistogram();
            all.Add(login);
            all.Add(logout);
            var seconds = Stopwatch.GetElapsedTime(result.MeasureStart, result.MeasureEnd).TotalSeconds;
            var first = result.Samples.FirstOrDefault();
            var last = result.Samples.LastOrDefault();
            var window = first is not null && last is not null ? Stopwatch.GetElapsedTime(first.Timestamp, last.Timestamp).TotalSeconds : 0;
            var errorTotal = errors.Values.Sum();
            var pairsPerSecond = seconds > 0 ? pairs / seconds : 0;
            var p99 = all.Percentile(99) / 1000.0;
            var intervals = result.Samples.Zip(result.Samples.Skip(1))
                .Where(p => p.Second.Seconds - p.First.Seconds >= 0.5)
                .Select(p => new[] { Math.Round(p.Second.Seconds, 1), Math.Round((p.Second.Pairs - p.First.Pairs) / (p.Second.Seconds - p.First.Seconds), 1) })
                .ToList();
            var targetsMet = (options.TargetPairsPerSecond is not { } tp || pairsPerSecond >= tp) && (options.TargetP99Ms is not { } tl || p99 < tl);

            return new EmBenchReport
            {
                Tool = "emx bench em",
                Version = EmxNode.Version,
                Machine = MachineReport.Current(),
                Run = new RunReport
                {
                    Url = _url.ToString(),
                    InProcess = inProcess,
                    Phones = options.Phones,
                    Clients = options.Clients,
                    WarmupSeconds = options.WarmupSeconds,
                    DurationSeconds = options.DurationSeconds,
                    MeasuredSeconds = Math.Round(seconds, 3),
                    Interrupted = result.Interrupted,
                },
                Provisioning = provisioning,
                Results = new ResultsReport
                {
                    Pairs = pairs,
                    PairsPerSecond = Math.Round(pairsPerSecond, 1),
                    Requests = all.Count,
                    RequestsPerSecond = Math.Round(seconds > 0 ? all.Count / seconds : 0, 1),
                    WarmupRequests = warmupRequests,
                    LatencyMs = new Dictionary<string, LatencyReport>(StringComparer.Ordinal)
                    {
                        ["login"] = LatencyReport.Of(login),
                        ["logout"] = LatencyReport.Of(logout),
                        ["all"] = LatencyReport.Of(all),
                    },
                    Errors = errorTotal,
                    ErrorsByCode = errors,
                    SlowestSecondPairsPerSecond = intervals.Count > 0 ? intervals.Min(i => i[1]) : null,
                    PairsPerSecondSamples = intervals,
                },
                Storage = storage,
                Cpu = CpuReport.Of(first, last, window, options.ServerPid, inProcess),
                Memory = MemoryReport.From(result.Samples, inProcess || options.ServerPid is not null),
                ServerCounters = new CountersReport(countersBefore, countersAfter),
                Targets = new TargetsReport(options.TargetPairsPerSecond, options.TargetP99Ms, targetsMet),
                Passed = errorTotal == 0 && targetsMet && !result.Interrupted && pairs > 0,
            };
        }

        private static string Text(EmBenchReport r)
        {
            var s = new StringBuilder();
            var i = CultureInfo.InvariantCulture;
            s.AppendLine(i, $"emx bench em {r.Version}: {r.Run.Phones} phones, {r.Run.Clients} clients, {r.Run.MeasuredSeconds:0.#} s measured after {r.Run.WarmupSeconds:0.#} s warm-up, {(r.Run.InProcess ? "in-process node" : "node")} {r.Run.Url}");
            s.AppendLine(i, $"machine: {r.Machine.Cores} cores ({r.Machine.Cpu}), {r.Machine.MemoryBytes / (1024.0 * 1024 * 1024):0.#} GiB, {r.Machine.Os}, {r.Machine.Runtime}{(r.Machine.OptimizedBuild ? "" : " (DEBUG BUILD: numbers are not representative)")}");
            if (r.Provisioning is { } p)
            {
                s.AppendLine(i, $"provisioning: {p.Seconds:0.0} s in {p.Documents} document(s): {p.Created} created, {p.Updated} updated, {p.Unchanged} unchanged; Maximum Concurrent Requests {p.MaximumConcurrentRequestsBefore} -> {p.MaximumConcurrentRequestsAfter}");
            }

            s.AppendLine(i, $"throughput: {r.Results.PairsPerSecond:0.0} login+logout pairs/s, {r.Results.RequestsPerSecond:0.0} requests/s ({r.Results.Pairs} pairs, {r.Results.Requests} requests measured); slowest second {r.Results.SlowestSecondPairsPerSecond?.ToString("0.0", i) ?? "-"} pairs/s");
            s.AppendLine("latency (ms)     count      p50      p95      p99      max     mean");
            foreach (var (name, l) in r.Results.LatencyMs)
            {
                s.AppendLine(i, $"  {name,-10} {l.Count,9} {l.P50,8:0.00} {l.P95,8:0.00} {l.P99,8:0.00} {l.Max,8:0.00} {l.Mean,8:0.00}");
            }

            s.AppendLine(i, $"errors: {r.Results.Errors}{(r.Results.Errors == 0 ? "" : " (" + string.Join(", ", r.Results.ErrorsByCode.Select(e => $"{e.Key}: {e.Value}")) + ")")} (whole run, warm-up included)");
            s.AppendLine(i, $"storage: fsync of 16 KiB rewritten in a 4 MiB file on {r.Storage.Directory}: before p50 {r.Storage.Before.P50Ms:0.00} ms, mean {r.Storage.Before.MeanMs:0.00}, p99 {r.Storage.Before.P99Ms:0.00}; after p50 {r.Storage.After.P50Ms:0.00} ms, mean {r.Storage.After.MeanMs:0.00}, p99 {r.Storage.After.P99Ms:0.00} (each durable commit waits for one)");
            if (r.Cpu.Server is { } server)
            {
                s.AppendLine(i, $"cpu: {server.Label}: {server.Seconds:0.00} s ({server.PercentOfMachine:0.0} % of the machine)");
            }

            if (r.Cpu.Client is { } client)
            {
                s.AppendLine(i, $"cpu: {client.Label}: {client.Seconds:0.00} s ({client.PercentOfMachine:0.0} % of the machine)");
            }
            if (r.Memory is { } m)
            {
                s.AppendLine(i, $"memory ({m.Of}): RSS {Mib(m.RssStartBytes)} MiB at start, {Mib(m.RssEndBytes)} MiB at end, {Mib(m.RssMaxBytes)} MiB max{(m.GcHeapStartBytes is { } gs ? $"; GC heap {Mib(gs)} -> {Mib(m.GcHeapEndBytes ?? 0)} MiB, {m.Gen2Collections} gen2 collections" : "")}");
            }

            if (r.Targets.PairsPerSecond is not null || r.Targets.P99Ms is not null)
            {
                s.AppendLine(i, $"targets: pairs/s >= {r.Targets.PairsPerSecond?.ToString(i) ?? "-"}, p99 < {r.Targets.P99Ms?.ToString(i) ?? "-"} ms: {(r.Targets.Met ? "met" : "MISSED")}");
            }

            s.AppendLine(r.Passed ? "result: PASS" : $"result: FAIL{(r.Run.Interrupted ? " (interrupted)" : "")}");
            return s.ToString();
        }

        private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);
    }

    private static long Ticks(double seconds) => (long)(seconds * Stopwatch.Frequency);

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "...";

    private static readonly Uri EmUri = new(EmPath, UriKind.Relative);

    private static readonly MediaTypeHeaderValue FormContentType = new("application/x-www-form-urlencoded");

    internal static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    [GeneratedRegex("""<error code="(\d+)">""")]
    private static partial Regex ErrorCode();

    [GeneratedRegex("""<device name="([^"]+)">(.*?)</device>""", RegexOptions.Singleline)]
    private static partial Regex DeviceResult();

    private sealed record Pair(int Index, byte[] Login, byte[] Logout);

    /// <summary>Pairs completed in the measured window so far, for the per-second throughput.</summary>
    private sealed class Progress
    {
#pragma warning disable CA1051 // A field so clients can Interlocked.Increment it.
        public long Pairs;
#pragma warning restore CA1051
    }

    /// <summary>One client's own pairs and what it measured (touched by its loop only).</summary>
    private sealed class Client(int number, Pair[] pairs)
    {
        public int Number { get; } = number;

        public Pair[] Pairs { get; } = pairs;

        public LatencyHistogram Login { get; } = new();

        public LatencyHistogram Logout { get; } = new();

        public Dictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

        public long CompletedPairs { get; set; }

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

    private sealed record LoadResult(Client[] Clients, long Start, long MeasureStart, long MeasureEnd, long Finished, List<Sample> Samples, bool Interrupted);
}
