using System.Runtime.CompilerServices;

namespace Pprof.Runtime.TestTarget;

/// <summary>Workloads with known runtime statistics, for the stats and gctrace truth tests.</summary>
public static class StatsWorkloads
{
    private static object? s_keep;

    /// <summary>Allocates about 4 MB of short-lived arrays (so that the heap has something to collect), forces a
    /// blocking gen2 GC (reason Induced), then sleeps <paramref name="period"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FullGcThenSleep(TimeSpan period)
    {
        for (int i = 0; i < 1000; i++) s_keep = new byte[4000];
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        Thread.Sleep(period);
    }

    /// <summary>Throws and catches <paramref name="count"/> exceptions, then sleeps <paramref name="period"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int ThrowThenSleep(int count, TimeSpan period)
    {
        int caught = 0;
        for (int i = 0; i < count; i++)
        {
            try
            {
                throw new InvalidOperationException("stats workload");
            }
            catch (InvalidOperationException)
            {
                caught++;
            }
        }
        GC.KeepAlive(s_keep);
        Thread.Sleep(period);
        return caught;
    }

    /// <summary>Sleeps <paramref name="calm"/>, prints <c>spin</c> on standard output, then spins
    /// <paramref name="threads"/> threads in <see cref="Workloads.HotMethod"/> until <paramref name="end"/>.</summary>
    public static void CalmThenSpin(TimeSpan calm, int threads, DateTime end)
    {
        Thread.Sleep(calm);
        Console.WriteLine("spin");
        Console.Out.Flush();
        var spinners = Enumerable.Range(0, threads).Select(i => new Thread(() =>
        {
            while (DateTime.UtcNow < end) Workloads.SpinHot(TimeSpan.FromMilliseconds(200));
        }) { Name = "wl-spin" + i, IsBackground = true }).ToList();
        spinners.ForEach(t => t.Start());
        spinners.ForEach(t => t.Join());
    }

    private static readonly List<byte[]> s_grown = new();

    /// <summary>Sleeps <paramref name="calm"/>, prints <c>grow</c>, then keeps 8 MB more every 500 ms (as 64 KB arrays)
    /// up to <paramref name="maxBytes"/>, then holds it until <paramref name="end"/>.</summary>
    public static void CalmThenGrowHeap(TimeSpan calm, long maxBytes, DateTime end)
    {
        Thread.Sleep(calm);
        Console.WriteLine("grow");
        Console.Out.Flush();
        long kept = 0;
        while (DateTime.UtcNow < end)
        {
            if (kept < maxBytes)
            {
                for (int i = 0; i < 128; i++) s_grown.Add(new byte[64 * 1024]);
                kept += 128 * 64 * 1024;
            }
            Thread.Sleep(500);
        }
    }
}
