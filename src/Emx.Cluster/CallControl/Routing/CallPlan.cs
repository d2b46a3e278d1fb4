using Emx.Domain.Configuration;
using Emx.Sip.Messages;
using Emx.Sip.Transport;

namespace Emx.Cluster.CallControl.Routing;

/// <summary>What the router decided for a new call: refuse it, or forward it to sets of targets tried in turn.</summary>
public abstract record CallPlan;

/// <summary>
/// Refuse the call with a SIP status and the Q.850 cause CUCM would release it with (RFC 3398's mapping: 1 -> 404,
/// 17 -> 486, 20 -> 480, 21 -> 403, 28 -> 484, 34 -> 503).
/// </summary>
/// <param name="StatusCode">The SIP status.</param>
/// <param name="ReasonPhrase">The reason phrase.</param>
/// <param name="Q850Cause">The cause for the Reason header, if any.</param>
/// <param name="Detail">What the trace says (which pattern, which partition).</param>
public sealed record RefuseCall(int StatusCode, string ReasonPhrase, int? Q850Cause, string Detail) : CallPlan;

/// <summary>
/// Forward the call: each <see cref="TargetSet"/> is tried in order (route group hunting), the targets of a set in
/// parallel (a shared line's registered devices).
/// </summary>
/// <param name="Caller">Who is calling.</param>
/// <param name="CalledNumber">The number as routed (after digit discard and prefix).</param>
/// <param name="Destination">What was matched, for traces: <c>1001 in Internal</c>, <c>9.! in PSTN via RL-PSTN</c>.</param>
/// <param name="Sets">The target sets, tried in order.</param>
public sealed record ForwardCall(CallerContext Caller, string CalledNumber, string Destination, IReadOnlyList<TargetSet> Sets) : CallPlan
{
    /// <summary>The RSVP reservations made for the call's EMCC phones, released when it ends.</summary>
    public IReadOnlyList<Rsvp.RsvpReservation> Reservations { get; init; } = [];
}

/// <summary>Targets forked to in parallel; <see cref="AdvanceOnFailure"/> says whether a failure moves on to the next set.</summary>
/// <param name="Name">The line (<c>1001/Internal</c>) or the trunk.</param>
/// <param name="Targets">The targets.</param>
/// <param name="AdvanceOnFailure">True for trunks: a 408, 500, 503 or unreachable trunk tries the next one.</param>
public sealed record TargetSet(string Name, IReadOnlyList<ForwardTarget> Targets, bool AdvanceOnFailure);

/// <summary>One branch: where the request goes and the media limits of the leg.</summary>
/// <param name="RequestUri">The Request-URI of the branch (a registered contact, or the called number at the trunk's far end).</param>
/// <param name="Destination">The next hop.</param>
/// <param name="Label">The device or trunk, for traces.</param>
/// <param name="Media">The codec limits between the caller's and this target's regions.</param>
/// <param name="EmccPhone">The target is a phone logged in here by EMCC: its (visiting) device name, for RSVP reservations.</param>
/// <param name="PstnAccessFor">
/// The target is the PSTN Access SIP trunk back to the visiting cluster of an EMCC caller: the visiting phone's device
/// name, sent in <see cref="EmccDeviceHeader"/> so the visiting cluster can use the phone's own CSS.
/// </param>
public sealed record ForwardTarget(SipUri RequestUri, SipDestination Destination, string Label, MediaLimits Media, string? EmccPhone = null, string? PstnAccessFor = null)
{
    /// <summary>
    /// The header in which a home cluster names the visiting phone of an EMCC call it sends over the PSTN Access SIP
    /// trunk (docs/emcc-protocol.md). Trusted only from the far end of the receiving cluster's own PSTN Access trunk;
    /// removed from every other request the proxy forwards.
    /// </summary>
    public const string EmccDeviceHeader = "X-Emx-EMCC-Device";
}

/// <summary>The region limits of a call leg: the lower Max Audio Bit Rate of both ends, and Lossy if either end is.</summary>
/// <param name="MaxAudioBitRateKbps">Max Audio Bit Rate, kb/s.</param>
/// <param name="LinkLossType">Link Loss Type.</param>
public sealed record MediaLimits(int MaxAudioBitRateKbps, LinkLossType LinkLossType)
{
    /// <summary>The limits of a call between two regions (a region of null means the defaults: 64 kb/s, Low Loss).</summary>
    public static MediaLimits Between(Region? a, Region? b)
    {
        var max = Math.Min(a?.MaxAudioBitRateKbps ?? Defaults.MaxAudioBitRateKbps, b?.MaxAudioBitRateKbps ?? Defaults.MaxAudioBitRateKbps);
        var lossy = a?.LinkLossType == LinkLossType.Lossy || b?.LinkLossType == LinkLossType.Lossy;
        return new MediaLimits(max, lossy ? LinkLossType.Lossy : LinkLossType.LowLoss);
    }

    /// <summary>A region's defaults.</summary>
    public static MediaLimits Defaults { get; } = new(new Region().MaxAudioBitRateKbps, LinkLossType.LowLoss);
}

/// <summary>The caller as the dial plan sees it.</summary>
public sealed record CallerContext
{
    /// <summary>The calling device (phone name) or trunk name.</summary>
    public required string Name { get; init; }

    /// <summary>True when the call arrived on a SIP trunk.</summary>
    public bool IsTrunk { get; init; }

    /// <summary>The calling line's directory number, when a phone calls.</summary>
    public string? LineDn { get; init; }

    /// <summary>The calling line's partition, when a phone calls.</summary>
    public string? LinePartition { get; init; }

    /// <summary>The calling search spaces in search order (line CSS, then device CSS; a trunk's CSS).</summary>
    public IReadOnlyList<string> CallingSearchSpaces { get; init; } = [];

    /// <summary>The device pool (Standard Local Route Group, region).</summary>
    public string? DevicePool { get; init; }

    /// <summary>An EMCC phone's Standard Local Route Group: the PSTN Access SIP trunk to the visiting cluster.</summary>
    public string? LocalRouteTrunk { get; init; }

    /// <summary>True for a phone logged in here by EMCC: its calls use the EMCC region.</summary>
    public bool IsEmcc { get; init; }

    /// <summary>Visiting cluster: the call came over the PSTN Access trunk for this EMCC-logged-in phone of ours, routed with its own CSS.</summary>
    public string? PstnAccessPhone { get; init; }
}
