using Emx.Bench;

namespace Emx.Integration.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Empty_ReportsZeros()
    {
        var h = new LatencyHistogram();

        Assert.Equal(0, h.Count);
        Assert.Equal(0, h.Percentile(99));
        Assert.Equal(0, h.Mean);
    }

    [Fact]
    public void SmallValues_AreExact()
    {
        var h = new LatencyHistogram();
        for (var v = 1; v <= 100; v++)
        {
            h.Record(v);
        }

        Assert.Equal(50, h.Percentile(50));
        Assert.Equal(99, h.Percentile(99));
        Assert.Equal(100, h.Percentile(100));
        Assert.Equal(1, h.Min);
        Assert.Equal(100, h.Max);
        Assert.Equal(50.5, h.Mean);
    }

    [Theory]
    [InlineData(1_000L)]
    [InlineData(12_345L)]
    [InlineData(987_654L)]
    [InlineData(60_000_000L)]
    public void LargeValues_WithinOneSixtyFourth_NeverBelow(long value)
    {
        var h = new LatencyHistogram();
        h.Record(value);
        h.Record(value * 2);

        var p50 = h.Percentile(50);
        Assert.InRange(p50, value, value + (value / 64) + 1);
        Assert.Equal(value * 2, h.Percentile(100));
    }

    [Fact]
    public void Buckets_AreContiguousAndIncreasing()
    {
        long previousHigh = -1;
        for (var index = 0; index < 64 * 30; index++)
        {
            var high = LatencyHistogram.HighestEquivalent(index);
            Assert.True(high > previousHigh);
            Assert.Equal(index, LatencyHistogram.IndexOf(high));
            Assert.Equal(index, LatencyHistogram.IndexOf(previousHigh + 1));
            previousHigh = high;
        }
    }

    [Fact]
    public void Add_MergesCountsMinMaxAndSum()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        a.Record(10);
        a.Record(20);
        b.Record(5);
        b.Record(5_000);

        a.Add(b);

        Assert.Equal(4, a.Count);
        Assert.Equal(5, a.Min);
        Assert.Equal(5_000, a.Max);
        Assert.Equal(5_035, a.Sum);
        Assert.Equal(10, a.Percentile(50));
    }
}
