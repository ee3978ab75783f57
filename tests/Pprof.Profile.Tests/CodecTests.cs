using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Pprof.Profiles.Proto;

namespace Pprof.Profiles.Tests;

/// <summary>profile.proto codec: Go-identical encoding, every field round trips, pprof's decoding rules, validation
/// messages, gzip integrity and the decompression cap.</summary>
public class CodecTests
{
    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    public static TheoryData<string> AllFixtures()
    {
        var d = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(LegacyParserTests.ProfilesDir).Select(Path.GetFileName).Order(StringComparer.Ordinal)) d.Add(f!);
        return d;
    }

    /// <summary>Parsing a fixture and writing it uncompressed gives exactly the bytes Go 1.19's
    /// <c>ParseData</c> + <c>WriteUncompressed</c> give (hashes recorded from Go).</summary>
    [Theory]
    [MemberData(nameof(AllFixtures))]
    public void EncodingMatchesGoByteForByte(string file)
    {
        var want = File.ReadAllLines(Path.Combine(LegacyParserTests.GoldenDir(), "go-proto.sha256"))
            .Select(l => l.Split(' ')).ToDictionary(a => a[0], a => a[1]);
        var p = Profile.Parse(File.ReadAllBytes(Path.Combine(LegacyParserTests.ProfilesDir, file)));
        Assert.Equal(want[file], Sha(p.ToByteArray()));
    }

    [Fact]
    public void GoWrittenProtoReencodesToTheSameBytes()
    {
        var gz = File.ReadAllBytes(Path.Combine(LegacyParserTests.ProfilesDir, "cpu.pb.gz"));
        var raw = Gunzip(gz);
        Assert.Equal(raw, Profile.ParseUncompressed(raw).ToByteArray());
    }

    private static byte[] Gunzip(byte[] gz)
    {
        using var s = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] raw)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(raw);
        return ms.ToArray();
    }

    internal static Profile Rich()
    {
        var m1 = new Mapping { Id = 1, Start = 0x400000, Limit = 0x500000, Offset = 0x1000, File = "/bin/app", BuildId = "abc", HasFunctions = true, HasFilenames = true, HasLineNumbers = true, HasInlineFrames = true };
        var m2 = new Mapping { Id = 2, Start = 0x7f0000000000, Limit = 0x7f0000100000, File = "/lib/libc.so.6" };
        var f1 = new Function { Id = 1, Name = "main.main", SystemName = "main.main", Filename = "main.go", StartLine = 10 };
        var f2 = new Function { Id = 2, Name = "Ünïcode.fn", SystemName = "_ZN3fooE", Filename = "x.cc", StartLine = 0 };
        var l1 = new Location { Id = 1, Mapping = m1, Address = 0x401234, Lines = new[] { new Line(f2, 7, 3), new Line(f1, 12, 0) } };
        var l2 = new Location { Id = 2, Mapping = m2, Address = 0x7f0000000100, IsFolded = true };
        var l3 = new Location { Id = 3, Address = 0, Lines = new[] { new Line(f1, 99, 17) } };
        var s1 = new Sample(new[] { l1, l2, l3 }, new long[] { 1, -2, long.MaxValue });
        s1.SetLabel("thread", "t1", "t2");
        s1.NumLabels = new Dictionary<string, long[]> { ["bytes"] = new long[] { 16, 32 }, ["age"] = new long[] { -5 } };
        s1.NumUnits = new Dictionary<string, string[]> { ["bytes"] = new[] { "bytes", "" } };
        var s2 = new Sample(new[] { l3 }, new long[] { 0, 0, long.MinValue });
        return new Profile
        {
            SampleTypes = { new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds"), new ProfileValueType("", "") },
            DefaultSampleType = "cpu",
            Samples = { s1, s2 },
            Mappings = { m1, m2 },
            Locations = { l1, l2, l3 },
            Functions = { f1, f2 },
            Comments = { "first", "", "second" },
            DropFrames = "drop.*",
            KeepFrames = "keep",
            TimeNanos = 1_700_000_000_123_456_789,
            DurationNanos = 10_500_000_000,
            PeriodType = new ProfileValueType("cpu", "nanoseconds"),
            Period = 10_000_000,
            DocUrl = "https://example.com/doc",
        };
    }

    [Fact]
    public void EveryFieldRoundTrips()
    {
        var p = Rich();
        var ms = new MemoryStream();
        p.Write(ms);
        var q = Profile.Parse(ms.ToArray());
        Assert.Equal(p.ToString(), q.ToString());
        Assert.Equal(p.ToByteArray(), q.ToByteArray());
        Assert.Equal("https://example.com/doc", q.DocUrl);
        Assert.Equal(3, q.Locations[0].Lines[0].Column);
        Assert.Equal(17, q.Locations[2].Lines[0].Column);
        Assert.Equal("drop.*", q.DropFrames);
        Assert.Equal("keep", q.KeepFrames);
        Assert.Equal("cpu", q.DefaultSampleType);
        Assert.Equal(1_700_000_000_123_456_789, q.TimeNanos);
        Assert.Equal(new[] { "first", "", "second" }, q.Comments);
        Assert.True(q.Locations[1].IsFolded);
        Assert.Equal("Ünïcode.fn", q.Functions[1].Name);
        Assert.Equal("_ZN3fooE", q.Functions[1].SystemName);
        var m = q.Mappings[0];
        Assert.True(m.HasFunctions && m.HasFilenames && m.HasLineNumbers && m.HasInlineFrames);
        Assert.Equal((0x1000UL, "abc"), (m.Offset, m.BuildId));
        Assert.Equal(new[] { "t1", "t2" }, q.Samples[0].Labels!["thread"]);
        Assert.Equal(new long[] { 16, 32 }, q.Samples[0].NumLabels!["bytes"]);
        Assert.Equal(new[] { "bytes", "" }, q.Samples[0].NumUnits!["bytes"]);
        Assert.Equal(new long[] { -5 }, q.Samples[0].NumLabels!["age"]);
        Assert.Equal(new long[] { 1, -2, long.MaxValue }, q.Samples[0].Values);
        Assert.Null(q.Locations[2].Mapping);
        Assert.Same(q.Functions[0], q.Locations[2].Lines[0].Function);
    }

    [Fact]
    public void RawTextFormMatchesGo()
    {
        // Laid out as Go's Profile.String() prints it (TZ=UTC: the test host runs in UTC).
        string s = Rich().ToString();
        Assert.StartsWith("Comment: first\nComment: \nComment: second\nPeriodType: cpu nanoseconds\nPeriod: 10000000\n", s);
        Assert.Contains("\nDuration: 10.5\nSamples:\nsamples/count cpu/nanoseconds[dflt] /\n", s);
        Assert.Contains("\n          1         -2 9223372036854775807: 1 2 3 \n                thread:[t1 t2]\n                age:[-5] bytes:[16 bytes 32 ]\n", s);
        Assert.Contains("\n     1: 0x401234 M=1 Ünïcode.fn x.cc:7 s=0(_ZN3fooE)\n             main.main main.go:12 s=10\n", s);
        Assert.Contains("\n     2: 0x7f0000000100 M=2 [F] \n", s);
        Assert.EndsWith("Mappings\n1: 0x400000/0x500000/0x1000 /bin/app abc [FN][FL][LN][IN]\n2: 0x7f0000000000/0x7f0000100000/0x0 /lib/libc.so.6  \n", s);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(999L, "999ns")]
    [InlineData(1_500L, "1.5µs")]
    [InlineData(1_500_000L, "1.5ms")]
    [InlineData(2_000_000_000L, "2s")]
    [InlineData(61_000_000_000L, "1m1s")]
    [InlineData(3_723_500_000_000L, "1h2m3.5s")]
    [InlineData(-1_500_000L, "-1.5ms")]
    public void GoDurationStrings(long ns, string want) => Assert.Equal(want, TextFormat.GoDuration(ns));

    [Fact]
    public void StringTableMustStartWithEmptyString()
    {
        var w = new ProtoWriter();
        w.String(6, "x");
        var e = Assert.Throws<ProfileFormatException>(() => Profile.ParseUncompressed(w.Span));
        Assert.Contains("string_table[0] must be ''", e.Message);
    }

    [Fact]
    public void StringIndexOutOfRangeIsAnError()
    {
        var w = new ProtoWriter();
        w.String(6, "");
        int m = w.BeginMessage(1);
        w.Int64(1, 5);
        w.EndMessage(m);
        Assert.Throws<ProfileFormatException>(() => Profile.ParseUncompressed(w.Span));
    }

    private static Profile Minimal() => new()
    {
        SampleTypes = { new ProfileValueType("samples", "count") },
        PeriodType = new ProfileValueType("samples", "count"),
    };

    [Fact]
    public void ValidationNamesTheProblem()
    {
        var p = Minimal();
        var f = new Function { Id = 1, Name = "f" };
        var l = new Location { Id = 1, Lines = new[] { new Line(f, 1) } };
        p.Functions.Add(f);
        p.Locations.Add(l);
        p.Samples.Add(new Sample(new[] { l }, new long[] { 1, 2 }));
        Assert.Equal("malformed profile: mismatch: sample has 2 values vs. 1 types", Assert.Throws<ProfileFormatException>(p.CheckValid).Message);

        p.Samples[0].Values = new long[] { 1 };
        p.CheckValid();
        p.Functions.Add(new Function { Id = 1, Name = "g" });
        Assert.Equal("malformed profile: multiple functions with same id: 1", Assert.Throws<ProfileFormatException>(p.CheckValid).Message);

        p.Functions.RemoveAt(1);
        p.Locations.Add(new Location { Id = 0 });
        Assert.Equal("malformed profile: found location with reserved id=0", Assert.Throws<ProfileFormatException>(p.CheckValid).Message);

        p.Locations.RemoveAt(1);
        var empty = Minimal();
        empty.SampleTypes.Clear();
        empty.Samples.Add(new Sample(Array.Empty<Location>(), Array.Empty<long>()));
        Assert.Equal("malformed profile: missing sample type information", Assert.Throws<ProfileFormatException>(empty.CheckValid).Message);
    }

    [Fact]
    public void DanglingIdsInProtoAreErrors()
    {
        var p = Minimal();
        var f = new Function { Id = 7, Name = "f" };
        var l = new Location { Id = 3, Lines = new[] { new Line(f, 1) } };
        p.Locations.Add(l);
        p.Samples.Add(new Sample(new[] { l }, new long[] { 1 }));
        // The function is not in the table.
        var e = Assert.Throws<ProfileFormatException>(() => Profile.Parse(p.ToByteArray()));
        Assert.Equal("malformed profile: location 3 refers to function 7, which is not in the profile's function table", e.Message);

        p.Functions.Add(f);
        p.Locations.Clear();
        e = Assert.Throws<ProfileFormatException>(() => Profile.Parse(p.ToByteArray()));
        Assert.Equal("malformed profile: sample refers to location 3, which is not in the profile's location table", e.Message);

        p.Locations.Add(l);
        p.Locations.Add(new Location { Id = 3 });
        e = Assert.Throws<ProfileFormatException>(() => Profile.Parse(p.ToByteArray()));
        Assert.Equal("malformed profile: multiple locations with same id: 3", e.Message);
    }

    [Fact]
    public void UnknownMappingIdLeavesLocationUnmapped()
    {
        // pprof tolerates a mapping id with no mapping (the location just has none).
        var p = Minimal();
        var m = new Mapping { Id = 9, Start = 1, Limit = 2 };
        var l = new Location { Id = 1, Mapping = m, Address = 1 };
        p.Locations.Add(l);
        p.Samples.Add(new Sample(new[] { l }, new long[] { 1 }));
        var q = Profile.Parse(p.ToByteArray());
        Assert.Null(q.Locations[0].Mapping);
    }

    [Fact]
    public void ConcatenatedProfilesAreRejected()
    {
        var p = Minimal();
        p.TimeNanos = 5;
        var b = p.ToByteArray();
        var e = Assert.Throws<ProfileFormatException>(() => Profile.Parse(b.Concat(b).ToArray()));
        Assert.Equal("parsing profile: concatenated profiles detected", e.Message);
    }

    [Fact]
    public void EmptyInputIsAnError()
    {
        Assert.Equal("parsing profile: empty input file", Assert.Throws<ProfileFormatException>(() => Profile.Parse(Array.Empty<byte>())).Message);
        Assert.Equal("parsing profile: empty input file", Assert.Throws<ProfileFormatException>(() => Profile.Parse(Gzip(Array.Empty<byte>()))).Message);
    }

    [Fact]
    public void FieldZeroAndUnknownFieldsAreSkippedLikePprof()
    {
        var w = new ProtoWriter();
        w.Int64(0, 42);             // field 0: skipped by pprof
        w.String(1000, "future");   // unknown field
        w.String(6, "");
        w.Int64(12, 100);
        var p = Profile.ParseUncompressed(w.Span);
        Assert.Equal(100, p.Period);
    }

    [Fact]
    public void ScalarWithWrongWireTypeIsNotProto()
    {
        var b = new byte[] { 0x32, 0x00, (12 << 3) | 5, 1, 0, 0, 0 }; // string_table "", period as fixed32
        Assert.Throws<ProfileFormatException>(() => Profile.ParseUncompressed(b));
    }

    [Fact]
    public void TruncatedGzipIsAnError()
    {
        var gz = File.ReadAllBytes(Path.Combine(LegacyParserTests.ProfilesDir, "large.cpu"));
        foreach (int cut in new[] { 1, 3, 4, 5, 8, 9, 100, gz.Length / 2 })
        {
            var e = Assert.Throws<ProfileFormatException>(() => Profile.Parse(gz.AsSpan(0, gz.Length - cut).ToArray()));
            Assert.StartsWith("decompressing profile: ", e.Message);
        }
    }

    [Fact]
    public void CorruptGzipChecksumAndTrailingGarbageAreErrors()
    {
        var gz = File.ReadAllBytes(Path.Combine(LegacyParserTests.ProfilesDir, "cpu.pb.gz"));
        var bad = (byte[])gz.Clone();
        bad[^6] ^= 0x40;
        Assert.StartsWith("decompressing profile: ", Assert.Throws<ProfileFormatException>(() => Profile.Parse(bad)).Message);
        var trailing = gz.Concat(new byte[] { 0, 0, 0 }).ToArray();
        Assert.StartsWith("decompressing profile: ", Assert.Throws<ProfileFormatException>(() => Profile.Parse(trailing)).Message);
    }

    [Fact]
    public void MultiMemberGzipIsAccepted()
    {
        var raw = Gunzip(File.ReadAllBytes(Path.Combine(LegacyParserTests.ProfilesDir, "cpu.pb.gz")));
        var two = Gzip(raw[..100]).Concat(Gzip(raw[100..])).ToArray();
        Assert.Equal(Profile.ParseUncompressed(raw).ToString(), Profile.Parse(two).ToString());
    }

    [Fact]
    public void GzipBombIsStoppedAtTheLimit()
    {
        var bomb = Gzip(new byte[50_000_000]);
        var e = Assert.Throws<ProfileFormatException>(() => Profile.Parse(bomb, new ParseOptions { MaxDecompressedBytes = 1_000_000 }));
        Assert.Equal("decompressing profile: data exceeds the limit of 1000000 bytes (set PPROF_MAX_DECOMPRESSED_BYTES to raise it)", e.Message);
        var ok = Gzip(Rich().ToByteArray());
        Assert.NotNull(Profile.Parse(ok, new ParseOptions { MaxDecompressedBytes = 1_000_000 }));
    }

    [Fact]
    public void LimitComesFromTheEnvironment()
    {
        // A large value, so that other tests creating options meanwhile are not affected.
        Environment.SetEnvironmentVariable("PPROF_MAX_DECOMPRESSED_BYTES", "1234567890");
        try
        {
            Assert.Equal(1234567890, new ParseOptions().MaxDecompressedBytes);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PPROF_MAX_DECOMPRESSED_BYTES", null);
        }
        Assert.Equal(ParseOptions.DefaultMaxDecompressedBytes, new ParseOptions().MaxDecompressedBytes);
    }

    [Fact]
    public void ParseFromStreamHonoursTheLimit()
    {
        var raw = Rich().ToByteArray();
        Assert.Equal(Rich().ToString(), Profile.Parse(new MemoryStream(raw)).ToString());
        Assert.Throws<ProfileFormatException>(() => Profile.Parse(new MemoryStream(raw), new ParseOptions { MaxDecompressedBytes = 10 }));
    }

    [Fact]
    public void CopyIsDeepAndEqual()
    {
        var p = Rich();
        var q = p.Copy();
        Assert.Equal(p.ToString(), q.ToString());
        q.Functions[0].Name = "changed";
        Assert.Equal("main.main", p.Functions[0].Name);
    }
}
