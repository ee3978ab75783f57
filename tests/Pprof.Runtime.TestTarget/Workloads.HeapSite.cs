using System.Runtime.CompilerServices;

namespace Pprof.Runtime.TestTarget;

/// <summary>Workloads for the heap profile (live bytes by allocation site): a cache that keeps a known number of
/// objects of known size live, filled on one known line, and churn garbage from another site.</summary>
public static class HeapSiteWorkloads
{
    /// <summary>Entries <see cref="FillCache"/> keeps live.</summary>
    public const int CacheEntries = 20_000;

    /// <summary>Length of each entry (a byte array).</summary>
    public const int EntryLength = 1024;

    /// <summary>The size of one entry on the 64-bit heap as the runtime reports it (header, method table, length, data).</summary>
    public const long EntryObjectBytes = EntryLength + 24;

    /// <summary>The live bytes the cache holds once filled.</summary>
    public const long CacheBytes = CacheEntries * EntryObjectBytes;

    private static List<byte[]>? s_cache;
    private static object? s_sink;

    /// <summary>Replaces the cache with <see cref="CacheEntries"/> fresh entries, allocated on the line marked below;
    /// the old entries become garbage.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FillCache()
    {
        var entries = new List<byte[]>(CacheEntries);
        for (int i = 0; i < CacheEntries; i++)
        {
            entries.Add(new byte[EntryLength]); // FillCache allocation line
        }
        s_cache = entries;
    }

    /// <summary>Allocates about <paramref name="bytes"/> of short-lived garbage (256-byte arrays) from its own site.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Churn(long bytes)
    {
        for (long done = 0; done < bytes; done += 256 + 24)
        {
            s_sink = new byte[256]; // Churn allocation line
        }
    }

    /// <summary>The out-of-process cycle: refill the cache, collect the old one, churn for a while. The refill runs in a
    /// no-GC region, so that every collection sees exactly one full cache (a collection in the middle of a refill
    /// would see the old cache and part of the new one, wherever a profile's window ends).</summary>
    public static void FillCacheCycle()
    {
        bool noGc = GC.TryStartNoGCRegion(CacheBytes + 16_000_000);
        FillCache();
        if (noGc && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        GC.Collect();
        for (int i = 0; i < 20; i++)
        {
            Churn(2_000_000);
            Thread.Sleep(50);
        }
    }

    /// <summary>The in-process run: waits until the heap profile (switched on by PPROF_HEAP_PROFILING=1) is on, fills the cache once,
    /// churns, forces a collection, and writes the heap profile to <paramref name="path"/> (gzipped proto) and
    /// <paramref name="path"/>.txt (debug=1); the profile just before the cache was filled goes to
    /// <paramref name="path"/>.before (for <c>-base</c>).</summary>
    public static void FillCacheInProcess(string path)
    {
        var heap = Profiler.Lookup("heap") ?? throw new InvalidOperationException("no heap profile");
        var wait = System.Diagnostics.Stopwatch.StartNew();
        while (heap.Build().Comments.Any(c => c.Contains("profiling is off", StringComparison.Ordinal)))
        {
            if (wait.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("heap profiling did not switch on");
            Thread.Sleep(100);
        }
        using (var b = File.Create(path + ".before")) heap.WriteTo(b, 0);
        FillCache();
        for (int i = 0; i < 10; i++) Churn(5_000_000);
        GC.Collect();
        using (var f = File.Create(path)) heap.WriteTo(f, 0);
        using (var t = File.Create(path + ".txt")) heap.WriteTo(t, 1);
    }
}
