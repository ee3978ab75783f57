using Pprof.Profiles;

namespace Pprof.Report.Tests;

/// <summary>The ranking maths of <see cref="LeakReport"/> on synthetic snapshots whose slopes and fits are computed by
/// hand in the comments.</summary>
public class LeakReportTests
{
    private const long Start = 1_700_000_000_000_000_000;
    private const long TenSeconds = 10_000_000_000;

    [Fact]
    public void FitOfAStraightLineIsItsStepAndOne()
    {
        var (slope, fit) = LeakReport.Fit(new long[] { 10, 20, 30, 40 });
        Assert.Equal(10, slope, 9);
        Assert.Equal(1, fit, 9);
    }

    [Fact]
    public void FitOfNoisyGrowth()
    {
        // x = -2..2 about the mean 2, y about the mean 123: dy = -23 -13 2 7 27.
        // Sxy = 46 + 13 + 0 + 7 + 54 = 120, Sxx = 10: slope 12. Syy = 529 + 169 + 4 + 49 + 729 = 1480: R² = 120² / (10 · 1480) = 0.972973.
        var (slope, fit) = LeakReport.Fit(new long[] { 100, 110, 125, 130, 150 });
        Assert.Equal(12, slope, 9);
        Assert.Equal(0.972973, fit, 6);
    }

    [Fact]
    public void FitOfASawtoothIsFlat()
    {
        // dy = -40 60 -40 60 -40 against dx = -2 -1 0 1 2: Sxy = 80 - 60 + 0 + 60 - 80 = 0.
        var (slope, fit) = LeakReport.Fit(new long[] { 100, 200, 100, 200, 100 });
        Assert.Equal(0, slope, 9);
        Assert.Equal(0, fit, 9);
    }

    [Fact]
    public void FitOfAConstantIsZero()
    {
        Assert.Equal((0.0, 0.0), LeakReport.Fit(new long[] { 5, 5, 5 }));
    }

    [Fact]
    public void FitOfAcceleratingGrowth()
    {
        // 0, 1, 100: mean 33.667; Sxy = 33.667 + 66.333 = 100, Sxx = 2: slope 50; Syy = 10001 - 101² / 3 = 19802 / 3: R² = 10000 / (2 · 19802 / 3) = 30000 / 39604 = 0.757499.
        var (slope, fit) = LeakReport.Fit(new long[] { 0, 1, 100 });
        Assert.Equal(50, slope, 9);
        Assert.Equal(0.757499, fit, 6);
    }

    [Fact]
    public void RetentionRanksTheSteadilyGrowingTypeAndPathFirstAndFlagsOnlyThem()
    {
        var snapshots = new List<Profile>();
        long[] leaky = { 1000, 2000, 3000, 4000 };
        long[] churn = { 5000, 3000, 5000, 3000 };
        long[] ramp = { 0, 1, 100, 10_000 };   // grew every time, but not on a line
        for (int i = 0; i < 4; i++)
        {
            var b = new Builder(Start + i * TenSeconds, ("inuse_objects", "count"), ("inuse_space", "bytes"), ("retained_space", "bytes"));
            b.Add(new long[] { leaky[i] / 100, leaky[i], leaky[i] }, "App.Leaky", "App.Holder", "static App.Program.s_list");
            b.Add(new long[] { churn[i] / 100, churn[i], churn[i] }, "App.Entry", "System.Collections.Generic.Dictionary<System.Int32, App.Entry>", "static App.Cache.s_map");
            b.Add(new long[] { 10, 7000, 7000 }, "System.String", "[stack]");
            b.Add(new long[] { 1, ramp[i], ramp[i] }, "App.Ramp", "[strong handle]");
            b.Add(new long[] { i + 1, i + 1, i + 1 }, "App.Tiny", "[strong handle]");   // grows 1 byte a snapshot: negligible
            snapshots.Add(b.Profile);
        }

        var report = LeakReport.Analyze(snapshots);
        Assert.Equal("retention", report.Kind);
        Assert.Equal("inuse_space", report.SampleType.Type);
        Assert.Equal(new[] { LeakGrouping.Type, LeakGrouping.Path }, report.Groupings);
        Assert.Equal(new long[] { 13001, 12003, 15103, 24004 }, report.Totals);
        Assert.NotNull(report.Times);

        var types = report.RowsBy(LeakGrouping.Type).ToList();
        var top = types[0];
        Assert.Equal("App.Leaky", top.Name);
        Assert.True(top.IsLeak);
        Assert.Equal(new long[] { 1000, 2000, 3000, 4000 }, top.Values);
        Assert.Equal(new long[] { 1000, 1000, 1000 }, top.Growth);
        Assert.Equal(1000, top.Slope, 9);
        Assert.Equal(1, top.Fit, 9);
        Assert.Equal(100, top.GrowthPerSecond!.Value, 9);   // 3000 bytes over 30 s
        Assert.Single(types, r => r.IsLeak);
        Assert.False(types.Single(r => r.Name == "App.Entry").IsLeak);
        Assert.False(types.Single(r => r.Name == "App.Ramp").IsLeak);
        Assert.False(types.Single(r => r.Name == "App.Tiny").IsLeak);   // 3 bytes < 0.1 % of 24004
        // Not flagged, ranked by slope: Ramp (slope of 0, 1, 100, 10000: 15049.5 / 5 = 3009.9, R² 0.61), Tiny (1), String (0), Entry (-2000 / 5 = -400).
        Assert.Equal(new[] { "App.Leaky", "App.Ramp", "App.Tiny", "System.String", "App.Entry" }, types.Select(r => r.Name));

        var path = report.RowsBy(LeakGrouping.Path).First();
        Assert.Equal("static App.Program.s_list → App.Holder → App.Leaky", path.Name);
        Assert.True(path.IsLeak);
    }

    [Fact]
    public void HeapRanksAllocationSitesByTheirApplicationLineAndHonoursSampleIndex()
    {
        var snapshots = new List<Profile>();
        for (int i = 0; i < 3; i++)
        {
            var b = new Builder(Start + i * TenSeconds, ("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"), ("inuse_space", "bytes"));
            // The leak: allocated by Track at Tracker.cs:42 (through a runtime frame, which the site skips).
            b.AddLines(new long[] { 100 * (i + 1), 6400 * (i + 1), 10 * (i + 1), 640 * (i + 1) }, "App.Order",
                ("System.Collections.Generic.List`1.Grow", "", 0), ("App.Tracker.Track", "/src/App/Tracker.cs", 42), ("App.Program.Main", "/src/App/Program.cs", 10));
            // Churn: many allocations, few live, bounded.
            b.AddLines(new long[] { 1000 * (i + 1), 64000 * (i + 1), 50, 3200 }, "System.Byte[]",
                ("App.Cache.Refill", "/src/App/Cache.cs", 7), ("App.Program.Main", "/src/App/Program.cs", 11));
            snapshots.Add(b.Profile);
        }

        var report = LeakReport.Analyze(snapshots);
        Assert.Equal("heap", report.Kind);
        Assert.Equal(new[] { LeakGrouping.Site, LeakGrouping.Type, LeakGrouping.Path }, report.Groupings);
        var site = report.RowsBy(LeakGrouping.Site).First();
        Assert.Equal("App.Tracker.Track Tracker.cs:42", site.Name);
        Assert.True(site.IsLeak);
        Assert.Equal(640, site.Slope, 9);
        Assert.False(report.RowsBy(LeakGrouping.Site).Single(r => r.Name == "App.Cache.Refill Cache.cs:7").IsLeak);
        Assert.Equal("App.Order", report.RowsBy(LeakGrouping.Type).First().Name);
        Assert.Equal("App.Program.Main → App.Tracker.Track → System.Collections.Generic.List`1.Grow", report.RowsBy(LeakGrouping.Path).First().Name);

        // By allocations, the cache's site grows fastest (1000 a snapshot against 100), and both grow steadily.
        var allocs = LeakReport.Analyze(snapshots, new LeakReportOptions { SampleIndex = "alloc_objects" });
        Assert.Equal("alloc_objects", allocs.SampleType.Type);
        var first = allocs.RowsBy(LeakGrouping.Site).First();
        Assert.Equal("App.Cache.Refill Cache.cs:7", first.Name);
        Assert.Equal(1000, first.Slope, 9);
        Assert.True(first.IsLeak);
        Assert.Equal("alloc_space", LeakReport.Analyze(snapshots, new LeakReportOptions { SampleIndex = "1" }).SampleType.Type);
    }

    [Fact]
    public void BadInputIsOneClearError()
    {
        Profile P(long t, params (string, string)[] types) => new Builder(t, types).Profile;
        var two = new[] { P(1, ("inuse_space", "bytes")), P(2, ("inuse_space", "bytes")) };
        Assert.Equal("a leak report needs three or more profiles in time order, got 2", Assert.Throws<ReportException>(() => LeakReport.Analyze(two)).Message);

        var mixed = new[] { P(1, ("inuse_space", "bytes")), P(2, ("inuse_space", "bytes")), P(3, ("samples", "count"), ("cpu", "nanoseconds")) };
        Assert.Equal("profile 3 has sample types [samples/count cpu/nanoseconds] but profile 1 has [inuse_space/bytes]: give profiles of one kind",
            Assert.Throws<ReportException>(() => LeakReport.Analyze(mixed)).Message);

        var three = new[] { P(1, ("inuse_objects", "count"), ("inuse_space", "bytes")), P(2, ("inuse_objects", "count"), ("inuse_space", "bytes")), P(3, ("inuse_objects", "count"), ("inuse_space", "bytes")) };
        Assert.Equal("sample_index \"cpu\" is not a sample type of these profiles (valid: inuse_objects, inuse_space)",
            Assert.Throws<ReportException>(() => LeakReport.Analyze(three, new LeakReportOptions { SampleIndex = "cpu" })).Message);
        Assert.Equal("sample_index 2 is outside the range [0..1]",
            Assert.Throws<ReportException>(() => LeakReport.Analyze(three, new LeakReportOptions { SampleIndex = "2" })).Message);
    }

    [Fact]
    public void TimesThatDoNotIncreaseGiveNoRatePerSecond()
    {
        var snapshots = Enumerable.Range(0, 3).Select(i =>
        {
            var b = new Builder(0, ("inuse_space", "bytes"));
            b.Add(new long[] { 100 * (i + 1) }, "A", "[stack]");
            return b.Profile;
        }).ToList();
        var report = LeakReport.Analyze(snapshots);
        Assert.Null(report.Times);
        Assert.Null(report.Rows[0].GrowthPerSecond);
        Assert.True(report.Rows[0].IsLeak);
    }

    [Fact]
    public void WindowsThatStartTogetherAreTimedByTheirEnds()
    {
        // Heap windows of 10, 20 and 30 s from one start (leaks -kind heap): 100, 200, 300 bytes → 200 bytes over 20 s.
        var snapshots = Enumerable.Range(1, 3).Select(i =>
        {
            var b = new Builder(Start, ("inuse_objects", "count"), ("inuse_space", "bytes"));
            b.Profile.DurationNanos = i * TenSeconds;
            b.AddLines(new long[] { i, 100 * i }, "App.Order", ("App.Tracker.Track", "Tracker.cs", 42));
            return b.Profile;
        }).ToList();
        var report = LeakReport.Analyze(snapshots);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks((Start + 3 * TenSeconds) / 100), report.Times![2]);
        var site = report.RowsBy(LeakGrouping.Site).Single();
        Assert.Equal("App.Tracker.Track Tracker.cs:42", site.Name);
        Assert.Equal(10, site.GrowthPerSecond!.Value, 9);
        Assert.True(site.IsLeak);
    }

    /// <summary>Builds a profile from stacks given leaf first.</summary>
    private sealed class Builder
    {
        private readonly Dictionary<string, Function> _functions = new();

        public Builder(long time, params (string Type, string Unit)[] types)
        {
            Profile = new Profile { TimeNanos = time };
            foreach (var (t, u) in types) Profile.SampleTypes.Add(new ProfileValueType(t, u));
        }

        public Profile Profile { get; }

        public void Add(long[] values, params string[] frames) =>
            AddLines(values, null, frames.Select(f => (f, "", 0L)).ToArray());

        public void AddLines(long[] values, string? type, params (string Name, string File, long Line)[] frames)
        {
            var locations = frames.Select(f =>
            {
                if (!_functions.TryGetValue(f.Name, out var fn))
                {
                    fn = new Function { Id = (ulong)Profile.Functions.Count + 1, Name = f.Name, SystemName = f.Name, Filename = f.File };
                    Profile.Functions.Add(fn);
                    _functions.Add(f.Name, fn);
                }
                var loc = new Location { Id = (ulong)Profile.Locations.Count + 1, Lines = new[] { new Line(fn, f.Line) } };
                Profile.Locations.Add(loc);
                return loc;
            }).ToArray();
            var s = new Sample(locations, values);
            if (type != null) s.SetLabel("type", type);
            Profile.Samples.Add(s);
        }
    }
}
