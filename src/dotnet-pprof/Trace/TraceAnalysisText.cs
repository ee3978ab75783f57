using System.Globalization;
using System.Text;
using Pprof.Traces;
using Pprof.Traces.Analysis;

namespace Pprof.Cli.Trace;

/// <summary>The analyses of <c>dotnet-pprof trace</c> as text, for use without a browser: <c>-gc</c> (the GC list),
/// <c>-mmu</c> (the minimum mutator utilization curve), <c>-regions</c> (user tasks and regions with latency
/// histograms) and <c>-goroutines</c> (the goroutine analysis with each group's instances).</summary>
internal static class TraceAnalysisText
{
    /// <summary>The flags, in the order their reports print.</summary>
    public static IReadOnlyList<string> Flags { get; } = new[] { "gc", "mmu", "regions", "goroutines" };

    /// <summary>At most this many instances per group or name are listed (the web UI lists them all).</summary>
    public const int MaxInstances = 20;

    /// <summary>The reports for <paramref name="flags"/> (a subset of <see cref="Flags"/>), in <see cref="Flags"/>'s order.</summary>
    public static string Write(NetTrace trace, IReadOnlyCollection<string> flags)
    {
        var sb = new StringBuilder();
        foreach (var f in Flags)
        {
            if (!flags.Contains(f)) continue;
            if (sb.Length > 0) sb.AppendLine();
            switch (f)
            {
                case "gc": Gc(trace, sb); break;
                case "mmu": Mmu(trace, sb); break;
                case "regions": Regions(trace, sb); break;
                case "goroutines": Goroutines(trace, sb); break;
            }
        }
        return sb.ToString();
    }

    private static void Gc(NetTrace trace, StringBuilder sb)
    {
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"GCs: {trace.Gcs.Count}, pauses total {Dur(trace.Gcs.Sum(g => g.PauseNanos))}"));
        if (trace.Gcs.Count == 0) return;
        var rows = new List<string[]> { new[] { "GC", "gen", "reason", "type", "start", "since last", "duration", "pause", "heap before", "heap after" } };
        long last = -1;
        foreach (var g in trace.Gcs)
        {
            rows.Add(new[]
            {
                "#" + g.Number.ToString(CultureInfo.InvariantCulture), g.Generation.ToString(CultureInfo.InvariantCulture), g.Reason, g.Type,
                Dur(g.StartNanos), last >= 0 ? Dur(g.StartNanos - last) : "", Dur(g.EndNanos - g.StartNanos), g.PauseNanos > 0 ? Dur(g.PauseNanos) : "",
                Bytes(g.HeapSizeBefore), Bytes(g.HeapSizeAfter),
            });
            last = g.StartNanos;
        }
        Table(sb, rows, leftColumns: 4);
    }

    private static void Mmu(NetTrace trace, StringBuilder sb)
    {
        var pauses = MmuCurve.Pauses(trace);
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Minimum mutator utilization: {pauses.Count} GC pauses, longest {Dur(pauses.Count > 0 ? pauses.Max(p => p.EndNanos - p.StartNanos) : 0)}, total {Dur(pauses.Sum(p => p.EndNanos - p.StartNanos))} in {Dur(trace.DurationNanos)}"));
        var rows = new List<string[]> { new[] { "window", "MMU", "worst window at" } };
        foreach (var p in MmuCurve.Compute(trace, pointsPerDecade: 3))
        {
            rows.Add(new[] { Dur(p.WindowNanos), (p.Utilization * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%", Dur(p.WorstWindowStartNanos) });
        }
        Table(sb, rows, leftColumns: 0);
    }

    private static void Regions(NetTrace trace, StringBuilder sb)
    {
        var summaries = SpanStatistics.Summarize(trace);
        if (summaries.Count == 0)
        {
            sb.AppendLine("no user tasks, regions or requests in the trace (ExecutionTrace.NewTask, ExecutionTrace.StartRegion)");
            return;
        }
        var rows = new List<string[]> { new[] { "kind", "name", "count", "unfinished", "total", "min", "median", "p90", "p99", "max" } };
        foreach (var s in summaries)
        {
            rows.Add(new[]
            {
                s.Kind, s.Name, s.Count.ToString(CultureInfo.InvariantCulture), s.Unfinished.ToString(CultureInfo.InvariantCulture), Dur(s.TotalNanos),
                Dur(s.MinNanos), Dur(s.MedianNanos), Dur(s.P90Nanos), Dur(s.P99Nanos), Dur(s.MaxNanos),
            });
        }
        Table(sb, rows, leftColumns: 2);
        foreach (var s in summaries)
        {
            sb.AppendLine().AppendLine($"{s.Kind} {s.Name}: latency histogram");
            var buckets = s.Histogram.Buckets();
            int max = buckets.Count > 0 ? buckets.Max(b => b.Count) : 0;
            foreach (var b in buckets)
            {
                sb.Append(string.Create(CultureInfo.InvariantCulture, $"  {Dur(b.LowNanos),9} .. {Dur(b.HighNanos),-9} {b.Count,6} "))
                  .Append('#', max > 0 ? (int)Math.Ceiling(40.0 * b.Count / max) : 0).AppendLine();
            }
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  instances (first {Math.Min(MaxInstances, s.Instances.Count)} of {s.Instances.Count}):"));
            var rows2 = new List<string[]> { new[] { "start", "duration", "thread", "end thread", "task" } };
            foreach (var i in s.Instances.Take(MaxInstances))
            {
                rows2.Add(new[]
                {
                    Dur(i.StartNanos), i.EndNanos >= 0 ? Dur(i.DurationNanos) : "unfinished", trace.ThreadName(i.ThreadId),
                    i.EndThreadId != i.ThreadId && i.EndNanos >= 0 ? trace.ThreadName(i.EndThreadId) : "", i.TaskId != 0 ? i.TaskId.ToString(CultureInfo.InvariantCulture) : "",
                });
            }
            Table(sb, rows2, leftColumns: 0, indent: "    ");
        }
    }

    private static void Goroutines(NetTrace trace, StringBuilder sb)
    {
        var groups = GoroutineAnalysis.Analyze(trace);
        sb.AppendLine("Goroutines: dedicated threads by start routine, thread-pool work by async method or callback (* thread pool)");
        var header = new[] { "", "count", "total", "execution", "lock wait", "wait handle", "net", "syscall", "sleep", "sched", "GC pause" };
        var rows = new List<string[]> { header };
        foreach (var g in groups) rows.Add(Row((g.ThreadPool ? "* " : "") + g.Name, g.Count.ToString(CultureInfo.InvariantCulture), g.Times));
        Table(sb, rows, leftColumns: 1);
        foreach (var g in groups)
        {
            sb.AppendLine().AppendLine((g.ThreadPool ? "* " : "") + g.Name + ":");
            var inst = new List<string[]> { new[] { "thread", "first seen", "total", "execution", "lock wait", "wait handle", "net", "syscall", "sleep", "sched", "GC pause" } };
            foreach (var i in g.Instances.Take(MaxInstances)) inst.Add(Row(i.ThreadName + " (" + i.ThreadId.ToString(CultureInfo.InvariantCulture) + ")", Dur(i.StartNanos), i.Times));
            Table(sb, inst, leftColumns: 1, indent: "  ");
            if (g.Instances.Count > MaxInstances) sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  ... {g.Instances.Count - MaxInstances} more"));
        }
    }

    private static string[] Row(string name, string second, GoroutineTimes t) => new[]
    {
        name, second, Dur(t.TotalNanos), Dur(t.ExecutionNanos), Dur(t.LockWaitNanos), Dur(t.WaitHandleNanos), Dur(t.NetNanos),
        Dur(t.SyscallNanos), Dur(t.SleepNanos), Dur(t.SchedNanos), Dur(t.GcPauseNanos),
    };

    private static void Table(StringBuilder sb, List<string[]> rows, int leftColumns, string indent = "")
    {
        int cols = rows[0].Length;
        var width = new int[cols];
        foreach (var r in rows)
        {
            for (int c = 0; c < cols; c++) width[c] = Math.Max(width[c], r[c].Length);
        }
        var line = new StringBuilder();
        foreach (var r in rows)
        {
            line.Clear().Append(indent);
            for (int c = 0; c < cols; c++)
            {
                if (c > 0) line.Append("  ");
                line.Append(c < leftColumns ? r[c].PadRight(width[c]) : r[c].PadLeft(width[c]));
            }
            sb.AppendLine(line.ToString().TrimEnd());
        }
    }

    /// <summary>A duration as Go prints one, rounded to about four significant digits: 1.234s, 12.35ms, 456µs, 12ns.</summary>
    internal static string Dur(long nanos)
    {
        var inv = CultureInfo.InvariantCulture;
        long a = Math.Abs(nanos);
        if (a == 0) return "0";
        if (a < 1_000) return nanos.ToString(inv) + "ns";
        if (a < 1_000_000) return (nanos / 1e3).ToString("0.##", inv) + "µs";
        if (a < 1_000_000_000) return (nanos / 1e6).ToString("0.##", inv) + "ms";
        return (nanos / 1e9).ToString("0.###", inv) + "s";
    }

    /// <summary>Bytes in pprof's units (B, kB, MB, GB); empty when unknown (negative).</summary>
    internal static string Bytes(long bytes)
    {
        var inv = CultureInfo.InvariantCulture;
        if (bytes < 0) return "";
        if (bytes < 1024) return bytes.ToString(inv) + "B";
        if (bytes < 1024 * 1024) return (bytes / 1024.0).ToString("0.##", inv) + "kB";
        if (bytes < 1024L * 1024 * 1024) return (bytes / (1024.0 * 1024)).ToString("0.##", inv) + "MB";
        return (bytes / (1024.0 * 1024 * 1024)).ToString("0.##", inv) + "GB";
    }
}
