using System.Diagnostics;
using Pprof.Report;
using PprofProfile = Pprof.Profile.Profile;

namespace PprofBench;

/// <summary>Times each stage of a <c>-top</c> report separately: parse, merge, copy, aggregate, report.</summary>
internal static class Phases
{
    public static void Run(string path)
    {
        var total = Stopwatch.StartNew();
        var sw = Stopwatch.StartNew();
        void Step(string name)
        {
            Console.WriteLine($"{name,-10} {sw.Elapsed.TotalMilliseconds,8:F0} ms  heap {GC.GetTotalMemory(false) / (1 << 20),6} MiB  allocated so far {GC.GetTotalAllocatedBytes() / (1 << 20),6} MiB");
            sw.Restart();
        }
        var p = PprofProfile.Parse(File.ReadAllBytes(path));
        Step("parse");
        p = PprofProfile.Merge(new[] { p });
        Step("merge");
        p = p.Copy();
        Step("copy");
        p.Aggregate(true, true, false, false, false, false);
        Step("aggregate");
        var o = new ReportOptions { OutputFormat = ReportFormat.Text, NodeFraction = 0.005, SampleType = "cpu", SampleUnit = "nanoseconds" };
        ReportGenerator.Generate(Stream.Null, p, o);
        Step("report");
        Console.WriteLine($"total      {total.Elapsed.TotalMilliseconds,8:F0} ms");
    }
}
