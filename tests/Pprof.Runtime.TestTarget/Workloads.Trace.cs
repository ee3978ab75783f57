using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Pprof.Runtime.Tracing;

namespace Pprof.Runtime.TestTarget;

/// <summary>Workloads with a known execution trace (tests of <c>dotnet-pprof trace</c>).</summary>
public static class TraceWorkloads
{
    private static readonly object s_lock = new();
    private static double s_sink;

    /// <summary>Until <paramref name="end"/>: three threads (<c>lock-1</c>..<c>lock-3</c>) fight over one lock in
    /// <see cref="WaitForLock"/>, holding it about 5 ms at a time, and thread <c>gc-forcer</c> forces a GC every second.</summary>
    public static void LockFightAndGc(DateTime end)
    {
        var threads = new List<Thread>();
        for (int i = 1; i <= 3; i++)
        {
            threads.Add(new Thread(() =>
            {
                while (DateTime.UtcNow < end)
                {
                    WaitForLock();
                    Spin(TimeSpan.FromMilliseconds(0.5));
                }
            }) { Name = "lock-" + i, IsBackground = true });
        }
        threads.Add(new Thread(() =>
        {
            var clock = Stopwatch.StartNew();
            for (int n = 1; DateTime.UtcNow < end; n++)
            {
                var due = TimeSpan.FromSeconds(n) - clock.Elapsed;
                if (due > TimeSpan.Zero) Thread.Sleep(due);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            }
        }) { Name = "gc-forcer", IsBackground = true });
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
    }

    /// <summary>Takes the shared lock and holds it about 5 ms: the method the sync profile blames.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void WaitForLock()
    {
        lock (s_lock) Spin(TimeSpan.FromMilliseconds(5));
    }

    /// <summary>Until <paramref name="end"/>: a task <c>sleeper</c> with a region <c>sleep-100ms</c> around a 100 ms sleep,
    /// then 50 ms outside; after the region a log (category <c>slept</c>) gives the time a stopwatch measured around
    /// the whole region, in microseconds.</summary>
    public static void SleepInRegions(DateTime end)
    {
        while (DateTime.UtcNow < end)
        {
            using var task = ExecutionTrace.NewTask("sleeper");
            var sw = Stopwatch.StartNew();
            using (ExecutionTrace.StartRegion("sleep-100ms")) Thread.Sleep(100);
            sw.Stop();
            ExecutionTrace.Log("slept", (sw.Elapsed.Ticks / 10).ToString(CultureInfo.InvariantCulture));
            Thread.Sleep(50);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Spin(TimeSpan duration)
    {
        var sw = Stopwatch.StartNew();
        double x = 0;
        while (sw.Elapsed < duration) x += Math.Sqrt(sw.ElapsedTicks);
        s_sink = x;
    }
}
