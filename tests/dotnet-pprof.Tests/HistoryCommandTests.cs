using System.Globalization;
using Pprof.Cli.History;
using Pprof.History;
using Pprof.Profiles;

namespace Pprof.Cli.Tests;

/// <summary><c>dotnet-pprof history</c> on a store of real CPU profiles of the test target (collected out of process
/// by <c>dotnet-pprof collect cpu</c> while it spins in Workloads.HotMethod) and real allocation profiles.</summary>
public sealed class HistoryCommandTests : IClassFixture<HistoryCommandTests.Store>
{
    private const string Hot = "Pprof.Runtime.TestTarget.Workloads.HotMethod";
    private static readonly DateTime s_t0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly Store _store;

    public HistoryCommandTests(Store store) => _store = store;

    /// <summary>A store with service shop: 20 cpu profiles from 12:00:00 (pid 1) and 10 from 12:10:00 (pid 2), 4
    /// allocs profiles; service cart: 3 cpu profiles. Plus the collected profiles for the expected totals.</summary>
    public sealed class Store : IDisposable
    {
        public Store()
        {
            Dir = Path.Combine(Path.GetTempPath(), "pprof-history-cli-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Dir);
            Cpu = Collect("cpu", "cpu");
            Allocs = Collect("allocs", "alloc");
            using var store = ProfileStore.Open(Dir);
            store.Write(Series("shop", "cpu", Cpu, s_t0, 20, "1"), Array.Empty<StatsPoint>());
            store.Write(Series("shop", "cpu", Cpu, s_t0.AddMinutes(10), 10, "2"), Array.Empty<StatsPoint>());
            store.Write(Series("shop", "allocs", Allocs, s_t0, 4, "1"), Array.Empty<StatsPoint>());
            store.Write(Series("cart", "cpu", Cpu, s_t0, 3, "3"), Array.Empty<StatsPoint>());
        }

        public string Dir { get; }

        public Profile Cpu { get; }

        public Profile Allocs { get; }

        private Profile Collect(string kind, string workload)
        {
            using var target = CollectProcessTests.StartTarget("60 " + workload);
            try
            {
                string file = Path.Combine(Dir, kind + ".pb.gz");
                var r = CliRunner.Run(new[] { "collect", kind, "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-d", "3s", "-o", file }, timeoutMs: 300_000);
                Assert.True(r.ExitCode == 0, r.Stderr);
                using var f = File.OpenRead(file);
                return Profile.Parse(f);
            }
            finally
            {
                target.Kill();
                target.WaitForExit();
            }
        }

        private static List<StoredProfile> Series(string service, string type, Profile p, DateTime start, int count, string pid) =>
            Enumerable.Range(0, count)
                .Select(i => new StoredProfile(service, type, new Dictionary<string, string> { ["pid"] = pid, ["host"] = "h1" }, start.AddSeconds(15 * i), TimeSpan.FromSeconds(15), p))
                .ToList();

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    private static long Total(Profile p) => p.Samples.Sum(s => s.Values[^1]);

    private static string Rfc3339(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Unix(DateTime t) => ((long)(t - DateTime.UnixEpoch).TotalSeconds).ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void MergesTheRangeIntoAProfileTheReportsRead()
    {
        string output = Path.Combine(_store.Dir, "merged.pb.gz");
        var r = CliRunner.Run(new[] { "history", "-store", _store.Dir, "-service", "shop", "-type", "cpu", "-from", Rfc3339(s_t0), "-to", Unix(s_t0.AddHours(1)), "-o", output });
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("wrote " + output, r.Stderr);
        Profile merged;
        using (var f = File.OpenRead(output)) merged = Profile.Parse(f);
        Assert.Equal(30 * Total(_store.Cpu), Total(merged));
        Assert.Equal(_store.Cpu.SampleTypes.Select(t => t.ToString()), merged.SampleTypes.Select(t => t.ToString()));
        // Our own report reads it and puts the hot method first (after pseudo-frames such as [cpu time not sampled]).
        var top = CliRunner.Run(new[] { "-top", "-nodecount=5", output });
        Assert.True(top.ExitCode == 0, top.Stderr);
        string first = top.StdoutText.Split('\n').SkipWhile(l => !l.TrimStart().StartsWith("flat", StringComparison.Ordinal)).Skip(1)
            .First(l => !l.TrimEnd().EndsWith(']'));
        Assert.EndsWith(Hot, first.TrimEnd());
    }

    [Fact]
    public void WritesToARedirectedStandardOutput()
    {
        var r = CliRunner.Run(new[] { "history", "-store", _store.Dir, "-service=shop", "--type=cpu", "-from", Rfc3339(s_t0.AddMinutes(10)), "-to", Rfc3339(s_t0.AddMinutes(20)) });
        Assert.True(r.ExitCode == 0, r.Stderr);
        var p = Profile.Parse(r.Stdout);
        // Only the 10 profiles from 12:10 on.
        Assert.Equal(10 * Total(_store.Cpu), Total(p));
        Assert.Equal(s_t0.AddMinutes(10), DateTime.UnixEpoch.AddTicks(p.TimeNanos / 100));
    }

    [Fact]
    public void LabelsSelectSeries()
    {
        var r = CliRunner.Run(new[] { "history", "-store", _store.Dir, "-type", "cpu", "-labels", "pid=2,host=h1", "-from", Unix(s_t0), "-to", Unix(s_t0.AddDays(1)) });
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(10 * Total(_store.Cpu), Total(Profile.Parse(r.Stdout)));
        // Without -service: both services' cpu profiles.
        r = CliRunner.Run(new[] { "history", "-store", _store.Dir, "-type", "cpu", "-from", Unix(s_t0), "-to", Unix(s_t0.AddDays(1)) });
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(33 * Total(_store.Cpu), Total(Profile.Parse(r.Stdout)));
    }

    [Fact]
    public void ListPrintsTheSeries()
    {
        var r = CliRunner.Run(new[] { "history", "-store", _store.Dir, "-list" });
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^SERVICE\s+TYPE\s+PROFILES\s+FIRST\s+LAST\s+LABELS$", lines[0]);
        Assert.Matches(@"^cart\s+cpu\s+3\s+2026-03-01T12:00:00Z\s+2026-03-01T12:00:45Z\s+host=h1 pid=3$", lines[1]);
        Assert.Matches(@"^shop\s+allocs\s+4\s+2026-03-01T12:00:00Z\s+2026-03-01T12:01:00Z\s+host=h1 pid=1$", lines[2]);
        Assert.Matches(@"^shop\s+cpu\s+30\s+2026-03-01T12:00:00Z\s+2026-03-01T12:12:30Z\s+host=h1 pid=1\|2$", lines[3]);
        r = CliRunner.Run(new[] { "history", "-store", _store.Dir, "-list", "-service", "cart" });
        Assert.Equal(2, r.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("-from|yesterday", 2, "invalid -from \"yesterday\"")]
    [InlineData("-to|-1x", 2, "invalid -to \"-1x\"")]
    [InlineData("-from|2026-13-01T00:00:00Z", 2, "invalid -from")]
    [InlineData("-from|-1h|-to|-2h", 2, "empty time range")]
    [InlineData("-labels|pid", 2, "invalid -labels \"pid\"")]
    [InlineData("-bogus", 2, "flag provided but not defined: -bogus")]
    [InlineData("-type", 2, "flag needs an argument: -type")]
    [InlineData("-type|nosuch|-from|0", 1, "no nosuch profiles in the store (it has: allocs, cpu)")]
    [InlineData("-service|nosuch|-from|0", 1, "no service nosuch in the store (it has: cart, shop)")]
    [InlineData("-from|0", 1, "profiles of several types match (allocs, cpu); choose one type with -type")]
    [InlineData("-type|cpu|-from|-1h", 1, "no profiles match cpu of all services from")]
    public void BadInputIsOneClearError(string args, int exitCode, string message)
    {
        var r = CliRunner.Run(new[] { "history", "-store", _store.Dir }.Concat(args.Split('|')));
        Assert.Equal(exitCode, r.ExitCode);
        Assert.StartsWith("dotnet-pprof history: ", r.Stderr);
        Assert.Contains(message, r.Stderr.Split('\n')[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.Empty(r.Stdout);
    }

    [Fact]
    public void MissingAndDamagedStoresAreClearErrors()
    {
        string missing = Path.Combine(_store.Dir, "nothing-here");
        var r = CliRunner.Run(new[] { "history", "-store", missing, "-list" });
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"no profile store in {missing}", r.Stderr);
        Assert.False(Directory.Exists(missing));

        string damaged = Path.Combine(_store.Dir, "damaged");
        Directory.CreateDirectory(damaged);
        File.WriteAllText(Path.Combine(damaged, "profiles.db"), "this is not a database, just text that happens to be long enough to look like a header page" + new string('x', 8192));
        r = CliRunner.Run(new[] { "history", "-store", damaged, "-type", "cpu" });
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("not a usable profile store: file is not a database", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void DefaultStoreComesFromTheEnvironment()
    {
        var r = CliRunner.Run(new[] { "history", "-list", "-type", "allocs" }, env: new Dictionary<string, string> { ["DOTNET_PPROF_STORE"] = _store.Dir });
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("shop", r.StdoutText);
    }

    [Fact]
    public void RefusesToWriteTheBinaryProfileToATerminal()
    {
        var stderr = new StringWriter();
        int rc = HistoryCommand.Run(new[] { "-store", _store.Dir, "-type", "cpu", "-from", "0" }, new MemoryStream(), stdoutIsTerminal: true, stderr, CancellationToken.None);
        Assert.Equal(2, rc);
        Assert.Contains("give -o FILE or redirect standard output", stderr.ToString());
    }

    [Theory]
    [InlineData("now", "2026-03-01T12:00:00Z")]
    [InlineData("-1h", "2026-03-01T11:00:00Z")]
    [InlineData("-1h30m", "2026-03-01T10:30:00Z")]
    [InlineData("-30m", "2026-03-01T11:30:00Z")]
    [InlineData("-7d", "2026-02-22T12:00:00Z")]
    [InlineData("2026-02-01T08:00:00Z", "2026-02-01T08:00:00Z")]
    [InlineData("2026-02-01T09:00:00+01:00", "2026-02-01T08:00:00Z")]
    [InlineData("2026-02-01T08:00:00.5Z", "2026-02-01T08:00:00Z")]
    [InlineData("2026-02-01", "2026-02-01T00:00:00Z")]
    [InlineData("1772366400", "2026-03-01T12:00:00Z")]
    public void TimesParse(string text, string expected)
    {
        Assert.True(HistoryTime.TryParse(text, s_t0, out var t));
        Assert.Equal(expected, HistoryTime.Format(t));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("-5")]
    [InlineData("-1y")]
    [InlineData("1h")]
    [InlineData("-99999999999d")]
    [InlineData("99999999999999999999")]
    [InlineData("2026-02-30")]
    [InlineData("tomorrow")]
    public void BadTimesDoNotParse(string text) => Assert.False(HistoryTime.TryParse(text, s_t0, out _));
}
