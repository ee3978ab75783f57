namespace Pprof.Traces.Analysis;

/// <summary>A latency histogram with logarithmic buckets, five per power of ten (1 µs, 1.58 µs, 2.51 µs, 3.98 µs,
/// 6.31 µs, 10 µs, …), as <c>go tool trace</c> shows for tasks and regions. Bucket <c>i</c> holds durations in
/// [10^(i/5), 10^((i+1)/5)) nanoseconds; durations under 1 ns go to bucket 0.</summary>
public sealed class DurationHistogram
{
    /// <summary>Buckets per power of ten.</summary>
    public const int BucketsPerDecade = 5;

    private readonly Dictionary<int, int> _counts = new();

    /// <summary>How many durations were added.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a duration.</summary>
    public void Add(long durationNanos)
    {
        int b = BucketOf(durationNanos);
        _counts[b] = _counts.GetValueOrDefault(b) + 1;
        Count++;
    }

    /// <summary>The bucket index of <paramref name="durationNanos"/>.</summary>
    public static int BucketOf(long durationNanos)
    {
        if (durationNanos <= 1) return 0;
        int b = (int)Math.Floor(Math.Log10(durationNanos) * BucketsPerDecade);
        // Guard the edges against rounding: the bucket's bounds decide.
        if (durationNanos < LowerBound(b)) b--;
        else if (durationNanos >= LowerBound(b + 1)) b++;
        return b;
    }

    /// <summary>The lower bound of bucket <paramref name="bucket"/>, nanoseconds (rounded up to a whole nanosecond).</summary>
    public static long LowerBound(int bucket) => bucket <= 0 ? 0 : (long)Math.Ceiling(Math.Pow(10, (double)bucket / BucketsPerDecade) - 1e-9);

    /// <summary>The buckets from the lowest to the highest that holds a duration, empty ones between included (none when
    /// nothing was added).</summary>
    public IReadOnlyList<HistogramBucket> Buckets()
    {
        if (_counts.Count == 0) return Array.Empty<HistogramBucket>();
        int min = _counts.Keys.Min(), max = _counts.Keys.Max();
        var buckets = new HistogramBucket[max - min + 1];
        for (int b = min; b <= max; b++) buckets[b - min] = new HistogramBucket(LowerBound(b), LowerBound(b + 1), _counts.GetValueOrDefault(b));
        return buckets;
    }
}
