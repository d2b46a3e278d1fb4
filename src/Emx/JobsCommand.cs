using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Emx.Cluster.Configuration;
using Emx.Domain.Runtime;

namespace Emx;

/// <summary>
/// <c>emx jobs</c>: the job scheduler (Bulk Administration > Job Scheduler) of a running cluster: Insert EMCC Devices and
/// the bulk certificate jobs, newest first, optionally waiting until the newest job of a type has finished.
/// </summary>
internal static class JobsCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var url = EmxCli.AdminUrlOption();
        var user = new Option<string>("--user") { Description = "Administrator user id.", DefaultValueFactory = _ => "admin" };
        var password = new Option<string?>("--password") { Description = "Administrator password (prefer the EMX_ADMIN_PASSWORD environment variable)." };
        var type = new Option<string?>("--type") { Description = "Only jobs of this type, for example \"Insert EMCC Devices\" or \"Bulk Certificate Import\"." };
        var wait = new Option<int?>("--wait")
        {
            Description = "Wait up to this many seconds until the newest (matching) job is neither pending nor processing; then exit code 0 when it completed, 1 when it failed, did not finish in time or there is none.",
        };
        var command = new Command("jobs", "The job scheduler of a running cluster (newest first): id, type, status, submitted, completed and result.")
        {
            url, user, password, type, wait,
        };
        command.SetAction(async (parse, ct) =>
        {
            var secret = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("EMX_ADMIN_PASSWORD");
            if (string.IsNullOrEmpty(secret))
            {
                await stderr.WriteLineAsync("emx jobs: no password: set EMX_ADMIN_PASSWORD or pass --password");
                return ExitCodes.InvalidConfiguration;
            }

            if (parse.GetValue(wait) is < 0 or > 86_400)
            {
                await stderr.WriteLineAsync("emx jobs: --wait must be 0-86400 seconds");
                return ExitCodes.InvalidConfiguration;
            }

            using var http = new HttpClient { BaseAddress = parse.GetValue(url)!, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{parse.GetValue(user)}:{secret}")));
            var wanted = parse.GetValue(type);
            var deadline = parse.GetValue(wait) is { } seconds ? TimeProvider.System.GetTimestamp() + (long)(seconds * (double)TimeProvider.System.TimestampFrequency) : (long?)null;
            while (true)
            {
                List<Job> jobs;
                try
                {
                    using var response = await http.GetAsync(new Uri("api/v1/jobs", UriKind.Relative), ct);
                    if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                    {
                        await stderr.WriteLineAsync($"emx jobs: {http.BaseAddress} refused the credentials of '{parse.GetValue(user)}' ({(int)response.StatusCode})");
                        return ExitCodes.Unreachable;
                    }

                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        await stderr.WriteLineAsync($"emx jobs: {http.BaseAddress} answered {(int)response.StatusCode}");
                        return ExitCodes.Failure;
                    }

                    jobs = JsonSerializer.Deserialize<List<Job>>(await response.Content.ReadAsStringAsync(ct), ConfigSerializer.Json) ?? [];
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    await stderr.WriteLineAsync($"emx jobs: cannot reach {http.BaseAddress}: {ex.Message}");
                    return ExitCodes.Unreachable;
                }

                var matching = jobs.Where(j => wanted is null || string.Equals(j.Type, wanted, StringComparison.OrdinalIgnoreCase)).OrderByDescending(j => j.Id).ToList();
                var newest = matching.FirstOrDefault();
                var running = newest is { Status: JobStatus.Pending or JobStatus.Processing };
                if (deadline is null || !running || TimeProvider.System.GetTimestamp() >= deadline)
                {
                    await stdout.WriteAsync(Table(matching));
                    if (deadline is null)
                    {
                        return ExitCodes.Ok;
                    }

                    if (newest is null)
                    {
                        await stderr.WriteLineAsync($"emx jobs: no job{(wanted is null ? "" : $" of type '{wanted}'")}");
                        return ExitCodes.Failure;
                    }

                    if (running)
                    {
                        await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"emx jobs: job {newest.Id} ({newest.Type}) is still {newest.Status}"));
                        return ExitCodes.Failure;
                    }

                    return newest.Status == JobStatus.Completed ? ExitCodes.Ok : ExitCodes.Failure;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
        });
        return command;
    }

    internal static string Table(IReadOnlyList<Job> jobs)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"ID",-6}{"TYPE",-30}{"STATUS",-12}{"SUBMITTED",-22}{"COMPLETED",-22}RESULT");
        foreach (var job in jobs)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{job.Id,-6}{job.Type,-30}{job.Status,-12}{job.Submitted.ToString("u", CultureInfo.InvariantCulture),-22}{job.Completed?.ToString("u", CultureInfo.InvariantCulture) ?? "-",-22}{job.Result}");
        }

        return text.ToString();
    }
}
