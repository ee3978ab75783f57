namespace Pprof.Report;

/// <summary>The callers/callees report (<c>-peek</c>, <c>-tree</c>) as data: the header lines and one
/// <see cref="PeekItem"/> per node matching <see cref="ReportOptions.Symbol"/> (every node without one), in the
/// report's order; what <see cref="ReportFormat.Tree"/> prints, without parsing text back.</summary>
public sealed class PeekItems
{
    internal PeekItems(IReadOnlyList<string> labels, IReadOnlyList<PeekItem> items, long total)
    {
        Labels = labels;
        Items = items;
        Total = total;
    }

    /// <summary>The header lines (File, Type, Time, "Showing nodes accounting for ...", ...).</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The nodes with their callers and callees, as the report orders them.</summary>
    public IReadOnlyList<PeekItem> Items { get; }

    /// <summary>The total the node percentages are relative to (see <see cref="ReportGenerator.ComputeTotal"/>).</summary>
    public long Total { get; }
}
