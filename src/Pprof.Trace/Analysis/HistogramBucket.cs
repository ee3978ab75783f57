namespace Pprof.Traces.Analysis;

/// <summary>One bucket of a <see cref="DurationHistogram"/>: the durations in [<paramref name="LowNanos"/>,
/// <paramref name="HighNanos"/>).</summary>
/// <param name="LowNanos">The bucket's lower bound, nanoseconds (inclusive).</param>
/// <param name="HighNanos">Its upper bound (exclusive).</param>
/// <param name="Count">How many durations fell in it.</param>
public readonly record struct HistogramBucket(long LowNanos, long HighNanos, int Count);
