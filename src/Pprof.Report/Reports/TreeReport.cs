using System.Text;

namespace Pprof.Report.Reports;

/// <summary>The callers/callees report (<c>-tree</c>, and <c>-peek</c> with a symbol regexp).</summary>
internal static class TreeReport
{
    private const string Separator = "----------------------------------------------------------+-------------";
    private const string Legend = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";

    internal static void Write(TextWriter w, ReportContext rpt)
    {
        var (g, origCount, droppedNodes, _) = rpt.NewTrimmedGraph();
        rpt.SelectOutputUnit(g);
        var rx = rpt.Options.Symbol;
        if (rx != null)
        {
            bool any = false;
            foreach (var n in g.Nodes)
            {
                if (rx.IsMatch(n.Info.PrintableName()))
                {
                    any = true;
                    break;
                }
            }
            if (!any) throw new ReportException("no matches found for regexp: " + rx);
        }

        w.Write(string.Join('\n', ReportLabels.ForReport(rpt, g, origCount, droppedNodes, 0, false)));
        w.Write('\n');
        w.Write(Separator + "\n");
        w.Write(Legend + "\n");

        long total = rpt.Total;
        long flatSum = 0;
        var sb = new StringBuilder(256);
        foreach (var n in g.Nodes)
        {
            string name = n.Info.PrintableName();
            long flat = n.FlatValue(), cum = n.CumValue();
            if (rx != null && !rx.IsMatch(name)) continue;

            w.Write(Separator + "\n");
            foreach (var e in n.In.Sort())
            {
                WriteEdge(w, sb, rpt, e.Weight, cum, e.Src.Info.PrintableName(), e.Inline);
            }
            flatSum += flat;
            sb.Clear();
            sb.AppendRight(rpt.FormatValue(flat), 10).Append(' ')
              .Append(Measurement.Percentage(flat, total)).Append(' ')
              .Append(Measurement.Percentage(flatSum, total)).Append(' ')
              .AppendRight(rpt.FormatValue(cum), 10).Append(' ')
              .Append(Measurement.Percentage(cum, total))
              .Append("                | ").Append(name).Append('\n');
            w.Write(sb);
            foreach (var e in n.Out.Sort())
            {
                WriteEdge(w, sb, rpt, e.Weight, cum, e.Dest.Info.PrintableName(), e.Inline);
            }
        }
        if (g.Nodes.Count > 0) w.Write(Separator + "\n");
    }

    private static void WriteEdge(TextWriter w, StringBuilder sb, ReportContext rpt, long weight, long cum, string other, bool inline)
    {
        sb.Clear();
        sb.AppendRight(rpt.FormatValue(weight), 50).Append(' ')
          .Append(Measurement.Percentage(weight, cum)).Append(" |   ").Append(other);
        if (inline) sb.Append(" (inline)");
        sb.Append('\n');
        w.Write(sb);
    }
}
