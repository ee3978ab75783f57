using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Pprof.Runtime.TestTarget;

/// <summary>Workloads for the leak report (<c>dotnet-pprof leaks</c>): a static list that grows at a known rate, and a
/// bounded cache whose entries are replaced continuously.</summary>
public static class LeakWorkloads
{
    /// <summary>How many <see cref="LeakedOrder"/> objects <see cref="GrowList"/> adds per second.</summary>
    public const int LeakedPerSecond = 2000;

    /// <summary>How many entries <see cref="ChurnCache"/> keeps.</summary>
    public const int CacheCapacity = 2000;

    private static readonly List<LeakedOrder> s_leakedOrders = new();
    private static readonly Dictionary<int, ChurnEntry> s_cache = new();
    private static readonly Stopwatch s_leakClock = new();
    private static int s_churnKey;

    /// <summary>Adds <see cref="LeakedOrder"/> objects to a static list, <see cref="LeakedPerSecond"/> per second
    /// since the first call (catching up after pauses such as a snapshot's GC), for <paramref name="duration"/>.</summary>
    public static void GrowList(TimeSpan duration)
    {
        if (!s_leakClock.IsRunning) s_leakClock.Start();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < duration)
        {
            long due = (long)(s_leakClock.Elapsed.TotalSeconds * LeakedPerSecond);
            while (s_leakedOrders.Count < due) Track(s_leakedOrders.Count);
            Thread.Sleep(10);
        }
    }

    /// <summary>The leaking allocation site.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Track(long id) => s_leakedOrders.Add(new LeakedOrder(id));

    /// <summary>Replaces entries of a static dictionary capped at <see cref="CacheCapacity"/> keys, about 20,000 a
    /// second, for <paramref name="duration"/>: busy, but its live size is bounded.</summary>
    public static void ChurnCache(TimeSpan duration)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < duration)
        {
            for (int i = 0; i < 200; i++)
            {
                int key = s_churnKey++ % CacheCapacity;
                s_cache[key] = new ChurnEntry(key);
            }
            Thread.Sleep(10);
        }
    }
}

/// <summary>What <see cref="LeakWorkloads.GrowList"/> leaks: 16 longs inline (144 bytes on 64-bit).</summary>
public sealed class LeakedOrder
{
    public LeakedOrder(long id) => A0 = id;

#pragma warning disable CA1051, IDE1006 // a payload of known size
    public long A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15;
#pragma warning restore CA1051, IDE1006
}

/// <summary>What <see cref="LeakWorkloads.ChurnCache"/> holds: the same size as <see cref="LeakedOrder"/>.</summary>
public sealed class ChurnEntry
{
    public ChurnEntry(long id) => A0 = id;

#pragma warning disable CA1051, IDE1006 // a payload of known size
    public long A0, A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, A11, A12, A13, A14, A15;
#pragma warning restore CA1051, IDE1006
}
