using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Emx.Cluster.Configuration;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Emx.Bench;

/// <summary>
/// <c>emx bench sip</c>: the same SIPp scenarios against emx (an in-process node, registrations durable in SQLite with
/// synchronous=FULL) and Kamailio (bench/kamailio/kamailio.cfg, registrations in memory), in the same run, for
/// REGISTER and for proxied INVITE transactions: the highest rate each sustains, its response-time percentiles, and
/// emx's share of Kamailio's rate against the target. Optionally, the memory emx needs to hold 60,000 registered
/// devices. See docs/benchmarks.md for the method.
/// </summary>
public static class SipBench
{
    /// <summary>The phone model, device pool, partition and calling search space the benchmark provisions.</summary>
    public const string ModelName = "emx-bench-sip-phone";

    public const string DevicePoolName = "emx-bench";

    public const string PartitionName = "emx-bench-sip";

    private const int ProvisionBatch = 5000;

    /// <summary>A run sustains its offered rate when at least this share of it completed per second.</summary>
    private const double AchievedShare = 0.95;

    /// <summary>The search stops when the gap between the highest rate sustained and the lowest not is below this share.</summary>
    private const double Resolution = 0.10;

    private const int MaxTrials = 24;

    /// <summary>The memory check's REGISTER rate when the REGISTER phase found none for emx.</summary>
    private const double DefaultMemoryRate = 250;

    /// <summary>Lines are registered before each phase at this rate, at most 50 at a time.</summary>
    private const double PrimeRate = 2000;

    /// <summary>RFC 3261 Timer J over UDP (64*T1 = 32 s) and a margin: how long a completed non-INVITE server transaction is held.</summary>
    private static readonly TimeSpan TimerJ = TimeSpan.FromSeconds(34);

    /// <summary>When the measured run does not sustain the rate found, it is repeated at these shares of it.</summary>
    private static readonly double[] Fallbacks = [0.8, 0.4, 0.2];

    /// <summary>Phone <paramref name="i"/>'s device name: SEP + B5 + 10 hex digits.</summary>
    public static string PhoneName(int i) => "SEP" + Mac(i);

    /// <summary>Phone <paramref name="i"/>'s MAC address (12 hex digits), as in its +sip.instance.</summary>
    public static string Mac(int i) => "B5" + i.ToString("X10", CultureInfo.InvariantCulture);

    /// <summary>Phone <paramref name="i"/>'s line: 7000000 + i.</summary>
    public static string Dn(int i) => (7_000_000 + i).ToString(CultureInfo.InvariantCulture);

    /// <summary>Runs the benchmark; results to <paramref name="stdout"/>, progress to <paramref name="stderr"/>.</summary>
    public static async Task<int> RunAsync(SipBenchOptions options, TextWriter stdout, TextWriter stderr, LogLevel logLevel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (Validate(options) is { } problem)
        {
            await stderr.WriteLineAsync($"emx bench sip: {problem}");
            return ExitCodes.InvalidConfiguration;
        }

        var sipp = SippProcess.Find(options.SippPath);
        if (sipp is null)
        {
            await stderr.WriteLineAsync($"emx bench sip: sipp not found{(options.SippPath is null ? " on the PATH" : $" at {options.SippPath}")} (Debian package sip-tester)");
            return ExitCodes.Failure;
        }

        var withEmx = options.Target is SipBenchTarget.Both or SipBenchTarget.Emx;
        var withKamailio = options.Target is SipBenchTarget.Both or SipBenchTarget.Kamailio;
        var kamailio = withKamailio ? KamailioProcess.Find(options.KamailioPath) : null;
        if (withKamailio && kamailio is null)
        {
            await stderr.WriteLineAsync("emx bench sip: kamailio not found (Debian package kamailio; --kamailio PATH), or measure emx alone with --target emx");
            return ExitCodes.Failure;
        }

        var work = Directory.CreateTempSubdirectory("emx-bench-sip-");
        var run = new Run(options, sipp, kamailio, work.FullName, stderr);
        try
        {
            var report = await run.ExecuteAsync(withEmx, logLevel, cancellationToken);
            await stdout.WriteAsync(options.Json ? JsonSerializer.Serialize(report, EmBench.ReportJson) + Environment.NewLine : Text(report));
            await stdout.FlushAsync(CancellationToken.None);
            if (options.Output is { } output)
            {
                await File.WriteAllTextAsync(output.FullName, Markdown(report), CancellationToken.None);
                await stderr.WriteLineAsync($"emx bench sip: markdown written to {output.FullName}");
            }

            return report.Passed ? ExitCodes.Ok : ExitCodes.Failure;
        }
        catch (BenchSetupException ex)
        {
            await stderr.WriteLineAsync("emx bench sip: " + ex.Message);
            return ExitCodes.Failure;
        }
        catch (HttpRequestException ex)
        {
            await stderr.WriteLineAsync($"emx bench sip: provisioning the in-process node failed: {ex.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            await run.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                work.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string? Validate(SipBenchOptions o)
    {
        if (o.Phones < 2 || o.Phones > 200_000)
        {
            return "--phones must be between 2 and 200,000 (half call the other half)";
        }

        if (o.Rate is { } rate && (rate < 1 || rate > 100_000))
        {
            return "--rate must be between 1 and 100,000 per second";
        }

        if (o.DurationSeconds <= 0 || o.DurationSeconds > 600 || o.TrialSeconds <= 0 || o.TrialSeconds > 60)
        {
            return "--duration must be in (0, 600] seconds and --trial in (0, 60]";
        }

        if (o.StartRate < 1 || o.MaxRate < o.StartRate || o.MaxRate > 100_000)
        {
            return "--start-rate must be at least 1 and at most --max-rate (at most 100,000)";
        }

        if (o.P99BoundMs <= 0 || o.TargetRatio <= 0)
        {
            return "--p99-bound-ms and the target ratio must be positive";
        }

        if (o.MemoryCheck && (o.MemoryPhones < o.Phones || o.MemoryPhones > 1_000_000))
        {
            return $"--memory-phones must be between --phones ({o.Phones}) and 1,000,000";
        }

        foreach (var address in new[] { o.EmxAddress, o.KamailioAddress, o.LoadAddress })
        {
            if (!IPAddress.IsLoopback(address))
            {
                return $"{address} is not a loopback address: the benchmark runs on this machine only";
            }
        }

        return null;
    }

    /// <summary>One benchmark run: the node, Kamailio, the files, and the phases.</summary>
    private sealed class Run(SipBenchOptions options, string sipp, string? kamailioPath, string work, TextWriter stderr) : IAsyncDisposable
    {
        private EmxNode? _node;
        private HttpClient? _admin;
        private KamailioProcess? _kamailio;
        private string _registerScenario = "";
        private string _uacScenario = "";
        private string _uasScenario = "";
        private string _kamailioConfig = "";
        private bool _interrupted;

        private int Half => options.Phones / 2;

        public async Task<SipBenchReport> ExecuteAsync(bool withEmx, LogLevel logLevel, CancellationToken ct)
        {
            WriteAssets();
            var phones = WriteInjection("phones.csv", Enumerable.Range(0, options.Phones).Select(i => Dn(i) + ";" + Mac(i)));
            var callers = WriteInjection("callers.csv", Enumerable.Range(0, Half).Select(i => Dn(i) + ";" + Mac(i)));
            var callees = WriteInjection("callees.csv", Enumerable.Range(Half, Half).Select(i => Dn(i) + ";" + Mac(i)));
            var calls = WriteInjection("calls.csv", Enumerable.Range(0, Half).Select(i => Dn(i) + ";" + Dn(Half + i)));

            var loadStart = LoadAverage();
            var sippVersion = await SippProcess.VersionAsync(sipp, ct);
            var kamailioVersion = kamailioPath is null ? null : await KamailioProcess.VersionAsync(kamailioPath, ct);
            FsyncReport? fsyncBefore = null;
            if (withEmx)
            {
                await StartNodeAsync(logLevel, ct);
                await ProvisionAsync(0, options.Phones, ct);
                fsyncBefore = FsyncProbe.Measure(DataDirectory);
            }

            if (kamailioPath is not null)
            {
                _kamailio = await StartKamailioAsync(ct);
                await stderr.WriteLineAsync($"emx bench sip: {kamailioVersion} on {_kamailio.EndPoint} (pid {_kamailio.Pid})");
            }

            var phases = new List<SipPhaseReport>();
            SipMemoryReport? memory = null;
            try
            {
                var register = new List<SipTargetResult>();
                foreach (var target in Targets())
                {
                    register.Add(await RegisterPhaseAsync(target, phones, ct));
                }

                phases.Add(Phase("register", register));
                if (!options.SkipInvite)
                {
                    var invite = new List<SipTargetResult>();
                    foreach (var target in Targets())
                    {
                        invite.Add(await InvitePhaseAsync(target, callers, callees, calls, ct));
                    }

                    phases.Add(Phase("invite", invite));
                }

                if (options.MemoryCheck)
                {
                    memory = await MemoryCheckAsync(phases[0].Emx is { Status: "ok", Sustained: true } r ? r.RatePerSecond : null, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                _interrupted = true;
                await stderr.WriteLineAsync("emx bench sip: interrupted; reporting what was measured");
            }

            var fsyncAfter = withEmx ? FsyncProbe.Measure(DataDirectory) : null;
            return new SipBenchReport
            {
                Tool = "emx bench sip",
                Version = EmxNode.Version,
                Machine = MachineReport.Current(),
                Run = new SipRunReport
                {
                    Phones = options.Phones,
                    Method = options.Rate is null ? "search" : "fixed",
                    FixedRate = options.Rate,
                    TrialSeconds = options.TrialSeconds,
                    DurationSeconds = options.DurationSeconds,
                    StartRate = options.StartRate,
                    MaxRate = options.MaxRate,
                    P99BoundMs = options.P99BoundMs,
                    TargetRatio = options.TargetRatio,
                    Targets = [.. Targets().Select(t => t.Name)],
                    Sipp = sippVersion,
                    Kamailio = kamailioVersion,
                    EmxSip = _node?.SipEndPoint?.ToString(),
                    KamailioSip = _kamailio?.EndPoint.ToString(),
                    LoadAddress = options.LoadAddress.ToString(),
                    Interrupted = _interrupted,
                    LoadAverageStart = loadStart,
                    LoadAverageEnd = LoadAverage(),
                },
                Storage = fsyncBefore is not null && fsyncAfter is not null ? new StorageReport(DataDirectory, fsyncBefore, fsyncAfter) : null,
                Phases = phases,
                Memory = memory,
                Passed = !_interrupted && phases.Count > 0 && phases.All(p => p.Passed) && (memory?.Passed ?? true),
            };
        }

        public async ValueTask DisposeAsync()
        {
            if (_kamailio is not null)
            {
                await _kamailio.DisposeAsync();
            }

            _admin?.Dispose();
            if (_node is not null)
            {
                using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try
                {
                    await _node.StopAsync(stopping.Token);
                }
                catch (OperationCanceledException)
                {
                }

                await _node.DisposeAsync();
            }
        }

        private string DataDirectory => Path.Combine(work, "emx");

        private IEnumerable<Target> Targets()
        {
            if (_node?.SipEndPoint is { } emx)
            {
                yield return new Target("emx", emx, () => Environment.CpuUsage.TotalTime.TotalSeconds);
            }

            if (_kamailio is { } kamailio)
            {
                yield return new Target("kamailio", kamailio.EndPoint, kamailio.CpuSeconds);
            }
        }

        // ---- Set-up ---------------------------------------------------------------------------------------------

        private void WriteAssets()
        {
            string Write(string resource)
            {
                var path = Path.Combine(work, Path.GetFileName(resource));
                using var stream = typeof(SipBench).Assembly.GetManifestResourceStream(resource)
                    ?? throw new InvalidOperationException($"embedded resource {resource} is missing");
                using var file = File.Create(path);
                stream.CopyTo(file);
                return path;
            }

            _registerScenario = Write("bench/sipp/register.xml");
            _uacScenario = Write("bench/sipp/uac.xml");
            _uasScenario = Write("bench/sipp/uas.xml");
            _kamailioConfig = Write("bench/kamailio/kamailio.cfg");
        }

        private string WriteInjection(string name, IEnumerable<string> lines)
        {
            var path = Path.Combine(work, name);
            File.WriteAllLines(path, ["SEQUENTIAL", .. lines]);
            return path;
        }

        private async Task StartNodeAsync(LogLevel logLevel, CancellationToken ct)
        {
            Directory.CreateDirectory(DataDirectory);
            var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
            var config = new EmxConfigFile
            {
                Node = new NodeConfig { Name = "bench-sip", Address = options.EmxAddress.ToString(), Ports = new PortsConfig { Http = 0, Https = 0, Config = 0, Sip = 0 } },
                Database = new DatabaseConfig { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={Path.Combine(DataDirectory, "emx.db")}" },
                Admin = new AdminConfig { UserId = "admin", Password = password },
            };
            var (node, errors) = await EmxNode.StartAsync(config, logging => EmxCli.ConfigureLogging(logging, logLevel), ct);
            if (node is null)
            {
                throw new BenchSetupException("the in-process node did not start: " + string.Join("; ", errors.Select(e => e.ToString())));
            }

            _node = node;
            _admin = new HttpClient { BaseAddress = node.HttpUrl, Timeout = TimeSpan.FromMinutes(15) };
            _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + password)));
            await stderr.WriteLineAsync($"emx bench sip: emx {EmxNode.Version} in-process node, SIP {node.SipEndPoint}, SQLite {DataDirectory}");
        }

        /// <summary>Phones <paramref name="from"/> to <paramref name="to"/> - 1, each with its own line, through the provisioning API.</summary>
        private async Task ProvisionAsync(int from, int to, CancellationToken ct)
        {
            var watch = Stopwatch.StartNew();
            for (var start = from; start < to; start += ProvisionBatch)
            {
                var end = Math.Min(to, start + ProvisionBatch);
                using var content = new ByteArrayContent(ProvisioningDocument(start, end, first: start == 0));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _admin!.PostAsync(new Uri("api/v1/provision", UriKind.Relative), content, ct);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var body = await response.Content.ReadAsStringAsync(ct);
                    throw new BenchSetupException($"provisioning phones {start}-{end - 1} failed ({(int)response.StatusCode}): {(body.Length > 2000 ? body[..2000] : body)}");
                }
            }

            await stderr.WriteLineAsync($"emx bench sip: provisioned phones {from}-{to - 1} (one line each) in {watch.Elapsed.TotalSeconds:F1} s");
        }

        private static byte[] ProvisioningDocument(int from, int to, bool first)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                if (first)
                {
                    w.WriteStartArray("partitions");
                    w.WriteStartObject();
                    w.WriteString("name", PartitionName);
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteStartArray("callingSearchSpaces");
                    w.WriteStartObject();
                    w.WriteString("name", PartitionName);
                    w.WriteStartArray("partitions");
                    w.WriteStringValue(PartitionName);
                    w.WriteEndArray();
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteStartArray("phoneModels");
                    w.WriteStartObject();
                    w.WriteString("name", ModelName);
                    w.WriteStartArray("protocols");
                    w.WriteStringValue("SIP");
                    w.WriteEndArray();
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteStartArray("devicePools");
                    w.WriteStartObject();
                    w.WriteString("name", DevicePoolName);
                    w.WriteEndObject();
                    w.WriteEndArray();
                }

                // Each phone owns one line in the benchmark partition and may call it (its CSS): the INVITE phase
                // calls phone to phone, as CUCM routes a dialled number through the caller's calling search space.
                w.WriteStartArray("phones");
                for (var i = from; i < to; i++)
                {
                    w.WriteStartObject();
                    w.WriteString("name", PhoneName(i));
                    w.WriteString("model", ModelName);
                    w.WriteString("devicePool", DevicePoolName);
                    w.WriteString("css", PartitionName);
                    w.WriteStartArray("lines");
                    w.WriteStartObject();
                    w.WriteString("dn", Dn(i));
                    w.WriteString("partition", PartitionName);
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            return stream.ToArray();
        }

        private async Task<KamailioProcess> StartKamailioAsync(CancellationToken ct)
        {
            try
            {
                return await KamailioProcess.StartAsync(kamailioPath!, _kamailioConfig, options.KamailioAddress, ct);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                throw new BenchSetupException("Kamailio did not start: " + ex.Message);
            }
        }

        // ---- Phases ---------------------------------------------------------------------------------------------

        private async Task<SipTargetResult> RegisterPhaseAsync(Target target, string phones, CancellationToken ct)
        {
            await stderr.WriteLineAsync($"emx bench sip: REGISTER against {target.Name} ({target.EndPoint})");
            var local = new IPEndPoint(options.LoadAddress, Executables.FreeUdpPort(options.LoadAddress));
            var phase = new PhaseRuns(target, "register");

            // Every phone registers once first: the measured REGISTERs then refresh existing bindings, as phones do.
            var prime = await PrimeAsync(phase, _registerScenario, phones, local, options.Phones, ct);
            if (prime is not null)
            {
                return phase.Result("failed", $"registering the {options.Phones} phones failed: {prime}");
            }

            return await SearchAsync(phase, (rate, seconds, token) => Client(_registerScenario, phones, target.EndPoint, local, rate, seconds, token), null, ct);
        }

        private async Task<SipTargetResult> InvitePhaseAsync(Target target, string callers, string callees, string calls, CancellationToken ct)
        {
            await stderr.WriteLineAsync($"emx bench sip: INVITE against {target.Name} ({target.EndPoint})");
            var caller = new IPEndPoint(options.LoadAddress, Executables.FreeUdpPort(options.LoadAddress));
            var callee = new IPEndPoint(options.LoadAddress, Executables.FreeUdpPort(options.LoadAddress));
            var phase = new PhaseRuns(target, "invite");

            // The lines register from the addresses that then call and answer: the caller's source address is how
            // emx knows the calling device; the called line's contact is where the proxy sends the INVITE.
            if (await PrimeAsync(phase, _registerScenario, callers, caller, Half, ct) is { } callersFailed)
            {
                return phase.Result("failed", $"registering the {Half} calling lines failed: {callersFailed}");
            }

            if (await PrimeAsync(phase, _registerScenario, callees, callee, Half, ct) is { } calleesFailed)
            {
                return phase.Result("failed", $"registering the {Half} called lines failed: {calleesFailed}");
            }

            using var uas = SippProcess.StartServer(sipp, _uasScenario, callee, work);
            try
            {
                await Task.Delay(300, ct);
                if (uas.HasExited)
                {
                    return phase.Result("failed", $"the called phones' SIPp (UAS) exited with {uas.ExitCode}");
                }

                return await SearchAsync(phase, (rate, seconds, token) => Client(_uacScenario, calls, target.EndPoint, caller, rate, seconds, token), uas, ct);
            }
            finally
            {
                if (!uas.HasExited)
                {
                    uas.Kill();
                }

                await uas.WaitForExitAsync(CancellationToken.None);
            }
        }

        /// <summary>
        /// Registers every line of <paramref name="injection"/> once from <paramref name="local"/>; null when all
        /// succeeded, else why not. A server that answered 503 (emx's SIP layer refuses new requests beyond its limit
        /// of live transactions: a registrar backlog) gets one more try once Timer J (32 s) has passed.
        /// </summary>
        private async Task<string?> PrimeAsync(PhaseRuns phase, string scenario, string injection, IPEndPoint local, int count, CancellationToken ct)
        {
            for (var attempt = 1; ; attempt++)
            {
                var run = new SippClientRun
                {
                    Scenario = scenario,
                    InjectionFile = injection,
                    Remote = phase.Target.EndPoint,
                    Local = local,
                    Rate = PrimeRate,
                    Calls = count,
                    Limit = 50,
                };
                var outcome = await SippProcess.RunClientAsync(sipp, run, work, TimeSpan.FromSeconds(60 + (count / 50.0)), ct);
                var passed = outcome.Successful == count && outcome.Failed == 0;
                phase.Add("prime", run.Rate, outcome, passed);
                if (passed)
                {
                    return null;
                }

                if (attempt == 1 && outcome.Failures.Keys.Any(k => k.StartsWith("503", StringComparison.Ordinal)))
                {
                    await stderr.WriteLineAsync($"emx bench sip:   {phase.Target.Name} answered 503 while registering the lines: trying again in {TimerJ.TotalSeconds:0} s");
                    await Task.Delay(TimerJ, ct);
                    continue;
                }

                return $"{outcome.Successful} of {count} succeeded, {outcome.Failed} failed ({Causes(outcome.Failures)}); sipp exit {outcome.ExitCode}: {Last(outcome.LogTail, 600)}";
            }
        }

        private Task<SippOutcome> Client(string scenario, string injection, IPEndPoint remote, IPEndPoint local, double rate, double seconds, CancellationToken ct)
        {
            var calls = Math.Max(1, (long)Math.Round(rate * seconds));
            var run = new SippClientRun
            {
                Scenario = scenario,
                InjectionFile = injection,
                Remote = remote,
                Local = local,
                Rate = rate,
                Calls = calls,

                // One second of calls in flight at most: a server that falls further behind fails the run by rate.
                Limit = (int)Math.Max(50, Math.Round(rate)),
            };
            return SippProcess.RunClientAsync(sipp, run, work, TimeSpan.FromSeconds((seconds * 3) + 30), ct);
        }

        /// <summary>
        /// The rate search: offered rates double from --start-rate until a trial fails, then bisect between the highest
        /// sustained and the lowest not until they are within 10 %; then one measured run of --duration at the highest
        /// sustained (lowered by 20 % at most twice if it does not hold for the whole duration). With --rate, only the
        /// measured run at that rate.
        /// </summary>
        private async Task<SipTargetResult> SearchAsync(PhaseRuns phase, Func<double, double, CancellationToken, Task<SippOutcome>> client, Process? uas, CancellationToken ct)
        {
            // A rate is not sustained only when two trials at it fail in a row: on a shared machine one stall of
            // another process can push a single short trial's p99 over the bound.
            async Task<(bool Passed, SippOutcome Outcome)> Trial(double rate)
            {
                for (var attempt = 1; ; attempt++)
                {
                    ct.ThrowIfCancellationRequested();
                    var outcome = await client(rate, options.TrialSeconds, ct);
                    var passed = Sustained(outcome, rate, options.TrialSeconds, phase.Label);
                    phase.Add("search", rate, outcome, passed);
                    await stderr.WriteLineAsync($"emx bench sip:   {phase.Target.Name} {phase.Label} trial {rate:0}/s: {outcome.AchievedRate:0}/s, p99 {P99Ms(outcome, phase.Label):0.0} ms, {outcome.Failed} failed{(outcome.Failed > 0 ? " (" + Causes(outcome.Failures) + ")" : "")}: {(passed ? "sustained" : "not sustained")}");
                    await Task.Delay(passed ? 500 : 2000, ct);
                    if (passed || attempt == 2 || outcome.Successful == 0)
                    {
                        return (passed, outcome);
                    }
                }
            }

            double? rateToMeasure = options.Rate;
            if (rateToMeasure is null)
            {
                double? sustained = null, notSustained = null;
                var rate = options.StartRate;
                SippOutcome? last = null;
                while (true)
                {
                    var (passed, outcome) = await Trial(rate);
                    last = outcome;
                    if (!passed)
                    {
                        notSustained = rate;
                        break;
                    }

                    sustained = rate;
                    if (rate >= options.MaxRate)
                    {
                        break;
                    }

                    rate = Math.Min(rate * 2, options.MaxRate);
                }

                if (sustained is null && last.Successful == 0)
                {
                    // Nothing succeeded at all: no rate to look for.
                    return phase.NothingSucceeded(last);
                }

                // Not even the first rate: halve it, three times at most.
                for (var lower = options.StartRate / 2; sustained is null && lower >= Math.Max(1, options.StartRate / 8); lower /= 2)
                {
                    var (passed, _) = await Trial(Math.Round(lower));
                    if (passed)
                    {
                        sustained = Math.Round(lower);
                    }
                    else
                    {
                        notSustained = Math.Round(lower);
                    }
                }

                if (sustained is null)
                {
                    return phase.Result("failed", $"no rate sustained, down to {notSustained:0}/s (criteria: no failure, >= {AchievedShare:P0} of the offered rate, p99 <= {options.P99BoundMs:0.#} ms)");
                }

                while (notSustained is { } high && (high - sustained.Value) / sustained.Value > Resolution && phase.Trials < MaxTrials)
                {
                    var middle = Math.Round((sustained.Value + high) / 2);
                    if ((await Trial(middle)).Passed)
                    {
                        sustained = middle;
                    }
                    else
                    {
                        notSustained = middle;
                    }
                }

                rateToMeasure = sustained;
            }

            // The measured run; if it does not hold for the whole duration, again at lower shares of the rate.
            var found = rateToMeasure.Value;
            var measureRate = found;
            for (var attempt = 0; ; attempt++)
            {
                ct.ThrowIfCancellationRequested();
                var serverCpu = phase.Target.CpuSeconds();
                var reaped = Executables.ReapedChildrenCpuSeconds();
                var uasCpu = uas is null ? 0 : Executables.CpuSeconds(uas.Id) ?? 0;
                var outcome = await client(measureRate, options.DurationSeconds, ct);
                var window = outcome.Seconds;
                var cores = Environment.ProcessorCount;
                var serverPercent = (phase.Target.CpuSeconds() - serverCpu) / (window * cores) * 100;
                var loadPercent = (Executables.ReapedChildrenCpuSeconds() - reaped + (uas is null ? 0 : (Executables.CpuSeconds(uas.Id) ?? 0) - uasCpu)) / (window * cores) * 100;
                var passed = Sustained(outcome, measureRate, options.DurationSeconds, phase.Label);
                phase.Add("measure", measureRate, outcome, passed);
                await stderr.WriteLineAsync($"emx bench sip:   {phase.Target.Name} {phase.Label} measured {measureRate:0}/s for {options.DurationSeconds:0.#} s: {outcome.AchievedRate:0}/s, p50 {P50Ms(outcome, phase.Label):0.00} ms, p99 {P99Ms(outcome, phase.Label):0.00} ms, {outcome.Failed} failed{(outcome.Failed > 0 ? " (" + Causes(outcome.Failures) + ")" : "")}: {(passed ? "sustained" : "not sustained")}");
                if (outcome.Successful == 0)
                {
                    return phase.NothingSucceeded(outcome);
                }

                if (passed || options.Rate is not null || attempt == Fallbacks.Length)
                {
                    return phase.Measured(outcome, measureRate, passed, serverPercent, loadPercent);
                }

                measureRate = Math.Max(1, Math.Round(found * Fallbacks[attempt]));

                // Let the server drain what the failed run left (transactions held for Timer J included).
                await Task.Delay(TimerJ, ct);
            }
        }

        private bool Sustained(SippOutcome outcome, double rate, double seconds, string label)
        {
            var expected = Math.Max(1, (long)Math.Round(rate * seconds));
            return outcome.ExitCode == 0
                && outcome.Failed == 0
                && outcome.Successful >= expected
                && outcome.AchievedRate >= AchievedShare * rate
                && P99Ms(outcome, label) <= options.P99BoundMs;
        }

        // ---- Memory -----------------------------------------------------------------------------------------------

        private async Task<SipMemoryReport> MemoryCheckAsync(double? emxRegisterRate, CancellationToken ct)
        {
            var devices = options.MemoryPhones;
            var injection = WriteInjection("memory.csv", Enumerable.Range(0, devices).Select(i => Dn(i) + ";" + Mac(i)));
            long? emxRegistered = null, emxFailed = null, rssBefore = null, rssHeld = null, heapHeld = null, rss = null, heap = null, peak = null, kamailioPss = null, kamailioRegistered = null;
            double? seconds = null;
            var reasons = new List<string>();
            if (_node?.SipEndPoint is { } emx)
            {
                await stderr.WriteLineAsync($"emx bench sip: memory check: {devices} devices to emx");
                if (devices > options.Phones)
                {
                    await ProvisionAsync(options.Phones, devices, ct);
                }

                // At the REGISTER rate emx sustained (the measured run), once the earlier runs' transactions are gone.
                var rate = emxRegisterRate is > 0 and var sustained ? Math.Round(sustained) : DefaultMemoryRate;
                await stderr.WriteLineAsync($"emx bench sip: memory check: registering at {rate:0}/s (about {devices / rate:0} s) after {TimerJ.TotalSeconds:0} s for the earlier transactions to end");
                await Task.Delay(TimerJ, ct);
                (rssBefore, _) = CollectAndMeasure();
                var local = new IPEndPoint(options.LoadAddress, Executables.FreeUdpPort(options.LoadAddress));
                var run = new SippClientRun { Scenario = _registerScenario, InjectionFile = injection, Remote = emx, Local = local, Rate = rate, Calls = devices, Limit = 100 };
                var outcome = await SippProcess.RunClientAsync(sipp, run, work, TimeSpan.FromSeconds(120 + (3 * devices / rate)), ct);
                seconds = Math.Round(outcome.Seconds, 1);
                emxFailed = outcome.Failed;
                await using (var db = _node.App.Services.GetRequiredService<Cluster.Provisioning.IEmxDbContextFactory>().Create())
                {
                    var now = TimeProvider.System.GetUtcNow();
                    emxRegistered = await db.Registrations.AsNoTracking().Where(r => r.ExpiresAt > now).Select(r => r.Aor).Distinct().LongCountAsync(ct);
                }

                (rssHeld, heapHeld) = CollectAndMeasure();
                await stderr.WriteLineAsync($"emx bench sip: memory check: {emxRegistered} registered in {seconds:0.0} s ({outcome.Failed} failed); RSS {Mib(rssHeld)} MiB after a forced GC (managed heap {Mib(heapHeld)} MiB) with the REGISTER transactions still held, {Mib(rssBefore)} MiB before registering");

                // The SIP layer keeps each completed REGISTER transaction, compact (match key and response bytes), for
                // Timer J (64*T1 = 32 s over UDP, RFC 3261 §17.2.2) to absorb retransmissions: the steady state is
                // measured once they are gone.
                await Task.Delay(TimeSpan.FromSeconds(34), ct);
                (rss, heap) = CollectAndMeasure();
                peak = Executables.ProcKib("/proc/self/status", "VmHWM");
                await stderr.WriteLineAsync($"emx bench sip: memory check: 34 s later: RSS {Mib(rss)} MiB after a forced GC (managed heap {Mib(heap)} MiB); peak RSS of the process {Mib(peak)} MiB");
                if (emxRegistered != devices)
                {
                    reasons.Add($"{emxRegistered} of {devices} devices registered to emx ({Causes(outcome.Failures)})");
                }

                if (Math.Max(rss ?? 0, rssHeld ?? 0) > options.MemoryLimitBytes)
                {
                    reasons.Add($"emx's resident set {Mib(Math.Max(rss ?? 0, rssHeld ?? 0))} MiB exceeds {Mib(options.MemoryLimitBytes)} MiB");
                }
            }

            if (kamailioPath is not null)
            {
                // A fresh Kamailio, so its shared memory holds the registrations and nothing left by the INVITE phase.
                await using var fresh = await StartKamailioAsync(ct);
                var local = new IPEndPoint(options.LoadAddress, Executables.FreeUdpPort(options.LoadAddress));
                var run = new SippClientRun { Scenario = _registerScenario, InjectionFile = injection, Remote = fresh.EndPoint, Local = local, Rate = 20_000, Calls = devices, Limit = 100 };
                var outcome = await SippProcess.RunClientAsync(sipp, run, work, TimeSpan.FromSeconds(120 + (devices / 50.0)), ct);
                kamailioRegistered = outcome.Successful;
                kamailioPss = fresh.PssBytes();
                await stderr.WriteLineAsync($"emx bench sip: memory check: {outcome.Successful} devices registered to Kamailio: {Mib(kamailioPss)} MiB (PSS of its processes)");
            }

            var measured = rss is not null;
            return new SipMemoryReport
            {
                Devices = devices,
                EmxRegistered = emxRegistered,
                EmxRegisterSeconds = seconds,
                EmxRegisterFailed = emxFailed,
                EmxRssBeforeBytes = rssBefore,
                EmxRssBytes = rss,
                EmxGcHeapBytes = heap,
                EmxRssWithTransactionsBytes = rssHeld,
                EmxGcHeapWithTransactionsBytes = heapHeld,
                EmxPeakRssBytes = peak,
                LimitBytes = options.MemoryLimitBytes,
                KamailioPssBytes = kamailioPss,
                KamailioRegistered = kamailioRegistered,
                Reason = reasons.Count > 0 ? string.Join("; ", reasons) : measured ? null : "emx not measured (--target kamailio)",
                Passed = measured && reasons.Count == 0,
            };
        }

        /// <summary>A full blocking compacting collection (large objects too), then the process's resident set and the managed heap.</summary>
        private static (long Rss, long Heap) CollectAndMeasure()
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            var heap = GC.GetTotalMemory(forceFullCollection: false);
            var rss = Executables.ProcKib("/proc/self/status", "VmRSS") ?? Environment.WorkingSet;
            return (rss, heap);
        }

        private SipPhaseReport Phase(string name, List<SipTargetResult> results)
        {
            var emx = results.FirstOrDefault(r => r.Target == "emx");
            var kamailio = results.FirstOrDefault(r => r.Target == "kamailio");
            double? ratio = emx is not null && kamailio is { Status: "ok", RatePerSecond: > 0 } ? Math.Round(emx.RatePerSecond / kamailio.RatePerSecond, 4) : null;
            var passed = emx is not null && kamailio is not null
                ? ratio is { } r && r >= options.TargetRatio && emx.Status == "ok"
                : results.Count > 0 && results.All(x => x.Status == "ok" && x.Sustained);
            return new SipPhaseReport { Name = name, Emx = emx, Kamailio = kamailio, Ratio = ratio, Passed = passed };
        }
    }

    // ---- Output -----------------------------------------------------------------------------------------------

    /// <summary>The plain-text report: a side-by-side table per phase, then the memory check and the verdict.</summary>
    internal static string Text(SipBenchReport r)
    {
        var s = new StringBuilder();
        var i = CultureInfo.InvariantCulture;
        var run = r.Run;
        s.AppendLine(i, $"emx bench sip {r.Version}: {run.Phones} phones, {Method(run)}; p99 bound {run.P99BoundMs:0.#} ms");
        s.AppendLine(i, $"machine: {r.Machine.Cores} cores ({r.Machine.Cpu}), {r.Machine.MemoryBytes / (1024.0 * 1024 * 1024):0.#} GiB, {r.Machine.Os}, {r.Machine.Runtime}{(r.Machine.OptimizedBuild ? "" : " (DEBUG BUILD: numbers are not representative)")}");
        s.AppendLine(i, $"tools: {run.Sipp}{(run.Kamailio is null ? "" : "; " + run.Kamailio)}; SIPp phones on {run.LoadAddress}; load average {run.LoadAverageStart ?? "-"} at start, {run.LoadAverageEnd ?? "-"} at end");
        if (run.EmxSip is not null)
        {
            s.AppendLine(i, $"emx: in-process node on {run.EmxSip}, registrations durable (SQLite WAL, synchronous=FULL){(r.Storage is { } st ? $"; fsync p50 {st.Before.P50Ms:0.00} ms before, {st.After.P50Ms:0.00} ms after" : "")}");
        }

        if (run.KamailioSip is not null)
        {
            s.AppendLine(i, $"kamailio: {run.KamailioSip}, bench/kamailio/kamailio.cfg, registrations in memory (usrloc db_mode 0)");
        }

        s.AppendLine();
        s.AppendLine(i, $"{"",-28}{"emx",-24}{"kamailio",-24}{"emx/kamailio",-14}target");
        foreach (var phase in r.Phases)
        {
            var title = phase.Name == "register" ? "REGISTER/s" : "INVITE/s (proxied)";
            var target = phase.Emx is not null && phase.Kamailio is not null
                ? $">= {run.TargetRatio:P0}: {(phase.Passed ? "PASS" : "FAIL")}"
                : phase.Passed ? "PASS" : "FAIL";
            s.AppendLine(i, $"{title,-28}{Rate(phase.Emx),-24}{Rate(phase.Kamailio),-24}{(phase.Ratio is { } ratio ? ratio.ToString("P1", i) : phase.Emx is not null && phase.Kamailio is not null ? "-" : ""),-14}{target}");
            s.AppendLine(i, $"{"  p50 / p99 / max (ms)",-28}{Latency(phase.Emx),-24}{Latency(phase.Kamailio),-24}");
            if (phase.Name == "invite")
            {
                s.AppendLine(i, $"{"  BYE p50 / p99 (ms)",-28}{Bye(phase.Emx),-24}{Bye(phase.Kamailio),-24}");
            }

            s.AppendLine(i, $"{"  failed / retransmitted",-28}{Failures(phase.Emx),-24}{Failures(phase.Kamailio),-24}");
            s.AppendLine(i, $"{"  CPU server / SIPp",-28}{Cpu(phase.Emx),-24}{Cpu(phase.Kamailio),-24}");
            foreach (var result in new[] { phase.Emx, phase.Kamailio }.OfType<SipTargetResult>().Where(x => x.Reason is not null))
            {
                s.AppendLine(i, $"  {result.Target}: {result.Reason}");
            }
        }

        if (r.Memory is { } m)
        {
            s.AppendLine();
            s.AppendLine(MemoryLine(m));
        }

        s.AppendLine(r.Passed ? "result: PASS" : $"result: FAIL{(run.Interrupted ? " (interrupted)" : "")}");
        return s.ToString();
    }

    /// <summary>The markdown snippet for docs/benchmarks.md (--output).</summary>
    internal static string Markdown(SipBenchReport r)
    {
        var s = new StringBuilder();
        var i = CultureInfo.InvariantCulture;
        var run = r.Run;
        s.AppendLine(i, $"`emx bench sip` {r.Version}: {run.Phones} phones, {Method(run)}, p99 bound {run.P99BoundMs:0.#} ms. Machine: {r.Machine.Cores} cores ({r.Machine.Cpu}), {r.Machine.MemoryBytes / (1024.0 * 1024 * 1024):0.#} GiB, {r.Machine.Os}, {r.Machine.Runtime}{(r.Machine.OptimizedBuild ? "" : " (DEBUG build)")}; {run.Sipp}{(run.Kamailio is null ? "" : ", " + run.Kamailio)}; load average {run.LoadAverageStart ?? "-"} at start, {run.LoadAverageEnd ?? "-"} at end.{(r.Storage is { } st ? $" fsync p50 where emx's SQLite lives: {st.Before.P50Ms:0.00} ms before, {st.After.P50Ms:0.00} ms after." : "")}");
        s.AppendLine();
        s.AppendLine("| | emx (SQLite, synchronous=FULL) | Kamailio (usrloc in memory) | emx / Kamailio | target |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var phase in r.Phases)
        {
            var title = phase.Name == "register" ? "REGISTER/s" : "proxied INVITE transactions/s";
            var target = phase.Emx is not null && phase.Kamailio is not null ? $">= {run.TargetRatio:P0}: **{(phase.Passed ? "PASS" : "FAIL")}**" : phase.Passed ? "PASS" : "FAIL";
            s.AppendLine(i, $"| {title} | {Rate(phase.Emx)} | {Rate(phase.Kamailio)} | {(phase.Ratio is { } ratio ? ratio.ToString("P1", i) : "-")} | {target} |");
            s.AppendLine(i, $"| {(phase.Name == "register" ? "REGISTER" : "INVITE")} p50 / p99 / max (ms) | {Latency(phase.Emx)} | {Latency(phase.Kamailio)} | | p99 <= {run.P99BoundMs:0.#} ms |");
            s.AppendLine(i, $"| failed / retransmitted | {Failures(phase.Emx)} | {Failures(phase.Kamailio)} | | |");
            s.AppendLine(i, $"| CPU server / SIPp (% of {r.Machine.Cores} cores) | {Cpu(phase.Emx)} | {Cpu(phase.Kamailio)} | | |");
        }

        foreach (var result in r.Phases.SelectMany(p => new[] { p.Emx, p.Kamailio }).OfType<SipTargetResult>().Where(x => x.Reason is not null))
        {
            s.AppendLine();
            s.AppendLine(i, $"{result.Target}: {result.Reason}");
        }

        if (r.Memory is { } m)
        {
            s.AppendLine();
            s.AppendLine(MemoryLine(m));
        }

        return s.ToString();
    }

    /// <summary>The 1, 5 and 15 minute load averages, or null off Linux.</summary>
    private static string? LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string Method(SipRunReport run) => run.Method == "fixed"
        ? $"fixed rate {run.FixedRate:0}/s for {run.DurationSeconds:0.#} s"
        : $"highest sustained rate (trials of {run.TrialSeconds:0.#} s from {run.StartRate:0}/s doubling, then bisection to {Resolution:P0}; measured {run.DurationSeconds:0.#} s at it)";

    private static string Rate(SipTargetResult? x) => x switch
    {
        null => "-",
        { Status: "ok" } => x.RatePerSecond.ToString("N0", CultureInfo.InvariantCulture) + (x.Sustained ? "" : " (not sustained)"),
        _ => x.Status,
    };

    private static string Latency(SipTargetResult? x) => x?.LatencyMs is { } l
        ? string.Create(CultureInfo.InvariantCulture, $"{l.P50:0.00} / {l.P99:0.00} / {l.Max:0.0}")
        : "-";

    private static string Bye(SipTargetResult? x) => x is not null && x.OtherLatencyMs.TryGetValue("bye", out var l)
        ? string.Create(CultureInfo.InvariantCulture, $"{l.P50:0.00} / {l.P99:0.00}")
        : "-";

    private static string Failures(SipTargetResult? x) => x is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{x.Failed} / {x.Retransmissions}");

    private static string Cpu(SipTargetResult? x) => x?.ServerCpuPercent is { } server
        ? string.Create(CultureInfo.InvariantCulture, $"{server:0} % / {x.LoadGeneratorCpuPercent:0} %")
        : "-";

    private static string MemoryLine(SipMemoryReport m)
    {
        var i = CultureInfo.InvariantCulture;
        var emx = m.EmxRssBytes is { } rss
            ? string.Create(i, $"emx: {m.EmxRegistered:N0} registered in {m.EmxRegisterSeconds:0.0} s; resident set after a forced full GC {Mib(m.EmxRssWithTransactionsBytes)} MiB at once (managed heap {Mib(m.EmxGcHeapWithTransactionsBytes)} MiB, the REGISTER transactions still held), {Mib(rss)} MiB 34 s later (managed heap {Mib(m.EmxGcHeapBytes)} MiB); {Mib(m.EmxRssBeforeBytes)} MiB provisioned before registering; process peak {Mib(m.EmxPeakRssBytes)} MiB; limit {Mib(m.LimitBytes)} MiB (1 GB): {(m.Passed ? "PASS" : "FAIL")}")
            : "emx: not measured";
        var kamailio = m.KamailioPssBytes is { } pss ? string.Create(i, $"; Kamailio: {m.KamailioRegistered:N0} registered, {Mib(pss)} MiB (PSS of its processes)") : "";
        return string.Create(i, $"memory, {m.Devices:N0} devices: {emx}{kamailio}{(m.Reason is null ? "" : " (" + m.Reason + ")")}");
    }

    internal static double P50Ms(SippOutcome outcome, string label) =>
        outcome.Latency.TryGetValue(label, out var h) ? Math.Round(h.Percentile(50) / 1000.0, 3) : 0;

    internal static double P99Ms(SippOutcome outcome, string label) =>
        outcome.Latency.TryGetValue(label, out var h) ? Math.Round(h.Percentile(99) / 1000.0, 3) : 0;

    private static string Causes(IReadOnlyDictionary<string, long> failures) =>
        failures.Count == 0 ? "no cause recorded" : string.Join(", ", failures.Select(f => f.Key + ": " + f.Value.ToString(CultureInfo.InvariantCulture)));

    private static string Last(string text, int length) => text.Length <= length ? text : "..." + text[^length..];

    private static string Mib(long? bytes) => bytes is { } b ? (b / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) : "-";

    /// <summary>A server under test: its name, SIP address and CPU meter.</summary>
    private sealed record Target(string Name, IPEndPoint EndPoint, Func<double> CpuSeconds);

    /// <summary>The SIPp runs of one phase against one target, and the results built from them.</summary>
    private sealed class PhaseRuns(Target target, string label)
    {
        private readonly List<SipTrialReport> _trials = [];
        private readonly SortedDictionary<string, long> _failures = new(StringComparer.Ordinal);

        public Target Target => target;

        /// <summary>The transaction the phase measures: the latency label of its scenario.</summary>
        public string Label => label;

        public int Trials => _trials.Count(t => t.Kind == "search");

        public void Add(string kind, double offered, SippOutcome outcome, bool passed)
        {
            _trials.Add(new SipTrialReport(kind, Math.Round(offered, 1), Math.Round(outcome.AchievedRate, 1), outcome.Successful, outcome.Failed, outcome.Retransmissions, P50Ms(outcome, label), P99Ms(outcome, label), passed));
            foreach (var (cause, count) in outcome.Failures)
            {
                _failures[cause] = _failures.GetValueOrDefault(cause) + count;
            }
        }

        public SipTargetResult Result(string status, string reason) => new()
        {
            Target = target.Name,
            Status = status,
            Reason = reason,
            RatePerSecond = 0,
            Sustained = false,
            MeasuredSeconds = 0,
            Successful = 0,
            Failed = 0,
            Retransmissions = 0,
            FailuresByCause = _failures,
            Trials = _trials,
        };

        /// <summary>Every call failed: "unsupported" when each was refused as not implemented (405, 501), else "failed".</summary>
        public SipTargetResult NothingSucceeded(SippOutcome outcome)
        {
            var refusals = outcome.Failures.Where(f => f.Key.StartsWith("405", StringComparison.Ordinal) || f.Key.StartsWith("501", StringComparison.Ordinal)).Sum(f => f.Value);
            var unsupported = outcome.Failed > 0 && refusals == outcome.Failed;
            var reason = unsupported
                ? $"every {label.ToUpperInvariant()} answered {string.Join(", ", outcome.Failures.Keys)} (not implemented)"
                : $"no call succeeded: {outcome.Failed} failed ({Causes(outcome.Failures)})";
            return Result(unsupported ? "unsupported" : "failed", reason) with { Failed = outcome.Failed, Retransmissions = outcome.Retransmissions };
        }

        public SipTargetResult Measured(SippOutcome outcome, double offered, bool sustained, double serverPercent, double loadPercent)
        {
            var others = outcome.Latency.Where(l => l.Key != label).ToDictionary(l => l.Key, l => LatencyReport.Of(l.Value), StringComparer.Ordinal);
            return new SipTargetResult
            {
                Target = target.Name,
                Status = "ok",
                Reason = sustained ? null : "the measured run did not meet every criterion (see trials)",
                RatePerSecond = Math.Round(outcome.AchievedRate, 1),
                OfferedRate = offered,
                Sustained = sustained,
                MeasuredSeconds = Math.Round(outcome.Seconds, 2),
                Successful = outcome.Successful,
                Failed = outcome.Failed,
                Retransmissions = outcome.Retransmissions,
                LatencyMs = outcome.Latency.TryGetValue(label, out var histogram) ? LatencyReport.Of(histogram) : null,
                OtherLatencyMs = others,
                FailuresByCause = _failures,
                ServerCpuPercent = Math.Round(serverPercent, 1),
                LoadGeneratorCpuPercent = Math.Round(loadPercent, 1),
                Trials = _trials,
            };
        }
    }

    /// <summary>A set-up step failed (node, provisioning, Kamailio): the run cannot measure anything.</summary>
    private sealed class BenchSetupException(string message) : Exception(message);
}
