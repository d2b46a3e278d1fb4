using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Emx.Cluster.Configuration;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Sip.Transactions;
using Emx.Sip.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Emx.Cluster.CallControl;

/// <summary>
/// The node's SIP listener: when CallManager is activated on the node, UDP and TCP on <c>node.address:node.ports.sip</c>
/// (the same port for both; port 0 picks a free one, and the bound port is recorded on the node so configuration
/// files send phones to it), a <see cref="SipTransactionLayer"/> with <see cref="CallControlCore"/> as its
/// transaction user, and the <see cref="CheckSyncNotifier"/>. Stops with the node.
/// </summary>
public sealed partial class SipHostedService(
    EmxConfigFile config,
    CallControlCore core,
    CheckSyncNotifier notifier,
    Proxy.SipProxy proxy,
    TrunkMonitor trunks,
    Rsvp.EmccRsvpAgent rsvp,
    RegistrarOptions registrarOptions,
    IEmxDbContextFactory contexts,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService
{
    private const int BindAttempts = 20;

    private readonly ILogger _logger = loggers.CreateLogger<SipHostedService>();
    private readonly ILogger _transportLogger = loggers.CreateLogger(CallControlCore.TraceCategory);
    private SipTransactionLayer? _layer;

    /// <summary>The bound SIP address and port (UDP and TCP), or null when the node runs no CallManager or has not started.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>The transaction layer, once started.</summary>
    public SipTransactionLayer? Layer => _layer;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!config.Node.Services.Contains(NodeService.CallManager))
        {
            return;
        }

        registrarOptions.Validate();
        var (udp, tcp) = await BindAsync(IPAddress.Parse(config.Node.Address), config.Node.Ports.Sip);
        foreach (var transport in new ISipTransport[] { udp, tcp })
        {
            transport.Diagnostic += OnTransportDiagnostic;
        }

        var layer = new SipTransactionLayer([udp, tcp], core, time);
        layer.Diagnostic += (_, e) => LogLayer(_logger, e.Kind, e.Detail);
        layer.Start();
        _layer = layer;
        LocalEndPoint = udp.LocalEndPoint;
        LogListening(_logger, LocalEndPoint);

        try
        {
            await using var db = contexts.Create();
            if (config.Node.Ports.Sip != LocalEndPoint.Port && await db.Nodes.FindAsync([config.Node.Name], cancellationToken) is { } node)
            {
                // Port 0: phones learn the real port from their configuration files (callManager sipPort).
                node.SipPort = LocalEndPoint.Port;
            }

            await db.SaveChangesAsync(cancellationToken);
            var purged = await RegistrationStore.PurgeExpiredAsync(db, time.GetUtcNow(), cancellationToken);
            LogPurged(_logger, purged);
        }
        catch (DbException ex)
        {
            LogStartupDatabaseFailure(_logger, ex);
        }

        proxy.Attach(layer);
        notifier.Start(layer);
        trunks.Start(layer);
        rsvp.Start(layer);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_layer is not { } layer)
        {
            return;
        }

        // The notifier first (its NOTIFYs in flight are cut short and stay undelivered), then the layer, so no request
        // arrives any more, then the core, which waits for the REGISTERs it is still writing.
        await notifier.DisposeAsync();
        await trunks.DisposeAsync();
        await rsvp.DisposeAsync();
        await layer.DisposeAsync();
        await core.DisposeAsync();
        _layer = null;
    }

    /// <summary>Binds UDP and TCP to one port: the given one, or for port 0 a free one both protocols can have.</summary>
    private static async Task<(SipUdpTransport Udp, SipTcpTransport Tcp)> BindAsync(IPAddress address, int port)
    {
        for (var attempt = 1; ; attempt++)
        {
            var udp = new SipUdpTransport(new IPEndPoint(address, port));
            try
            {
                return (udp, new SipTcpTransport(new IPEndPoint(address, udp.LocalEndPoint.Port)));
            }
            catch (SocketException) when (port == 0 && attempt < BindAttempts)
            {
                // The free UDP port is taken for TCP: try another.
                await udp.DisposeAsync();
            }
            catch
            {
                await udp.DisposeAsync();
                throw;
            }
        }
    }

    private void OnTransportDiagnostic(object? sender, SipTransportEventArgs e)
    {
        if (e.Kind is SipTransportEventKind.SendFailed or SipTransportEventKind.ReceiveFailed or SipTransportEventKind.ConnectionRejected)
        {
            LogTransportProblem(_logger, e.Kind, e.RemoteEndPoint, e.Detail);
        }
        else
        {
            LogTransportEvent(_transportLogger, e.Kind, e.RemoteEndPoint, e.Detail);
        }
    }

    [LoggerMessage(EventId = 3300, Level = LogLevel.Information, Message = "SIP listening on {EndPoint} (UDP and TCP)")]
    private static partial void LogListening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Debug, Message = "Purged {Count} expired registration(s)")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Error, Message = "SIP start: database failure recording the SIP port or purging registrations")]
    private static partial void LogStartupDatabaseFailure(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "SIP transaction layer: {Kind} {Detail}")]
    private static partial void LogLayer(ILogger logger, SipTransactionLayerEventKind kind, string detail);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Warning, Message = "SIP transport: {Kind} {Remote} {Detail}")]
    private static partial void LogTransportProblem(ILogger logger, SipTransportEventKind kind, IPEndPoint? remote, string? detail);

    [LoggerMessage(EventId = 3305, Level = LogLevel.Debug, Message = "SIP transport: {Kind} {Remote} {Detail}")]
    private static partial void LogTransportEvent(ILogger logger, SipTransportEventKind kind, IPEndPoint? remote, string? detail);
}
