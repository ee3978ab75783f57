namespace Pprof.Traces.Analysis;

/// <summary>The spans of one kind and name in a trace (user tasks, user regions, requests): how many, how long, their
/// latency histogram and the instances.</summary>
/// <param name="Kind"><c>task</c>, <c>region</c>, <c>request</c> or <c>http-client</c> (<see cref="TraceSpan.Kind"/>).</param>
/// <param name="Name">The name they share.</param>
/// <param name="Count">How many began in the trace.</param>
/// <param name="Unfinished">How many of them had not ended when the trace stopped (left out of the durations).</param>
/// <param name="TotalNanos">The sum of the finished ones' durations.</param>
/// <param name="MinNanos">The shortest (0 when none finished).</param>
/// <param name="MaxNanos">The longest.</param>
/// <param name="MedianNanos">The median.</param>
/// <param name="P90Nanos">The 90th percentile.</param>
/// <param name="P99Nanos">The 99th percentile.</param>
/// <param name="Histogram">The finished ones' latency histogram.</param>
/// <param name="Instances">The spans, in order of their start.</param>
public sealed record SpanSummary(string Kind, string Name, int Count, int Unfinished, long TotalNanos, long MinNanos, long MaxNanos,
    long MedianNanos, long P90Nanos, long P99Nanos, DurationHistogram Histogram, IReadOnlyList<TraceSpan> Instances)
{
    /// <summary>The mean duration of the finished ones, nanoseconds (0 when none finished).</summary>
    public long MeanNanos => Count - Unfinished > 0 ? TotalNanos / (Count - Unfinished) : 0;
}
