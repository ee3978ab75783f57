using System.Diagnostics;
using System.Globalization;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.MemStats;

/// <summary>Takes <see cref="MemStats"/> snapshots: of this process from the GC's own APIs, or of another process
/// from the runtime's <c>System.Runtime</c> meter (.NET 9+), read over EventPipe, plus /proc and the memory cgroup.</summary>
public static class MemStatsReader
{
    private static readonly string[] s_generations = { "gen0", "gen1", "gen2", "loh", "poh" };

    /// <summary>A snapshot of this process.</summary>
    public static MemStats ReadCurrent()
    {
        int pid = Environment.ProcessId;
        var m = new MemStats { ProcessId = pid, Time = DateTime.UtcNow, Source = "in-process" };
        m.Alloc = GC.GetTotalMemory(false);
        m.TotalAlloc = GC.GetTotalAllocatedBytes(precise: true);
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        m.Committed = info.TotalCommittedBytes;
        m.HeapSize = info.HeapSizeBytes;
        m.Fragmented = info.FragmentedBytes;
        m.FinalizationPending = info.FinalizationPendingCount;
        m.PinnedObjects = info.PinnedObjectsCount;
        m.TotalAvailableMemory = info.TotalAvailableMemoryBytes;
        var gens = info.GenerationInfo;
        for (int g = 0; g < gens.Length && g < s_generations.Length; g++)
        {
            m.GenerationSizes[s_generations[g]] = gens[g].SizeAfterBytes;
            m.GenerationFragmentation[s_generations[g]] = gens[g].FragmentationAfterBytes;
        }
        for (int g = 0; g <= GC.MaxGeneration; g++) m.Collections["gen" + g] = GC.CollectionCount(g);
        m.NumGC = GC.CollectionCount(0);
        var pause = GC.GetTotalPauseDuration();
        m.PauseTotalNs = pause.Ticks * 100;
        // The most recent pauses of each kind of GC, newest first.
        var recent = new List<(long Index, long Ns)>();
        foreach (var kind in new[] { GCKind.Ephemeral, GCKind.FullBlocking, GCKind.Background })
        {
            var k = GC.GetGCMemoryInfo(kind);
            if (k.Index == 0) continue;
            long ns = 0;
            foreach (var d in k.PauseDurations) ns += d.Ticks * 100;
            recent.Add((k.Index, ns));
        }
        m.RecentPausesNs = recent.OrderByDescending(r => r.Index).Select(r => r.Ns).ToList();
        var uptime = DateTime.Now - Process.GetCurrentProcess().StartTime;
        if (uptime > TimeSpan.Zero) m.GCCPUFraction = pause.TotalSeconds / uptime.TotalSeconds;
        ProcMemory.Fill(m, pid);
        return m;
    }

    /// <summary>A snapshot of process <paramref name="processId"/>, read from its <c>System.Runtime</c> meter over
    /// EventPipe (takes about <paramref name="wait"/>, default 2 s). This process is read directly.</summary>
    public static MemStats Read(int processId, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        if (processId == Environment.ProcessId) return ReadCurrent();
        var m = new MemStats { ProcessId = processId, Time = DateTime.UtcNow, Source = "out-of-process (System.Runtime metrics)" };
        var values = ReadMetrics(processId, wait ?? TimeSpan.FromSeconds(2), cancellationToken);
        long? Get(string instrument, string? generation = null)
        {
            double? v = generation == null ? MetricsSession.Sum(values, instrument) : MetricsSession.Tagged(values, instrument, "gc.heap.generation=" + generation);
            return v is double d ? (long)Math.Round(d) : null;
        }
        m.TotalAlloc = Get("dotnet.gc.heap.total_allocated");
        m.Committed = Get("dotnet.gc.last_collection.memory.committed_size");
        long heap = 0, frag = 0;
        bool anySize = false, anyFrag = false;
        foreach (string g in s_generations)
        {
            if (Get("dotnet.gc.last_collection.heap.size", g) is long s) { m.GenerationSizes[g] = s; heap += s; anySize = true; }
            if (Get("dotnet.gc.last_collection.heap.fragmentation.size", g) is long f) { m.GenerationFragmentation[g] = f; frag += f; anyFrag = true; }
        }
        if (anySize) m.HeapSize = heap;
        if (anyFrag) m.Fragmented = frag;
        foreach (string g in new[] { "gen0", "gen1", "gen2" })
        {
            if (Get("dotnet.gc.collections", g) is long c) m.Collections[g] = c;
        }
        // dotnet.gc.collections counts each GC once, in its own generation; Go's NumGC is all of them.
        if (m.Collections.Count > 0)
        {
            long total = m.Collections.Values.Sum();
            long g2 = m.Collections.GetValueOrDefault("gen2"), g1 = m.Collections.GetValueOrDefault("gen1");
            m.NumGC = total;
            m.Collections["gen1"] = g1 + g2;
            m.Collections["gen0"] = total;
        }
        if (MetricsSession.Sum(values, "dotnet.gc.pause.time") is double pauseSeconds) m.PauseTotalNs = (long)Math.Round(pauseSeconds * 1e9);
        if (values.TryGetValue("counter:gc-heap-size", out double heapMb)) m.Alloc = (long)Math.Round(heapMb * 1_000_000);
        m.TotalAvailableMemory = null;
        try
        {
            var start = Process.GetProcessById(processId).StartTime;
            var uptime = DateTime.Now - start;
            if (m.PauseTotalNs != null && uptime > TimeSpan.Zero) m.GCCPUFraction = m.PauseTotalNs.Value / 1e9 / uptime.TotalSeconds;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
        ProcMemory.Fill(m, processId);
        return m;
    }

    /// <summary>Latest value of each System.Runtime instrument (see <see cref="MetricsSession"/>), plus the
    /// <c>gc-heap-size</c> event counter (MB, key <c>counter:gc-heap-size</c>).</summary>
    private static Dictionary<string, double> ReadMetrics(int pid, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var session = MetricsSession.Open(pid, TimeSpan.FromSeconds(1), eventCounters: true);
        session.Start();
        var sw = Stopwatch.StartNew();
        // Wait for the first full round of values (the meter publishes after one refresh interval), up to the limit.
        while (sw.Elapsed < wait + TimeSpan.FromSeconds(3) && !cancellationToken.IsCancellationRequested && !session.IsDone)
        {
            Thread.Sleep(100);
            var values = session.Snapshot();
            if (sw.Elapsed >= wait && values.ContainsKey("dotnet.gc.heap.total_allocated") && values.ContainsKey("counter:gc-heap-size")) break;
        }
        return session.Snapshot();
    }
}
