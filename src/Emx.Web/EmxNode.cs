using System.Net;
using System.Reflection;
using Emx.Cluster;
using Emx.Cluster.Configuration;
using Emx.Cluster.Provisioning;
using Emx.Cluster.Security;
using Emx.Domain.Validation;
using Emx.Web.Admin;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Emx.Web;

/// <summary>A running node: its web host and where it listens.</summary>
public sealed class EmxNode : IAsyncDisposable
{
    private readonly NodeListeners _listeners;

    private EmxNode(WebApplication app, EmxConfigFile config, StartupNotice? notice)
    {
        App = app;
        Config = config;
        Notice = notice;
        _listeners = app.Services.GetRequiredService<NodeListeners>();
    }

    /// <summary>The web application (admin API, health, and the Cisco-facing endpoints as they are added).</summary>
    public WebApplication App { get; }

    /// <summary>The configuration the node started from.</summary>
    public EmxConfigFile Config { get; }

    /// <summary>A message for the operator from first start (generated admin password), or null.</summary>
    public StartupNotice? Notice { get; }

    /// <summary>The HTTP base URL (admin API, health, EM API, EMApp), with the port actually bound.</summary>
    public Uri HttpUrl => NodeListeners.Url(_listeners.Http);

    /// <summary>The config port's base URL (phone configuration files, <c>SEP&lt;MAC&gt;.cnf.xml</c>), with the port actually bound.</summary>
    public Uri ConfigUrl => NodeListeners.Url(_listeners.Config);

    /// <summary>The HTTPS base URL (EM API, EMApp and inter-cluster /emcc/v1 over TLS with the node's Tomcat certificate), with the port actually bound.</summary>
    public Uri? HttpsUrl => _listeners.Https?.IPEndPoint is { } endPoint ? new Uri("https://" + endPoint + "/") : null;

    /// <summary>
    /// The SIP listener's address and port (UDP and TCP, the port actually bound), or null when CallManager is not
    /// activated on this node.
    /// </summary>
    public IPEndPoint? SipEndPoint => App.Services.GetRequiredService<Cluster.CallControl.SipHostedService>().LocalEndPoint;

    /// <summary>Version of emx.</summary>
    public static string Version { get; } =
        typeof(EmxNode).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// Validates the configuration, prepares the database and configuration, and starts listening. Returns the
    /// errors instead of a node when the configuration or its provisioning is invalid (nothing is written then).
    /// </summary>
    public static async Task<(EmxNode? Node, IReadOnlyList<ConfigError> Errors)> StartAsync(
        EmxConfigFile config, Action<ILoggingBuilder>? logging, CancellationToken cancellationToken, Action<IServiceCollection>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = NodeStartup.ValidateConfigFile(config);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var app = Build(config, logging, overrides);
        var startup = app.Services.GetRequiredService<NodeStartup>();
        var (initErrors, notice) = await startup.InitializeAsync(config, cancellationToken);
        if (initErrors.Count > 0)
        {
            await app.DisposeAsync();
            return (null, initErrors);
        }

        await app.StartAsync(cancellationToken);
        var listeners = app.Services.GetRequiredService<NodeListeners>();
        await startup.RecordBoundPortsAsync(config.Node.Name, listeners.Http?.IPEndPoint?.Port, listeners.Https?.IPEndPoint?.Port, listeners.Config?.IPEndPoint?.Port, cancellationToken);
        return (new EmxNode(app, config, notice), []);
    }

    private static WebApplication Build(EmxConfigFile config, Action<ILoggingBuilder>? logging, Action<IServiceCollection>? overrides)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "emx", EnvironmentName = Environments.Production });
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            logging(builder.Logging);
        }

        // EMApp requests carry the PIN in the query string (seq=, Cisco's design): the request lines ASP.NET logs at
        // Information must never be written, whatever level the host asks for.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        var address = IPAddress.Parse(config.Node.Address);
        var listeners = new NodeListeners();
        var certificates = new Cluster.Security.NodeCertificates();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = ConfigSerializer.MaxDocumentBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Listen(address, config.Node.Ports.Http, o => listeners.Http = o);

            // Phone configuration files only (CUCM's HTTP port 6970); see the branch below.
            kestrel.Listen(address, config.Node.Ports.Config, o => listeners.Config = o);

            // HTTPS (CUCM's 8443) with the node's Tomcat certificate, which startup loads or creates before listening. Every
            // client is asked for a certificate but none is required (phones, browsers); inter-cluster endpoints decide
            // trust against tomcat-trust (RequireTrustedPeer), so the handshake accepts whatever is presented.
            kestrel.Listen(address, config.Node.Ports.Https, o =>
            {
                listeners.Https = o;
                o.UseHttps(https =>
                {
                    https.ServerCertificateSelector = (_, _) => certificates.Tomcat;
                    https.ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                });
            });
        });

        var services = builder.Services;
        services.AddSingleton(listeners);
        services.AddSingleton(certificates);
        services.AddSingleton<NodeCertificateService>();
        services.AddSingleton<TrustStores>();
        services.AddSingleton<BulkCertificateService>();
        services.AddSingleton<InterClusterHttpClientFactory>();

        // The process (emx serve / emx lab) owns SIGINT/SIGTERM and stops every node it runs; ASP.NET's
        // ConsoleLifetime would otherwise swallow the signal for one host and leave the process running.
        services.AddSingleton<IHostLifetime, ProcessOwnedLifetime>();
        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IEmxDbContextFactory>(new EmxDbContextFactory(config.Database));
        services.AddSingleton<ProvisioningService>();
        services.AddSingleton<NodeStartup>();
        services.AddSingleton<AdminCredentials>();
        services.AddSingleton<Cluster.ExtensionMobility.SettingsCache>();
        services.AddSingleton<Cluster.ExtensionMobility.EmCounters>();
        services.AddSingleton<Cluster.ExtensionMobility.EmTrace>();
        services.AddSingleton<Cluster.ExtensionMobility.ExtensionMobilityService>();
        services.AddSingleton<Cluster.ExtensionMobility.AutoLogoutService>();
        services.AddHostedService(sp => sp.GetRequiredService<Cluster.ExtensionMobility.AutoLogoutService>());
        services.AddSingleton<Cluster.ExtensionMobility.PhoneConfigBuilder>();
        services.AddSingleton<Cluster.CallControl.RegistrarOptions>();
        services.AddSingleton<Cluster.CallControl.DeviceLinesCache>();
        services.AddSingleton<Cluster.CallControl.Registrar>();
        services.AddSingleton(sp => new Cluster.Emcc.EmccHttp(sp.GetRequiredService<Cluster.Security.InterClusterHttpClientFactory>().Create(Timeout.InfiniteTimeSpan), TimeSpan.FromSeconds(15)));
        services.AddSingleton<Cluster.Emcc.EmccPeerClient>();
        services.AddSingleton<Cluster.Emcc.EmccService>();
        services.AddSingleton<Cluster.Emcc.RemoteClusterUpdater>();
        services.AddHostedService(sp => sp.GetRequiredService<Cluster.Emcc.RemoteClusterUpdater>());
        services.AddSingleton<Cluster.Emcc.EmccMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<Cluster.Emcc.EmccMaintenance>());
        services.AddSingleton<Cluster.CallControl.CallControlOptions>();
        services.AddSingleton<Cluster.CallControl.CallCounters>();
        services.AddSingleton<Cluster.CallControl.Routing.DialPlanCache>();
        services.AddSingleton<Cluster.CallControl.TrunkMonitor>();
        services.AddSingleton<Cluster.CallControl.Rsvp.EmccRsvpAgent>();
        services.AddSingleton<Cluster.CallControl.Routing.CallRouter>();
        services.AddSingleton<Cluster.CallControl.Proxy.SipProxy>();
        services.AddSingleton<Cluster.CallControl.CallControlCore>();
        services.AddSingleton<Cluster.CallControl.CheckSyncNotifier>();
        services.AddSingleton<Cluster.CallControl.SipHostedService>();
        services.AddHostedService(sp => sp.GetRequiredService<Cluster.CallControl.SipHostedService>());
        services.AddSingleton<Cisco.EmAppSessions>();
        services.AddSingleton<Cisco.EmAppFlow>();
        services.AddProblemDetails();
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "emx admin API";
            doc.Info.Version = "v1";
            doc.Info.Description = "Configuration of one emx cluster: every provisionable object by kind and natural key, settings sections, provisioning documents, jobs and audit.";
            return Task.CompletedTask;
        }));
        services.AddAuthentication(BasicAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, BasicAuthenticationHandler>(BasicAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.ConfigureHttpJsonOptions(o =>
        {
            foreach (var converter in ConfigSerializer.Json.Converters)
            {
                o.SerializerOptions.Converters.Add(converter);
            }

            o.SerializerOptions.UnmappedMemberHandling = ConfigSerializer.Json.UnmappedMemberHandling;
        });

        // Embedders and tests may replace services (for example the TimeProvider) after the defaults are registered.
        overrides?.Invoke(services);
        var app = builder.Build();
        app.UseExceptionHandler();
        app.Use(AdminApiEndpoints.BodyLimits);
        app.UseStatusCodePages();

        // The config port serves phone configuration files and nothing else; no other route answers there, and the
        // configuration files are not routes of the HTTP port.
        app.MapWhen(listeners.IsConfigPort, branch => branch.Run(Cisco.PhoneConfigEndpoints.HandleAsync));
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi("/openapi/{documentName}.json");
        HealthEndpoints.Map(app);
        AdminApiEndpoints.Map(app);
        Cisco.EmServiceEndpoints.Map(app);
        Cisco.EmAppEndpoints.Map(app);
        Emcc.InterClusterEndpoints.Map(app);
        return app;
    }

    /// <summary>Completes when the node's host begins to stop (for example after a fatal error).</summary>
    public CancellationToken Stopping => App.Lifetime.ApplicationStopping;

    /// <summary>Stops listening and releases the node.</summary>
    public async Task StopAsync(CancellationToken cancellationToken) => await App.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The node's Kestrel listeners; after start each holds the endpoint actually bound (port 0 picks a free port).</summary>
internal sealed class NodeListeners
{
    public ListenOptions? Http { get; set; }

    public ListenOptions? Config { get; set; }

    public ListenOptions? Https { get; set; }

    /// <summary>Whether a request arrived on the config port.</summary>
    public bool IsConfigPort(HttpContext http) =>
        Config?.IPEndPoint is { } config && http.Connection.LocalPort == config.Port && config.Port != Http?.IPEndPoint?.Port;

    /// <summary>The base URL of a listener.</summary>
    public static Uri Url(ListenOptions? listener) =>
        listener?.IPEndPoint is { } endPoint ? new Uri("http://" + endPoint + "/") : throw new InvalidOperationException("The node is not listening.");
}

/// <summary>A host lifetime that leaves process signals to the owner of the process.</summary>
internal sealed class ProcessOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
