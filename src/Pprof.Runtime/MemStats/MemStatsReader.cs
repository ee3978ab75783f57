using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.EventPipe;

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
            string key = generation == null ? instrument : instrument + "|" + generation;
            return values.TryGetValue(key, out double v) ? (long)Math.Round(v) : null;
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
        if (values.TryGetValue("dotnet.gc.pause.time", out double pauseSeconds)) m.PauseTotalNs = (long)Math.Round(pauseSeconds * 1e9);
        if (values.TryGetValue("gc-heap-size", out double heapMb)) m.Alloc = (long)Math.Round(heapMb * 1_000_000);
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

    /// <summary>Latest value of each System.Runtime instrument (key: name, or name|generation), plus the
    /// <c>gc-heap-size</c> event counter (MB).</summary>
    private static Dictionary<string, double> ReadMetrics(int pid, TimeSpan wait, CancellationToken cancellationToken)
    {
        string sessionId = Guid.NewGuid().ToString();
        var providers = new[]
        {
            new EventPipeProvider("System.Diagnostics.Metrics", EventLevel.Informational, 0x2, new Dictionary<string, string>
            {
                ["SessionId"] = sessionId, ["Metrics"] = "System.Runtime", ["RefreshInterval"] = "1",
                ["MaxTimeSeries"] = "1000", ["MaxHistograms"] = "10",
            }),
            new EventPipeProvider("System.Runtime", EventLevel.Informational, 0, new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" }),
        };
        EventPipeSession session;
        try
        {
            session = new DiagnosticsClient(pid).StartEventPipeSession(providers, requestRundown: false, circularBufferMB: 16);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or ServerErrorException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            throw new ProfilerException($"cannot read memory statistics of process {pid}: {e.Message} (is it a .NET process with DOTNET_EnableDiagnostics unset?)", e);
        }
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var source = new EventPipeEventSource(session.EventStream);
        source.Dynamic.All += e =>
        {
            if (e.ProviderName == "System.Diagnostics.Metrics")
            {
                if (e.EventName is not ("CounterRateValuePublished" or "UpDownCounterRateValuePublished" or "GaugeValuePublished")) return;
                if (e.PayloadByName("sessionId") as string != sessionId) return;
                string instrument = e.PayloadByName("instrumentName") as string ?? "";
                string tags = e.PayloadByName("tags") as string ?? "";
                string? valueText = (e.PayloadByName("value") ?? e.PayloadByName("lastValue")) as string;
                if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return;
                string key = instrument;
                foreach (string tag in tags.Split(','))
                {
                    if (tag.StartsWith("gc.heap.generation=", StringComparison.Ordinal)) key += "|" + tag["gc.heap.generation=".Length..];
                }
                lock (values) values[key] = v;
            }
            else if (e.ProviderName == "System.Runtime" && e.EventName == "EventCounters" && e.PayloadValue(0) is IDictionary<string, object> outer
                     && outer.TryGetValue("Payload", out object? inner) && inner is IDictionary<string, object> payload
                     && payload.TryGetValue("Name", out object? name) && name as string == "gc-heap-size"
                     && payload.TryGetValue("Mean", out object? mean))
            {
                lock (values) values["gc-heap-size"] = Convert.ToDouble(mean, CultureInfo.InvariantCulture);
            }
        };
        var reader = new Thread(() =>
        {
            try { source.Process(); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException or InvalidOperationException) { }
        }) { IsBackground = true, Name = "pprof memstats reader" };
        reader.Start();
        var sw = Stopwatch.StartNew();
        // Wait for the first full round of values (the meter publishes after one refresh interval), up to the limit.
        while (sw.Elapsed < wait + TimeSpan.FromSeconds(3) && !cancellationToken.IsCancellationRequested)
        {
            Thread.Sleep(100);
            lock (values)
            {
                if (sw.Elapsed >= wait && values.ContainsKey("dotnet.gc.heap.total_allocated") && values.ContainsKey("gc-heap-size")) break;
            }
        }
        var stop = new Thread(() =>
        {
            try { session.Stop(); }
            catch (Exception e) when (e is ServerNotAvailableException or IOException or ObjectDisposedException or TimeoutException or ServerErrorException) { }
        }) { IsBackground = true };
        stop.Start();
        stop.Join(TimeSpan.FromSeconds(5));
        if (!reader.Join(TimeSpan.FromSeconds(5))) source.StopProcessing();
        session.Dispose();
        source.Dispose();
        lock (values) return new Dictionary<string, double>(values, StringComparer.Ordinal);
    }
}
