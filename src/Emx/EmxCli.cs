using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Emx.Cluster.Configuration;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Validation;
using Emx.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Emx;

/// <summary>Exit codes of the emx command (README, "Exit codes").</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int InvalidConfiguration = 2;
    public const int Rejected = 3;
    public const int Unreachable = 4;
    public const int ChecklistIncomplete = 5;
}

/// <summary>The emx command line: results to stdout, logs to stderr.</summary>
public static class EmxCli
{
    /// <summary>Runs the command line.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        RunAsync(args, Console.In, stdout, stderr, cancellationToken);

    /// <summary>Runs the command line with <paramref name="stdin"/> as the terminal's input (<c>emx phone</c> reads commands from it).</summary>
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("emx: Extension Mobility, EM Cross Cluster and EM Roaming for IP phones, one cluster node per process.");
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Minimum level of the logs written to stderr.", DefaultValueFactory = _ => LogLevel.Information, Recursive = true };
        root.Options.Add(logLevel);

        root.Subcommands.Add(ServeCommand(stdout, stderr, logLevel));
        root.Subcommands.Add(LabCommand(stdout, stderr, logLevel));
        root.Subcommands.Add(ApplyCommand(stdout, stderr));
        root.Subcommands.Add(CertsCommand(stdout, stderr));
        root.Subcommands.Add(JobsCommand.Create(stdout, stderr));
        root.Subcommands.Add(BenchCommand(stdout, stderr, logLevel));
        root.Subcommands.Add(PhoneCommand(stdin, stdout, stderr));
        root.Subcommands.Add(EmccCommand.Create(stdout, stderr));
        root.Subcommands.Add(VersionCommand(stdout));
        root.Subcommands.Add(SchemaCommand(stdout));
        root.Subcommands.Add(DocsCommand(stdout));

        var config = new InvocationConfiguration { Output = stdout, Error = stderr };
        var parse = root.Parse(args);
        var exit = await parse.InvokeAsync(config, cancellationToken);

        // Usage errors (unknown option, missing --config, bad --url) are exit code 2, like invalid configuration.
        return parse.Errors.Count > 0 ? ExitCodes.InvalidConfiguration : exit;
    }

    private static Command ServeCommand(TextWriter stdout, TextWriter stderr, Option<LogLevel> logLevel)
    {
        var configFile = new Option<FileInfo>("--config", "-c") { Description = "Cluster config file (YAML): cluster, node, database, admin, provision.", Required = true };
        var command = new Command("serve", "Start one node of one cluster from a config file; provisioning in the file is applied first, all or nothing.") { configFile };
        command.SetAction(async (parse, ct) =>
        {
            var config = LoadConfig(parse.GetValue(configFile)!, stderr);
            if (config is null)
            {
                return ExitCodes.InvalidConfiguration;
            }

            return await RunNodesAsync([config], stdout, stderr, parse.GetValue(logLevel), ct);
        });
        return command;
    }

    private static Command LabCommand(TextWriter stdout, TextWriter stderr, Option<LogLevel> logLevel)
    {
        var dataDir = new Option<DirectoryInfo>("--data-dir") { Description = "Where the lab's SQLite files live.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("data", "lab")) };
        var httpPort = new Option<int>("--http-port") { Description = "HTTP port of each cluster's node (each on its own loopback address).", DefaultValueFactory = _ => 8080 };
        var httpsPort = new Option<int?>("--https-port") { Description = "HTTPS port of each cluster's node (inter-cluster EMCC; default: the lab files' 8443)." };
        var configPort = new Option<int?>("--config-port") { Description = "Phone configuration file port of each cluster's node (default: the lab files' 6970)." };
        var sipPort = new Option<int?>("--sip-port") { Description = "SIP port (UDP and TCP) of each cluster's node (default: the lab files' 5060)." };
        var bare = new Option<bool>("--bare")
        {
            Description = "Start the two clusters with only their cluster, node and administrator: no users, phones, dial plan or EMCC configuration (a fresh lab to configure EMCC step by step, docs/operations.md and examples/emcc-flow/). Data already in --data-dir is kept.",
        };
        var services = new Option<NodeService[]>("--services")
        {
            Description = "Services activated on each lab node (Service Activation: callManager, tftp, extensionMobility, bulkProvisioning, ils; default: the lab files' node.services). Services are node configuration: they take effect when the lab starts.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("lab", "Start a lab of two clusters (ClusterA on 127.0.1.1, ClusterB on 127.0.2.1) with sample users, device profiles and phones. Ctrl-C stops it; data is kept for the next run.")
        {
            dataDir, httpPort, httpsPort, configPort, sipPort, bare, services,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ports = new[] { parse.GetValue(httpPort), parse.GetValue(httpsPort) ?? 1, parse.GetValue(configPort) ?? 1, parse.GetValue(sipPort) ?? 1 };
            if (ports.Any(p => p is < 1 or > 65535))
            {
                await stderr.WriteLineAsync("emx lab: ports must be 1-65535");
                return ExitCodes.InvalidConfiguration;
            }

            var configs = new List<EmxConfigFile>();
            foreach (var name in Lab.Clusters)
            {
                var config = Lab.Load(name, parse.GetValue(dataDir)!, parse.GetValue(httpPort), stderr);
                if (config is null)
                {
                    return ExitCodes.InvalidConfiguration;
                }

                config.Node.Ports.Https = parse.GetValue(httpsPort) ?? config.Node.Ports.Https;
                config.Node.Ports.Config = parse.GetValue(configPort) ?? config.Node.Ports.Config;
                config.Node.Ports.Sip = parse.GetValue(sipPort) ?? config.Node.Ports.Sip;
                if (parse.GetValue(services) is { Length: > 0 } activated)
                {
                    config.Node.Services = [.. activated.Distinct()];
                }

                if (parse.GetValue(bare))
                {
                    config.Provision = null;
                }

                configs.Add(config);
            }

            return await RunNodesAsync(configs, stdout, stderr, parse.GetValue(logLevel), ct);
        });
        return command;
    }

    private static Command ApplyCommand(TextWriter stdout, TextWriter stderr)
    {
        var url = AdminUrlOption();
        var file = new Option<FileInfo>("--file", "-f") { Description = "Provisioning file (YAML or JSON): the shape of a config file's provision section.", Required = true };
        var user = new Option<string>("--user") { Description = "Administrator user id.", DefaultValueFactory = _ => "admin" };
        var password = new Option<string?>("--password") { Description = "Administrator password (prefer the EMX_ADMIN_PASSWORD environment variable: arguments are visible to other local users)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the node.", DefaultValueFactory = _ => 300 };
        var command = new Command("apply", "Apply a provisioning file to a running cluster: upsert by natural key, all or nothing.") { url, file, user, password, timeout };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await stderr.WriteLineAsync($"emx apply: {path.FullName} does not exist");
                return ExitCodes.InvalidConfiguration;
            }

            var secret = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("EMX_ADMIN_PASSWORD");
            if (string.IsNullOrEmpty(secret))
            {
                await stderr.WriteLineAsync("emx apply: no password: set EMX_ADMIN_PASSWORD or pass --password");
                return ExitCodes.InvalidConfiguration;
            }

            return await ApplyAsync(parse.GetValue(url)!, path, parse.GetValue(user)!, secret, TimeSpan.FromSeconds(parse.GetValue(timeout)), stdout, stderr, ct);
        });
        return command;
    }

    /// <summary>The <c>--url</c> option of the commands that talk to a node's admin API.</summary>
    internal static Option<Uri> AdminUrlOption() => new("--url", "-u")
    {
        Description = "Admin base URL of a running node, for example http://127.0.1.1:8080.",
        Required = true,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (TryParseAdminUrl(text, out var uri))
            {
                return uri;
            }

            result.AddError($"--url '{text}' is not an http:// or https:// URL");
            return null;
        },
    };

    /// <summary>An admin base URL: absolute http or https, normalised to end with '/'.</summary>
    internal static bool TryParseAdminUrl(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? uri) =>
        Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out uri) && uri.Scheme is "http" or "https";

    private static Command CertsCommand(TextWriter stdout, TextWriter stderr)
    {
        var url = UrlOption("Admin base URL of a running node of the cluster, for example http://127.0.1.1:8080.");
        url.Required = true;
        var user = new Option<string>("--user") { Description = "Administrator user id.", DefaultValueFactory = _ => "admin", Recursive = true };
        var password = new Option<string?>("--password") { Description = "Administrator password (prefer the EMX_ADMIN_PASSWORD environment variable).", Recursive = true };
        url.Recursive = true;
        var type = new Option<string>("--type") { Description = "Certificate type: all, tomcat, callManager, capf, itlRecovery.", DefaultValueFactory = _ => "all" };
        var command = new Command("certs", "Certificates and Bulk Certificate Management of a running cluster (EMCC trust): list, status, export, consolidate, import, regenerate, trust.")
        {
            url, user, password,
        };

        Command Call(string name, string description, Func<System.CommandLine.ParseResult, (HttpMethod Method, string Path)> request, params Option[] options)
        {
            var sub = new Command(name, description);
            foreach (var option in options)
            {
                sub.Options.Add(option);
            }

            sub.SetAction(async (parse, ct) =>
            {
                var secret = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("EMX_ADMIN_PASSWORD");
                if (string.IsNullOrEmpty(secret))
                {
                    await stderr.WriteLineAsync("emx certs: no password: set EMX_ADMIN_PASSWORD or pass --password");
                    return ExitCodes.InvalidConfiguration;
                }

                var (method, path) = request(parse);
                return await AdminCallAsync("emx certs " + name, parse.GetValue(url)!, parse.GetValue(user)!, secret, method, path, stdout, stderr, ct);
            });
            return sub;
        }

        var node = new Argument<string>("node") { Description = "The node whose certificate is regenerated (the request must go to that node)." };
        var purpose = new Argument<string>("type") { Description = "tomcat, callManager, capf, itlRecovery or tftp." };
        var store = new Option<string?>("--store") { Description = "Only this trust store: callManager-trust, tomcat-trust, phone-sast-trust, capf-trust." };
        command.Subcommands.Add(Call("list", "The certificates of every node (node, type, subject, SHA-256 thumbprint, expiry).", _ => (HttpMethod.Get, "api/v1/certificates")));
        command.Subcommands.Add(Call("status", "Bulk Certificate Management status: last export, and whether a re-export is required.", _ => (HttpMethod.Get, "api/v1/bulkCertificateManagement/status")));
        foreach (var operation in new[] { "export", "consolidate", "import" })
        {
            var description = operation switch
            {
                "export" => "Export this cluster's certificates to <Cluster ID>.pfx at the shared location.",
                "consolidate" => "Consolidate every cluster's exported file (two or more clusters must have exported).",
                _ => "Import the other clusters' certificates of the consolidated file into the trust stores.",
            };
            command.Subcommands.Add(Call(operation, description, p => (HttpMethod.Post, $"api/v1/bulkCertificateManagement/{operation}?type={Uri.EscapeDataString(p.GetValue(type)!)}"), type));
        }

        var regenerate = Call("regenerate", "Regenerate one certificate of a node (then export, consolidate and import again).",
            p => (HttpMethod.Post, $"api/v1/certificates/{Uri.EscapeDataString(p.GetValue(node)!)}/{Uri.EscapeDataString(p.GetValue(purpose)!)}/regenerate"));
        regenerate.Arguments.Add(node);
        regenerate.Arguments.Add(purpose);
        command.Subcommands.Add(regenerate);
        command.Subcommands.Add(Call("trust", "The trust store entries.", p => (HttpMethod.Get, "api/v1/trustStores" + (p.GetValue(store) is { } s ? "?store=" + Uri.EscapeDataString(s) : "")), store));
        return command;
    }

    /// <summary>One admin API call: the JSON answer to stdout (exit 0), a problem's detail to stderr.</summary>
    internal static async Task<int> AdminCallAsync(string what, Uri url, string user, string password, HttpMethod method, string path, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(11) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            response = await http.SendAsync(request, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await stderr.WriteLineAsync($"{what}: cannot reach {url}: {ex.Message}");
            return ExitCodes.Unreachable;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                await stdout.WriteLineAsync(body);
                return ExitCodes.Ok;
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                await stderr.WriteLineAsync($"{what}: {url} refused the credentials of '{user}' ({(int)response.StatusCode})");
                return ExitCodes.Unreachable;
            }

            var detail = body;
            try
            {
                using var problem = JsonDocument.Parse(body);
                if (problem.RootElement.TryGetProperty("detail", out var d))
                {
                    detail = d.GetString() ?? body;
                }
            }
            catch (JsonException)
            {
            }

            await stderr.WriteLineAsync($"{what}: {(int)response.StatusCode}: {detail}");
            return (int)response.StatusCode is 400 or 409 or 422 ? ExitCodes.Rejected : ExitCodes.Failure;
        }
    }

    private static Command BenchCommand(TextWriter stdout, TextWriter stderr, Option<LogLevel> logLevel)
    {
        var url = UrlOption("A running node's HTTP base URL (loopback). Absent: an in-process node on 127.0.0.1 with a temporary SQLite database, provisioned for the run.");
        var phones = new Option<int>("--phones") { Description = "Phones, and as many end users with one device profile each.", DefaultValueFactory = _ => 1000 };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients, each looping login then logout over its own phones on a keep-alive connection.", DefaultValueFactory = _ => 32 };
        var duration = new Option<double>("--duration") { Description = "Seconds measured.", DefaultValueFactory = _ => 60 };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of load before measuring.", DefaultValueFactory = _ => 5 };
        var adminUser = new Option<string>("--admin-user") { Description = "Administrator user id (provisioning, settings, counters).", DefaultValueFactory = _ => "admin" };
        var adminPassword = new Option<string?>("--admin-password") { Description = "Administrator password of a --url node (prefer the EMX_ADMIN_PASSWORD environment variable)." };
        var provision = new Option<bool>("--provision") { Description = "Create the phones, users, device profiles, an EM-enabled model and the EM API proxy application user, and raise Maximum Concurrent Requests to 100 (idempotent; implied without --url)." };
        var serverPid = new Option<int?>("--server-pid") { Description = "Process id of the --url node on this machine, to report its CPU time and RSS (/proc)." };
        var targetPairs = new Option<double?>("--target-pairs-per-second") { Description = "Exit code 1 when fewer login+logout pairs per second are sustained." };
        var targetP99 = new Option<double?>("--target-p99-ms") { Description = "Exit code 1 when the p99 request latency is not below this (ms)." };
        var allowRemote = new Option<bool>("--allow-non-loopback") { Description = "Allow a --url that is not a loopback address.", Hidden = true };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var em = new Command("em", "Load the EM API (/emservice/EMServiceServlet) with logins and logouts and report throughput, latency percentiles, errors, CPU and memory. Exit code 0 only with zero errors and the targets met.")
        {
            url, phones, clients, duration, warmup, adminUser, adminPassword, provision, serverPid, targetPairs, targetP99, allowRemote, json,
        };
        em.SetAction(async (parse, ct) =>
        {
            var options = new Bench.EmBenchOptions
            {
                Url = parse.GetValue(url),
                Phones = parse.GetValue(phones),
                Clients = parse.GetValue(clients),
                DurationSeconds = parse.GetValue(duration),
                WarmupSeconds = parse.GetValue(warmup),
                AdminUser = parse.GetValue(adminUser)!,
                AdminPassword = parse.GetValue(adminPassword) ?? Environment.GetEnvironmentVariable("EMX_ADMIN_PASSWORD"),
                Provision = parse.GetValue(provision),
                ServerPid = parse.GetValue(serverPid),
                TargetPairsPerSecond = parse.GetValue(targetPairs),
                TargetP99Ms = parse.GetValue(targetP99),
                AllowNonLoopback = parse.GetValue(allowRemote),
                Json = parse.GetValue(json),
            };

            // Ctrl-C and SIGTERM stop the run early; what was measured is still reported.
            return await UntilSignalledAsync(token => Bench.EmBench.RunAsync(options, stdout, stderr, parse.GetValue(logLevel), token), ct);
        });
        return new Command("bench", "Benchmarks against a node (loopback only).") { em, SipBenchCommand(stdout, stderr, logLevel), Bench.EmccBenchCommand.Create(stdout, stderr, logLevel) };
    }

    private static Command SipBenchCommand(TextWriter stdout, TextWriter stderr, Option<LogLevel> logLevel)
    {
        var defaults = new Bench.SipBenchOptions();
        var phones = new Option<int>("--phones") { Description = "Phones, each with one line of its own: all register; in the INVITE phase half call the other half.", DefaultValueFactory = _ => defaults.Phones };
        var rate = new Option<double?>("--rate") { Description = "Offered rate (per second) for one measured run per phase; absent: search for the highest rate each server sustains." };
        var duration = new Option<double>("--duration") { Description = "Seconds of the measured run (at the rate found, or --rate).", DefaultValueFactory = _ => defaults.DurationSeconds };
        var trial = new Option<double>("--trial") { Description = "Seconds of each trial of the rate search.", DefaultValueFactory = _ => defaults.TrialSeconds };
        var startRate = new Option<double>("--start-rate") { Description = "The search's first offered rate per second (doubled until a trial fails, then bisected).", DefaultValueFactory = _ => defaults.StartRate };
        var maxRate = new Option<double>("--max-rate") { Description = "The search's highest offered rate per second.", DefaultValueFactory = _ => defaults.MaxRate };
        var p99Bound = new Option<double>("--p99-bound-ms") { Description = "A rate is sustained only with no failed call, at least 95 % of it achieved and the p99 response time at most this (ms).", DefaultValueFactory = _ => defaults.P99BoundMs };
        var target = new Option<Bench.SipBenchTarget>("--target") { Description = "emx, kamailio or both (side by side, with emx's share of Kamailio's rate against 50 %).", DefaultValueFactory = _ => Bench.SipBenchTarget.Both };
        var skipInvite = new Option<bool>("--skip-invite") { Description = "Measure REGISTER only." };
        var memoryCheck = new Option<bool>("--memory-check") { Description = "Then register --memory-phones devices to emx and report its memory after a forced GC (pass: within 1 GB); Kamailio's too." };
        var memoryPhones = new Option<int>("--memory-phones") { Description = "Devices the memory check registers.", DefaultValueFactory = _ => defaults.MemoryPhones };
        var output = new Option<FileInfo?>("--output") { Description = "Also write the results as a markdown snippet to this file." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var sipp = new Option<string?>("--sipp") { Description = "The sipp executable (default: sipp on the PATH)." };
        var kamailio = new Option<string?>("--kamailio") { Description = "The kamailio executable (default: kamailio on the PATH or in /usr/sbin)." };
        var command = new Command("sip", "REGISTER and proxied INVITE rates with p50/p99 response times, emx (in-process node, durable registrations) and Kamailio side by side with the same SIPp scenarios; optionally emx's memory with 60,000 registered devices. Exit code 0 only when every target is met.")
        {
            phones, rate, duration, trial, startRate, maxRate, p99Bound, target, skipInvite, memoryCheck, memoryPhones, output, json, sipp, kamailio,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = defaults with
            {
                Phones = parse.GetValue(phones),
                Rate = parse.GetValue(rate),
                DurationSeconds = parse.GetValue(duration),
                TrialSeconds = parse.GetValue(trial),
                StartRate = parse.GetValue(startRate),
                MaxRate = parse.GetValue(maxRate),
                P99BoundMs = parse.GetValue(p99Bound),
                Target = parse.GetValue(target),
                SkipInvite = parse.GetValue(skipInvite),
                MemoryCheck = parse.GetValue(memoryCheck),
                MemoryPhones = parse.GetValue(memoryPhones),
                Output = parse.GetValue(output),
                Json = parse.GetValue(json),
                SippPath = parse.GetValue(sipp),
                KamailioPath = parse.GetValue(kamailio),
            };

            // Ctrl-C and SIGTERM stop the run early; what was measured is still reported.
            return await UntilSignalledAsync(token => Bench.SipBench.RunAsync(options, stdout, stderr, parse.GetValue(logLevel), token), ct);
        });
        return command;
    }

    private static Option<Uri> UrlOption(string description) => new("--url", "-u")
    {
        Description = description,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }

            result.AddError($"--url '{text}' is not an http:// or https:// URL");
            return null;
        },
    };

    private static Command PhoneCommand(TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var device = new Argument<string>("device") { Description = "The phone's device name: SEP and the 12 hex digits of its MAC address." };
        var cluster = new Option<string>("--cluster") { Description = "Address of the cluster (a node): where SEP<MAC>.cnf.xml is downloaded from.", Required = true };
        var configPort = new Option<int>("--config-port") { Description = "The cluster's configuration file port.", DefaultValueFactory = _ => 6970 };
        var sipPort = new Option<int?>("--sip-port") { Description = "Register with --cluster on this SIP port instead of the configuration file's CallManager." };
        var localAddress = new Option<string>("--local-address") { Description = "The phone's own address (loopback 127.0.0.x for several phones).", DefaultValueFactory = _ => "127.0.0.1" };
        var transport = new Option<Sip.Transport.SipTransportKind>("--transport") { Description = "SIP transport: udp or tcp.", DefaultValueFactory = _ => Sip.Transport.SipTransportKind.Udp };
        var outboundProxy = new Option<string?>("--outbound-proxy") { Description = "Send calls (INVITEs) to this address:port instead of the CallManager, e.g. another phone's." };
        var autoAnswer = new Option<bool>("--auto-answer") { Description = "Answer incoming calls at once." };
        var command = new Command("phone", "Run a Cisco-like phone: download its configuration, register its lines, follow check-sync restarts, place and answer calls, and drive its services (Extension Mobility) from the terminal.")
        {
            device, cluster, configPort, sipPort, localAddress, transport, outboundProxy, autoAnswer,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (!Protocols.DeviceName.TryParse(parse.GetValue(device), out var name))
            {
                await stderr.WriteLineAsync($"emx phone: '{parse.GetValue(device)}' is not a device name (SEP and 12 hex digits)");
                return ExitCodes.InvalidConfiguration;
            }

            var host = parse.GetValue(cluster)!;
            IPEndPoint? registrar = null;
            if (parse.GetValue(sipPort) is { } port)
            {
                if (!IPAddress.TryParse(host, out var clusterAddress) || port is < 1 or > 65535)
                {
                    await stderr.WriteLineAsync("emx phone: --sip-port needs --cluster to be an IP address and a port 1-65535");
                    return ExitCodes.InvalidConfiguration;
                }

                registrar = new IPEndPoint(clusterAddress, port);
            }

            if (!IPAddress.TryParse(parse.GetValue(localAddress), out var local))
            {
                await stderr.WriteLineAsync($"emx phone: --local-address '{parse.GetValue(localAddress)}' is not an IP address");
                return ExitCodes.InvalidConfiguration;
            }

            IPEndPoint? proxy = null;
            if (parse.GetValue(outboundProxy) is { } proxyText && (!IPEndPoint.TryParse(proxyText, out proxy) || proxy.Port == 0))
            {
                await stderr.WriteLineAsync($"emx phone: --outbound-proxy '{proxyText}' is not an address:port");
                return ExitCodes.InvalidConfiguration;
            }

            var options = new Phones.CiscoLikePhoneOptions
            {
                OutboundProxy = proxy,
                AutoAnswer = parse.GetValue(autoAnswer),
                DeviceName = name,
                Cluster = host,
                ConfigPort = parse.GetValue(configPort),
                Registrar = registrar,
                LocalAddress = local,
                Transport = parse.GetValue(transport),
            };
            await using var phone = new Phones.CiscoLikePhone(options);
            phone.Diagnostic += (_, e) => stderr.WriteLine("phone: " + e.Message);
            phone.Synced += (_, e) => stderr.WriteLine($"phone: synced #{e.SyncNumber} (versionStamp {e.VersionStamp}); registered: {string.Join(", ", e.RegisteredLines)}");
            try
            {
                await phone.StartAsync(ct);
            }
            catch (Phones.PhoneException ex)
            {
                await stderr.WriteLineAsync("emx phone: " + ex.Message);
                return ExitCodes.Unreachable;
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                await stderr.WriteLineAsync($"emx phone: cannot bind SIP on {local}: {ex.Message}");
                return ExitCodes.Failure;
            }

            await new PhoneTerminal(phone, stdout).RunAsync(stdin, ct);
            using var unregistering = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await phone.UnregisterAllAsync(unregistering.Token);
            }
            catch (OperationCanceledException)
            {
                await stderr.WriteLineAsync("emx phone: the registrar did not answer the unregistration in time");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command VersionCommand(TextWriter stdout)
    {
        var command = new Command("version", "Print the emx version.");
        command.SetAction(async (_, _) =>
        {
            await stdout.WriteLineAsync($"emx {EmxNode.Version}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command SchemaCommand(TextWriter stdout)
    {
        var provider = new Option<DatabaseProvider>("--provider") { Description = "sqlite or postgres.", DefaultValueFactory = _ => DatabaseProvider.Sqlite };
        var command = new Command("schema", "Developers: print the schema script the current model produces (to write a migration).") { provider };
        command.SetAction(async (parse, _) =>
        {
            await stdout.WriteAsync(EmxDatabase.ModelScript(parse.GetValue(provider)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command DocsCommand(TextWriter stdout)
    {
        var command = new Command("docs", "Developers: print docs/configuration.md, generated from the model.");
        command.SetAction(async (_, _) =>
        {
            await stdout.WriteAsync(ConfigurationReference.Generate());
            return ExitCodes.Ok;
        });
        return command;
    }

    internal static EmxConfigFile? LoadConfig(FileInfo file, TextWriter stderr)
    {
        if (!file.Exists)
        {
            stderr.WriteLine($"emx: config file {file.FullName} does not exist");
            return null;
        }

        var errors = new List<ConfigError>();
        var config = ConfigSerializer.ReadYaml<EmxConfigFile>(File.ReadAllText(file.FullName), file.Name, errors);
        if (config is null)
        {
            PrintErrors(stderr, $"emx: {file.Name} is not a valid config file", errors);
        }

        return config;
    }

    internal static void PrintErrors(TextWriter writer, string heading, IReadOnlyList<ConfigError> errors)
    {
        writer.WriteLine($"{heading} ({errors.Count} error(s); nothing was written):");
        foreach (var error in errors)
        {
            writer.WriteLine($"  - {error}");
        }
    }

    /// <summary>Runs <paramref name="run"/> with a token that Ctrl-C (SIGINT) and SIGTERM cancel as well as <paramref name="ct"/>.</summary>
    internal static async Task<int> UntilSignalledAsync(Func<CancellationToken, Task<int>> run, CancellationToken ct)
    {
        using var signalled = CancellationTokenSource.CreateLinkedTokenSource(ct);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            signalled.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        return await run(signalled.Token);
    }

    private static async Task<int> RunNodesAsync(IReadOnlyList<EmxConfigFile> configs, TextWriter stdout, TextWriter stderr, LogLevel level, CancellationToken ct)
    {
        var nodes = new List<EmxNode>();

        // Ctrl-C (SIGINT) and SIGTERM (systemd, timeout, kill) stop the nodes cleanly and exit 0; registered
        // before anything starts so a signal during start-up is not lost.
        using var signalled = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            signalled.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var starting = CancellationTokenSource.CreateLinkedTokenSource(ct, signalled.Token);
        try
        {
            foreach (var config in configs)
            {
                var (node, errors) = await EmxNode.StartAsync(config, logging => ConfigureLogging(logging, level), starting.Token);
                if (node is null)
                {
                    PrintErrors(stderr, $"emx: node {config.Node.Name} of cluster {config.Cluster?.Id ?? "?"} did not start", errors);
                    return ExitCodes.InvalidConfiguration;
                }

                nodes.Add(node);
                var url = node.HttpUrl;
                await stdout.WriteLineAsync($"{config.Cluster?.Id ?? "cluster"} node {config.Node.Name} ({config.Database.Provider.ToString().ToLowerInvariant()}) started");
                await stdout.WriteLineAsync($"  admin API  {url}api/v1/  (OpenAPI: {url}openapi/v1.json)");
                await stdout.WriteLineAsync($"  health     {url}health");
                if (node.SipEndPoint is { } sip)
                {
                    await stdout.WriteLineAsync($"  SIP        {sip} (UDP, TCP)");
                }

                if (node.Notice is { } notice)
                {
                    await stdout.WriteLineAsync("  " + notice.Message.Replace("\n", "\n  ", StringComparison.Ordinal));
                }
            }

            await stdout.WriteLineAsync("Press Ctrl-C to stop.");
            await stdout.FlushAsync(ct);
            using var anyStopping = CancellationTokenSource.CreateLinkedTokenSource([ct, signalled.Token, .. nodes.Select(n => n.Stopping)]);

            try
            {
                await Task.Delay(Timeout.Infinite, anyStopping.Token);
            }
            catch (OperationCanceledException)
            {
            }

            await stdout.WriteLineAsync("Stopping.");
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (starting.IsCancellationRequested)
        {
            await stdout.WriteLineAsync("Stopped while starting.");
            return ExitCodes.Ok;
        }
        catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            await stderr.WriteLineAsync($"emx: cannot listen: {ex.Message}");
            return ExitCodes.Failure;
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            // The SIP listener (UDP/TCP node.ports.sip) could not bind.
            await stderr.WriteLineAsync($"emx: cannot listen for SIP: {ex.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            foreach (var node in nodes)
            {
                await node.StopAsync(stopping.Token);
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The environment variable that switches feature traces on at Debug whatever <c>--log-level</c> says: a comma-separated
    /// list of <c>em</c> (Extension Mobility and EMCC, <c>Emx.Trace.ExtensionMobility</c>), <c>sip</c> (<c>Emx.Trace.Sip</c>)
    /// or full logging category names.
    /// </summary>
    public const string TraceVariable = "EMX_TRACE";

    /// <summary>The logging categories an <see cref="TraceVariable"/> value names: emx categories only (never ASP.NET's request log, which would show PINs).</summary>
    internal static IReadOnlyList<string> TraceCategories(string? value) =>
        [.. (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => name.ToLowerInvariant() switch
            {
                "em" or "emcc" or "extensionmobility" => Cluster.ExtensionMobility.EmTrace.Category,
                "sip" => Cluster.CallControl.CallControlCore.TraceCategory,
                _ => name,
            })
            .Where(category => category.Length <= 200 && category.StartsWith("Emx.", StringComparison.Ordinal) && category.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_'))
            .Distinct(StringComparer.Ordinal)];

    internal static void ConfigureLogging(ILoggingBuilder logging, LogLevel level) =>
        ConfigureLogging(logging, level, Environment.GetEnvironmentVariable(TraceVariable));

    /// <summary>The logging of every command: <paramref name="level"/>, plus the traces <paramref name="traces"/> names (<see cref="TraceVariable"/>) at Debug.</summary>
    internal static void ConfigureLogging(ILoggingBuilder logging, LogLevel level, string? traces)
    {
        logging.SetMinimumLevel(level);
        logging.AddFilter("Microsoft", level > LogLevel.Warning ? level : LogLevel.Warning);
        foreach (var category in TraceCategories(traces))
        {
            logging.AddFilter(category, LogLevel.Debug);
        }

        // emx issues no cookies or antiforgery tokens, so the key ring's "unencrypted at rest" warning does not apply.
        logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    private static async Task<int> ApplyAsync(Uri url, FileInfo file, string user, string password, TimeSpan timeout, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        using var content = new StringContent(await File.ReadAllTextAsync(file.FullName, ct), Encoding.UTF8, "application/yaml");
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(new Uri("api/v1/provision", UriKind.Relative), content, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await stderr.WriteLineAsync($"emx apply: cannot reach {url}: {ex.Message}");
            return ExitCodes.Unreachable;
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    using (var summary = JsonDocument.Parse(body))
                    {
                        var r = summary.RootElement;
                        await stdout.WriteLineAsync($"applied {file.Name}: {r.GetProperty("created").GetInt32()} created, {r.GetProperty("updated").GetInt32()} updated, {r.GetProperty("unchanged").GetInt32()} unchanged, {r.GetProperty("emccDevicesInserted").GetInt32()} EMCC devices inserted");
                    }

                    return ExitCodes.Ok;
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    await stderr.WriteLineAsync($"emx apply: {url} refused the credentials of '{user}' ({(int)response.StatusCode})");
                    return ExitCodes.Unreachable;
                case HttpStatusCode.BadRequest:
                    using (var problem = JsonDocument.Parse(body))
                    {
                        var errors = problem.RootElement.TryGetProperty("errors", out var list)
                            ? list.EnumerateArray().Select(e => new ConfigError(
                                e.GetProperty("kind").GetString()!, e.GetProperty("key").GetString()!, e.GetProperty("field").GetString()!, e.GetProperty("reason").GetString()!)).ToList()
                            : [];
                        PrintErrors(stderr, $"emx apply: {file.Name} was rejected", errors);
                    }

                    return ExitCodes.Rejected;
                default:
                    await stderr.WriteLineAsync($"emx apply: {url} answered {(int)response.StatusCode}: {body}");
                    return ExitCodes.Failure;
            }
        }
    }
}

/// <summary>The two-cluster lab's configuration (examples/lab/*.yaml, embedded).</summary>
internal static class Lab
{
    public static readonly IReadOnlyList<string> Clusters = ["cluster-a", "cluster-b"];

    public static EmxConfigFile? Load(string name, DirectoryInfo dataDir, int httpPort, TextWriter stderr)
    {
        using var stream = typeof(Lab).Assembly.GetManifestResourceStream($"lab/{name}.yaml")!;
        using var reader = new StreamReader(stream);
        var errors = new List<ConfigError>();
        var config = ConfigSerializer.ReadYaml<EmxConfigFile>(reader.ReadToEnd(), name, errors);
        if (config is null)
        {
            EmxCli.PrintErrors(stderr, $"emx lab: built-in {name}.yaml is invalid", errors);
            return null;
        }

        config.Database.ConnectionString = $"Data Source={Path.Combine(dataDir.FullName, name + ".db")}";
        config.Node.Ports.Http = httpPort;
        return config;
    }
}
