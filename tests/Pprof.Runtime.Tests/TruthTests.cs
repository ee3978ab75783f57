using Pprof.Runtime.TestTarget;
using static Pprof.Runtime.Tests.ProfileAssert;

namespace Pprof.Runtime.Tests;

/// <summary>Each profile kind, collected in-process around a workload whose truth is known.</summary>
[Collection("runtime")]
public sealed class TruthTests
{
    [Fact]
    public async Task CpuProfileFindsTheHotMethod()
    {
        var (p, _) = await CollectDuring("cpu", () => Workloads.SpinHot(TimeSpan.FromSeconds(3)), "hot-worker");
        Assert.Equal("cpu", p.PeriodType!.Type);
        Assert.Equal(new[] { "samples/count", "cpu/nanoseconds" }, p.SampleTypes.Select(t => t.ToString()));
        var mine = p.Samples.Where(s => Label(s, "thread_name") == "hot-worker").ToList();
        long total = mine.Sum(s => s.Values[1]);
        long hot = mine.Where(s => HasFrame(s, "Pprof.Runtime.TestTarget.Workloads.HotMethod")).Sum(s => s.Values[1]);
        // (100 samples per CPU second: a loaded CI machine may give the thread a fraction of a core.)
        Assert.True(mine.Sum(s => s.Values[0]) >= 10, $"only {mine.Sum(s => s.Values[0])} samples on the worker thread");
        Assert.True(hot >= 0.9 * total, $"HotMethod has {hot} of {total} ns on its thread");
        // On-CPU time of one busy thread over 3 s: at most the wall time (on a loaded CI machine the thread's CPU time
        // can be well below 3 s).
        Assert.InRange(total, 100_000_000L, 3_600_000_000L);
        Assert.Contains("cpu mode: on-cpu", p.Comments);
        // Source positions from the portable PDB.
        Assert.Contains(p.Functions, f => f.Name == "Pprof.Runtime.TestTarget.Workloads.HotMethod" && f.Filename.EndsWith("Workloads.cs", StringComparison.Ordinal) && f.StartLine > 0);
        Assert.All(mine, s => Assert.NotNull(s.NumLabels?["thread"]));
    }

    [Fact]
    public async Task WallProfileSeesBlockedThreadsAndCpuDoesNot()
    {
        void Sleeper() => Thread.Sleep(2000);
        var (wall, _) = await CollectDuring("wall", () => { Sleeper(); return 0; }, "sleeper");
        long sleptNs = Sum(wall, "wall", s => Label(s, "thread_name") == "sleeper" && HasFrame(s, "System.Threading.Thread.Sleep"));
        Assert.InRange(sleptNs, 1_400_000_000L, 2_600_000_000L);

        var (cpu, _) = await CollectDuring("cpu", () => { Sleeper(); return 0; }, "sleeper");
        long cpuNs = Sum(cpu, "cpu", s => Label(s, "thread_name") == "sleeper");
        Assert.True(cpuNs < 100_000_000L, $"a sleeping thread got {cpuNs} ns of CPU");
    }

    [Fact]
    public async Task LabelsFlowThroughAsyncCodeIntoSamples()
    {
        var (p, _) = await CollectDuring("cpu", () => Workloads.LabeledAsync("/api/cart", TimeSpan.FromSeconds(2)).GetAwaiter().GetResult());
        long hot = Sum(p, "cpu", s => HasFrame(s, "Workloads.HotMethod"));
        long labeled = Sum(p, "cpu", s => HasFrame(s, "Workloads.HotMethod") && Label(s, "endpoint") == "/api/cart");
        Assert.True(hot > 0);
        Assert.True(labeled >= 0.9 * hot, $"{labeled} of {hot} ns in HotMethod carry the label");
        // The async method's frame has its own name, not MoveNext of the state machine.
        Assert.Contains(p.Functions, f => f.Name == "Pprof.Runtime.TestTarget.Workloads.LabeledAsync");
        // (Framework frames such as AsyncTaskMethodBuilder<T>.AsyncStateMachineBox<...<LabeledAsync>...>.MoveNext may
        // name the state machine in a generic argument; that is the runtime's frame, not the method's.)
        var moveNext = p.Functions.Where(f => !f.Name.StartsWith("System.", StringComparison.Ordinal)
            && f.Name.Contains("MoveNext") && f.Name.Contains("LabeledAsync")).Select(f => f.Name).ToList();
        Assert.True(moveNext.Count == 0, "frames named after the state machine: " + string.Join(", ", moveNext));
    }

    [Fact]
    public async Task AllocsProfileEstimatesBytesAndTypeShares()
    {
        var (p, measured) = await CollectDuring("allocs", () => Workloads.AllocateMix(400_000_000));
        Assert.Equal("alloc_space", p.DefaultSampleType);
        var mine = p.Samples.Where(s => HasFrame(s, "Workloads.AllocateMix")).ToList();
        long estimated = mine.Sum(s => s.Values[1]);
        Assert.InRange(estimated, (long)(measured * 0.9), (long)(measured * 1.1));
        double Share(string type) => (double)mine.Where(s => Label(s, "type") == type).Sum(s => s.Values[1]) / estimated;
        double expectedBytes = 1024.0 / (1024 + 2 * 104 + 32), expectedLongs = 208.0 / (1024 + 2 * 104 + 32), expectedPoint = 32.0 / (1024 + 2 * 104 + 32);
        Assert.InRange(Share("byte[]"), expectedBytes - 0.05, expectedBytes + 0.05);
        Assert.InRange(Share("long[]"), expectedLongs - 0.05, expectedLongs + 0.05);
        Assert.InRange(Share("Pprof.Runtime.TestTarget.Workloads.Point3"), expectedPoint - 0.05, expectedPoint + 0.05);
        var s0 = mine.First(s => Label(s, "type") == "byte[]");
        Assert.Equal(1024, s0.NumLabels!["bytes"][0]);
        Assert.Equal("byte[]", s0.Locations[0].Lines[0].Function!.Name);
    }

    [Fact]
    public async Task MutexProfileMeasuresLockDelay()
    {
        var (p, waited) = await CollectDuring("mutex", () => Workloads.ContendLock(3, 25, TimeSpan.FromMilliseconds(4)));
        long delay = Sum(p, "delay", s => HasFrame(s, "Workloads.EnterContended"));
        long count = Sum(p, "contentions", s => HasFrame(s, "Workloads.EnterContended"));
        long allCount = Sum(p, "contentions", _ => true);
        // How many times the lock is contended depends on scheduling (a Release build on a busy machine convoys: few,
        // long waits); the delay is what the workload measured and what the profile must account for.
        Assert.True(count >= 2, $"only {count} contentions in EnterContended ({allCount} in all; delay {delay} ns of {waited.Ticks * 100} ns measured)");
        Assert.InRange(delay, (long)(waited.Ticks * 100 * 0.75), (long)(waited.Ticks * 100 * 1.25));
        Assert.Contains(p.Samples, s => s.NumLabels != null && s.NumLabels.ContainsKey("owner_thread"));
    }

    [Fact]
    public async Task BlockProfileMeasuresWaits()
    {
        var (p, blocked) = await CollectDuring("block", () => Workloads.BlockOnWaits(10, TimeSpan.FromMilliseconds(50)));
        long delay = Sum(p, "delay", s => HasFrame(s, "Workloads.WaitForEvent") || HasFrame(s, "Workloads.WaitForTask"));
        Assert.InRange(delay, (long)(blocked.Ticks * 100 * 0.75), (long)(blocked.Ticks * 100 * 1.25));
        long waits = Sum(p, "contentions", s => HasFrame(s, "Workloads.WaitForTask"));
        Assert.InRange(waits, 5, 10);
        // The leaf is the outermost blocking call, so Task.Wait's internals do not split the stacks.
        Assert.All(p.Samples.Where(s => HasFrame(s, "Workloads.WaitForTask")), s => Assert.Equal("System.Threading.Tasks.Task.Wait", s.Locations[0].Lines[0].Function!.Name));
    }

    [Fact]
    public async Task BlockProfileSeesSyncOverAsyncOnThreadPoolThreads()
    {
        // A thread-pool thread blocked in .Result is blocked, not idle: it counts like any other thread.
        var (p, blocked) = await CollectDuring("block", () => Workloads.BlockOnResultInThreadPool(10, TimeSpan.FromMilliseconds(50)));
        long delay = Sum(p, "delay", s => HasFrame(s, "Workloads.WaitForResult"));
        Assert.InRange(delay, (long)(blocked.Ticks * 100 * 0.75), (long)(blocked.Ticks * 100 * 1.25));
        Assert.Contains(p.Samples, s => HasFrame(s, "Workloads.WaitForResult") && HasFrame(s, "System.Threading.PortableThreadPool.WorkerThread.WorkerThreadStart"));
        // Idle thread-pool threads (waiting for work) are not blocked.
        Assert.DoesNotContain(p.Samples, s => s.Locations.Length > 0 && s.Locations[0].Lines[0].Function!.Name.StartsWith("System.Threading.LowLevelLifoSemaphore", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThreadCreateProfileCountsCreatingStacks()
    {
        var (p, _) = await CollectDuring("threadcreate", () => { Workloads.CreateThreads(7); return 0; });
        Assert.Equal(7, Sum(p, "threadcreate", s => HasFrame(s, "Workloads.CreateThreads")));
    }

    [Fact]
    public async Task ExceptionsProfileCountsThrowsByTypeAndStack()
    {
        var (p, caught) = await CollectDuring("exceptions", () => Workloads.ThrowExceptions(13));
        Assert.Equal(13, caught);
        Assert.Equal(13, Sum(p, "exceptions", s => HasFrame(s, "Workloads.Thrower") && Label(s, "exception") == "System.InvalidOperationException"));
    }
}
