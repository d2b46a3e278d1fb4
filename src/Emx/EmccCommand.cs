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

        return new Command("emcc", "Extension Mobility Cross Cluster tools.") { check };
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

    private static async Task<Fetched> GetAsync(Uri baseUrl, string path, Credentials credentials, TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.User}:{credentials.Password}")));
        try
        {
            using var response = await http.GetAsync(new Uri(path, UriKind.Relative), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => new Fetched(body, null, false),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    new Fetched(null, $"{baseUrl} refused the credentials of '{credentials.User}' ({(int)response.StatusCode})", true),
                _ => new Fetched(null, $"{baseUrl} answered {(int)response.StatusCode} to GET /{path}: {body}", false),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new Fetched(null, $"cannot reach {baseUrl}: {ex.Message}", true);
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
