using System.Text.RegularExpressions;
using Pprof.Profiles;

namespace Pprof.Profiles.Tests;

public class PruneTests
{
    private static Regex R(string s) => new(s);

    [Theory]
    [InlineData("foo", "foo")]
    [InlineData("foo(int, char)", "foo")]
    [InlineData(".ppc.entry(x)", "ppc.entry")]
    [InlineData("..double", ".double")]
    [InlineData("(anonymous namespace)::f(int)", "(anonymous namespace)::f")]
    [InlineData("Foo::operator()(int)", "Foo::operator()")]
    [InlineData("a::operator()", "a::operator()")]
    [InlineData("f(operator())", "f")]
    [InlineData("(x)", "")]
    public void SimplifiesFunctionNamesLikePprof(string name, string simplified) =>
        Assert.Equal(simplified, Profile.SimplifyFunctionName(name));

    [Fact]
    public void PruneDropsTheMatchAndEverythingBeneathButNotLeadingFrames()
    {
        // pprof's documented example: stack [A,B,C,B,D], A the leaf and D the root.
        static Profile Stack()
        {
            var b = new OpsProfileBuilder();
            b.Sample("A;B;C;B;D", 1);
            return b.Build();
        }
        var p = Stack();
        p.Prune(R("^B$"), null);
        Assert.Equal(new[] { "D=1" }, OpsProfileBuilder.Stacks(p));

        var q = Stack();
        q.Prune(R("^D$"), null);
        Assert.Equal(new[] { "A;B;C;B;D=1" }, OpsProfileBuilder.Stacks(q)); // a matching root is not pruned

        var r = Stack();
        r.Prune(R("^A$"), null);
        Assert.Equal(new[] { "B;C;B;D=1" }, OpsProfileBuilder.Stacks(r));
    }

    [Fact]
    public void PruneKeepsCallersOfAnInlinedMatch()
    {
        var b = new OpsProfileBuilder();
        b.Sample("leaf;alloc+user;main", 1);
        b.Sample("alloc+user;main", 2);
        var p = b.Build();
        p.Prune(R("^alloc$"), null);
        Assert.Equal(new[] { "user;main=1", "user;main=2" }, OpsProfileBuilder.Stacks(p));
    }

    [Fact]
    public void KeepExpressionProtectsFrames()
    {
        var b = new OpsProfileBuilder();
        b.Sample("malloc_x;malloc;main", 1);
        var p = b.Build();
        p.Prune(R("^malloc.*$"), R("^malloc$"));
        Assert.Equal(new[] { "malloc;main=1" }, OpsProfileBuilder.Stacks(p));
    }

    [Fact]
    public void PruneFromKeepsTheLeafMostMatch()
    {
        // pprof's documented example: stack [A,B,C,B,D], A the leaf and D the root.
        var b = new OpsProfileBuilder();
        b.Sample("A;B;C;B;D", 1);
        b.Sample("x+B+y;D", 2);
        var p = b.Build();
        p.PruneFrom(R("^B$"));
        Assert.Equal(new[] { "B;C;B;D=1", "B+y;D=2" }, OpsProfileBuilder.Stacks(p));

        var q = new OpsProfileBuilder();
        q.Sample("A;B;C;B;D", 1);
        var qp = q.Build();
        qp.PruneFrom(R("^A$"));
        Assert.Equal(new[] { "A;B;C;B;D=1" }, OpsProfileBuilder.Stacks(qp));
        qp.PruneFrom(R("^C$"));
        Assert.Equal(new[] { "C;B;D=1" }, OpsProfileBuilder.Stacks(qp));
    }

    [Fact]
    public void RemoveUninterestingUsesTheProfilesDropAndKeepFramesAsWholeNames()
    {
        var b = new OpsProfileBuilder();
        b.Sample("tc_new(unsigned long);malloc;xmalloc_helper;main", 1);
        var p = b.Build();
        p.DropFrames = "malloc|tc_new";
        p.RemoveUninteresting();
        Assert.Equal(new[] { "xmalloc_helper;main=1" }, OpsProfileBuilder.Stacks(p));

        var b2 = new OpsProfileBuilder();
        b2.Sample("tc_new(unsigned long);malloc;xmalloc_helper;main", 1);
        var q = b2.Build();
        q.DropFrames = "malloc|tc_new";
        q.KeepFrames = "malloc";
        q.RemoveUninteresting();
        Assert.Equal(new[] { "malloc;xmalloc_helper;main=1" }, OpsProfileBuilder.Stacks(q));
    }

    [Fact]
    public void RemoveUninterestingLeavesTheProfileAloneWhenAnExpressionIsBad()
    {
        var b = new OpsProfileBuilder();
        b.Sample("malloc;main", 1);
        var p = b.Build();
        p.DropFrames = "malloc";
        p.KeepFrames = "(";
        p.RemoveUninteresting();
        Assert.Equal(new[] { "malloc;main=1" }, OpsProfileBuilder.Stacks(p));
        Assert.False(p.TryRemoveUninteresting(out var error));
        Assert.StartsWith("failed to compile regexp (: ", error);
        p.KeepFrames = "";
        Assert.True(p.TryRemoveUninteresting(out error));
        Assert.Null(error);
        Assert.Equal(new[] { "main=1" }, OpsProfileBuilder.Stacks(p));
    }
}
