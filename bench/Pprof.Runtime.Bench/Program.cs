using System.Diagnostics;
using System.Globalization;
using Pprof.Runtime;
using Pprof.Runtime.Bench;
using Pprof.Runtime.Internal;
using Pprof.Runtime.TestTarget;

// Overhead benchmark (not a unit test). Usage:
//   Pprof.Runtime.Bench [--window SECONDS] [--stop-seconds SECONDS] [--no-dotnet-trace]
//   Pprof.Runtime.Bench worker cpu|alloc        (internal: the measured process)
var inv = CultureInfo.InvariantCulture;
if (args.Length >= 2 && args[0] == "worker") return Worker.Run(args[1]);

double window = 2, stopSeconds = 30;
bool dotnetTrace = true;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--window": window = double.Parse(args[++i], inv); break;
        case "--stop-seconds": stopSeconds = double.Parse(args[++i], inv); break;
        case "--no-dotnet-trace": dotnetTrace = false; break;
        case "--rounds": Bench.Rounds = int.Parse(args[++i], inv); break;
    }
}

var rows = new List<string>();
void Row(string workload, string config, Measurement m)
{
    string line = string.Create(inv, $"| {workload} | {config} | {m.Baseline:N0} | {m.Profiled:N0} | {m.OverheadPercent,5:0.0} % |");
    rows.Add(line);
    Console.WriteLine(line);
}

Console.WriteLine($"# {Bench.Rounds} rounds of {window}s off / {window}s on per row, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
string? trace = dotnetTrace ? DotnetTrace.Find() : null;
if (dotnetTrace && trace == null) Console.WriteLine("# dotnet-trace not found (dotnet tool install -g dotnet-trace): its rows are skipped");
Console.WriteLine("| workload | profile | ops/s off | ops/s on | overhead (median of paired ratios) |");
Console.WriteLine("|---|---|---:|---:|---:|");
foreach (var workload in new[] { "cpu", "alloc" })
{
    foreach (var kind in new[] { "cpu", "wall", "allocs", "mutex", "block", "threadcreate", "exceptions" })
    {
        Row(workload, kind, Bench.Measure(workload, window, pid => RuntimeProfiles.CollectAsync(pid, kind, TimeSpan.FromSeconds(window + 1.5), null)));
    }
    // The recommended always-on set, as the in-process background session runs it: one session, four collectors.
    Row(workload, "always-on: allocs+mutex+threadcreate+exceptions", Bench.Measure(workload, window, pid => SessionCollection.CollectAsync(pid,
        new[] { ProfileKind.Allocs, ProfileKind.Mutex, ProfileKind.ThreadCreate, ProfileKind.Exceptions }.Select(k => ProfileKinds.Get(k).CreateCollector!()).ToArray(),
        TimeSpan.FromSeconds(window + 1.5), null, CancellationToken.None)));
    if (trace != null)
    {
        Row(workload, "dotnet-trace, cpu settings", Bench.Measure(workload, window, pid => DotnetTrace.Collect(trace, pid, DotnetTrace.CpuProviders, window + 1.5)));
        Row(workload, "dotnet-trace, allocs settings", Bench.Measure(workload, window, pid => DotnetTrace.Collect(trace, pid, DotnetTrace.AllocProviders, window + 1.5)));
    }
}

// Stop to bytes: an in-process CPU profile of a busy thread, stopped after stopSeconds.
var ms = new MemoryStream();
var busy = new Thread(() => Workloads.SpinHot(TimeSpan.FromSeconds(stopSeconds + 1))) { IsBackground = true };
Profiler.StartCpuProfile(ms);
busy.Start();
Thread.Sleep(TimeSpan.FromSeconds(stopSeconds));
var sw = Stopwatch.StartNew();
Profiler.StopCpuProfile();
sw.Stop();
busy.Join();
var profile = Pprof.Profile.Profile.Parse(ms.ToArray());
Console.WriteLine(string.Create(inv, $"stop to bytes, {stopSeconds:0} s CPU profile: {sw.Elapsed.TotalSeconds:0.000} s ({ms.Length} bytes, {profile.Samples.Count} samples)"));
return 0;
