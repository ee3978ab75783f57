using System.Text;
using System.Text.Json;
using Pprof.Profiles;
using Pprof.Profiles.Go;
using Pprof.Report.Visual;

namespace Pprof.Report.Tests;

/// <summary>Stacks of any depth (a recursive function 20,000 and 100,000 frames deep) give every report, the graph
/// and the flame graph without recursion on the depth. The work runs on a thread with a 1 MiB stack, the size of an
/// ordinary thread's: recursion per frame would overflow it (and kill the test host, which fails the run loudly).</summary>
public class DeepStackTests
{
    private static readonly Dictionary<int, Profile> s_profiles = new();

    /// <summary>main calls f recursively <paramref name="depth"/> times, then f calls leaf; plus a shallow sample.</summary>
    private static Profile Deep(int depth)
    {
        lock (s_profiles)
        {
            if (s_profiles.TryGetValue(depth, out var cached)) return cached;
            var stack = new StringBuilder("main");
            for (int i = 0; i < depth; i++) stack.Append(";f");
            stack.Append(";leaf");
            var p = VisualTestProfiles.Build((stack.ToString(), 7), ("main;g", 3));
            s_profiles[depth] = p;
            return p;
        }
    }

    private static void OnSmallStack(Action work)
    {
        Exception? failure = null;
        var t = new Thread(() =>
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, maxStackSize: 1 << 20);
        t.Start();
        t.Join();
        if (failure != null) throw new Xunit.Sdk.XunitException("failed on a 1 MiB stack: " + failure);
    }

    public static TheoryData<int> Depths() => new() { 20_000, 100_000 };

    [Theory]
    [MemberData(nameof(Depths))]
    public void FlameGraphIsCutAtItsMaximumDepthWithANote(int depth)
    {
        var p = Deep(depth);
        OnSmallStack(() =>
        {
            var g = FlameGraph.Build(p, new FlameGraphOptions { SampleValue = v => v[1] });
            Assert.Equal(1, g.CutStacks);
            // root, main, f at depths 2..1000, and g.
            Assert.Equal(2 + 999 + 1, g.Count);
            var json = new MemoryStream();
            g.WriteJson(json);
            using var doc = JsonDocument.Parse(json.ToArray());
            Assert.Equal(1, doc.RootElement.GetProperty("cutStacks").GetInt32());
            Assert.Equal(1000, doc.RootElement.GetProperty("maxDepth").GetInt32());
            Assert.Equal(1000, doc.RootElement.GetProperty("depth").EnumerateArray().Max(e => e.GetInt32()));
            var page = new MemoryStream();
            FlameGraphPage.Write(page, g);
            Assert.Contains("1 stacks deeper than 1000 frames are cut at that depth", Encoding.UTF8.GetString(page.ToArray()), StringComparison.Ordinal);
        });
    }

    [Theory]
    [MemberData(nameof(Depths))]
    public void FlameGraphWithoutACutHasEveryFrame(int depth)
    {
        var p = Deep(depth);
        OnSmallStack(() =>
        {
            var g = FlameGraph.Build(p, new FlameGraphOptions { SampleValue = v => v[1], MaxDepth = int.MaxValue });
            Assert.Equal(0, g.CutStacks);
            // root, main, depth times f, leaf, g.
            Assert.Equal(depth + 4, g.Count);
            g.WriteJson(Stream.Null);
        });
    }

    [Theory]
    [MemberData(nameof(Depths))]
    public void FoldedStacksWriteEveryFrame(int depth)
    {
        var p = Deep(depth);
        OnSmallStack(() =>
        {
            var w = new StringWriter();
            FoldedStacks.Write(w, p, v => v[1]);
            var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, l => l.StartsWith("main;f;f;", StringComparison.Ordinal) && l.EndsWith(";leaf 7", StringComparison.Ordinal));
        });
    }

    public static TheoryData<string, int> Formats()
    {
        var data = new TheoryData<string, int>();
        foreach (int depth in new[] { 20_000, 100_000 })
        {
            foreach (var f in new[] { "Text", "Tree", "Traces", "Dot", "Callgrind", "Raw", "Proto", "TopProto", "Tags", "List", "Text+CallTree" })
                data.Add(f, depth);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void ReportsHandleDeepStacks(string format, int depth)
    {
        var p = Deep(depth).Copy();
        OnSmallStack(() =>
        {
            bool callTree = format.EndsWith("+CallTree", StringComparison.Ordinal);
            var o = new ReportOptions
            {
                OutputFormat = Enum.Parse<ReportFormat>(format.Split('+')[0]),
                CallTree = callTree,
                SampleValue = v => v[1],
                SampleType = "cpu",
                SampleUnit = "nanoseconds",
                Symbol = format == "List" ? GoRegex.Compile("^f$") : null,
            };
            var output = new MemoryStream();
            ReportGenerator.Generate(output, p, o);
            if (format != "Tags") Assert.True(output.Length > 0);
        });
    }

    [Fact]
    public void HugeLocationIdsGiveTheSameReportAsSmallOnes()
    {
        // Ids beyond the id table's array part take its dictionary part; the report must not change.
        var small = VisualTestProfiles.Build(("main;f;leaf", 7), ("main;g", 3));
        var huge = small.Copy();
        ulong next = 1UL << 50;
        foreach (var l in huge.Locations) l.Id = next++;
        string Top(Profile p)
        {
            var output = new MemoryStream();
            ReportGenerator.Generate(output, p, new ReportOptions { SampleValue = v => v[1], SampleType = "cpu", SampleUnit = "nanoseconds" });
            return Encoding.UTF8.GetString(output.ToArray());
        }
        Assert.Equal(Top(small), Top(huge));
    }
}
