using Pprof.Report.Visual;

namespace Pprof.Report.Tests;

/// <summary>The flame graph of random profiles (deep stacks, inlined frames, recursion, zero-valued samples, base
/// samples) against a plain trie built sample by sample.</summary>
public class VisualFlameGraphOracleTests
{
    private sealed class Node
    {
        public readonly SortedDictionary<string, Node> Children = new(StringComparer.Ordinal);
        public long Cum, Flat, BaseCum, BaseFlat;
    }

    private static List<string> Expected((string Stack, long Value)[] samples, (string Stack, long Value)[] baseSamples, double minFraction)
    {
        var root = new Node();
        void Add(string stack, long v, bool isBase)
        {
            if (v == 0) return;
            var node = root;
            Count(node, v, isBase, false);
            var frames = stack.Split(';', '+');
            for (int i = 0; i < frames.Length; i++)
            {
                if (!node.Children.TryGetValue(frames[i], out var child)) node.Children.Add(frames[i], child = new Node());
                node = child;
                Count(node, v, isBase, i == frames.Length - 1);
            }
        }
        static void Count(Node n, long v, bool isBase, bool leaf)
        {
            if (isBase)
            {
                n.BaseCum += v;
                if (leaf) n.BaseFlat += v;
            }
            else
            {
                n.Cum += v;
                if (leaf) n.Flat += v;
            }
        }
        foreach (var (s, v) in samples) Add(s, v, false);
        foreach (var (s, v) in baseSamples) Add(s, v, true);
        long minWidth = (long)Math.Ceiling(Math.Max(1, (root.Cum + root.BaseCum) * minFraction));
        var list = new List<string>();
        void Walk(string name, Node n, int depth)
        {
            list.Add(Line(depth, name, n.Cum, n.Flat, n.BaseCum, n.BaseFlat));
            foreach (var (childName, child) in n.Children)
            {
                if (child.Cum + child.BaseCum >= minWidth) Walk(childName, child, depth + 1);
            }
        }
        Walk("root", root, 0);
        return list;
    }

    private static string Line(int depth, string name, long cum, long flat, long baseCum, long baseFlat) =>
        $"{new string(' ', depth)}{name} {cum}/{flat} base {baseCum}/{baseFlat}";

    private static List<string> Actual(FlameGraph g)
    {
        var list = new List<string>();
        for (int i = 0; i < g.Count; i++) list.Add(Line(g.DepthOf(i), g.NameOf(i), g.CumOf(i), g.FlatOf(i), g.BaseCumOf(i), g.BaseFlatOf(i)));
        return list;
    }

    private static (string, long)[] RandomSamples(Random rng, int count, int maxDepth)
    {
        // Few names, so that stacks share prefixes, branch at every depth and recurse.
        var frames = new[] { "a", "b", "c", "d", "e", "a+b", "c+d+e", "f" };
        var samples = new (string, long)[count];
        for (int i = 0; i < count; i++)
        {
            int depth = 1 + rng.Next(maxDepth);
            var stack = new string[depth];
            for (int d = 0; d < depth; d++) stack[d] = d < 3 ? frames[rng.Next(2)] : frames[rng.Next(frames.Length)];
            samples[i] = (string.Join(';', stack), rng.Next(10) == 0 ? 0 : 1 + rng.Next(1000));
        }
        return samples;
    }

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.001)]
    [InlineData(3, 0.02)]
    public void MatchesATrieBuiltSampleBySample(int seed, double minFraction)
    {
        var rng = new Random(seed);
        var samples = RandomSamples(rng, 3000, 30);
        var p = VisualTestProfiles.Build(samples);
        var g = FlameGraph.Build(p, new FlameGraphOptions { SampleValue = v => v[1], MinFraction = minFraction });
        Assert.False(g.IsDiff);
        Assert.Equal(Expected(samples, Array.Empty<(string, long)>(), minFraction), Actual(g));
    }

    [Fact]
    public void ComparisonMatchesATrieBuiltSampleBySample()
    {
        var rng = new Random(7);
        var samples = RandomSamples(rng, 2000, 25);
        var baseSamples = RandomSamples(rng, 2000, 25);
        var p = VisualTestProfiles.Build(samples, baseSamples);
        var g = FlameGraph.Build(p, new FlameGraphOptions { SampleValue = v => v[1], MinFraction = 0.001 });
        Assert.True(g.IsDiff);
        Assert.Equal(Expected(samples, baseSamples, 0.001), Actual(g));
    }
}
