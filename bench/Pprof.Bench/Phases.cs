using Pprof.Profiles;
using System.Diagnostics;
using Pprof.Report;

namespace PprofBench;

/// <summary>Times each stage of <c>dotnet-pprof -top</c> separately, in the order the command line runs them: parse
/// (gunzip and decode, collections deferred), the merge of the fetched profile (reusing its samples), aggregation to
/// functions, then apart the graph of node values (which chooses the nodes), the inline edges of the kept nodes (what
/// the text report adds to it) and, for comparison, the complete graph of the kept nodes (what other reports build);
/// then the whole text report.</summary>
internal static class Phases
{
    public static void Run(string path)
    {
        var total = Stopwatch.StartNew();
        var sw = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess();
        TimeSpan cpuAt = cpu.TotalProcessorTime;
        void Step(string name)
        {
            cpu.Refresh();
            var used = cpu.TotalProcessorTime - cpuAt;
            cpuAt = cpu.TotalProcessorTime;
            Console.WriteLine($"{name,-10} {sw.Elapsed.TotalMilliseconds,8:F0} ms wall {used.TotalMilliseconds,8:F0} ms cpu  heap {GC.GetTotalMemory(false) / (1 << 20),6} MiB  allocated so far {GC.GetTotalAllocatedBytes() / (1 << 20),6} MiB  gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
            sw.Restart();
        }
        Profile p;
        // As the command line does for a one-shot report: collections held off from decoding to the end.
        GC.TryStartNoGCRegion(Math.Min(new FileInfo(path).Length * 40, 4L << 30));
        using (var f = File.OpenRead(path)) p = Profile.Parse(f);
        Step("parse");
        p = Profile.MergeConsuming(new[] { p });
        Step("merge");
        p.Aggregate(true, true, false, false, false, false, check: false);
        Step("aggregate");
        int index = p.SampleTypes.Count - 1;
        Graph.New(p, new GraphOptions { SampleValue = v => v[index] });
        Step("graph");
        var o = new ReportOptions { OutputFormat = ReportFormat.Text, NodeFraction = 0.005, SampleType = "cpu", SampleUnit = "nanoseconds" };
        ReportGenerator.Generate(Stream.Null, p, o);
        Step("report");
        Console.WriteLine($"total      {total.Elapsed.TotalMilliseconds,8:F0} ms");
    }
}
