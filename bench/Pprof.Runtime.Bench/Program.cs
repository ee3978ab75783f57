using Pprof.Profiles;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Pprof.Runtime;
using Pprof.Runtime.Bench;
using Pprof.Runtime.TestTarget;

// Overhead benchmark (not a unit test). Usage:
//   Pprof.Runtime.Bench [--window SECONDS] [--rounds N] [--stop-seconds SECONDS] [--no-dotnet-trace] [--only REGEX]
//   --settle SECONDS: time between switching the in-process rows' profiles on and their window (default 4)
//   Pprof.Runtime.Bench --paired [--window SECONDS] [--rounds N] [--only REGEX]  (ours and dotnet-trace alternating in one worker)
//   Pprof.Runtime.Bench --always-on [--window SECONDS] [--rounds N] [--settle SECONDS]  (the recommended always-on set
//       in-process, from outside, and a placebo, interleaved in one worker per workload)
//   --always-on-set KIND,KIND: the set --always-on measures (default mutex,threadcreate,exceptions; heap: the heap
//       profile's allocation sampling plus survival tracking)
//   Pprof.Runtime.Bench --collector-cost SECONDS  (the collector's CPU time per event)
//   Pprof.Runtime.Bench --oncpu [--window SECONDS] [--rounds N] [--settle SECONDS] [--footprint SECONDS] [--stop-seconds SECONDS]
//       (the cpu profile on-CPU, estimated and dotnet-trace's default, interleaved with a placebo in one worker per
//       workload; then each collector's CPU seconds and peak RSS over --footprint seconds, and stop to bytes)
//   Pprof.Runtime.Bench --trace [--window SECONDS] [--rounds N] [--settle SECONDS] [--only REGEX]  (recording an
//       execution trace from outside and in-process, interleaved with a placebo, on a demo-like service workload
//       and the cpu and alloc workloads; plus the trace's file size per second)
//   Pprof.Runtime.Bench --oncpu-parts alloc,cpu [--window SECONDS] [--rounds N] [--settle SECONDS]
//       (the on-CPU cpu profile's cost in the target split into its parts: the EventPipe session alone, the kernel's
//       sampling alone, the whole; interleaved with a placebo)
//   Pprof.Runtime.Bench --agent [--agent-interval SECONDS] [--window SECONDS] [--rounds N] [--settle SECONDS] [--only REGEX]
//       (the continuous-profiling agent attached with its default profiles into a temporary store, interleaved with a
//       placebo, on the service, cpu and alloc workloads)
//   Pprof.Runtime.Bench worker cpu|alloc|service (internal: the measured process)
// Prints a Markdown table (paste it into docs/runtime.md) with the EventPipe settings of each row.
var inv = CultureInfo.InvariantCulture;
if (args.Length >= 2 && args[0] == "worker") return Worker.Run(args[1]);

double window = 2, stopSeconds = 30;
bool dotnetTrace = true, paired = false, alwaysOnOnly = false, onCpu = false, traceBench = false, agentBench = false;
double agentInterval = 5;
string[]? onCpuParts = null;
double footprint = 30;
double settle = 4; // seconds between switching the in-process set on and its window
Regex? only = null;
string[] alwaysOnSet = { "mutex", "threadcreate", "exceptions" };
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--window": window = double.Parse(args[++i], inv); break;
        case "--stop-seconds": stopSeconds = double.Parse(args[++i], inv); break;
        case "--no-dotnet-trace": dotnetTrace = false; break;
        case "--rounds": Bench.Rounds = int.Parse(args[++i], inv); break;
        case "--only": only = new Regex(args[++i]); break;
        case "--paired": paired = true; break;
        case "--always-on": alwaysOnOnly = true; break;
        case "--settle": settle = double.Parse(args[++i], inv); break;
        case "--oncpu": onCpu = true; break;
        case "--trace": traceBench = true; break;
        case "--agent": agentBench = true; break;
        case "--agent-interval": agentInterval = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--oncpu-parts": onCpuParts = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries); break;
        case "--footprint": footprint = double.Parse(args[++i], inv); break;
        case "--always-on-set": alwaysOnSet = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries); break;
        case "--collector-cost":
            await CollectorCost.Run(double.Parse(args[++i], inv));
            return 0;
    }
}

string load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
if (paired) return await PairedTable();
if (agentBench) return AgentBench.Run(window, settle, agentInterval, new[] { "service", "cpu", "alloc" }.Where(w => only == null || only.IsMatch(w)).ToArray());
if (traceBench) return TraceBench.Run(window, settle, new[] { "service", "cpu", "alloc" }.Where(w => only == null || only.IsMatch(w)).ToArray());
if (onCpu) return await OnCpuBench.Run(window, settle, footprint, stopSeconds);
if (onCpuParts != null) return OnCpuParts.Run(window, settle, onCpuParts);
if (alwaysOnOnly) return AlwaysOnTable();
Console.WriteLine($"{Bench.Rounds} rounds of {window:0.#} s off / {window:0.#} s on per row, one worker process per row, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {load} at the start");
Console.WriteLine("overhead: median over the rounds of 1 − (ops/s on ÷ ops/s off); worker CPU per op: median change of the worker's CPU time per operation (the profiler's cost inside the worker, whatever the machine's load); cores: CPU seconds per second (worker off and on; the collector's own process while on).");
Console.WriteLine();
string? trace = dotnetTrace ? DotnetTrace.Find() : null;
if (dotnetTrace && trace == null) Console.WriteLine("dotnet-trace not found (dotnet tool install -g dotnet-trace): its rows are skipped");
Console.WriteLine("| workload | profile | EventPipe settings (dotnet-trace syntax) | ops/s off | ops/s on | overhead | worker CPU per op | worker cores off → on | collector cores |");
Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
var allocRates = new Dictionary<string, List<double>>();
double inProcessSettle = settle;

void Row(string workload, string config, string settings, Func<WorkerProcess, Task> profile, bool inWorker = false)
{
    if (only != null && !only.IsMatch($"{workload} {config}")) return;
    var m = Bench.Measure(workload, window, profile, inWorker ? inProcessSettle : 1);
    if (!allocRates.TryGetValue(workload, out var rates)) allocRates[workload] = rates = new List<double>();
    rates.Add(m.AllocBytesPerSecondOff);
    Console.WriteLine(string.Create(inv,
        $"| {workload} | {config} | `{settings}` | {m.Baseline:N0} | {m.Profiled:N0} | {m.OverheadPercent,5:0.0} % | {m.CpuPerOpPercent,6:+0.0;-0.0} % | {m.WorkerCoresOff:0.00} → {m.WorkerCoresOn:0.00} | {(inWorker ? "in the worker" : m.CollectorCores.ToString("0.00", inv))} |"));
}

var profileTime = TimeSpan.FromSeconds(window + 1.5);

// --paired: ours and dotnet-trace at the same settings, alternating in one worker per row (see Bench.Paired).
async Task<int> PairedTable()
{
    string? tracePath = DotnetTrace.Find();
    if (tracePath == null)
    {
        Console.Error.WriteLine("dotnet-trace not found (dotnet tool install -g dotnet-trace)");
        return 1;
    }
    Console.WriteLine($"{Bench.Rounds} rounds per row, each: {window:0.#} s off, {window:0.#} s with ours, {window:0.#} s off, {window:0.#} s with dotnet-trace (alternating which goes first), one worker process per row, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {load} at the start");
    Console.WriteLine();
    Console.WriteLine("| workload | profile | EventPipe settings | ours: overhead | dotnet-trace: overhead | ours − dotnet-trace (median of rounds) | ours: worker CPU per op | dotnet-trace: worker CPU per op |");
    Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|");
    foreach (var workload in new[] { "cpu", "alloc" })
    {
        foreach (var kind in new[] { "cpu", "allocs" })
        {
            if (only != null && !only.IsMatch($"{workload} {kind}")) continue;
            string settings = Settings(kind);
            var m = Bench.Paired(workload, window,
                w => RuntimeProfiles.CollectAsync(w.Pid, kind, TimeSpan.FromSeconds(window + 1.5), null),
                w => DotnetTrace.Collect(tracePath, w.Pid, settings, window + 1.5));
            Console.WriteLine(string.Create(inv,
                $"| {workload} | {kind} | `{settings}` | {m.OverheadA,5:0.0} % | {m.OverheadB,5:0.0} % | {m.DifferencePoints,5:+0.0;-0.0} points | {m.CpuPerOpA,6:+0.0;-0.0} % | {m.CpuPerOpB,6:+0.0;-0.0} % |"));
        }
    }
    Console.WriteLine(string.Create(inv, $"Load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end."));
    await Task.CompletedTask;
    return 0;
}
// --always-on: the recommended always-on set switched on in the worker (Profiler.SetAlwaysOnProfiles, one session),
// the same set from outside (one session, our reader in this process), and a placebo that switches nothing, each
// against the window off just before it, the order rotating round to round. The placebo's spread is the noise floor.
int AlwaysOnTable()
{
    string[] set = alwaysOnSet;
    double hold = settle + window + 0.5;
    Console.WriteLine($"{Bench.Rounds} rounds per workload, each: for each row in turn (the order rotates), {window:0.#} s off, then the row's profiles on, {settle:0.#} s to settle, {window:0.#} s measured; one worker process per workload, {Environment.ProcessorCount} cores, .NET {Environment.Version}, load average {load} at the start");
    Console.WriteLine("overhead: 1 − (ops/s on ÷ ops/s in the window off just before), median and quartiles over the rounds; worker CPU per op: change of the worker's CPU time per operation, median.");
    Console.WriteLine();
    Console.WriteLine("| workload | profiles | where | EventPipe settings | overhead (median) | quartiles | worker CPU per op |");
    Console.WriteLine("|---|---|---|---|---:|---:|---:|");
    var rows = new (string Where, Func<WorkerProcess, Task> Run)[]
    {
        ("placebo (nothing switched)", _ => Task.Delay(TimeSpan.FromSeconds(hold))),
        ("in-process (Profiler.SetAlwaysOnProfiles)", w => InWorker(w, "on")),
        ("from outside (dotnet-pprof collect)", w => RuntimeProfiles.CollectAsync(w.Pid, set, TimeSpan.FromSeconds(hold), null)),
    };
    async Task InWorker(WorkerProcess w, string command)
    {
        var clock = Stopwatch.StartNew();
        await w.Send(command + " " + string.Join(' ', set));
        var rest = TimeSpan.FromSeconds(hold) - clock.Elapsed;
        if (rest > TimeSpan.Zero) await Task.Delay(rest);
        await w.Send("off");
    }
    foreach (var workload in new[] { "cpu", "alloc" })
    {
        if (only != null && !only.IsMatch(workload)) continue;
        var m = Bench.Interleaved(workload, window, settle, rows.Select(r => r.Run).ToArray());
        for (int i = 0; i < rows.Length; i++)
        {
            string settings = i == 0 ? "none" : $"`{Settings(set)}`";
            Console.WriteLine(string.Create(inv,
                $"| {workload} | {(i == 0 ? "none" : string.Join('+', set))} | {rows[i].Where} | {settings} | {Bench.Quantile(m[i].Overheads, 0.5),5:0.0} % | {Bench.Quantile(m[i].Overheads, 0.25):0.0} to {Bench.Quantile(m[i].Overheads, 0.75):0.0} % | {Bench.Quantile(m[i].CpuPerOp, 0.5),6:+0.0;-0.0} % |"));
        }
    }
    Console.WriteLine(string.Create(inv, $"Load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end."));
    return 0;
}

string[] alwaysOn = { "mutex", "threadcreate", "exceptions" };
string[] withAllocs = alwaysOn.Prepend("allocs").ToArray();
string Settings(params string[] kinds) => RuntimeProfiles.DescribeProviders(kinds);
foreach (var workload in new[] { "cpu", "alloc" })
{
    foreach (var kind in new[] { "cpu", "wall", "allocs", "mutex", "block", "threadcreate", "exceptions" })
    {
        Row(workload, kind, Settings(kind), w => RuntimeProfiles.CollectAsync(w.Pid, kind, profileTime, null));
    }
    foreach (var set in new[] { alwaysOn, withAllocs })
    {
        // A set of profiles from outside: one session, one collector each.
        Row(workload, string.Join('+', set), Settings(set), w => RuntimeProfiles.CollectAsync(w.Pid, set, profileTime, null));
        // The same set switched on inside the worker through Profiler.Set* (the background session a service runs):
        // the collector's CPU is then the worker's own.
        // Each Profiler.Set* call restarts the session (with a start rundown); the window starts once they settled.
        Row(workload, string.Join('+', set) + " in-process (Profiler.Set*)", Settings(set), async w =>
        {
            var clock = Stopwatch.StartNew();
            await w.Send("on " + string.Join(' ', set));
            var rest = TimeSpan.FromSeconds(inProcessSettle + window + 0.5) - clock.Elapsed;
            if (rest > TimeSpan.Zero) await Task.Delay(rest);
            await w.Send("off");
        }, inWorker: true);
        // The same providers in an in-process session whose stream is only drained (no TraceEvent, no collectors):
        // the runtime's share of the in-process cost.
        Row(workload, string.Join('+', set) + " in-process, stream drained only", Settings(set), async w =>
        {
            var clock = Stopwatch.StartNew();
            await w.Send("raw " + string.Join(' ', set));
            var rest = TimeSpan.FromSeconds(inProcessSettle + window + 0.5) - clock.Elapsed;
            if (rest > TimeSpan.Zero) await Task.Delay(rest);
            await w.Send("rawoff");
        }, inWorker: true);
    }
    if (trace != null)
    {
        foreach (var kind in new[] { "cpu", "allocs" })
        {
            string settings = Settings(kind);
            Row(workload, $"dotnet-trace, {kind} settings", settings, w => DotnetTrace.Collect(trace, w.Pid, settings, window + 1.5));
        }
    }
}

Console.WriteLine();
foreach (var (workload, rates) in allocRates)
{
    double rate = rates.Average();
    Console.WriteLine(string.Create(inv, $"The {workload} workload allocates {rate / 1e6:N0} MB/s without profiling: about {rate / RuntimeProfiles.AllocationSamplingMeanBytes:N0} allocation samples per second when allocs is on."));
}
if (only != null && !only.IsMatch("stop")) return 0;
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
var profile = Profile.Parse(ms.ToArray());
Console.WriteLine(string.Create(inv, $"Stop to bytes, {stopSeconds:0} s in-process CPU profile of a busy thread: {sw.Elapsed.TotalSeconds:0.000} s ({ms.Length:N0} bytes, {profile.Samples.Count} samples). Load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end."));
return 0;
