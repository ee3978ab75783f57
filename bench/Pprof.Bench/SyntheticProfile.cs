using Pprof.Profiles;

namespace PprofBench;

/// <summary>Builds a large, deterministic CPU profile shaped like a real service's: a few hot call paths and a long tail.</summary>
internal static class SyntheticProfile
{
    /// <summary>How stacks are drawn: down a fixed call graph (as in a real program), or every frame at random (worst case: nearly every caller/callee pair distinct).</summary>
    public enum Shape { CallTree, Random }

    public static Profile Create(int samples, int functions, int maxDepth, Shape shape = Shape.CallTree, int seed = 42)
    {
        var rng = new Random(seed);
        var p = new Profile
        {
            SampleTypes = { new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds") },
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = 10_000_000,
            TimeNanos = 1_700_000_000_000_000_000,
            DurationNanos = 60_000_000_000,
        };
        var mapping = new Mapping { Id = 1, Start = 0x400000, Limit = 0x4000000, File = "/app/service", HasFunctions = true, HasFilenames = true, HasLineNumbers = true };
        p.Mappings.Add(mapping);
        for (int i = 0; i < functions; i++)
        {
            p.Functions.Add(new Function
            {
                Id = (ulong)i + 1,
                Name = $"Service.Module{i % 97}.Type{i % 1013}.Method{i}",
                SystemName = $"Service.Module{i % 97}.Type{i % 1013}.Method{i}",
                Filename = $"/src/Module{i % 97}/Type{i % 1013}.cs",
                StartLine = 10 + i % 500,
            });
        }
        // Two locations per function (two call sites), the second with an inlined callee.
        for (int i = 0; i < functions * 2; i++)
        {
            var fn = p.Functions[i % functions];
            var lines = i < functions
                ? new[] { new Line(fn, fn.StartLine + 3) }
                : new[] { new Line(p.Functions[(i * 7) % functions], 40), new Line(fn, fn.StartLine + 9) };
            p.Locations.Add(new Location { Id = (ulong)i + 1, Mapping = mapping, Address = 0x400000 + (ulong)i * 16, Lines = lines });
        }
        int locCount = p.Locations.Count;
        if (shape == Shape.CallTree) return AddCallTreeSamples(p, samples, maxDepth, rng);
        // Skewed choice: most frames come from a small hot set.
        int Pick()
        {
            double u = rng.NextDouble();
            return (int)(Math.Pow(u, 3) * locCount) % locCount;
        }
        for (int s = 0; s < samples; s++)
        {
            int depth = 1 + (int)(Math.Sqrt(rng.NextDouble()) * (maxDepth - 1));
            var stack = new Location[depth];
            // Root frames are shared by many samples, as in a real program (main, thread pool, request loop).
            for (int d = 0; d < depth; d++)
            {
                int fromRoot = depth - 1 - d;
                stack[d] = fromRoot < 3 ? p.Locations[fromRoot] : p.Locations[Pick()];
            }
            long n = 1 + (rng.Next(100) == 0 ? rng.Next(5) : 0);
            var sample = new Sample(stack, new[] { n, n * 10_000_000 });
            if (s % 10 == 0) sample.SetLabel("thread", "worker-" + (s % 16));
            p.Samples.Add(sample);
        }
        return p;
    }

    /// <summary>Each location calls up to four others (a fixed call graph); a sample is a walk from the root down it.</summary>
    private static Profile AddCallTreeSamples(Profile p, int samples, int maxDepth, Random rng)
    {
        int n = p.Locations.Count;
        var callees = new int[n][];
        for (int i = 0; i < n; i++)
        {
            int k = 1 + rng.Next(4);
            callees[i] = new int[k];
            for (int j = 0; j < k; j++) callees[i][j] = (int)(Math.Pow(rng.NextDouble(), 2) * n);
        }
        var path = new List<Location>(maxDepth);
        for (int s = 0; s < samples; s++)
        {
            int depth = 1 + (int)(Math.Sqrt(rng.NextDouble()) * (maxDepth - 1));
            path.Clear();
            int cur = 0;
            for (int d = 0; d < depth; d++)
            {
                path.Add(p.Locations[cur]);
                var next = callees[cur];
                // Skewed: the first callee is the hot one.
                cur = next[rng.Next(100) < 60 ? 0 : rng.Next(next.Length)];
            }
            path.Reverse();
            long v = 1 + (rng.Next(100) == 0 ? rng.Next(5) : 0);
            var sample = new Sample(path.ToArray(), new[] { v, v * 10_000_000 });
            if (s % 10 == 0) sample.SetLabel("thread", "worker-" + (s % 16));
            p.Samples.Add(sample);
        }
        return p;
    }
}
