using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pprof.Profiles;

namespace Pprof.Cli.Tests;

/// <summary>Truth tests of execution traces: <c>dotnet-pprof collect trace</c> records a real process with a known
/// workload (three threads fighting over one lock, a forced GC every second, 100 ms sleeps in user regions) and
/// <c>dotnet-pprof trace</c> must say so in its sync profile, its Chrome timeline and its speedscope export.</summary>
public sealed class TraceCommandTests : IClassFixture<TraceCommandTests.Recording>
{
    private readonly Recording _recording;

    public TraceCommandTests(Recording recording) => _recording = recording;

    private static string TargetDll => Path.Combine(AppContext.BaseDirectory, "Pprof.Runtime.TestTarget.dll");

    /// <summary>One 5 s trace of the lock fight and the regions, shared by the tests of this class.</summary>
    public sealed class Recording : IDisposable
    {
        public Recording()
        {
            Dir = Path.Combine(Path.GetTempPath(), "pprof-trace-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Dir);
            File = Path.Combine(Dir, "t.nettrace");
            var target = CollectProcessTests.StartTarget("60 tracelock traceregion");
            try
            {
                // Let the workload settle (threads started, first GCs) before recording.
                Thread.Sleep(1500);
                var r = CliRunner.Run(new[] { "collect", "trace", "-p", target.Id.ToString(CultureInfo.InvariantCulture), "-d", "5s", "-o", File }, timeoutMs: 300_000);
                Assert.True(r.ExitCode == 0, r.Stderr);
                Assert.Contains("wrote trace to " + File, r.Stderr);
            }
            finally
            {
                target.Kill();
                target.WaitForExit();
                target.Dispose();
            }
        }

        public string Dir { get; }

        public string File { get; }

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    [Fact]
    public void SyncProfileBlamesTheLocksWaitingMethod()
    {
        var r = CliRunner.Run(new[] { "trace", "-pprof=sync", _recording.File }, timeoutMs: 300_000);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var p = Profile.Parse(r.Stdout);
        Assert.Equal(new[] { "contentions/count", "delay/nanoseconds" }, p.SampleTypes.Select(t => t.ToString()));
        Assert.Equal("trace/count", p.PeriodType?.ToString());
        long total = p.Samples.Sum(s => s.Values[1]);
        long inLock = p.Samples.Where(s => s.Locations.SelectMany(l => l.Lines).Any(l => l.Function?.Name == "Pprof.Runtime.TestTarget.TraceWorkloads.WaitForLock")).Sum(s => s.Values[1]);
        Assert.True(total > 0, "no blocking in the sync profile");
        Assert.True(inLock >= 0.8 * total, $"WaitForLock has {inLock / 1e6:0}ms of {total / 1e6:0}ms of blocking");
        // Three threads fight for 5 s: at least one second of lock waiting in all (two of them wait while one holds).
        Assert.True(inLock > 1_000_000_000, $"only {inLock / 1e6:0}ms of lock waiting");
        Assert.True(p.Samples.Where(s => s.Locations.SelectMany(l => l.Lines).Any(l => l.Function?.Name == "Pprof.Runtime.TestTarget.TraceWorkloads.WaitForLock")).Sum(s => s.Values[0]) >= 10);
    }

    [Fact]
    public void ChromeTimelineHasTheForcedGcsAndLanesNamedAfterTheThreads()
    {
        string json = Path.Combine(_recording.Dir, "chrome.json");
        var r = CliRunner.Run(new[] { "trace", "-chrome=" + json, _recording.File }, timeoutMs: 300_000);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
        var events = doc.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        var lanes = events.Where(e => e.GetProperty("ph").GetString() == "M" && e.GetProperty("name").GetString() == "thread_name")
            .Select(e => e.GetProperty("args").GetProperty("name").GetString()!).ToList();
        foreach (var name in new[] { "lock-1", "lock-2", "lock-3", "gc-forcer" }) Assert.Contains(lanes, l => l.StartsWith(name + " (", StringComparison.Ordinal));
        var induced = events.Where(e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("cat").GetString() == "gc" && e.GetProperty("name").GetString()!.StartsWith("GC #", StringComparison.Ordinal))
            .Where(e => e.GetProperty("args").GetProperty("reason").GetString() == "Induced")
            .Select(e => e.GetProperty("ts").GetDouble() / 1000).OrderBy(t => t).ToList();
        // One forced GC a second for 5 s (the recording's start and stop add up to a second of slack).
        Assert.InRange(induced.Count, 4, 7);
        var spacing = induced.Zip(induced.Skip(1), (a, b) => b - a).OrderBy(d => d).ToList();
        double median = spacing[spacing.Count / 2];
        Assert.InRange(median, 900, 1100);
        // Loosely each one: a GC delayed on a loaded machine is followed by the next one sooner (it is due at n seconds).
        Assert.All(spacing, d => Assert.InRange(d, 100, 2500));
        // The lock waits are on the lock threads' lanes.
        var lockTids = events.Where(e => e.GetProperty("ph").GetString() == "M" && e.GetProperty("name").GetString() == "thread_name" && e.GetProperty("args").GetProperty("name").GetString()!.StartsWith("lock-", StringComparison.Ordinal))
            .Select(e => e.GetProperty("tid").GetInt32()).ToHashSet();
        Assert.Contains(events, e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("name").GetString() == "lock wait" && lockTids.Contains(e.GetProperty("tid").GetInt32()));
    }

    [Fact]
    public void UserRegionAroundA100msSleepLastsWhatTheSleepMeasured()
    {
        string json = Path.Combine(_recording.Dir, "regions.json");
        var r = CliRunner.Run(new[] { "trace", "-chrome=" + json, _recording.File }, timeoutMs: 300_000);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
        var events = doc.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        var regions = events.Where(e => e.GetProperty("ph").GetString() == "X" && e.GetProperty("cat").GetString() == "region" && e.GetProperty("name").GetString() == "sleep-100ms").ToList();
        var logs = events.Where(e => e.GetProperty("ph").GetString() == "i" && e.GetProperty("cat").GetString() == "log").ToList();
        Assert.True(regions.Count >= 10, $"{regions.Count} regions in 5 s (one every 150 ms expected)");
        int checkedRegions = 0;
        var durations = new List<double>();
        foreach (var region in regions)
        {
            double start = region.GetProperty("ts").GetDouble(), dur = region.GetProperty("dur").GetDouble();
            int tid = region.GetProperty("tid").GetInt32();
            durations.Add(dur);
            // The stopwatch's measure around the whole region, logged right after it (microseconds).
            var log = logs.Where(l => l.GetProperty("tid").GetInt32() == tid && l.GetProperty("ts").GetDouble() >= start + dur).OrderBy(l => l.GetProperty("ts").GetDouble()).FirstOrDefault();
            if (log.ValueKind == JsonValueKind.Undefined) continue;
            double around = double.Parse(log.GetProperty("args").GetProperty("detail").GetString()!, CultureInfo.InvariantCulture);
            // The region holds the whole sleep and lies within what the stopwatch measured around it.
            Assert.True(dur >= 99_000, $"a region around a 100 ms sleep lasted {dur / 1000:0.0}ms");
            Assert.True(dur <= around + 1_000, $"region {dur / 1000:0.0}ms, stopwatch around it {around / 1000:0.0}ms");
            checkedRegions++;
        }
        // 100 ms ± 10 ms (the median: a sleep on a loaded machine sometimes wakes late, and the region says so).
        durations.Sort();
        Assert.InRange(durations[durations.Count / 2], 99_000, 110_000);
        Assert.True(checkedRegions >= 10, $"only {checkedRegions} regions held their log");
        // Each region belongs to a task named sleeper.
        Assert.Contains(events, e => e.GetProperty("ph").GetString() == "b" && e.GetProperty("cat").GetString() == "task" && e.GetProperty("name").GetString() == "sleeper");
    }

    [Fact]
    public void SpeedscopeHasTheSampledStacksOfEachNamedThread()
    {
        string json = Path.Combine(_recording.Dir, "speedscope.json");
        var r = CliRunner.Run(new[] { "trace", "-speedscope", json, _recording.File }, timeoutMs: 300_000);
        Assert.True(r.ExitCode == 0, r.Stderr);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(json));
        var root = doc.RootElement;
        Assert.Equal("https://www.speedscope.app/file-format-schema.json", root.GetProperty("$schema").GetString());
        var frames = root.GetProperty("shared").GetProperty("frames").EnumerateArray().Select(f => f.GetProperty("name").GetString()!).ToList();
        var lockProfile = root.GetProperty("profiles").EnumerateArray().Single(p => p.GetProperty("name").GetString()!.StartsWith("lock-1 (", StringComparison.Ordinal));
        Assert.Equal("sampled", lockProfile.GetProperty("type").GetString());
        var samples = lockProfile.GetProperty("samples").EnumerateArray().ToList();
        var weights = lockProfile.GetProperty("weights").EnumerateArray().ToList();
        Assert.Equal(samples.Count, weights.Count);
        Assert.True(samples.Count > 100, $"{samples.Count} samples of lock-1 in 5 s");
        // Root first: the thread's start, then down to the workload.
        var first = samples.First(s => s.GetArrayLength() > 3);
        Assert.Equal("System.Threading.Thread.StartCallback", frames[first[0].GetInt32()]);
        Assert.Contains(samples, s => s.EnumerateArray().Any(i => frames[i.GetInt32()] == "Pprof.Runtime.TestTarget.TraceWorkloads.WaitForLock"));
    }

    [Fact]
    public void SummaryCountsWhatTheTraceHolds()
    {
        var r = CliRunner.Run(new[] { "trace", "-summary", _recording.File }, timeoutMs: 300_000);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("Lock: ", r.StdoutText);
        Assert.Contains("regions: ", r.StdoutText);
        Assert.Contains("sleep-100ms x", r.StdoutText);
    }

    [Fact]
    public void HostileInputGetsAClearErrorAndAStatus()
    {
        string notTrace = Path.Combine(_recording.Dir, "not.nettrace");
        File.WriteAllText(notTrace, "hello, not a trace");
        var r = CliRunner.Run(new[] { "trace", "-pprof=sync", notTrace });
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("not a .nettrace file", r.Stderr);
        Assert.Empty(r.Stdout);

        r = CliRunner.Run(new[] { "trace", "-pprof=mutex", _recording.File });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("unknown pprof type mutex", r.Stderr);

        r = CliRunner.Run(new[] { "trace", "-bogus", _recording.File });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("flag provided but not defined: -bogus", r.Stderr);

        r = CliRunner.Run(new[] { "trace" });
        Assert.Equal(2, r.ExitCode);

        r = CliRunner.Run(new[] { "trace", Path.Combine(_recording.Dir, "missing.nettrace") });
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no such file", r.Stderr);

        r = CliRunner.Run(new[] { "trace", "-http=localhost:99999", _recording.File });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad port", r.Stderr);

        r = CliRunner.Run(new[] { "trace", "-summary=maybe", _recording.File });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("invalid boolean value", r.Stderr);

        // A trace cut in half (a recording that was killed): read as far as it goes, or refused; never a hang or a crash.
        string cut = Path.Combine(_recording.Dir, "cut.nettrace");
        var bytes = File.ReadAllBytes(_recording.File);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        r = CliRunner.Run(new[] { "trace", "-summary", cut }, timeoutMs: 300_000);
        Assert.True(r.ExitCode is 0 or 1, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void LaunchModeTracesTheCommandFromItsStartAndPassesOnItsExitStatus()
    {
        string file = Path.Combine(_recording.Dir, "launch.nettrace");
        var r = CliRunner.Run(new[] { "collect", "trace", "-o", file, "--", CliRunner.DotnetHost, TargetDll, "1.5", "traceregion", "exit=3" }, timeoutMs: 300_000);
        Assert.True(r.ExitCode == 3, $"exit {r.ExitCode}: {r.Stderr}");
        Assert.StartsWith("ready ", r.StdoutText);
        var s = CliRunner.Run(new[] { "trace", file }, timeoutMs: 300_000);
        Assert.True(s.ExitCode == 0, s.Stderr);
        Assert.Contains("sleep-100ms x", s.StdoutText);
    }
}
