using System.Diagnostics;
using PprofBench;
using Pprof.Profiles;

// Usage:
//   generate OUT [samples] [functions] [maxDepth] [--random]   writes a synthetic gzipped profile
//   parse FILE [iterations]                          times Profile.Parse and reports allocations
//   phases FILE                                      times each stage of `dotnet-pprof -top` (CPU, heap, GC counts)
if (args.Length >= 2 && args[0] == "generate")
{
    int samples = args.Length > 2 && !args[2].StartsWith('-') ? int.Parse(args[2]) : 1_000_000;
    int functions = args.Length > 3 && !args[3].StartsWith('-') ? int.Parse(args[3]) : 20_000;
    int depth = args.Length > 4 && !args[4].StartsWith('-') ? int.Parse(args[4]) : 40;
    var sw = Stopwatch.StartNew();
    var shape = args.Contains("--random") ? SyntheticProfile.Shape.Random : SyntheticProfile.Shape.CallTree;
    var p = SyntheticProfile.Create(samples, functions, depth, shape);
    p.CheckValid();
    using (var f = File.Create(args[1])) p.Write(f);
    Console.WriteLine($"wrote {args[1]}: {samples} samples, {functions} functions, stacks up to {depth} deep, {new FileInfo(args[1]).Length} bytes in {sw.Elapsed.TotalSeconds:F1}s");
    return 0;
}
if (args.Length >= 2 && args[0] == "phases")
{
    Phases.Run(args[1]);
    return 0;
}
if (args.Length >= 2 && args[0] == "parse")
{
    int iterations = args.Length > 2 ? int.Parse(args[2]) : 5;
    byte[] data = File.ReadAllBytes(args[1]);
    var times = new List<double>();
    long allocated = 0;
    int sampleCount = 0;
    for (int i = 0; i < iterations; i++)
    {
        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(true);
        var sw = Stopwatch.StartNew();
        var p = Profile.Parse(data);
        sw.Stop();
        allocated = GC.GetTotalAllocatedBytes(true) - before;
        sampleCount = p.Samples.Count;
        times.Add(sw.Elapsed.TotalMilliseconds);
    }
    times.Sort();
    Console.WriteLine($"parse {Path.GetFileName(args[1])}: {sampleCount} samples, median {times[times.Count / 2]:F0} ms (min {times[0]:F0} ms) over {iterations} runs, {allocated / (1024.0 * 1024):F0} MiB allocated per parse");
    return 0;
}
Console.Error.WriteLine("usage: Pprof.Bench generate OUT [samples] [functions] [maxDepth] [--random] | parse FILE [iterations] | phases FILE");
return 2;
