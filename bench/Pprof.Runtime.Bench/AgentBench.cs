using System.Globalization;
using Pprof.Agent;

namespace Pprof.Runtime.Bench;

/// <summary><c>--agent</c>: the cost of the continuous-profiling agent (<see cref="ContinuousProfiler.Attach"/>, what
/// <c>dotnet-pprof agent -p PID</c> runs) with its default profile set writing into a temporary history store,
/// interleaved in one worker process per workload with a placebo. The agent's interval is shorter than its 15 s default
/// (<c>--agent-interval</c>, default 5 s) so every measured window holds interval boundaries, where the agent stops one
/// session and starts the next: the figure is an upper bound for the default interval.</summary>
internal static class AgentBench
{
    public static int Run(double window, double settle, double interval, IReadOnlyList<string> workloads)
    {
        var inv = CultureInfo.InvariantCulture;
        string load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        double hold = settle + window + 0.5;
        Console.WriteLine($"{Bench.Rounds} rounds per workload, each: for each row in turn (the order rotates), {window:0.#} s off, then the agent attached, {settle:0.#} s to settle, {window:0.#} s measured; agent interval {interval:0.#} s, profiles {string.Join(",", new ContinuousProfilerOptions().ProfileTypes)} + runtime stats into a temporary store; one worker process per workload, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {load} at the start");
        Console.WriteLine("overhead: 1 − (ops/s with the agent ÷ ops/s in the window off just before), median and quartiles over the rounds; worker CPU per op: change of the worker's CPU time per operation, median.");
        Console.WriteLine();
        Console.WriteLine("| workload | ops/s off | row | overhead (median) | quartiles | worker CPU per op | batches written |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|");
        string dir = Path.Combine(Path.GetTempPath(), "pprof-agent-bench-" + Environment.ProcessId.ToString(inv));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var workload in workloads)
            {
                long written = 0;
                var rows = new (string Name, Func<WorkerProcess, Task> Run)[]
                {
                    ("placebo (no agent)", _ => Task.Delay(TimeSpan.FromSeconds(hold))),
                    ("agent (store)", async w =>
                    {
                        var options = new ContinuousProfilerOptions
                        {
                            Interval = TimeSpan.FromSeconds(interval),
                            Service = "bench-" + workload,
                            StoreDirectory = dir,
                        };
                        var agent = ContinuousProfiler.Attach(w.Pid, options);
                        await Task.Delay(TimeSpan.FromSeconds(hold));
                        await agent.DisposeAsync();
                        Interlocked.Add(ref written, agent.WrittenBatches);
                    }),
                };
                double off;
                using (var probe = WorkerProcess.Start(workload))
                {
                    Thread.Sleep(1500);
                    off = probe.Throughput(window, out _);
                }
                var m = Bench.Interleaved(workload, window, settle, rows.Select(r => r.Run).ToArray());
                for (int i = 0; i < rows.Length; i++)
                {
                    Console.WriteLine(string.Create(inv,
                        $"| {workload} | {(i == 0 ? off.ToString("N0", inv) : "")} | {rows[i].Name} | {Bench.Quantile(m[i].Overheads, 0.5),5:0.0} % | {Bench.Quantile(m[i].Overheads, 0.25):0.0} to {Bench.Quantile(m[i].Overheads, 0.75):0.0} % | {Bench.Quantile(m[i].CpuPerOp, 0.5),6:+0.0;-0.0} % | {(i == 0 ? "" : written.ToString(inv))} |"));
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Console.WriteLine(string.Create(inv, $"Load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end."));
        return 0;
    }
}
