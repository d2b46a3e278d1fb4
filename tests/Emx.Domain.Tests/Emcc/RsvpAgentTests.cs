using Emx.Domain.Routing;

namespace Emx.Domain.Tests.Emcc;

/// <summary>The RSVP agent messages between EMCC clusters (X-Emx-RSVP) and the visiting cluster's reservation pool.</summary>
public sealed class RsvpAgentTests
{
    [Theory]
    [InlineData("keepalive", RsvpAgentOperation.Keepalive)]
    [InlineData("ack", RsvpAgentOperation.Ack)]
    [InlineData("reserve;id=a1b2;device=SEP0B0000000001;kbps=24", RsvpAgentOperation.Reserve)]
    [InlineData(" Reserve ; id=a1b2 ; device=SEP0B0000000001 ; kbps=24 ", RsvpAgentOperation.Reserve)]
    [InlineData("release;id=a1b2", RsvpAgentOperation.Release)]
    [InlineData("granted;id=a1b2", RsvpAgentOperation.Granted)]
    [InlineData("refused;id=a1b2;available=8", RsvpAgentOperation.Refused)]
    [InlineData("released;id=a1b2;future=1", RsvpAgentOperation.Released)]
    public void TryParse_WellFormed_ReturnsTheOperation(string value, RsvpAgentOperation operation)
    {
        Assert.True(RsvpAgentHeader.TryParse(value, out var header));
        Assert.Equal(operation, header!.Operation);
    }

    [Fact]
    public void ToString_RoundTrips()
    {
        var header = new RsvpAgentHeader { Operation = RsvpAgentOperation.Reserve, Id = "c0ffee", Device = "SEP0B0000000001", Kbps = 24 };
        Assert.Equal("reserve;id=c0ffee;device=SEP0B0000000001;kbps=24", header.ToString());
        Assert.True(RsvpAgentHeader.TryParse(header.ToString(), out var parsed));
        Assert.Equal(header, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("reserve")]
    [InlineData("reserve;id=a;device=SEP1")]
    [InlineData("reserve;id=a;device=SEP1;kbps=0")]
    [InlineData("reserve;id=a;device=SEP1;kbps=-24")]
    [InlineData("reserve;id=a;device=SEP1;kbps=100001")]
    [InlineData("reserve;id=a;device=SEP1;kbps=99999999999999999999")]
    [InlineData("reserve;id=a;device=SEP1;kbps=2 4")]
    [InlineData("reserve;id=a;id=b;device=SEP1;kbps=24")]
    [InlineData("reserve;id=a;device=SEP 1;kbps=24")]
    [InlineData("reserve;id=a;device=SEP1\r\nVia: x;kbps=24")]
    [InlineData("reserve;id=a;device=\"SEP1\";kbps=24")]
    [InlineData("reserve;id=;device=SEP1;kbps=24")]
    [InlineData("reserve;=a;device=SEP1;kbps=24")]
    [InlineData("reserve;id")]
    [InlineData("release")]
    [InlineData("refused;id=a;available=x")]
    [InlineData("bogus;id=a")]
    [InlineData("keepalive;;")]
    [InlineData("0")]
    public void TryParse_MalformedOrIncomplete_False(string? value)
    {
        Assert.False(RsvpAgentHeader.TryParse(value, out var header));
        Assert.Null(header);
    }

    [Fact]
    public void TryParse_OverlongValueOrToken_False()
    {
        Assert.False(RsvpAgentHeader.TryParse("release;id=" + new string('a', 65), out _));
        Assert.False(RsvpAgentHeader.TryParse("keepalive;x=" + new string('a', 300), out _));
        Assert.True(RsvpAgentHeader.TryParse("release;id=" + new string('a', 64), out _));
    }

    [Fact]
    public void ForAudio_AddsIpUdpRtpOverhead_AsCucmCountsIt()
    {
        Assert.Equal(24, RsvpBandwidth.ForAudio(8));
        Assert.Equal(80, RsvpBandwidth.ForAudio(64));
    }

    [Fact]
    public void TryReserve_UpToTheLocationsCapacity_ThenRefused()
    {
        var pool = new RsvpBandwidthPool();
        Assert.Equal(new RsvpGrant(true, 50), pool.TryReserve("A", "1", "London", 50, 24));
        Assert.Equal(new RsvpGrant(true, 26), pool.TryReserve("A", "2", "London", 50, 24));
        Assert.Equal(new RsvpGrant(false, 2), pool.TryReserve("A", "3", "London", 50, 24));
        Assert.Equal(48, pool.UsedKbps("London"));

        // Another location has its own capacity; a repeated id is not reserved twice.
        Assert.Equal(new RsvpGrant(true, 24), pool.TryReserve("A", "4", "Paris", 24, 24));
        Assert.Equal(new RsvpGrant(true, 0, Repeated: true), pool.TryReserve("A", "4", "Paris", 24, 24));
        Assert.Equal(24, pool.UsedKbps("Paris"));

        Assert.True(pool.Release("A", "1"));
        Assert.False(pool.Release("A", "1"));
        Assert.False(pool.Release("B", "2"));
        Assert.True(pool.TryReserve("A", "3", "London", 50, 24).Granted);
    }

    [Fact]
    public void TryReserve_UnlimitedLocation_GrantsAndCounts()
    {
        var pool = new RsvpBandwidthPool();
        Assert.Equal(new RsvpGrant(true, null), pool.TryReserve("A", "1", string.Empty, null, 24));
        Assert.Equal(1, pool.Count);
    }

    [Fact]
    public void ReleaseAll_ReleasesOnlyThatPeersReservations()
    {
        var pool = new RsvpBandwidthPool();
        pool.TryReserve("A", "1", "London", 100, 24);
        pool.TryReserve("A", "2", "London", 100, 24);
        pool.TryReserve("C", "1", "London", 100, 24);

        Assert.Equal(2, pool.ReleaseAll("A"));
        Assert.Equal(24, pool.UsedKbps("London"));
        Assert.Equal(1, pool.Count);
        Assert.Equal(0, pool.ReleaseAll("A"));
    }

    [Fact]
    public void TryReserve_APeerHoldingTheMaximum_IsRefused()
    {
        var pool = new RsvpBandwidthPool();
        for (var i = 0; i < RsvpBandwidthPool.MaxReservationsPerPeer; i++)
        {
            Assert.True(pool.TryReserve("A", i.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Empty, null, 24).Granted);
        }

        Assert.False(pool.TryReserve("A", "one-more", string.Empty, null, 24).Granted);
        Assert.True(pool.TryReserve("C", "1", string.Empty, null, 24).Granted);
    }
}
