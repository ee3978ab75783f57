using System.Globalization;
using System.Text.Json;
using Pprof.Cli.Trace.Web;
using Pprof.Cli.Web;
using Pprof.Traces;
using Pprof.Traces.Analysis;

namespace Pprof.Cli.Tests;

/// <summary>Truth tests of the trace analyses (goroutine analysis, tasks and regions, GC list, MMU) on a real process
/// recorded with <c>dotnet-pprof collect trace</c>: three threads fighting over one lock, a forced GC every second and a
/// user region around a 100 ms sleep (<c>TestTarget 60 tracelock traceregion</c>). Checked through the library, the
/// <c>-gc</c>/<c>-mmu</c>/<c>-regions</c>/<c>-goroutines</c> text and the web views.</summary>
public sealed class TraceAnalysisTests : IClassFixture<TraceAnalysisTests.Analyzed>
{
    private const string LockThreadStart = "Pprof.Runtime.TestTarget.TraceWorkloads+<>c__DisplayClass2_0.<LockFightAndGc>b__0";

    private readonly Analyzed _a;

    public TraceAnalysisTests(Analyzed analyzed) => _a = analyzed;

    /// <summary>One recording (the trace command tests' workload), read once.</summary>
    public sealed class Analyzed : IDisposable
    {
        private readonly TraceCommandTests.Recording _recording = new();

        public Analyzed() => Trace = NetTrace.Read(_recording.File);

        public string File => _recording.File;

        public NetTrace Trace { get; }

        public void Dispose() => _recording.Dispose();
    }

    [Fact]
    public void RegionAroundA100msSleepShowsAs100msInTheHistogramAndInstances()
    {
        var s = SpanStatistics.Summarize(_a.Trace, "region").Single(x => x.Name == "sleep-100ms");
        Assert.True(s.Count >= 10, $"{s.Count} regions in 5 s");
        Assert.Equal(s.Count - s.Unfinished, s.Histogram.Count);
        // 100 ms ± 10 ms: the median (a sleep on a loaded machine sometimes wakes late, and the region says so).
        Assert.InRange(s.MedianNanos, 99_000_000, 110_000_000);
        Assert.True(s.MinNanos >= 99_000_000, $"a region around a 100 ms sleep lasted {s.MinNanos / 1e6:0.0}ms");
        Assert.All(s.Instances.Where(i => i.EndNanos >= 0), i => Assert.True(i.DurationNanos >= 99_000_000));
        // The histogram's fullest bucket holds 100 ms (five buckets a decade: [100 ms, 158 ms)).
        var fullest = s.Histogram.Buckets().OrderByDescending(b => b.Count).First();
        Assert.InRange(100_000_000L, fullest.LowNanos, fullest.HighNanos - 1);
        Assert.True(fullest.Count * 2 >= s.Histogram.Count, "most regions in the 100 ms bucket");
        // Each region belongs to a task "sleeper", whose summary is there too.
        var tasks = SpanStatistics.Summarize(_a.Trace, "task").Single(x => x.Name == "sleeper");
        Assert.True(tasks.MedianNanos >= s.MedianNanos);

        var r = CliRunner.Run(new[] { "trace", "-regions", _a.File }, timeoutMs: 300_000);
        Assert.True(r.ExitCode == 0, r.Stderr);
        var line = r.StdoutText.Split('\n').First(l => l.StartsWith("region ", StringComparison.Ordinal) && l.Contains("sleep-100ms", StringComparison.Ordinal));
        // kind name count unfinished total min median ...: the median column reads about 100 ms.
        double median = ParseMs(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[6]);
        Assert.InRange(median, 99, 110);
        Assert.Contains("region sleep-100ms: latency histogram", r.StdoutText);
    }

    [Fact]
    public void GoroutineAnalysisPutsTheLockThreadsWaitingInLockWait()
    {
        var groups = GoroutineAnalysis.Analyze(_a.Trace);
        var g = groups.Single(x => x.Name == LockThreadStart);
        Assert.False(g.ThreadPool);
        Assert.Equal(new[] { "lock-1", "lock-2", "lock-3" }, g.Instances.Select(i => i.ThreadName).Order().ToArray());
        foreach (var i in g.Instances)
        {
            var t = i.Times;
            long notRunning = t.TotalNanos - t.ExecutionNanos;
            long otherWaits = t.WaitHandleNanos + t.NetNanos + t.SyscallNanos + t.SleepNanos + t.SchedNanos;
            Assert.True(t.TotalNanos > 3_000_000_000, $"{i.ThreadName} seen for {t.TotalNanos / 1e6:0}ms of a 5 s trace");
            // Three threads, one lock held ~5 ms at a time: each waits for it much of the time, and that is its not-running time.
            Assert.True(t.LockWaitNanos > 500_000_000, $"{i.ThreadName}: {t.LockWaitNanos / 1e6:0}ms of lock wait");
            Assert.True(t.LockWaitNanos >= 0.8 * notRunning, $"{i.ThreadName}: lock wait {t.LockWaitNanos / 1e6:0}ms of {notRunning / 1e6:0}ms not running");
            Assert.True(t.LockWaitNanos > 5 * otherWaits, $"{i.ThreadName}: lock wait {t.LockWaitNanos / 1e6:0}ms, other waits {otherWaits / 1e6:0}ms");
            Assert.True(t.ExecutionNanos > 0);
        }
        // The GC forcer sleeps between its GCs.
        var forcer = groups.Single(x => x.Instances.Any(i => i.ThreadName == "gc-forcer"));
        Assert.True(forcer.Times.SleepNanos > 0.8 * forcer.Times.TotalNanos, $"gc-forcer slept {forcer.Times.SleepNanos / 1e6:0}ms of {forcer.Times.TotalNanos / 1e6:0}ms");
        Assert.Equal(1, forcer.Count);

        var r = CliRunner.Run(new[] { "trace", "-goroutines", _a.File }, timeoutMs: 300_000);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains(LockThreadStart + ":", r.StdoutText);
        Assert.Contains("lock-1 (", r.StdoutText);
    }

    [Fact]
    public void GcListHasTheForcedGcsASecondApartAndMmuFollowsThePauses()
    {
        var induced = _a.Trace.Gcs.Where(g => g.Reason == "Induced").ToList();
        Assert.InRange(induced.Count, 4, 7);
        var spacing = induced.Zip(induced.Skip(1), (a, b) => (b.StartNanos - a.StartNanos) / 1e6).Order().ToList();
        Assert.InRange(spacing[spacing.Count / 2], 950, 1050);
        foreach (var g in induced)
        {
            Assert.Equal(2, g.Generation);
            Assert.True(g.PauseNanos > 0, $"GC #{g.Number} has no pause");
            Assert.True(g.PauseStartNanos <= g.StartNanos && g.EndNanos <= g.PauseEndNanos, $"GC #{g.Number} outside its pause");
            Assert.True(g.HeapSizeBefore > 0 && g.HeapSizeAfter > 0, $"GC #{g.Number}: heap {g.HeapSizeBefore} -> {g.HeapSizeAfter}");
        }

        var pauses = MmuCurve.Pauses(_a.Trace);
        long longest = pauses.Max(p => p.EndNanos - p.StartNanos);
        long total = pauses.Sum(p => p.EndNanos - p.StartNanos);
        var curve = MmuCurve.Compute(_a.Trace);
        Assert.Equal(1_000_000, curve[0].WindowNanos);
        Assert.Equal(_a.Trace.DurationNanos, curve[^1].WindowNanos);
        // The whole trace: exactly the share not paused, so more than 0 and less than 1.
        Assert.Equal(1 - (double)total / _a.Trace.DurationNanos, curve[^1].Utilization, 9);
        Assert.True(curve[^1].Utilization > 0 && curve[^1].Utilization < 1);
        // 1 ms: a window inside the longest pause (or holding as much of it as fits).
        Assert.True(curve[0].Utilization <= 1 - Math.Min(longest, 1_000_000) / 1e6 + 1e-9, $"MMU(1ms) = {curve[0].Utilization}, longest pause {longest / 1e6:0.00}ms");
        // Non-decreasing in the window size is not guaranteed in general, but the curve stays within [0, 1].
        Assert.All(curve, p => Assert.InRange(p.Utilization, 0, 1));

        var r = CliRunner.Run(new[] { "trace", "-gc", "-mmu", _a.File }, timeoutMs: 300_000);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.True(r.StdoutText.Split('\n').Count(l => l.Contains(" Induced ", StringComparison.Ordinal)) == induced.Count, r.StdoutText);
        Assert.Contains("Minimum mutator utilization: ", r.StdoutText);
    }

    [Fact]
    public void WebViewsServeTheAnalysesAndRefuseBadParameters()
    {
        var ui = new TraceWebUi(_a.Trace, "t.nettrace", new WebAccess(true, new[] { "localhost" }), Path.Combine(Path.GetTempPath(), "pprof-settings-" + Guid.NewGuid().ToString("N")), TraceViews.All);
        WebResponse Get(string path, params (string, string)[] query) =>
            ui.Handle(new WebRequest("GET", path, query.ToDictionary(q => q.Item1, q => q.Item2), System.Net.IPAddress.Loopback, headers: new Dictionary<string, string> { ["Host"] = "localhost" }));

        var index = Get("/");
        Assert.Equal(200, index.Status);
        foreach (var v in TraceViews.All) Assert.Contains("href=\"" + v.Path + "\"", index.Text);

        var groups = Get("/goroutines");
        Assert.Equal(200, groups.Status);
        Assert.Contains("id=\"goroutine-groups\"", groups.Text);
        Assert.Contains(System.Net.WebUtility.HtmlEncode(LockThreadStart), groups.Text);
        var drill = Get("/goroutines", ("name", LockThreadStart));
        Assert.Equal(200, drill.Status);
        Assert.Contains("lock-2 (", drill.Text);
        using (var doc = JsonDocument.Parse(Get("/goroutines/data").Body))
        {
            var g = doc.RootElement.EnumerateArray().Single(x => x.GetProperty("name").GetString() == LockThreadStart);
            Assert.Equal(3, g.GetProperty("count").GetInt32());
            Assert.True(g.GetProperty("lockWaitNanos").GetInt64() > 1_500_000_000);
        }

        var regions = Get("/regions", ("kind", "region"), ("name", "sleep-100ms"));
        Assert.Equal(200, regions.Status);
        Assert.Contains("id=\"region-histogram\"", regions.Text);
        using (var doc = JsonDocument.Parse(Get("/regions/data").Body))
        {
            var s = doc.RootElement.EnumerateArray().Single(x => x.GetProperty("kind").GetString() == "region" && x.GetProperty("name").GetString() == "sleep-100ms");
            Assert.InRange(s.GetProperty("medianNanos").GetInt64(), 99_000_000, 110_000_000);
        }

        var mmu = Get("/mmu");
        Assert.Equal(200, mmu.Status);
        Assert.Contains("<svg class=\"chart\" id=\"mmu-chart\"", mmu.Text);
        Assert.Contains("<polyline", mmu.Text);
        Assert.DoesNotContain("<script", mmu.Text);
        var gc = Get("/gc");
        Assert.Equal(200, gc.Status);
        Assert.Contains("Induced", gc.Text);

        // Hostile parameters: a clear 4xx, never a crash.
        Assert.Equal(400, Get("/mmu", ("points", "1000000")).Status);
        Assert.Equal(400, Get("/mmu", ("points", "x")).Status);
        Assert.Equal(400, Get("/regions", ("kind", "region"), ("name", "sleep-100ms"), ("min", "-5")).Status);
        Assert.Equal(404, Get("/regions", ("kind", "region"), ("name", "<script>")).Status);
        Assert.Equal(404, Get("/goroutines", ("name", new string('x', 4000))).Status);
        Assert.Equal(404, Get("/gc/nothing").Status);
    }

    private static double ParseMs(string d) =>
        d.EndsWith("ms", StringComparison.Ordinal) ? double.Parse(d[..^2], CultureInfo.InvariantCulture)
        : d.EndsWith("µs", StringComparison.Ordinal) ? double.Parse(d[..^2], CultureInfo.InvariantCulture) / 1000
        : d.EndsWith('s') ? double.Parse(d[..^1], CultureInfo.InvariantCulture) * 1000
        : throw new FormatException(d);
}
