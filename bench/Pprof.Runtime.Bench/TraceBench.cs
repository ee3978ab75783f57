using System.Diagnostics;
using System.Globalization;

namespace Pprof.Runtime.Bench;

/// <summary><c>--trace</c>: the cost of recording an execution trace (the provider set of docs/trace.md) on a worker,
/// interleaved in one worker process per workload with a placebo: a trace from outside (<see cref="RuntimeTraces.RecordAsync(int, Stream, TimeSpan, CancellationToken)"/>,
/// what <c>dotnet-pprof collect trace</c> does) and one in-process (<see cref="Profiler.StartTrace"/>, what
/// <c>/debug/pprof/trace</c> does), each against the window off just before it; plus the trace's file size per second.</summary>
internal static class TraceBench
{
    public static int Run(double window, double settle, IReadOnlyList<string> workloads)
    {
        var inv = CultureInfo.InvariantCulture;
        string load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        double hold = settle + window + 0.5;
        Console.WriteLine($"{Bench.Rounds} rounds per workload, each: for each row in turn (the order rotates), {window:0.#} s off, then the trace started, {settle:0.#} s to settle, {window:0.#} s measured; one worker process per workload, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {load} at the start");
        Console.WriteLine($"providers: {RuntimeTraces.Providers}");
        Console.WriteLine("overhead: 1 − (ops/s while recording ÷ ops/s in the window off just before), median and quartiles over the rounds; worker CPU per op: change of the worker's CPU time per operation, median; file: the trace's size ÷ the seconds it recorded (median).");
        Console.WriteLine();
        Console.WriteLine("| workload | ops/s off | recording | overhead (median) | quartiles | worker CPU per op | file size per second |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|");
        string dir = Path.Combine(Path.GetTempPath(), "pprof-trace-bench-" + Environment.ProcessId.ToString(inv));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var workload in workloads)
            {
                var sizes = new[] { new List<double>(), new List<double>(), new List<double>() };
                int n = 0;
                var rows = new (string Name, Func<WorkerProcess, Task> Run)[]
                {
                    ("placebo (nothing recorded)", _ => Task.Delay(TimeSpan.FromSeconds(hold))),
                    ("from outside (collect trace)", async w =>
                    {
                        string file = Path.Combine(dir, $"out-{Interlocked.Increment(ref n)}.nettrace");
                        var clock = Stopwatch.StartNew();
                        await using (var f = File.Create(file)) await RuntimeTraces.RecordAsync(w.Pid, f, TimeSpan.FromSeconds(hold));
                        sizes[1].Add(new FileInfo(file).Length / clock.Elapsed.TotalSeconds);
                        File.Delete(file);
                    }),
                    ("in-process (Profiler.StartTrace)", async w =>
                    {
                        string file = Path.Combine(dir, $"in-{Interlocked.Increment(ref n)}.nettrace");
                        var clock = Stopwatch.StartNew();
                        await w.Send("trace " + file);
                        var rest = TimeSpan.FromSeconds(hold) - clock.Elapsed;
                        if (rest > TimeSpan.Zero) await Task.Delay(rest);
                        await w.Send("traceoff");
                        sizes[2].Add(new FileInfo(file).Length / clock.Elapsed.TotalSeconds);
                        File.Delete(file);
                    }),
                };
                double off = 0;
                using (var probe = WorkerProcess.Start(workload))
                {
                    Thread.Sleep(1500);
                    off = probe.Throughput(window, out _);
                }
                var m = Bench.Interleaved(workload, window, settle, rows.Select(r => r.Run).ToArray());
                for (int i = 0; i < rows.Length; i++)
                {
                    string size = i == 0 ? "" : Bench.Quantile(sizes[i], 0.5) / 1e6 >= 1
                        ? (Bench.Quantile(sizes[i], 0.5) / 1e6).ToString("0.0", inv) + " MB/s"
                        : (Bench.Quantile(sizes[i], 0.5) / 1e3).ToString("0", inv) + " kB/s";
                    Console.WriteLine(string.Create(inv,
                        $"| {workload} | {(i == 0 ? off.ToString("N0", inv) : "")} | {rows[i].Name} | {Bench.Quantile(m[i].Overheads, 0.5),5:0.0} % | {Bench.Quantile(m[i].Overheads, 0.25):0.0} to {Bench.Quantile(m[i].Overheads, 0.75):0.0} % | {Bench.Quantile(m[i].CpuPerOp, 0.5),6:+0.0;-0.0} % | {size} |"));
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
