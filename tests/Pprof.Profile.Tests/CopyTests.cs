using Pprof.Profiles;

namespace Pprof.Profiles.Tests;

/// <summary><see cref="Profile.Copy"/> clones directly when it can; the result must be what an encode/decode round trip gives.</summary>
public class CopyTests
{
    public static IEnumerable<object[]> Fixtures() =>
        Directory.GetFiles(LegacyParserTests.ProfilesDir).Select(f => new object[] { Path.GetFileName(f) });

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void CopyEqualsRoundTrip(string file)
    {
        var p = Profile.Parse(File.ReadAllBytes(Path.Combine(LegacyParserTests.ProfilesDir, file)));
        var viaProto = Profile.ParseUncompressed(p.ToByteArray());
        var copy = p.Copy();
        Assert.Equal(viaProto.ToByteArray(), copy.ToByteArray());
        Assert.Equal(viaProto.ToString(), copy.ToString());
        copy.CheckValid();
        // The copy shares no mutable object with the original.
        Assert.DoesNotContain(copy.Locations, l => p.Locations.Any(o => ReferenceEquals(o, l)));
        Assert.DoesNotContain(copy.Functions, f => p.Functions.Any(o => ReferenceEquals(o, f)));
        if (copy.Samples.Count > 0)
        {
            copy.Samples[0].Values[0] += 1;
            Assert.NotEqual(copy.Samples[0].Values[0], p.Samples[0].Values[0]);
        }
    }

    [Fact]
    public void CopyNormalisesLabelsAsTheProtoDoes()
    {
        var fn = new Function { Id = 1, Name = "f" };
        var loc = new Location { Id = 1, Lines = new[] { new Line(fn, 1) } };
        var s = new Sample(new[] { loc }, new long[] { 5 });
        s.SetLabel("empty", "");
        s.NumLabels = new Dictionary<string, long[]> { ["zero"] = new long[] { 0 }, ["bytes"] = new long[] { 8 } };
        var p = new Profile { SampleTypes = { new ProfileValueType("samples", "count") }, Samples = { s }, Locations = { loc }, Functions = { fn } };
        var copy = p.Copy();
        Assert.Null(copy.Samples[0].Labels);
        Assert.Equal(new[] { "bytes" }, copy.Samples[0].NumLabels!.Keys);
        Assert.NotNull(copy.PeriodType);
    }
}
