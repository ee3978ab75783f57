using System.Diagnostics;
using Pprof.Profiles;

namespace PprofFuzz;

/// <summary>Decoder benchmark: builds a large synthetic profile (by default 1M samples over 20,000 functions, stacks up
/// to 40 deep), writes it gzipped (so <c>go tool pprof -top</c> can be timed on the same file), and measures
/// <see cref="Profile.Parse(byte[], ParseOptions?)"/> time and allocations.</summary>
internal static class Bench
{
    public static int Run(string path, int samples)
    {
        if (!File.Exists(path))
        {
            var sw0 = Stopwatch.StartNew();
            var g = PprofBench.SyntheticProfile.Create(samples, 20_000, 40, PprofBench.SyntheticProfile.Shape.Random);
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
