namespace Pprof.Traces.Analysis;

/// <summary>User tasks and regions (and requests) summarized per name, as <c>go tool trace</c>'s "User-defined tasks"
/// and "User-defined regions" pages: count, total, percentiles and a latency histogram, with the instances.</summary>
public static class SpanStatistics
{
    /// <summary>One summary per (kind, name) of <paramref name="trace"/>'s spans, of the given <paramref name="kinds"/>
    /// (all when none are given), ordered by kind and then by total duration, longest first.</summary>
    public static IReadOnlyList<SpanSummary> Summarize(NetTrace trace, params string[] kinds)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(kinds);
        var groups = new Dictionary<(string Kind, string Name), List<TraceSpan>>();
        foreach (var s in trace.Spans)
        {
            if (kinds.Length > 0 && Array.IndexOf(kinds, s.Kind) < 0) continue;
            if (!groups.TryGetValue((s.Kind, s.Name), out var list)) groups[(s.Kind, s.Name)] = list = new List<TraceSpan>();
            list.Add(s);
        }
        var result = new List<SpanSummary>(groups.Count);
        foreach (var ((kind, name), spans) in groups)
        {
            spans.Sort((a, b) => a.StartNanos.CompareTo(b.StartNanos));
            var histogram = new DurationHistogram();
            var durations = new List<long>(spans.Count);
            foreach (var s in spans)
            {
                if (s.EndNanos < s.StartNanos) continue;
                durations.Add(s.DurationNanos);
                histogram.Add(s.DurationNanos);
            }
            durations.Sort();
            result.Add(new SpanSummary(kind, name, spans.Count, spans.Count - durations.Count, durations.Sum(),
                durations.Count > 0 ? durations[0] : 0, durations.Count > 0 ? durations[^1] : 0,
                Percentile(durations, 0.5), Percentile(durations, 0.9), Percentile(durations, 0.99), histogram, spans));
        }
        return result.OrderBy(s => KindOrder(s.Kind)).ThenBy(s => s.Kind, StringComparer.Ordinal).ThenByDescending(s => s.TotalNanos).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The <paramref name="q"/> quantile of sorted <paramref name="sorted"/> (nearest rank); 0 when empty.</summary>
    internal static long Percentile(IReadOnlyList<long> sorted, double q)
    {
        if (sorted.Count == 0) return 0;
        int rank = (int)Math.Ceiling(q * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    private static int KindOrder(string kind) => kind switch
    {
        "task" => 0,
        "region" => 1,
        "request" => 2,
        _ => 3,
    };
}
