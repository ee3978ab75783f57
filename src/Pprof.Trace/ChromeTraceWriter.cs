using System.Text.Json;

namespace Pprof.Traces;

/// <summary>Writes an execution trace in the Trace Event Format (JSON) that Perfetto (ui.perfetto.dev) and
/// chrome://tracing open: one lane per thread, named; on it, when it ran managed code (merged thread samples), lock and
/// wait-handle waits, sampled socket and native waits, user regions, exceptions, thread-pool changes and logs as
/// instants; a <c>GC</c> lane with each collection and its pause; user tasks and requests as async spans.</summary>
public static class ChromeTraceWriter
{
    /// <summary>The lane that holds the GCs (not an operating-system thread id).</summary>
    public const int GcLane = 0;

    /// <summary>Writes <paramref name="trace"/> to <paramref name="output"/> as Trace Event Format JSON.</summary>
    public static void Write(NetTrace trace, Stream output)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(output);
        int pid = trace.ProcessId;
        using var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteString("displayTimeUnit", "ms");
        w.WriteStartArray("traceEvents");
        Meta(w, "process_name", pid, null, $"dotnet pid {pid}");
        Meta(w, "thread_name", pid, GcLane, "GC");
        Meta(w, "thread_sort_index", pid, GcLane, null, -1);
        foreach (var t in trace.Threads) Meta(w, "thread_name", pid, t.Id, t.Name.Length > 0 ? $"{t.Name} ({t.Id})" : $"thread {t.Id}");
        foreach (var g in trace.Gcs)
        {
            Span(w, $"GC #{g.Number} gen{g.Generation} ({g.Reason})", "gc", pid, GcLane, g.StartNanos, g.EndNanos, w =>
            {
                w.WriteNumber("generation", g.Generation);
                w.WriteString("reason", g.Reason);
                w.WriteString("type", g.Type);
                w.WriteNumber("pause_ms", g.PauseNanos / 1e6);
                if (g.HeapSizeAfter >= 0) w.WriteNumber("heap_after_bytes", g.HeapSizeAfter);
            });
            if (g.PauseNanos > 0) Span(w, "GC pause", "gc", pid, GcLane, g.PauseStartNanos, g.PauseEndNanos, null);
        }
        WriteRunning(w, trace, pid);
        foreach (var b in trace.Blocks)
        {
            string? name = b.Kind switch
            {
                TraceBlockKind.Lock => "lock wait",
                TraceBlockKind.WaitHandle => "wait handle",
                TraceBlockKind.Net => "socket I/O (sampled)",
                TraceBlockKind.Syscall => "native/syscall (sampled)",
                _ => null,
            };
            if (name == null) continue;
            Span(w, name, "block", pid, b.ThreadId, b.StartNanos, b.EndNanos, w =>
            {
                if (b.Kind == TraceBlockKind.Lock && b.WakerThreadId > 0) w.WriteString("owner", trace.ThreadName(b.WakerThreadId));
                WriteStack(w, trace, b.StackId);
            });
        }
        long asyncId = 0;
        foreach (var s in trace.Spans)
        {
            long end = s.EndNanos >= 0 ? s.EndNanos : trace.DurationNanos;
            if (s.Kind == "region" && s.ThreadId == s.EndThreadId)
            {
                Span(w, s.Name, "region", pid, s.ThreadId, s.StartNanos, end, w => w.WriteNumber("task", s.TaskId));
                continue;
            }
            // Tasks, requests and regions that moved between threads: async spans (their own track).
            asyncId++;
            foreach (var (ph, time, tid) in new[] { ("b", s.StartNanos, s.ThreadId), ("e", end, s.EndThreadId) })
            {
                w.WriteStartObject();
                w.WriteString("ph", ph);
                w.WriteString("name", s.Name);
                w.WriteString("cat", s.Kind);
                w.WriteNumber("id", asyncId);
                w.WriteNumber("pid", pid);
                w.WriteNumber("tid", tid);
                w.WriteNumber("ts", time / 1000.0);
                w.WriteEndObject();
            }
        }
        foreach (var i in trace.Instants)
        {
            w.WriteStartObject();
            w.WriteString("ph", "i");
            w.WriteString("s", "t");
            w.WriteString("name", i.Kind == "exception" ? i.Name : $"{i.Kind}: {i.Name}");
            w.WriteString("cat", i.Kind);
            w.WriteNumber("pid", pid);
            w.WriteNumber("tid", i.ThreadId);
            w.WriteNumber("ts", i.TimeNanos / 1000.0);
            w.WriteStartObject("args");
            w.WriteString("detail", i.Detail);
            WriteStack(w, trace, i.StackId);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Runs of managed samples (gaps up to the sample weight limit) as "running" spans.</summary>
    private static void WriteRunning(Utf8JsonWriter w, NetTrace trace, int pid)
    {
        foreach (var byThread in trace.Samples.GroupBy(s => s.ThreadId))
        {
            long start = -1, last = -1;
            foreach (var s in byThread.OrderBy(s => s.TimeNanos))
            {
                if (!s.Managed)
                {
                    if (start >= 0) Span(w, "running", "cpu", pid, byThread.Key, start, last + 1_000_000, null);
                    start = -1;
                    continue;
                }
                if (start >= 0 && s.TimeNanos - last > NetTraceReader.MaxSampleWeightNanos)
                {
                    Span(w, "running", "cpu", pid, byThread.Key, start, last + 1_000_000, null);
                    start = -1;
                }
                if (start < 0) start = s.TimeNanos;
                last = s.TimeNanos;
            }
            if (start >= 0) Span(w, "running", "cpu", pid, byThread.Key, start, last + 1_000_000, null);
        }
    }

    private static void Span(Utf8JsonWriter w, string name, string cat, int pid, int tid, long startNanos, long endNanos, Action<Utf8JsonWriter>? args)
    {
        w.WriteStartObject();
        w.WriteString("ph", "X");
        w.WriteString("name", name);
        w.WriteString("cat", cat);
        w.WriteNumber("pid", pid);
        w.WriteNumber("tid", tid);
        w.WriteNumber("ts", startNanos / 1000.0);
        w.WriteNumber("dur", Math.Max(0, endNanos - startNanos) / 1000.0);
        if (args != null)
        {
            w.WriteStartObject("args");
            args(w);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Meta(Utf8JsonWriter w, string name, int pid, int? tid, string? value, int? sortIndex = null)
    {
        w.WriteStartObject();
        w.WriteString("ph", "M");
        w.WriteString("name", name);
        w.WriteNumber("pid", pid);
        if (tid != null) w.WriteNumber("tid", tid.Value);
        w.WriteStartObject("args");
        if (value != null) w.WriteString("name", value);
        if (sortIndex != null) w.WriteNumber("sort_index", sortIndex.Value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteStack(Utf8JsonWriter w, NetTrace trace, int stackId)
    {
        if (stackId < 0) return;
        var frames = trace.Stacks[stackId];
        w.WriteString("stack", string.Join("\n", frames.Take(12).Select(f => f.Function)));
    }
}
