using Pprof.Profiles;
using static Pprof.History.Tests.TestProfiles;

namespace Pprof.History.Tests;

/// <summary>Damaged stores and bad arguments give clear errors.</summary>
[Collection("history")]
public sealed class StoreHostileInputTests : IDisposable
{
    private readonly RealProfiles _real;
    private readonly string _dir = NewStoreDirectory();

    public StoreHostileInputTests(RealProfiles real) => _real = real;

    public void Dispose() => Delete(_dir);

    [Fact]
    public void AFileThatIsNotADatabaseIsAClearError()
    {
        var bytes = new byte[64 * 1024];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(_dir, "profiles.db"), bytes);
        var e = Assert.Throws<InvalidDataException>(() => ProfileStore.Open(_dir));
        Assert.Contains("not a usable profile store", e.Message);
        Assert.Contains("profiles.db", e.Message);
    }

    [Fact]
    public void ADamagedDatabaseIsAClearErrorNotACrash()
    {
        using (var store = ProfileStore.Open(_dir))
        {
            store.Write(Series("shop", "cpu", _real.AlphaCpu, T0, 20), Array.Empty<StatsPoint>());
        }
        // Overwrite everything after the first page with garbage.
        string file = Path.Combine(_dir, "profiles.db");
        var bytes = File.ReadAllBytes(file);
        Assert.True(bytes.Length > 8192);
        new Random(3).NextBytes(bytes.AsSpan(4096));
        File.WriteAllBytes(file, bytes);
        var e = Record.Exception(() =>
        {
            using var store = ProfileStore.Open(_dir);
            store.Query(new HistoryQuery { Type = "cpu", From = T0, To = T0.AddHours(1) });
            store.ListSeries();
        });
        Assert.NotNull(e);
        Assert.True(e is InvalidDataException or Microsoft.Data.Sqlite.SqliteException, e.ToString());
    }

    [Fact]
    public void ReadOnlyOpenOfAMissingStoreFails()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => ProfileStore.Open(Path.Combine(_dir, "missing"), new ProfileStoreOptions { ReadOnly = true }));
        Assert.Contains("no profile store", e.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "missing")));
    }

    [Fact]
    public void BadProfilesAndArgumentsAreRefused()
    {
        using var store = ProfileStore.Open(_dir);
        var labels = new Dictionary<string, string>();
        Assert.Throws<ArgumentException>(() => store.Write(new[] { new StoredProfile("", "cpu", labels, T0, TimeSpan.FromSeconds(1), _real.AlphaCpu) }, Array.Empty<StatsPoint>()));
        Assert.Throws<ArgumentException>(() => store.Write(new[] { new StoredProfile("s", "", labels, T0, TimeSpan.FromSeconds(1), _real.AlphaCpu) }, Array.Empty<StatsPoint>()));
        Assert.Throws<ArgumentException>(() => store.Write(new[] { new StoredProfile("s", "cpu", labels, T0, TimeSpan.FromSeconds(1), new Profile()) }, Array.Empty<StatsPoint>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Timeline(new HistoryQuery { From = T0, To = T0.AddHours(1) }, 0));
        // Nothing of a refused batch was written.
        Assert.Empty(store.ListSeries());
        // Reversed or empty ranges match nothing.
        store.Write(Series("shop", "cpu", _real.AlphaCpu, T0, 2), Array.Empty<StatsPoint>());
        Assert.Null(store.Query(new HistoryQuery { From = T0.AddHours(1), To = T0 }));
        Assert.Empty(store.Timeline(new HistoryQuery { From = T0.AddHours(1), To = T0 }, 10));
        // Stats values that are not finite are dropped rather than stored.
        store.Write(Array.Empty<StoredProfile>(), new[] { new StatsPoint("shop", labels, T0, new Dictionary<string, double> { ["a"] = double.NaN, ["b"] = 1 }) });
        Assert.Equal(new[] { "b" }, store.Stats(new HistoryQuery { From = T0, To = T0.AddHours(1) }).Single().Values.Keys);
    }

    [Fact]
    public void AHashCollisionKeepsBothStacks()
    {
        using (var store = ProfileStore.Open(_dir))
        {
            store.Write(Series("shop", "cpu", _real.AlphaCpu, T0, 1), Array.Empty<StatsPoint>());
        }
        // Give every stored stack other content under its hash: the same stacks written again now collide with rows
        // that hold something else.
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "profiles.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE stacks SET data = X'00'";
            cmd.ExecuteNonQuery();
        }
        long stacks = Rows(_dir, "stacks");
        using (var store = ProfileStore.Open(_dir))
        {
            store.Write(Series("shop", "cpu", _real.AlphaCpu, T0.AddMinutes(1), 1), Array.Empty<StatsPoint>());
            // New rows under the next hash values; the second profile is exactly alpha.
            Assert.Equal(2 * stacks, Rows(_dir, "stacks"));
            var p = store.Query(new HistoryQuery { From = T0.AddMinutes(1), To = T0.AddHours(1) })!;
            Assert.Equal(ByStack(_real.AlphaCpu), ByStack(p));
        }
    }
}
