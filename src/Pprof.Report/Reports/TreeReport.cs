using System.Text;

namespace Pprof.Report.Reports;

/// <summary>The callers/callees report (<c>-tree</c>, and <c>-peek</c> with a symbol regexp).</summary>
internal static class TreeReport
{
    private const string Separator = "----------------------------------------------------------+-------------";
    private const string Legend = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";

    internal static void Write(TextWriter w, ReportContext rpt)
    {
        var items = Items(rpt);
        w.Write(string.Join('\n', items.Labels));
        w.Write('\n');
        WriteTable(w, items);
    }

    /// <summary>Writes the report's table (legend and nodes) from <paramref name="items"/>, without the header
    /// lines.</summary>
    internal static void WriteTable(TextWriter w, PeekItems items)
    {
        w.Write(Separator + "\n");
        w.Write(Legend + "\n");

        long total = items.Total;
        long flatSum = 0;
        var sb = new StringBuilder(256);
        foreach (var n in items.Items)
        {
            w.Write(Separator + "\n");
            foreach (var e in n.Callers) WriteEdge(w, sb, e, n.Cum);
            flatSum += n.Flat;
            sb.Clear();
            sb.AppendRight(n.FlatFormat, 10).Append(' ')
              .Append(Measurement.Percentage(n.Flat, total)).Append(' ')
              .Append(Measurement.Percentage(flatSum, total)).Append(' ')
              .AppendRight(n.CumFormat, 10).Append(' ')
              .Append(Measurement.Percentage(n.Cum, total))
              .Append("                | ").Append(n.Name).Append('\n');
            w.Write(sb);
            foreach (var e in n.Callees) WriteEdge(w, sb, e, n.Cum);
        }
        if (items.Items.Count > 0) w.Write(Separator + "\n");
    }

    /// <summary>The report's header lines and nodes with their callers and callees.</summary>
    internal static PeekItems Items(ReportContext rpt)
    {
        var (g, origCount, droppedNodes, _) = rpt.NewTrimmedGraph();
        rpt.SelectOutputUnit(g);
        var rx = rpt.Options.Symbol;
        var items = new List<PeekItem>();
        foreach (var n in g.Nodes)
        {
            string name = n.Info.PrintableName();
            if (rx != null && !rx.IsMatch(name)) continue;
            long flat = n.FlatValue(), cum = n.CumValue();
            items.Add(new PeekItem(name, flat, cum, rpt.FormatValue(flat), rpt.FormatValue(cum),
                Edges(rpt, n.In.Sort(), callers: true), Edges(rpt, n.Out.Sort(), callers: false)));
        }
        if (rx != null && items.Count == 0) throw new ReportException("no matches found for regexp: " + rx);
        var labels = ReportLabels.ForReport(rpt, g, origCount, droppedNodes, 0, false);
        return new PeekItems(labels, items, rpt.Total);
    }

    private static PeekEdge[] Edges(ReportContext rpt, List<Edge> edges, bool callers)
    {
        var result = new PeekEdge[edges.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var e = edges[i];
            var other = callers ? e.Src : e.Dest;
            result[i] = new PeekEdge(other.Info.PrintableName(), e.Weight, rpt.FormatValue(e.Weight), e.Inline);
        }
        return result;
    }

    private static void WriteEdge(TextWriter w, StringBuilder sb, PeekEdge e, long cum)
    {
        sb.Clear();
        sb.AppendRight(e.ValueFormat, 50).Append(' ')
          .Append(Measurement.Percentage(e.Value, cum)).Append(" |   ").Append(e.Name);
        if (e.Inline) sb.Append(" (inline)");
        sb.Append('\n');
        w.Write(sb);
    }
}
