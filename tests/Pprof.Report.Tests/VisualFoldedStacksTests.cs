using Pprof.Profiles;
using Pprof.Report.Visual;

namespace Pprof.Report.Tests;

public class VisualFoldedStacksTests
{
    private static string Folded(Profile p, int index = 1)
    {
        var w = new StringWriter();
        FoldedStacks.Write(w, p, v => v[index]);
        return w.ToString();
    }

    [Fact]
    public void WritesOneLinePerDistinctStackRootFirstInNameOrder()
    {
        var p = VisualTestProfiles.Build(
            ("main;work;leaf", 30),
            ("main;idle", 5),
            ("main;work;leaf", 12),
            ("main;work", 8),
            ("main;alpha", 1));
        Assert.Equal("main;alpha 1\nmain;idle 5\nmain;work 8\nmain;work;leaf 42\n", Folded(p));
    }

    [Fact]
    public void ExpandsInlinedCallsIntoTheirOwnFrames()
    {
        // "work+helper" is one location: helper inlined into work.
        var p = VisualTestProfiles.Build(("main;work+helper;leaf", 7));
        Assert.Equal("main;work;helper;leaf 7\n", Folded(p));
    }

    [Fact]
    public void UsesTheSelectedSampleTypeAndSkipsZeroValues()
    {
        var p = VisualTestProfiles.Build(("main;a", 25), ("main;b", 5));
        // The first sample type is the value divided by 10: b's 5 becomes 0 and is left out.
        Assert.Equal("main;a 2\n", Folded(p, 0));
    }

    [Fact]
    public void ComparisonWritesCurrentMinusBase()
    {
        var p = VisualTestProfiles.Build(new[] { ("main;a", 50L), ("main;b", 10L) }, new[] { ("main;a", 20L), ("main;b", 10L), ("main;c", 4L) });
        Assert.Equal("main;a 30\nmain;c -4\n", Folded(p));
    }

    [Fact]
    public void SeparatorsInsideNamesAreReplaced()
    {
        var p = VisualTestProfiles.Build(("main;odd", 3));
        p.Functions.Single(f => f.Name == "odd").Name = "odd;name\nwith breaks";
        Assert.Equal("main;odd:name with breaks 3\n", Folded(p));
    }

    [Fact]
    public void LocationsWithoutLinesAreNamedByAddress()
    {
        var p = VisualTestProfiles.Build(("main;x", 3));
        var loc = p.Samples[0].Locations[0];
        loc.Lines = Array.Empty<Pprof.Profiles.Line>();
        loc.Address = 0xbeef;
        Assert.Equal("main;0xbeef 3\n", Folded(p));
    }
}
