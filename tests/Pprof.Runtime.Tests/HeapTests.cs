using Pprof.Profiles;
using Pprof.Runtime.Heap;

namespace Pprof.Runtime.Tests;

/// <summary>Truth tests of the heap profile: exact counts and bytes of a known leak, the static field on its
/// retention path, and the growth between two profiles.</summary>
[Collection("runtime")]
public sealed class HeapTests
{
    /// <summary>Two longs: 16 bytes of fields after the 16-byte object header on 64-bit, 32 bytes in all.</summary>
    internal sealed class LeakyEntry
    {
        public long Key;
        public long Value;
    }

    private static readonly List<LeakyEntry> s_leak = new();

    private const string Leaf = "Pprof.Runtime.Tests.HeapTests.LeakyEntry";

    private static long Flat(Profile p, string type, string leaf)
    {
        long v = ProfileAssert.Sum(p, type, s => s.Locations[0].Lines[0].Function?.Name == leaf);
        if (v == 0) Assert.Fail($"no {leaf} in the profile; largest samples:\n" + Top(p));
        return v;
    }

    internal static string Top(Profile p) => string.Join("\n", p.Samples.OrderByDescending(s => s.Values[1]).Take(30)
        .Select(s => string.Join(" ", s.Values) + ": " + string.Join(" <- ", s.Locations.Select(l => l.Lines[0].Function?.Name))))
        + "\n" + string.Join("\n", p.Comments);

    [Fact]
    public void HeapProfileCountsTheLeakExactlyWithTheStaticFieldOnThePath()
    {
        lock (s_leak)
        {
            s_leak.Clear();
            for (int i = 0; i < 100_000; i++) s_leak.Add(new LeakyEntry { Key = i, Value = -i });
            // Earlier tests' event sessions leave garbage waiting for finalization (a TraceLog's method tables held by a
            // finalizable TraceEvent object): the heap dump counts it as live, and it can outweigh the leak below.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var p = ProfileAssert.RoundTrip(HeapProfiler.Collect());
            GC.KeepAlive(s_leak);

            Assert.Equal("inuse_space", p.DefaultSampleType);
            Assert.Equal(new[] { "inuse_objects", "inuse_space", "retained_space" }, p.SampleTypes.Select(t => t.Type));
            Assert.Equal(100_000, Flat(p, "inuse_objects", Leaf));
            Assert.Equal(100_000L * 32, Flat(p, "inuse_space", Leaf));

            // Every LeakyEntry is held by the list's array, the list, and the static field, in that order.
            var leakSamples = p.Samples.Where(s => s.Locations[0].Lines[0].Function?.Name == Leaf).ToList();
            Assert.True(leakSamples.Count == 1, "one path to the entries; largest samples:\n" + Top(p));
            var path = leakSamples[0].Locations.Select(l => l.Lines[0].Function!.Name).ToArray();
            Assert.Equal(new[]
            {
                Leaf,
                Leaf + "[]",
                "System.Collections.Generic.List<" + Leaf + ">",
                "static Pprof.Runtime.Tests.HeapTests.s_leak",
            }, path);

            // The list retains itself, its array and every entry (but for the odd entry a stack slot still references:
            // that one is not retained through the list alone).
            var lists = p.Samples.Where(s => s.Locations[0].Lines[0].Function?.Name == "System.Collections.Generic.List<" + Leaf + ">").ToList();
            Assert.True(lists.Count == 1, "one path to the list; largest samples:\n" + Top(p));
            var listSample = lists[0];
            long listRetained = listSample.Values[2];
            var arrays = p.Samples.Where(s => s.Locations[0].Lines[0].Function?.Name == Leaf + "[]"
                && s.Locations[1].Lines[0].Function?.Name == "System.Collections.Generic.List<" + Leaf + ">").ToList();
            Assert.True(arrays.Count == 1, "one path to the list's array; largest samples:\n" + Top(p));
            var arraySample = arrays[0];
            long all = listSample.Values[1] + arraySample.Values[1] + 100_000L * 32;
            Assert.InRange(listRetained, all - 4 * 32, all);

            // debug=1: Go's heap text, largest record first, then the runtime.MemStats trailer.
            var text = new MemoryStream();
            HeapProfiler.WriteText(p, MemStats.MemStatsReader.ReadCurrent(), text);
            string[] lines = System.Text.Encoding.UTF8.GetString(text.ToArray()).Split('\n');
            long objects = p.Samples.Sum(s => s.Values[0]), bytes = p.Samples.Sum(s => s.Values[1]);
            Assert.Equal($"heap profile: {objects}: {bytes} [{objects}: {bytes}] @ heap/1", lines[0]);
            Assert.StartsWith("100000: 3200000 [100000: 3200000] @ 0x", lines[1]);
            Assert.Equal($"#\t{lines[1].Split(' ')[5]}\t{Leaf}", lines[2]);
            Assert.Contains("# runtime.MemStats", lines);
        }
    }

    [Fact]
    public void TwoHeapProfilesShowTheGrowthAsTheirDifference()
    {
        lock (s_leak)
        {
            s_leak.Clear();
            for (int i = 0; i < 20_000; i++) s_leak.Add(new LeakyEntry());
            var before = HeapProfiler.Collect();
            for (int i = 0; i < 30_000; i++) s_leak.Add(new LeakyEntry());
            var after = HeapProfiler.Collect();
            GC.KeepAlive(s_leak);

            Assert.Equal(20_000, Flat(before, "inuse_objects", Leaf));
            Assert.Equal(50_000, Flat(after, "inuse_objects", Leaf));

            // -base: merge the newer profile with the negated older one; functions match by name.
            var diff = Profile.Merge(new[] { after.Copy(), Negate(before.Copy()) });
            Assert.Equal(30_000, Flat(diff, "inuse_objects", Leaf));
            Assert.Equal(30_000L * 32, Flat(diff, "inuse_space", Leaf));
            s_leak.Clear();
            CliShowsGrowth(before, after);
        }
    }

    /// <summary>The same through the CLI (copied beside the tests by the project reference): <c>dotnet-pprof -top -base</c>.</summary>
    private static void CliShowsGrowth(Profile before, Profile after)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "dotnet-pprof.dll");
        Assert.True(File.Exists(cli), "the CLI is not beside the tests: " + cli);
        string dir = Path.Combine(Path.GetTempPath(), "pprof-heap-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string old = Path.Combine(dir, "old.pb.gz"), cur = Path.Combine(dir, "new.pb.gz");
            using (var f = File.Create(old)) before.Write(f);
            using (var f = File.Create(cur)) after.Write(f);
            var psi = new System.Diagnostics.ProcessStartInfo("dotnet", new[] { cli, "-top", "-sample_index=inuse_objects", "-base", old, cur }) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var proc = System.Diagnostics.Process.Start(psi)!;
            var stderr = proc.StandardError.ReadToEndAsync();
            string stdout = proc.StandardOutput.ReadToEnd();
            Assert.True(proc.WaitForExit(60_000));
            Assert.True(proc.ExitCode == 0, stderr.Result);
            var line = stdout.Split('\n').FirstOrDefault(l => l.TrimEnd().EndsWith(" " + Leaf, StringComparison.Ordinal));
            Assert.True(line != null, "no " + Leaf + " line in:\n" + stdout);
            Assert.StartsWith("30000 ", line!.TrimStart());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static Profile Negate(Profile p)
    {
        foreach (var s in p.Samples) for (int i = 0; i < s.Values.Length; i++) s.Values[i] = -s.Values[i];
        return p;
    }
}
