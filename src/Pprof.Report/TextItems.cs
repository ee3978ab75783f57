namespace Pprof.Report;

/// <summary>The top table as data (pprof's <c>report.TextItems</c>): the header lines and one
/// <see cref="TextItem"/> per row, in the report's order; what <see cref="ReportFormat.Text"/> prints, without parsing
/// text back.</summary>
public sealed class TextItems
{
    internal TextItems(IReadOnlyList<string> labels, IReadOnlyList<TextItem> items, long total)
    {
        Labels = labels;
        Items = items;
        Total = total;
    }

    /// <summary>The header lines (File, Type, Time, "Showing nodes accounting for ...", ...).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The rows, as the report orders them (by flat value unless <see cref="ReportOptions"/> says cum).</summary>
    public IReadOnlyList<TextItem> Items { get; }

    /// <summary>The total the percentages are relative to (see <see cref="ReportGenerator.ComputeTotal"/>).</summary>
    public long Total { get; }
}
