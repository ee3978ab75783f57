using Pprof.Profiles;

namespace Pprof.Report.Tests;

public class GraphTests
{
    // Expected results printed by Go 1.19's graph.ShortenFunctionName.
    [Theory]
    [InlineData("application.main", "application.main")]
    [InlineData("github.com/blah/blah/vendor/go.opencensus.io/trace.(*Span).End", "trace.(*Span).End")]
    [InlineData("java.lang.Thread.run", "Thread.run")]
    [InlineData("java.util.concurrent.ThreadPoolExecutor$Worker.run", "ThreadPoolExecutor$Worker.run")]
    [InlineData("com.google.common.util.concurrent.AbstractFuture$Sync.<init>(AbstractFuture.java:123)", "AbstractFuture$Sync.<init>")]
    [InlineData("cpp::namespace::Class::method()::Bar", "Class::method")]
    [InlineData("(anonymous namespace)::Foo::bar", "Foo::bar")]
    [InlineData("foo::(anonymous namespace)::Bar::baz", "foo::(anonymous namespace)::Bar::baz")]
    [InlineData("github.com/acme/pkg/v2/server.(*Server).Run", "server.(*Server).Run")]
    [InlineData("github.com/acme/v10/x.y", "x.y")]
    [InlineData("example.com/v1/pkg.F", "pkg.F")]
    [InlineData("EnumMap$1.<init>", "EnumMap$1.<init>")]
    [InlineData("std::vector<int>::push_back", "std::vector<int>::push_back")]
    [InlineData("__cxxabiv1::__Class::method<int>", "__Class::method<int>")]
    [InlineData("main.(*T[...]).M", "main.(*T[...]).M")]
    [InlineData("Foo::Bar::baz()", "Bar::baz")]
    public void ShortenFunctionNameMatchesGo(string name, string expected)
    {
        Assert.Equal(expected, Graph.ShortenFunctionName(name));
    }

    [Fact]
    public void NameComponentsPickTheMostSpecificLocation()
    {
        Assert.Equal("<unknown>", new NodeInfo().PrintableName());
        Assert.Equal("[libc.so.6]", new NodeInfo { Objfile = "/lib/x86_64/libc.so.6" }.PrintableName());
        Assert.Equal("0000000000001a2b [app]", new NodeInfo { Address = 0x1a2b, Objfile = "/bin/app" }.PrintableName());
        Assert.Equal("main.f", new NodeInfo { Name = "main.f", Objfile = "/bin/app" }.PrintableName());
        Assert.Equal("main.f /src/f.go", new NodeInfo { Name = "main.f", File = "/src/f.go" }.PrintableName());
        Assert.Equal("main.f /src/f.go:12", new NodeInfo { Name = "main.f", File = "/src/f.go", Lineno = 12 }.PrintableName());
        Assert.Equal(":12", new NodeInfo { Lineno = 12 }.PrintableName());
    }

    [Fact]
    public void NodeInfoEqualityCoversEveryField()
    {
        var a = new NodeInfo { Name = "f", OrigName = "_Z1fv", Address = 1, File = "x.c", StartLine = 3, Lineno = 4, Objfile = "o" };
        var b = a;
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        var variants = new[]
        {
            a with { Name = "g" }, a with { OrigName = "" }, a with { Address = 2 }, a with { File = "y.c" },
            a with { StartLine = 0 }, a with { Lineno = 5 }, a with { Objfile = "" },
        };
        foreach (var v in variants) Assert.NotEqual(a, v);
        Assert.Equal(new NodeInfo(), new NodeInfo { Name = "", File = "" });
    }

    [Fact]
    public void AddToEdgeMergesWeightsAndFlags()
    {
        var a = new Node { Info = new NodeInfo { Name = "a" } };
        var b = new Node { Info = new NodeInfo { Name = "b" } };
        a.AddToEdge(b, 10, residual: false, inline: true);
        a.AddToEdgeDiv(b, 2, 5, residual: true, inline: true);
        var e = Assert.Single(a.Out.Values);
        Assert.Same(e, b.In[a]);
        Assert.Equal(15, e.Weight);
        Assert.Equal(2, e.WeightDiv);
        Assert.Equal(7, e.WeightValue());
        Assert.True(e.Residual);
        Assert.True(e.Inline);
        a.AddToEdge(b, 1, residual: false, inline: false);
        Assert.False(e.Inline);
        Assert.True(e.Residual);
        b.In.Remove(a);
        Assert.Throws<InvalidOperationException>(() => a.AddToEdge(b, 1, false, false));
    }

    [Fact]
    public void NewSkipsZeroSamplesAndDropsNegativeNodes()
    {
        var f = new Function { Id = 1, Name = "f" };
        var g = new Function { Id = 2, Name = "g" };
        var lf = new Location { Id = 1, Lines = new[] { new Line(f, 1) } };
        var lg = new Location { Id = 2, Lines = new[] { new Line(g, 1) } };
        var p = new Profile
        {
            SampleTypes = { new ProfileValueType("samples", "count") },
            Functions = { f, g },
            Locations = { lf, lg },
            Samples = { new Sample(new[] { lf, lg }, new[] { -5L }), new Sample(new[] { lg }, new[] { 0L }) },
        };
        var graph = Graph.New(p, new GraphOptions { SampleValue = v => v[0] });
        Assert.Equal(2, graph.Nodes.Count);
        Assert.Equal((-5L, -10L), graph.Nodes.Sum());
        var dropped = Graph.New(p, new GraphOptions { SampleValue = v => v[0], DropNegative = true });
        Assert.Empty(dropped.Nodes);
    }

    [Fact]
    public void SortTagsByWeightThenName()
    {
        var tags = new List<Tag>
        {
            new() { Name = "b", Flat = 5, Cum = 1 },
            new() { Name = "a", Flat = -5, Cum = 2 },
            new() { Name = "c", Flat = 7, Cum = 2 },
        };
        // Like pprof, weights that differ only in sign are neither less nor greater, and names only break exact ties.
        Assert.Equal("c,b,a", string.Join(',', Graph.SortTags(tags, flat: true).Select(t => t.Name)));
        Assert.Equal("c,a,b", string.Join(',', Graph.SortTags(tags, flat: false).Select(t => t.Name)));
        var ties = new List<Tag> { new() { Name = "y", Flat = 1 }, new() { Name = "x", Flat = 1 } };
        Assert.Equal("x,y", string.Join(',', Graph.SortTags(ties, flat: true).Select(t => t.Name)));
    }

    [Fact]
    public void EscapeAndColour()
    {
        Assert.Equal("a\\\\b\\\"c\\ld", DotGraph.EscapeForDot("a\\b\"c\nd"));
        // Expected colours read back from Go 1.19's ComposeDot.
        Assert.Equal("#b2b0a9", DotGraph.DotColor(0.01, false));
        Assert.Equal("#edeceb", DotGraph.DotColor(0.01, true));
        Assert.Equal("#b20000", DotGraph.DotColor(1, false));
        Assert.Equal("#edd5d5", DotGraph.DotColor(1.5, true));
        Assert.Equal("#00b200", DotGraph.DotColor(-1, false));
        Assert.Equal("#b2b2b2", DotGraph.DotColor(0, false));
    }
}
