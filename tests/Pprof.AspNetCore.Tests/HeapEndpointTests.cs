using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pprof.AspNetCore.Internal;
using Pprof.Runtime;
using Pprof.Runtime.Internal;

namespace Pprof.AspNetCore.Tests;

/// <summary>/debug/pprof/heap: Go's heap profile (live bytes by allocation site), with HeapProfiling = true (off by default).</summary>
public sealed class HeapEndpointTests
{
    private static readonly List<byte[]> s_kept = new();

    /// <summary>Keeps 5,000 arrays of 2,000 bytes (10 MB) live.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void KeepArrays()
    {
        lock (s_kept)
        {
            s_kept.Clear();
            for (int i = 0; i < 5000; i++) s_kept.Add(new byte[2000]);
        }
    }

    [Fact]
    public async Task HeapIsOnFromStartUpAndShowsTheAllocatingMethod()
    {
        try
        {
            await using var app = await TestApp.StartAsync(o => o.HeapProfiling = true);
            var service = app.App.Services.GetServices<IHostedService>().OfType<BackgroundProfilesService>().Single();
            await service.Started.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(BackgroundProfiling.IsEnabled(ProfileKind.Heap));
            // The session reads events a moment after it starts: allocate once it sees them.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (HeapProfileGcIndex() < 0 && DateTime.UtcNow < deadline)
            {
                GC.Collect(0);
                await Task.Delay(100);
            }
            KeepArrays();

            // gc=1: a collection first, and the profile waits for its events.
            using var r = await app.Client.GetAsync("/debug/pprof/heap?gc=1");
            var p = await Http.AssertProfile(r, "heap");
            Assert.Equal(new[] { "alloc_objects", "alloc_space", "inuse_objects", "inuse_space" }, p.SampleTypes.Select(t => t.Type));
            int inuse = p.SampleTypes.FindIndex(t => t.Type == "inuse_space");
            long kept = p.Samples.Where(s => s.Locations.Any(l => l.Lines.Any(x => x.Function?.Name.EndsWith("HeapEndpointTests.KeepArrays", StringComparison.Ordinal) == true))).Sum(s => s.Values[inuse]);
            Assert.InRange(kept, 5_000L * 2024 / 2, 5_000L * 2024 * 2);

            using var text = await app.Client.GetAsync("/debug/pprof/heap?debug=1");
            string body = await text.Content.ReadAsStringAsync();
            Assert.StartsWith("heap profile: ", body, StringComparison.Ordinal);
            Assert.Contains("HeapEndpointTests.KeepArrays", body, StringComparison.Ordinal);
            Assert.Contains("\n# runtime.MemStats\n", body, StringComparison.Ordinal);

            using var delta = await app.Client.GetAsync("/debug/pprof/heap?seconds=0.5");
            var d = await Http.AssertProfile(delta, "heap-delta");
            Assert.Equal(4, d.SampleTypes.Count);
        }
        finally
        {
            Profiler.SetHeapProfiling(false);
            lock (s_kept) s_kept.Clear();
        }
    }

    private static long HeapProfileGcIndex()
    {
        var p = Profiler.Lookup("heap")!.Build();
        return p.Comments.Any(c => c.StartsWith("inuse_ as of garbage collection", StringComparison.Ordinal)) ? 1 : -1;
    }
}
