using Pprof.History;
using Pprof.Profiles;

namespace Pprof.Cli.BrowserTests;

/// <summary>A profile store with known contents, as an agent writing every 15 s would fill it: service <c>shop</c>,
/// two processes (series label <c>pid</c> 100 and 200) over 30 minutes. Process 100's cpu profiles hold
/// <c>main.steady</c> (100 samples each), plus <c>main.hotLoop</c> (400) from minute 10 to minute 20 only; process
/// 200's hold <c>main.background</c> (50). Process 100 also has allocs profiles and runtime stats whose RSS and GC heap
/// climb for 5 minutes and drop (a sawtooth: six teeth) under a 512 MiB memory limit.</summary>
internal static class HistoryStoreData
{
    public const int Intervals = 120;
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);
    public const int HotFirst = 40;   // minute 10
    public const int HotEnd = 80;     // minute 20 (exclusive)
    public const int ToothIntervals = 20;   // 5 minutes
    public const long MiB = 1 << 20;

    /// <summary>Fills <paramref name="dir"/>'s store with profiles starting at <paramref name="t0"/>.</summary>
    public static void Fill(string dir, DateTime t0)
    {
        // No maintenance while writing: the fixture's times must stay at 15 s resolution.
        using var store = ProfileStore.Open(dir, new ProfileStoreOptions { MaintenanceInterval = TimeSpan.Zero });
        var profiles = new List<StoredProfile>();
        var stats = new List<StatsPoint>();
        for (int i = 0; i < Intervals; i++)
        {
            var start = t0 + i * Interval;
            bool hot = i >= HotFirst && i < HotEnd;
            var cpu100 = new List<(string[] Stack, long Count)> { (new[] { "main.main", "main.serve", "main.steady" }, 100) };
            if (hot) cpu100.Add((new[] { "main.main", "main.serve", "main.hotLoop" }, 400));
            profiles.Add(new StoredProfile("shop", "cpu", Labels("100"), start, Interval, Cpu(cpu100, start)));
            profiles.Add(new StoredProfile("shop", "cpu", Labels("200"), start, Interval,
                Cpu(new() { (new[] { "main.main", "main.background" }, 50) }, start)));
            profiles.Add(new StoredProfile("shop", "allocs", Labels("100"), start, Interval, Allocs(start)));
            int tooth = i % ToothIntervals;
            stats.Add(new StatsPoint("shop", Labels("100"), start, new Dictionary<string, double>
            {
                ["rss_bytes"] = (100 + tooth * 8) * MiB,
                ["gc_heap_size_bytes"] = (40 + tooth * 6) * MiB,
                ["memory_limit_bytes"] = 512 * MiB,
                ["cpu_percent"] = hot ? 90 : 20,
            }));
            if (profiles.Count >= 60)
            {
                store.Write(profiles, stats);
                profiles.Clear();
                stats.Clear();
            }
        }
        store.Write(profiles, stats);
    }

    private static Dictionary<string, string> Labels(string pid) => new() { ["host"] = "ci", ["pid"] = pid, ["version"] = "1.0" };

    private static Profile Cpu(List<(string[] Stack, long Count)> stacks, DateTime start)
    {
        var p = New(start, new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds"));
        p.PeriodType = new ProfileValueType("cpu", "nanoseconds");
        p.Period = 10_000_000;
        foreach (var (stack, n) in stacks) Add(p, stack, n, n * 10_000_000);
        return p;
    }

    private static Profile Allocs(DateTime start)
    {
        var p = New(start, new ProfileValueType("alloc_objects", "count"), new ProfileValueType("alloc_space", "bytes"));
        Add(p, new[] { "main.main", "main.serve", "json.Marshal" }, 300, 300 * 4096);
        return p;
    }

    private static Profile New(DateTime start, params ProfileValueType[] types)
    {
        var p = new Profile
        {
            TimeNanos = (start - DateTime.UnixEpoch).Ticks * 100,
            DurationNanos = (long)Interval.TotalMilliseconds * 1_000_000,
        };
        foreach (var t in types) p.SampleTypes.Add(t);
        p.Mappings.Add(new Mapping { Id = 1, Start = 0x1000, Limit = 0x100000, File = "/srv/shop", HasFunctions = true });
        return p;
    }

    /// <summary>Adds a sample with stack <paramref name="stack"/> (root first).</summary>
    private static void Add(Profile p, string[] stack, params long[] values)
    {
        var locations = new Location[stack.Length];
        for (int i = 0; i < stack.Length; i++)
        {
            string name = stack[stack.Length - 1 - i];
            var f = p.Functions.FirstOrDefault(x => x.Name == name);
            if (f == null)
            {
                f = new Function { Id = (ulong)p.Functions.Count + 1, Name = name, SystemName = name, Filename = "/src/shop/" + name + ".cs" };
                p.Functions.Add(f);
            }
            var l = p.Locations.FirstOrDefault(x => x.Lines.Length > 0 && x.Lines[0].Function == f);
            if (l == null)
            {
                l = new Location { Id = (ulong)p.Locations.Count + 1, Mapping = p.Mappings[0], Address = 0x1000 + (ulong)p.Locations.Count * 16, Lines = new[] { new Line(f, 10) } };
                p.Locations.Add(l);
            }
            locations[i] = l;
        }
        p.Samples.Add(new Sample(locations, values));
    }
}
