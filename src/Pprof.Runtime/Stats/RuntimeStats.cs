namespace Pprof.Runtime.Stats;

/// <summary>One sample of a .NET process's runtime and operating-system statistics: CPU, memory, GC, threads, thread
/// pool, lock contention, exceptions, timers and JIT. Cumulative values count since the process started (exceptions:
/// since the source started observing); rates are per second over <see cref="Interval"/>, the time since the previous
/// sample of the same source. A value the source cannot provide is null (for example the runtime metrics of a
/// process older than .NET 9 read from outside). Read one with <see cref="Read"/> (this process) or subscribe with
/// <see cref="RuntimeStatsReader.WatchAsync(TimeSpan, CancellationToken)"/> and
/// <see cref="RuntimeStatsReader.WatchAsync(int, TimeSpan, CancellationToken)"/>.
/// <para>.NET has no cheap count of pending asynchronous operations (a task awaiting I/O is referenced only by what
/// will complete it; the runtime tracks them only under a debugger), so there is no such field: the thread-pool queue
/// length and the thread count are the closest signals.</para></summary>
public sealed record RuntimeStats
{
    /// <summary>When the sample was taken (UTC).</summary>
    public DateTime Time { get; init; }

    /// <summary>The process the sample describes.</summary>
    public int ProcessId { get; init; }

    /// <summary>"in-process" or "out-of-process".</summary>
    public string Source { get; init; } = "";

    /// <summary>The time the rates are computed over: since the previous sample (or, for the first in-process
    /// <see cref="Read"/>, since the process started).</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>Processors the process may use (<see cref="Environment.ProcessorCount"/> of the target).</summary>
    public int? ProcessorCount { get; init; }

    /// <summary>CPU time used by the process since it started (user + system).</summary>
    public TimeSpan? CpuTime { get; init; }

    /// <summary>CPU used over the interval, in percent of one core (200 = two cores busy).</summary>
    public double? CpuPercent { get; init; }

    /// <summary>CPU used over the interval, in percent of all the process's processors (100 = all busy).</summary>
    public double? CpuPercentOfMachine { get; init; }

    /// <summary>Resident set size, bytes (/proc VmRSS).</summary>
    public long? RssBytes { get; init; }

    /// <summary>Memory limit of the process's cgroup, bytes (v2 <c>memory.max</c>, v1 <c>memory.limit_in_bytes</c>);
    /// null when there is none.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>Size of the GC heap after the last GC, all generations, bytes.</summary>
    public long? GcHeapSizeBytes { get; init; }

    /// <summary>Size of generation 0 after the last GC, bytes.</summary>
    public long? Gen0SizeBytes { get; init; }

    /// <summary>Size of generation 1 after the last GC, bytes.</summary>
    public long? Gen1SizeBytes { get; init; }

    /// <summary>Size of generation 2 after the last GC, bytes.</summary>
    public long? Gen2SizeBytes { get; init; }

    /// <summary>Size of the large object heap after the last GC, bytes.</summary>
    public long? LohSizeBytes { get; init; }

    /// <summary>Size of the pinned object heap after the last GC, bytes.</summary>
    public long? PohSizeBytes { get; init; }

    /// <summary>Free space inside the GC heap after the last GC (fragmentation), bytes.</summary>
    public long? FragmentedBytes { get; init; }

    /// <summary>Memory the GC had committed from the operating system at the last GC, bytes.</summary>
    public long? CommittedBytes { get; init; }

    /// <summary>Bytes allocated on the GC heap since the process started.</summary>
    public long? TotalAllocatedBytes { get; init; }

    /// <summary>Bytes allocated per second over the interval.</summary>
    public double? AllocationRateBytesPerSecond { get; init; }

    /// <summary>GCs since the process started, each counted once (gen0 + gen1 + gen2 collections).</summary>
    public long? GcCount { get; init; }

    /// <summary>GCs since the process started that collected generation 0 only.</summary>
    public long? Gen0Collections { get; init; }

    /// <summary>GCs since the process started that collected generations 0 and 1 only.</summary>
    public long? Gen1Collections { get; init; }

    /// <summary>Full GCs (generation 2, with the LOH and POH) since the process started.</summary>
    public long? Gen2Collections { get; init; }

    /// <summary>Time the process was paused for GC since it started.</summary>
    public TimeSpan? GcPauseTime { get; init; }

    /// <summary>Percent of the interval the process was paused for GC.</summary>
    public double? GcPausePercent { get; init; }

    /// <summary>Operating-system threads of the process (/proc status Threads).</summary>
    public int? ThreadCount { get; init; }

    /// <summary>Thread-pool worker threads.</summary>
    public long? ThreadPoolThreads { get; init; }

    /// <summary>Work items queued to the thread pool and not yet started (starvation shows here first).</summary>
    public long? ThreadPoolQueueLength { get; init; }

    /// <summary>Thread-pool work items completed since the process started.</summary>
    public long? ThreadPoolCompletedItems { get; init; }

    /// <summary>Thread-pool work items completed per second over the interval.</summary>
    public double? ThreadPoolCompletedPerSecond { get; init; }

    /// <summary>Times a thread waited for a contended <c>Monitor</c> lock since the process started.</summary>
    public long? LockContentions { get; init; }

    /// <summary>Lock contentions per second over the interval.</summary>
    public double? LockContentionsPerSecond { get; init; }

    /// <summary>Exceptions thrown since the source started observing (first-chance, handled or not).</summary>
    public long? Exceptions { get; init; }

    /// <summary>Exceptions thrown per second over the interval.</summary>
    public double? ExceptionsPerSecond { get; init; }

    /// <summary>Active timers (<see cref="System.Threading.Timer.ActiveCount"/>).</summary>
    public long? Timers { get; init; }

    /// <summary>Methods JIT-compiled since the process started (all tiers).</summary>
    public long? JitCompiledMethods { get; init; }

    /// <summary>A sample of this process; its rates cover the time since the previous call (the first call: since
    /// the process started). Cheap (no allocation-heavy work, no events): safe to call every second.</summary>
    public static RuntimeStats Read() => RuntimeStatsReader.Read();
}
