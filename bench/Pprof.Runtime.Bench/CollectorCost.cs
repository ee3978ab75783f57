using System.Globalization;

namespace Pprof.Runtime.Bench;

/// <summary>The collector's CPU time per event, measured from outside a worker: what our reader (TraceLog parsing,
/// stack resolution, aggregation) spends on each allocation sample or thread sample. Counts CPU time, not wall time,
/// so it holds on a loaded machine.</summary>
internal static class CollectorCost
{
    public static async Task Run(double seconds)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var (workload, kind) in new[] { ("alloc", "allocs"), ("cpu", "wall") })
        {
            using var worker = WorkerProcess.Start(workload);
            Thread.Sleep(1500);
            double before = Cpu.ProcessSeconds(Environment.ProcessId);
            var profile = await RuntimeProfiles.CollectAsync(worker.Pid, kind, TimeSpan.FromSeconds(seconds), null);
            double cpu = Cpu.ProcessSeconds(Environment.ProcessId) - before;
            double events = 0;
            foreach (var s in profile.Samples)
            {
                if (kind == "allocs")
                {
                    long size = s.NumLabels != null && s.NumLabels.TryGetValue("bytes", out var b) ? b[0] : 0;
                    events += s.Values[0] / RuntimeProfiles.AllocationSampleScale(size);
                }
                else
                {
                    events += s.Values[0];
                }
            }
            Console.WriteLine(string.Create(inv,
                $"collector cost, {kind} of the {workload} workload: {cpu:0.00} s CPU for {events:N0} events in {seconds:0} s = {cpu / Math.Max(1, events) * 1e6:0.0} µs per event (load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})"));
        }
    }
}
