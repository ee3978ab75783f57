using System.Diagnostics;
using System.Globalization;
using Pprof.Profiles;

namespace Pprof.Runtime.Bench;

/// <summary>The cpu profile's cost, three ways in one worker per workload, interleaved round by round with a placebo:
/// our on-CPU sampling (perf_event task clock, 100 Hz), our estimator (the runtime's thread sampler, forced with
/// DOTNET_PPROF_CPU_MODE=estimated) and dotnet-trace's default CPU sampling; then the collector's own footprint (CPU
/// seconds and peak RSS of <c>dotnet-pprof collect cpu -d N</c> against <c>dotnet-trace collect --duration N</c>, under
/// /usr/bin/time) and the in-process stop-to-bytes time.</summary>
internal static class OnCpuBench
{
    private const string ModeVariable = "DOTNET_PPROF_CPU_MODE";

    public static async Task<int> Run(double window, double settle, double footprintSeconds, double stopSeconds)
    {
        var inv = CultureInfo.InvariantCulture;
        string? trace = DotnetTrace.Find();
        if (trace == null)
        {
            Console.Error.WriteLine("dotnet-trace not found (dotnet tool install -g dotnet-trace)");
            return 1;
        }
        double hold = settle + window + 0.5;
        Console.WriteLine($"{Bench.Rounds} rounds per workload, each: for each row in turn (the order rotates), {window:0.#} s off, then the row's profiler on, {settle:0.#} s to settle, {window:0.#} s measured; one worker process per workload, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {Load()} at the start");
        Console.WriteLine();
        Console.WriteLine("| workload | cpu profiler | overhead (median) | quartiles | worker CPU per op | profile |");
        Console.WriteLine("|---|---|---:|---:|---:|---|");
        var modes = new string[4];
        var rows = new (string Name, Func<WorkerProcess, Task> Run)[]
        {
            ("placebo (nothing)", _ => Task.Delay(TimeSpan.FromSeconds(hold))),
            ("ours, on-CPU (perf_event, 100 Hz)", async w => modes[1] = Mode(await RuntimeProfiles.CollectAsync(w.Pid, ProfileKind.Cpu, TimeSpan.FromSeconds(hold)))),
            ("ours, estimated (thread sampler)", async w =>
            {
                // The documented switch, read when the session starts.
                Environment.SetEnvironmentVariable(ModeVariable, "estimated");
                var collecting = RuntimeProfiles.CollectAsync(w.Pid, ProfileKind.Cpu, TimeSpan.FromSeconds(hold));
                await Task.Delay(2000);
                Environment.SetEnvironmentVariable(ModeVariable, null);
                modes[2] = Mode(await collecting);
            }),
            ("dotnet-trace, default (cpu-sampling)", w => DotnetTrace.CollectDefault(trace, w.Pid, hold)),
        };
        foreach (var workload in new[] { "cpu", "alloc" })
        {
            var m = Bench.Interleaved(workload, window, settle, rows.Select(r => r.Run).ToArray());
            for (int i = 0; i < rows.Length; i++)
            {
                Console.WriteLine(string.Create(inv,
                    $"| {workload} | {rows[i].Name} | {Bench.Quantile(m[i].Overheads, 0.5),5:0.0} % | {Bench.Quantile(m[i].Overheads, 0.25):0.0} to {Bench.Quantile(m[i].Overheads, 0.75):0.0} % | {Bench.Quantile(m[i].CpuPerOp, 0.5),6:+0.0;-0.0} % | {modes[i] ?? ""} |"));
            }
        }
        Console.WriteLine(string.Create(inv, $"Load average {Load()} at the end."));
        Console.WriteLine();
        if (footprintSeconds > 0) Footprint(trace, footprintSeconds);
        if (stopSeconds > 0) StopToBytes(stopSeconds);
        await Task.CompletedTask;
        return 0;
    }

    private static string Mode(Profile p) => p.Comments.FirstOrDefault(c => c.StartsWith("cpu mode:", StringComparison.Ordinal)) ?? "";

    /// <summary>CPU seconds and peak RSS of each collector over the same window of one worker (alloc workload, the
    /// busier for an event reader), alternating which goes first.</summary>
    private static void Footprint(string trace, double seconds)
    {
        var inv = CultureInfo.InvariantCulture;
        string? cli = FindCli();
        if (cli == null || !File.Exists("/usr/bin/time"))
        {
            Console.WriteLine("footprint skipped: needs src/dotnet-pprof built in Release and /usr/bin/time");
            return;
        }
        Console.WriteLine($"| collector, {seconds:0} s window | workload | CPU seconds | peak RSS |");
        Console.WriteLine("|---|---|---:|---:|");
        foreach (var workload in new[] { "cpu", "alloc" })
        {
            using var worker = WorkerProcess.Start(workload);
            Thread.Sleep(1500);
            string d = seconds.ToString("0", inv);
            string output = Path.Combine(Path.GetTempPath(), $"footprint-{Guid.NewGuid():N}");
            var runs = new (string Name, string Exe, string[] Args)[]
            {
                ("dotnet-pprof collect cpu", "dotnet", new[] { cli, "collect", "cpu", "-p", worker.Pid.ToString(inv), "-d", d + "s", "-o", output + ".pb.gz" }),
                ("dotnet-trace collect (default)", trace, new[] { "collect", "-p", worker.Pid.ToString(inv), "--duration", TimeSpan.FromSeconds(seconds).ToString(@"dd\:hh\:mm\:ss", inv), "-o", output + ".nettrace" }),
            };
            foreach (var (name, exe, args) in runs)
            {
                var (cpu, rssKb) = Timed(exe, args);
                Console.WriteLine(string.Create(inv, $"| {name} | {workload} | {cpu:0.00} | {rssKb / 1024.0:0} MB |"));
            }
            File.Delete(output + ".pb.gz");
            File.Delete(output + ".nettrace");
        }
        Console.WriteLine();
    }

    private static (double Cpu, long RssKb) Timed(string exe, string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/time") { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", "TIME %U %S %M", exe }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var line = err.Split('\n').LastOrDefault(l => l.StartsWith("TIME ", StringComparison.Ordinal));
        if (line == null) return (double.NaN, 0);
        var w = line.Split(' ');
        return (double.Parse(w[1], CultureInfo.InvariantCulture) + double.Parse(w[2], CultureInfo.InvariantCulture), long.Parse(w[3], CultureInfo.InvariantCulture));
    }

    private static string? FindCli()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "src", "dotnet-pprof", "bin", "Release", "net10.0", "dotnet-pprof.dll");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>An in-process on-CPU profile of a busy thread, stopped after <paramref name="seconds"/>: the time from
    /// StopCpuProfile to the bytes written.</summary>
    private static void StopToBytes(double seconds)
    {
        var ms = new MemoryStream();
        var busy = new Thread(() => TestTarget.Workloads.SpinHot(TimeSpan.FromSeconds(seconds + 1))) { IsBackground = true };
        Profiler.StartCpuProfile(ms);
        busy.Start();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        var sw = Stopwatch.StartNew();
        Profiler.StopCpuProfile();
        sw.Stop();
        busy.Join();
        var profile = Profile.Parse(ms.ToArray());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Stop to bytes, {seconds:0} s in-process CPU profile of a busy thread: {sw.Elapsed.TotalSeconds:0.000} s ({ms.Length:N0} bytes, {profile.Samples.Count} samples, {Mode(profile)})."));
    }

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
