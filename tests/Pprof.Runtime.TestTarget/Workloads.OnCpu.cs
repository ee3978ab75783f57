using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Pprof.Runtime.TestTarget;

/// <summary>Workloads for the on-CPU truth tests: a thread that alternates 5 ms of spinning with 5 ms of sleep, and an
/// allocation-heavy thread whose garbage collections run in the runtime's native code.</summary>
public static class OnCpuWorkloads
{
    /// <summary>Where results go, so that the JIT keeps the work.</summary>
    public static object? Sink { get; private set; }

    /// <summary>Spins 5 ms in <see cref="SpinPhase"/>, sleeps 5 ms in <see cref="SleepPhase"/>, until
    /// <paramref name="duration"/> has passed. Half of the wall time, nearly all of the CPU time, is spinning.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void SpinSleep(TimeSpan duration)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < duration)
        {
            SpinPhase(TimeSpan.FromMilliseconds(5));
            SleepPhase(5);
        }
    }

    /// <summary>Burns CPU for <paramref name="duration"/> of wall time.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double SpinPhase(TimeSpan duration)
    {
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        double x = 0;
        while (Stopwatch.GetTimestamp() < end)
        {
            for (int i = 1; i < 2000; i++) x += Math.Sqrt(i) * 1.000001;
        }
        Sink = x;
        return x;
    }

    /// <summary>Sleeps: off CPU.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void SleepPhase(int milliseconds) => Thread.Sleep(milliseconds);

    /// <summary>Allocates small objects for <paramref name="duration"/>, keeping a window of them alive so that the
    /// collections have something to mark and the allocator keeps asking for new allocation contexts.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AllocateHeavily(TimeSpan duration)
    {
        var sw = Stopwatch.StartNew();
        var window = new object[4096];
        long n = 0;
        while (sw.Elapsed < duration)
        {
            for (int i = 0; i < 100_000; i++, n++) window[(int)(n & 4095)] = new byte[32 + (int)(n & 63)];
        }
        Sink = window;
        return n;
    }
}
