using Pprof.Profiles;

namespace Pprof.Profiles.Tests;

public class ScaleTests
{
    private static Profile Two(params (long, long)[] values)
    {
        var b = new OpsProfileBuilder("samples/count", "cpu/nanoseconds");
        int i = 0;
        foreach (var (x, y) in values) b.Sample("f" + i++, x, y);
        return b.Build();
    }

    [Fact]
    public void RoundsHalfAwayFromZeroLikeGo()
    {
        var p = Two((1, 5), (3, -5), (-1, 7));
        p.Scale(0.5);
        Assert.Equal(new[] { "f0=1,3", "f1=2,-3", "f2=-1,4" }, OpsProfileBuilder.Stacks(p));
    }

    [Fact]
    public void SamplesScaledToZeroAreDropped()
    {
        var p = Two((1, 1), (1, 1000));
        p.Scale(0.001);
        Assert.Equal(new[] { "f1=0,1" }, OpsProfileBuilder.Stacks(p));
    }

    [Fact]
    public void OnlyScaledValuesDecideWhetherASampleStays()
    {
        // pprof keeps a sample when a value with a ratio other than 1 is non-zero: an unscaled non-zero value does not count.
        var p = Two((5, 0), (5, 2));
        p.ScaleN(new[] { 1.0, 2.0 });
        Assert.Equal(new[] { "f1=5,4" }, OpsProfileBuilder.Stacks(p));
    }

    [Fact]
    public void RatioOneChangesNothing()
    {
        var p = Two((0, 0), (1, 2));
        p.Scale(1);
        p.ScaleN(new[] { 1.0, 1.0 });
        Assert.Equal(2, p.Samples.Count);
    }

    [Fact]
    public void MismatchedRatiosAreRejected()
    {
        var p = Two((1, 1));
        var e = Assert.Throws<ArgumentException>(() => p.ScaleN(new[] { 2.0 }));
        Assert.StartsWith("mismatched scale ratios, got 1, want 2", e.Message);
    }

    [Fact]
    public void RoundingMatchesGoConversions()
    {
        Assert.Equal(3, Profile.RoundToInt64(2.5));
        Assert.Equal(-3, Profile.RoundToInt64(-2.5));
        Assert.Equal(2, Profile.RoundToInt64(2.4999));
        Assert.Equal(long.MinValue, Profile.RoundToInt64(1e19));
        Assert.Equal(long.MinValue, Profile.RoundToInt64(double.NaN));
    }

    [Fact]
    public void NormalizeMatchesTheBaseTotals()
    {
        var p = Two((1, 10), (3, 30));
        var baseProfile = Two((8, 0), (0, 0));
        p.Normalize(baseProfile);
        // samples: ratio 8/4 = 2; cpu: base total 0, so everything goes to zero
        Assert.Equal(new[] { "f0=2,0", "f1=6,0" }, OpsProfileBuilder.Stacks(p));

        var empty = Two((0, 0));
        var q = Two((0, 5));
        q.Normalize(Two((4, 10)));
        Assert.Equal(new[] { "f0=0,10" }, OpsProfileBuilder.Stacks(q));
        q.Normalize(empty);
        Assert.Empty(q.Samples);
    }
}
