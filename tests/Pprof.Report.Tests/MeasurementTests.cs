using Pprof.Profiles;

namespace Pprof.Report.Tests;

public class MeasurementTests
{
    // Expected values printed by Go 1.19's pprof measurement package.
    [Theory]
    [InlineData(1536L, "bytes", "minimum", 1.5, "kB", "1.50kB", "1.50kB")]
    [InlineData(1536L, "bytes", "auto", 1.5, "kB", "1.50kB", "1.50kB")]
    [InlineData(0L, "bytes", "minimum", 0.0, "B", "0", "0")]
    [InlineData(1073741824L, "B", "MB", 1024.0, "MB", "1024MB", "1GB")]
    [InlineData(1500000L, "nanoseconds", "minimum", 1.5, "ms", "1.50ms", "1.50ms")]
    [InlineData(7200000000000L, "ns", "auto", 2.0, "hrs", "2hrs", "2hrs")]
    [InlineData(10L, "ms", "s", 0.01, "s", "0.01s", "10ms")]
    [InlineData(123L, "count", "minimum", 123.0, "", "123", "123")]
    [InlineData(123L, "count", "widgets", 123.0, "widgets", "123widgets", "123")]
    [InlineData(-2048L, "bytes", "auto", -2.0, "kB", "-2kB", "-2kB")]
    [InlineData(5L, "kilobytes", "bytes", 5120.0, "B", "5120B", "5kB")]
    [InlineData(3L, "milligcu", "auto", 3.0, "m*GCU", "3m*GCU", "3m*GCU")]
    [InlineData(999L, "ns", "ms", 0.000999, "ms", "0", "999ns")]
    [InlineData(1L, "Seconds", "ms", 1000.0, "ms", "1000ms", "1s")]
    [InlineData(1L, "hours", "minimum", 1.0, "hrs", "1hrs", "1hrs")]
    [InlineData(42L, "", "", 42.0, "", "42", "42")]
    public void ScaleAndLabelsMatchGo(long value, string from, string to, double scaled, string unit, string scaledLabel, string label)
    {
        var (v, u) = Measurement.Scale(value, from, to);
        Assert.Equal(scaled, v, 12);
        Assert.Equal(unit, u);
        Assert.Equal(scaledLabel, Measurement.ScaledLabel(value, from, to));
        Assert.Equal(label, Measurement.Label(value, from));
    }

    [Theory]
    [InlineData(1L, 1L, "  100%")]
    [InlineData(0L, 10L, "    0%")]
    [InlineData(1L, 3L, "33.33%")]
    [InlineData(1L, 300L, " 0.33%")]
    [InlineData(9995L, 10000L, "  100%")]
    [InlineData(-5L, 10L, "50.00%")]
    [InlineData(1L, 100000L, "0.001%")]
    [InlineData(3L, 0L, "    0%")]
    [InlineData(1L, 2000L, " 0.05%")]
    [InlineData(7L, 700L, " 1.00%")]
    public void PercentageMatchesGo(long value, long total, string expected)
    {
        Assert.Equal(expected, Measurement.Percentage(value, total));
    }

    [Fact]
    public void ScaleOfMinValueDoesNotOverflow()
    {
        var (v, u) = Measurement.Scale(long.MinValue, "bytes", "bytes");
        Assert.Equal((double)long.MinValue, v);
        Assert.Equal("B", u);
    }

    [Fact]
    public void CommonValueTypePicksFinestUnit()
    {
        Assert.Null(Measurement.CommonValueType(new[] { new ProfileValueType("cpu", "nanoseconds") }));
        var t = Measurement.CommonValueType(new ProfileValueType?[] { new("cpu", "milliseconds"), new("cpu", "nanoseconds"), new("cpu", "seconds") });
        Assert.NotNull(t);
        Assert.Equal("cpu", t!.Type);
        Assert.Equal("nanoseconds", t.Unit);
        // A trailing "s" of the type is ignored.
        Assert.Equal("bytes", Measurement.CommonValueType(new ProfileValueType?[] { new("alloc_space", "kilobytes"), new("alloc_spaces", "bytes") })!.Unit);
        var e = Assert.Throws<InvalidOperationException>(() =>
            Measurement.CommonValueType(new ProfileValueType?[] { new("cpu", "nanoseconds"), new("alloc", "bytes") }));
        Assert.Equal("incompatible types: {cpu nanoseconds} {alloc bytes}", e.Message);
        Assert.Throws<InvalidOperationException>(() =>
            Measurement.CommonValueType(new ProfileValueType?[] { new("cpu", "nanoseconds"), new("cpu", "bytes") }));
    }

    [Fact]
    public void ScaleProfilesConvertsToFinestUnit()
    {
        var f = new Function { Id = 1, Name = "main" };
        var l = new Location { Id = 1, Lines = new[] { new Line(f, 1) } };
        Profile Make(string unit, long value, long period) => new()
        {
            SampleTypes = { new ProfileValueType("cpu", unit) },
            PeriodType = new ProfileValueType("cpu", unit),
            Period = period,
            Functions = { f },
            Locations = { l },
            Samples = { new Sample(new[] { l }, new[] { value }), new Sample(new[] { l }, new[] { 0L }) },
        };
        var ms = Make("milliseconds", 3, 10);
        var ns = Make("nanoseconds", 5, 1000);
        Measurement.ScaleProfiles(new[] { ms, ns });
        Assert.Equal("nanoseconds", ms.SampleTypes[0].Unit);
        Assert.Equal("nanoseconds", ms.PeriodType!.Unit);
        Assert.Equal(10_000_000, ms.Period);
        Assert.Single(ms.Samples); // the all-zero sample is dropped by scaling
        Assert.Equal(3_000_000, ms.Samples[0].Values[0]);
        Assert.Equal(2, ns.Samples.Count); // ratio 1: untouched
        Assert.Equal(5, ns.Samples[0].Values[0]);

        var other = Make("nanoseconds", 1, 1);
        other.SampleTypes.Add(new ProfileValueType("x", "count"));
        var e = Assert.Throws<InvalidOperationException>(() => Measurement.ScaleProfiles(new[] { ms, other }));
        Assert.Equal("inconsistent samples type count: 1 != 2", e.Message);
    }
}
