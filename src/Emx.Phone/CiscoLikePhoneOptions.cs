using System.Net;
using Emx.Protocols;
using Emx.Sip.Transactions;
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

    /// <summary>
    /// Where new INVITEs go instead of the CallManager the phone registers with (an outbound proxy, or another phone
    /// for a call without a server). The Request-URI stays <c>sip:&lt;dialed&gt;@&lt;CallManager&gt;</c>. Null (the
    /// default) sends them to the CallManager, as a real phone does.
    /// </summary>
    public IPEndPoint? OutboundProxy { get; init; }

    /// <summary>
    /// How many calls a line takes at once before a new incoming call gets 486 Busy Here and a new outgoing one is
    /// refused, unless the configuration file's busyTrigger or maxNumCalls says otherwise (default 2, at least 1).
    /// </summary>
    public int MaxCallsPerLine { get; init; } = 2;

    /// <summary>Answer every incoming call by itself after <see cref="AutoAnswerDelay"/> (default false), for tests and benchmarks.</summary>
    public bool AutoAnswer { get; init; }

    /// <summary>How long an incoming call rings before <see cref="AutoAnswer"/> answers it (default 0: at once).</summary>
    public TimeSpan AutoAnswerDelay { get; init; }

    /// <summary>
    /// The audio codecs offered and accepted, in order of preference: any of G722, PCMU, PCMA, G729 (default all four,
    /// in that order, as a Cisco 88xx). telephone-event is always offered.
    /// </summary>
    public IReadOnlyList<string> Codecs { get; init; } = PhoneSdp.DefaultCodecs;

    /// <summary>SIP timers (T1, T2, T4...) for the phone's transactions and 2xx retransmission (default RFC 3261's).</summary>
    public SipTransactionOptions? SipTimers { get; init; }
}
