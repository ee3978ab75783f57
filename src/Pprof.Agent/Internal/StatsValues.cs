using Pprof.Runtime.Stats;

namespace Pprof.Agent.Internal;

/// <summary>A <see cref="RuntimeStats"/> point as the store's stats values: snake_case names with unit suffixes.</summary>
internal static class StatsValues
{
    public static Dictionary<string, double> From(RuntimeStats? s, long? goroutines)
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        if (s != null)
        {
            Add(d, "cpu_percent", s.CpuPercent);
            Add(d, "rss_bytes", s.RssBytes);
            Add(d, "memory_limit_bytes", s.MemoryLimitBytes);
            Add(d, "gc_heap_size_bytes", s.GcHeapSizeBytes);
            Add(d, "gen0_size_bytes", s.Gen0SizeBytes);
            Add(d, "gen1_size_bytes", s.Gen1SizeBytes);
            Add(d, "gen2_size_bytes", s.Gen2SizeBytes);
            Add(d, "loh_size_bytes", s.LohSizeBytes);
            Add(d, "poh_size_bytes", s.PohSizeBytes);
            Add(d, "fragmented_bytes", s.FragmentedBytes);
            Add(d, "committed_bytes", s.CommittedBytes);
            Add(d, "allocation_rate_bytes_per_second", s.AllocationRateBytesPerSecond);
            Add(d, "gc_count", s.GcCount);
            Add(d, "gc_pause_percent", s.GcPausePercent);
            Add(d, "thread_count", s.ThreadCount);
            Add(d, "thread_pool_threads", s.ThreadPoolThreads);
            Add(d, "thread_pool_queue_length", s.ThreadPoolQueueLength);
            Add(d, "thread_pool_completed_per_second", s.ThreadPoolCompletedPerSecond);
            Add(d, "lock_contentions_per_second", s.LockContentionsPerSecond);
            Add(d, "exceptions_per_second", s.ExceptionsPerSecond);
            Add(d, "timers", s.Timers);
            Add(d, "jit_compiled_methods", s.JitCompiledMethods);
        }
        if (goroutines is long g) d["goroutines"] = g;
        return d;
    }

    private static void Add(Dictionary<string, double> d, string name, double? value)
    {
        if (value is double v && double.IsFinite(v)) d[name] = v;
    }
}
