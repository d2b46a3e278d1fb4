namespace Emx.Domain.Tests;

/// <summary>The per-device Extension Mobility state machine.</summary>
public sealed class ExtensionMobilityDynamicTests
{
    private static readonly DateTimeOffset At = new(2025, 3, 1, 8, 30, 0, TimeSpan.Zero);

    [Fact]
    public void ForDevice_New_IsFreeAtVersionZero()
    {
        var em = ExtensionMobilityDynamic.ForDevice(World.PhoneName);

        Assert.Equal(World.PhoneName, em.DeviceName);
        Assert.False(em.IsLoggedIn);
        Assert.Null(em.CurrentUserId);
        Assert.Null(em.CurrentProfile);
        Assert.Null(em.LoginTime);
        Assert.Null(em.LoginDuration);
        Assert.Null(em.ExpiresAt);
        Assert.Null(em.LastUserId);
        Assert.False(em.IsEmcc);
        Assert.Equal(0, em.Version);
    }

    [Fact]
    public void LogIn_FreeDevice_RecordsLogin()
    {
        var em = ExtensionMobilityDynamic.ForDevice(World.PhoneName);

        em.LogIn("alice", World.Profile, At, TimeSpan.FromHours(8));

        Assert.True(em.IsLoggedIn);
        Assert.Equal("alice", em.CurrentUserId);
        Assert.Equal(World.Profile, em.CurrentProfile);
        Assert.Equal(At, em.LoginTime);
        Assert.Equal(TimeSpan.FromHours(8), em.LoginDuration);
        Assert.False(em.IsEmcc);
        Assert.Null(em.LastUserId);
        Assert.Equal(1, em.Version);
    }

    [Fact]
    public void ExpiresAt_WithDuration_IsLoginTimePlusDuration()
    {
        var em = ExtensionMobilityDynamic.ForDevice(World.PhoneName);

        em.LogIn("alice", World.Profile, At, TimeSpan.FromMinutes(90));

        Assert.Equal(new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero), em.ExpiresAt);
    }

    [Fact]
    public void ExpiresAt_IndefiniteLogin_IsNull()
    {
        var em = ExtensionMobilityDynamic.ForDevice(World.PhoneName);

        em.LogIn("alice", World.Profile, At, duration: null);

        Assert.Null(em.ExpiresAt);
        Assert.True(em.IsLoggedIn);
    }

    [Fact]
    public void LogIn_Emcc_IsFlaggedUntilLogout()
    {
        var em = ExtensionMobilityDynamic.ForDevice(World.PhoneName);

        em.LogIn("visitor", "visitor-8845", At, null, emcc: true);
        Assert.True(em.IsEmcc);

        em.LogOut(At);
        Assert.False(em.IsEmcc);
    }

    [Fact]
    public void LogOut_LoggedIn_ClearsSessionAndRemembersLastUser()
    {
        var em = ExtensionMobilityDynamic.ForDevice(World.PhoneName);
        em.LogIn("alice", World.Profile, At, TimeSpan.FromHours(8));

        em.LogOut(At);

        Assert.False(em.IsLoggedIn);
        Assert.Null(em.CurrentUserId);
        Assert.Null(em.CurrentProfile);
        Assert.Null(em.LoginTime);
        Assert.Null(em.LoginDuration);
        Assert.Null(em.ExpiresAt);
        Assert.Equal("alice", em.LastUserId);
        Assert.Equal(2, em.Version);
    }

    [Fact]
    public void LogIn_AlreadyLoggedIn_ThrowsAndKeepsState()
    {
        var em = ExtensionMobilityDynamic.ForDevice(World.PhoneName);
        em.LogIn("alice", World.Profile, At, null);

        var ex = Assert.Throws<InvalidOperationException>(() => em.LogIn("bob", "bob-8845", At.AddMinutes(1), null));

        Assert.Contains("alice", ex.Message, StringComparison.Ordinal);
        Assert.Equal("alice", em.CurrentUserId);
        Assert.Equal(World.Profile, em.CurrentProfile);
        Assert.Equal(1, em.Version);
    }

    [Fact]
    public void LogOut_Free_ThrowsAndKeepsVersion()
    {
        var em = ExtensionMobilityDynamic.ForDevice(World.PhoneName);

        Assert.Throws<InvalidOperationException>(() => em.LogOut(At));
        Assert.Equal(0, em.Version);
        Assert.Null(em.LastUserId);
    }

    [Fact]
    public void LogOut_Twice_SecondThrows()
    {
        var em = ExtensionMobilityDynamic.ForDevice(World.PhoneName);
        em.LogIn("alice", World.Profile, At, null);
        em.LogOut(At);

        Assert.Throws<InvalidOperationException>(() => em.LogOut(At));
        Assert.Equal("alice", em.LastUserId);
        Assert.Equal(2, em.Version);
    }

    [Fact]
    public void Version_IncrementsOnEveryChange_AndLastUserFollowsLogouts()
    {
        var em = ExtensionMobilityDynamic.ForDevice(World.PhoneName);
        var users = new[] { "alice", "bob", "carol" };

        for (var i = 0; i < users.Length; i++)
        {
            em.LogIn(users[i], $"{users[i]}-8845", At.AddHours(i), null);
            Assert.Equal((2 * i) + 1, em.Version);
            Assert.Equal(i == 0 ? null : users[i - 1], em.LastUserId);
            em.LogOut(At);
            Assert.Equal((2 * i) + 2, em.Version);
            Assert.Equal(users[i], em.LastUserId);
        }
    }
}
