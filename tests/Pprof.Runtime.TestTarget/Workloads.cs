using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Pprof.Runtime.TestTarget;

/// <summary>Workloads with known profiles, used in-process by the truth tests and out-of-process through Program.</summary>
public static class Workloads
{
    private static double s_sink;
    private static object? s_keep;

    /// <summary>Burns CPU in <see cref="HotMethod"/> until <paramref name="duration"/> has passed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double SpinHot(TimeSpan duration)
    {
        var sw = Stopwatch.StartNew();
        double x = 0;
        while (sw.Elapsed < duration) x += HotMethod(200_000);
        s_sink = x;
        return x;
    }

    /// <summary>Burns CPU for <paramref name="duration"/> right at start-up (the launch-mode test looks for it: only a
    /// profile that began with the process sees it).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double StartupSpin(TimeSpan duration)
    {
        var sw = Stopwatch.StartNew();
        double x = 0;
        while (sw.Elapsed < duration) x += Math.Sqrt(sw.ElapsedTicks) * 1.000001;
        s_sink = x;
        return x;
    }

    /// <summary>The known hot method: pure arithmetic, no calls.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double HotMethod(int n)
    {
        double x = 0;
        for (int i = 1; i < n; i++) x += Math.Sqrt(i) * 1.000001;
        return x;
    }

    /// <summary>Burns CPU in one call for <paramref name="duration"/>, in a loop whose body is on the lines marked
    /// "loop line" (the truth test reads the marks from this file): a single long call runs through on-stack replacement,
    /// so the samples land in OSR code, not in the method's first version.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double LineLoop(TimeSpan duration)
    {
        var sw = Stopwatch.StartNew();
        double x = 0, y = 1;
        while (sw.Elapsed < duration)
        {
            for (int i = 1; i < 200_000; i++) // loop line
            {
                x += Math.Sqrt(i) * 1.000001; // loop line
                y = y * 0.999999 + x * 1e-12; // loop line
            }
        }
        s_sink = x + y;
        return x + y;
    }

    /// <summary>Burns CPU under profiler labels, in an async method, so that labels must flow through awaits.</summary>
    public static async Task<double> LabeledAsync(string endpoint, TimeSpan duration)
    {
        using (Profiler.Labels("endpoint", endpoint))
        {
            var sw = Stopwatch.StartNew();
            double x = 0;
            while (sw.Elapsed < duration)
            {
                await Task.Yield();
                x += HotMethod(100_000);
            }
            return x;
        }
    }

    /// <summary>A known allocation mix: byte arrays of 1000 bytes, arrays of 10 longs and small objects, in the
    /// ratio of <paramref name="bytesTarget"/>. Returns the bytes this thread allocated, measured by the GC.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long AllocateMix(long bytesTarget)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var keep = new object[64];
        long done = 0;
        int i = 0;
        while (done < bytesTarget)
        {
            keep[i++ & 63] = AllocBytes();          // 1024 bytes (1000 + header)
            keep[i++ & 63] = AllocLongs();          // 104 bytes
            keep[i++ & 63] = AllocLongs();
            keep[i++ & 63] = AllocPoint();          // 32 bytes
            done += 1024 + 2 * 104 + 32;
        }
        s_keep = keep;
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static byte[] AllocBytes() => new byte[1000];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long[] AllocLongs() => new long[10];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Point3 AllocPoint() => new Point3(1, 2);

    /// <summary>A small allocated type.</summary>
    public sealed class Point3
    {
        public Point3(long x, long y)
        {
            X = x;
            Y = y;
        }

        public long X { get; }
        public long Y { get; }
    }

    private static readonly object s_lock = new();

    /// <summary>Contends one lock from <paramref name="threads"/> threads, each holding it for
    /// <paramref name="hold"/> <paramref name="rounds"/> times. Returns the total time the threads measured waiting
    /// to enter the lock.</summary>
    public static TimeSpan ContendLock(int threads, int rounds, TimeSpan hold)
    {
        long waitedTicks = 0;
        var workers = new Thread[threads];
        using var go = new Barrier(threads);
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                go.SignalAndWait();
                for (int r = 0; r < rounds; r++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    EnterContended(hold, ref waitedTicks, t0);
                }
            }) { Name = "lock-worker" };
            workers[t].Start();
        }
        foreach (var w in workers) w.Join();
        return Stopwatch.GetElapsedTime(0, waitedTicks);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EnterContended(TimeSpan hold, ref long waitedTicks, long t0)
    {
        lock (s_lock)
        {
            Interlocked.Add(ref waitedTicks, Stopwatch.GetTimestamp() - t0);
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < hold) Thread.SpinWait(20);
        }
    }

    /// <summary>Blocks in ManualResetEventSlim.Wait and Task.Wait, <paramref name="rounds"/> times each for
    /// <paramref name="each"/>. Returns the total time measured blocked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TimeSpan BlockOnWaits(int rounds, TimeSpan each)
    {
        var total = TimeSpan.Zero;
        for (int i = 0; i < rounds; i++)
        {
            using var ev = new ManualResetEventSlim(false);
            var timer = new Timer(_ => ev.Set(), null, each, Timeout.InfiniteTimeSpan);
            long t0 = Stopwatch.GetTimestamp();
            WaitForEvent(ev);
            total += Stopwatch.GetElapsedTime(t0);
            timer.Dispose();

            t0 = Stopwatch.GetTimestamp();
            WaitForTask(Task.Delay(each));
            total += Stopwatch.GetElapsedTime(t0);
        }
        return total;
    }

    /// <summary>Sync over async on the thread pool: <paramref name="rounds"/> work items, one after the other, each
    /// blocking on <c>.Result</c> of a task that finishes after <paramref name="each"/>. Returns the total time the work
    /// items measured blocked.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static TimeSpan BlockOnResultInThreadPool(int rounds, TimeSpan each)
    {
        long ticks = 0;
        for (int i = 0; i < rounds; i++)
        {
            Task.Run(() =>
            {
                long t0 = Stopwatch.GetTimestamp();
                WaitForResult(Task.Delay(each).ContinueWith(_ => 1, TaskScheduler.Default));
                Interlocked.Add(ref ticks, Stopwatch.GetTimestamp() - t0);
            }).Wait();
        }
        return Stopwatch.GetElapsedTime(0, ticks);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int WaitForResult(Task<int> t) => t.Result;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WaitForEvent(ManualResetEventSlim ev) => ev.Wait();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WaitForTask(Task t) => t.Wait();

    /// <summary>Creates, starts and joins <paramref name="count"/> threads.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CreateThreads(int count)
    {
        for (int i = 0; i < count; i++)
        {
            var t = new Thread(() => s_sink += 1) { Name = "created" };
            t.Start();
            t.Join();
        }
    }

    /// <summary>Throws and catches <paramref name="count"/> <see cref="InvalidOperationException"/>s.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int ThrowExceptions(int count)
    {
        int caught = 0;
        for (int i = 0; i < count; i++)
        {
            try
            {
                Thrower(i);
            }
            catch (InvalidOperationException)
            {
                caught++;
            }
        }
        return caught;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Thrower(int i) => throw new InvalidOperationException("workload exception " + i);

    /// <summary>The list <see cref="HoldLinkedList"/> keeps: a holder with one field, so that the holder's retained
    /// size must cover the list, its nodes and their arrays.</summary>
    public sealed class ListHolder
    {
        public LinkedList<byte[]> List = new();
    }

    private static ListHolder? s_listHolder;

    /// <summary>Keeps a <see cref="LinkedList{T}"/> of <paramref name="nodes"/> 100-byte arrays in a static field
    /// (once per process).</summary>
    public static void HoldLinkedList(int nodes)
    {
        if (s_listHolder != null) return;
        var holder = new ListHolder();
        for (int i = 0; i < nodes; i++) holder.List.AddLast(new byte[100]);
        s_listHolder = holder;
    }
}
