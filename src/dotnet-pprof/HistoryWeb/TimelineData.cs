using System.Text.Json;
using Pprof.History;

namespace Pprof.Cli.HistoryWeb;

/// <summary>The history UI's data as JSON: the series of the store (<c>/api/series</c>) and, for a time range, the
/// timeline (<c>/api/timeline</c>): per profile type the total of its default sample value in each bucket, the
/// selected type's timeline split by a label (one line per value), and the memory series (RSS, GC heap, memory limit)
/// of the runtime stats. Every list is bounded.</summary>
internal static class TimelineData
{
    /// <summary>The most buckets of a timeline.</summary>
    public const int MaxBuckets = 1000;

    /// <summary>The buckets of a timeline when the request names none.</summary>
    public const int DefaultBuckets = 240;

    /// <summary>The most lines of a label split (the values after these are left out and counted).</summary>
    public const int MaxSplitValues = 12;

    /// <summary>The most series listed by <c>/api/series</c>.</summary>
    public const int MaxSeries = 1000;

    /// <summary>The most label keys, and values per key, listed per series.</summary>
    public const int MaxLabelValues = 200;

    /// <summary>The memory series drawn, by stats name: resident set size, GC heap size, memory limit (the cgroup
    /// limit, or the machine's memory).</summary>
    public static readonly IReadOnlyList<string> MemoryMetrics = new[] { "rss_bytes", "gc_heap_size_bytes", "memory_limit_bytes" };

    /// <summary>The order in which profile types are drawn (others follow by name).</summary>
    private static readonly string[] s_typeOrder = { "cpu", "allocs", "heap", "mutex", "block", "exceptions", "goroutine" };

    /// <summary>The series type name under which a store lists its runtime stats.</summary>
    public const string StatsType = "stats";

    /// <summary>Writes the series of the store.</summary>
    public static void WriteSeries(Utf8JsonWriter w, IReadOnlyList<SeriesInfo> series)
    {
        w.WriteStartObject();
        w.WriteStartArray("services");
        foreach (var s in series.Select(s => s.Service).Distinct().Order(StringComparer.Ordinal).Take(MaxSeries)) w.WriteStringValue(s);
        w.WriteEndArray();
        w.WriteStartArray("series");
        foreach (var s in series.Take(MaxSeries))
        {
            w.WriteStartObject();
            w.WriteString("service", s.Service);
            w.WriteString("type", s.Type);
            w.WriteNumber("first", UnixMs(s.First));
            w.WriteNumber("last", UnixMs(s.Last));
            w.WriteNumber("profiles", s.Profiles);
            w.WriteStartObject("labels");
            foreach (var (k, values) in s.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxLabelValues))
            {
                w.WriteStartArray(k);
                foreach (var v in values.Take(MaxLabelValues)) w.WriteStringValue(v);
                w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("truncated", series.Count > MaxSeries);
        w.WriteEndObject();
    }

    /// <summary>What a timeline request asks for.</summary>
    public sealed record Request(string? Service, DateTime From, DateTime To, int Buckets, IReadOnlyDictionary<string, string> Labels,
        string? Type, string? SplitKey);

    /// <summary>Writes the timeline of <paramref name="r"/>, reading <paramref name="store"/>.</summary>
    public static void WriteTimeline(Utf8JsonWriter w, ProfileStore store, IReadOnlyList<SeriesInfo> series, Request r, CancellationToken cancellationToken)
    {
        long from = UnixMs(r.From), to = UnixMs(r.To);
        double step = (to - from) / (double)r.Buckets;
        var mine = series.Where(s => r.Service == null || s.Service == r.Service).ToList();
        var query = new HistoryQuery { Service = r.Service, From = r.From, To = r.To, Labels = r.Labels };

        w.WriteStartObject();
        w.WriteNumber("from", from);
        w.WriteNumber("to", to);
        w.WriteNumber("buckets", r.Buckets);
        w.WriteNumber("step", step);

        // Every profile type of the service, in the usual order, each with its own totals.
        var points = store.Timeline(query, r.Buckets, cancellationToken);
        var types = mine.Select(s => s.Type).Where(t => t != StatsType).Concat(points.Select(p => p.Type)).Distinct(StringComparer.Ordinal)
            .OrderBy(TypeRank).ThenBy(t => t, StringComparer.Ordinal).ToList();
        w.WriteStartArray("types");
        foreach (var type in types)
        {
            var (values, unit) = Bucketize(points.Where(p => p.Type == type), from, step, r.Buckets);
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteString("unit", unit);
            WriteValues(w, "values", values);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        // The selected type split by a label: one line per value.
        if (r.SplitKey != null && r.Type != null)
        {
            var values = mine.Where(s => s.Type == r.Type && s.Labels.ContainsKey(r.SplitKey))
                .SelectMany(s => s.Labels[r.SplitKey]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            w.WriteStartObject("split");
            w.WriteString("key", r.SplitKey);
            w.WriteString("type", r.Type);
            string unit = "";
            w.WriteStartArray("lines");
            foreach (var v in values.Take(MaxSplitValues))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var labels = new Dictionary<string, string>(r.Labels, StringComparer.Ordinal) { [r.SplitKey] = v };
                var line = store.Timeline(query with { Type = r.Type, Labels = labels }, r.Buckets, cancellationToken);
                var (totals, u) = Bucketize(line.Where(p => p.Type == r.Type), from, step, r.Buckets);
                if (u.Length > 0) unit = u;
                w.WriteStartObject();
                w.WriteString("value", v);
                WriteValues(w, "values", totals);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("unit", unit);
            w.WriteNumber("omitted", Math.Max(0, values.Count - MaxSplitValues));
            w.WriteEndObject();
        }

        // Memory: the stats of the service (filtered by the label filters that stats series carry).
        var statsKeys = mine.Where(s => s.Type == StatsType).SelectMany(s => s.Labels.Keys).ToHashSet(StringComparer.Ordinal);
        var statsLabels = r.Labels.Where(kv => statsKeys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        bool filteredOut = r.Labels.Keys.Any(k => !statsKeys.Contains(k));
        var stats = store.Stats(query with { Labels = statsLabels }, cancellationToken);
        w.WriteStartArray("memory");
        foreach (var metric in MemoryMetrics)
        {
            var values = MemoryBuckets(stats, metric, from, step, r.Buckets);
            if (values.All(v => v == null)) continue;
            w.WriteStartObject();
            w.WriteString("metric", metric);
            w.WriteStartArray("values");
            foreach (var v in values)
            {
                if (v is { } x) w.WriteNumberValue(x);
                else w.WriteNullValue();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("processes", stats.Select(s => SeriesKey(s.Service, s.Labels)).Distinct(StringComparer.Ordinal).Count());
        // Label filters that stats do not carry (e.g. an endpoint) cannot narrow the memory series.
        w.WriteBoolean("memoryUnfiltered", filteredOut);
        w.WriteEndObject();
    }

    private static int TypeRank(string type)
    {
        int i = Array.IndexOf(s_typeOrder, type);
        return i < 0 ? s_typeOrder.Length : i;
    }

    /// <summary>The totals of <paramref name="points"/> in each bucket, and their unit.</summary>
    private static (long[] Values, string Unit) Bucketize(IEnumerable<TimelinePoint> points, long from, double step, int buckets)
    {
        var values = new long[buckets];
        string unit = "";
        foreach (var p in points)
        {
            // Points are at bucket starts, which milliseconds may round down: the nearest start is the bucket.
            int i = Index(UnixMs(p.Time) + step / 2, from, step, buckets);
            if (i < 0) continue;
            values[i] += p.Value;
            if (unit.Length == 0) unit = p.Unit;
        }
        return (values, unit);
    }

    /// <summary>The bucket of time <paramref name="ms"/>, or -1 outside the range.</summary>
    private static int Index(double ms, long from, double step, int buckets)
    {
        double x = (ms - from) / step;
        if (x < 0 || x >= buckets) return -1;
        return Math.Min((int)x, buckets - 1);
    }

    /// <summary>Per bucket, the peak of <paramref name="metric"/> of each process (stats series) summed over the
    /// processes; null for buckets without stats. Peaks keep a sawtooth's teeth when a bucket holds several points.</summary>
    private static double?[] MemoryBuckets(IReadOnlyList<StatsPoint> stats, string metric, long from, double step, int buckets)
    {
        var peaks = new Dictionary<(string Series, int Bucket), double>();
        foreach (var s in stats)
        {
            if (!s.Values.TryGetValue(metric, out double v) || double.IsNaN(v) || double.IsInfinity(v)) continue;
            int i = Index(UnixMs(s.Time), from, step, buckets);
            if (i < 0) continue;
            var key = (SeriesKey(s.Service, s.Labels), i);
            peaks[key] = peaks.TryGetValue(key, out double old) ? Math.Max(old, v) : v;
        }
        var result = new double?[buckets];
        foreach (var ((_, i), v) in peaks) result[i] = (result[i] ?? 0) + v;
        return result;
    }

    private static string SeriesKey(string service, IReadOnlyDictionary<string, string> labels) =>
        service + "\0" + string.Join("\0", labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));

    private static void WriteValues(Utf8JsonWriter w, string name, long[] values)
    {
        w.WriteStartArray(name);
        foreach (long v in values) w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    /// <summary>A UTC time as Unix milliseconds.</summary>
    public static long UnixMs(DateTime t) => (long)(DateTime.SpecifyKind(t, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalMilliseconds;
}
