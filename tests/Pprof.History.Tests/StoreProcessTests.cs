using System.Diagnostics;
using System.Globalization;
using static Pprof.History.Tests.TestProfiles;

namespace Pprof.History.Tests;

/// <summary>Other processes writing to the store: two at once, and one killed in the middle of its writes.</summary>
[Collection("history")]
public sealed class StoreProcessTests : IDisposable
{
    private readonly RealProfiles _real;
    private readonly string _dir = NewStoreDirectory();

    public StoreProcessTests(RealProfiles real) => _real = real;

    public void Dispose() => Delete(_dir);

    private static readonly string s_writerDll = Path.Combine(AppContext.BaseDirectory, "Pprof.History.TestWriter.dll");

    private Process StartWriter(int batches, int perBatch, DateTime start)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "exec", s_writerDll, _dir, _real.AlphaFile, "shop", batches.ToString(CultureInfo.InvariantCulture), perBatch.ToString(CultureInfo.InvariantCulture), ((long)(start - DateTime.UnixEpoch).TotalSeconds).ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    [Fact]
    public async Task TwoProcessesWriteAtOnceAndNothingIsLost()
    {
        // Both create the store (racing on its creation) and write 40 batches of 3 profiles each.
        using var a = StartWriter(40, 3, T0);
        using var b = StartWriter(40, 3, T0);
        var outA = a.StandardOutput.ReadToEndAsync();
        var outB = b.StandardOutput.ReadToEndAsync();
        var errA = a.StandardError.ReadToEndAsync();
        var errB = b.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await a.WaitForExitAsync(cts.Token);
        await b.WaitForExitAsync(cts.Token);
        Assert.True(a.ExitCode == 0, "writer a: " + await errA);
        Assert.True(b.ExitCode == 0, "writer b: " + await errB);
        Assert.Contains("batch 40", await outA);
        Assert.Contains("batch 40", await outB);
        using var store = ProfileStore.Open(_dir);
        var series = store.ListSeries().Single();
        Assert.Equal(240, series.Profiles);
        Assert.Equal(new[] { a.Id, b.Id }.Order().Select(i => i.ToString(CultureInfo.InvariantCulture)), series.Labels["pid"].Order(StringComparer.Ordinal));
        var p = store.Query(new HistoryQuery { Type = "cpu", From = T0, To = T0.AddDays(1) })!;
        Assert.Equal(240 * Total(_real.AlphaCpu), Total(p));
        Assert.Equal(ByStack(_real.AlphaCpu).Count, ByStack(p).Count);
    }

    [Fact]
    public async Task StoreOpensAfterAWriterIsKilledMidWrite()
    {
        // Big batches (50 profiles each) so that the kill lands inside a transaction most of the time.
        using var writer = StartWriter(100_000, 50, T0);
        var errors = writer.StandardError.ReadToEndAsync();
        int seen = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (seen < 3)
        {
            string? line = await writer.StandardOutput.ReadLineAsync(cts.Token);
            if (line == null) Assert.Fail("the writer ended early: " + await errors);
            if (line.StartsWith("batch ", StringComparison.Ordinal)) seen = int.Parse(line[6..], CultureInfo.InvariantCulture);
        }
        // Let it get into its next transaction, then kill -9.
        await Task.Delay(50);
        writer.Kill(entireProcessTree: true);
        await writer.WaitForExitAsync(cts.Token);

        using var store = ProfileStore.Open(_dir);
        long profiles = store.ListSeries().Single().Profiles;
        // Only whole batches: every committed one, the interrupted one not at all.
        Assert.True(profiles >= 3 * 50, $"{profiles} profiles after 3 committed batches");
        Assert.Equal(0, profiles % 50);
        var p = store.Query(new HistoryQuery { Type = "cpu", From = T0, To = T0.AddYears(1) })!;
        Assert.Equal(profiles * Total(_real.AlphaCpu), Total(p));
        Assert.Equal(RealProfiles.Alpha, TopFlat(p));
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "profiles.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", cmd.ExecuteScalar());
        }
        // And takes the next batch.
        store.Write(Series("shop", "cpu", _real.BetaCpu, T0.AddYears(-1), 1), Array.Empty<StatsPoint>());
        Assert.Equal(profiles + 1, store.ListSeries().Sum(s => s.Profiles));
    }
}
