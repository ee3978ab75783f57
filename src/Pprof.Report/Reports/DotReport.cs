namespace Pprof.Report.Reports;

/// <summary>The annotated call graph in Graphviz DOT (<c>-dot</c>).</summary>
internal static class DotReport
{
    /// <summary>The trimmed graph and its DOT configuration (pprof's <c>GetDOT</c>); the visual engineer's formats
    /// reuse it.</summary>
    internal static (Graph Graph, DotConfig Config) GetDot(ReportContext rpt)
    {
        var (g, origCount, droppedNodes, droppedEdges) = rpt.NewTrimmedGraph();
        rpt.SelectOutputUnit(g);
        var labels = ReportLabels.ForReport(rpt, g, origCount, droppedNodes, droppedEdges, true);
        var config = new DotConfig
        {
            Title = rpt.Options.Title,
            Labels = labels,
            FormatValue = rpt.FormatValue,
            Total = rpt.Total,
        };
        return (g, config);
    }

    internal static void Write(TextWriter w, ReportContext rpt)
    {
        var (g, config) = GetDot(rpt);
        DotGraph.Compose(w, g, new DotAttributes(), config);
    }
}
