using Pprof.Profiles;
using Pprof.Report;

namespace Pprof.Report.Tests;

/// <summary>The report's first graph is built with node values only; the nodes and values must be those of the
/// complete graph, whichever nodes are kept.</summary>
public class NodesOnlyGraphTests
{
    private static Profile Synthetic()
    {
        var rng = new Random(11);
        var p = new Profile
        {
            SampleTypes = { new ProfileValueType("samples", "count") },
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = 1,
        };
        var m = new Mapping { Id = 1, Start = 0x1000, Limit = 0x10000, File = "/bin/app", HasFunctions = true };
        p.Mappings.Add(m);
        for (int i = 0; i < 30; i++) p.Functions.Add(new Function { Id = (ulong)i + 1, Name = "f" + i, SystemName = "f" + i, Filename = "f.go" });
        for (int i = 0; i < 40; i++)
        {
            // Every fourth location has an inlined frame.
            var lines = i % 4 == 0
                ? new[] { new Line(p.Functions[(i + 7) % 30], 3), new Line(p.Functions[i % 30], 9) }
                : new[] { new Line(p.Functions[i % 30], 5) };
            p.Locations.Add(new Location { Id = (ulong)i + 1, Mapping = m, Address = 0x1000 + (ulong)i * 4, Lines = lines });
        }
        for (int s = 0; s < 2000; s++)
        {
            var stack = new Location[1 + rng.Next(12)];
            for (int d = 0; d < stack.Length; d++) stack[d] = p.Locations[(int)(Math.Pow(rng.NextDouble(), 2) * 40)];
            var sample = new Sample(stack, new long[] { rng.Next(-2, 6) });
            if (s % 3 == 0) sample.SetLabel("k", "v" + s % 4);
            p.Samples.Add(sample);
        }
        return p;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NodeValuesMatchTheCompleteGraph(bool keepSome)
    {
        var p = Synthetic();
        NodeSet? kept = null;
        if (keepSome)
        {
            var all = Graph.New(p, new GraphOptions());
            // Keep the upper half of the nodes by cumulative value.
            var cums = all.Nodes.Select(n => Math.Abs(n.Cum)).OrderBy(c => c).ToList();
            kept = all.DiscardLowFrequencyNodes(cums[cums.Count / 2] + 1);
            Assert.NotEqual(all.Nodes.Count, kept.Count);
        }
        var full = Graph.New(p, new GraphOptions { KeptNodes = kept });
        var values = Graph.New(p, new GraphOptions { KeptNodes = kept, NodesOnly = true });

        Assert.Equal(full.Nodes.Select(n => (n.Info.PrintableName(), n.Flat, n.Cum)), values.Nodes.Select(n => (n.Info.PrintableName(), n.Flat, n.Cum)));
        Assert.Contains(full.Nodes, n => n.Out.Count > 0 && n.LabelTags.Count > 0);
        Assert.All(values.Nodes, n => Assert.True(n.In.Count == 0 && n.Out.Count == 0 && n.LabelTags.Count == 0));
    }

    [Fact]
    public void NoTagsKeepsEdgesAndValues()
    {
        var p = Synthetic();
        var full = Graph.New(p, new GraphOptions());
        var noTags = Graph.New(p, new GraphOptions { NoTags = true });
        Assert.Equal(full.ToString(), noTags.ToString());
        Assert.All(noTags.Nodes, n => Assert.Empty(n.LabelTags));
    }
}
