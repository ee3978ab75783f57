namespace Pprof.Runtime.MemStats;

/// <summary>A snapshot of a .NET process's memory and GC statistics shaped like Go's <c>runtime.MemStats</c>, plus the
/// process's resident and virtual size and its cgroup memory limit. Values a source cannot provide are null
/// (for example recent pauses, which only the in-process reader sees).</summary>
public sealed class MemStats
{
    /// <summary>Process id the snapshot describes.</summary>
    public int ProcessId { get; set; }

    /// <summary>When the snapshot was taken (UTC).</summary>
    public DateTime Time { get; set; }

    /// <summary>"in-process" or "out-of-process (System.Runtime metrics)".</summary>
    public string Source { get; set; } = "";

    /// <summary>Go Alloc/HeapAlloc: bytes of allocated heap objects, including garbage not yet collected.</summary>
    public long? Alloc { get; set; }

    /// <summary>Go TotalAlloc: cumulative bytes allocated since the process started.</summary>
    public long? TotalAlloc { get; set; }

    /// <summary>Go HeapSys (closest): bytes of GC heap committed from the operating system.</summary>
    public long? Committed { get; set; }

    /// <summary>Heap size after the last GC (all generations), bytes.</summary>
    public long? HeapSize { get; set; }

    /// <summary>Go HeapIdle-HeapReleased (closest): free space inside the heap after the last GC, bytes.</summary>
    public long? Fragmented { get; set; }

    /// <summary>Per-generation size after the last GC: gen0, gen1, gen2, loh, poh (bytes).</summary>
    public Dictionary<string, long> GenerationSizes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Per-generation fragmentation after the last GC (bytes).</summary>
    public Dictionary<string, long> GenerationFragmentation { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Go NumGC, split by generation: collections of gen0, gen1, gen2 (a gen2 GC also counts as gen1 and gen0).</summary>
    public Dictionary<string, long> Collections { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Go NumGC: number of completed GCs (gen0 count, which includes every higher-generation GC).</summary>
    public long? NumGC { get; set; }

    /// <summary>Go NumForcedGC (closest): induced collections, when known.</summary>
    public long? NumForcedGC { get; set; }

    /// <summary>Go PauseTotalNs: cumulative GC pause time, nanoseconds.</summary>
    public long? PauseTotalNs { get; set; }

    /// <summary>Go PauseNs (recent pauses, most recent first), nanoseconds.</summary>
    public List<long>? RecentPausesNs { get; set; }

    /// <summary>Go LastGC: when the last GC ended (UTC), if known.</summary>
    public DateTime? LastGC { get; set; }

    /// <summary>Go GCCPUFraction (closest): fraction of the process's wall time spent paused for GC since start.</summary>
    public double? GCCPUFraction { get; set; }

    /// <summary>Objects waiting for finalization after the last GC.</summary>
    public long? FinalizationPending { get; set; }

    /// <summary>Pinned objects seen by the last GC.</summary>
    public long? PinnedObjects { get; set; }

    /// <summary>Total bytes of memory the GC may use before it is out of memory (hard limit or physical memory).</summary>
    public long? TotalAvailableMemory { get; set; }

    /// <summary>Go Sys (closest): resident set size from /proc (VmRSS), bytes.</summary>
    public long? Rss { get; set; }

    /// <summary>Virtual size from /proc (VmSize), bytes.</summary>
    public long? Virt { get; set; }

    /// <summary>Shared resident memory from /proc (RssFile + RssShmem), bytes.</summary>
    public long? Shr { get; set; }

    /// <summary>cgroup memory limit in bytes (null when unlimited or no cgroup).</summary>
    public long? CgroupLimit { get; set; }

    /// <summary>cgroup memory usage in bytes.</summary>
    public long? CgroupUsage { get; set; }

    /// <summary>"v1" or "v2" when a memory cgroup was found.</summary>
    public string? CgroupVersion { get; set; }

    /// <summary>The process's command line, argument by argument.</summary>
    public List<string> CommandLine { get; set; } = new();
}
