using System.Globalization;
using System.Text;
using Pprof.Profiles;
using Pprof.Runtime.Collectors;

namespace Pprof.Runtime.Internal;

/// <summary>The debug=1 form of the heap profile, as Go's runtime/pprof writes it: a header
/// <c>heap profile: inuse_objects: inuse_bytes [alloc_objects: alloc_bytes] @ heap/2×rate</c>, one record per
/// allocation site (same counts, then the stack's addresses, then one <c>#</c> line per frame), largest inuse first,
/// and the <c># runtime.MemStats</c> trailer. As in Go, the counts are the raw sample counts (not upscaled): pprof
/// upscales them from the rate in the header, which gives back the profile's estimates.</summary>
internal static class LegacyHeapText
{
    public static void Write(Profile p, Stream output, MemStats.MemStats memStats)
    {
        var inv = CultureInfo.InvariantCulture;
        int allocObjects = p.SampleTypes.FindIndex(t => t.Type == "alloc_objects");
        int inuseObjects = p.SampleTypes.FindIndex(t => t.Type == "inuse_objects");
        if (allocObjects < 0 || inuseObjects < 0) throw new ArgumentException("not a heap profile", nameof(p));
        var records = new List<(long InuseCount, long InuseBytes, long AllocCount, long AllocBytes, Sample Sample)>();
        foreach (var s in p.Samples)
        {
            long size = s.NumLabels != null && s.NumLabels.TryGetValue("bytes", out var b) && b.Length > 0 ? b[0] : 0;
            double scale = AllocationCollector.Upscale(size);
            long inuse = (long)Math.Round(s.Values[inuseObjects] / scale);
            long alloc = (long)Math.Round(s.Values[allocObjects] / scale);
            records.Add((inuse, inuse * size, alloc, alloc * size, s));
        }
        records.Sort((a, b) => b.InuseBytes != a.InuseBytes ? b.InuseBytes.CompareTo(a.InuseBytes) : b.AllocBytes.CompareTo(a.AllocBytes));
        var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        w.WriteLine(string.Create(inv, $"heap profile: {records.Sum(r => r.InuseCount)}: {records.Sum(r => r.InuseBytes)} [{records.Sum(r => r.AllocCount)}: {records.Sum(r => r.AllocBytes)}] @ heap/{2 * (long)AllocationCollector.SamplingMeanBytes}"));
        foreach (var (inuseCount, inuseBytes, allocCount, allocBytes, s) in records)
        {
            if (inuseCount == 0 && allocCount == 0) continue;
            w.Write(string.Create(inv, $"{inuseCount}: {inuseBytes} [{allocCount}: {allocBytes}] @"));
            foreach (var l in s.Locations) w.Write(string.Create(inv, $" 0x{Address(l):x}"));
            w.WriteLine();
            foreach (var l in s.Locations)
            {
                foreach (var line in l.Lines)
                {
                    var f = line.Function;
                    string where = f == null || f.Filename.Length == 0 ? "" : string.Create(inv, $"\t{f.Filename}:{line.LineNumber}");
                    w.WriteLine(string.Create(inv, $"#\t0x{Address(l):x}\t{f?.Name ?? "?"}{where}"));
                }
            }
            w.WriteLine();
        }
        w.Write(MemStats.MemStatsFormat.Trailer(memStats));
        w.Flush();
    }

    /// <summary>The frame's code address; synthetic frames (the allocated type) have none and show their location id.</summary>
    private static ulong Address(Location l) => l.Address != 0 ? l.Address : l.Id;
}
