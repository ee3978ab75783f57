using System.Text;

namespace Pprof.Report.Reports;

/// <summary>The top table (<c>-top</c>, <c>-text</c>).</summary>
internal static class TextReport
{
    internal static void Write(TextWriter w, ReportContext rpt)
    {
        var (g, origCount, droppedNodes, _) = rpt.NewTrimmedGraph();
        rpt.SelectOutputUnit(g);
        var labels = ReportLabels.ForReport(rpt, g, origCount, droppedNodes, 0, false);
        w.Write(string.Join('\n', labels));
        w.Write('\n');
        w.Write("      flat  flat%   sum%        cum   cum%\n");

        var sb = new StringBuilder(256);
        long flatSum = 0;
        long total = rpt.Total;
        foreach (var n in g.Nodes)
        {
            long flat = n.FlatValue(), cum = n.CumValue();
            flatSum += flat;
            sb.Clear();
            sb.AppendRight(rpt.FormatValue(flat), 10).Append(' ')
              .Append(Measurement.Percentage(flat, total)).Append(' ')
              .Append(Measurement.Percentage(flatSum, total)).Append(' ')
              .AppendRight(rpt.FormatValue(cum), 10).Append(' ')
              .Append(Measurement.Percentage(cum, total)).Append("  ")
              .Append(n.Info.PrintableName());
            string inl = InlineLabel(n);
            if (inl.Length != 0) sb.Append(' ').Append(inl);
            sb.Append('\n');
            w.Write(sb);
        }
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
