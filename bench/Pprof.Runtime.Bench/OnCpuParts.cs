using System.Diagnostics;
using System.Globalization;

namespace Pprof.Runtime.Bench;

/// <summary>Where the on-CPU cpu profile's cost in the target comes from, each part on its own, interleaved with a
/// placebo and the whole in one worker per workload: the EventPipe session the profile opens (its providers, drained by
/// dotnet-trace, which adds nothing in the target), the kernel's task-clock sampling with frame-pointer call chains
/// (<c>perf record</c> at the same period, per thread, inherited: the same kernel work our sampler asks for), and our
/// whole collection.</summary>
internal static class OnCpuParts
{
    public static int Run(double window, double settle, string[] workloads)
    {
        var inv = CultureInfo.InvariantCulture;
        string? trace = DotnetTrace.Find();
        string providers = RuntimeProfiles.DescribeProviders(new[] { "cpu" });
        double hold = settle + window + 0.5;
        Console.WriteLine($"{Bench.Rounds} rounds per workload; providers of the on-CPU session: {providers}; {Environment.ProcessorCount} cores, load average {Load()} at the start");
        Console.WriteLine();
        Console.WriteLine("| workload | part | overhead (median) | quartiles | worker CPU per op (median) |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        var rows = new List<(string Name, Func<WorkerProcess, Task> Run)>
        {
            ("placebo", _ => Task.Delay(TimeSpan.FromSeconds(hold))),
            ("ours, on-CPU (whole)", w => RuntimeProfiles.CollectAsync(w.Pid, ProfileKind.Cpu, TimeSpan.FromSeconds(hold))),
            ("kernel sampling only (perf record, task-clock:u, 10 ms, fp chains)", w => Perf(w.Pid, hold)),
        };
        if (trace != null) rows.Add(("EventPipe session only (our providers, dotnet-trace)", w => DotnetTrace.Collect(trace, w.Pid, providers, hold)));
        foreach (var workload in workloads)
        {
            var m = Bench.Interleaved(workload, window, settle, rows.Select(r => r.Run).ToArray());
            for (int i = 0; i < rows.Count; i++)
            {
                Console.WriteLine(string.Create(inv,
                    $"| {workload} | {rows[i].Name} | {Bench.Quantile(m[i].Overheads, 0.5),5:0.0} % | {Bench.Quantile(m[i].Overheads, 0.25):0.0} to {Bench.Quantile(m[i].Overheads, 0.75):0.0} % | {Bench.Quantile(m[i].CpuPerOp, 0.5),6:+0.0;-0.0} % |"));
            }
        }
        Console.WriteLine(string.Create(inv, $"Load average {Load()} at the end."));
        return 0;
    }

    private static async Task Perf(int pid, double seconds)
    {
        string output = Path.Combine(Path.GetTempPath(), $"bench-perf-{Guid.NewGuid():N}.data");
        var psi = new ProcessStartInfo("perf") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "record", "-q", "-e", "task-clock:u", "-c", "10000000", "--call-graph", "fp", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", output, "--", "sleep", seconds.ToString("0.###", CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        Bench.CollectorPid = p.Id;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        File.Delete(output);
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
