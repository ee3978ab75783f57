using System.Diagnostics;
using System.Globalization;
using Pprof.History;
using Pprof.Profiles;
using Pprof.Runtime;

// The history store's bench (README "History store"): store size per hour of cpu+allocs at 15 s intervals, ingest
// rate, and the query time of 24 h of one service. Usage: Pprof.History.Bench [CPU.pb.gz ALLOCS.pb.gz]
// Without files it collects a cpu and an allocs profile of a mixed workload in this process (3 s each). Each stored
// interval is a variation of those: a random 70 % of the samples with values scaled by 0.5-1.5, as successive delta
// profiles of a steady service differ.
var inv = CultureInfo.InvariantCulture;
Profile cpu, allocs;
if (args.Length == 2)
{
    using (var f = File.OpenRead(args[0])) cpu = Profile.Parse(f);
    using (var f = File.OpenRead(args[1])) allocs = Profile.Parse(f);
}
else
{
    cpu = Collect(ProfileKind.Cpu);
    allocs = Collect(ProfileKind.Allocs);
}
Console.WriteLine($"cpu profile: {cpu.Samples.Count} samples, {cpu.Locations.Count} locations, {cpu.Functions.Count} functions; allocs: {allocs.Samples.Count} samples, {allocs.Locations.Count} locations");
var rng = new Random(42);
var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
var labels = new Dictionary<string, string> { ["host"] = "bench", ["pid"] = "4242", ["version"] = "1.0.0" };
var noStats = Array.Empty<StatsPoint>();
const int perDay = 5760;

// Precompute variations so that only the store is timed.
var cpuVariants = Enumerable.Range(0, 256).Select(_ => Vary(cpu)).ToArray();
var allocVariants = Enumerable.Range(0, 256).Select(_ => Vary(allocs)).ToArray();

string dir = Path.Combine(Path.GetTempPath(), "pprof-history-bench-" + Guid.NewGuid().ToString("N"));
var options = new ProfileStoreOptions { MaintenanceInterval = TimeSpan.Zero };
try
{
    // 1. One hour (240 intervals), one batch of cpu+allocs per interval as the agent writes.
    using (var store = ProfileStore.Open(dir, options))
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 240; i++) store.Write(Batch(i), noStats);
        sw.Stop();
        Console.WriteLine(string.Create(inv, $"1 hour: 480 profiles in {sw.Elapsed.TotalSeconds:0.00} s = {480 / sw.Elapsed.TotalSeconds:0} profiles/s (batches of 2)"));
    }
    Console.WriteLine(string.Create(inv, $"store size after 1 hour (cpu+allocs, 15 s): {Size(dir) / 1048576.0:0.000} MiB"));

    // 2. The rest of the day, in batches of 2 and timed; then 24 h of cpu merged.
    using (var store = ProfileStore.Open(dir, options))
    {
        var sw = Stopwatch.StartNew();
        for (int i = 240; i < perDay; i++) store.Write(Batch(i), noStats);
        sw.Stop();
        Console.WriteLine(string.Create(inv, $"ingest: {2 * (perDay - 240)} profiles in {sw.Elapsed.TotalSeconds:0.0} s = {2 * (perDay - 240) / sw.Elapsed.TotalSeconds:0} profiles/s"));
    }
    Console.WriteLine(string.Create(inv, $"store size after 24 hours: {Size(dir) / 1048576.0:0.00} MiB ({Size(dir) / 1048576.0 / 24:0.000} MiB/hour)"));
    for (int run = 0; run < 3; run++)
    {
        using var store = ProfileStore.Open(dir, options);
        var sw = Stopwatch.StartNew();
        var p = store.Query(new HistoryQuery { Service = "demo", Type = "cpu", From = t0, To = t0.AddDays(1) })!;
        sw.Stop();
        Console.WriteLine(string.Create(inv, $"query 24 h of cpu ({perDay} profiles, fresh process-like open): {sw.Elapsed.TotalMilliseconds:0} ms, {p.Samples.Count} samples"));
    }
    // 3. After downsampling (as if the day were two days old): minutes, then hours.
    using (var store = ProfileStore.Open(dir, new ProfileStoreOptions { MaintenanceInterval = TimeSpan.Zero, Retention = TimeSpan.FromDays(3650) }))
    {
        var sw = Stopwatch.StartNew();
        store.Maintain();
        sw.Stop();
        Console.WriteLine(string.Create(inv, $"maintenance (downsample a day to hours): {sw.Elapsed.TotalSeconds:0.0} s; size {Size(dir) / 1048576.0:0.00} MiB"));
        sw.Restart();
        var p = store.Query(new HistoryQuery { Service = "demo", Type = "cpu", From = t0, To = t0.AddDays(1) })!;
        Console.WriteLine(string.Create(inv, $"query 24 h of cpu after downsampling: {sw.Elapsed.TotalMilliseconds:0} ms, {p.Samples.Count} samples"));
    }
}
finally
{
    Directory.Delete(dir, recursive: true);
}
return 0;

StoredProfile[] Batch(int i)
{
    // Every interval's comments differ, as the collectors' do: no two headers are alike.
    foreach (var v in new[] { cpuVariants[i % 256], allocVariants[i % 256] })
        v.Comments[^1] = string.Create(CultureInfo.InvariantCulture, $"cpu time: [cpu time not sampled] holds {rng.NextDouble():0.000}s of the {rng.NextDouble() * 10:0.000}s the threads' task clocks counted");
    return BatchOf(i);
}

StoredProfile[] BatchOf(int i) => new[]
{
    new StoredProfile("demo", "cpu", labels, t0.AddSeconds(15 * i), TimeSpan.FromSeconds(15), cpuVariants[i % 256]),
    new StoredProfile("demo", "allocs", labels, t0.AddSeconds(15 * i), TimeSpan.FromSeconds(15), allocVariants[i % 256]),
};

Profile Vary(Profile p)
{
    var q = p.Compact();
    // The collectors' comments carry per-interval figures (e.g. the CPU time not sampled): headers differ too.
    q.Comments.Add(string.Create(CultureInfo.InvariantCulture, $"cpu time: [cpu time not sampled] holds {rng.NextDouble():0.000}s of the {rng.NextDouble() * 10:0.000}s the threads' task clocks counted"));
    q.Samples = q.Samples.Where(_ => rng.NextDouble() < 0.7).Select(s =>
    {
        var c = s.Clone();
        double f = 0.5 + rng.NextDouble();
        for (int v = 0; v < c.Values.Length; v++) c.Values[v] = (long)(c.Values[v] * f);
        return c;
    }).ToList();
    return q;
}

static long Size(string dir) => Directory.GetFiles(dir).Sum(f => new FileInfo(f).Length);

static Profile Collect(ProfileKind kind)
{
    using var cts = new CancellationTokenSource();
    var threads = Enumerable.Range(0, 2).Select(n => new Thread(() => Pprof.History.Bench.Workload.Run(n, cts.Token)) { IsBackground = true }).ToList();
    threads.ForEach(t => t.Start());
    var p = Profiler.CollectAsync(kind, TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
    cts.Cancel();
    threads.ForEach(t => t.Join());
    return p;
}
