using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Pprof.Profiles.Tests;

/// <summary>Legacy formats: every fixture of the conformance pack parses to the profile Go 1.19's <c>profile.ParseData</c>
/// produces, compared through the raw text form (goldens in LegacyGoldens/ were written by Go 1.19's own
/// <c>Profile.String()</c>).</summary>
public class LegacyParserTests
{
    internal static readonly string ProfilesDir = Path.Combine(PackDir(), "profiles");

    /// <summary>The conformance pack, which stands beside the repository as <c>../shared/conformance/pprof</c>.</summary>
    internal static string PackDir([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "shared", "conformance", "pprof"));

    internal static string GoldenDir([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "LegacyGoldens");

    public static TheoryData<string> Fixtures()
    {
        var d = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(ProfilesDir).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (f != "large.cpu") d.Add(f!);
        }
        return d;
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void FixtureMatchesGoString(string file)
    {
        var p = Profile.Parse(File.ReadAllBytes(Path.Combine(ProfilesDir, file)));
        string want = File.ReadAllText(Path.Combine(GoldenDir(), file + ".string"));
        Assert.Equal(want, p.ToString());
    }

    [Fact]
    public void LargeCpuMatchesGoString()
    {
        var p = Profile.Parse(File.ReadAllBytes(Path.Combine(ProfilesDir, "large.cpu")));
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(p.ToString())));
        Assert.Equal("b5c0e741a66b0dd971761bcba8d6cfd91c26497004b892f213572baad02aaa56", hash);
    }

    [Theory]
    [InlineData("cppbench.heap")]
    [InlineData("cppbench.growth")]
    [InlineData("gobench.heap")]
    [InlineData("java.heap")]
    public void HeapProfilesGetAllocatorFrames(string file)
    {
        var p = Profile.Parse(File.ReadAllBytes(Path.Combine(ProfilesDir, file)));
        Assert.StartsWith("calloc|cfree|malloc|free|", p.DropFrames);
        Assert.Equal(@"runtime\.panic|runtime\.reflectcall|runtime\.call[0-9]*", p.KeepFrames);
    }

    [Fact]
    public void ContentionProfileGetsLockFrames()
    {
        var p = Profile.Parse(File.ReadAllBytes(Path.Combine(ProfilesDir, "cppbench.contention")));
        Assert.StartsWith("RecordLockProfileData|", p.DropFrames);
        Assert.Equal("", p.KeepFrames);
        Assert.Equal(new[] { "contentions", "delay" }, p.SampleTypes.Select(t => t.Type));
    }

    private static byte[] Words(bool is64, bool big, params ulong[] words)
    {
        var ms = new MemoryStream();
        foreach (ulong w in words)
        {
            var b = new byte[is64 ? 8 : 4];
            if (is64) System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(b, w);
            else System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)w);
            if (big) Array.Reverse(b);
            ms.Write(b);
        }
        return ms.ToArray();
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void CpuProfileInEveryWordSizeAndByteOrder(bool is64, bool big)
    {
        // Header (0, 3, 0, period 10000us, 0), two samples, the end marker (0, 1, 0), then a memory map.
        var data = Words(is64, big, 0, 3, 0, 10000, 0,
            5, 3, 0x401000, 0x402005, 0x403005,
            2, 2, 0x401100, 0x402105,
            0, 1, 0).Concat(Encoding.ASCII.GetBytes("00400000-00500000 r-xp 00000000 00:00 0 /bin/prog\n")).ToArray();
        var p = Profile.Parse(data);
        Assert.Equal(10_000_000, p.Period);
        Assert.Equal(new long[] { 5, 50_000_000 }, p.Samples[0].Values);
        Assert.Equal(new ulong[] { 0x401000, 0x402004, 0x403004 }, p.Samples[0].Locations.Select(l => l.Address));
        Assert.Equal(new ulong[] { 0x401100, 0x402104 }, p.Samples[1].Locations.Select(l => l.Address));
        var m = Assert.Single(p.Mappings);
        Assert.Equal("/bin/prog", m.File);
        Assert.All(p.Locations, l => Assert.Same(m, l.Mapping));
        Assert.Equal(new ulong[] { 1, 2, 3, 4, 5 }, p.Locations.Select(l => l.Id));
    }

    [Fact]
    public void CpuProfileDropsTheSignalHandlerFrameCommonToAllSamples()
    {
        var data = Words(false, false, 0, 3, 0, 100, 0,
            1, 3, 0x10, 0x99, 0x30,
            1, 3, 0x11, 0x99, 0x31,
            0, 1, 0);
        var p = Profile.Parse(data);
        Assert.Equal(new ulong[] { 0x10, 0x2f }, p.Samples[0].Locations.Select(l => l.Address));
        Assert.Equal(new ulong[] { 0x11, 0x30 }, p.Samples[1].Locations.Select(l => l.Address));
    }

    [Fact]
    public void CpuProfileClaimingHugeStackIsRejectedWithoutAllocating()
    {
        var data = Words(false, false, 0, 3, 0, 10000, 0, 1, 0xFFFFFFFF, 1, 2);
        var e = Assert.Throws<ProfileFormatException>(() => Profile.Parse(data));
        Assert.Equal("parsing profile: unrecognized profile format", e.Message);
    }

    [Fact]
    public void GoHeapDebug1WithMemStatsTrailer()
    {
        string text = "heap profile: 2: 2048 [5: 10240] @ heap/1048576\n" +
                      "1: 1024 [2: 2048] @ 0x1001 0x2001\n" +
                      "1: 1024 [3: 8192] @ 0x1001 0x3001\n" +
                      "\n# runtime.MemStats\n# Alloc = 12345\n# NumGC = 3\n";
        var p = Profile.Parse(Encoding.ASCII.GetBytes(text));
        Assert.Equal(new[] { "alloc_objects", "alloc_space", "inuse_objects", "inuse_space" }, p.SampleTypes.Select(t => t.Type));
        Assert.Equal(524288, p.Period);
        Assert.Equal(2, p.Samples.Count);
        Assert.Equal(new ulong[] { 0x1000, 0x2000 }, p.Samples[0].Locations.Select(l => l.Address));
        Assert.Equal(new long[] { 1024 }, p.Samples[0].NumLabels!["bytes"]);
        // Sampled at 512 KiB: each value is scaled by 1/(1-exp(-avg/rate)).
        double scale = 1 / (1 - Math.Exp(-1024.0 / 524288));
        Assert.Equal((long)(2 * scale), p.Samples[0].Values[0]);
        Assert.Equal((long)(1024 * scale), p.Samples[0].Values[3]);
        // No memory map: one fake mapping covering everything.
        var m = Assert.Single(p.Mappings);
        Assert.Equal(ulong.MaxValue, m.Limit);
    }

    [Fact]
    public void HeapSampleWithZeroCountButBytesIsAnError()
    {
        string text = "heap profile: 1: 1 [1: 1] @ heapprofile\n0: 5 [0: 0] @ 0x1\n";
        var e = Assert.Throws<ProfileFormatException>(() => Profile.Parse(Encoding.ASCII.GetBytes(text)));
        Assert.Equal("parsing profile: inuse count was 0 but inuse bytes was 5", e.Message);
    }

    [Fact]
    public void GoroutineCountProfile()
    {
        string text = "goroutine profile: total 3\n2 @ 0x10 0x20 0x30\n#\t0x10\tmain.f+0x1\n\n1 @ 0x10 0x40\n";
        var p = Profile.Parse(Encoding.ASCII.GetBytes(text));
        Assert.Equal("goroutine", p.PeriodType!.Type);
        Assert.Equal("count", p.SampleTypes[0].Unit);
        Assert.Equal(new long[] { 2 }, p.Samples[0].Values);
        Assert.Equal(new ulong[] { 0xf, 0x1f, 0x2f }, p.Samples[0].Locations.Select(l => l.Address));
        Assert.Same(p.Samples[0].Locations[0], p.Samples[1].Locations[0]);
        Assert.Equal(4, p.Locations.Count);
    }

    [Fact]
    public void CountProfileWithOctalCountUsesGoBasePrefixes()
    {
        var p = Profile.Parse(Encoding.ASCII.GetBytes("threadcreate profile: total 8\n010 @ 0x10\n"));
        Assert.Equal(8, p.Samples[0].Values[0]);
        var e = Assert.Throws<ProfileFormatException>(() => Profile.Parse(Encoding.ASCII.GetBytes("threadcreate profile: total 8\n09 @ 0x10\n")));
        Assert.Equal("parsing profile: malformed profile format", e.Message);
    }

    [Fact]
    public void GoMutexProfile()
    {
        string text = "--- mutex:\ncycles/second=1000000000\nsampling period=5\n100 3 @ 0x100 0x200\n";
        var p = Profile.Parse(Encoding.ASCII.GetBytes(text));
        Assert.Equal(5, p.Period);
        Assert.Equal(new long[] { 15, 500 }, p.Samples[0].Values);
        Assert.Equal(new ulong[] { 0xff, 0x1ff }, p.Samples[0].Locations.Select(l => l.Address));
    }

    [Fact]
    public void MemoryMapWithAttributesAndLogPrefixes()
    {
        string text = "goroutine profile: total 1\n1 @ 0x401234 0x7f0000001000\n--- Memory map: ---\n" +
                      "dir = /opt/app\n" +
                      "I1122 10:00:00 x.cc:12] 00400000-00500000 r-xp 00000000 00:00 0 $dir/prog\n" +
                      "7f0000000000-7f0000010000 r-xp 00000000 00:00 0 /lib/libc.so.6\n" +
                      "7f0000010000-7f0000020000 rw-p 00000000 00:00 0 /lib/libc.so.6\n";
        var p = Profile.Parse(Encoding.ASCII.GetBytes(text));
        Assert.Equal(new[] { "/opt/app/prog", "/lib/libc.so.6" }, p.Mappings.Select(m => m.File));
        Assert.Equal("/opt/app/prog", p.Samples[0].Locations[0].Mapping!.File);
        Assert.Equal("/lib/libc.so.6", p.Samples[0].Locations[1].Mapping!.File);
    }

    [Fact]
    public void MassageMappingsMergesSplitMappingsAndPutsMainFirst()
    {
        string text = "goroutine profile: total 1\n1 @ 0x7f0000001001 0x7f0000011001 0x401001\n--- Memory map: ---\n" +
                      "7f0000000000-7f0000010000 r-xp 00000000 00:00 0 /lib/libc.so.6\n" +
                      "7f0000010000-7f0000020000 r-xp 00010000 00:00 0 /lib/libc.so.6\n" +
                      "00400000-00500000 r-xp 00000000 00:00 0 /bin/main\n";
        var p = Profile.Parse(Encoding.ASCII.GetBytes(text));
        Assert.Equal(new[] { "/bin/main", "/lib/libc.so.6" }, p.Mappings.Select(m => m.File));
        Assert.Equal(0x7f0000020000UL, p.Mappings[1].Limit);
        Assert.Equal(new ulong[] { 1, 2 }, p.Mappings.Select(m => m.Id));
        Assert.Same(p.Mappings[1], p.Samples[0].Locations[0].Mapping);
        Assert.Same(p.Mappings[1], p.Samples[0].Locations[1].Mapping);
    }

    [Fact]
    public void ThreadProfileCountsSameAsPrevious()
    {
        string text = "--- threadz 1 ---\n\n--- Thread 1 (name: main/1) stack: ---\n  PC: 0x100 0x200\n" +
                      "--- Thread 2 (name: w/2) stack: ---\n  same as previous thread\n" +
                      "--- Memory map: ---\n";
        var p = Profile.Parse(Encoding.ASCII.GetBytes(text));
        var s = Assert.Single(p.Samples);
        Assert.Equal(new long[] { 2 }, s.Values);
        Assert.Equal(new ulong[] { 0x100, 0x1ff }, s.Locations.Select(l => l.Address));
    }

    [Fact]
    public void JavaContentionProfile()
    {
        string text = "--- contentionz 1 ---\nformat = java\nresolution = microseconds\nsampling period = 100\nms since reset = 6000\n" +
                      " 200 3 @ 0x01 0x02\n" +
                      "0x01 com.example.A.f (A.java:12)\n0x02 com.example.B.g (/lib/libjvm.so)\n";
        var p = Profile.Parse(Encoding.ASCII.GetBytes(text));
        Assert.Equal(new[] { "contentions", "delay" }, p.SampleTypes.Select(t => t.Type));
        Assert.Equal("microseconds", p.SampleTypes[1].Unit);
        Assert.Equal(6_000_000_000, p.DurationNanos);
        Assert.Equal(new long[] { 300, 20000 }, p.Samples[0].Values);
        var l0 = p.Samples[0].Locations[0];
        Assert.Equal(0UL, l0.Address);
        Assert.Equal("com.example.A.f", l0.Lines[0].Function!.Name);
        Assert.Equal("A.java", l0.Lines[0].Function!.Filename);
        Assert.Equal(12, l0.Lines[0].LineNumber);
        Assert.Equal("libjvm.so", p.Samples[0].Locations[1].Lines[0].Function!.Filename);
    }

    [Fact]
    public void UnrecognizedTextIsAnErrorNamingTheFormat()
    {
        var e = Assert.Throws<ProfileFormatException>(() => Profile.Parse(Encoding.ASCII.GetBytes("hello world\n")));
        Assert.Equal("parsing profile: unrecognized profile format", e.Message);
    }

    [Fact]
    public void OverlongFirstLineIsAScannerError()
    {
        var data = Encoding.ASCII.GetBytes("heap profile: " + new string('1', 70000) + "\n");
        var e = Assert.Throws<ProfileFormatException>(() => Profile.Parse(data));
        Assert.Equal("parsing profile: bufio.Scanner: token too long", e.Message);
    }

    [Fact]
    public void GzippedLegacyTextParses()
    {
        var raw = File.ReadAllBytes(Path.Combine(ProfilesDir, "cppbench.heap"));
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        Assert.Equal(Profile.Parse(raw).ToString(), Profile.Parse(ms.ToArray()).ToString());
    }
}
