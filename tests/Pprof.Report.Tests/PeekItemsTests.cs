using Pprof.Report;

namespace Pprof.Report.Tests;

/// <summary>The callers/callees report as data: the rows, printed the way <c>-peek</c>/<c>-tree</c> lay them out,
/// give exactly what <c>go tool pprof</c> printed.</summary>
public class PeekItemsTests
{
    private const string Separator = "----------------------------------------------------------+-------------";

    /// <summary>The report text, laid out here from the data alone.</summary>
    private static string Print(PeekItems items)
    {
        var lines = new List<string>(items.Labels)
        {
            Separator,
            "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ",
        };
        long sum = 0;
        foreach (var it in items.Items)
        {
            lines.Add(Separator);
            foreach (var e in it.Callers) lines.Add(Edge(e, it.Cum));
            sum += it.Flat;
            lines.Add(it.FlatFormat.PadLeft(10) + " " + Measurement.Percentage(it.Flat, items.Total) + " " +
                Measurement.Percentage(sum, items.Total) + " " + it.CumFormat.PadLeft(10) + " " +
                Measurement.Percentage(it.Cum, items.Total) + "                | " + it.Name);
            foreach (var e in it.Callees) lines.Add(Edge(e, it.Cum));
        }
        if (items.Items.Count > 0) lines.Add(Separator);
        return string.Join('\n', lines) + "\n";
    }

    private static string Edge(PeekEdge e, long cum) =>
        e.ValueFormat.PadLeft(50) + " " + Measurement.Percentage(e.Value, cum) + " |   " + e.Name + (e.Inline ? " (inline)" : "");

    [Theory]
    [InlineData("peek-bar", 1, false)]
    [InlineData("tree", 3, true)]
    [InlineData("divide-tree", 3, true)]
    public void ItemsPrintAsGoPprofDoes(string name, int minItems, bool hasCallees)
    {
        var (profile, options, expected) = ReportConformanceHelper.Synthetic(name);
        var items = ReportGenerator.GetPeekItems(profile, options);
        Assert.True(items.Items.Count >= minItems, items.Items.Count.ToString());
        Assert.Contains(items.Items, it => it.Callers.Count > 0);
        Assert.Equal(hasCallees, items.Items.Any(it => it.Callees.Count > 0));
        Assert.Contains(items.Items.SelectMany(it => it.Callers), e => e.Inline);
        Assert.All(items.Items, it => Assert.True(Math.Abs(it.Cum) >= Math.Abs(it.Flat)));
        Assert.Equal(expected, Print(items));
    }

    [Fact]
    public void OnlyMatchingNodesAreItemsAndTheirEdgesSumToTheirCum()
    {
        var (profile, options, _) = ReportConformanceHelper.Synthetic("peek-bar");
        var items = ReportGenerator.GetPeekItems(profile, options);
        Assert.All(items.Items, it => Assert.Contains("bar", it.Name));
        var args = ReportConformanceHelper.CaseArgs("cpu-peek_line");
        var (cpu, cpuOptions) = ReportConformanceHelper.Prepare(args, ReportConformanceHelper.PackDir());
        var cpuItems = ReportGenerator.GetPeekItems(cpu, cpuOptions);
        Assert.NotEmpty(cpuItems.Items);
        Assert.Equal(ReportConformanceHelper.Expected("cpu-peek_line"), Print(cpuItems));
    }

    [Fact]
    public void NoMatchIsAReportError()
    {
        var (profile, options, _) = ReportConformanceHelper.Synthetic("peek-none");
        var e = Assert.Throws<ReportException>(() => ReportGenerator.GetPeekItems(profile, options));
        Assert.StartsWith("no matches found for regexp: ", e.Message);
    }

    [Fact]
    public void TableIsTheReportAfterItsHeaderLines()
    {
        var (profile, options, expected) = ReportConformanceHelper.Synthetic("tree");
        var items = ReportGenerator.GetPeekItems(profile, options);
        var table = new StringWriter();
        ReportGenerator.WritePeekTable(table, items);
        Assert.Equal(expected, string.Join('\n', items.Labels) + "\n" + table);
    }
}
