using Pprof.Profiles;
using Pprof.Report;

namespace Pprof.Report.Tests;

/// <summary>The profile-valued reports: <c>-proto</c> (with <c>-divide_by</c>) and <c>-topproto</c>.</summary>
public class ReportProtoTests
{
    private static Profile Synthetic() =>
        Profile.Parse(File.ReadAllBytes(Path.Combine(ReportConformanceHelper.TestDataDir(), "synthetic.pb.gz")));

    private static ReportOptions Options(Profile p, ReportFormat format) => new()
    {
        OutputFormat = format,
        SampleValue = v => v[1],
        SampleType = "delay",
        SampleUnit = "nanoseconds",
        NodeFraction = 0.005,
        EdgeFraction = 0.001,
    };

    [Fact]
    public void TopProtoHoldsCumAndFlatPerNodeInTheOutputUnit()
    {
        // go tool pprof -symbolize=none -topproto synthetic.pb.gz, read back with -raw:
        //   cum/us flat/us: 250001 250001 runtime.nofile; 6234 6234 main.bar; 256238 3 main.foo; 256238 0 main.main
        var p = Synthetic();
        p.Aggregate(true, true, false, false, false, false);
        var ms = new MemoryStream();
        ReportGenerator.Generate(ms, p, Options(p, ReportFormat.TopProto));
        Assert.Equal(0x1f, ms.ToArray()[0]);
        var top = Profile.Parse(ms.ToArray());
        Assert.Equal(new[] { "cum/us", "flat/us" }, top.SampleTypes.Select(t => t.ToString()));
        Assert.Equal(p.TimeNanos, top.TimeNanos);
        Assert.Equal(p.DurationNanos, top.DurationNanos);
        Assert.Equal(p.Period, top.Period);
        var rows = top.Samples.Select(s => (s.Locations.Single().Lines.Single().Function!.Name, s.Values[0], s.Values[1])).ToArray();
        Assert.Equal(new[]
        {
            ("runtime.nofile", 250001L, 250001L),
            ("main.bar", 6234L, 6234L),
            ("main.foo", 256238L, 3L),
            ("main.main", 256238L, 0L),
        }, rows);
        Assert.Equal(new ulong[] { 1, 2, 3, 4 }, top.Locations.Select(l => l.Id));
    }

    [Fact]
    public void ProtoAppliesTheDivideByRatio()
    {
        var p = Synthetic();
        var o = Options(p, ReportFormat.Proto);
        o.Ratio = 1 / 2.0;
        var ms = new MemoryStream();
        ReportGenerator.Generate(ms, p, o);
        var back = Profile.Parse(ms.ToArray());
        Assert.Equal(new long[] { 1, 1500, 0, 2500000, 1, 3, 2, 617283, 2, 125000000, 0, 499 },
            back.Samples.SelectMany(s => s.Values).ToArray());
    }

    [Fact]
    public void ProtoWithoutRatioKeepsValues()
    {
        var p = Synthetic();
        var ms = new MemoryStream();
        ReportGenerator.Generate(ms, p, Options(p, ReportFormat.Proto));
        var back = Profile.Parse(ms.ToArray());
        Assert.Equal(new long[] { 2, 3000, 1, 5000000, 3, 7, 5, 1234567, 4, 250000000, 1, 999 },
            back.Samples.SelectMany(s => s.Values).ToArray());
    }

    [Fact]
    public void DisassemblyIsRefusedWithOneLine()
    {
        var p = Synthetic();
        var e = Assert.Throws<ReportException>(() => ReportGenerator.Generate(new MemoryStream(), p, Options(p, ReportFormat.Dis)));
        Assert.DoesNotContain('\n', e.Message);
    }
}
