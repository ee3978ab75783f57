using System.Text;

namespace Pprof.Report.Reports;

/// <summary>The top table (<c>-top</c>, <c>-text</c>).</summary>
internal static class TextReport
{
    internal static void Write(TextWriter w, ReportContext rpt)
    {
        var items = Items(rpt);
        w.Write(string.Join('\n', items.Labels));
        w.Write('\n');
        w.Write("      flat  flat%   sum%        cum   cum%\n");

        var sb = new StringBuilder(256);
        long flatSum = 0;
        long total = items.Total;
        foreach (var it in items.Items)
        {
            flatSum += it.Flat;
            sb.Clear();
            sb.AppendRight(it.FlatFormat, 10).Append(' ')
              .Append(Measurement.Percentage(it.Flat, total)).Append(' ')
              .Append(Measurement.Percentage(flatSum, total)).Append(' ')
              .AppendRight(it.CumFormat, 10).Append(' ')
              .Append(Measurement.Percentage(it.Cum, total)).Append("  ")
              .Append(it.Name);
            if (it.InlineLabel.Length != 0) sb.Append(' ').Append(it.InlineLabel);
            sb.Append('\n');
            w.Write(sb);
        }
    }

    /// <summary>The table's header lines and rows (pprof's <c>report.TextItems</c>).</summary>
    internal static TextItems Items(ReportContext rpt)
    {
        var (g, origCount, droppedNodes, _) = rpt.NewTrimmedGraph();
        rpt.SelectOutputUnit(g);
        var labels = ReportLabels.ForReport(rpt, g, origCount, droppedNodes, 0, false);
        var items = new List<TextItem>(g.Nodes.Count);
        foreach (var n in g.Nodes)
        {
            long flat = n.FlatValue(), cum = n.CumValue();
            items.Add(new TextItem(n.Info.PrintableName(), InlineLabel(n), flat, cum, rpt.FormatValue(flat), rpt.FormatValue(cum)));
        }
        return new TextItems(labels, items, rpt.Total);
    }

    /// <summary>"(inline)" when every incoming edge is an inline call, "(partial-inline)" when some are.</summary>
    internal static string InlineLabel(Node n)
    {
        bool inline = false, noinline = false;
        foreach (var e in n.In.Values)
        {
            if (e.Inline) inline = true;
            else noinline = true;
        }
        if (!inline) return "";
        return noinline ? "(partial-inline)" : "(inline)";
    }
}
