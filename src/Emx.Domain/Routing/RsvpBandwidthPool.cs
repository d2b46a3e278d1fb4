namespace Emx.Domain.Routing;

/// <summary>The outcome of a reservation request.</summary>
/// <param name="Granted">True when reserved (or already held under the same id).</param>
/// <param name="AvailableKbps">What the location had left before the request; null for an unlimited location.</param>
/// <param name="Repeated">True when the id was already held (a retransmitted or repeated request): nothing new reserved.</param>
public readonly record struct RsvpGrant(bool Granted, int? AvailableKbps, bool Repeated = false);

/// <summary>
/// The bandwidth the RSVP agent of a visiting cluster has reserved for EMCC calls, per location of its phones, on behalf
/// of peer clusters (their RSVP SIP trunks). A location's capacity is its audio bandwidth; an unlimited location (no
/// audio bandwidth) grants everything but still records the reservation so it is released like the others. Thread-safe.
/// </summary>
public sealed class RsvpBandwidthPool
{
    /// <summary>The most reservations one peer may hold (a peer flooding reservations cannot exhaust memory).</summary>
    public const int MaxReservationsPerPeer = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Peer, string Id), Reservation> _reservations = [];
    private readonly Dictionary<string, int> _used = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perPeer = new(StringComparer.Ordinal);

    /// <summary>Reservations held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _reservations.Count;
            }
        }
    }

    /// <summary>
    /// Reserves <paramref name="kbps"/> in <paramref name="location"/> (empty: no location) whose capacity is
    /// <paramref name="capacityKbps"/> (null: unlimited) for reservation <paramref name="id"/> of <paramref name="peer"/>.
    /// A repeated id is answered as before without reserving twice.
    /// </summary>
    public RsvpGrant TryReserve(string peer, string id, string location, int? capacityKbps, int kbps)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kbps);
        lock (_gate)
        {
            var used = _used.GetValueOrDefault(location);
            int? available = capacityKbps is { } capacity ? Math.Max(0, capacity - used) : null;
            if (_reservations.ContainsKey((peer, id)))
            {
                return new RsvpGrant(true, available, Repeated: true);
            }

            if (available < kbps || _perPeer.GetValueOrDefault(peer) >= MaxReservationsPerPeer)
            {
                return new RsvpGrant(false, available);
            }

            _reservations[(peer, id)] = new Reservation(location, kbps);
            _used[location] = used + kbps;
            _perPeer[peer] = _perPeer.GetValueOrDefault(peer) + 1;
            return new RsvpGrant(true, available);
        }
    }

    /// <summary>Releases one reservation; false when <paramref name="peer"/> held none with that id.</summary>
    public bool Release(string peer, string id)
    {
        lock (_gate)
        {
            if (!_reservations.Remove((peer, id), out var reservation))
            {
                return false;
            }

            Free(peer, reservation);
            return true;
        }
    }

    /// <summary>Releases every reservation of <paramref name="peer"/> (its keepalives stopped); returns how many.</summary>
    public int ReleaseAll(string peer)
    {
        lock (_gate)
        {
            var ids = _reservations.Keys.Where(k => k.Peer == peer).ToList();
            foreach (var key in ids)
            {
                _reservations.Remove(key, out var reservation);
                Free(peer, reservation!);
            }

            return ids.Count;
        }
    }

    /// <summary>The bandwidth reserved in a location, kb/s.</summary>
    public int UsedKbps(string location)
    {
        lock (_gate)
        {
            return _used.GetValueOrDefault(location);
        }
    }

    private void Free(string peer, Reservation reservation)
    {
        var left = _used[reservation.Location] - reservation.Kbps;
        if (left == 0)
        {
            _used.Remove(reservation.Location);
        }
        else
        {
            _used[reservation.Location] = left;
        }

        var held = _perPeer[peer] - 1;
        if (held == 0)
        {
            _perPeer.Remove(peer);
        }
        else
        {
            _perPeer[peer] = held;
        }
    }

    private sealed record Reservation(string Location, int Kbps);
}

/// <summary>How much bandwidth an EMCC call reserves.</summary>
public static class RsvpBandwidth
{
    /// <summary>
    /// IP, UDP and RTP headers (20 + 8 + 12 bytes) at CUCM's default 20 ms packetisation (50 packets/s): 16 kb/s per
    /// stream. CUCM's locations count G.711 as 80 kb/s and G.729 as 24 kb/s this way (no layer-2 overhead).
    /// </summary>
    public const int IpUdpRtpOverheadKbps = 16;

    /// <summary>The bandwidth of an audio call at <paramref name="maxAudioBitRateKbps"/> (the EMCC region's Max Audio Bit Rate): payload plus IP/UDP/RTP.</summary>
    public static int ForAudio(int maxAudioBitRateKbps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxAudioBitRateKbps);
        return maxAudioBitRateKbps + IpUdpRtpOverheadKbps;
    }
}
