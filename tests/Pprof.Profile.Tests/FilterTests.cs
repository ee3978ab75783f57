using System.Text.RegularExpressions;
using Pprof.Profiles;

namespace Pprof.Profiles.Tests;

public class FilterTests
{
    private static Regex R(string s) => new(s);

    private static Profile Sample3()
    {
        var b = new OpsProfileBuilder();
        b.Sample("leaf+inl;mid;main", 1);
        b.Sample("other;mid;main", 2);
        b.Sample("mid;main", 4);
        b.Sample("", 8);
        return b.Build();
    }

    [Fact]
    public void FocusKeepsSamplesThroughAMatchingFrame()
    {
        var p = Sample3();
        var r = p.FilterSamplesByName(R("inl"), null, null, null);
        Assert.Equal((true, false, false, false), r);
        Assert.Equal(new[] { "leaf+inl;mid;main=1" }, OpsProfileBuilder.Stacks(p));
    }

    [Fact]
    public void NoExpressionsDropsOnlySamplesWithoutLocations()
    {
        var p = Sample3();
        var r = p.FilterSamplesByName(null, null, null, null);
        Assert.Equal((true, false, false, false), r);
        Assert.Equal(3, p.Samples.Count);
    }

    [Fact]
    public void IgnoreWinsOverFocusAndMatchesFileNames()
    {
        var p = Sample3();
        var r = p.FilterSamplesByName(R("mid"), R(@"other\.cs"), null, null);
        Assert.Equal((true, true, false, false), r);
        Assert.Equal(new[] { "leaf+inl;mid;main=1", "mid;main=4" }, OpsProfileBuilder.Stacks(p));
    }

    [Fact]
    public void FocusMatchesTheMappingFile()
    {
        var p = Sample3();
        Assert.True(p.FilterSamplesByName(R("^/bin/app$"), null, null, null).FocusMatched);
        Assert.Equal(3, p.Samples.Count);
        Assert.False(Sample3().FilterSamplesByName(R("nothing"), null, null, null).FocusMatched);
    }

    [Fact]
    public void HideRemovesFramesAndEmptiedLocations()
    {
        var p = Sample3();
        var r = p.FilterSamplesByName(null, null, R("^(leaf|mid)$"), null);
        Assert.Equal((true, false, true, false), r);
        Assert.Equal(new[] { "inl;main=1", "other;main=2", "main=4" }, OpsProfileBuilder.Stacks(p));
    }

    [Fact]
    public void ShowKeepsOnlyMatchingFramesAndDropsEmptiedSamples()
    {
        var p = Sample3();
        var r = p.FilterSamplesByName(null, null, null, R("leaf|other"));
        Assert.Equal((true, false, false, true), r);
        Assert.Equal(new[] { "leaf=1", "other=2" }, OpsProfileBuilder.Stacks(p));
    }

    [Fact]
    public void ShowFromCutsCallersOfTheOutermostMatch()
    {
        var b = new OpsProfileBuilder();
        b.Sample("a;b;c;b;root", 1);
        b.Sample("x;root", 2);
        b.Sample("c+b;root", 4);
        var p = b.Build();
        Assert.True(p.ShowFrom(R("^b$")));
        Assert.Equal(new[] { "a;b;c;b=1", "c+b=4" }, OpsProfileBuilder.Stacks(p));

        var q = b.Build();
        Assert.False(q.ShowFrom(null));
    }

    [Fact]
    public void ShowFromTrimsInlinedCallersInALocation()
    {
        var b = new OpsProfileBuilder();
        b.Sample("a+b+c;root", 1);
        var p = b.Build();
        Assert.True(p.ShowFrom(R("^b$")));
        Assert.Equal(new[] { "a+b=1" }, OpsProfileBuilder.Stacks(p));
    }

    [Fact]
    public void TagFilters()
    {
        var b = new OpsProfileBuilder();
        b.Sample("a", 1).SetLabel("k", "v");
        b.Sample("a", 2).SetLabel("k", "w");
        b.Sample("a", 4);
        var p = b.Build();
        var r = p.FilterSamplesByTag(s => s.HasLabel("k", "v") || s.HasLabel("k", "w"), s => s.HasLabel("k", "w"));
        Assert.Equal((true, true), r);
        Assert.Equal(new long[] { 1 }, p.Samples.Select(s => s.Values[0]));
        Assert.Equal((true, false), p.FilterSamplesByTag(null, null));
        Assert.Equal((false, false), p.FilterSamplesByTag(_ => false, null));
        Assert.Empty(p.Samples);
    }

    [Fact]
    public void TagShowAndHideRemoveLabelKeys()
    {
        var b = new OpsProfileBuilder();
        var s = b.Sample("a", 1);
        s.SetLabel("keep", "1");
        s.SetLabel("drop", "2");
        s.NumLabels = new() { ["bytes"] = new long[] { 3 }, ["keepnum"] = new long[] { 4 } };
        s.NumUnits = new() { ["bytes"] = new[] { "bytes" } };
        var p = b.Build();
        Assert.Equal((true, true), p.FilterTagsByName(R("keep|bytes"), R("bytes")));
        Assert.Equal(new[] { "keep" }, s.Labels!.Keys);
        Assert.Equal(new[] { "keepnum" }, s.NumLabels!.Keys);
        Assert.Null(s.NumUnits);
        Assert.Equal((false, false), p.FilterTagsByName(R("zzz"), null));
        Assert.Null(s.Labels);
        Assert.Null(s.NumLabels);
    }
}
