using Pprof.Profiles;

namespace Pprof.Profiles.Tests;

public class IndexAndLabelTests
{
    private static Profile Heap() => new OpsProfileBuilder("alloc_objects/count", "alloc_space/bytes", "objects/count", "space/bytes").Build();

    [Theory]
    [InlineData("", 3)]
    [InlineData("0", 0)]
    [InlineData("+2", 2)]
    [InlineData("alloc_space", 1)]
    [InlineData("inuse_space", 3)]
    [InlineData("inuse_objects", 2)]
    [InlineData("objects", 2)]
    public void ResolvesSampleIndexes(string name, int index) => Assert.Equal(index, Heap().SampleIndexByName(name));

    [Fact]
    public void EmptyIndexUsesTheDefaultSampleType()
    {
        var p = Heap();
        p.DefaultSampleType = "alloc_space";
        Assert.Equal(1, p.SampleIndexByName(""));
        p.DefaultSampleType = "unknown";
        Assert.Equal(3, p.SampleIndexByName(""));
    }

    [Theory]
    [InlineData("4", "sample_index 4 is outside the range [0..3]")]
    [InlineData("-1", "sample_index -1 is outside the range [0..3]")]
    [InlineData("cpu", "sample_index \"cpu\" must be one of: [alloc_objects alloc_space objects space]")]
    [InlineData(" 1", "sample_index \" 1\" must be one of: [alloc_objects alloc_space objects space]")]
    [InlineData("inuse_alloc", "sample_index \"inuse_alloc\" must be one of: [alloc_objects alloc_space objects space]")]
    public void RejectsUnknownIndexesWithPprofsMessage(string name, string message) =>
        Assert.Equal(message, Assert.Throws<ProfileFormatException>(() => Heap().SampleIndexByName(name)).Message);

    [Fact]
    public void LabelsAcrossTheProfile()
    {
        var b = new OpsProfileBuilder();
        b.Sample("a", 1);
        b.Sample("a", 2).SetLabel("x", "1");
        var p = b.Build();
        p.SetLabel("pprof::base", new[] { "true" });
        Assert.All(p.Samples, s => Assert.True(s.DiffBaseSample()));
        Assert.Equal("1", p.Samples[1].Labels!["x"][0]);
        p.RemoveLabel("pprof::base");
        Assert.All(p.Samples, s => Assert.False(s.DiffBaseSample()));
        Assert.Null(p.Samples[0].Labels);
        p.Samples[0].SetLabel("pprof::base", "false");
        Assert.False(p.Samples[0].DiffBaseSample());
    }

    [Fact]
    public void NumLabelUnitsPicksTheFirstUnitAndInfersTheRest()
    {
        var b = new OpsProfileBuilder();
        var s1 = b.Sample("a", 1);
        s1.NumLabels = new() { ["size"] = new long[] { 1, 2 }, ["request"] = new long[] { 3 }, ["pid"] = new long[] { 4 } };
        s1.NumUnits = new() { ["size"] = new[] { "", "kilobytes" } };
        var s2 = b.Sample("a", 2);
        s2.NumLabels = new() { ["size"] = new long[] { 5 }, ["alignment"] = new long[] { 8 } };
        s2.NumUnits = new() { ["size"] = new[] { "megabytes" } };
        var s3 = b.Sample("a", 3);
        s3.NumLabels = new() { ["size"] = new long[] { 5 } };
        s3.NumUnits = new() { ["size"] = new[] { "bytes" } };
        var (units, ignored) = b.Build().NumLabelUnits();
        Assert.Equal("kilobytes", units["size"]);
        Assert.Equal("bytes", units["request"]);
        Assert.Equal("bytes", units["alignment"]);
        Assert.Equal("pid", units["pid"]);
        Assert.Equal(4, units.Count);
        Assert.Equal(new[] { "bytes", "megabytes" }, ignored["size"]);
        Assert.Single(ignored);
    }

    [Fact]
    public void SymbolizationFlags()
    {
        var b = new OpsProfileBuilder();
        b.Sample("a", 1);
        var p = b.Build();
        Assert.True(p.HasFunctions());
        Assert.True(p.HasFileLines());
        p.Mappings[0].HasLineNumbers = false;
        Assert.True(p.HasFunctions());
        Assert.False(p.HasFileLines());
        p.Mappings[0].HasFunctions = false;
        Assert.False(p.HasFunctions());
        p.Locations[0].Mapping = null;
        Assert.True(p.HasFunctions());
        Assert.True(p.HasFileLines());
    }

    [Fact]
    public void AggregateForgetsWhatIsNotAskedFor()
    {
        var b = new OpsProfileBuilder();
        b.Sample("inl:7+f:3;main:9", 1);
        b.Sample("g+f:4;main:9", 2);
        var p = b.Build();
        p.Aggregate(inlineFrame: false, function: true, filename: false, lineNumber: false, columnNumber: false, address: false);
        Assert.Equal(new[] { "f;main=1", "f;main=2" }, OpsProfileBuilder.Stacks(p));
        Assert.All(p.Functions, f => Assert.Equal("", f.Filename));
        Assert.All(p.Locations, l => Assert.Equal(0UL, l.Address));
        Assert.All(p.Locations.SelectMany(l => l.Lines), ln => Assert.Equal(0, ln.LineNumber));
        var m = p.Mappings[0];
        Assert.True(m.HasFunctions);
        Assert.False(m.HasInlineFrames || m.HasFilenames || m.HasLineNumbers);
        var c = p.Compact();
        Assert.Equal(new[] { "f;main=3" }, OpsProfileBuilder.Stacks(c));
    }

    [Fact]
    public void CopyIsDeepAndEqual()
    {
        var b = new OpsProfileBuilder("samples/count", "cpu/nanoseconds");
        b.Sample("a+b;main", 1, 2).SetLabel("k", "v");
        var p = b.Build();
        p.Comments.Add("c");
        p.TimeNanos = 5;
        p.DropFrames = "x";
        var c = p.Copy();
        Assert.Equal(GoDump.Dump(p), GoDump.Dump(c));
        c.Samples[0].Values[0] = 9;
        c.Functions[0].Name = "z";
        Assert.Equal(1, p.Samples[0].Values[0]);
        Assert.Equal("a", p.Functions[0].Name);
    }
}
