using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Emx.Cluster.Configuration;
using Emx.Domain.Configuration;
using Emx.Domain.Emcc;

namespace Emx;

/// <summary><c>emx emcc ...</c>: Extension Mobility Cross Cluster tools run against a node's admin API.</summary>
internal static class EmccCommand
{
    private static readonly JsonSerializerOptions Indented = new(ConfigSerializer.Json) { WriteIndented = true };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var url = EmxCli.AdminUrlOption();
        var user = new Option<string>("--user") { Description = "Administrator user id.", DefaultValueFactory = _ => "admin" };
        var password = new Option<string?>("--password") { Description = "Administrator password (prefer the EMX_ADMIN_PASSWORD environment variable: arguments are visible to other local users)." };
        var json = new Option<bool>("--json") { Description = "Print the checklist as JSON instead of a table." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also print each step's notes (nodes, counts, the EMCC region)." };
        var compare = new Option<Uri[]>("--compare")
        {
            Description = "Admin base URL of another participating cluster (repeatable): its EMCC Region Max Audio Bit Rate, Max Video Call Bit Rate and Link Loss Type must equal this cluster's.",
            DefaultValueFactory = _ => [],
            CustomParser = result =>
            {
                var uris = new List<Uri>();
                foreach (var token in result.Tokens)
                {
                    if (EmxCli.TryParseAdminUrl(token.Value, out var uri))
                    {
                        uris.Add(uri);
                    }
                    else
                    {
                        result.AddError($"--compare '{token.Value}' is not an http:// or https:// URL");
                    }
                }

                return [.. uris];
            },
        };
        var compareUser = new Option<string?>("--compare-user") { Description = "Administrator user id on the compared clusters (default: --user)." };
        var comparePassword = new Option<string?>("--compare-password") { Description = "Administrator password on the compared clusters (default: EMX_COMPARE_PASSWORD, else the password of --url)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for each node.", DefaultValueFactory = _ => 60 };

        var check = new Command("check", "Report which steps of the seed's EMCC configuration task flow are missing or inconsistent on one cluster, naming each seed step. Exit code 0 only when no step is missing or inconsistent.")
        {
            url, user, password, json, verbose, compare, compareUser, comparePassword, timeout,
        };
        check.SetAction(async (parse, ct) =>
        {
            var secret = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("EMX_ADMIN_PASSWORD");
            if (string.IsNullOrEmpty(secret))
            {
                await stderr.WriteLineAsync("emx emcc check: no password: set EMX_ADMIN_PASSWORD or pass --password");
                return ExitCodes.InvalidConfiguration;
            }

            var home = new Credentials(parse.GetValue(user)!, secret);
            var peers = new Credentials(
                parse.GetValue(compareUser) ?? home.User,
                parse.GetValue(comparePassword) ?? Environment.GetEnvironmentVariable("EMX_COMPARE_PASSWORD") ?? secret);
            var options = new CheckOptions(parse.GetValue(url)!, home, parse.GetValue(compare) ?? [], peers, parse.GetValue(json), parse.GetValue(verbose),
                TimeSpan.FromSeconds(parse.GetValue(timeout)));
            return await CheckAsync(options, stdout, stderr, ct);
        });

        return new Command("emcc", "Extension Mobility Cross Cluster tools.")
        {
            check, UpdateRemoteClusterCommand(stdout, stderr), RemoteClustersCommand(stdout, stderr), ValidateProfileCommand(stdout, stderr),
        };
    }

    /// <summary>--url, --user and --password of one subcommand (options belong to one command each).</summary>
    private static (Option<Uri> Url, Option<string> User, Option<string?> Password) AdminOptions() => (
        EmxCli.AdminUrlOption(),
        new Option<string>("--user") { Description = "Administrator user id.", DefaultValueFactory = _ => "admin" },
        new Option<string?>("--password") { Description = "Administrator password (prefer the EMX_ADMIN_PASSWORD environment variable: arguments are visible to other local users)." });

    private static async Task<Credentials?> CredentialsAsync(System.CommandLine.ParseResult parse, Option<string> user, Option<string?> password, string what, TextWriter stderr)
    {
        var secret = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("EMX_ADMIN_PASSWORD");
        if (string.IsNullOrEmpty(secret))
        {
            await stderr.WriteLineAsync($"{what}: no password: set EMX_ADMIN_PASSWORD or pass --password");
            return null;
        }

        return new Credentials(parse.GetValue(user)!, secret);
    }

    // Seed 003 step 12: "Check Mark Enabled All Services and click on Update Remote Cluster Now."
    private static Command UpdateRemoteClusterCommand(TextWriter stdout, TextWriter stderr)
    {
        const string what = "emx emcc update-remote-cluster";
        var (url, user, password) = AdminOptions();
        var clusterId = new Argument<string>("clusterId") { Description = "The Cluster ID of the remote cluster (as configured in Cluster View)." };
        var json = new Option<bool>("--json") { Description = "Print the remote cluster's status as JSON." };
        var command = new Command("update-remote-cluster", "Update Remote Cluster Now: ask one remote cluster at once for its Cluster ID, version and active EMCC services, record Remote Activated, and print its status. Exit code 0 only when it answered and has EMCC active.")
        {
            clusterId, url, user, password, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (await CredentialsAsync(parse, user, password, what, stderr) is not { } credentials)
            {
                return ExitCodes.InvalidConfiguration;
            }

            var id = parse.GetValue(clusterId)!;
            var sent = await SendAsync(parse.GetValue(url)!, HttpMethod.Post, $"api/v1/remoteClusters/{Uri.EscapeDataString(id)}/update", null, credentials, TimeSpan.FromSeconds(60), ct);
            if (sent.Body is null)
            {
                await stderr.WriteLineAsync($"{what}: {sent.Problem}");
                return sent.Unreachable ? ExitCodes.Unreachable : ExitCodes.Rejected;
            }

            var state = JsonSerializer.Deserialize<RemoteClusterStatusView>(sent.Body, ConfigSerializer.Json)!;
            using (var document = JsonDocument.Parse(sent.Body))
            {
                await stdout.WriteLineAsync(parse.GetValue(json) ? JsonSerializer.Serialize(document.RootElement, Indented) : Describe(state));
            }

            if (state.LastError is { } error)
            {
                await stderr.WriteLineAsync($"{what}: {state.ClusterId} did not answer as expected: {error}");
                return ExitCodes.Failure;
            }

            if (state.EmccRemoteActivated != true)
            {
                await stderr.WriteLineAsync($"{what}: {state.ClusterId} answered but does not have EMCC active");
                return ExitCodes.Failure;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RemoteClustersCommand(TextWriter stdout, TextWriter stderr)
    {
        const string what = "emx emcc remote-clusters";
        var (url, user, password) = AdminOptions();
        var command = new Command("remote-clusters", "List the remote clusters with what the last remote cluster update learnt (version, Remote Activated, last update, last error).")
        {
            url, user, password,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (await CredentialsAsync(parse, user, password, what, stderr) is not { } credentials)
            {
                return ExitCodes.InvalidConfiguration;
            }

            var fetched = await GetAsync(parse.GetValue(url)!, "api/v1/remoteClusters/status", credentials, TimeSpan.FromSeconds(60), ct);
            if (fetched.Body is null)
            {
                await stderr.WriteLineAsync($"{what}: {fetched.Problem}");
                return fetched.Unreachable ? ExitCodes.Unreachable : ExitCodes.Failure;
            }

            var states = JsonSerializer.Deserialize<List<RemoteClusterStatusView>>(fetched.Body, ConfigSerializer.Json)!;
            foreach (var state in states)
            {
                await stdout.WriteLineAsync(Describe(state));
            }

            if (states.Count == 0)
            {
                await stdout.WriteLineAsync("no remote cluster is configured");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    // Seed task flow, "Configure an Intercluster Service Profile": "Click Validate ... If no failure messages appear in
    // the popup window, click Save."
    private static Command ValidateProfileCommand(TextWriter stdout, TextWriter stderr)
    {
        const string what = "emx emcc validate-profile";
        var (url, user, password) = AdminOptions();
        var file = new Option<FileInfo?>("--file", "-f") { Description = "Provisioning file (YAML or JSON) whose interclusterServiceProfile section is validated before it is applied; absent: the stored profile." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("validate-profile", "The Intercluster Service Profile validation report (EMCC, PSTN Access, RSVP Agent checks) for the profile in a provisioning file, or the stored one; writes nothing. Exit code 0 when no check fails, 5 when one does.")
        {
            url, user, password, file, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            string? body = null;
            if (parse.GetValue(file) is { } path)
            {
                if (!path.Exists)
                {
                    await stderr.WriteLineAsync($"{what}: {path.FullName} does not exist");
                    return ExitCodes.InvalidConfiguration;
                }

                var errors = new List<Domain.Validation.ConfigError>();
                var document = ConfigSerializer.ReadYaml<ProvisioningDocument>(await File.ReadAllTextAsync(path.FullName, ct), path.Name, errors);
                if (document is null)
                {
                    EmxCli.PrintErrors(stderr, $"{what}: {path.Name} is not a valid provisioning file", errors);
                    return ExitCodes.InvalidConfiguration;
                }

                if (document.InterclusterServiceProfile is not { } profile)
                {
                    await stderr.WriteLineAsync($"{what}: {path.Name} has no interclusterServiceProfile section");
                    return ExitCodes.InvalidConfiguration;
                }

                body = JsonSerializer.Serialize(profile, ConfigSerializer.Json);
            }

            if (await CredentialsAsync(parse, user, password, what, stderr) is not { } credentials)
            {
                return ExitCodes.InvalidConfiguration;
            }

            var sent = await SendAsync(parse.GetValue(url)!, HttpMethod.Post, "api/v1/settings/interclusterServiceProfile/validate", body ?? "", credentials, TimeSpan.FromSeconds(60), ct);
            if (sent.Body is null)
            {
                await stderr.WriteLineAsync($"{what}: {sent.Problem}");
                return sent.Unreachable ? ExitCodes.Unreachable : ExitCodes.Rejected;
            }

            var report = JsonSerializer.Deserialize<InterclusterServiceProfileReport>(sent.Body, ConfigSerializer.Json)!;
            if (parse.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(report, Indented));
            }
            else
            {
                var text = new StringBuilder();
                text.AppendLine(CultureInfo.InvariantCulture, $"{"SERVICE",-12}{"STATUS",-11}CHECK: DETAIL");
                foreach (var line in report.Checks)
                {
                    text.AppendLine(CultureInfo.InvariantCulture, $"{line.Service,-12}{line.Status,-11}{line.Check}: {line.Detail}");
                }

                text.AppendLine(report.CanSave ? "no failure: the profile can be saved" : "failures: fix them before saving the profile");
                await stdout.WriteAsync(text.ToString());
            }

            return report.CanSave ? ExitCodes.Ok : ExitCodes.ChecklistIncomplete;
        });
        return command;
    }

    /// <summary>The remote cluster status the admin API answers (RemoteClusterState).</summary>
    private sealed record RemoteClusterStatusView(
        string ClusterId, string FullyQualifiedName, int HttpsPort, bool Emcc, bool PstnAccess, bool RsvpAgent, string? RemoteVersion,
        bool? EmccRemoteActivated, bool? PstnAccessRemoteActivated, bool? RsvpAgentRemoteActivated, DateTimeOffset? LastUpdate, string? LastError);

    private static string Describe(RemoteClusterStatusView s)
    {
        static string YesNo(bool? value) => value switch { true => "yes", false => "no", null => "unknown" };
        var where = string.Create(CultureInfo.InvariantCulture, $"{s.ClusterId} ({s.FullyQualifiedName}:{s.HttpsPort})");
        if (s.LastUpdate is not { } updated)
        {
            return $"{where}: never updated";
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{where}: version {s.RemoteVersion ?? "?"}, Remote Activated EMCC {YesNo(s.EmccRemoteActivated)}, PSTN Access {YesNo(s.PstnAccessRemoteActivated)}, RSVP Agent {YesNo(s.RsvpAgentRemoteActivated)}; updated {updated:u}{(s.LastError is { } e ? "; error " + e : "")}");
    }

    private sealed record Credentials(string User, string Password);

    private sealed record CheckOptions(Uri Url, Credentials Home, IReadOnlyList<Uri> Compare, Credentials Peers, bool Json, bool Verbose, TimeSpan Timeout);

    /// <summary>A GET's outcome: the body of a 200, else why not and whether the node could not be reached or refused us.</summary>
    private sealed record Fetched(string? Body, string? Problem, bool Unreachable);

    private static async Task<int> CheckAsync(CheckOptions options, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var fetched = await GetAsync(options.Url, "api/v1/emcc/checklist", options.Home, options.Timeout, ct);
        if (fetched.Body is null)
        {
            await stderr.WriteLineAsync($"emx emcc check: {fetched.Problem}");
            return fetched.Unreachable ? ExitCodes.Unreachable : ExitCodes.Failure;
        }

        var report = JsonSerializer.Deserialize<EmccChecklistReport>(fetched.Body, ConfigSerializer.Json)!;
        var peers = new List<EmccPeer>();
        var comparedAll = true;
        foreach (var remote in options.Compare)
        {
            var feature = await GetAsync(remote, "api/v1/settings/emccFeatureConfiguration", options.Peers, options.Timeout, ct);
            var cluster = feature.Body is null ? feature : await GetAsync(remote, "api/v1/settings/cluster", options.Peers, options.Timeout, ct);
            if (feature.Body is null || cluster.Body is null)
            {
                await stderr.WriteLineAsync($"emx emcc check: cannot compare with {remote}: {cluster.Problem}");
                comparedAll = false;
                continue;
            }

            var id = JsonSerializer.Deserialize<ClusterSettings>(cluster.Body, ConfigSerializer.Json)!.Id;
            var settings = JsonSerializer.Deserialize<EmccFeatureConfiguration>(feature.Body, ConfigSerializer.Json)!;
            peers.Add(new EmccPeer($"{id} ({remote})", EmccRegionSettings.Of(settings)));
        }

        if (peers.Count > 0)
        {
            report = report with { Items = EmccChecklist.WithPeerComparison(report.Items, report.EmccRegion, peers) };
        }

        if (options.Json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(report, Indented));
        }
        else
        {
            await stdout.WriteAsync(Table(report, options.Url, options.Verbose));
        }

        return !comparedAll ? ExitCodes.Unreachable : report.Complete ? ExitCodes.Ok : ExitCodes.ChecklistIncomplete;
    }

    private static Task<Fetched> GetAsync(Uri baseUrl, string path, Credentials credentials, TimeSpan timeout, CancellationToken ct) =>
        SendAsync(baseUrl, HttpMethod.Get, path, null, credentials, timeout, ct);

    private static async Task<Fetched> SendAsync(Uri baseUrl, HttpMethod method, string path, string? json, Credentials credentials, TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.User}:{credentials.Password}")));
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => new Fetched(body, null, false),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    new Fetched(null, $"{baseUrl} refused the credentials of '{credentials.User}' ({(int)response.StatusCode})", true),
                _ => new Fetched(null, $"{baseUrl} answered {(int)response.StatusCode} to {method} /{path}: {ProblemDetail(body)}", false),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new Fetched(null, $"cannot reach {baseUrl}: {ex.Message}", true);
        }
    }

    private static string ProblemDetail(string body)
    {
        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.ValueKind == JsonValueKind.Object && problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    /// <summary>Step, status and task, one line per step, with its findings (and notes when verbose) below it.</summary>
    internal static string Table(EmccChecklistReport report, Uri url, bool verbose)
    {
        const string indent = "                    ";
        var text = new StringBuilder();
        var line = CultureInfo.InvariantCulture;
        text.AppendLine(line, $"EMCC checklist of cluster {report.ClusterId} ({url}): the seed's Extension Mobility Cross Cluster Configuration Task Flow");
        text.AppendLine(line, $"{"STEP",-6}{"STATUS",-14}TASK");
        foreach (var item in report.Items)
        {
            text.AppendLine(line, $"{item.TaskFlowStep,-6}{item.Status,-14}{item.Step}");
            foreach (var finding in item.Findings)
            {
                text.AppendLine(line, $"{indent}- {finding}");
            }

            if (verbose)
            {
                foreach (var note in item.Notes)
                {
                    text.AppendLine(line, $"{indent}note: {note}");
                }
            }
        }

        int Count(ChecklistStatus status) => report.Items.Count(i => i.Status == status);
        text.AppendLine(line,
            $"{Count(ChecklistStatus.Done)} done, {Count(ChecklistStatus.Missing)} missing, {Count(ChecklistStatus.Inconsistent)} inconsistent, {Count(ChecklistStatus.NotApplicable)} not applicable, {Count(ChecklistStatus.NotChecked)} not checked: {(report.Complete ? "complete" : "incomplete")}");
        return text.ToString();
    }
}
