using System.Diagnostics;
using Pprof.Runtime.Stats;

namespace Pprof.Runtime.Tests;

/// <summary>RuntimeStats in-process against the runtime's own counters, and from outside a real process running known
/// workloads (a spinning thread, a forced gen2 GC every 500 ms, exceptions), with the GC trace of the same process.</summary>
[Collection("runtime")]
public sealed class RuntimeStatsTests
{
    private static readonly object s_lock = new();

    [Fact]
    public void InProcessReadFollowsTheRuntime()
    {
        var before = RuntimeStats.Read();
        var keep = new byte[8 << 20];
        GC.Collect(); // full and blocking: the sizes after it include the LOH
        int thrown = 0;
        for (int i = 0; i < 25; i++)
        {
            try
            {
                throw new InvalidOperationException("counted");
            }
            catch (InvalidOperationException)
            {
                thrown++;
            }
        }
        Contend();
        using var timer = new Timer(_ => { }, null, Timeout.Infinite, Timeout.Infinite);
        var after = RuntimeStats.Read();
        long gcNow = GC.CollectionCount(0);
        GC.KeepAlive(keep);

        Assert.Equal("in-process", after.Source);
        Assert.Equal(Environment.ProcessId, after.ProcessId);
        Assert.True(after.Interval > TimeSpan.Zero);
        Assert.Equal(Environment.ProcessorCount, after.ProcessorCount);
        // GC counts: each GC once in its own generation; their sum is the runtime's gen0 count.
        Assert.True(after.Gen2Collections >= before.Gen2Collections + 1, "the induced full GC is counted");
        Assert.Equal(after.GcCount, after.Gen0Collections + after.Gen1Collections + after.Gen2Collections);
        Assert.InRange(after.GcCount!.Value, before.GcCount!.Value + 1, gcNow);
        Assert.True(after.GcPauseTime > TimeSpan.Zero && after.GcPauseTime >= before.GcPauseTime);
        Assert.InRange(after.GcPausePercent!.Value, 0, 100);
        // Sizes after the last GC: the 8 MB array lives on the LOH, inside the heap the GC reports.
        Assert.True(after.LohSizeBytes >= keep.Length, "the 8 MB array is on the LOH");
        var info = GC.GetGCMemoryInfo();
        Assert.Equal(info.HeapSizeBytes, after.GcHeapSizeBytes);
        Assert.Equal(info.TotalCommittedBytes, after.CommittedBytes);
        Assert.True(after.GcHeapSizeBytes >= after.Gen0SizeBytes + after.Gen1SizeBytes + after.Gen2SizeBytes + after.LohSizeBytes + after.PohSizeBytes - after.FragmentedBytes);
        Assert.True(after.TotalAllocatedBytes - before.TotalAllocatedBytes >= keep.Length, "the 8 MB array was allocated in the interval");
        Assert.True(after.AllocationRateBytesPerSecond > 0);
        // Exceptions, contention and timers from the meter listener and the runtime's counters.
        Assert.True(after.Exceptions - before.Exceptions >= thrown, $"{thrown} exceptions thrown, {after.Exceptions - before.Exceptions} counted");
        Assert.True(after.ExceptionsPerSecond > 0);
        Assert.True(after.LockContentions - before.LockContentions >= 1, "the contended lock is counted");
        Assert.True(after.Timers >= 1);
        Assert.True(after.JitCompiledMethods > 0);
        // CPU and memory against the operating system's view.
        Assert.True(after.CpuTime >= before.CpuTime);
        Assert.InRange(after.CpuPercent!.Value, 0, 150.0 * Environment.ProcessorCount);
        Assert.Equal(after.CpuPercent!.Value / Environment.ProcessorCount, after.CpuPercentOfMachine!.Value, 6);
        using var self = Process.GetCurrentProcess();
        Assert.InRange(after.RssBytes!.Value, self.WorkingSet64 / 2, self.WorkingSet64 * 2);
        Assert.InRange(after.ThreadCount!.Value, Math.Max(2, self.Threads.Count / 2), self.Threads.Count * 2);
        Assert.True(after.ThreadPoolThreads >= 0 && after.ThreadPoolQueueLength >= 0);

        string json = RuntimeStatsFormat.Json(after);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(after.Gen2Collections, doc.RootElement.GetProperty("gen2Collections").GetInt64());
        Assert.Equal(after.LohSizeBytes, doc.RootElement.GetProperty("lohSizeBytes").GetInt64());
    }

    [Fact]
    public async Task InProcessSubscriptionYieldsOneSamplePerInterval()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var samples = new List<RuntimeStats>();
        await foreach (var s in RuntimeStatsReader.WatchAsync(TimeSpan.FromMilliseconds(200), cts.Token))
        {
            samples.Add(s);
            if (samples.Count == 3) break;
        }
        Assert.Equal(3, samples.Count);
        Assert.All(samples, s => Assert.True(s.Interval > TimeSpan.Zero && s.CpuPercent != null && s.AllocationRateBytesPerSecond != null));
        Assert.True(samples[0].Time < samples[1].Time && samples[1].Time < samples[2].Time);
        Assert.Throws<ArgumentOutOfRangeException>(() => RuntimeStatsReader.WatchAsync(TimeSpan.FromMilliseconds(10)).GetAsyncEnumerator().MoveNextAsync().AsTask().GetAwaiter().GetResult());
    }

    [Fact]
    public async Task StatsAndGcTraceFromOutsideSeeTheWorkload()
    {
        string target = typeof(Pprof.Runtime.TestTarget.StatsWorkloads).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet", new[] { target, "120", "cpu", "gc500", "throw100" }) { RedirectStandardOutput = true };
        using var proc = Process.Start(psi)!;
        try
        {
            Assert.StartsWith("ready ", proc.StandardOutput.ReadLine());
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var samples = new List<RuntimeStats>();
            (double Ticks, DateTime Time) osFirst = default, osLast = default;
            await foreach (var s in RuntimeStatsReader.WatchAsync(proc.Id, TimeSpan.FromSeconds(1), cts.Token))
            {
                samples.Add(s);
                if (samples.Count == 1) osFirst = (CpuTicks(proc.Id), DateTime.UtcNow);
                if (samples.Count == 4)
                {
                    osLast = (CpuTicks(proc.Id), DateTime.UtcNow);
                    break;
                }
            }
            Assert.Equal(4, samples.Count);
            var first = samples[0];
            var last = samples[^1];
            Assert.All(samples, s => Assert.Equal("out-of-process", s.Source));
            Assert.All(samples, s => Assert.Equal(proc.Id, s.ProcessId));
            // gc500 forces a gen2 GC every 500 ms: about 6 in the 3 s between the first and last sample.
            Assert.True(last.Gen2Collections - first.Gen2Collections >= 2, $"gen2 GCs {first.Gen2Collections} -> {last.Gen2Collections}");
            Assert.True(last.GcCount > first.GcCount);
            // One thread spins. Its share of a core depends on the machine's load (a shared 2-core machine gives it
            // anywhere from 15 to 95 %), so the truth is the kernel's accounting over the same three intervals.
            double cpu = samples.Skip(1).Average(s => s.CpuPercent!.Value);
            double os = (osLast.Ticks - osFirst.Ticks) / 100 / (osLast.Time - osFirst.Time).TotalSeconds * 100;
            Assert.True(cpu > 5, $"average CPU {cpu:0.0}% of one core with a spinning thread");
            Assert.True(Math.Abs(cpu - os) <= 10 + 0.25 * Math.Max(cpu, os), $"stats says {cpu:0.0}% of one core, /proc says {os:0.0}%");
            Assert.All(samples, s => Assert.Equal(s.CpuPercent!.Value / s.ProcessorCount!.Value, s.CpuPercentOfMachine!.Value, 6));
            // The main thread and the three workload threads at least.
            Assert.All(samples, s => Assert.True(s.ThreadCount >= 4, $"{s.ThreadCount} threads"));
            // throw100: 100 exceptions every 100 ms (less under load).
            Assert.True(last.ExceptionsPerSecond > 50, $"{last.ExceptionsPerSecond} exceptions/s");
            Assert.True(last.Exceptions > first.Exceptions);
            Assert.True(last.TotalAllocatedBytes > first.TotalAllocatedBytes && last.AllocationRateBytesPerSecond > 0);
            Assert.True(last.GcHeapSizeBytes > 0 && last.CommittedBytes > 0 && last.RssBytes > last.GcHeapSizeBytes);
            Assert.True(last.JitCompiledMethods > 0 && last.ProcessorCount > 0);
            Assert.True(last.GcPauseTime >= first.GcPauseTime);

            // The GC trace of the same process: the induced gen2 GCs, at least 500 ms apart.
            var gcs = new List<GcEvent>();
            using var traceCts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await foreach (var gc in GcTrace.WatchAsync(proc.Id, traceCts.Token))
            {
                gcs.Add(gc);
                if (gcs.Count(g => g.Generation == 2 && g.Reason == "Induced") == 6) break;
            }
            var induced = gcs.Where(g => g.Generation == 2 && g.Reason == "Induced").ToList();
            Assert.Equal(6, induced.Count);
            Assert.All(gcs, g => Assert.Equal("NonConcurrentGC", g.Type));
            Assert.True(gcs.Zip(gcs.Skip(1)).All(p => p.First.Number < p.Second.Number), "GC numbers increase");
            double spacing = (induced[^1].Time - induced[0].Time).TotalSeconds / (induced.Count - 1);
            Assert.InRange(spacing, 0.45, 5);
            Assert.All(induced, g =>
            {
                Assert.True(g.Pause > TimeSpan.Zero);
                Assert.True(g.HeapBeforeBytes > 0 && g.HeapAfterBytes > 0 && g.PromotedBytes > 0);
                Assert.True(g.CommittedBytes >= g.HeapAfterBytes);
                Assert.InRange(g.SinceProcessStart.TotalSeconds, 0.1, 600);
                Assert.Matches(@"^gc \d+ @\d+\.\d{3}s \d+%: gen2 \(Induced\) pause [\d.]+ ms, [\d.]+->[\d.]+ MB heap, [\d.]+ MB committed, [\d.]+ MB promoted$", g.ToString());
            });
        }
        finally
        {
            proc.Kill();
            proc.WaitForExit(10_000);
        }
    }

    /// <summary>utime + stime of the process in clock ticks (USER_HZ, 100 a second).</summary>
    private static double CpuTicks(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return double.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Makes one thread wait for a lock another holds (a Monitor contention).</summary>
    private static void Contend()
    {
        var held = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            lock (s_lock)
            {
                held.Set();
                Thread.Sleep(200);
            }
        });
        holder.Start();
        held.Wait();
        lock (s_lock)
        {
        }
        holder.Join();
    }
}
