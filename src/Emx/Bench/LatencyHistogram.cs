using System.Numerics;

namespace Emx.Bench;

/// <summary>
/// A latency histogram in the manner of HdrHistogram: exact below 128 µs, then 64 linear sub-buckets per power of two
/// (at most 1/64, about 1.6 %, relative error), so recording is one array increment and percentiles stay precise from
/// microseconds to minutes. Not thread-safe: each client records into its own and they are merged at the end.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 64;
    private const int MaxShift = 40;

    private readonly long[] _counts = new long[(SubBuckets * (MaxShift + 1)) + SubBuckets];

    /// <summary>Values recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The largest value recorded, exactly (µs).</summary>
    public long Max { get; private set; }

    /// <summary>The smallest value recorded, exactly (µs); 0 when empty.</summary>
    public long Min { get; private set; }

    /// <summary>The sum of the values (µs), for the mean.</summary>
    public long Sum { get; private set; }

    /// <summary>The mean (µs), 0 when empty.</summary>
    public double Mean => Count == 0 ? 0 : (double)Sum / Count;

    /// <summary>Records one latency in microseconds (negative values count as 0).</summary>
    public void Record(long micros)
    {
        micros = Math.Max(0, micros);
        _counts[IndexOf(micros)]++;
        Min = Count == 0 ? micros : Math.Min(Min, micros);
        Count++;
        Max = Math.Max(Max, micros);
        Sum += micros;
    }

    /// <summary>Adds every value of <paramref name="other"/>.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Min = Count == 0 ? other.Min : Math.Min(Min, other.Min);
        Count += other.Count;
        Max = Math.Max(Max, other.Max);
        Sum += other.Sum;
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0-100) in µs: the highest value equivalent to the bucket holding
    /// that rank (never more than <see cref="Max"/>), so a reported percentile is never optimistic. 0 when empty.
    /// </summary>
    public long Percentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(HighestEquivalent(i), Max);
            }
        }

        return Max;
    }

    internal static int IndexOf(long micros)
    {
        if (micros < 2 * SubBuckets)
        {
            return (int)micros;
        }

        var shift = Math.Min(63 - BitOperations.LeadingZeroCount((ulong)micros) - 6, MaxShift);
        var sub = Math.Min(micros >> shift, (2 * SubBuckets) - 1);
        return (int)((SubBuckets * shift) + sub);
    }

    internal static long HighestEquivalent(int index)
    {
        if (index < 2 * SubBuckets)
        {
            return index;
        }

        var shift = (index / SubBuckets) - 1;
        long sub = index - (SubBuckets * shift);
        return ((sub + 1) << shift) - 1;
    }
}
