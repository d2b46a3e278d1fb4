using System.Net;
using Emx.Protocols;
using Emx.Sip.Transport;

namespace Emx.Phones;

/// <summary>What a <see cref="CiscoLikePhone"/> needs to boot: who it is and where its cluster is.</summary>
public sealed class CiscoLikePhoneOptions
{
    /// <summary>The phone's device name (SEP + MAC); it names the configuration file and the +sip.instance.</summary>
    public required DeviceName DeviceName { get; init; }

    /// <summary>The cluster's address (a node's address or host name): where the configuration file is downloaded from.</summary>
    public required string Cluster { get; init; }

    /// <summary>The configuration file port (CUCM's HTTP TFTP port; default 6970, reference 4).</summary>
    public int ConfigPort { get; init; } = 6970;

    /// <summary>
    /// Where to register, overriding the configuration file's primary CallManager (its processNodeName and sipPort).
    /// Null (the default) follows the configuration file, as a real phone does.
    /// </summary>
    public IPEndPoint? Registrar { get; init; }

    /// <summary>The phone's own address: SIP binds to it (port <see cref="LocalSipPort"/>). Default 127.0.0.1.</summary>
    public IPAddress LocalAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The phone's SIP port; 0 (the default) picks a free one.</summary>
    public int LocalSipPort { get; init; }

    /// <summary>The SIP transport the phone registers over (default UDP, what CUCM's transportLayerProtocol 2 means).</summary>
    public SipTransportKind Transport { get; init; } = SipTransportKind.Udp;

    /// <summary>The registration time asked for, in seconds (default 3600, CUCM's Timer Register Expires).</summary>
    public int RegisterExpires { get; init; } = 3600;

    /// <summary>What the phone substitutes for <c>#EMCC#</c> in service URLs: true for an EMCC-capable phone (the default).</summary>
    public bool EmccCapable { get; init; } = true;

    /// <summary>How long one HTTP request may take (default 10 s).</summary>
    public TimeSpan HttpTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock for refresh timers and SIP transaction timers (default the system clock).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The HTTP handler, for embedders and tests (default a new <see cref="SocketsHttpHandler"/>, owned by the phone).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }
}
