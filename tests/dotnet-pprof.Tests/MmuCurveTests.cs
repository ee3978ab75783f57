using Pprof.Traces.Analysis;

namespace Pprof.Cli.Tests;

/// <summary>The MMU curve, the latency histogram and the goroutine grouping against hand-computed values.</summary>
public sealed class MmuCurveTests
{
    private const long Ms = 1_000_000;

    // A 100 ms run with pauses [10, 20) ms and [30, 35) ms: 15 ms of pause.
    private static readonly (long, long)[] s_pauses = { (10 * Ms, 20 * Ms), (30 * Ms, 35 * Ms) };

    [Theory]
    [InlineData(1, 0.0)]           // a window inside the 10 ms pause
    [InlineData(10, 0.0)]          // exactly the 10 ms pause
    [InlineData(20, 0.5)]          // [10, 30): 10 ms of pause; [15, 35): 5 + 5
    [InlineData(25, 0.4)]          // [10, 35): 15 ms of pause
    [InlineData(50, 0.7)]          // any window holding both pauses: 15 of 50
    [InlineData(100, 0.85)]        // the whole run
    [InlineData(1000, 0.85)]       // longer than the run: the whole run
    public void MmuMatchesHandComputedValues(long windowMs, double expected)
    {
        var p = MmuCurve.At(s_pauses, 100 * Ms, windowMs * Ms);
        Assert.Equal(expected, p.Utilization, 9);
    }

    [Fact]
    public void WorstWindowIsWhereThePausesAre()
    {
        var p = MmuCurve.At(s_pauses, 100 * Ms, 25 * Ms);
        Assert.Equal(10 * Ms, p.WorstWindowStartNanos);
        // Between two pauses: for 12 ms the worst window holds the whole 10 ms pause.
        Assert.Equal(1 - 10.0 / 12, MmuCurve.At(s_pauses, 100 * Ms, 12 * Ms).Utilization, 9);
    }

    [Fact]
    public void OverlappingUnsortedAndOutOfRangePausesAreMergedAndClipped()
    {
        var pauses = new[] { (30 * Ms, 35 * Ms), (10 * Ms, 15 * Ms), (14 * Ms, 20 * Ms), (-5 * Ms, 0L), (95 * Ms, 200 * Ms) };
        // Pauses: [10, 20), [30, 35), [95, 100): 20 ms of 100.
        Assert.Equal(0.8, MmuCurve.At(pauses, 100 * Ms, 100 * Ms).Utilization, 9);
        Assert.Equal(0.5, MmuCurve.At(pauses, 100 * Ms, 20 * Ms).Utilization, 9);
        Assert.Equal(1.0, MmuCurve.At(Array.Empty<(long, long)>(), 100 * Ms, 1 * Ms).Utilization, 9);
    }

    [Fact]
    public void CurveIsComputedAtLogSpacedWindowsUpToTheRun()
    {
        var windows = MmuCurve.Windows(100 * Ms, pointsPerDecade: 1);
        Assert.Equal(new[] { 1 * Ms, 10 * Ms, 100 * Ms }, windows);
        Assert.Equal(new[] { 1 * Ms, 10 * Ms, 50 * Ms }, MmuCurve.Windows(50 * Ms, 1));
        Assert.Equal(new[] { Ms / 2 }, MmuCurve.Windows(Ms / 2));
        var curve = MmuCurve.Compute(s_pauses, 100 * Ms, windows);
        Assert.Equal(new[] { 0.0, 0.0, 0.85 }, curve.Select(p => Math.Round(p.Utilization, 9)));
    }

    [Fact]
    public void ManyPausesTakeLinearithmicTime()
    {
        // 200,000 pauses of 1 µs every 10 µs: a quadratic algorithm would not finish; MMU at 10 µs is 0.9.
        var pauses = Enumerable.Range(0, 200_000).Select(i => (i * 10_000L, i * 10_000L + 1_000)).ToArray();
        var curve = MmuCurve.Compute(pauses, 2_000_000_000, new long[] { 10_000, 1_000_000, 2_000_000_000 });
        Assert.Equal(0.9, curve[0].Utilization, 9);
        Assert.Equal(0.9, curve[1].Utilization, 9);
        Assert.Equal(0.9, curve[2].Utilization, 9);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 0)]
    [InlineData(2, 1)]                 // [1.58, 2.51)
    [InlineData(99_999_999, 39)]       // just under 100 ms
    [InlineData(100_000_000, 40)]      // 10^(40/5)
    [InlineData(158_489_319, 40)]
    [InlineData(158_489_320, 41)]      // 10^(41/5) rounded up
    public void HistogramBucketsAreFivePerDecade(long nanos, int bucket)
    {
        Assert.Equal(bucket, DurationHistogram.BucketOf(nanos));
        Assert.True(DurationHistogram.LowerBound(bucket) <= nanos || nanos <= 1);
        Assert.True(nanos < DurationHistogram.LowerBound(bucket + 1));
    }

    [Fact]
    public void HistogramListsEveryBucketBetweenTheFirstAndLast()
    {
        var h = new DurationHistogram();
        h.Add(100_000_000);
        h.Add(120_000_000);
        h.Add(1_000_000_000);
        var b = h.Buckets();
        Assert.Equal(6, b.Count);
        Assert.Equal(2, b[0].Count);
        Assert.Equal(100_000_000, b[0].LowNanos);
        Assert.Equal(1, b[^1].Count);
        Assert.Equal(3, b.Sum(x => x.Count));
    }

    [Fact]
    public void GroupsAreStartRoutinesAndAsyncMethods()
    {
        static Pprof.Traces.TraceFrame F(string name) => new(name, "m.dll", 1);
        // Leaf first.
        var dedicated = new[] { F("System.Threading.Monitor.Enter_Slowpath"), F("App.Worker.Run"), F("System.Threading.Thread+StartHelper.Run"), F("System.Threading.Thread.StartCallback") };
        Assert.Equal(("App.Worker.Run", false), GoroutineAnalysis.GroupOfStack(dedicated));
        var pooled = new[]
        {
            F("App.Db.Query"), F("App.Api+<GetAsync>d__4.MoveNext"), F("System.Threading.ExecutionContext.RunInternal"),
            F("System.Runtime.CompilerServices.AsyncTaskMethodBuilder`1+AsyncStateMachineBox`1.MoveNext"), F("System.Threading.ThreadPoolWorkQueue.Dispatch"),
            F("System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart"), F("System.Threading.Thread.StartCallback"),
        };
        Assert.Equal(("App.Api.GetAsync", true), GoroutineAnalysis.GroupOfStack(pooled));
        var idle = new[] { F("System.Threading.LowLevelLifoSemaphore.WaitForSignal"), F("System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart"), F("System.Threading.Thread.StartCallback") };
        Assert.Equal(("System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart", true), GoroutineAnalysis.GroupOfStack(idle));
        Assert.Equal((null, false), GoroutineAnalysis.GroupOfStack(Array.Empty<Pprof.Traces.TraceFrame>()));
        Assert.Equal("Program.Main", GoroutineAnalysis.Pretty("Program+<Main>d__0.MoveNext"));
        Assert.Equal("A.B+<>c.<Run>b__0_0", GoroutineAnalysis.Pretty("A.B+<>c.<Run>b__0_0"));
    }
}
