using Pprof.Profiles;
using System.Text;
using System.Text.Json;
using Pprof.Report.Visual;

namespace Pprof.Report.Tests;

public class VisualFlameGraphTests
{
    private static FlameGraph Build(Profile p, double minFraction = 0) =>
        FlameGraph.Build(p, new FlameGraphOptions { SampleValue = v => v[1], MinFraction = minFraction, Unit = "nanoseconds", SampleType = "cpu", Title = "t" });

    private static List<string> Describe(FlameGraph g)
    {
        var list = new List<string>();
        for (int i = 0; i < g.Count; i++) list.Add($"{new string(' ', g.DepthOf(i))}{g.NameOf(i)} cum={g.CumOf(i)} flat={g.FlatOf(i)}");
        return list;
    }

    [Fact]
    public void BuildsTheCallTreeInPreOrderWithSiblingsByName()
    {
        var p = VisualTestProfiles.Build(
            ("main;work;leaf", 30),
            ("main;work", 8),
            ("main;idle", 5),
            ("other", 2),
            ("main;work;leaf", 12));
        Assert.Equal(new[]
        {
            "root cum=57 flat=0",
            " main cum=55 flat=0",
            "  idle cum=5 flat=5",
            "  work cum=50 flat=8",
            "   leaf cum=42 flat=42",
            " other cum=2 flat=2",
        }, Describe(Build(p)));
    }

    [Fact]
    public void RecursionAndInliningKeepTheirOwnFrames()
    {
        var p = VisualTestProfiles.Build(("main;f;f+g", 4));
        Assert.Equal(new[] { "root cum=4 flat=0", " main cum=4 flat=0", "  f cum=4 flat=0", "   f cum=4 flat=0", "    g cum=4 flat=4" }, Describe(Build(p)));
    }

    [Fact]
    public void NarrowFramesAreLeftOutButStayInTheirParentsCum()
    {
        var p = VisualTestProfiles.Build(("main;big", 990), ("main;tiny", 9), ("main;tiny2", 1));
        var g = Build(p, minFraction: 0.01);
        Assert.Equal(new[] { "root cum=1000 flat=0", " main cum=1000 flat=0", "  big cum=990 flat=990" }, Describe(g));
        Assert.Equal(2, g.DroppedNodes);
    }

    [Fact]
    public void ComparisonRecordsBaseValuesSeparately()
    {
        var p = VisualTestProfiles.Build(new[] { ("main;a", 50L), ("main;b", 10L) }, new[] { ("main;a", 20L), ("main;c", 4L) });
        var g = Build(p);
        Assert.True(g.IsDiff);
        var rows = new List<string>();
        for (int i = 0; i < g.Count; i++) rows.Add($"{g.NameOf(i)} {g.CumOf(i)}/{g.BaseCumOf(i)} {g.FlatOf(i)}/{g.BaseFlatOf(i)}");
        Assert.Equal(new[] { "root 60/24 0/0", "main 60/24 0/0", "a 50/20 50/20", "b 10/0 10/0", "c 0/4 0/4" }, rows);
    }

    [Fact]
    public void JsonHasParallelPreOrderArraysOverASortedNameTable()
    {
        var p = VisualTestProfiles.Build(("main;zeta", 3), ("main;alpha", 1));
        var ms = new MemoryStream();
        Build(p).WriteJson(ms);
        using var doc = JsonDocument.Parse(ms.ToArray());
        var r = doc.RootElement;
        Assert.False(r.GetProperty("diff").GetBoolean());
        Assert.Equal(4, r.GetProperty("total").GetInt64());
        Assert.Equal("nanoseconds", r.GetProperty("unit").GetString());
        var names = r.GetProperty("names").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.Equal(new[] { "alpha", "main", "zeta" }, names);
        var name = r.GetProperty("name").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(new[] { -1, 1, 0, 2 }, name);
        Assert.Equal(new[] { 0, 1, 2, 2 }, r.GetProperty("depth").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(new long[] { 4, 4, 1, 3 }, r.GetProperty("cum").EnumerateArray().Select(e => e.GetInt64()));
        Assert.False(r.TryGetProperty("baseCum", out _));
    }

    [Fact]
    public void PageIsSelfContainedAndEscapesNames()
    {
        var p = VisualTestProfiles.Build(("main;evil", 3));
        p.Functions.Single(f => f.Name == "evil").Name = "</script><script>alert(1)</script>";
        var ms = new MemoryStream();
        FlameGraphPage.Write(ms, Build(p));
        string html = Encoding.UTF8.GetString(ms.ToArray());
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("PprofFlameGraph", html);
        Assert.Contains("id=\"fg-data\"", html);
        // Nothing is loaded from the network.
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
        Assert.DoesNotContain("<link", html);
        // The hostile name is inside the JSON, escaped: exactly the page's own script elements close.
        int closes = 0;
        for (int i = html.IndexOf("</script>", StringComparison.Ordinal); i >= 0; i = html.IndexOf("</script>", i + 1, StringComparison.Ordinal)) closes++;
        Assert.Equal(3, closes);
        Assert.Contains("\\u003C/script\\u003E", html);
    }

    [Fact]
    public void LargeProfileBuildsQuickly()
    {
        // 100,000 distinct frames: 50,000 samples, each through two unique functions.
        var samples = new (string, long)[50_000];
        for (int i = 0; i < samples.Length; i++) samples[i] = ($"main;mid{i};leaf{i}", 1 + i % 3);
        var p = VisualTestProfiles.Build(samples);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var g = Build(p);
        Assert.Equal(2 + 100_000, g.Count);
        Assert.True(sw.Elapsed.TotalSeconds < 10, "took " + sw.Elapsed);
    }
}
