using Microsoft.Extensions.Logging;

namespace Emx.Cluster.ExtensionMobility;

/// <summary>
/// The per-feature trace an administrator switches on (category <c>Emx.Trace.ExtensionMobility</c> at Debug), one line
/// per step of each request, like the EMService/EMApp traces of the troubleshooting documents: Extension Mobility and,
/// as in CUCM's Cisco Extension Mobility service, EMCC on both clusters. Never a PIN, login token or password.
/// </summary>
public sealed partial class EmTrace(ILoggerFactory loggers)
{
    /// <summary>The trace's logging category.</summary>
    public const string Category = "Emx.Trace.ExtensionMobility";

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    /// <summary>Whether the trace is on.</summary>
    public bool Enabled => _logger.IsEnabled(LogLevel.Debug);

    /// <summary>Writes one step.</summary>
    public void Step(EmRequestContext context, string step, string detail, TimeSpan? elapsed = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        if (elapsed is { } e)
        {
            LogTimed(_logger, context.RequestNumber, context.Channel, context.Actor, step, detail, e.TotalMilliseconds);
        }
        else
        {
            LogStep(_logger, context.RequestNumber, context.Channel, context.Actor, step, detail);
        }
    }

    /// <summary>
    /// Writes one step of an EMCC request: <paramref name="side"/> is "home" or "visiting", <paramref name="party"/>
    /// says where the request came from ("from ClusterB request 7") or what it is about ("on SEP...").
    /// </summary>
    public void Emcc(long requestNumber, string side, string user, string party, string step, string detail, TimeSpan? elapsed = null)
    {
        if (!_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        if (elapsed is { } e)
        {
            LogEmccTimed(_logger, requestNumber, side, user, party, step, detail, e.TotalMilliseconds);
        }
        else
        {
            LogEmccStep(_logger, requestNumber, side, user, party, step, detail);
        }
    }

    [LoggerMessage(EventId = 2510, Level = LogLevel.Debug, Message = "EMCC request {RequestNumber} [{Side} {User} {Party}] {Step}: {Detail}")]
    private static partial void LogEmccStep(ILogger logger, long requestNumber, string side, string user, string party, string step, string detail);

    [LoggerMessage(EventId = 2511, Level = LogLevel.Debug, Message = "EMCC request {RequestNumber} [{Side} {User} {Party}] {Step}: {Detail} (processing time {ElapsedMs:F1} ms)")]
    private static partial void LogEmccTimed(ILogger logger, long requestNumber, string side, string user, string party, string step, string detail, double elapsedMs);

    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "EM request {RequestNumber} [{Channel} {Actor}] {Step}: {Detail}")]
    private static partial void LogStep(ILogger logger, long requestNumber, EmChannel channel, string actor, string step, string detail);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "EM request {RequestNumber} [{Channel} {Actor}] {Step}: {Detail} (processing time {ElapsedMs:F1} ms)")]
    private static partial void LogTimed(ILogger logger, long requestNumber, EmChannel channel, string actor, string step, string detail, double elapsedMs);
}
