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

        return current;
    }
}
