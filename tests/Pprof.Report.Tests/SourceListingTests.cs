using System.Globalization;
using Pprof.Report;

namespace Pprof.Report.Tests;

/// <summary>The source listing as data: the routines and lines, printed the way <c>-list</c> lays them out, give
/// exactly what <c>go tool pprof</c> printed.</summary>
public class SourceListingTests
{
    /// <summary>The report text, laid out here from the data alone.</summary>
    private static string Print(SourceListing listing)
    {
        var lines = new List<string> { "Total: " + listing.TotalFormat };
        foreach (var r in listing.Routines)
        {
            if (r.File.Length == 0)
            {
                lines.Add("No source information for " + r.Function);
                continue;
            }
            lines.Add("ROUTINE ======================== " + r.Function + " in " + r.File);
            lines.Add(r.FlatFormat.PadLeft(10) + " " + r.CumFormat.PadLeft(10) + " (flat, cum) " +
                Measurement.Percentage(r.Cum, listing.Total) + " of Total");
            if (r.Error != null) lines.Add(" Error: " + r.Error);
            foreach (var l in r.Lines)
            {
                lines.Add(l.FlatFormat.PadLeft(10) + " " + l.CumFormat.PadLeft(10) + " " +
                    l.LineNumber.ToString(CultureInfo.InvariantCulture).PadLeft(6) + ":" + l.Text);
            }
        }
        return string.Join('\n', lines) + "\n";
    }

    [Theory]
    [InlineData("list-foo")]
    [InlineData("list-bar-mean")]
    [InlineData("list-main-missing")]
    [InlineData("list-nofile")]
    public void ListingPrintsAsGoPprofDoes(string name)
    {
        var (profile, options, expected) = ReportConformanceHelper.Synthetic(name);
        var listing = ReportGenerator.GetSourceListing(profile, options);
        Assert.NotEmpty(listing.Routines);
        Assert.Equal(expected, Print(listing));
    }

    [Fact]
    public void LinesCarryTheirValues()
    {
        var (profile, options, _) = ReportConformanceHelper.Synthetic("list-foo");
        var listing = ReportGenerator.GetSourceListing(profile, options);
        var routine = Assert.Single(listing.Routines, r => r.Lines.Count > 0);
        Assert.Null(routine.Error);
        Assert.Contains(routine.Lines, l => l.Cum != 0 && l.CumFormat != ".");
        Assert.All(routine.Lines, l => Assert.Equal(l.Flat == 0, l.FlatFormat == "."));
        Assert.All(routine.Lines, l => Assert.Equal(l.Cum == 0, l.CumFormat == "."));
        Assert.Equal(routine.Lines.Select(l => l.LineNumber), Enumerable.Range((int)routine.Lines[0].LineNumber, routine.Lines.Count).Select(i => (long)i));
        Assert.True(routine.Cum >= routine.Lines.Sum(l => l.Flat));
    }

    [Fact]
    public void MissingSourceAndMissingFileInformationAreData()
    {
        var (missing, missingOptions, _) = ReportConformanceHelper.Synthetic("list-main-missing");
        Assert.Contains(ReportGenerator.GetSourceListing(missing, missingOptions).Routines, r => r.Error != null && r.Lines.Count == 0);
        var (nofile, nofileOptions, _) = ReportConformanceHelper.Synthetic("list-nofile");
        Assert.Contains(ReportGenerator.GetSourceListing(nofile, nofileOptions).Routines, r => r.File.Length == 0);
    }

    [Fact]
    public void NoMatchIsAReportError()
    {
        var (profile, options, _) = ReportConformanceHelper.Synthetic("list-none");
        var e = Assert.Throws<ReportException>(() => ReportGenerator.GetSourceListing(profile, options));
        Assert.StartsWith("no matches found for regexp: ", e.Message);
    }
}
