using Pprof.Profiles;

namespace Pprof.Cli.BrowserTests;

/// <summary>Small deterministic profiles for the browser tests: a CPU profile with two sample types, and a
/// comparison of it against a base (as <c>-diff_base</c> builds it).</summary>
internal static class FixtureProfiles
{
    private static readonly string[][] s_stacks =
    {
        // Root first.
        new[] { "main.main", "main.serve", "main.handle", "json.Marshal" },
        new[] { "main.main", "main.serve", "main.handle", "db.Query", "net.Read" },
        new[] { "main.main", "main.serve", "main.handle", "db.Query" },
        new[] { "main.main", "main.background", "runtime.gcBgMarkWorker" },
        new[] { "main.main", "main.background", "cache.Evict" },
        new[] { "runtime.mcall", "runtime.schedule" },
    };

    private static readonly long[] s_counts = { 40, 25, 10, 15, 7, 3 };

    /// <summary>The CPU profile: sample types samples/count and cpu/nanoseconds.</summary>
    public static Profile Cpu(long[]? counts = null, bool asBase = false)
    {
        counts ??= s_counts;
        var p = new Profile
        {
            SampleTypes = { new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds") },
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = 10_000_000,
            DurationNanos = 10_000_000_000,
            TimeNanos = 1_700_000_000_000_000_000,
        };
        var mapping = new Mapping { Id = 1, Start = 0x1000, Limit = 0x100000, File = "/srv/fixture-service", HasFunctions = true };
        p.Mappings.Add(mapping);
        var functions = new Dictionary<string, Function>();
        var locations = new Dictionary<string, Location>();
        Location Loc(string name)
        {
            if (locations.TryGetValue(name, out var l)) return l;
            var f = new Function { Id = (ulong)functions.Count + 1, Name = name, SystemName = name, Filename = "/src/" + name.Split('.')[0] + ".go" };
            functions[name] = f;
            p.Functions.Add(f);
            l = new Location { Id = (ulong)locations.Count + 1, Mapping = mapping, Address = 0x1000 + (ulong)locations.Count * 16, Lines = new[] { new Line(f, 10) } };
            locations[name] = l;
            p.Locations.Add(l);
            return l;
        }
        for (int i = 0; i < s_stacks.Length; i++)
        {
            if (counts[i] == 0) continue;
            var stack = s_stacks[i].Reverse().Select(Loc).ToArray();
            long n = asBase ? -counts[i] : counts[i];
            var s = new Sample(stack, new[] { n, n * 10_000_000 });
            if (asBase) s.SetLabel("pprof::base", "true");
            p.Samples.Add(s);
        }
        return p;
    }

    /// <summary>The CPU profile compared against a base in which db.Query was heavier and json.Marshal lighter.</summary>
    public static Profile Diff()
    {
        var current = Cpu();
        var b = Cpu(new long[] { 10, 60, 10, 15, 7, 3 }, asBase: true);
        return Profile.Merge(new[] { current, b });
    }
}
