using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Pprof.Runtime.Internal;
using Pprof.Runtime.MemStats;

namespace Pprof.Runtime.Stats;

/// <summary>Samples <see cref="RuntimeStats"/>: of this process from the runtime's own APIs (GC, thread pool, monitor,
/// timers, JIT, <see cref="Environment.CpuUsage"/>), a <see cref="MeterListener"/> on the runtime's
/// <c>System.Runtime</c> meter (for exceptions, which have no other counter) and /proc; of another process from its
/// <c>System.Runtime</c> meter (.NET 9+) read over EventPipe, plus /proc/PID and its memory cgroup. The subscriptions
/// are what the dashboard, <c>dotnet-pprof stats</c> and the watchdog read.</summary>
public static class RuntimeStatsReader
{
    private static readonly object s_lock = new();
    private static RuntimeStats? s_previous;
    private static MeterListener? s_listener;
    private static long s_exceptions;

    /// <summary>Shortest sampling interval the subscriptions accept.</summary>
    public static TimeSpan MinimumInterval { get; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A sample of this process; rates cover the time since the previous call of this method (the first
    /// call: since the process started).</summary>
    public static RuntimeStats Read()
    {
        lock (s_lock)
        {
            var current = SampleCurrent();
            var previous = s_previous ?? ProcessStartBaseline();
            s_previous = current;
            return Derive(previous, current);
        }
    }

    /// <summary>Samples this process every <paramref name="interval"/> (rates over each interval) until
    /// <paramref name="cancellationToken"/> is cancelled (the enumeration then ends without an exception). Each
    /// subscription keeps its own previous sample.</summary>
    public static async IAsyncEnumerable<RuntimeStats> WatchAsync(TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CheckInterval(interval);
        var previous = SampleCurrent();
        using var timer = new PeriodicTimer(interval);
        while (true)
        {
            try
            {
                if (!await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false)) yield break;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            var current = SampleCurrent();
            yield return Derive(previous, current);
            previous = current;
        }
    }

    /// <summary>Samples process <paramref name="processId"/> every <paramref name="interval"/> (rates over each
    /// interval) from its <c>System.Runtime</c> meter over EventPipe and /proc, until <paramref name="cancellationToken"/>
    /// is cancelled or the process exits (the enumeration then ends). The first sample comes after two intervals (the
    /// first one is the baseline). This process is sampled in-process. Throws <see cref="ProfilerException"/> when the
    /// process cannot be attached to.</summary>
    public static async IAsyncEnumerable<RuntimeStats> WatchAsync(int processId, TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CheckInterval(interval);
        if (processId == Environment.ProcessId)
        {
            await foreach (var s in WatchAsync(interval, cancellationToken).ConfigureAwait(false)) yield return s;
            yield break;
        }
        var channel = Channel.CreateBounded<RuntimeStats>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        using var session = MetricsSession.Open(processId, interval);
        session.Collected = (time, values) => channel.Writer.TryWrite(FromMetrics(processId, time, values));
        session.Start();
        // The stream ends when the process exits: end the enumeration then.
        var ended = new Thread(() =>
        {
            session.Done.WaitOne();
            channel.Writer.TryComplete();
        }) { IsBackground = true, Name = "pprof-stats-end" };
        ended.Start();
        RuntimeStats? previous = null;
        while (true)
        {
            RuntimeStats current;
            try
            {
                if (!await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false)) yield break;
                if (!channel.Reader.TryRead(out current!)) continue;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            if (previous != null) yield return Derive(previous, current);
            previous = current;
        }
    }

    private static void CheckInterval(TimeSpan interval)
    {
        if (interval < MinimumInterval) throw new ArgumentOutOfRangeException(nameof(interval), interval, $"the interval must be at least {MinimumInterval.TotalMilliseconds} ms");
    }

    /// <summary>The cumulative values of this process now (no rates).</summary>
    internal static RuntimeStats SampleCurrent()
    {
        EnsureListener();
        int pid = Environment.ProcessId;
        var (rss, threads, limit) = ProcMemory.ReadStatus(pid);
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var gens = info.GenerationInfo;
        var sizes = new long?[5];
        for (int g = 0; g < gens.Length && g < sizes.Length; g++) sizes[g] = gens[g].SizeAfterBytes;
        long c0 = GC.CollectionCount(0), c1 = GC.CollectionCount(1), c2 = GC.CollectionCount(2);
        return new RuntimeStats
        {
            Time = DateTime.UtcNow,
            ProcessId = pid,
            Source = "in-process",
            ProcessorCount = Environment.ProcessorCount,
            CpuTime = Environment.CpuUsage.TotalTime,
            RssBytes = rss,
            MemoryLimitBytes = limit,
            GcHeapSizeBytes = info.HeapSizeBytes,
            Gen0SizeBytes = sizes[0],
            Gen1SizeBytes = sizes[1],
            Gen2SizeBytes = sizes[2],
            LohSizeBytes = sizes[3],
            PohSizeBytes = sizes[4],
            FragmentedBytes = info.FragmentedBytes,
            CommittedBytes = info.TotalCommittedBytes,
            TotalAllocatedBytes = GC.GetTotalAllocatedBytes(false),
            GcCount = c0,
            Gen0Collections = c0 - c1,
            Gen1Collections = c1 - c2,
            Gen2Collections = c2,
            GcPauseTime = GC.GetTotalPauseDuration(),
            ThreadCount = threads,
            ThreadPoolThreads = ThreadPool.ThreadCount,
            ThreadPoolQueueLength = ThreadPool.PendingWorkItemCount,
            ThreadPoolCompletedItems = ThreadPool.CompletedWorkItemCount,
            LockContentions = Monitor.LockContentionCount,
            Exceptions = Interlocked.Read(ref s_exceptions),
            Timers = Timer.ActiveCount,
            JitCompiledMethods = System.Runtime.JitInfo.GetCompiledMethodCount(false),
        };
    }

    /// <summary>Counts the runtime meter's <c>dotnet.exceptions</c> measurements from the first sample on.</summary>
    private static void EnsureListener()
    {
        if (Volatile.Read(ref s_listener) != null) return;
        lock (s_lock)
        {
            if (s_listener != null) return;
            var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == "System.Runtime" && instrument.Name == "dotnet.exceptions") l.EnableMeasurementEvents(instrument);
                },
            };
            listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref s_exceptions, value));
            listener.Start();
            Volatile.Write(ref s_listener, listener);
        }
    }

    /// <summary>The state at process start: the baseline of the first <see cref="Read"/>.</summary>
    private static RuntimeStats ProcessStartBaseline()
    {
        using var self = Process.GetCurrentProcess();
        return new RuntimeStats
        {
            Time = self.StartTime.ToUniversalTime(),
            ProcessId = Environment.ProcessId,
            CpuTime = TimeSpan.Zero,
            TotalAllocatedBytes = 0,
            GcPauseTime = TimeSpan.Zero,
            ThreadPoolCompletedItems = 0,
            LockContentions = 0,
        };
    }

    /// <summary>The cumulative values of another process from its meter's latest round and /proc (no rates).</summary>
    internal static RuntimeStats FromMetrics(int pid, DateTime time, Dictionary<string, double> v)
    {
        long? L(double? d) => d is double x ? (long)Math.Round(x) : null;
        long? Sum(string instrument) => L(MetricsSession.Sum(v, instrument));
        long? Gen(string instrument, string gen) => L(MetricsSession.Tagged(v, instrument, "gc.heap.generation=" + gen));
        var (rss, threads, limit) = ProcMemory.ReadStatus(pid);
        double? cpuSeconds = MetricsSession.Sum(v, "dotnet.process.cpu.time") ?? ProcCpuSeconds(pid);
        long? g0 = Gen("dotnet.gc.collections", "gen0"), g1 = Gen("dotnet.gc.collections", "gen1"), g2 = Gen("dotnet.gc.collections", "gen2");
        long? s0 = Gen("dotnet.gc.last_collection.heap.size", "gen0"), s1 = Gen("dotnet.gc.last_collection.heap.size", "gen1"),
            s2 = Gen("dotnet.gc.last_collection.heap.size", "gen2"), loh = Gen("dotnet.gc.last_collection.heap.size", "loh"),
            poh = Gen("dotnet.gc.last_collection.heap.size", "poh");
        double? pause = MetricsSession.Sum(v, "dotnet.gc.pause.time");
        return new RuntimeStats
        {
            Time = time,
            ProcessId = pid,
            Source = "out-of-process",
            ProcessorCount = (int?)Sum("dotnet.process.cpu.count"),
            CpuTime = cpuSeconds is double c ? TimeSpan.FromSeconds(c) : null,
            RssBytes = rss ?? Sum("dotnet.process.memory.working_set"),
            MemoryLimitBytes = limit,
            GcHeapSizeBytes = Sum("dotnet.gc.last_collection.heap.size"),
            Gen0SizeBytes = s0,
            Gen1SizeBytes = s1,
            Gen2SizeBytes = s2,
            LohSizeBytes = loh,
            PohSizeBytes = poh,
            FragmentedBytes = Sum("dotnet.gc.last_collection.heap.fragmentation.size"),
            CommittedBytes = Sum("dotnet.gc.last_collection.memory.committed_size"),
            TotalAllocatedBytes = Sum("dotnet.gc.heap.total_allocated"),
            GcCount = g0 != null || g1 != null || g2 != null ? (g0 ?? 0) + (g1 ?? 0) + (g2 ?? 0) : null,
            Gen0Collections = g0,
            Gen1Collections = g1,
            Gen2Collections = g2,
            GcPauseTime = pause is double p ? TimeSpan.FromSeconds(p) : null,
            ThreadCount = threads,
            ThreadPoolThreads = Sum("dotnet.thread_pool.thread.count"),
            ThreadPoolQueueLength = Sum("dotnet.thread_pool.queue.length"),
            ThreadPoolCompletedItems = Sum("dotnet.thread_pool.work_item.count"),
            LockContentions = Sum("dotnet.monitor.lock_contentions"),
            // A counter the meter aggregates from the session's start: 0 until the first exception.
            Exceptions = Sum("dotnet.exceptions") ?? (v.Count > 0 ? 0 : null),
            Timers = Sum("dotnet.timer.count"),
            JitCompiledMethods = Sum("dotnet.jit.compiled_methods"),
        };
    }

    /// <summary>utime + stime of /proc/PID/stat in seconds (the kernel's USER_HZ is 100 on Linux).</summary>
    private static double? ProcCpuSeconds(int pid)
    {
        var f = ProcStat.Fields($"/proc/{pid}/stat");
        if (f == null || f.Length < 13) return null;
        return long.TryParse(f[11], out long u) && long.TryParse(f[12], out long s) ? (u + s) / 100.0 : null;
    }

    /// <summary><paramref name="current"/> with its rates over the time since <paramref name="previous"/>.</summary>
    internal static RuntimeStats Derive(RuntimeStats previous, RuntimeStats current)
    {
        var span = current.Time - previous.Time;
        double secs = span.TotalSeconds;
        if (secs <= 0) return current with { Interval = TimeSpan.Zero };
        double? Rate(long? a, long? b) => a is long x && b is long y ? Math.Max(0, y - x) / secs : null;
        double? cpu = previous.CpuTime is TimeSpan c0 && current.CpuTime is TimeSpan c1 ? Math.Max(0, (c1 - c0).TotalSeconds) / secs * 100 : null;
        double? gc = previous.GcPauseTime is TimeSpan p0 && current.GcPauseTime is TimeSpan p1 ? Math.Clamp((p1 - p0).TotalSeconds / secs * 100, 0, 100) : null;
        return current with
        {
            Interval = span,
            CpuPercent = cpu,
            CpuPercentOfMachine = cpu is double x && current.ProcessorCount is int n && n > 0 ? x / n : null,
            AllocationRateBytesPerSecond = Rate(previous.TotalAllocatedBytes, current.TotalAllocatedBytes),
            GcPausePercent = gc,
            ThreadPoolCompletedPerSecond = Rate(previous.ThreadPoolCompletedItems, current.ThreadPoolCompletedItems),
            LockContentionsPerSecond = Rate(previous.LockContentions, current.LockContentions),
            ExceptionsPerSecond = Rate(previous.Exceptions, current.Exceptions),
        };
    }
}
