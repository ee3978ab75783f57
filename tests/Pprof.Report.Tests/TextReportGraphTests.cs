using Pprof.Profiles;
using Pprof.Report;

namespace Pprof.Report.Tests;

/// <summary>The text report takes its nodes from the graph of node values and adds only the incoming edges of inlined
/// nodes (for the "(inline)" marks); its output must be the one the complete graphs give, whatever is trimmed.</summary>
public class TextReportGraphTests
{
    /// <summary>Locations with one to three lines (a function inlined into itself among them), recursion, negative,
    /// zero and mean-divisor values.</summary>
    private static Profile Synthetic(int seed, int samples)
    {
        var rng = new Random(seed);
        var p = new Profile
        {
            SampleTypes = { new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds") },
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = 1,
        };
        var m = new Mapping { Id = 1, Start = 0x1000, Limit = 0x10000, File = "/bin/app", HasFunctions = true, HasInlineFrames = true };
        p.Mappings.Add(m);
        for (int i = 0; i < 30; i++) p.Functions.Add(new Function { Id = (ulong)i + 1, Name = "pkg.f" + i, SystemName = "pkg.f" + i, Filename = "f.go" });
        for (int i = 0; i < 50; i++)
        {
            int lines = rng.Next(10) switch { < 6 => 1, < 9 => 2, _ => 3 };
            var ls = new Line[lines];
            for (int k = 0; k < lines; k++)
            {
                // One line per function, so that nodes are functions (as after the command line's aggregation) and
                // one call appears both inlined and not.
                int f = rng.Next(i % 7 == 0 ? 3 : 30);
                ls[k] = new Line(p.Functions[f], f + 1);
            }
            p.Locations.Add(new Location { Id = (ulong)i + 1, Mapping = m, Address = 0x1000 + (ulong)i * 4, Lines = ls });
        }
        for (int s = 0; s < samples; s++)
        {
            var stack = new Location[1 + rng.Next(10)];
            for (int d = 0; d < stack.Length; d++) stack[d] = p.Locations[(int)(Math.Pow(rng.NextDouble(), 2) * 50)];
            long count = rng.Next(5) == 0 ? 0 : 1 + rng.Next(3);
            p.Samples.Add(new Sample(stack, new[] { count, (rng.Next(8) == 0 ? -1 : 1) * count * rng.Next(1, 1000) }));
        }
        return p;
    }

    public static TheoryData<int, double, double, int, bool, bool> Cases()
    {
        var data = new TheoryData<int, double, double, int, bool, bool>();
        int seed = 1;
        foreach (double nodeFraction in new[] { 0, 0.005, 0.05 })
        foreach (double edgeFraction in new[] { 0, 0.001, 0.03 })
        foreach (int nodeCount in new[] { 0, 6 })
        {
            data.Add(seed++, nodeFraction, edgeFraction, nodeCount, seed % 2 == 0, seed % 3 == 0);
        }
        return data;
    }

    private static string Text(Profile p, double nodeFraction, double edgeFraction, int nodeCount, bool cum, bool mean, bool complete)
    {
        var o = new ReportOptions
        {
            OutputFormat = ReportFormat.Text,
            NodeFraction = nodeFraction,
            EdgeFraction = edgeFraction,
            NodeCount = nodeCount,
            CumSort = cum,
            SampleValue = v => v[1],
            SampleMeanDivisor = mean ? v => v[0] : null,
            SampleType = "cpu",
            SampleUnit = "nanoseconds",
            CompleteGraphs = complete,
        };
        var w = new MemoryStream();
        ReportGenerator.Generate(w, p, o);
        return System.Text.Encoding.UTF8.GetString(w.ToArray());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TextReportMatchesTheCompleteGraph(int seed, double nodeFraction, double edgeFraction, int nodeCount, bool cum, bool mean)
    {
        string expected = Text(Synthetic(seed, 3000), nodeFraction, edgeFraction, nodeCount, cum, mean, complete: true);
        string actual = Text(Synthetic(seed, 3000), nodeFraction, edgeFraction, nodeCount, cum, mean, complete: false);
        Assert.Equal(expected, actual);
        Assert.Contains("inline)", expected, StringComparison.Ordinal);
    }

    [Fact]
    public void SyntheticProfilesHaveEveryKindOfMark()
    {
        string text = Text(Synthetic(5, 3000), 0, 0, 0, false, false, complete: true);
        Assert.Contains("(inline)", text, StringComparison.Ordinal);
        Assert.Contains("(partial-inline)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LargeProfileMatchesTheCompleteGraph()
    {
        // 100,000 samples or more: the inline edges are gathered on several threads.
        string expected = Text(Synthetic(99, 150_000), 0.005, 0.001, 0, false, false, complete: true);
        string actual = Text(Synthetic(99, 150_000), 0.005, 0.001, 0, false, false, complete: false);
        Assert.Equal(expected, actual);
        Assert.Contains("inline)", expected, StringComparison.Ordinal);
    }
}
