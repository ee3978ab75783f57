using System.Text;
using Pprof.Profiles;

namespace Pprof.Report.Tests;

/// <summary>Graph building, trimming, sorting and DOT output compared with Go 1.19's <c>internal/graph</c> on a
/// profile that has inlined frames, recursion, string and numeric labels, a location without lines, a negative and
/// a zero sample. The expected texts were printed by pprof's own graph package for the same profile and steps.</summary>
public class GraphReferenceTests
{
    internal static Profile BuildProfile()
    {
        var m = new Mapping { Id = 1, Start = 0x1000, Limit = 0x9000, File = "/bin/app" };
        Function Fn(ulong id, string name, string file) => new() { Id = id, Name = name, SystemName = name, Filename = file, StartLine = (long)id * 10 };
        var fMain = Fn(1, "main.main", "/src/main.go");
        var fRun = Fn(2, "github.com/acme/pkg/v2/server.(*Server).Run", "/src/server/run.go");
        var fHandle = Fn(3, "github.com/acme/pkg/v2/server.handle", "/src/server/../server/handle.go");
        var fAlloc = Fn(4, "runtime.mallocgc", "/go/src/runtime/malloc.go");
        var fJava = Fn(5, "java.util.HashMap.put", "HashMap.java");
        var fCpp = Fn(6, "std::vector<int>::push_back", "vector.h");
        var fRec = Fn(7, "main.recurse", "/src/main.go");
        Location Loc(ulong id, ulong addr, params Line[] lines) => new() { Id = id, Mapping = m, Address = addr, Lines = lines };
        var lMain = Loc(1, 0x1100, new Line(fMain, 12));
        var lRun = Loc(2, 0x1200, new Line(fRun, 30));
        var lHandleInl = Loc(3, 0x1300, new Line(fHandle, 44), new Line(fRun, 31));
        var lAlloc = Loc(4, 0x1400, new Line(fAlloc, 900));
        var lJava = Loc(5, 0x1500, new Line(fJava, 7));
        var lCpp = Loc(6, 0x1600, new Line(fCpp, 8));
        var lRec = Loc(7, 0x1700, new Line(fRec, 70));
        var lRec2 = Loc(8, 0x1704, new Line(fRec, 71));
        var lUnk = Loc(9, 0x1800);
        Sample S(long v, Dictionary<string, string[]>? labels, Dictionary<string, long[]>? num, Dictionary<string, string[]>? units, params Location[] locs) =>
            new(locs, new[] { v, v / 10 }) { Labels = labels, NumLabels = num, NumUnits = units };
        var bytes = new Dictionary<string, string[]> { ["bytes"] = new[] { "bytes" } };
        var p = new Profile
        {
            SampleTypes = { new ProfileValueType("cpu", "nanoseconds"), new ProfileValueType("count", "count") },
            Samples =
            {
                S(5000000, null, null, null, lAlloc, lHandleInl, lRun, lMain),
                S(3000000, new() { ["user"] = new[] { "bob" }, ["a"] = new[] { "x", "y" } }, null, null, lHandleInl, lRun, lMain),
                S(2000000, new() { ["user"] = new[] { "alice" } }, new() { ["bytes"] = new long[] { 1024, 4096 } }, new() { ["bytes"] = new[] { "bytes", "bytes" } }, lAlloc, lRun, lMain),
                S(1500000, null, new() { ["bytes"] = new long[] { 100 } }, bytes, lAlloc, lMain),
                S(700000, null, new() { ["bytes"] = new long[] { 1 << 20 }, ["pid"] = new long[] { 7 } }, null, lAlloc, lJava, lMain),
                S(400000, null, new() { ["bytes"] = new long[] { 1 << 21 } }, bytes, lAlloc, lJava, lMain),
                S(300000, null, new() { ["bytes"] = new long[] { 3000 } }, bytes, lAlloc, lCpp, lMain),
                S(200000, null, new() { ["bytes"] = new long[] { 6000 } }, bytes, lAlloc, lMain),
                S(100000, null, new() { ["bytes"] = new long[] { 12000 } }, bytes, lAlloc, lMain),
                S(900000, null, null, null, lRec, lRec2, lRec, lMain),
                S(600000, null, null, null, lUnk, lCpp, lMain),
                S(-250000, null, null, null, lJava, lMain),
                S(0, null, null, null, lCpp),
            },
            Locations = { lMain, lRun, lHandleInl, lAlloc, lJava, lCpp, lRec, lRec2, lUnk },
            Functions = { fMain, fRun, fHandle, fAlloc, fJava, fCpp, fRec },
            Mappings = { m },
        };
        return p;
    }

    private static readonly Func<long[], long> s_val = v => v[0];
    private static readonly Func<long, string, string> s_format = (v, key) => Measurement.ScaledLabel(v, key, "minimum");

    private static long Total()
    {
        long total = 0;
        foreach (var s in BuildProfile().Samples) total += Math.Abs(s.Values[0]);
        return total;
    }

    private static string B(bool b) => b ? "true" : "false";

    internal static string Summary(Graph g)
    {
        var sb = new StringBuilder();
        foreach (var n in g.Nodes)
        {
            sb.Append($"{n.Info.PrintableName()} flat={n.Flat}/{n.FlatDiv} cum={n.Cum}/{n.CumDiv} fn={n.Function.Info.PrintableName()}\n");
            foreach (var e in n.In.Sort())
                sb.Append($"  <- {e.Src.Info.PrintableName()} w={e.Weight}/{e.WeightDiv} residual={B(e.Residual)} inline={B(e.Inline)}\n");
        }
        return sb.ToString();
    }

    private static string Dot(Graph g, long total, string title)
    {
        var w = new StringWriter();
        var c = new DotConfig
        {
            Title = title,
            Labels = { "File: app", "Type: cpu", "quote \" back\\slash", "Showing nodes" },
            FormatValue = v => Measurement.ScaledLabel(v, "nanoseconds", "minimum"),
            Total = total,
        };
        DotGraph.Compose(w, g, new DotAttributes(), c);
        return w.ToString();
    }

    internal static string Run(string scenario)
    {
        var sb = new StringBuilder();
        long total = Total();
        switch (scenario)
        {
            case "graph":
            {
                var g = Graph.New(BuildProfile(), new GraphOptions { SampleValue = s_val, FormatTag = s_format });
                g.SortNodes(false, false);
                sb.Append(Summary(g));
                g.SortNodes(false, true);
                sb.Append(Dot(g, total, "app"));
                break;
            }
            case "lines":
            {
                var g = Graph.New(BuildProfile(), new GraphOptions { SampleValue = s_val, FormatTag = s_format, ObjNames = true, OrigFnNames = true });
                g.SortNodes(true, false);
                sb.Append(Summary(g));
                break;
            }
            case "addresses":
            {
                var g = Graph.New(BuildProfile(), new GraphOptions { SampleValue = s_val, SampleMeanDivisor = v => v[1], DropNegative = true });
                g.Nodes.Sort(NodeOrder.AddressOrder);
                sb.Append(Summary(g));
                sb.Append(Dot(g, total, ""));
                break;
            }
            case "kept":
            {
                var p = BuildProfile();
                var g = Graph.New(p, new GraphOptions { SampleValue = s_val });
                g.SortNodes(false, true);
                var kept = g.DiscardLowFrequencyNodes(1400000);
                g = Graph.New(p, new GraphOptions { SampleValue = s_val, KeptNodes = kept });
                g.SortNodes(false, true);
                sb.Append("dropped edges ").Append(g.TrimLowFrequencyEdges(1000000)).Append('\n');
                g.RemoveRedundantEdges();
                sb.Append(Summary(g));
                sb.Append(Dot(g, total, "kept"));
                break;
            }
            case "tree":
            {
                var g = Graph.New(BuildProfile(), new GraphOptions { SampleValue = s_val, FormatTag = s_format, CallTree = true });
                g.SortNodes(false, true);
                sb.Append(Summary(g));
                var kept = g.DiscardLowFrequencyNodePtrs(1000000);
                g.TrimTree(kept);
                g.TrimLowFrequencyTags(1000000);
                g.SortNodes(false, true);
                var top = g.SelectTopNodePtrs(5, true);
                g.TrimTree(top);
                sb.Append(Summary(g));
                sb.Append(Dot(g, total, "tree"));
                break;
            }
            case "orders":
            {
                var g = Graph.New(BuildProfile(), new GraphOptions { SampleValue = s_val });
                foreach (var o in new[] { NodeOrder.FlatNameOrder, NodeOrder.FlatCumNameOrder, NodeOrder.CumNameOrder, NodeOrder.NameOrder, NodeOrder.FileOrder, NodeOrder.AddressOrder, NodeOrder.EntropyOrder })
                {
                    g.Nodes.Sort(o);
                    sb.Append(string.Join(',', g.Nodes.Select(n => n.Info.Name))).Append('\n');
                }
                break;
            }
            case "functions":
            {
                var p = BuildProfile();
                foreach (var l in p.Locations)
                {
                    l.Address = 0;
                    for (int i = 0; i < l.Lines.Length; i++) l.Lines[i].LineNumber = 0;
                }
                var g = Graph.New(p, new GraphOptions { SampleValue = s_val, FormatTag = s_format });
                g.SortNodes(false, false);
                sb.Append(Summary(g));
                g.SortNodes(true, false);
                sb.Append(Summary(g));
                g.SortNodes(false, true);
                sb.Append(Dot(g, total, "functions"));
                sb.Append(Dot(g, 0, ""));
                break;
            }
            default:
                throw new ArgumentException(scenario);
        }
        return sb.ToString();
    }

    [Theory]
    [InlineData("graph")]
    [InlineData("lines")]
    [InlineData("addresses")]
    [InlineData("kept")]
    [InlineData("tree")]
    [InlineData("orders")]
    [InlineData("functions")]
    public void MatchesGoGraphPackage(string scenario)
    {
        Assert.Equal(s_expected[scenario], Run(scenario));
    }

    private static readonly Dictionary<string, string> s_expected = new()
    {
        ["graph"] = """""
0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 flat=10200000/0 cum=10200000/0 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 w=5000000/0 residual=false inline=false
  <- 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 w=2000000/0 residual=false inline=false
  <- 0000000000001100 main.main /src/main.go:12 w=1800000/0 residual=false inline=false
  <- 0000000000001500 java.util.HashMap.put HashMap.java:7 w=1100000/0 residual=false inline=false
  <- 0000000000001600 std::vector<int>::push_back vector.h:8 w=300000/0 residual=false inline=false
0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 flat=3000000/0 cum=8000000/0 fn=github.com/acme/pkg/v2/server.handle /src/server/handle.go
  <- 0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 w=8000000/0 residual=false inline=true
0000000000001700 main.recurse /src/main.go:70 flat=900000/0 cum=900000/0 fn=main.recurse /src/main.go
  <- 0000000000001100 main.main /src/main.go:12 w=900000/0 residual=false inline=false
  <- 0000000000001704 main.recurse /src/main.go:71 w=900000/0 residual=false inline=false
0000000000001800 [app] flat=600000/0 cum=600000/0 fn=[app]
  <- 0000000000001600 std::vector<int>::push_back vector.h:8 w=600000/0 residual=false inline=false
0000000000001500 java.util.HashMap.put HashMap.java:7 flat=-250000/0 cum=850000/0 fn=java.util.HashMap.put HashMap.java
  <- 0000000000001100 main.main /src/main.go:12 w=850000/0 residual=false inline=false
0000000000001100 main.main /src/main.go:12 flat=0/0 cum=14450000/0 fn=main.main /src/main.go
0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 flat=0/0 cum=10000000/0 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- 0000000000001100 main.main /src/main.go:12 w=10000000/0 residual=false inline=false
0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 flat=0/0 cum=8000000/0 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 w=8000000/0 residual=false inline=false
0000000000001600 std::vector<int>::push_back vector.h:8 flat=0/0 cum=900000/0 fn=std::vector<int>::push_back vector.h
  <- 0000000000001100 main.main /src/main.go:12 w=900000/0 residual=false inline=false
0000000000001704 main.recurse /src/main.go:71 flat=0/0 cum=900000/0 fn=main.recurse /src/main.go
  <- 0000000000001700 main.recurse /src/main.go:70 w=900000/0 residual=false inline=false
digraph "app" {
node [style=filled fillcolor="#f8f8f8"]
subgraph cluster_L { "File: app" [shape=box fontsize=16 label="File: app\lType: cpu\lquote \" back\\slash\lShowing nodes\l" tooltip="app"] }
N1 [label="0000000000001400\nruntime\nmallocgc\nmalloc.go:900\n10.20ms (68.23%)" id="node1" fontsize=24 shape=box tooltip="0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (10.20ms)" color="#b21300" fillcolor="#edd8d5"]
N1_0 [label = "user:alice" id="N1_0" fontsize=8 shape=box3d tooltip="2ms"]
N1 -> N1_0 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0_0 [label = "1kB" id="NN1_0_0" fontsize=8 shape=box3d tooltip="2ms"]
N1_0 -> NN1_0_0 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0_1 [label = "4kB" id="NN1_0_1" fontsize=8 shape=box3d tooltip="2ms"]
N1_0 -> NN1_0_1 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0 [label = "100B..11.72kB" id="NN1_0" fontsize=8 shape=box3d tooltip="2.10ms"]
N1 -> NN1_0 [label=" 2.10ms" weight=100 tooltip="2.10ms" labeltooltip="2.10ms"]
NN1_1 [label = "1MB" id="NN1_1" fontsize=8 shape=box3d tooltip="700us"]
N1 -> NN1_1 [label=" 700us" weight=100 tooltip="700us" labeltooltip="700us"]
NN1_2 [label = "7" id="NN1_2" fontsize=8 shape=box3d tooltip="700us"]
N1 -> NN1_2 [label=" 700us" weight=100 tooltip="700us" labeltooltip="700us"]
NN1_3 [label = "2MB" id="NN1_3" fontsize=8 shape=box3d tooltip="400us"]
N1 -> NN1_3 [label=" 400us" weight=100 tooltip="400us" labeltooltip="400us"]
N2 [label="0000000000001100\nmain\nmain\nmain.go:12\n0 of 14.45ms (96.66%)" id="node2" fontsize=8 shape=box tooltip="0000000000001100 main.main /src/main.go:12 (14.45ms)" color="#b20100" fillcolor="#edd5d5"]
N3 [label="0000000000001300\nserver\nhandle\nhandle.go:44\n3ms (20.07%)\nof 8ms (53.51%)" id="node3" fontsize=17 shape=box tooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (8ms)" color="#b21e00" fillcolor="#edd9d5"]
N3_0 [label = "a:x\na:y\nuser:bob" id="N3_0" fontsize=8 shape=box3d tooltip="3ms"]
N3 -> N3_0 [label=" 3ms" weight=100 tooltip="3ms" labeltooltip="3ms"]
N4 [label="0000000000001200\nserver\n(*Server)\nRun\nrun.go:30\n0 of 10ms (66.89%)" id="node4" fontsize=8 shape=box tooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ms)" color="#b21400" fillcolor="#edd8d5"]
N5 [label="0000000000001700\nmain\nrecurse\nmain.go:70\n900us (6.02%)" id="node5" fontsize=13 shape=box tooltip="0000000000001700 main.recurse /src/main.go:70 (900us)" color="#b29b7c" fillcolor="#edeae6"]
N6 [label="0000000000001800\n[app]\n600us (4.01%)" id="node6" fontsize=12 shape=box tooltip="0000000000001800 [app] (600us)" color="#b2a48e" fillcolor="#edebe8"]
N7 [label="0000000000001600\nstd\nvector<int>\npush_back\nvector.h:8\n0 of 900us (6.02%)" id="node7" fontsize=8 shape=box tooltip="0000000000001600 std::vector<int>::push_back vector.h:8 (900us)" color="#b29b7c" fillcolor="#edeae6"]
N8 [label="0000000000001500\nHashMap\nput\nHashMap.java:7\n-250us (1.67%)\nof 850us (5.69%)" id="node8" fontsize=11 shape=box tooltip="0000000000001500 java.util.HashMap.put HashMap.java:7 (850us)" color="#b29d7f" fillcolor="#edeae6"]
N9 [label="0000000000001300\nserver\n(*Server)\nRun\nrun.go:31\n0 of 8ms (53.51%)" id="node9" fontsize=8 shape=box tooltip="0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 (8ms)" color="#b21e00" fillcolor="#edd9d5"]
N10 [label="0000000000001704\nmain\nrecurse\nmain.go:71\n0 of 900us (6.02%)" id="node10" fontsize=8 shape=box tooltip="0000000000001704 main.recurse /src/main.go:71 (900us)" color="#b29b7c" fillcolor="#edeae6"]
N2 -> N4 [label=" 10ms" weight=67 penwidth=4 color="#b21400" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ms)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ms)"]
N4 -> N9 [label=" 8ms" weight=54 penwidth=3 color="#b21e00" tooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 (8ms)" labeltooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 (8ms)"]
N9 -> N3 [label=" 8ms\n (inline)" weight=54 penwidth=3 color="#b21e00" tooltip="0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 -> 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (8ms)" labeltooltip="0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 -> 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (8ms)"]
N3 -> N1 [label=" 5ms" weight=34 penwidth=2 color="#b23100" tooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (5ms)" labeltooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (5ms)" minlen=2]
N4 -> N1 [label=" 2ms" weight=14 color="#b2713b" tooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (2ms)" labeltooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (2ms)"]
N2 -> N1 [label=" 1.80ms" weight=13 color="#b27947" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (1.80ms)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (1.80ms)"]
N8 -> N1 [label=" 1.10ms" weight=8 color="#b29470" tooltip="0000000000001500 java.util.HashMap.put HashMap.java:7 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (1.10ms)" labeltooltip="0000000000001500 java.util.HashMap.put HashMap.java:7 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (1.10ms)"]
N2 -> N7 [label=" 900us" weight=7 color="#b29b7c" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001600 std::vector<int>::push_back vector.h:8 (900us)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001600 std::vector<int>::push_back vector.h:8 (900us)"]
N2 -> N5 [label=" 900us" weight=7 color="#b29b7c" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001700 main.recurse /src/main.go:70 (900us)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001700 main.recurse /src/main.go:70 (900us)"]
N5 -> N10 [label=" 900us" weight=7 color="#b29b7c" tooltip="0000000000001700 main.recurse /src/main.go:70 -> 0000000000001704 main.recurse /src/main.go:71 (900us)" labeltooltip="0000000000001700 main.recurse /src/main.go:70 -> 0000000000001704 main.recurse /src/main.go:71 (900us)"]
N10 -> N5 [label=" 900us" weight=7 color="#b29b7c" tooltip="0000000000001704 main.recurse /src/main.go:71 -> 0000000000001700 main.recurse /src/main.go:70 (900us)" labeltooltip="0000000000001704 main.recurse /src/main.go:71 -> 0000000000001700 main.recurse /src/main.go:70 (900us)"]
N2 -> N8 [label=" 850us" weight=6 color="#b29d7f" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001500 java.util.HashMap.put HashMap.java:7 (850us)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001500 java.util.HashMap.put HashMap.java:7 (850us)"]
N7 -> N6 [label=" 600us" weight=5 color="#b2a48e" tooltip="0000000000001600 std::vector<int>::push_back vector.h:8 -> 0000000000001800 [app] (600us)" labeltooltip="0000000000001600 std::vector<int>::push_back vector.h:8 -> 0000000000001800 [app] (600us)"]
N7 -> N1 [label=" 300us" weight=3 color="#b2aca0" tooltip="0000000000001600 std::vector<int>::push_back vector.h:8 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (300us)" labeltooltip="0000000000001600 std::vector<int>::push_back vector.h:8 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (300us)"]
}

""""",
        ["lines"] = """""
0000000000001100 main.main /src/main.go:12 flat=0/0 cum=14450000/0 fn=main.main /src/main.go
0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 flat=10200000/0 cum=10200000/0 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 w=5000000/0 residual=false inline=false
  <- 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 w=2000000/0 residual=false inline=false
  <- 0000000000001100 main.main /src/main.go:12 w=1800000/0 residual=false inline=false
  <- 0000000000001500 java.util.HashMap.put HashMap.java:7 w=1100000/0 residual=false inline=false
  <- 0000000000001600 std::vector<int>::push_back vector.h:8 w=300000/0 residual=false inline=false
0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 flat=0/0 cum=10000000/0 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- 0000000000001100 main.main /src/main.go:12 w=10000000/0 residual=false inline=false
0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 flat=0/0 cum=8000000/0 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 w=8000000/0 residual=false inline=false
0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 flat=3000000/0 cum=8000000/0 fn=github.com/acme/pkg/v2/server.handle /src/server/handle.go
  <- 0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 w=8000000/0 residual=false inline=true
0000000000001600 std::vector<int>::push_back vector.h:8 flat=0/0 cum=900000/0 fn=std::vector<int>::push_back vector.h
  <- 0000000000001100 main.main /src/main.go:12 w=900000/0 residual=false inline=false
0000000000001700 main.recurse /src/main.go:70 flat=900000/0 cum=900000/0 fn=main.recurse /src/main.go
  <- 0000000000001100 main.main /src/main.go:12 w=900000/0 residual=false inline=false
  <- 0000000000001704 main.recurse /src/main.go:71 w=900000/0 residual=false inline=false
0000000000001704 main.recurse /src/main.go:71 flat=0/0 cum=900000/0 fn=main.recurse /src/main.go
  <- 0000000000001700 main.recurse /src/main.go:70 w=900000/0 residual=false inline=false
0000000000001500 java.util.HashMap.put HashMap.java:7 flat=-250000/0 cum=850000/0 fn=java.util.HashMap.put HashMap.java
  <- 0000000000001100 main.main /src/main.go:12 w=850000/0 residual=false inline=false
0000000000001800 [app] flat=600000/0 cum=600000/0 fn=[app]
  <- 0000000000001600 std::vector<int>::push_back vector.h:8 w=600000/0 residual=false inline=false

""""",
        ["addresses"] = """""
0000000000001100 main.main /src/main.go:12 flat=0/0 cum=14450000/1445000 fn=main.main /src/main.go
0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 flat=0/0 cum=10000000/1000000 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- 0000000000001100 main.main /src/main.go:12 w=10000000/1000000 residual=false inline=false
0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 flat=0/0 cum=8000000/800000 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 w=8000000/800000 residual=false inline=false
0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 flat=3000000/300000 cum=8000000/800000 fn=github.com/acme/pkg/v2/server.handle /src/server/handle.go
  <- 0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 w=8000000/800000 residual=false inline=true
0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 flat=10200000/1020000 cum=10200000/1020000 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 w=5000000/500000 residual=false inline=false
  <- 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 w=2000000/200000 residual=false inline=false
  <- 0000000000001100 main.main /src/main.go:12 w=1800000/180000 residual=false inline=false
  <- 0000000000001500 java.util.HashMap.put HashMap.java:7 w=1100000/110000 residual=false inline=false
  <- 0000000000001600 std::vector<int>::push_back vector.h:8 w=300000/30000 residual=false inline=false
0000000000001600 std::vector<int>::push_back vector.h:8 flat=0/0 cum=900000/90000 fn=std::vector<int>::push_back vector.h
  <- 0000000000001100 main.main /src/main.go:12 w=900000/90000 residual=false inline=false
0000000000001700 main.recurse /src/main.go:70 flat=900000/90000 cum=900000/90000 fn=main.recurse /src/main.go
  <- 0000000000001100 main.main /src/main.go:12 w=900000/90000 residual=false inline=false
  <- 0000000000001704 main.recurse /src/main.go:71 w=900000/90000 residual=false inline=false
0000000000001704 main.recurse /src/main.go:71 flat=0/0 cum=900000/90000 fn=main.recurse /src/main.go
  <- 0000000000001700 main.recurse /src/main.go:70 w=900000/90000 residual=false inline=false
0000000000001800 [app] flat=600000/60000 cum=600000/60000 fn=[app]
  <- 0000000000001600 std::vector<int>::push_back vector.h:8 w=600000/60000 residual=false inline=false
digraph "unnamed" {
node [style=filled fillcolor="#f8f8f8"]
subgraph cluster_L { "File: app" [shape=box fontsize=16 label="File: app\lType: cpu\lquote \" back\\slash\lShowing nodes\l"] }
N1 [label="0000000000001100\nmain\nmain\nmain.go:12\n0 of 10ns (6.7e-05%)" id="node1" fontsize=8 shape=box tooltip="0000000000001100 main.main /src/main.go:12 (10ns)" color="#b2b2b2" fillcolor="#ededed"]
N2 [label="0000000000001200\nserver\n(*Server)\nRun\nrun.go:30\n0 of 10ns (6.7e-05%)" id="node2" fontsize=8 shape=box tooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ns)" color="#b2b2b2" fillcolor="#ededed"]
N3 [label="0000000000001300\nserver\n(*Server)\nRun\nrun.go:31\n0 of 10ns (6.7e-05%)" id="node3" fontsize=8 shape=box tooltip="0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 (10ns)" color="#b2b2b2" fillcolor="#ededed"]
N4 [label="0000000000001300\nserver\nhandle\nhandle.go:44\n10ns (6.7e-05%)" id="node4" fontsize=24 shape=box tooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (10ns)" color="#b2b2b2" fillcolor="#ededed"]
N4_0 [label = "a:x\na:y\nuser:bob" id="N4_0" fontsize=8 shape=box3d tooltip="10ns"]
N4 -> N4_0 [label=" 10ns" weight=100 tooltip="10ns" labeltooltip="10ns"]
N5 [label="0000000000001400\nruntime\nmallocgc\nmalloc.go:900\n10ns (6.7e-05%)" id="node5" fontsize=24 shape=box tooltip="0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (10ns)" color="#b2b2b2" fillcolor="#ededed"]
N5_0 [label = "user:alice" id="N5_0" fontsize=8 shape=box3d tooltip="10ns"]
N5 -> N5_0 [label=" 10ns" weight=100 tooltip="10ns" labeltooltip="10ns"]
NN5_0_0 [label = "1024" id="NN5_0_0" fontsize=8 shape=box3d tooltip="10ns"]
N5_0 -> NN5_0_0 [label=" 10ns" weight=100 tooltip="10ns" labeltooltip="10ns"]
NN5_0_1 [label = "4096" id="NN5_0_1" fontsize=8 shape=box3d tooltip="10ns"]
N5_0 -> NN5_0_1 [label=" 10ns" weight=100 tooltip="10ns" labeltooltip="10ns"]
NN5_0 [label = "100B..11.72kB" id="NN5_0" fontsize=8 shape=box3d tooltip="10ns"]
N5 -> NN5_0 [label=" 10ns" weight=100 tooltip="10ns" labeltooltip="10ns"]
NN5_1 [label = "1MB" id="NN5_1" fontsize=8 shape=box3d tooltip="10ns"]
N5 -> NN5_1 [label=" 10ns" weight=100 tooltip="10ns" labeltooltip="10ns"]
NN5_2 [label = "2MB" id="NN5_2" fontsize=8 shape=box3d tooltip="10ns"]
N5 -> NN5_2 [label=" 10ns" weight=100 tooltip="10ns" labeltooltip="10ns"]
NN5_3 [label = "7" id="NN5_3" fontsize=8 shape=box3d tooltip="10ns"]
N5 -> NN5_3 [label=" 10ns" weight=100 tooltip="10ns" labeltooltip="10ns"]
N6 [label="0000000000001600\nstd\nvector<int>\npush_back\nvector.h:8\n0 of 10ns (6.7e-05%)" id="node6" fontsize=8 shape=box tooltip="0000000000001600 std::vector<int>::push_back vector.h:8 (10ns)" color="#b2b2b2" fillcolor="#ededed"]
N7 [label="0000000000001700\nmain\nrecurse\nmain.go:70\n10ns (6.7e-05%)" id="node7" fontsize=24 shape=box tooltip="0000000000001700 main.recurse /src/main.go:70 (10ns)" color="#b2b2b2" fillcolor="#ededed"]
N8 [label="0000000000001704\nmain\nrecurse\nmain.go:71\n0 of 10ns (6.7e-05%)" id="node8" fontsize=8 shape=box tooltip="0000000000001704 main.recurse /src/main.go:71 (10ns)" color="#b2b2b2" fillcolor="#ededed"]
N9 [label="0000000000001800\n[app]\n10ns (6.7e-05%)" id="node9" fontsize=24 shape=box tooltip="0000000000001800 [app] (10ns)" color="#b2b2b2" fillcolor="#ededed"]
N1 -> N2 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ns)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ns)"]
N2 -> N3 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 (10ns)" labeltooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 (10ns)"]
N3 -> N4 [label=" 10ns\n (inline)" color="#b2b2b2" tooltip="0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 -> 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (10ns)" labeltooltip="0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 -> 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (10ns)"]
N4 -> N5 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (10ns)" labeltooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (10ns)" minlen=2]
N2 -> N5 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (10ns)" labeltooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (10ns)"]
N1 -> N5 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (10ns)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (10ns)"]
N1 -> N6 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001600 std::vector<int>::push_back vector.h:8 (10ns)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001600 std::vector<int>::push_back vector.h:8 (10ns)"]
N1 -> N7 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001700 main.recurse /src/main.go:70 (10ns)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001700 main.recurse /src/main.go:70 (10ns)"]
N7 -> N8 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001700 main.recurse /src/main.go:70 -> 0000000000001704 main.recurse /src/main.go:71 (10ns)" labeltooltip="0000000000001700 main.recurse /src/main.go:70 -> 0000000000001704 main.recurse /src/main.go:71 (10ns)"]
N8 -> N7 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001704 main.recurse /src/main.go:71 -> 0000000000001700 main.recurse /src/main.go:70 (10ns)" labeltooltip="0000000000001704 main.recurse /src/main.go:71 -> 0000000000001700 main.recurse /src/main.go:70 (10ns)"]
N1 -> N0 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001500 java.util.HashMap.put HashMap.java:7 (10ns)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001500 java.util.HashMap.put HashMap.java:7 (10ns)"]
N6 -> N9 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001600 std::vector<int>::push_back vector.h:8 -> 0000000000001800 [app] (10ns)" labeltooltip="0000000000001600 std::vector<int>::push_back vector.h:8 -> 0000000000001800 [app] (10ns)"]
N6 -> N5 [label=" 10ns" color="#b2b2b2" tooltip="0000000000001600 std::vector<int>::push_back vector.h:8 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (10ns)" labeltooltip="0000000000001600 std::vector<int>::push_back vector.h:8 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (10ns)"]
}

""""",
        ["kept"] = """""
dropped edges 0
0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 flat=10200000/0 cum=10200000/0 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 w=5000000/0 residual=false inline=false
  <- 0000000000001100 main.main /src/main.go:12 w=3200000/0 residual=true inline=false
  <- 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 w=2000000/0 residual=false inline=false
0000000000001100 main.main /src/main.go:12 flat=0/0 cum=14450000/0 fn=main.main /src/main.go
0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 flat=3000000/0 cum=8000000/0 fn=github.com/acme/pkg/v2/server.handle /src/server/handle.go
  <- 0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 w=8000000/0 residual=false inline=true
0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 flat=0/0 cum=10000000/0 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- 0000000000001100 main.main /src/main.go:12 w=10000000/0 residual=false inline=false
0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 flat=0/0 cum=8000000/0 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 w=8000000/0 residual=false inline=false
digraph "kept" {
node [style=filled fillcolor="#f8f8f8"]
subgraph cluster_L { "File: app" [shape=box fontsize=16 label="File: app\lType: cpu\lquote \" back\\slash\lShowing nodes\l" tooltip="kept"] }
N1 [label="0000000000001400\nruntime\nmallocgc\nmalloc.go:900\n10.20ms (68.23%)" id="node1" fontsize=24 shape=box tooltip="0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (10.20ms)" color="#b21300" fillcolor="#edd8d5"]
N1_0 [label = "user:alice" id="N1_0" fontsize=8 shape=box3d tooltip="2ms"]
N1 -> N1_0 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0_0 [label = "1024" id="NN1_0_0" fontsize=8 shape=box3d tooltip="2ms"]
N1_0 -> NN1_0_0 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0_1 [label = "4096" id="NN1_0_1" fontsize=8 shape=box3d tooltip="2ms"]
N1_0 -> NN1_0_1 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0 [label = "100B..11.72kB" id="NN1_0" fontsize=8 shape=box3d tooltip="2.10ms"]
N1 -> NN1_0 [label=" 2.10ms" weight=100 tooltip="2.10ms" labeltooltip="2.10ms"]
NN1_1 [label = "1MB" id="NN1_1" fontsize=8 shape=box3d tooltip="700us"]
N1 -> NN1_1 [label=" 700us" weight=100 tooltip="700us" labeltooltip="700us"]
NN1_2 [label = "7" id="NN1_2" fontsize=8 shape=box3d tooltip="700us"]
N1 -> NN1_2 [label=" 700us" weight=100 tooltip="700us" labeltooltip="700us"]
NN1_3 [label = "2MB" id="NN1_3" fontsize=8 shape=box3d tooltip="400us"]
N1 -> NN1_3 [label=" 400us" weight=100 tooltip="400us" labeltooltip="400us"]
N2 [label="0000000000001100\nmain\nmain\nmain.go:12\n0 of 14.45ms (96.66%)" id="node2" fontsize=8 shape=box tooltip="0000000000001100 main.main /src/main.go:12 (14.45ms)" color="#b20100" fillcolor="#edd5d5"]
N3 [label="0000000000001300\nserver\nhandle\nhandle.go:44\n3ms (20.07%)\nof 8ms (53.51%)" id="node3" fontsize=17 shape=box tooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (8ms)" color="#b21e00" fillcolor="#edd9d5"]
N3_0 [label = "a:x\na:y\nuser:bob" id="N3_0" fontsize=8 shape=box3d tooltip="3ms"]
N3 -> N3_0 [label=" 3ms" weight=100 tooltip="3ms" labeltooltip="3ms"]
N4 [label="0000000000001200\nserver\n(*Server)\nRun\nrun.go:30\n0 of 10ms (66.89%)" id="node4" fontsize=8 shape=box tooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ms)" color="#b21400" fillcolor="#edd8d5"]
N5 [label="0000000000001300\nserver\n(*Server)\nRun\nrun.go:31\n0 of 8ms (53.51%)" id="node5" fontsize=8 shape=box tooltip="0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 (8ms)" color="#b21e00" fillcolor="#edd9d5"]
N2 -> N4 [label=" 10ms" weight=67 penwidth=4 color="#b21400" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ms)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ms)"]
N4 -> N5 [label=" 8ms" weight=54 penwidth=3 color="#b21e00" tooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 (8ms)" labeltooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 (8ms)"]
N5 -> N3 [label=" 8ms\n (inline)" weight=54 penwidth=3 color="#b21e00" tooltip="0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 -> 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (8ms)" labeltooltip="0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 -> 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (8ms)"]
N3 -> N1 [label=" 5ms" weight=34 penwidth=2 color="#b23100" tooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (5ms)" labeltooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (5ms)" minlen=2]
N2 -> N1 [label=" 3.20ms" weight=22 penwidth=2 color="#b24200" tooltip="0000000000001100 main.main /src/main.go:12 ... 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (3.20ms)" labeltooltip="0000000000001100 main.main /src/main.go:12 ... 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (3.20ms)" style="dotted"]
N4 -> N1 [label=" 2ms" weight=14 color="#b2713b" tooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (2ms)" labeltooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (2ms)"]
}

""""",
        ["tree"] = """""
0000000000001100 main.main /src/main.go:12 flat=0/0 cum=14450000/0 fn=main.main /src/main.go
0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 flat=3000000/0 cum=8000000/0 fn=github.com/acme/pkg/v2/server.handle /src/server/handle.go
  <- 0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 w=8000000/0 residual=false inline=true
0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 flat=5000000/0 cum=5000000/0 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 w=5000000/0 residual=false inline=false
0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 flat=0/0 cum=10000000/0 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- 0000000000001100 main.main /src/main.go:12 w=10000000/0 residual=false inline=false
0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 flat=2000000/0 cum=2000000/0 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 w=2000000/0 residual=false inline=false
0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 flat=1800000/0 cum=1800000/0 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- 0000000000001100 main.main /src/main.go:12 w=1800000/0 residual=false inline=false
0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 flat=1100000/0 cum=1100000/0 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- 0000000000001500 java.util.HashMap.put HashMap.java:7 w=1100000/0 residual=false inline=false
0000000000001700 main.recurse /src/main.go:70 flat=900000/0 cum=900000/0 fn=main.recurse /src/main.go
  <- 0000000000001704 main.recurse /src/main.go:71 w=900000/0 residual=false inline=false
0000000000001800 [app] flat=600000/0 cum=600000/0 fn=[app]
  <- 0000000000001600 std::vector<int>::push_back vector.h:8 w=600000/0 residual=false inline=false
0000000000001600 std::vector<int>::push_back vector.h:8 flat=0/0 cum=900000/0 fn=std::vector<int>::push_back vector.h
  <- 0000000000001100 main.main /src/main.go:12 w=900000/0 residual=false inline=false
0000000000001500 java.util.HashMap.put HashMap.java:7 flat=-250000/0 cum=850000/0 fn=java.util.HashMap.put HashMap.java
  <- 0000000000001100 main.main /src/main.go:12 w=850000/0 residual=false inline=false
0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 flat=300000/0 cum=300000/0 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- 0000000000001600 std::vector<int>::push_back vector.h:8 w=300000/0 residual=false inline=false
0000000000001300 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:31 flat=0/0 cum=8000000/0 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 w=8000000/0 residual=false inline=false
0000000000001700 main.recurse /src/main.go:70 flat=0/0 cum=900000/0 fn=main.recurse /src/main.go
  <- 0000000000001100 main.main /src/main.go:12 w=900000/0 residual=false inline=false
0000000000001704 main.recurse /src/main.go:71 flat=0/0 cum=900000/0 fn=main.recurse /src/main.go
  <- 0000000000001700 main.recurse /src/main.go:70 w=900000/0 residual=false inline=false
0000000000001100 main.main /src/main.go:12 flat=0/0 cum=14450000/0 fn=main.main /src/main.go
0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 flat=3000000/0 cum=8000000/0 fn=github.com/acme/pkg/v2/server.handle /src/server/handle.go
  <- 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 w=8000000/0 residual=true inline=false
0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 flat=5000000/0 cum=5000000/0 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 w=5000000/0 residual=false inline=false
0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 flat=0/0 cum=10000000/0 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- 0000000000001100 main.main /src/main.go:12 w=10000000/0 residual=false inline=false
digraph "tree" {
node [style=filled fillcolor="#f8f8f8"]
subgraph cluster_L { "File: app" [shape=box fontsize=16 label="File: app\lType: cpu\lquote \" back\\slash\lShowing nodes\l" tooltip="tree"] }
N1 [label="0000000000001100\nmain\nmain\nmain.go:12\n0 of 14.45ms (96.66%)" id="node1" fontsize=8 shape=box tooltip="0000000000001100 main.main /src/main.go:12 (14.45ms)" color="#b20100" fillcolor="#edd5d5"]
N2 [label="0000000000001300\nserver\nhandle\nhandle.go:44\n3ms (20.07%)\nof 8ms (53.51%)" id="node2" fontsize=21 shape=box tooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (8ms)" color="#b21e00" fillcolor="#edd9d5"]
N2_0 [label = "a:x\na:y\nuser:bob" id="N2_0" fontsize=8 shape=box3d tooltip="3ms"]
N2 -> N2_0 [label=" 3ms" weight=100 tooltip="3ms" labeltooltip="3ms"]
N3 [label="0000000000001400\nruntime\nmallocgc\nmalloc.go:900\n5ms (33.44%)" id="node3" fontsize=24 shape=box tooltip="0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (5ms)" color="#b23100" fillcolor="#eddcd5"]
N4 [label="0000000000001200\nserver\n(*Server)\nRun\nrun.go:30\n0 of 10ms (66.89%)" id="node4" fontsize=8 shape=box tooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ms)" color="#b21400" fillcolor="#edd8d5"]
N1 -> N4 [label=" 10ms" weight=67 penwidth=4 color="#b21400" tooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ms)" labeltooltip="0000000000001100 main.main /src/main.go:12 -> 0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 (10ms)"]
N4 -> N2 [label=" 8ms" weight=54 penwidth=3 color="#b21e00" tooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 ... 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (8ms)" labeltooltip="0000000000001200 github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go:30 ... 0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 (8ms)" style="dotted"]
N2 -> N3 [label=" 5ms" weight=34 penwidth=2 color="#b23100" tooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (5ms)" labeltooltip="0000000000001300 github.com/acme/pkg/v2/server.handle /src/server/handle.go:44 -> 0000000000001400 runtime.mallocgc /go/src/runtime/malloc.go:900 (5ms)" minlen=2]
}

""""",
        ["orders"] = """""
runtime.mallocgc,github.com/acme/pkg/v2/server.handle,main.recurse,,java.util.HashMap.put,main.main,github.com/acme/pkg/v2/server.(*Server).Run,github.com/acme/pkg/v2/server.(*Server).Run,std::vector<int>::push_back,main.recurse
runtime.mallocgc,github.com/acme/pkg/v2/server.handle,main.recurse,,java.util.HashMap.put,main.main,github.com/acme/pkg/v2/server.(*Server).Run,github.com/acme/pkg/v2/server.(*Server).Run,std::vector<int>::push_back,main.recurse
main.main,runtime.mallocgc,github.com/acme/pkg/v2/server.(*Server).Run,github.com/acme/pkg/v2/server.(*Server).Run,github.com/acme/pkg/v2/server.handle,std::vector<int>::push_back,main.recurse,main.recurse,java.util.HashMap.put,
,github.com/acme/pkg/v2/server.(*Server).Run,github.com/acme/pkg/v2/server.(*Server).Run,github.com/acme/pkg/v2/server.handle,java.util.HashMap.put,main.main,main.recurse,main.recurse,runtime.mallocgc,std::vector<int>::push_back
,runtime.mallocgc,main.main,main.recurse,main.recurse,github.com/acme/pkg/v2/server.handle,github.com/acme/pkg/v2/server.(*Server).Run,github.com/acme/pkg/v2/server.(*Server).Run,java.util.HashMap.put,std::vector<int>::push_back
main.main,github.com/acme/pkg/v2/server.(*Server).Run,github.com/acme/pkg/v2/server.(*Server).Run,github.com/acme/pkg/v2/server.handle,runtime.mallocgc,java.util.HashMap.put,std::vector<int>::push_back,main.recurse,main.recurse,
runtime.mallocgc,main.main,github.com/acme/pkg/v2/server.handle,github.com/acme/pkg/v2/server.(*Server).Run,main.recurse,,std::vector<int>::push_back,java.util.HashMap.put,github.com/acme/pkg/v2/server.(*Server).Run,main.recurse

""""",
        ["functions"] = """""
runtime.mallocgc /go/src/runtime/malloc.go flat=10200000/0 cum=10200000/0 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- github.com/acme/pkg/v2/server.handle /src/server/handle.go w=5000000/0 residual=false inline=false
  <- github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go w=2000000/0 residual=false inline=false
  <- main.main /src/main.go w=1800000/0 residual=false inline=false
  <- java.util.HashMap.put HashMap.java w=1100000/0 residual=false inline=false
  <- std::vector<int>::push_back vector.h w=300000/0 residual=false inline=false
github.com/acme/pkg/v2/server.handle /src/server/handle.go flat=3000000/0 cum=8000000/0 fn=github.com/acme/pkg/v2/server.handle /src/server/handle.go
  <- github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go w=8000000/0 residual=false inline=true
main.recurse /src/main.go flat=900000/0 cum=900000/0 fn=main.recurse /src/main.go
  <- main.main /src/main.go w=900000/0 residual=false inline=false
[app] flat=600000/0 cum=600000/0 fn=[app]
  <- std::vector<int>::push_back vector.h w=600000/0 residual=false inline=false
java.util.HashMap.put HashMap.java flat=-250000/0 cum=850000/0 fn=java.util.HashMap.put HashMap.java
  <- main.main /src/main.go w=850000/0 residual=false inline=false
github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go flat=0/0 cum=10000000/0 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- main.main /src/main.go w=10000000/0 residual=false inline=false
main.main /src/main.go flat=0/0 cum=14450000/0 fn=main.main /src/main.go
std::vector<int>::push_back vector.h flat=0/0 cum=900000/0 fn=std::vector<int>::push_back vector.h
  <- main.main /src/main.go w=900000/0 residual=false inline=false
main.main /src/main.go flat=0/0 cum=14450000/0 fn=main.main /src/main.go
runtime.mallocgc /go/src/runtime/malloc.go flat=10200000/0 cum=10200000/0 fn=runtime.mallocgc /go/src/runtime/malloc.go
  <- github.com/acme/pkg/v2/server.handle /src/server/handle.go w=5000000/0 residual=false inline=false
  <- github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go w=2000000/0 residual=false inline=false
  <- main.main /src/main.go w=1800000/0 residual=false inline=false
  <- java.util.HashMap.put HashMap.java w=1100000/0 residual=false inline=false
  <- std::vector<int>::push_back vector.h w=300000/0 residual=false inline=false
github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go flat=0/0 cum=10000000/0 fn=github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go
  <- main.main /src/main.go w=10000000/0 residual=false inline=false
github.com/acme/pkg/v2/server.handle /src/server/handle.go flat=3000000/0 cum=8000000/0 fn=github.com/acme/pkg/v2/server.handle /src/server/handle.go
  <- github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go w=8000000/0 residual=false inline=true
main.recurse /src/main.go flat=900000/0 cum=900000/0 fn=main.recurse /src/main.go
  <- main.main /src/main.go w=900000/0 residual=false inline=false
std::vector<int>::push_back vector.h flat=0/0 cum=900000/0 fn=std::vector<int>::push_back vector.h
  <- main.main /src/main.go w=900000/0 residual=false inline=false
java.util.HashMap.put HashMap.java flat=-250000/0 cum=850000/0 fn=java.util.HashMap.put HashMap.java
  <- main.main /src/main.go w=850000/0 residual=false inline=false
[app] flat=600000/0 cum=600000/0 fn=[app]
  <- std::vector<int>::push_back vector.h w=600000/0 residual=false inline=false
digraph "functions" {
node [style=filled fillcolor="#f8f8f8"]
subgraph cluster_L { "File: app" [shape=box fontsize=16 label="File: app\lType: cpu\lquote \" back\\slash\lShowing nodes\l" tooltip="functions"] }
N1 [label="runtime\nmallocgc\nmalloc.go\n10.20ms (68.23%)" id="node1" fontsize=24 shape=box tooltip="runtime.mallocgc /go/src/runtime/malloc.go (10.20ms)" color="#b21300" fillcolor="#edd8d5"]
N1_0 [label = "user:alice" id="N1_0" fontsize=8 shape=box3d tooltip="2ms"]
N1 -> N1_0 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0_0 [label = "1kB" id="NN1_0_0" fontsize=8 shape=box3d tooltip="2ms"]
N1_0 -> NN1_0_0 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0_1 [label = "4kB" id="NN1_0_1" fontsize=8 shape=box3d tooltip="2ms"]
N1_0 -> NN1_0_1 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0 [label = "100B..11.72kB" id="NN1_0" fontsize=8 shape=box3d tooltip="2.10ms"]
N1 -> NN1_0 [label=" 2.10ms" weight=100 tooltip="2.10ms" labeltooltip="2.10ms"]
NN1_1 [label = "1MB" id="NN1_1" fontsize=8 shape=box3d tooltip="700us"]
N1 -> NN1_1 [label=" 700us" weight=100 tooltip="700us" labeltooltip="700us"]
NN1_2 [label = "7" id="NN1_2" fontsize=8 shape=box3d tooltip="700us"]
N1 -> NN1_2 [label=" 700us" weight=100 tooltip="700us" labeltooltip="700us"]
NN1_3 [label = "2MB" id="NN1_3" fontsize=8 shape=box3d tooltip="400us"]
N1 -> NN1_3 [label=" 400us" weight=100 tooltip="400us" labeltooltip="400us"]
N2 [label="main\nmain\nmain.go\n0 of 14.45ms (96.66%)" id="node2" fontsize=8 shape=box tooltip="main.main /src/main.go (14.45ms)" color="#b20100" fillcolor="#edd5d5"]
N3 [label="server\nhandle\nhandle.go\n3ms (20.07%)\nof 8ms (53.51%)" id="node3" fontsize=17 shape=box tooltip="github.com/acme/pkg/v2/server.handle /src/server/handle.go (8ms)" color="#b21e00" fillcolor="#edd9d5"]
N3_0 [label = "a:x\na:y\nuser:bob" id="N3_0" fontsize=8 shape=box3d tooltip="3ms"]
N3 -> N3_0 [label=" 3ms" weight=100 tooltip="3ms" labeltooltip="3ms"]
N4 [label="server\n(*Server)\nRun\nrun.go\n0 of 10ms (66.89%)" id="node4" fontsize=8 shape=box tooltip="github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go (10ms)" color="#b21400" fillcolor="#edd8d5"]
N5 [label="main\nrecurse\nmain.go\n900us (6.02%)" id="node5" fontsize=13 shape=box tooltip="main.recurse /src/main.go (900us)" color="#b29b7c" fillcolor="#edeae6"]
N6 [label="[app]\n600us (4.01%)" id="node6" fontsize=12 shape=box tooltip="[app] (600us)" color="#b2a48e" fillcolor="#edebe8"]
N7 [label="std\nvector<int>\npush_back\nvector.h\n0 of 900us (6.02%)" id="node7" fontsize=8 shape=box tooltip="std::vector<int>::push_back vector.h (900us)" color="#b29b7c" fillcolor="#edeae6"]
N8 [label="HashMap\nput\nHashMap.java\n-250us (1.67%)\nof 850us (5.69%)" id="node8" fontsize=11 shape=box tooltip="java.util.HashMap.put HashMap.java (850us)" color="#b29d7f" fillcolor="#edeae6"]
N2 -> N4 [label=" 10ms" weight=67 penwidth=4 color="#b21400" tooltip="main.main /src/main.go -> github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go (10ms)" labeltooltip="main.main /src/main.go -> github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go (10ms)"]
N4 -> N3 [label=" 8ms\n (inline)" weight=54 penwidth=3 color="#b21e00" tooltip="github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go -> github.com/acme/pkg/v2/server.handle /src/server/handle.go (8ms)" labeltooltip="github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go -> github.com/acme/pkg/v2/server.handle /src/server/handle.go (8ms)"]
N3 -> N1 [label=" 5ms" weight=34 penwidth=2 color="#b23100" tooltip="github.com/acme/pkg/v2/server.handle /src/server/handle.go -> runtime.mallocgc /go/src/runtime/malloc.go (5ms)" labeltooltip="github.com/acme/pkg/v2/server.handle /src/server/handle.go -> runtime.mallocgc /go/src/runtime/malloc.go (5ms)" minlen=2]
N4 -> N1 [label=" 2ms" weight=14 color="#b2713b" tooltip="github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go -> runtime.mallocgc /go/src/runtime/malloc.go (2ms)" labeltooltip="github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go -> runtime.mallocgc /go/src/runtime/malloc.go (2ms)"]
N2 -> N1 [label=" 1.80ms" weight=13 color="#b27947" tooltip="main.main /src/main.go -> runtime.mallocgc /go/src/runtime/malloc.go (1.80ms)" labeltooltip="main.main /src/main.go -> runtime.mallocgc /go/src/runtime/malloc.go (1.80ms)"]
N8 -> N1 [label=" 1.10ms" weight=8 color="#b29470" tooltip="java.util.HashMap.put HashMap.java -> runtime.mallocgc /go/src/runtime/malloc.go (1.10ms)" labeltooltip="java.util.HashMap.put HashMap.java -> runtime.mallocgc /go/src/runtime/malloc.go (1.10ms)"]
N2 -> N5 [label=" 900us" weight=7 color="#b29b7c" tooltip="main.main /src/main.go -> main.recurse /src/main.go (900us)" labeltooltip="main.main /src/main.go -> main.recurse /src/main.go (900us)"]
N2 -> N7 [label=" 900us" weight=7 color="#b29b7c" tooltip="main.main /src/main.go -> std::vector<int>::push_back vector.h (900us)" labeltooltip="main.main /src/main.go -> std::vector<int>::push_back vector.h (900us)"]
N2 -> N8 [label=" 850us" weight=6 color="#b29d7f" tooltip="main.main /src/main.go -> java.util.HashMap.put HashMap.java (850us)" labeltooltip="main.main /src/main.go -> java.util.HashMap.put HashMap.java (850us)"]
N7 -> N6 [label=" 600us" weight=5 color="#b2a48e" tooltip="std::vector<int>::push_back vector.h -> [app] (600us)" labeltooltip="std::vector<int>::push_back vector.h -> [app] (600us)"]
N7 -> N1 [label=" 300us" weight=3 color="#b2aca0" tooltip="std::vector<int>::push_back vector.h -> runtime.mallocgc /go/src/runtime/malloc.go (300us)" labeltooltip="std::vector<int>::push_back vector.h -> runtime.mallocgc /go/src/runtime/malloc.go (300us)"]
}
digraph "unnamed" {
node [style=filled fillcolor="#f8f8f8"]
subgraph cluster_L { "File: app" [shape=box fontsize=16 label="File: app\lType: cpu\lquote \" back\\slash\lShowing nodes\l"] }
N1 [label="runtime\nmallocgc\nmalloc.go\n10.20ms (0%)" id="node1" fontsize=24 shape=box tooltip="runtime.mallocgc /go/src/runtime/malloc.go (10.20ms)" color="#b20000" fillcolor="#edd5d5"]
N1_0 [label = "user:alice" id="N1_0" fontsize=8 shape=box3d tooltip="2ms"]
N1 -> N1_0 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0_0 [label = "1kB" id="NN1_0_0" fontsize=8 shape=box3d tooltip="2ms"]
N1_0 -> NN1_0_0 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0_1 [label = "4kB" id="NN1_0_1" fontsize=8 shape=box3d tooltip="2ms"]
N1_0 -> NN1_0_1 [label=" 2ms" weight=100 tooltip="2ms" labeltooltip="2ms"]
NN1_0 [label = "100B..11.72kB" id="NN1_0" fontsize=8 shape=box3d tooltip="2.10ms"]
N1 -> NN1_0 [label=" 2.10ms" weight=100 tooltip="2.10ms" labeltooltip="2.10ms"]
NN1_1 [label = "1MB" id="NN1_1" fontsize=8 shape=box3d tooltip="700us"]
N1 -> NN1_1 [label=" 700us" weight=100 tooltip="700us" labeltooltip="700us"]
NN1_2 [label = "7" id="NN1_2" fontsize=8 shape=box3d tooltip="700us"]
N1 -> NN1_2 [label=" 700us" weight=100 tooltip="700us" labeltooltip="700us"]
NN1_3 [label = "2MB" id="NN1_3" fontsize=8 shape=box3d tooltip="400us"]
N1 -> NN1_3 [label=" 400us" weight=100 tooltip="400us" labeltooltip="400us"]
N2 [label="main\nmain\nmain.go\n0 of 14.45ms (0%)" id="node2" fontsize=8 shape=box tooltip="main.main /src/main.go (14.45ms)" color="#b20000" fillcolor="#edd5d5"]
N3 [label="server\nhandle\nhandle.go\n3ms (0%)\nof 8ms (0%)" id="node3" fontsize=17 shape=box tooltip="github.com/acme/pkg/v2/server.handle /src/server/handle.go (8ms)" color="#b20000" fillcolor="#edd5d5"]
N3_0 [label = "a:x\na:y\nuser:bob" id="N3_0" fontsize=8 shape=box3d tooltip="3ms"]
N3 -> N3_0 [label=" 3ms" weight=100 tooltip="3ms" labeltooltip="3ms"]
N4 [label="server\n(*Server)\nRun\nrun.go\n0 of 10ms (0%)" id="node4" fontsize=8 shape=box tooltip="github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go (10ms)" color="#b20000" fillcolor="#edd5d5"]
N5 [label="main\nrecurse\nmain.go\n900us (0%)" id="node5" fontsize=13 shape=box tooltip="main.recurse /src/main.go (900us)" color="#b20000" fillcolor="#edd5d5"]
N6 [label="[app]\n600us (0%)" id="node6" fontsize=12 shape=box tooltip="[app] (600us)" color="#b20000" fillcolor="#edd5d5"]
N7 [label="std\nvector<int>\npush_back\nvector.h\n0 of 900us (0%)" id="node7" fontsize=8 shape=box tooltip="std::vector<int>::push_back vector.h (900us)" color="#b20000" fillcolor="#edd5d5"]
N8 [label="HashMap\nput\nHashMap.java\n-250us (0%)\nof 850us (0%)" id="node8" fontsize=11 shape=box tooltip="java.util.HashMap.put HashMap.java (850us)" color="#b20000" fillcolor="#edd5d5"]
N2 -> N4 [label=" 10ms" tooltip="main.main /src/main.go -> github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go (10ms)" labeltooltip="main.main /src/main.go -> github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go (10ms)"]
N4 -> N3 [label=" 8ms\n (inline)" tooltip="github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go -> github.com/acme/pkg/v2/server.handle /src/server/handle.go (8ms)" labeltooltip="github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go -> github.com/acme/pkg/v2/server.handle /src/server/handle.go (8ms)"]
N3 -> N1 [label=" 5ms" tooltip="github.com/acme/pkg/v2/server.handle /src/server/handle.go -> runtime.mallocgc /go/src/runtime/malloc.go (5ms)" labeltooltip="github.com/acme/pkg/v2/server.handle /src/server/handle.go -> runtime.mallocgc /go/src/runtime/malloc.go (5ms)" minlen=2]
N4 -> N1 [label=" 2ms" tooltip="github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go -> runtime.mallocgc /go/src/runtime/malloc.go (2ms)" labeltooltip="github.com/acme/pkg/v2/server.(*Server).Run /src/server/run.go -> runtime.mallocgc /go/src/runtime/malloc.go (2ms)"]
N2 -> N1 [label=" 1.80ms" tooltip="main.main /src/main.go -> runtime.mallocgc /go/src/runtime/malloc.go (1.80ms)" labeltooltip="main.main /src/main.go -> runtime.mallocgc /go/src/runtime/malloc.go (1.80ms)"]
N8 -> N1 [label=" 1.10ms" tooltip="java.util.HashMap.put HashMap.java -> runtime.mallocgc /go/src/runtime/malloc.go (1.10ms)" labeltooltip="java.util.HashMap.put HashMap.java -> runtime.mallocgc /go/src/runtime/malloc.go (1.10ms)"]
N2 -> N5 [label=" 900us" tooltip="main.main /src/main.go -> main.recurse /src/main.go (900us)" labeltooltip="main.main /src/main.go -> main.recurse /src/main.go (900us)"]
N2 -> N7 [label=" 900us" tooltip="main.main /src/main.go -> std::vector<int>::push_back vector.h (900us)" labeltooltip="main.main /src/main.go -> std::vector<int>::push_back vector.h (900us)"]
N2 -> N8 [label=" 850us" tooltip="main.main /src/main.go -> java.util.HashMap.put HashMap.java (850us)" labeltooltip="main.main /src/main.go -> java.util.HashMap.put HashMap.java (850us)"]
N7 -> N6 [label=" 600us" tooltip="std::vector<int>::push_back vector.h -> [app] (600us)" labeltooltip="std::vector<int>::push_back vector.h -> [app] (600us)"]
N7 -> N1 [label=" 300us" tooltip="std::vector<int>::push_back vector.h -> runtime.mallocgc /go/src/runtime/malloc.go (300us)" labeltooltip="std::vector<int>::push_back vector.h -> runtime.mallocgc /go/src/runtime/malloc.go (300us)"]
}

""""",
    };
}
