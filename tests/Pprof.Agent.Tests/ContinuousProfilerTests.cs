using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pprof.AspNetCore;
using Pprof.History;
using Pprof.Profiles;
using Pprof.Runtime;
using Pprof.Runtime.TestTarget;

namespace Pprof.Agent.Tests;

/// <summary>The continuous profiler in this process: what it pushes and stores, and how it copes with a Pyroscope that
/// fails or hangs.</summary>
public sealed class ContinuousProfilerTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task InProcessProfilesArePushedAndStoredWithLabels()
    {
        string dir = TempDir();
        await using var server = await FakePyroscope.StartAsync();
        var options = new ContinuousProfilerOptions
        {
            Interval = TimeSpan.FromSeconds(1),
            Service = "cart-service",
            Version = "9.9.9",
            StoreDirectory = dir,
            Pyroscope = new PyroscopeOptions { Url = new Uri(server.Url) },
        };
        options.Labels["env"] = "test";
        var begin = DateTime.UtcNow;
        using var stop = new CancellationTokenSource();
        // A hot method under a Profiler.Labels scope: the label must stay on its samples.
        var worker = new Thread(() => Profiler.Do(new[] { "endpoint", "/api/cart" }, () =>
        {
            while (!stop.IsCancellationRequested) Workloads.HotMethod(200_000);
        })) { IsBackground = true, Name = "labelled-hot" };
        worker.Start();
        ContinuousProfiler profiler = ContinuousProfiler.Start(options);
        try
        {
            await WaitFor(() => server.Requests.Count >= 3 && profiler.WrittenBatches >= 6);
        }
        finally
        {
            await profiler.DisposeAsync();
            stop.Cancel();
            worker.Join();
        }
        var end = DateTime.UtcNow;
        Assert.Equal(0, profiler.DroppedBatches);
        Assert.Equal(0, profiler.FailedBatches);
        Assert.Equal(2 * profiler.CollectedBatches, profiler.WrittenBatches);

        var pushes = server.Requests.Where(r => r.Path == "/push.v1.PusherService/Push").Select(r => PushDecoder.Decode(r.Body)).ToList();
        Assert.Equal(profiler.CollectedBatches, pushes.Count);
        var expected = new Dictionary<string, string>
        {
            ["process_cpu"] = "samples/count cpu/nanoseconds",
            ["memory"] = "alloc_objects/count alloc_space/bytes",
            ["mutex"] = "contentions/count delay/nanoseconds",
            ["block"] = "contentions/count delay/nanoseconds",
            ["exceptions"] = "exceptions/count",
        };
        long labelledHot = 0;
        foreach (var push in pushes)
        {
            Assert.Equal(expected.Keys.Order(), push.Select(s => s.Label("__name__")).Order());
            foreach (var series in push)
            {
                Assert.Equal("cart-service", series.Label("service_name"));
                Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), series.Label("pid"));
                Assert.Equal(Environment.MachineName, series.Label("host"));
                Assert.Equal("9.9.9", series.Label("version"));
                Assert.Equal("test", series.Label("env"));
                var p = Assert.Single(series.Samples).Parse();
                Assert.Equal(expected[series.Label("__name__")], string.Join(" ", p.SampleTypes));
                var t = DateTime.UnixEpoch.AddTicks(p.TimeNanos / 100);
                Assert.InRange(t, begin.AddSeconds(-1), end.AddSeconds(1));
                Assert.InRange(p.DurationNanos, 100_000_000L, 3_000_000_000L);
                if (series.Label("__name__") == "process_cpu")
                    labelledHot += p.Samples.Where(s => s.HasLabel("endpoint", "/api/cart") && HasFrame(s, "Workloads.HotMethod")).Sum(s => s.Values[1]);
            }
        }
        Assert.True(labelledHot > 0, "no cpu sample of HotMethod carries endpoint=/api/cart");

        using var store = ProfileStore.Open(dir);
        var series2 = store.ListSeries().Where(s => s.Service == "cart-service").ToList();
        foreach (string type in new[] { "cpu", "allocs", "mutex", "block", "exceptions" })
        {
            var info = Assert.Single(series2, s => s.Type == type);
            Assert.Equal(profiler.CollectedBatches, info.Profiles);
            Assert.Equal(new[] { Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) }, info.Labels["pid"]);
        }
        var merged = store.Query(new HistoryQuery { Service = "cart-service", Type = "cpu", From = begin.AddMinutes(-1), To = end.AddMinutes(1) });
        Assert.NotNull(merged);
        Assert.Contains(merged!.Samples, s => HasFrame(s, "Workloads.HotMethod"));
        var stats = store.Stats(new HistoryQuery { Service = "cart-service", From = begin.AddMinutes(-1), To = end.AddMinutes(1) });
        Assert.NotEmpty(stats);
        Assert.All(stats, s => Assert.True(s.Values["rss_bytes"] > 0));
        Assert.Contains(stats, s => s.Values.ContainsKey("thread_count"));
    }

    [Fact]
    public async Task AHangingPyroscopeDropsTheOldestBatchesAndNeverStopsProfiling()
    {
        await using var server = await FakePyroscope.StartAsync(FakePyroscope.Behaviour.Hang);
        var counted = new CountingSink();
        var options = new ContinuousProfilerOptions
        {
            Interval = TimeSpan.FromSeconds(1),
            UseStore = false,
            MaxQueuedBatches = 2,
            FlushTimeout = TimeSpan.FromSeconds(1),
            Pyroscope = new PyroscopeOptions { Url = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(5), MaxRetries = 0 },
        };
        options.ProfileTypes.Clear();
        options.ProfileTypes.Add("cpu");
        options.Sinks.Add(counted);
        var log = new List<string>();
        options.Log = line => { lock (log) log.Add(line); };
        var profiler = ContinuousProfiler.Start(options);
        try
        {
            await WaitFor(() => profiler.CollectedBatches >= 7);
        }
        finally
        {
            await profiler.DisposeAsync();
        }
        long collected = profiler.CollectedBatches;
        // The other sink got every batch: the hanging one slowed nothing.
        Assert.Equal(collected, counted.Count);
        Assert.True(counted.Disposed);
        // The hanging sink holds one batch in flight and at most MaxQueuedBatches queued; all the others were dropped
        // (oldest first) and counted, and what was left at the stop too.
        Assert.Equal(collected, profiler.DroppedBatches);
        Assert.Equal(collected, profiler.WrittenBatches);
        Assert.Single(server.Requests.Select(r => r.Path).Distinct());
        lock (log) Assert.Contains(log, l => l.Contains("dropped the oldest queued batch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFailingPyroscopeCountsFailedBatches()
    {
        await using var server = await FakePyroscope.StartAsync(FakePyroscope.Behaviour.Error500);
        var options = new ContinuousProfilerOptions
        {
            Interval = TimeSpan.FromSeconds(1),
            UseStore = false,
            Pyroscope = new PyroscopeOptions { Url = new Uri(server.Url), MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) },
        };
        options.ProfileTypes.Clear();
        options.ProfileTypes.Add("exceptions");
        var profiler = ContinuousProfiler.Start(options);
        try
        {
            await WaitFor(() => profiler.FailedBatches >= 3);
        }
        finally
        {
            await profiler.DisposeAsync();
        }
        Assert.Equal(0, profiler.WrittenBatches);
        Assert.Equal(profiler.CollectedBatches, profiler.FailedBatches + profiler.DroppedBatches);
        Assert.Equal(2 * profiler.FailedBatches, server.Requests.Count);
    }

    [Fact]
    public void InvalidOptionsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => ContinuousProfiler.Start(new ContinuousProfilerOptions { UseStore = false }));
        Assert.Throws<ArgumentException>(() => ContinuousProfiler.Start(new ContinuousProfilerOptions { Interval = TimeSpan.FromMilliseconds(10) }));
        var o = new ContinuousProfilerOptions();
        o.ProfileTypes.Add("goroutine");
        Assert.Throws<ArgumentException>(() => ContinuousProfiler.Start(o));
        o = new ContinuousProfilerOptions();
        o.ProfileTypes.Add("nope");
        Assert.Throws<ArgumentException>(() => ContinuousProfiler.Start(o));
    }

    [Fact]
    public async Task AddContinuousProfilingRunsWithTheHost()
    {
        var sink = new CountingSink();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddContinuousProfiling(o =>
        {
            o.UseStore = false;
            o.Interval = TimeSpan.FromSeconds(1);
            o.ProfileTypes.Clear();
            o.ProfileTypes.Add("exceptions");
            o.Sinks.Add(sink);
        });
        builder.Services.AddContinuousProfiling(o => o.Labels["team"] = "payments");
        using var host = builder.Build();
        Assert.Single(host.Services.GetServices<IHostedService>(), s => s.GetType().Name == "ContinuousProfilingHostedService");
        await host.StartAsync();
        var service = host.Services.GetRequiredService<ContinuousProfilingService>();
        Assert.NotNull(service.Profiler);
        await WaitFor(() => sink.Count >= 2);
        await host.StopAsync();
        Assert.Null(service.Profiler);
        Assert.True(sink.Disposed);
        var batch = sink.First!;
        Assert.Equal("payments", batch.Labels["team"]);
        Assert.Equal(Environment.ProcessId, batch.ProcessId);
        Assert.False(string.IsNullOrEmpty(batch.Service));
        Assert.Equal("exceptions", Assert.Single(batch.Profiles).Type);
    }

    internal static bool HasFrame(Sample s, string name) => s.Locations.Any(l => l.Lines.Any(line => line.Function?.Name.Contains(name, StringComparison.Ordinal) == true));

    internal static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "pprof-agent-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > s_patience) throw new TimeoutException("the condition did not come true in " + s_patience);
            await Task.Delay(200);
        }
    }

    private sealed class CountingSink : IProfileBatchSink
    {
        private long _count;

        public string Name => "counting";

        public long Count => Interlocked.Read(ref _count);

        public ProfileBatch? First { get; private set; }

        public bool Disposed { get; private set; }

        public Task WriteAsync(ProfileBatch batch, CancellationToken cancellationToken)
        {
            First ??= batch;
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }

        public void Dispose() => Disposed = true;
    }
}
