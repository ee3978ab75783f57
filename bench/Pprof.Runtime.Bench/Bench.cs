using System.Diagnostics;

namespace Pprof.Runtime.Bench;

/// <summary>Throughput of a worker process with and without a profiler attached.</summary>
internal readonly record struct Measurement(double Baseline, double Profiled, double OverheadPercent);

/// <summary>Runs one measurement: in one worker process, alternate a window without profiling and a window with,
/// <c>rounds</c> times; the overhead is the median of the paired ratios, which keeps slow drifts of a shared machine's
/// load out of the result.</summary>
internal static class Bench
{
    public static int Rounds { get; set; } = 3;

    public static Measurement Measure(string workload, double window, Func<int, Task> profile)
    {
        using var worker = WorkerProcess.Start(workload);
        Thread.Sleep(1500); // warm up: tiering, caches
        var offs = new List<double>();
        var ons = new List<double>();
        var ratios = new List<double>();
        for (int r = 0; r < Rounds; r++)
        {
            double baseline = worker.Throughput(window);
            var run = Task.Run(() => profile(worker.Pid));
            Thread.Sleep(1000); // session start and start rundown
            double profiled = worker.Throughput(window);
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
        return new Measurement(offs.Average(), ons.Average(), 100 * (1 - median));
    }
}

/// <summary>A child process running a workload and printing its operation count every 100 ms.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private long _ops;

    private WorkerProcess(Process p)
    {
        _process = p;
        var reader = new Thread(() =>
        {
            string? line;
            while ((line = p.StandardOutput.ReadLine()) != null)
            {
                if (line.StartsWith("ops ", StringComparison.Ordinal)) Interlocked.Exchange(ref _ops, long.Parse(line.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture));
            }
        }) { IsBackground = true };
        reader.Start();
    }

    public int Pid => _process.Id;

    public static WorkerProcess Start(string workload)
    {
        string self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (self.EndsWith("dotnet", StringComparison.Ordinal)) psi.ArgumentList.Add(typeof(Bench).Assembly.Location);
        psi.ArgumentList.Add("worker");
        psi.ArgumentList.Add(workload);
        return new WorkerProcess(Process.Start(psi)!);
    }

    /// <summary>Operations per second over the next <paramref name="seconds"/>.</summary>
    public double Throughput(double seconds)
    {
        long a = Interlocked.Read(ref _ops);
        var sw = Stopwatch.StartNew();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        long b = Interlocked.Read(ref _ops);
        return (b - a) / sw.Elapsed.TotalSeconds;
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
