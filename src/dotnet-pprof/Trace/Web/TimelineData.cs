using System.Text.Json;
using Pprof.Traces;

namespace Pprof.Cli.Trace.Web;

/// <summary>The timeline's data endpoints. <c>/timeline/data?from=NS&amp;to=NS&amp;width=PX</c> answers the window
/// [from, to) at the resolution of <c>width</c> pixels: per lane, its state intervals with those shorter than a pixel
/// merged into their neighbours (so at most a few per pixel, whatever the trace's length), GCs, instants, user
/// regions, tasks and requests, and lock hand-off flows, each capped. <c>/timeline/summary?from=NS&amp;to=NS</c>
/// answers the exact time each lane spent in each state in the range, from the full-resolution intervals.</summary>
internal static class TimelineData
{
    /// <summary>The widest window a client may ask for, pixels.</summary>
    public const int MaxWidth = 10_000;

    /// <summary>At most this many instants, spans and flows each in one answer.</summary>
    public const int MaxItems = 20_000;

    /// <summary>The data of one window (see the class summary). Throws <see cref="TraceViewException"/> for bad parameters.</summary>
    public static byte[] Window(TimelineModel model, TraceViewContext ctx)
    {
        var (from, to) = Range(model, ctx);
        int width = ctx.GetInt("width", 1000, 1, MaxWidth);
        long res = Math.Max(1, (to - from) / width);
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("from", from);
            w.WriteNumber("to", to);
            w.WriteNumber("duration", model.Trace.DurationNanos);
            w.WriteNumber("resolution", res);
            w.WriteStartArray("states");
            foreach (var s in TimelineModel.States) w.WriteStringValue(s);
            w.WriteEndArray();
            bool truncated = false;
            w.WriteStartArray("lanes");
            int perLaneCap = 4 * width + 16;
            foreach (var lane in model.Lanes)
            {
                w.WriteStartObject();
                w.WriteString("name", lane.Name);
                w.WriteNumber("tid", lane.ThreadId);
                w.WriteString("group", lane.Group);
                w.WriteStartArray("spans");
                truncated |= WriteSpans(w, lane, from, to, res, perLaneCap);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            truncated |= WriteGcs(w, model.Trace, from, to, res);
            truncated |= WriteInstants(w, model, from, to, res);
            truncated |= WriteRegions(w, model, from, to, res);
            truncated |= WriteFlows(w, model, from, to, res);
            w.WriteBoolean("truncated", truncated);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    /// <summary>[from, to) from the query: defaults the whole trace; from in [0, duration], to in (from, duration].</summary>
    internal static (long From, long To) Range(TimelineModel model, TraceViewContext ctx)
    {
        long duration = Math.Max(1, model.Trace.DurationNanos);
        long from = ctx.GetLong("from", 0, 0, duration - 1);
        long to = ctx.GetLong("to", duration, 1, duration);
        if (to <= from) throw new TraceViewException($"bad range: to ({to}) must be after from ({from})");
        return (from, to);
    }

    /// <summary>A lane's intervals in the window, those under a pixel merged: an interval shorter than
    /// <paramref name="res"/> that begins within a pixel of the last one written extends it (which keeps its state).
    /// Each entry is <c>[start, end, state]</c>. True when the cap cut the list.</summary>
    private static bool WriteSpans(Utf8JsonWriter w, TimelineLane lane, long from, long to, long res, int cap)
    {
        int i = lane.FirstEndingAfter(from);
        long cs = 0, ce = 0;
        byte cst = 0;
        bool open = false;
        int written = 0;
        for (; i < lane.Starts.Length && lane.Starts[i] < to; i++)
        {
            long a = Math.Max(lane.Starts[i], from), b = Math.Min(lane.Ends[i], to);
            byte st = lane.States[i];
            if (open && a - ce < res && (st == cst || b - a < res))
            {
                ce = Math.Max(ce, b);
                continue;
            }
            if (open)
            {
                if (written++ >= cap) return true;
                WriteTriple(w, cs, ce, cst);
            }
            cs = a;
            ce = b;
            cst = st;
            open = true;
        }
        if (open) WriteTriple(w, cs, ce, cst);
        return false;
    }

    private static void WriteTriple(Utf8JsonWriter w, long a, long b, int c)
    {
        w.WriteStartArray();
        w.WriteNumberValue(a);
        w.WriteNumberValue(b);
        w.WriteNumberValue(c);
        w.WriteEndArray();
    }

    /// <summary>GCs overlapping the window: <c>{n, gen, reason, start, end, pauseStart, pauseEnd}</c>; those closer
    /// than a pixel to the one before are counted in it (<c>merged</c>).</summary>
    private static bool WriteGcs(Utf8JsonWriter w, NetTrace trace, long from, long to, long res)
    {
        w.WriteStartArray("gcs");
        int count = 0;
        long lastEnd = long.MinValue;
        foreach (var g in trace.Gcs)
        {
            long start = g.PauseStartNanos >= 0 ? Math.Min(g.PauseStartNanos, g.StartNanos) : g.StartNanos;
            long end = Math.Max(g.EndNanos, g.PauseEndNanos);
            if (end < from || start > to) continue;
            if (start - lastEnd < res && count > 0) continue;
            if (count++ >= MaxItems) break;
            lastEnd = end;
            w.WriteStartObject();
            w.WriteNumber("n", g.Number);
            w.WriteNumber("gen", g.Generation);
            w.WriteString("reason", g.Reason);
            w.WriteString("type", g.Type);
            w.WriteNumber("start", g.StartNanos);
            w.WriteNumber("end", g.EndNanos);
            w.WriteNumber("pauseStart", g.PauseStartNanos);
            w.WriteNumber("pauseEnd", g.PauseEndNanos);
            w.WriteNumber("heapAfter", g.HeapSizeAfter);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        return count > MaxItems;
    }

    /// <summary>Instants (exceptions, thread-pool worker start/stop/adjustment, thread creation, user logs) in the
    /// window: <c>[lane, time, kind, name, detail]</c>, at most one per lane, kind and pixel.</summary>
    private static bool WriteInstants(Utf8JsonWriter w, TimelineModel model, long from, long to, long res)
    {
        w.WriteStartArray("instants");
        var last = new Dictionary<(int, string), long>();
        int count = 0;
        var instants = model.Trace.Instants;
        int i = LowerBound(instants, from);
        bool cut = false;
        for (; i < instants.Count && instants[i].TimeNanos < to; i++)
        {
            var x = instants[i];
            int lane = model.LaneOf(x.ThreadId);
            if (lane < 0) continue;
            if (last.TryGetValue((lane, x.Kind), out long t) && x.TimeNanos - t < res) continue;
            if (count++ >= MaxItems)
            {
                cut = true;
                break;
            }
            last[(lane, x.Kind)] = x.TimeNanos;
            w.WriteStartArray();
            w.WriteNumberValue(lane);
            w.WriteNumberValue(x.TimeNanos);
            w.WriteStringValue(x.Kind);
            w.WriteStringValue(Cut(x.Name, 200));
            w.WriteStringValue(Cut(x.Detail, 500));
            w.WriteEndArray();
        }
        w.WriteEndArray();
        return cut;
    }

    private static int LowerBound(IReadOnlyList<TraceInstant> list, long time)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (list[mid].TimeNanos < time) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>User regions and tasks and requests overlapping the window, at least a pixel long (or all when few):
    /// <c>[lane, start, end, kind, name]</c>; end is the trace's end for those still open.</summary>
    private static bool WriteRegions(Utf8JsonWriter w, TimelineModel model, long from, long to, long res)
    {
        w.WriteStartArray("regions");
        int count = 0;
        bool cut = false;
        foreach (var s in model.Trace.Spans)
        {
            if (s.StartNanos >= to) break;
            long end = s.EndNanos >= 0 ? s.EndNanos : model.Trace.DurationNanos;
            if (end < from) continue;
            int lane = model.LaneOf(s.ThreadId);
            if (lane < 0) continue;
            if (end - s.StartNanos < res / 2 && s.Kind is "request" or "http-client") continue;
            if (count++ >= MaxItems)
            {
                cut = true;
                break;
            }
            w.WriteStartArray();
            w.WriteNumberValue(lane);
            w.WriteNumberValue(s.StartNanos);
            w.WriteNumberValue(end);
            w.WriteStringValue(s.Kind);
            w.WriteStringValue(Cut(s.Name, 200));
            w.WriteEndArray();
        }
        w.WriteEndArray();
        return cut;
    }

    /// <summary>Lock hand-offs in the window: <c>[fromLane, toLane, time]</c>, from the thread that held the lock when
    /// the wait began to the waiter, at the time the waiter got it. Waits shorter than a pixel are left out.</summary>
    private static bool WriteFlows(Utf8JsonWriter w, TimelineModel model, long from, long to, long res)
    {
        w.WriteStartArray("flows");
        int count = 0;
        bool cut = false;
        foreach (var b in model.Trace.Blocks)
        {
            if (b.Kind != TraceBlockKind.Lock || b.WakerThreadId == 0 || b.EndNanos < from || b.EndNanos >= to || b.DurationNanos < res) continue;
            int a = model.LaneOf(b.WakerThreadId), c = model.LaneOf(b.ThreadId);
            if (a < 0 || c < 0 || a == c) continue;
            if (count++ >= MaxItems)
            {
                cut = true;
                break;
            }
            w.WriteStartArray();
            w.WriteNumberValue(a);
            w.WriteNumberValue(c);
            w.WriteNumberValue(b.EndNanos);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        return cut;
    }

    /// <summary>The exact time by state of each lane in [from, to), lanes with none left out, GC pause time and count,
    /// and instants by kind.</summary>
    public static byte[] Summary(TimelineModel model, TraceViewContext ctx)
    {
        var (from, to) = Range(model, ctx);
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteNumber("from", from);
            w.WriteNumber("to", to);
            w.WriteStartArray("states");
            foreach (var s in TimelineModel.States) w.WriteStringValue(s);
            w.WriteEndArray();
            w.WriteStartArray("lanes");
            var totals = new long[TimelineModel.States.Count];
            foreach (var lane in model.Lanes)
            {
                var byState = new long[TimelineModel.States.Count];
                for (int i = lane.FirstEndingAfter(from); i < lane.Starts.Length && lane.Starts[i] < to; i++)
                    byState[lane.States[i]] += Math.Min(lane.Ends[i], to) - Math.Max(lane.Starts[i], from);
                if (byState.All(x => x == 0)) continue;
                w.WriteStartObject();
                w.WriteString("name", lane.Name);
                w.WriteString("group", lane.Group);
                w.WriteStartObject("nanos");
                for (int s = 0; s < byState.Length; s++)
                {
                    totals[s] += byState[s];
                    if (byState[s] > 0) w.WriteNumber(TimelineModel.States[s], byState[s]);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("total");
            for (int s = 0; s < totals.Length; s++) w.WriteNumber(TimelineModel.States[s], totals[s]);
            w.WriteEndObject();
            long pause = 0;
            int gcs = 0;
            foreach (var g in model.Trace.Gcs)
            {
                if (g.EndNanos < from || g.StartNanos >= to) continue;
                gcs++;
                if (g.PauseNanos > 0) pause += Math.Max(0, Math.Min(g.PauseEndNanos, to) - Math.Max(g.PauseStartNanos, from));
            }
            w.WriteNumber("gcs", gcs);
            w.WriteNumber("gcPauseNanos", pause);
            w.WriteStartObject("instants");
            foreach (var g in model.Trace.Instants.Where(x => x.TimeNanos >= from && x.TimeNanos < to).GroupBy(x => x.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
                w.WriteNumber(g.Key, g.Count());
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
