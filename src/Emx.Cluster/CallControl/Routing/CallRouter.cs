using System.Net;
using Emx.Cluster.ExtensionMobility;
using Emx.Cluster.Provisioning;
using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Emx.Domain.Routing;
using Emx.Sip.Messages;
using Emx.Sip.Transport;
using Microsoft.EntityFrameworkCore;

namespace Emx.Cluster.CallControl.Routing;

/// <summary>
/// Decides where a new call goes, as CUCM's call control does: identifies the caller (a registered line of a phone,
/// by the address its REGISTER came from, or a SIP trunk, by the far end's address), runs digit analysis with the
/// caller's calling search spaces (line CSS, then device CSS; a trunk's CSS), and turns the match into targets: the
/// registered devices of a directory number, or the trunks of a route pattern in hunting order. Refusals carry the
/// SIP status and Q.850 cause CUCM would release with.
/// </summary>
public sealed class CallRouter(IEmxDbContextFactory contexts, DialPlanCache dialPlan, TrunkMonitor trunks, SettingsCache settings, TimeProvider time)
{
    /// <summary>Plans the call <paramref name="request"/> (an initial INVITE, own Route entries popped) received from <paramref name="source"/>.</summary>
    public async Task<CallPlan> PlanAsync(SipRequest request, SipReceivedMessage source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        var view = await dialPlan.GetAsync(cancellationToken).ConfigureAwait(false);
        await using var db = contexts.Create();
        var now = time.GetUtcNow();
        var caller = await IdentifyAsync(db, view, request, source, now, cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            return new RefuseCall(403, "Forbidden", 21, $"caller {request.From?.Uri} from {source.RemoteEndPoint} is neither a registered line nor a SIP trunk");
        }

        var dialled = DialledNumber(request.RequestUri);
        var decision = view.Snapshot.Resolve(new RoutingRequest
        {
            CallingSearchSpaces = caller.CallingSearchSpaces,
            DialedDigits = dialled,
            DevicePool = caller.DevicePool,
            LocalRouteTrunk = caller.LocalRouteTrunk,
        });

        // Every EMCC call uses the EMCC region (seed Table 2: Max Audio Bit Rate 8 kb/s by default).
        var feature = await settings.GetAsync<EmccFeatureConfiguration>(cancellationToken).ConfigureAwait(false);
        var emccRegion = new Region { Name = "EMCC", MaxAudioBitRateKbps = feature.EmccRegionMaxAudioBitRate, MaxVideoCallBitRateKbps = feature.EmccRegionMaxVideoCallBitRate, LinkLossType = feature.EmccRegionLinkLossType };
        var callerRegion = caller.IsEmcc ? emccRegion : view.RegionOfPool(caller.DevicePool);
        return decision switch
        {
            RouteDecision.DirectoryNumber line => await ToLineAsync(db, view, caller, callerRegion, emccRegion, line, now, cancellationToken).ConfigureAwait(false),
            RouteDecision.Route route => ToTrunks(view, caller, callerRegion, route),
            RouteDecision.Blocked blocked => new RefuseCall(403, "Forbidden", 21, $"blocked by route pattern {blocked.Pattern} in {PartitionName(blocked.Partition)}"),
            RouteDecision.RouteUnavailable unavailable => new RefuseCall(503, "Service Unavailable", 34,
                $"route pattern {unavailable.Pattern} in {PartitionName(unavailable.Partition)}: {unavailable.Destination} has no trunk"),
            RouteDecision.InvalidDialString { Error: DialStringError.Empty } => new RefuseCall(484, "Address Incomplete", 28, "nothing dialled"),
            RouteDecision.InvalidDialString invalid => new RefuseCall(404, "Not Found", 1, $"'{dialled}' is not a dialable number ({invalid.Error})"),
            _ => new RefuseCall(404, "Not Found", 1, $"{dialled} matches nothing in {string.Join(", ", caller.CallingSearchSpaces)} or <None>"),
        };
    }

    /// <summary>The user part of a sip: Request-URI, or the number of a tel: URI.</summary>
    public static string DialledNumber(SipUri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.IsTel)
        {
            var number = uri.SchemeSpecificPart;
            var semicolon = number.IndexOf(';', StringComparison.Ordinal);
            return semicolon < 0 ? number : number[..semicolon];
        }

        return uri.User ?? string.Empty;
    }

    private async Task<CallerContext?> IdentifyAsync(
        EmxDbContext db, DialPlanView view, SipRequest request, SipReceivedMessage source, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var remote = new IPEndPoint(DialPlanView.Normalize(source.RemoteEndPoint.Address), source.RemoteEndPoint.Port);
        if (request.From?.Uri.User is { Length: > 0 } fromDn)
        {
            var bindings = await db.Registrations.AsNoTracking()
                .Where(r => r.Aor == fromDn && r.ExpiresAt > now)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var binding = bindings.FirstOrDefault(b => RegistrationSource.TryParse(b.Source, out var from)
                && from.Transport == source.Transport.Kind && from.EndPoint.Equals(remote));
            if (binding is not null && await CurrentDevice.ReadAsync(db, binding.DeviceName, cancellationToken).ConfigureAwait(false) is { } device)
            {
                var partition = binding.Partition ?? string.Empty;
                var line = device.Device.Lines.FirstOrDefault(l => l.Dn == fromDn && (l.Partition ?? string.Empty) == partition);
                if (device.Emcc is not null)
                {
                    // EMCC (reference 3.5): adjunct CSS of the roaming device pool, then the line CSS, then the
                    // profile's EMCC CSS; the Standard Local Route Group is the PSTN Access trunk to the visiting cluster.
                    var adjunct = view.DevicePools.TryGetValue(device.Phone.DevicePool, out var roaming) ? roaming.AdjunctCss : null;
                    var emccCss = (device.Device as DeviceProfile)?.EmccCss;
                    var access = await settings.GetAsync<InterclusterServiceProfile>(cancellationToken).ConfigureAwait(false);
                    return new CallerContext
                    {
                        Name = device.Phone.Name,
                        LineDn = fromDn,
                        LinePartition = partition,
                        CallingSearchSpaces = [.. new[] { adjunct, line?.Css, emccCss }.OfType<string>()],
                        DevicePool = device.Phone.DevicePool,
                        LocalRouteTrunk = access.PstnAccess.Active ? access.PstnAccess.SipTrunk : null,
                        IsEmcc = true,
                    };
                }

                return new CallerContext
                {
                    Name = device.Phone.Name,
                    LineDn = fromDn,
                    LinePartition = partition,
                    CallingSearchSpaces = [.. new[] { line?.Css, device.Phone.Css }.OfType<string>()],
                    DevicePool = device.Phone.DevicePool,
                };
            }
        }

        if (view.TrunkFrom(remote) is { } trunk)
        {
            if (await PstnAccessPhoneAsync(db, view, remote, request, cancellationToken).ConfigureAwait(false) is { } phone)
            {
                // "Use phone's original device CSS": the CSS the phone has when not logged in to EMCC (seed Table 2).
                return new CallerContext
                {
                    Name = trunk.Name + " for " + phone.Name,
                    IsTrunk = true,
                    CallingSearchSpaces = phone.Css is { } phoneCss ? [phoneCss] : [],
                    DevicePool = phone.DevicePool,
                    PstnAccessPhone = phone.Name,
                };
            }

            return new CallerContext
            {
                Name = trunk.Name,
                IsTrunk = true,
                CallingSearchSpaces = trunk.Css is { } css ? [css] : [],
                DevicePool = trunk.DevicePool,
            };
        }

        return null;
    }

    /// <summary>
    /// Visiting cluster, CSS for PSTN Access SIP Trunk = Use phone's original device CSS: the phone named in the home
    /// cluster's <see cref="ForwardTarget.EmccDeviceHeader"/>, when the call came from the far end of this cluster's
    /// active PSTN Access trunk and that phone of ours is logged in by EMCC now; otherwise null (the trunk's CSS).
    /// </summary>
    private async Task<Phone?> PstnAccessPhoneAsync(EmxDbContext db, DialPlanView view, IPEndPoint remote, SipRequest request, CancellationToken cancellationToken)
    {
        if (request.Headers.GetFirst(ForwardTarget.EmccDeviceHeader) is not { } named || !DeviceNames.IsPhoneName(named.Trim()))
        {
            return null;
        }

        var feature = await settings.GetAsync<EmccFeatureConfiguration>(cancellationToken).ConfigureAwait(false);
        if (feature.CssForPstnAccessSipTrunk != CssForPstnAccessSipTrunk.UsePhonesOriginalDeviceCss)
        {
            return null;
        }

        var access = await settings.GetAsync<InterclusterServiceProfile>(cancellationToken).ConfigureAwait(false);
        if (!access.PstnAccess.Active || access.PstnAccess.SipTrunk is not { } pstnAccess
            || !view.TrunkEndPoints.TryGetValue(pstnAccess, out var farEnd) || !farEnd.Address.Equals(remote.Address))
        {
            // Only the far end of this cluster's own PSTN Access trunk may say which phone a call is for.
            return null;
        }

        var name = named.Trim();
        var visiting = await db.EmccSessions.AsNoTracking()
            .AnyAsync(e => e.Side == EmccSide.Visiting && e.DeviceName == name, cancellationToken).ConfigureAwait(false);
        return visiting
            ? await db.Config<Phone>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == name, cancellationToken).ConfigureAwait(false)
            : null;
    }

    private static async Task<CallPlan> ToLineAsync(
        EmxDbContext db,
        DialPlanView view,
        CallerContext caller,
        Region? callerRegion,
        Region emccRegion,
        RouteDecision.DirectoryNumber line,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var bindings = await db.Registrations.AsNoTracking()
            .Where(r => r.Aor == line.Dn && r.ExpiresAt > now)
            .OrderBy(r => r.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        bindings.RemoveAll(b => (b.Partition ?? string.Empty) != line.Partition);
        var name = line.Dn + " in " + PartitionName(line.Partition);
        if (bindings.Count == 0)
        {
            return new RefuseCall(480, "Temporarily Unavailable", 20, name + " is not registered");
        }

        var devices = bindings.Select(b => b.DeviceName).Distinct().ToList();
        var pools = await db.Config<Phone>().AsNoTracking()
            .Where(p => devices.Contains(p.Name))
            .Select(p => new { p.Name, p.DevicePool })
            .ToDictionaryAsync(p => p.Name, p => p.DevicePool, cancellationToken).ConfigureAwait(false);
        var emccDevices = await db.EmccSessions.AsNoTracking()
            .Where(e => e.Side == EmccSide.Home && devices.Contains(e.DeviceName))
            .Select(e => e.DeviceName)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var targets = new List<ForwardTarget>(bindings.Count);
        foreach (var binding in bindings)
        {
            if (!RegistrationSource.TryParse(binding.Source, out var from) || !SipUri.TryParse(binding.Contact, out var contact))
            {
                continue;
            }

            var emcc = emccDevices.Contains(binding.DeviceName);
            var region = emcc ? emccRegion : view.RegionOfPool(pools.GetValueOrDefault(binding.DeviceName));
            targets.Add(new ForwardTarget(
                contact, new SipDestination(from.Transport, from.EndPoint), binding.DeviceName, MediaLimits.Between(callerRegion, region), EmccPhone: emcc ? binding.DeviceName : null));
        }

        return targets.Count == 0
            ? new RefuseCall(480, "Temporarily Unavailable", 20, name + " has no usable binding")
            : new ForwardCall(caller, line.Dn, name, [new TargetSet(line.Dn + "/" + line.Partition, targets, AdvanceOnFailure: false)]);
    }

    private CallPlan ToTrunks(DialPlanView view, CallerContext caller, Region? callerRegion, RouteDecision.Route route)
    {
        var sets = new List<TargetSet>();
        var skipped = new List<string>();
        foreach (var attempt in route.Attempts)
        {
            if (!view.Trunks.TryGetValue(attempt.Trunk, out var trunk) || !view.TrunkEndPoints.TryGetValue(attempt.Trunk, out var endPoint)
                || !trunks.IsInService(attempt.Trunk))
            {
                skipped.Add(attempt.Trunk);
                continue;
            }

            var kind = trunk.Transport == Domain.Configuration.SipTransportKind.Tcp ? Sip.Transport.SipTransportKind.Tcp : Sip.Transport.SipTransportKind.Udp;
            var host = endPoint.Address.ToString();
            var uri = SipUri.CreateSip(route.CalledDigits, endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "[" + host + "]" : host, endPoint.Port);
            if (kind == Sip.Transport.SipTransportKind.Tcp)
            {
                uri = uri.WithParameter("transport", "tcp");
            }

            var media = MediaLimits.Between(callerRegion, view.RegionOfPool(trunk.DevicePool));
            var pstnAccessFor = caller.IsEmcc && attempt.Trunk == caller.LocalRouteTrunk ? caller.Name : null;
            sets.Add(new TargetSet(trunk.Name, [new ForwardTarget(uri, new SipDestination(kind, endPoint), trunk.Name, media, PstnAccessFor: pstnAccessFor)], AdvanceOnFailure: true));
        }

        var name = route.Pattern + " in " + PartitionName(route.Partition);
        return sets.Count == 0
            ? new RefuseCall(503, "Service Unavailable", 34, name + ": every trunk is out of service (" + string.Join(", ", skipped) + ")")
            : new ForwardCall(caller, route.CalledDigits, name + " via " + string.Join(", ", sets.Select(s => s.Name)), sets);
    }

    private static string PartitionName(string partition) => partition.Length == 0 ? "<None>" : partition;
}
