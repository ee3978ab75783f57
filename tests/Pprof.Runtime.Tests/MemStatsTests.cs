using System.Diagnostics;
using System.Text.Json;
using Pprof.Runtime.Goroutine;
using Pprof.Runtime.Heap;
using Pprof.Runtime.MemStats;

namespace Pprof.Runtime.Tests;

/// <summary>MemStats in-process against the GC's own counters and /proc, its Go-shaped outputs, and all three
/// snapshots (memstats, heap, goroutine) taken from outside a running process.</summary>
[Collection("runtime")]
public sealed class MemStatsTests
{
    [Fact]
    public void InProcessMemStatsFollowTheGarbageCollector()
    {
        var before = MemStatsReader.ReadCurrent();
        var keep = new byte[8 << 20];
        GC.Collect(); // full and blocking: the sizes after it include the LOH
        var after = MemStatsReader.ReadCurrent();
        GC.KeepAlive(keep);

        Assert.True(after.TotalAlloc - before.TotalAlloc >= keep.Length, "TotalAlloc counts the 8 MB array");
        Assert.True(after.Collections["gen0"] > before.Collections["gen0"], "gen0 count includes the induced GC");
        Assert.Equal(after.Collections["gen0"], after.NumGC);
        Assert.True(after.GenerationSizes["loh"] >= keep.Length, "the 8 MB array lives on the LOH");
        Assert.Equal(new[] { "gen0", "gen1", "gen2", "loh", "poh" }, after.GenerationSizes.Keys);
        Assert.True(after.PauseTotalNs > 0);
        Assert.NotNull(after.RecentPausesNs);
        Assert.NotEmpty(after.RecentPausesNs!);

        // RSS from /proc agrees with the runtime's view of the working set (both are VmRSS, read moments apart).
        long ws = Process.GetCurrentProcess().WorkingSet64;
        Assert.InRange(after.Rss!.Value, ws / 2, ws * 2);
        Assert.True(after.Virt >= after.Rss);
        Assert.Contains(after.CommandLine, a => a.Contains("testhost", StringComparison.OrdinalIgnoreCase) || a.EndsWith(".dll", StringComparison.Ordinal));

        string trailer = MemStatsFormat.Trailer(after);
        Assert.StartsWith("\n# runtime.MemStats\n# Alloc = ", trailer);
        Assert.Contains($"# NumGC = {after.NumGC}\n", trailer);
        Assert.Contains($"# HeapSize[loh] = {after.GenerationSizes["loh"]}\n", trailer);

        using var json = JsonDocument.Parse(MemStatsFormat.Json(after));
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("cmdline").ValueKind);
        var ms = json.RootElement.GetProperty("memstats");
        Assert.Equal(after.TotalAlloc, ms.GetProperty("TotalAlloc").GetInt64());
        Assert.Equal(after.NumGC, ms.GetProperty("NumGC").GetInt64());
        Assert.Equal(after.GenerationSizes["gen2"], ms.GetProperty("HeapSizeByGeneration").GetProperty("gen2").GetInt64());
    }

    [Fact]
    public void CgroupLimitAndUsageAreReadForV1AndV2()
    {
        string root = Path.Combine(Path.GetTempPath(), "pprof-cgroup-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "app.slice"));
            File.WriteAllText(Path.Combine(root, "app.slice", "memory.max"), "536870912\n");
            File.WriteAllText(Path.Combine(root, "app.slice", "memory.current"), "12345678\n");
            var v2 = new MemStats.MemStats();
            ProcMemory.ReadCgroup(v2, "0::/app.slice\n", root);
            Assert.Equal("v2", v2.CgroupVersion);
            Assert.Equal(536870912, v2.CgroupLimit);
            Assert.Equal(12345678, v2.CgroupUsage);

            Directory.CreateDirectory(Path.Combine(root, "memory", "docker", "abc"));
            File.WriteAllText(Path.Combine(root, "memory", "docker", "abc", "memory.limit_in_bytes"), "9223372036854771712\n");
            File.WriteAllText(Path.Combine(root, "memory", "docker", "abc", "memory.usage_in_bytes"), "4096\n");
            var v1 = new MemStats.MemStats();
            ProcMemory.ReadCgroup(v1, "12:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n", root);
            Assert.Equal("v1", v1.CgroupVersion);
            Assert.Null(v1.CgroupLimit); // "no limit"
            Assert.Equal(4096, v1.CgroupUsage);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void HeapGoroutineAndMemStatsWorkFromOutsideTheProcess()
    {
        string target = typeof(Pprof.Runtime.TestTarget.Workloads).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet", new[] { target, "60", "idle" }) { RedirectStandardOutput = true };
        using var proc = Process.Start(psi)!;
        try
        {
            string? ready = proc.StandardOutput.ReadLine();
            Assert.StartsWith("ready ", ready);

            var m = MemStatsReader.Read(proc.Id);
            Assert.Equal("out-of-process (System.Runtime metrics)", m.Source);
            Assert.True(m.TotalAlloc > 0, "total allocated bytes from the meter");
            Assert.True(m.Rss > 0);
            Assert.Contains(m.CommandLine, a => a.EndsWith("Pprof.Runtime.TestTarget.dll", StringComparison.Ordinal));

            var heap = ProfileAssert.RoundTrip(HeapProfiler.Collect(proc.Id));
            long strings = ProfileAssert.Sum(heap, "inuse_objects", s => s.Locations[0].Lines[0].Function?.Name == "string");
            Assert.True(strings > 0, "a .NET process has live strings");
            Assert.Contains(heap.Comments, c => c.StartsWith($"heap snapshot of pid {proc.Id}:", StringComparison.Ordinal));

            var g = ProfileAssert.RoundTrip(GoroutineProfiler.Collect(proc.Id));
            var idle = g.Samples.Single(s => ProfileAssert.Label(s, "thread") == "wl-idle");
            Assert.Equal("sleep", ProfileAssert.Label(idle, "wait"));
            Assert.True(ProfileAssert.HasFrame(idle, "System.Threading.Thread.Sleep"));
        }
        finally
        {
            proc.Kill();
            proc.WaitForExit(10_000);
        }
    }
}
