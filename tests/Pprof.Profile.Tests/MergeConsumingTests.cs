using Pprof.Profiles;

namespace Pprof.Profiles.Tests;

/// <summary>The command line's merge reuses the fetched profiles' samples instead of copying them: its result must be
/// exactly what the copying merge produces.</summary>
public class MergeConsumingTests
{
    /// <summary>A profile with repeated stacks, inlined frames, string and numeric labels (with and without units, and an
    /// empty label set), empty stacks and all-zero samples.</summary>
    private static Profile Random(int seed, long sign = 1, int samples = 400, int maxDepth = 5)
    {
        var rng = new Random(seed);
        var b = new OpsProfileBuilder("samples/count", "cpu/nanoseconds");
        string[] frames = { "a", "b", "c+d", "e", "f+g+h", "i", "j", "k", "l" };
        for (int i = 0; i < samples; i++)
        {
            int depth = rng.Next(maxDepth);
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

    // Sources of 100,000 samples or more are merged on several threads (ProfileMerger.TryAddInParallel).
    private const int Large = 120_000;

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void LargeSourceGivesTheSameProfileAsMerge(int seed)
    {
        var expected = Profile.Merge(new[] { Random(seed, samples: Large, maxDepth: 8) }).ToByteArray();
        var consumed = Profile.MergeConsuming(new[] { Random(seed, samples: Large, maxDepth: 8) });
        consumed.CheckValid();
        Assert.Equal(expected, consumed.ToByteArray());
    }

    /// <summary>Locations that fold together (the same address and lines under another id, and a second mapping of the
    /// same file at another start), unused locations, and ids in an order that differs from first use.</summary>
    private static Profile WithFoldingLocations(int seed)
    {
        var p = Random(seed, samples: Large, maxDepth: 8);
        var rng = new Random(seed);
        var second = p.Mappings[0].Clone();
        second.Id = 2;
        second.Start += 0x100000;
        second.Limit += 0x100000;
        p.Mappings.Add(second);
        p.Locations.Reverse();
        int n = p.Locations.Count;
        for (int i = 0; i < n; i++)
        {
            var l = p.Locations[i];
            var copy = l.Clone();
            copy.Id = (ulong)(n + 1 + i);
            if (i % 2 == 0)
            {
                copy.Mapping = second;
                copy.Address += 0x100000;
            }
            p.Locations.Add(copy);
        }
        p.Locations.Add(new Location { Id = (ulong)(2 * n + 1), Mapping = second, Address = 0x100010 });
        var byIndex = p.Locations.Take(n).ToList();
        foreach (var s in p.Samples)
        {
            for (int j = 0; j < s.Locations.Length; j++)
            {
                if (rng.Next(3) != 0) continue;
                int i = byIndex.IndexOf(s.Locations[j]);
                s.Locations[j] = p.Locations[n + i];
            }
        }
        return p;
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void LargeSourceWithFoldingLocationsGivesTheSameProfileAsMerge(int seed)
    {
        var source = WithFoldingLocations(seed);
        source.CheckValid();
        var expected = Profile.Merge(new[] { source }).ToByteArray();
        var consumed = Profile.MergeConsuming(new[] { WithFoldingLocations(seed) });
        consumed.CheckValid();
        Assert.Equal(expected, consumed.ToByteArray());
        Assert.True(consumed.Locations.Count < source.Locations.Count - 1, "locations folded");
    }

    [Fact]
    public void LargeSourceReusesItsLocationObjectsWhenNoneFold()
    {
        var p = Random(13, samples: Large, maxDepth: 8);
        var sample = p.Samples.First(s => s.Values.Any(v => v != 0) && s.Locations.Length > 0);
        var frame = sample.Locations[0];
        var m = Profile.MergeConsuming(new[] { p });
        Assert.Contains(m.Locations, l => ReferenceEquals(l, frame));
        Assert.All(m.Samples, s => Assert.All(s.Locations, l => Assert.Same(m.Locations[(int)l.Id - 1], l)));
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
