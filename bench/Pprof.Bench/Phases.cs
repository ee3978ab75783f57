using System.Diagnostics;
using Pprof.Report;
using PprofProfile = Pprof.Profile.Profile;

namespace PprofBench;

/// <summary>Times each stage of <c>dotnet-pprof -top</c> separately, in the order the command line runs them: parse
/// (gunzip and decode), the merge of the fetched profile (reusing its samples), validation, aggregation to functions,
/// then the report, and apart from it the two graph builds the report makes (one with node values only, to choose the
/// nodes; one complete, of the chosen nodes).</summary>
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
        var p = PprofProfile.Parse(File.ReadAllBytes(path));
        Step("parse");
        p = PprofProfile.MergeConsuming(new[] { p });
        Step("merge");
        p.CheckValid();
        Step("check");
        p.Aggregate(true, true, false, false, false, false);
        Step("aggregate");
        int index = p.SampleTypes.Count - 1;
        var gopt = new GraphOptions { SampleValue = v => v[index], NodesOnly = true };
        var g = Graph.New(p, gopt);
        Step("nodes");
        long cutoff = (long)(g.Nodes.Sum().Flat * 0.005);
        gopt = new GraphOptions { SampleValue = v => v[index], NoTags = true, KeptNodes = g.DiscardLowFrequencyNodes(cutoff) };
        Graph.New(p, gopt);
        Step("graph");
        var o = new ReportOptions { OutputFormat = ReportFormat.Text, NodeFraction = 0.005, SampleType = "cpu", SampleUnit = "nanoseconds" };
        ReportGenerator.Generate(Stream.Null, p, o);
        Step("report");
        Console.WriteLine($"total      {total.Elapsed.TotalMilliseconds,8:F0} ms");
    }
}
