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
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(deviceName);
        var phone = await db.Config<Phone>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == deviceName, cancellationToken);
        if (phone is null)
        {
            return null;
        }

        var state = await db.ExtensionMobilityDynamics.AsNoTracking().FirstOrDefaultAsync(e => e.DeviceName == deviceName, cancellationToken);
        if (state is { IsLoggedIn: true })
        {
            var profile = await db.Config<DeviceProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == state.CurrentProfile, cancellationToken);

            // A profile deleted under a login leaves the phone's own lines, still with the user.
            return new CurrentDevice { Phone = phone, Device = profile ?? (DeviceBase)phone, UserId = state.CurrentUserId, State = state };
        }

        if (phone.LogoutProfile is not null
            && await db.Config<DeviceProfile>().AsNoTracking().FirstOrDefaultAsync(p => p.Name == phone.LogoutProfile, cancellationToken) is { } logout)
        {
            return new CurrentDevice { Phone = phone, Device = logout, UserId = logout.LoginUserId ?? phone.OwnerUserId, State = state };
        }

        return new CurrentDevice { Phone = phone, Device = phone, UserId = phone.OwnerUserId, State = state };
    }
}
