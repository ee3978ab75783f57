using static Pprof.History.Tests.TestProfiles;

namespace Pprof.History.Tests;

/// <summary>Retention by age and size, and downsampling, on real CPU profiles.</summary>
[Collection("history")]
public sealed class StoreMaintenanceTests : IDisposable
{
    private readonly RealProfiles _real;
    private readonly string _dir = NewStoreDirectory();

    public StoreMaintenanceTests(RealProfiles real) => _real = real;

    public void Dispose() => Delete(_dir);

    private static ProfileStoreOptions NoDownsampling() => new() { MinuteResolutionAfter = TimeSpan.Zero, HourResolutionAfter = TimeSpan.Zero, MaintenanceInterval = TimeSpan.Zero };

    [Fact]
    public void RetentionDeletesOldProfilesStatsAndTheStacksOnlyTheyUsed()
    {
        var now = DateTime.UtcNow;
        var options = NoDownsampling();
        options.Retention = TimeSpan.FromDays(7);
        using var store = ProfileStore.Open(_dir, options);
        var labels = new Dictionary<string, string> { ["host"] = "h1" };
        store.Write(Series("shop", "cpu", _real.BetaCpu, now.AddDays(-8), 5),
            new[] { new StatsPoint("shop", labels, now.AddDays(-8), new Dictionary<string, double> { ["rss_bytes"] = 1 }) });
        long betaOnly = Rows(_dir, "stacks");
        store.Write(Series("shop", "cpu", _real.AlphaCpu, now.AddDays(-6), 5),
            new[] { new StatsPoint("shop", labels, now.AddDays(-6), new Dictionary<string, double> { ["rss_bytes"] = 2 }) });
        long both = Rows(_dir, "stacks");
        store.Maintain();
        Assert.Equal(5, Rows(_dir, "profiles"));
        var all = new HistoryQuery { Type = "cpu", From = now.AddDays(-30), To = now };
        var p = store.Query(all)!;
        Assert.Equal(5 * Total(_real.AlphaCpu), Total(p));
        Assert.Equal(0, Flat(p, RealProfiles.Beta));
        Assert.Equal(new[] { 2.0 }, store.Stats(all).Select(s => s.Values["rss_bytes"]));
        // The stacks only beta's profiles used are gone; alpha's are all there.
        long after = Rows(_dir, "stacks");
        Assert.True(after < both, $"{after} stacks after retention, {both} before");
        Assert.True(after >= both - betaOnly, $"{after} stacks after retention, alpha alone has {both - betaOnly} or more");
        // The store still takes new profiles and answers queries after its caches were invalidated.
        store.Write(Series("shop", "cpu", _real.BetaCpu, now.AddMinutes(-1), 1), Array.Empty<StatsPoint>());
        Assert.Equal(5 * Total(_real.AlphaCpu) + Total(_real.BetaCpu), Total(store.Query(all)!));
        Assert.Equal(Flat(_real.BetaCpu, RealProfiles.Beta), Flat(store.Query(all)!, RealProfiles.Beta));
    }

    [Fact]
    public void SizeLimitDeletesTheOldestFirst()
    {
        var now = DateTime.UtcNow;
        using (var store = ProfileStore.Open(_dir, NoDownsampling()))
        {
            // Distinct stacks per profile: copies of alpha and beta alternate in hourly blocks with different labels.
            for (int h = 0; h < 12; h++)
            {
                var p = h % 2 == 0 ? _real.AlphaCpu : _real.BetaCpu;
                store.Write(Series("shop", "cpu", p, now.AddHours(-12 + h), 40, new Dictionary<string, string> { ["block"] = h.ToString("D2", System.Globalization.CultureInfo.InvariantCulture) }), Array.Empty<StatsPoint>());
            }
        }
        long used = UsedBytes();
        var options = NoDownsampling();
        options.MaxSizeBytes = used / 2;
        using (var store = ProfileStore.Open(_dir, options))
        {
            store.Maintain();
            long remaining = Rows(_dir, "profiles");
            Assert.InRange(remaining, 1, 479);
            Assert.True(UsedBytes() <= options.MaxSizeBytes, $"{UsedBytes()} bytes used, limit {options.MaxSizeBytes}");
            // What is left is the newest: the last block is complete and the oldest is gone.
            var series = store.ListSeries().Single();
            Assert.Equal("11", series.Labels["block"][^1]);
            Assert.DoesNotContain("00", series.Labels["block"]);
            // Exactly the newest profiles remain (the shared stacks take room too, so more than half may go).
            var starts = Enumerable.Range(0, 12).SelectMany(h => Enumerable.Range(0, 40).Select(i => now.AddHours(-12 + h).AddSeconds(15 * i))).Order().ToList();
            Assert.Equal(starts[480 - (int)remaining], series.First, TimeSpan.FromMilliseconds(1));
        }
        // The file shrinks too (incremental vacuum).
        Assert.True(new FileInfo(Path.Combine(_dir, "profiles.db")).Length <= used, "the database file did not shrink");
    }

    private long UsedBytes()
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "profiles.db")};Pooling=False");
        c.Open();
        long Scalar(string sql)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return (long)cmd.ExecuteScalar()!;
        }
        return (Scalar("PRAGMA page_count") - Scalar("PRAGMA freelist_count")) * Scalar("PRAGMA page_size");
    }

    [Fact]
    public void DownsamplingMergesIntoMinutesThenHoursAndPreservesTotals()
    {
        var now = DateTime.UtcNow;
        var hourStart = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc);
        var options = new ProfileStoreOptions { MaintenanceInterval = TimeSpan.Zero };
        using var store = ProfileStore.Open(_dir, options);
        // Two days ago: one hour of 15 s profiles (240), alpha and beta alternating. Three hours ago: ten minutes (40).
        // Ten minutes ago: 8 profiles that stay as they are.
        var old = Enumerable.Range(0, 240)
            .Select(i => new StoredProfile("shop", "cpu", new Dictionary<string, string> { ["host"] = "h1" }, hourStart.AddDays(-2).AddSeconds(15 * i), TimeSpan.FromSeconds(15), i % 2 == 0 ? _real.AlphaCpu : _real.BetaCpu))
            .ToList();
        store.Write(old, Array.Empty<StatsPoint>());
        store.Write(Series("shop", "cpu", _real.AlphaCpu, hourStart.AddHours(-3), 40), Array.Empty<StatsPoint>());
        store.Write(Series("shop", "cpu", _real.BetaCpu, now.AddMinutes(-10), 8), Array.Empty<StatsPoint>());
        var all = new HistoryQuery { Type = "cpu", From = now.AddDays(-3), To = now.AddMinutes(1) };
        var before = ByStack(store.Query(all)!);
        var beforeOld = ByStack(store.Query(all with { To = hourStart.AddDays(-1) })!);
        var beforeTimeline = store.Timeline(all with { From = hourStart.AddDays(-3), To = hourStart.AddHours(1) }, 3 * 24 + 1).Sum(t => t.Value);

        store.Maintain();

        Assert.Equal(1 + 10 + 8, Rows(_dir, "profiles"));
        Assert.Equal(before, ByStack(store.Query(all)!));
        Assert.Equal(beforeOld, ByStack(store.Query(all with { To = hourStart.AddDays(-1) })!));
        Assert.Equal(beforeTimeline, store.Timeline(all with { From = hourStart.AddDays(-3), To = hourStart.AddHours(1) }, 3 * 24 + 1).Sum(t => t.Value));
        // A minute of the ten-minute block holds its four profiles.
        Assert.Equal(4 * Total(_real.AlphaCpu), Total(store.Query(all with { From = hourStart.AddHours(-3).AddMinutes(2), To = hourStart.AddHours(-3).AddMinutes(3) })!));
        // Maintenance again changes nothing.
        store.Maintain();
        Assert.Equal(19, Rows(_dir, "profiles"));
        Assert.Equal(before, ByStack(store.Query(all)!));
        var series = store.ListSeries().Single();
        Assert.Equal(19, series.Profiles);
        Assert.Equal(hourStart.AddDays(-2), series.First);
    }
}
