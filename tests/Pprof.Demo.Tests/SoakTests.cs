using Pprof.Profiles;
using System.Diagnostics;
using System.Net;
using Pprof.Demo.Shop;
using Xunit.Abstractions;

namespace Pprof.Demo.Tests;

/// <summary>A bounded soak: the shop in this process under load from shoppers, 500 profile requests through its
/// endpoints, then the process's managed memory and thread count compared with a baseline taken after a warm-up.</summary>
public sealed class SoakTests
{
    /// <summary>Allowed growth of the managed heap after a full compacting GC. A leak of 100 KB per request would be
    /// 50 MB.</summary>
    private const long MemoryToleranceBytes = 12L * 1024 * 1024;

    /// <summary>Allowed growth of the OS thread count. A leaked thread per profile request would be hundreds.</summary>
    private const int ThreadTolerance = 6;

    private const int ProfileRequests = 500;

    /// <summary>The expensive requests (collections over a duration, retention and goroutine snapshots): one lane, so that
    /// the CPU profile never runs twice at once and the retention snapshot's limit of one is kept. The goroutine dump is the
    /// slowest (the runtime writes a dump of this whole test process): once in the warm-up, once in the soak.</summary>
    private static readonly string[] s_collections =
    {
        "profile?seconds=0.5", "wall?seconds=0.5", "mutex?seconds=0.5", "retention", "profile?seconds=1", "allocs?seconds=0.5",
        "goroutine?debug=1", "profile?seconds=0.5", "block?seconds=0.5", "wall?seconds=0.5", "exceptions?seconds=0.5",
        "profile?seconds=0.5",
    };

    /// <summary>The warm-up's collections: one of each kind (the first retention snapshot and goroutine dump fill caches
    /// that stay: type names, the debugging library).</summary>
    private static readonly string[] s_warmUpCollections =
    {
        "retention?gc=1", "goroutine", "goroutine?debug=1", "profile?seconds=0.5", "profile?seconds=1", "wall?seconds=0.5",
        "mutex?seconds=0.5", "allocs?seconds=0.5", "block?seconds=0.5", "exceptions?seconds=0.5", "retention",
    };

    /// <summary>Cheap requests beside them in the same lane.</summary>
    private static readonly string[] s_pages = { "", "cmdline", "symbol", "../vars" };

    /// <summary>Snapshots of the always-on profiles, from a second lane.</summary>
    private static readonly string[] s_snapshots =
    {
        "allocs", "mutex", "block", "threadcreate", "exceptions", "allocs?debug=1", "mutex?debug=1", "threadcreate?debug=1",
        "exceptions?debug=1",
    };

    private readonly ITestOutputHelper _output;

    public SoakTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task FiveHundredProfileRequestsUnderLoadLeaveMemoryAndThreadsWhereTheyWere()
    {
        await using var app = ShopApp.Build(new[] { "--urls", "http://127.0.0.1:0", "--faults", "lock,exceptions" });
        await app.StartAsync();
        string url = ShopApp.ListeningAddress(app);
        using var client = new HttpClient { BaseAddress = new Uri(url + "/debug/pprof/"), Timeout = TimeSpan.FromSeconds(120) };
        var clock = Stopwatch.StartNew();

        // Warm-up: every kind of request once, under load, so that caches, pools and JIT are where they stay.
        await using (new ShopLoad(url, 2))
        {
            await Task.Delay(1500);
            foreach (var path in s_warmUpCollections.Concat(s_pages).Concat(s_snapshots)) await GetProfileAsync(client, path);
        }
        var baseline = await SettleAsync(null);
        _output.WriteLine($"warm-up done at {clock.Elapsed.TotalSeconds:0.0} s; baseline: {baseline}");

        int requests = 0;
        await using (var load = new ShopLoad(url, 2))
        {
            var collections = Task.Run(async () =>
            {
                int n = 0;
                for (int i = 0; n < 200; i++)
                {
                    await GetProfileAsync(client, s_collections[i % s_collections.Length]);
                    n++;
                    for (int j = 0; j < 15 && n < 200; j++, n++) await GetProfileAsync(client, s_pages[(i + j) % s_pages.Length]);
                }
                return n;
            });
            var snapshots = Task.Run(async () =>
            {
                int n = 0;
                for (; n < ProfileRequests - 200; n++) await GetProfileAsync(client, s_snapshots[n % s_snapshots.Length]);
                return n;
            });
            requests = (await collections) + (await snapshots);
            Assert.True(load.Requests > 0 && load.Failures == 0, $"the shop under load: {load.Requests} requests, {load.Failures} failed ({load.FirstFailure})");
            _output.WriteLine($"{requests} profile requests done at {clock.Elapsed.TotalSeconds:0.0} s under {load.Requests} shop requests");
        }
        Assert.Equal(ProfileRequests, requests);

        var after = await SettleAsync(baseline);
        _output.WriteLine($"after the soak ({clock.Elapsed.TotalSeconds:0.0} s): {after}");
        Assert.True(after.ManagedBytes - baseline.ManagedBytes <= MemoryToleranceBytes,
            $"managed memory grew by {(after.ManagedBytes - baseline.ManagedBytes) / 1024.0:0} KiB over {ProfileRequests} profile requests (tolerance {MemoryToleranceBytes / 1024} KiB): baseline {baseline}, after {after}");
        Assert.True(after.Threads - baseline.Threads <= ThreadTolerance,
            $"threads grew by {after.Threads - baseline.Threads} over {ProfileRequests} profile requests (tolerance {ThreadTolerance}): baseline {baseline}, after {after}");
        await app.StopAsync();
    }

    /// <summary>One profile request: 200, and a body that is what it says (a valid profile for debug=0 profiles).</summary>
    private async Task GetProfileAsync(HttpClient client, string path)
    {
        var timer = Stopwatch.StartNew();
        using var response = await client.GetAsync(path);
        if (timer.Elapsed > TimeSpan.FromSeconds(2)) _output.WriteLine($"  GET {path}: {timer.Elapsed.TotalSeconds:0.0} s");
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        Assert.NotEmpty(body);
        bool textual = path.Length == 0 || path.Contains("debug=", StringComparison.Ordinal) || path is "cmdline" or "symbol" or "../vars";
        if (!textual)
        {
            var profile = Profile.Parse(body);
            Assert.NotEmpty(profile.SampleTypes);
        }
    }

    /// <summary>Lets the process settle (load stopped, collections finished), then measures after full GCs until two
    /// measurements a second apart agree (within 512 KiB and the same thread count). With a baseline, also until both
    /// numbers are within tolerance: idle thread-pool threads retire and finished sessions are released over several
    /// seconds (sessions stopped on this process release what they hold one after another), a leak never comes back
    /// down. At most 45 s.</summary>
    private async Task<Usage> SettleAsync(Usage? baseline)
    {
        var waited = Stopwatch.StartNew();
        Usage previous = Usage.Measure(), usage;
        while (true)
        {
            await Task.Delay(1000);
            usage = Usage.Measure();
            _output.WriteLine($"  settle {waited.Elapsed.TotalSeconds:0}s: {usage}");
            bool stable = Math.Abs(usage.ManagedBytes - previous.ManagedBytes) <= 512 * 1024 && usage.Threads == previous.Threads;
            bool within = baseline is not { } b || (usage.ManagedBytes - b.ManagedBytes <= MemoryToleranceBytes && usage.Threads - b.Threads <= ThreadTolerance);
            if ((stable && within) || waited.Elapsed > TimeSpan.FromSeconds(45)) return usage;
            previous = usage;
        }
    }

    private readonly record struct Usage(long ManagedBytes, int Threads)
    {
        public static Usage Measure()
        {
            for (int i = 0; i < 2; i++)
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }
            return new Usage(GC.GetTotalMemory(forceFullCollection: true), OsThreads());
        }

        public override string ToString() => $"{ManagedBytes / 1024.0 / 1024.0:0.00} MiB managed, {Threads} threads";

        private static int OsThreads()
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("Threads:", StringComparison.Ordinal)) return int.Parse(line.AsSpan(8).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            using var self = Process.GetCurrentProcess();
            return self.Threads.Count;
        }
    }
}
