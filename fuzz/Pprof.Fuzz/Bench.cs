using System.Diagnostics;
using Pprof.Profile;
using ValueType = Pprof.Profile.ValueType;

namespace PprofFuzz;

/// <summary>Decoder benchmark: builds a large synthetic profile (by default 1M samples over 20,000 functions, stacks up
/// to 40 deep), writes it gzipped (so <c>go tool pprof -top</c> can be timed on the same file), and measures
/// <see cref="Profile.Parse(byte[], ParseOptions?)"/> time and allocations.</summary>
internal static class Bench
{
    public static Profile Generate(int samples, int functions, int maxDepth, int seed = 42)
    {
        var rng = new Random(seed);
        var p = new Profile
        {
            SampleTypes = { new ValueType("samples", "count"), new ValueType("cpu", "nanoseconds") },
            PeriodType = new ValueType("cpu", "nanoseconds"),
            Period = 10_000_000,
            TimeNanos = 1_700_000_000_000_000_000,
            DurationNanos = 30_000_000_000,
        };
        var m = new Mapping { Id = 1, Start = 0x400000, Limit = 0x4000000, File = "/usr/bin/bench", HasFunctions = true, HasFilenames = true, HasLineNumbers = true };
        p.Mappings.Add(m);
        for (int i = 0; i < functions; i++)
        {
            p.Functions.Add(new Function
            {
                Id = (ulong)(i + 1),
                Name = $"Namespace{i % 97}.Type{i % 1013}.Method{i}",
                SystemName = $"Namespace{i % 97}.Type{i % 1013}.Method{i}",
                Filename = $"/src/project/File{i % 1013}.cs",
                StartLine = i % 500,
            });
        }
        // Two locations per function (different lines).
        for (int i = 0; i < functions * 2; i++)
        {
            var f = p.Functions[i / 2];
            p.Locations.Add(new Location { Id = (ulong)(i + 1), Mapping = m, Address = 0x400000 + (ulong)i * 16, Lines = new[] { new Line(f, f.StartLine + 1 + i % 2) } });
        }
        var stack = new Location[maxDepth];
        for (int i = 0; i < samples; i++)
        {
            int depth = 1 + rng.Next(maxDepth);
            // Skewed choice so that stacks share frames, as real ones do.
            for (int d = 0; d < depth; d++)
            {
                int r = rng.Next(p.Locations.Count);
                stack[d] = p.Locations[d < depth - 3 ? r : r % 64];
            }
            long n = 1 + rng.Next(5);
            p.Samples.Add(new Sample(stack.AsSpan(0, depth).ToArray(), new[] { n, n * 10_000_000 }));
        }
        return p;
    }

    public static int Run(string path, int samples)
    {
        if (!File.Exists(path))
        {
            var sw0 = Stopwatch.StartNew();
            var g = Generate(samples, 20_000, 40);
            using (var f = File.Create(path)) g.Write(f);
            Console.WriteLine($"generated {path} ({new FileInfo(path).Length / 1e6:F1} MB gzipped) in {sw0.Elapsed.TotalSeconds:F1}s");
        }
        var data = File.ReadAllBytes(path);
        var raw = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(new MemoryStream(data), System.IO.Compression.CompressionMode.Decompress)) gz.CopyTo(raw);
        var rawBytes = raw.ToArray();
        for (int i = 0; i < 3; i++)
        {
            var sw1 = Stopwatch.StartNew();
            using (var gz = new System.IO.Compression.GZipStream(new MemoryStream(data), System.IO.Compression.CompressionMode.Decompress)) gz.CopyTo(Stream.Null);
            double gunzipMs = sw1.Elapsed.TotalMilliseconds;
            sw1.Restart();
            Profile.ParseUncompressed(rawBytes);
            Console.WriteLine($"gunzip alone: {gunzipMs:F0} ms; decode of the uncompressed bytes alone: {sw1.Elapsed.TotalMilliseconds:F0} ms");
        }
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            long a0 = GC.GetTotalAllocatedBytes(true);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var p = Profile.Parse(data);
            double ms = sw.Elapsed.TotalMilliseconds;
            double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
            long alloc = GC.GetTotalAllocatedBytes(true) - a0;
            Console.WriteLine($"parse: {ms:F0} ms ({cpuMs:F0} ms CPU), {alloc / 1e6:F0} MB allocated, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB, " +
                              $"{p.Samples.Count} samples, {p.Locations.Count} locations, {p.Functions.Count} functions");
        }
        return 0;
    }
}
