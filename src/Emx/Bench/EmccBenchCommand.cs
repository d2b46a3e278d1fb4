using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Emx.Bench;

/// <summary>The <c>emx bench emcc</c> command line.</summary>
internal static class EmccBenchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, Option<LogLevel> logLevel)
    {
        var defaults = new EmccBenchOptions();
        var users = new Option<int>("--users", "--phones") { Description = $"EMCC users at home (PIN, one device profile each), as many EMCC phones at the visiting cluster and EMCC devices at home (1-{EmccBenchOptions.MaxUsers}).", DefaultValueFactory = _ => defaults.Users };
        var clients = new Option<int>("--clients") { Description = "Concurrent clients, each looping an EMCC login (visiting EMApp) then its logout (home EMApp) over its own phones and users.", DefaultValueFactory = _ => defaults.Clients };
        var duration = new Option<double>("--duration") { Description = "Seconds measured.", DefaultValueFactory = _ => defaults.DurationSeconds };
        var warmup = new Option<double>("--warmup") { Description = "Seconds of load before measuring.", DefaultValueFactory = _ => defaults.WarmupSeconds };
        var targetLogins = new Option<double>("--target-logins-per-second") { Description = "Exit code 1 when fewer EMCC logins per second are completed (default: issue 5's 100).", DefaultValueFactory = _ => defaults.TargetLoginsPerSecond };
        var targetP50 = new Option<double>("--target-login-p50-ms") { Description = "Exit code 1 when the login p50 is not below this (default: issue 5's 20 ms).", DefaultValueFactory = _ => defaults.TargetLoginP50Ms };
        var targetP99 = new Option<double>("--target-login-p99-ms") { Description = "Exit code 1 when the login p99 is not below this (default: issue 5's 100 ms).", DefaultValueFactory = _ => defaults.TargetLoginP99Ms };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Also write the report as a Markdown section to this file." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var command = new Command("emcc", "Start a home and a visiting lab cluster in this process (127.0.1.1, 127.0.2.1), provision EMCC users and phones, and load them with EMCC logins (visiting EMApp, home over HTTPS) and logouts (home EMApp); report pairs/s, login and logout latency percentiles, errors by code, CPU and memory. Exit code 0 only with zero errors and the targets met.")
        {
            users, clients, duration, warmup, targetLogins, targetP50, targetP99, output, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = new EmccBenchOptions
            {
                Users = parse.GetValue(users),
                Clients = parse.GetValue(clients),
                DurationSeconds = parse.GetValue(duration),
                WarmupSeconds = parse.GetValue(warmup),
                TargetLoginsPerSecond = parse.GetValue(targetLogins),
                TargetLoginP50Ms = parse.GetValue(targetP50),
                TargetLoginP99Ms = parse.GetValue(targetP99),
                Output = parse.GetValue(output),
                Json = parse.GetValue(json),
            };

            // Ctrl-C and SIGTERM stop the run early; what was measured is still reported.
            return await EmxCli.UntilSignalledAsync(token => EmccBench.RunAsync(options, stdout, stderr, parse.GetValue(logLevel), token), ct);
        });
        return command;
    }
}
