using Emx.Data;
using Emx.Domain.Configuration;
using Emx.Domain.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Emx.Cluster.ExtensionMobility;

/// <summary>A line of a phone's current configuration: the directory number, its partition and its button.</summary>
/// <param name="Dn">The directory number.</param>
/// <param name="Partition">The route partition; empty means &lt;None&gt;.</param>
/// <param name="Button">The button (1-based).</param>
public sealed record CurrentLine(string Dn, string Partition, int Button);

/// <summary>
/// What a phone currently is: the device whose lines, speed dials and services it shows (the logged-in user's
/// device profile; with nobody logged in, the phone's logout profile, or else the phone itself) and the user it
/// belongs to. One definition shared by the configuration file (<see cref="PhoneConfigBuilder"/>) and the registrar,
/// so a phone is allowed to register exactly the lines its configuration file lists.
/// </summary>
public sealed record CurrentDevice
{
    /// <summary>The phone.</summary>
    public required Phone Phone { get; init; }

    /// <summary>The device whose lines the phone shows: a device profile or the phone itself.</summary>
    public required DeviceBase Device { get; init; }

    /// <summary>The logged-in user, the logout profile's user, or the phone's owner.</summary>
    public string? UserId { get; init; }

    /// <summary>The phone's Extension Mobility state, or null when it never had a login.</summary>
    public ExtensionMobilityDynamic? State { get; init; }

    /// <summary>
    /// Home side of an EMCC login: the visiting phone is not a phone of this cluster; <see cref="Phone"/> is the EMCC
    /// device it borrows (the default EMCC template's settings, in the roaming device pool) under the phone's own name.
    /// </summary>
    public EmccSession? Emcc { get; init; }

    /// <summary>
    /// Visiting side of an EMCC login: the phone is this cluster's but logged in at its user's home cluster, so its
    /// configuration points there.
    /// </summary>
    public EmccSession? EmccVisiting { get; init; }

    /// <summary>The lines, in button order.</summary>
    public IReadOnlyList<CurrentLine> Lines =>
        [.. Device.Lines.Select((line, i) => new CurrentLine(line.Dn, line.Partition ?? string.Empty, i + 1))];

    /// <summary>The phone's current device, or null when no phone has that name.</summary>
    public static async Task<CurrentDevice?> ReadAsync(EmxDbContext db, string deviceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deviceName);
        return (await ReadManyAsync(db, [deviceName], cancellationToken)).GetValueOrDefault(deviceName);
    }

    /// <summary>
    /// The current devices of several phones in three queries at most (phones, their Extension Mobility states, the
    /// device profiles they show), by device name; a name no phone has is absent. The registrar reads a whole batch
    /// of REGISTERs this way.
    /// </summary>
    public static async Task<Dictionary<string, CurrentDevice>> ReadManyAsync(EmxDbContext db, IReadOnlyCollection<string> deviceNames, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(deviceNames);
        var current = new Dictionary<string, CurrentDevice>(StringComparer.Ordinal);
        if (deviceNames.Count == 0)
        {
            return current;
        }

        var phones = await db.Config<Phone>().AsNoTracking().Where(p => deviceNames.Contains(p.Name)).ToListAsync(cancellationToken);

        // Home side of EMCC: a visiting phone is no phone of this cluster; it borrows an EMCC device.
        foreach (var name in deviceNames.Where(n => !phones.Any(p => p.Name == n)))
        {
            if (await ReadEmccHomeAsync(db, name, cancellationToken) is { } borrowed)
            {
                current[name] = borrowed;
            }
        }

        if (phones.Count == 0)
        {
            return current;
        }

        var names = phones.Select(p => p.Name).ToList();
        var states = (await db.ExtensionMobilityDynamics.AsNoTracking().Where(e => names.Contains(e.DeviceName)).ToListAsync(cancellationToken))
            .ToDictionary(e => e.DeviceName, StringComparer.Ordinal);

        // Logged in: the user's profile; otherwise the logout profile, if any.
        string? ProfileOf(Phone phone) =>
            states.TryGetValue(phone.Name, out var state) && state.IsLoggedIn ? state.CurrentProfile : phone.LogoutProfile;
        var profileNames = phones.Select(ProfileOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var profiles = profileNames.Count == 0
            ? []
            : (await db.Config<DeviceProfile>().AsNoTracking().Where(p => profileNames.Contains(p.Name)).ToListAsync(cancellationToken))
                .ToDictionary(p => p.Name, StringComparer.Ordinal);

        foreach (var phone in phones)
        {
            var state = states.GetValueOrDefault(phone.Name);
            if (state is { IsLoggedIn: true })
            {
                // A profile deleted under a login leaves the phone's own lines, still with the user.
                var profile = state.CurrentProfile is { } name ? profiles.GetValueOrDefault(name) : null;
                current[phone.Name] = new CurrentDevice { Phone = phone, Device = profile ?? (DeviceBase)phone, UserId = state.CurrentUserId, State = state };
            }
            else if (phone.LogoutProfile is not null && profiles.TryGetValue(phone.LogoutProfile, out var logout))
            {
                current[phone.Name] = new CurrentDevice { Phone = phone, Device = logout, UserId = logout.LoginUserId ?? phone.OwnerUserId, State = state };
            }
            else
            {
                current[phone.Name] = new CurrentDevice { Phone = phone, Device = phone, UserId = phone.OwnerUserId, State = state };
            }
        }

        // Visiting side of EMCC: logged in at home, so nothing of this cluster's is registered until the phone comes back.
        foreach (var visiting in await db.EmccSessions.AsNoTracking().Where(s => s.Side == EmccSide.Visiting && names.Contains(s.DeviceName)).ToListAsync(cancellationToken))
        {
            var phone = phones.First(p => p.Name == visiting.DeviceName);
            current[phone.Name] = new CurrentDevice { Phone = phone, Device = new Phone { Name = phone.Name, Model = phone.Model }, UserId = visiting.UserId, EmccVisiting = visiting };
        }

        return current;
    }

    private static async Task<CurrentDevice?> ReadEmccHomeAsync(EmxDbContext db, string deviceName, CancellationToken cancellationToken)
    {
        var session = await db.EmccSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Side == EmccSide.Home && s.DeviceName == deviceName, cancellationToken);
        if (session?.DeviceProfile is not { } profileName
            || await db.Config<DeviceProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == profileName, cancellationToken) is not { } profile)
        {
            return null;
        }

        // EMCC does not support intercom (seed Table 4): the profile's intercom lines stay behind.
        profile.Lines = [.. profile.Lines.Where(l => !l.Intercom)];
        var template = await db.Config<EmccTemplate>().AsNoTracking().FirstOrDefaultAsync(t => t.Default, cancellationToken);
        var borrowed = new Phone
        {
            Name = deviceName,
            Model = session.PhoneModel ?? profile.ProductType,
            DevicePool = session.RoamingDevicePool ?? template?.DevicePool ?? "Default",
            EnableExtensionMobility = true,
            DeviceSecurityProfile = template?.DeviceSecurityProfile,
            CommonDeviceConfiguration = template?.CommonDeviceConfiguration,
            SipProfile = template?.SipProfile,
            Location = template?.Location,
        };
        return new CurrentDevice { Phone = borrowed, Device = profile, UserId = session.UserId, Emcc = session };
    }
}
