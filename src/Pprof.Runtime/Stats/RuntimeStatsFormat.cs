using System.Text;
using System.Text.Json;

namespace Pprof.Runtime.Stats;

/// <summary>JSON forms of <see cref="RuntimeStats"/> and <see cref="GcEvent"/>: one object per sample or GC, camelCase
/// names with the unit in the name (<c>Bytes</c>, <c>Seconds</c>, <c>Percent</c>, <c>PerSecond</c>), null for a value
/// the source could not read. <c>dotnet-pprof stats -json</c> and <c>gctrace -json</c> print these, one per line.</summary>
public static class RuntimeStatsFormat
{
    /// <summary>Writes <paramref name="s"/> as one JSON object.</summary>
    public static void WriteJson(Utf8JsonWriter w, RuntimeStats s)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(s);
        w.WriteStartObject();
        w.WriteString("time", s.Time);
        w.WriteNumber("pid", s.ProcessId);
        w.WriteString("source", s.Source);
        w.WriteNumber("intervalSeconds", Math.Round(s.Interval.TotalSeconds, 6));
        Num(w, "processorCount", s.ProcessorCount);
        Num(w, "cpuSeconds", s.CpuTime?.TotalSeconds);
        Num(w, "cpuPercent", s.CpuPercent);
        Num(w, "cpuPercentOfMachine", s.CpuPercentOfMachine);
        Num(w, "rssBytes", s.RssBytes);
        Num(w, "memoryLimitBytes", s.MemoryLimitBytes);
        Num(w, "gcHeapSizeBytes", s.GcHeapSizeBytes);
        Num(w, "gen0SizeBytes", s.Gen0SizeBytes);
        Num(w, "gen1SizeBytes", s.Gen1SizeBytes);
        Num(w, "gen2SizeBytes", s.Gen2SizeBytes);
        Num(w, "lohSizeBytes", s.LohSizeBytes);
        Num(w, "pohSizeBytes", s.PohSizeBytes);
        Num(w, "fragmentedBytes", s.FragmentedBytes);
        Num(w, "committedBytes", s.CommittedBytes);
        Num(w, "totalAllocatedBytes", s.TotalAllocatedBytes);
        Num(w, "allocationRateBytesPerSecond", s.AllocationRateBytesPerSecond);
        Num(w, "gcCount", s.GcCount);
        Num(w, "gen0Collections", s.Gen0Collections);
        Num(w, "gen1Collections", s.Gen1Collections);
        Num(w, "gen2Collections", s.Gen2Collections);
        Num(w, "gcPauseSeconds", s.GcPauseTime?.TotalSeconds);
        Num(w, "gcPausePercent", s.GcPausePercent);
        Num(w, "threads", s.ThreadCount);
        Num(w, "threadPoolThreads", s.ThreadPoolThreads);
        Num(w, "threadPoolQueueLength", s.ThreadPoolQueueLength);
        Num(w, "threadPoolCompletedItems", s.ThreadPoolCompletedItems);
        Num(w, "threadPoolCompletedPerSecond", s.ThreadPoolCompletedPerSecond);
        Num(w, "lockContentions", s.LockContentions);
        Num(w, "lockContentionsPerSecond", s.LockContentionsPerSecond);
        Num(w, "exceptions", s.Exceptions);
        Num(w, "exceptionsPerSecond", s.ExceptionsPerSecond);
        Num(w, "timers", s.Timers);
        Num(w, "jitCompiledMethods", s.JitCompiledMethods);
        w.WriteEndObject();
    }

    /// <summary>Writes <paramref name="gc"/> as one JSON object.</summary>
    public static void WriteJson(Utf8JsonWriter w, GcEvent gc)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(gc);
        w.WriteStartObject();
        w.WriteNumber("number", gc.Number);
        w.WriteNumber("generation", gc.Generation);
        w.WriteString("reason", gc.Reason);
        w.WriteString("type", gc.Type);
        w.WriteString("time", gc.Time);
        w.WriteNumber("sinceProcessStartSeconds", Math.Round(gc.SinceProcessStart.TotalSeconds, 6));
        w.WriteNumber("pauseSeconds", Math.Round(gc.Pause.TotalSeconds, 9));
        w.WriteNumber("heapBeforeBytes", gc.HeapBeforeBytes);
        w.WriteNumber("heapAfterBytes", gc.HeapAfterBytes);
        w.WriteNumber("promotedBytes", gc.PromotedBytes);
        Num(w, "committedBytes", gc.CommittedBytes);
        w.WriteNumber("pausePercent", Math.Round(gc.PausePercent, 4));
        w.WriteEndObject();
    }

    /// <summary><paramref name="s"/> as one line of JSON (no newline).</summary>
    public static string Json(RuntimeStats s) => Write(w => WriteJson(w, s));

    /// <summary><paramref name="gc"/> as one line of JSON (no newline).</summary>
    public static string Json(GcEvent gc) => Write(w => WriteJson(w, gc));

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Num(Utf8JsonWriter w, string name, long? v)
    {
        if (v is long x) w.WriteNumber(name, x);
        else w.WriteNull(name);
    }

    private static void Num(Utf8JsonWriter w, string name, double? v)
    {
        if (v is double x && double.IsFinite(x)) w.WriteNumber(name, Math.Round(x, 6));
        else w.WriteNull(name);
    }
}
