using Pprof.Profiles;
using static Pprof.History.Tests.TestProfiles;

namespace Pprof.History.Tests;

/// <summary>Real CPU profiles written over a time range and queried back by time, type and labels.</summary>
[Collection("history")]
public sealed class StoreQueryTests : IDisposable
{
    private readonly RealProfiles _real;
    private readonly string _dir = NewStoreDirectory();

    public StoreQueryTests(RealProfiles real) => _real = real;

    public void Dispose() => Delete(_dir);

    private static HistoryQuery Range(DateTime from, DateTime to, string? type = "cpu") => new() { Service = "shop", Type = type, From = from, To = to };

    // 30 alpha profiles (12:00:00-12:07:30), then 10 beta profiles (12:10:00-12:12:30).
    private ProfileStore WriteAlphaThenBeta()
    {
        var store = ProfileStore.Open(_dir);
        store.Write(Series("shop", "cpu", _real.AlphaCpu, T0, 30), Array.Empty<StatsPoint>());
        store.Write(Series("shop", "cpu", _real.BetaCpu, T0.AddMinutes(10), 10), Array.Empty<StatsPoint>());
        return store;
    }

    [Fact]
    public void FullRangeMergesEveryProfileAndPutsTheHotMethodFirst()
    {
        using var store = WriteAlphaThenBeta();
        var p = store.Query(Range(T0, T0.AddHours(1)));
        Assert.NotNull(p);
        Assert.Equal(30 * Total(_real.AlphaCpu) + 10 * Total(_real.BetaCpu), Total(p));
        Assert.Equal(30 * Flat(_real.AlphaCpu, RealProfiles.Alpha), Flat(p, RealProfiles.Alpha));
        Assert.Equal(10 * Flat(_real.BetaCpu, RealProfiles.Beta), Flat(p, RealProfiles.Beta));
        Assert.Equal(RealProfiles.Alpha, TopFlat(p));
        Assert.Equal(TimeUnitsNanos(T0), p.TimeNanos);
        Assert.Equal(TimeSpan.FromMinutes(12.5).Ticks * 100, p.DurationNanos);
        Assert.Equal(_real.AlphaCpu.SampleTypes.Select(t => t.ToString()), p.SampleTypes.Select(t => t.ToString()));
        Assert.Equal(_real.AlphaCpu.PeriodType!.ToString(), p.PeriodType!.ToString());
    }

    [Fact]
    public void SubRangeHoldsOnlyItsProfiles()
    {
        using var store = WriteAlphaThenBeta();
        var beta = store.Query(Range(T0.AddMinutes(10), T0.AddMinutes(20)))!;
        Assert.Equal(10 * Total(_real.BetaCpu), Total(beta));
        Assert.Equal(0, Flat(beta, RealProfiles.Alpha));
        Assert.Equal(RealProfiles.Beta, TopFlat(beta));
        // From inclusive, To exclusive: 12:01:00 to 12:02:00 holds the profiles starting at :00, :15, :30 and :45.
        var minute = store.Query(Range(T0.AddMinutes(1), T0.AddMinutes(2)))!;
        Assert.Equal(4 * Total(_real.AlphaCpu), Total(minute));
        Assert.Null(store.Query(Range(T0.AddMinutes(8), T0.AddMinutes(10))));
        Assert.Null(store.Query(Range(T0.AddDays(-1), T0)));
    }

    [Fact]
    public void OneProfileComesBackAsWritten()
    {
        using var store = ProfileStore.Open(_dir);
        store.Write(Series("shop", "cpu", _real.AlphaCpu, T0, 1), Array.Empty<StatsPoint>());
        var p = store.Query(Range(T0, T0.AddMinutes(1)))!;
        Assert.Equal(ByStack(_real.AlphaCpu), ByStack(p));
        Assert.Equal(_real.AlphaCpu.Comments, p.Comments);
        Assert.Equal(_real.AlphaCpu.Period, p.Period);
        Assert.Equal(_real.AlphaCpu.DefaultSampleType, p.DefaultSampleType);
        var alpha = _real.AlphaCpu.Functions.First(f => f.Name == RealProfiles.Alpha);
        var stored = p.Functions.Single(f => f.Name == RealProfiles.Alpha);
        Assert.Equal((alpha.Filename, alpha.StartLine, alpha.SystemName), (stored.Filename, stored.StartLine, stored.SystemName));
        // Numeric labels too (the CPU collector labels samples with the thread id).
        Assert.Equal(_real.AlphaCpu.Samples.Count(s => s.NumLabels != null), p.Samples.Count(s => s.NumLabels != null));
        // The result is a valid profile that survives the wire format (what pprof and go tool pprof read).
        var ms = new MemoryStream();
        p.Write(ms);
        ms.Position = 0;
        var parsed = Profile.Parse(ms);
        Assert.Equal(ByStack(_real.AlphaCpu), ByStack(parsed));
    }

    [Fact]
    public void SharedRowsAreStoredOnce()
    {
        using var store = ProfileStore.Open(_dir);
        store.Write(Series("shop", "cpu", _real.AlphaCpu, T0, 1), Array.Empty<StatsPoint>());
        long stacks = Rows(_dir, "stacks"), functions = Rows(_dir, "functions"), strings = Rows(_dir, "strings"), locations = Rows(_dir, "locations");
        store.Write(Series("shop", "cpu", _real.AlphaCpu, T0.AddMinutes(1), 50), Array.Empty<StatsPoint>());
        Assert.Equal(51, Rows(_dir, "profiles"));
        Assert.Equal(stacks, Rows(_dir, "stacks"));
        Assert.Equal(functions, Rows(_dir, "functions"));
        Assert.Equal(locations, Rows(_dir, "locations"));
        Assert.Equal(strings, Rows(_dir, "strings"));
        Assert.Equal(1, Rows(_dir, "headers"));
        // A second process's view of the same store (a fresh instance without caches) adds nothing either.
        using (var other = ProfileStore.Open(_dir)) other.Write(Series("shop", "cpu", _real.AlphaCpu, T0.AddHours(1), 1), Array.Empty<StatsPoint>());
        Assert.Equal(stacks, Rows(_dir, "stacks"));
    }

    [Fact]
    public void SeriesLabelsSelectSeriesAndOtherLabelsSelectSamples()
    {
        using var store = ProfileStore.Open(_dir);
        store.Write(Series("shop", "cpu", _real.AlphaCpu, T0, 3, new Dictionary<string, string> { ["pid"] = "1", ["host"] = "a" }), Array.Empty<StatsPoint>());
        store.Write(Series("shop", "cpu", _real.BetaCpu, T0, 5, new Dictionary<string, string> { ["pid"] = "2", ["host"] = "a" }), Array.Empty<StatsPoint>());
        store.Write(Series("cart", "cpu", _real.BetaCpu, T0, 7, new Dictionary<string, string> { ["pid"] = "3", ["host"] = "a" }), Array.Empty<StatsPoint>());
        var all = Range(T0, T0.AddHours(1));
        Assert.Equal(3 * Total(_real.AlphaCpu), Total(store.Query(all with { Labels = new Dictionary<string, string> { ["pid"] = "1" } })!));
        Assert.Equal(5 * Total(_real.BetaCpu), Total(store.Query(all with { Labels = new Dictionary<string, string> { ["pid"] = "2", ["host"] = "a" } })!));
        Assert.Null(store.Query(all with { Labels = new Dictionary<string, string> { ["pid"] = "1", ["host"] = "b" } }));
        Assert.Equal(7 * Total(_real.BetaCpu), Total(store.Query(all with { Service = "cart" })!));
        Assert.Equal(3 * Total(_real.AlphaCpu) + 12 * Total(_real.BetaCpu), Total(store.Query(all with { Service = null })!));
        // endpoint is no series label: it selects the samples labelled endpoint=/alpha (set with Profiler.Labels).
        var endpoint = store.Query(all with { Labels = new Dictionary<string, string> { ["endpoint"] = "/alpha" } })!;
        long labelled = _real.AlphaCpu.Samples.Where(s => s.HasLabel("endpoint", "/alpha")).Sum(s => s.Values[^1]);
        Assert.Equal(3 * labelled, Total(endpoint));
        Assert.All(endpoint.Samples, s => Assert.True(s.HasLabel("endpoint", "/alpha")));
        Assert.Null(store.Query(all with { Labels = new Dictionary<string, string> { ["endpoint"] = "/nowhere" } }));
        // The timeline applies the same filter.
        var timeline = store.Timeline(all with { Labels = new Dictionary<string, string> { ["endpoint"] = "/alpha" } }, 4);
        Assert.Equal(3 * labelled, timeline.Sum(t => t.Value));
    }

    [Fact]
    public void TypesAreSeparateAndMixingThemIsAClearError()
    {
        using var store = ProfileStore.Open(_dir);
        store.Write(Series("shop", "cpu", _real.AlphaCpu, T0, 2), Array.Empty<StatsPoint>());
        store.Write(Series("shop", "allocs", _real.Allocs, T0, 2), Array.Empty<StatsPoint>());
        var all = Range(T0, T0.AddHours(1), type: null);
        var e = Assert.Throws<InvalidOperationException>(() => store.Query(all));
        Assert.Contains("allocs, cpu", e.Message);
        Assert.Equal(2 * Total(_real.Allocs), Total(store.Query(all with { Type = "allocs" })!));
        Assert.Null(store.Query(all with { Type = "nosuchtype" }));
    }

    [Fact]
    public void ListSeriesDescribesServicesTypesLabelsAndTimes()
    {
        using var store = ProfileStore.Open(_dir);
        store.Write(Series("shop", "cpu", _real.AlphaCpu, T0, 4, new Dictionary<string, string> { ["pid"] = "1", ["version"] = "1.0" }), Array.Empty<StatsPoint>());
        store.Write(Series("shop", "cpu", _real.AlphaCpu, T0.AddMinutes(5), 2, new Dictionary<string, string> { ["pid"] = "2", ["version"] = "1.0" }), Array.Empty<StatsPoint>());
        store.Write(Series("shop", "allocs", _real.Allocs, T0, 1), Array.Empty<StatsPoint>());
        store.Write(Array.Empty<StoredProfile>(), new[]
        {
            new StatsPoint("shop", new Dictionary<string, string> { ["pid"] = "1" }, T0, new Dictionary<string, double> { ["rss_bytes"] = 1e8 }),
            new StatsPoint("shop", new Dictionary<string, string> { ["pid"] = "1" }, T0.AddSeconds(15), new Dictionary<string, double> { ["rss_bytes"] = 2e8 }),
        });
        var series = store.ListSeries();
        Assert.Equal(new[] { "shop/allocs", "shop/cpu", "shop/stats" }, series.Select(s => s.Service + "/" + s.Type));
        var cpu = series[1];
        Assert.Equal(6, cpu.Profiles);
        Assert.Equal(T0, cpu.First);
        Assert.Equal(T0.AddMinutes(5).AddSeconds(30), cpu.Last);
        Assert.Equal(new[] { "1", "2" }, cpu.Labels["pid"]);
        Assert.Equal(new[] { "1.0" }, cpu.Labels["version"]);
        Assert.Equal(2, series[2].Profiles);
    }

    [Fact]
    public void TimelineAddsDefaultValuesPerBucketAndStatsComeBackInOrder()
    {
        using var store = ProfileStore.Open(_dir);
        store.Write(Series("shop", "cpu", _real.AlphaCpu, T0, 8), Array.Empty<StatsPoint>());
        store.Write(Series("shop", "allocs", _real.Allocs, T0.AddMinutes(1), 4), Array.Empty<StatsPoint>());
        var labels = new Dictionary<string, string> { ["host"] = "h1" };
        store.Write(Array.Empty<StoredProfile>(), Enumerable.Range(0, 10).Reverse()
            .Select(i => new StatsPoint("shop", labels, T0.AddSeconds(15 * i), new Dictionary<string, double> { ["rss_bytes"] = i * 1000, ["cpu_percent"] = 12.5 })).ToList());
        var q = new HistoryQuery { Service = "shop", From = T0, To = T0.AddMinutes(2) };
        var timeline = store.Timeline(q, 2);
        Assert.Equal(new[] { "allocs", "allocs", "cpu", "cpu" }, timeline.Select(t => t.Type));
        Assert.Equal(new[] { T0, T0.AddMinutes(1), T0, T0.AddMinutes(1) }, timeline.Select(t => t.Time));
        Assert.Equal(new[] { 0, 4 * Total(_real.Allocs), 4 * Total(_real.AlphaCpu), 4 * Total(_real.AlphaCpu) }, timeline.Select(t => t.Value));
        Assert.Equal("nanoseconds", timeline[2].Unit);
        Assert.Equal(_real.Allocs.SampleTypes[^1].Unit, timeline[0].Unit);
        var stats = store.Stats(q with { To = T0.AddMinutes(1) });
        Assert.Equal(4, stats.Count);
        Assert.Equal(new[] { 0.0, 1000, 2000, 3000 }, stats.Select(s => s.Values["rss_bytes"]));
        Assert.All(stats, s => Assert.Equal("h1", s.Labels["host"]));
        Assert.Empty(store.Stats(q with { Service = "other" }));
    }

    [Fact]
    public void AReadOnlyStoreReadsWhileAnotherInstanceWrites()
    {
        using var writer = WriteAlphaThenBeta();
        using var reader = ProfileStore.Open(_dir, new ProfileStoreOptions { ReadOnly = true });
        Assert.Equal(40, reader.ListSeries().Single().Profiles);
        writer.Write(Series("shop", "cpu", _real.BetaCpu, T0.AddMinutes(30), 2), Array.Empty<StatsPoint>());
        Assert.Equal(30 * Total(_real.AlphaCpu) + 12 * Total(_real.BetaCpu), Total(reader.Query(Range(T0, T0.AddHours(1)))!));
        Assert.Throws<InvalidOperationException>(() => reader.Write(Series("shop", "cpu", _real.BetaCpu, T0, 1), Array.Empty<StatsPoint>()));
        Assert.Throws<InvalidOperationException>(() => reader.Maintain());
    }

    private static long TimeUnitsNanos(DateTime t) => (t - DateTime.UnixEpoch).Ticks * 100;
}
