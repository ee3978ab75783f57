using System.Diagnostics;

namespace Pprof.Runtime.Bench;

/// <summary>Throughput of a worker process with and without a profiler attached, and where the CPU went: the worker's
/// own CPU (the workload plus the runtime's event and stack-walk work) and the collector's CPU (our reader, or
/// dotnet-trace), both in cores (CPU seconds per second) during the windows with profiling.</summary>
/// <remarks><see cref="CpuPerOpPercent"/>, the change in the worker's CPU time per operation, is the profiler's cost inside
/// the worker regardless of how much CPU the machine had to give: the figure to trust on a shared machine.</remarks>
internal readonly record struct Measurement(double Baseline, double Profiled, double OverheadPercent, double WorkerCoresOff, double WorkerCoresOn, double CollectorCores, double AllocBytesPerSecondOff, double CpuPerOpPercent);

/// <summary>Runs one measurement: in one worker process, alternate a window without profiling and a window with,
/// <c>rounds</c> times; the overhead is the median of the paired ratios, which keeps slow drifts of a shared machine's
/// load out of the result.</summary>
internal static class Bench
{
    public static int Rounds { get; set; } = 3;

    /// <summary>The process whose CPU counts as the collector's while a profile runs: this one for our collectors
    /// (the default), the dotnet-trace child for its rows.</summary>
    public static volatile int CollectorPid;

    /// <summary>Compares two profilers at equal settings in one worker: each round measures a window off, one
    /// profiler, a window off and the other (which one goes first alternates), so both see the same process, the same
    /// machine load and the same drift; each overhead is against the window off just before it.</summary>
    /// <param name="settleSeconds">Time between starting the profile and the window with it (session start, start
    /// rundown).</param>
    public static PairedMeasurement Paired(string workload, double window, Func<WorkerProcess, Task> a, Func<WorkerProcess, Task> b, double settleSeconds = 1)
    {
        var m = Interleaved(workload, window, settleSeconds, new[] { a, b });
        var differences = m[0].Overheads.Zip(m[1].Overheads, (x, y) => x - y).ToList();
        return new PairedMeasurement(Median(m[0].Overheads), Median(m[1].Overheads), Median(differences), Median(m[0].CpuPerOp), Median(m[1].CpuPerOp));
    }

    /// <summary>Several profilers (or none: a placebo) on one worker: each round measures, for each profiler in turn
    /// (the order rotates from round to round), a window off and a window with it; the overhead of each is against
    /// the window off just before it. Returns, per profiler, the per-round overheads and CPU-per-op changes in %.</summary>
    public static IReadOnlyList<(List<double> Overheads, List<double> CpuPerOp)> Interleaved(string workload, double window, double settleSeconds, IReadOnlyList<Func<WorkerProcess, Task>> profilers)
    {
        using var worker = WorkerProcess.Start(workload);
        Thread.Sleep(1500);
        var result = profilers.Select(_ => (Overheads: new List<double>(), CpuPerOp: new List<double>())).ToArray();
        for (int r = 0; r < Rounds; r++)
        {
            for (int k = 0; k < profilers.Count; k++)
            {
                int i = (r + k) % profilers.Count;
                // A pause before the window off: the previous row's session stop (its rundown, the reader's garbage)
                // must not fall into it, or every row after a profiler would look cheaper than it is.
                Thread.Sleep(TimeSpan.FromSeconds(settleSeconds));
                var (ratio, perOp) = OffThenOn(worker, window, profilers[i], settleSeconds);
                result[i].Overheads.Add(100 * (1 - ratio));
                result[i].CpuPerOp.Add(100 * (perOp - 1));
            }
        }
        return result;
    }

    /// <summary>The value at quantile <paramref name="q"/> (0.5: the median) of <paramref name="values"/>.</summary>
    public static double Quantile(IEnumerable<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0) return 0;
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = (int)Math.Ceiling(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    private static double Median(List<double> values) => Quantile(values, 0.5);

    /// <summary>One window without profiling, then one with: the throughput ratio (on ÷ off) and the ratio of the
    /// worker's CPU time per operation.</summary>
    private static (double Ratio, double CpuPerOp) OffThenOn(WorkerProcess worker, double window, Func<WorkerProcess, Task> profile, double settleSeconds)
    {
        double w0 = Cpu.ProcessSeconds(worker.Pid);
        double baseline = worker.Throughput(window, out double offSeconds);
        double cpuOff = Cpu.ProcessSeconds(worker.Pid) - w0;
        CollectorPid = Environment.ProcessId;
        var run = Task.Run(() => profile(worker));
        Thread.Sleep(TimeSpan.FromSeconds(settleSeconds));
        w0 = Cpu.ProcessSeconds(worker.Pid);
        double profiled = worker.Throughput(window, out double onSeconds);
        double cpuOn = Cpu.ProcessSeconds(worker.Pid) - w0;
        try
        {
            run.Wait(TimeSpan.FromSeconds(window + 30));
        }
        catch (AggregateException e)
        {
            Console.WriteLine("# profile failed: " + e.InnerException?.Message);
        }
        double ratio = baseline > 0 ? profiled / baseline : 1;
        double perOp = baseline > 0 && profiled > 0 && cpuOff > 0 ? cpuOn / (profiled * onSeconds) / (cpuOff / (baseline * offSeconds)) : 1;
        return (ratio, perOp);
    }

    public static Measurement Measure(string workload, double window, Func<WorkerProcess, Task> profile, double settleSeconds = 1)
    {
        using var worker = WorkerProcess.Start(workload);
        Thread.Sleep(1500); // warm up: tiering, caches
        var offs = new List<double>();
        var ons = new List<double>();
        var ratios = new List<double>();
        var cpuPerOp = new List<double>();
        double workerOff = 0, workerOn = 0, collector = 0, allocated = 0;
        for (int r = 0; r < Rounds; r++)
        {
            double w0 = Cpu.ProcessSeconds(worker.Pid);
            long a0 = worker.AllocatedBytes;
            double baseline = worker.Throughput(window, out double offSeconds);
            allocated += (worker.AllocatedBytes - a0) / offSeconds;
            double cpuOff = Cpu.ProcessSeconds(worker.Pid) - w0;
            workerOff += cpuOff / offSeconds;
            CollectorPid = Environment.ProcessId;
            var run = Task.Run(() => profile(worker));
            Thread.Sleep(TimeSpan.FromSeconds(settleSeconds)); // session start and start rundown
            int collectorPid = CollectorPid;
            double c0 = Cpu.ProcessSeconds(collectorPid);
            w0 = Cpu.ProcessSeconds(worker.Pid);
            double profiled = worker.Throughput(window, out double onSeconds);
            double cpuOn = Cpu.ProcessSeconds(worker.Pid) - w0;
            workerOn += cpuOn / onSeconds;
            if (baseline > 0 && profiled > 0 && cpuOff > 0) cpuPerOp.Add(cpuOn / (profiled * onSeconds) / (cpuOff / (baseline * offSeconds)));
            collector += Math.Max(0, Cpu.ProcessSeconds(collectorPid) - c0) / onSeconds;
            try
            {
                run.Wait(TimeSpan.FromSeconds(window + 30));
            }
            catch (AggregateException e)
            {
                Console.WriteLine("# profile failed: " + e.InnerException?.Message);
            }
            offs.Add(baseline);
            ons.Add(profiled);
            if (baseline > 0) ratios.Add(profiled / baseline);
        }
        ratios.Sort();
        double median = ratios.Count == 0 ? 1 : ratios[ratios.Count / 2];
        cpuPerOp.Sort();
        double perOp = cpuPerOp.Count == 0 ? 1 : cpuPerOp[cpuPerOp.Count / 2];
        return new Measurement(offs.Average(), ons.Average(), 100 * (1 - median), workerOff / Rounds, workerOn / Rounds, collector / Rounds, allocated / Rounds, 100 * (perOp - 1));
    }
}

/// <summary>Two profilers on one worker: the overhead of each (median over the rounds) and the median of the
/// per-round differences (A minus B, in points).</summary>
internal readonly record struct PairedMeasurement(double OverheadA, double OverheadB, double DifferencePoints, double CpuPerOpA, double CpuPerOpB);

/// <summary>CPU time of a process, from /proc/PID/stat (every thread, also those that exited).</summary>
internal static class Cpu
{
    public static double ProcessSeconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
            return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}

/// <summary>A child process running a workload and printing its operation count every 100 ms.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly object _gate = new();
    private long _ops;
    private long _allocated;
    private long _timestamp;
    private int _switched;

    private WorkerProcess(Process p)
    {
        _process = p;
        var reader = new Thread(() =>
        {
            string? line;
            while ((line = p.StandardOutput.ReadLine()) != null)
            {
                if (line.StartsWith("switched", StringComparison.Ordinal)) Interlocked.Increment(ref _switched);
                if (!line.StartsWith("ops ", StringComparison.Ordinal)) continue;
                var words = line.Split(' ');
                lock (_gate)
                {
                    _allocated = long.Parse(words[2], System.Globalization.CultureInfo.InvariantCulture);
                    _ops = long.Parse(words[1], System.Globalization.CultureInfo.InvariantCulture);
                    _timestamp = long.Parse(words[3], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }) { IsBackground = true };
        reader.Start();
    }

    public int Pid => _process.Id;

    /// <summary>Bytes the worker has allocated so far (as of its last report).</summary>
    public long AllocatedBytes
    {
        get
        {
            lock (_gate) return _allocated;
        }
    }

    /// <summary>Sends a command line to the worker (switching in-process profiles) and waits until the worker has
    /// carried it out (sessions restarted or stopped).</summary>
    public async Task Send(string line)
    {
        int before = Volatile.Read(ref _switched);
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
        var sw = Stopwatch.StartNew();
        while (Volatile.Read(ref _switched) == before && sw.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
    }

    public static WorkerProcess Start(string workload)
    {
        string self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        if (self.EndsWith("dotnet", StringComparison.Ordinal)) psi.ArgumentList.Add(typeof(Bench).Assembly.Location);
        psi.ArgumentList.Add("worker");
        psi.ArgumentList.Add(workload);
        return new WorkerProcess(Process.Start(psi)!);
    }

    /// <summary>Operations per second over about the next <paramref name="seconds"/>: the operations between the
    /// worker's last report before and its last report after, divided by the time between the two reports on the
    /// worker's clock (<paramref name="elapsed"/>).</summary>
    public double Throughput(double seconds, out double elapsed)
    {
        var (a, ta) = Report();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        var (b, tb) = Report();
        elapsed = (tb - ta) / (double)Stopwatch.Frequency;
        return elapsed > 0 ? (b - a) / elapsed : 0;
    }

    private (long Ops, long Timestamp) Report()
    {
        lock (_gate) return (_ops, _timestamp);
    }

    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
