using Pprof.Profile;

namespace Pprof.Profile.Tests;

/// <summary>The command line's merge reuses the fetched profiles' samples instead of copying them: its result must be
/// exactly what the copying merge produces.</summary>
public class MergeConsumingTests
{
    /// <summary>A profile with repeated stacks, inlined frames, string and numeric labels (with and without units, and an
    /// empty label set), empty stacks and all-zero samples.</summary>
    private static Profile Random(int seed, long sign = 1)
    {
        var rng = new Random(seed);
        var b = new OpsProfileBuilder("samples/count", "cpu/nanoseconds");
        string[] frames = { "a", "b", "c+d", "e", "f+g+h", "i" };
        for (int i = 0; i < 400; i++)
        {
            int depth = rng.Next(5);
            var stack = string.Join(";", Enumerable.Range(0, depth).Select(_ => frames[rng.Next(frames.Length)]));
            long v = rng.Next(10) == 0 ? 0 : rng.Next(1, 4);
            var s = b.Sample(stack.Length == 0 ? "a" : stack, sign * v, sign * v * 10);
            switch (rng.Next(6))
            {
                case 0:
                    s.SetLabel("thread", "t" + rng.Next(3));
                    break;
                case 1:
                    s.NumLabels = new() { ["bytes"] = new long[] { 8 * rng.Next(3) } };
                    break;
                case 2:
                    s.NumLabels = new() { ["bytes"] = new long[] { 64 } };
                    s.NumUnits = new() { ["bytes"] = new[] { rng.Next(2) == 0 ? "" : "bytes" } };
                    break;
                case 3:
                    s.Labels = new();
                    break;
            }
        }
        return b.Build();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SingleSourceGivesTheSameProfileAsMerge(int seed)
    {
        var expected = Profile.Merge(new[] { Random(seed) }).ToByteArray();
        var consumed = Profile.MergeConsuming(new[] { Random(seed) });
        consumed.CheckValid();
        Assert.Equal(expected, consumed.ToByteArray());
    }

    [Fact]
    public void SeveralSourcesAndCancellingValuesGiveTheSameProfileAsMerge()
    {
        // The second source subtracts most of the first, as -base does: cancelled samples are dropped by a second merge.
        var expected = Profile.Merge(new[] { Random(7), Random(8), Random(7, sign: -1) }).ToByteArray();
        var consumed = Profile.MergeConsuming(new[] { Random(7), Random(8), Random(7, sign: -1) });
        consumed.CheckValid();
        Assert.Equal(expected, consumed.ToByteArray());
        Assert.DoesNotContain(consumed.Samples, s => s.Values.All(v => v == 0));
    }

    [Fact]
    public void SamplesOfTheSourceAreReused()
    {
        var p = Random(4);
        var first = p.Samples.First(s => s.Values.Any(v => v != 0));
        var m = Profile.MergeConsuming(new[] { p });
        Assert.Same(first, m.Samples[0]);
        Assert.All(m.Samples[0].Locations, l => Assert.Contains(l, m.Locations));
    }
}
