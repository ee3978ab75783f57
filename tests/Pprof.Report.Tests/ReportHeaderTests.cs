using Pprof.Profiles;
using Pprof.Report;

namespace Pprof.Report.Tests;

/// <summary>Report headers: profile labels, active filters, and that the caller's options are left alone.</summary>
public class ReportHeaderTests
{
    internal static Profile Synthetic() =>
        Profile.Parse(File.ReadAllBytes(Path.Combine(ReportConformanceHelper.TestDataDir(), "synthetic.pb.gz")));

    internal static ReportOptions Options() => new()
    {
        OutputFormat = ReportFormat.Text,
        SampleValue = v => v[1],
        SampleType = "delay",
        SampleUnit = "nanoseconds",
    };

    [Fact]
    public void ProfileLabelsDescribeTheProfile()
    {
        var labels = ReportGenerator.ProfileLabels(Synthetic(), Options());
        Assert.Equal(6, labels.Count);
        Assert.Equal("File: app", labels[0]);
        Assert.Equal("Build ID: abc123", labels[1]);
        Assert.Equal("synthetic report fixture", labels[2]); // comments starting with '#' are left out
        Assert.Equal("Type: delay", labels[3]);
        Assert.StartsWith("Time: Sep 13, 2020 at ", labels[4]);
        Assert.Equal("Duration: 2s, Total samples = 256.24ms (12.81%)", labels[5]);
    }

    [Fact]
    public void ActiveFiltersAreListedAndLongOnesShortened()
    {
        var o = Options();
        string longFilter = "focus=" + new string('x', 100);
        o.ActiveFilters = new List<string> { "hide=runtime", longFilter };
        o.CompactLabels = true;
        var ms = new MemoryStream();
        ReportGenerator.Generate(ms, Synthetic(), o);
        string[] lines = System.Text.Encoding.UTF8.GetString(ms.ToArray()).Split('\n');
        Assert.Equal("Active filters:", lines[0]);
        Assert.Equal("   hide=runtime", lines[1]);
        Assert.Equal("   " + longFilter.Substring(0, 80) + "…", lines[2]);
        Assert.StartsWith("Showing nodes accounting for ", lines[3]);
    }

    [Fact]
    public void GivenProfileLabelsReplaceTheComputedOnes()
    {
        var o = Options();
        o.ProfileLabels = new List<string> { "custom header" };
        var ms = new MemoryStream();
        ReportGenerator.Generate(ms, Synthetic(), o);
        string text = System.Text.Encoding.UTF8.GetString(ms.ToArray());
        Assert.StartsWith("custom header\nShowing nodes accounting for 256238.57us, 100% of 256238.57us total\n", text);
    }

    [Fact]
    public void GivenTotalIsWhatPercentagesAreRelativeTo()
    {
        var o = Options();
        o.CompactLabels = true;
        o.Total = 512_480_000;
        var ms = new MemoryStream();
        ReportGenerator.Generate(ms, Synthetic(), o);
        string text = System.Text.Encoding.UTF8.GetString(ms.ToArray());
        Assert.StartsWith("Showing nodes accounting for 256238.57us, 50.00% of 512480us total\n", text);
    }

    [Fact]
    public void CallerOptionsAreNotChanged()
    {
        var o = Options();
        o.NodeCount = 3;
        o.OutputFormat = ReportFormat.Callgrind;
        ReportGenerator.Generate(new MemoryStream(), Synthetic(), o);
        Assert.Equal("minimum", o.OutputUnit);
        Assert.Equal(3, o.NodeCount);
        Assert.Null(o.Total);
    }
}
