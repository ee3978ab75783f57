using System.Net;
using System.Text;
using Pprof.Report;

namespace Pprof.Cli.Leaks;

/// <summary>The HTML form of a <see cref="LeakReport"/>: one self-contained page (no scripts, no external resources),
/// one table per grouping with an inline SVG sparkline of each row's values.</summary>
internal static class LeaksHtml
{
    public static string Format(LeakReport report, string source, int rowsPerTable)
    {
        var unit = report.SampleType.Unit;
        var sb = new StringBuilder();
        string title = LeaksCommand.Invariant($"Leaks: {report.Totals.Count} {report.Kind} profiles by {report.SampleType.Type}");
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>\n")
            .Append("body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.6em}")
            .Append("table{border-collapse:collapse}th,td{padding:3px 8px;text-align:right;white-space:nowrap;border-bottom:1px solid #eee}")
            .Append("th{background:#f4f4f4}td.name{text-align:left;white-space:normal;font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:anywhere;min-width:30em}")
            .Append("tr.leak td{background:#fff0f0}td.flag{color:#c00;font-weight:bold}.note{color:#555}svg{vertical-align:middle}")
            .Append("\n</style></head><body>\n");
        sb.Append("<h1>").Append(E(title)).Append("</h1>\n<p class=\"note\">").Append(E(source));
        if (report.Times is { } times) sb.Append(E(LeaksCommand.Invariant($", {times[0]:yyyy-MM-dd HH:mm:ss} to {times[^1]:HH:mm:ss} UTC")));
        sb.Append("</p>\n<p>Total ").Append(Spark(report.Totals, false)).Append(' ').Append(E(LeaksText.Values(report.Totals, unit))).Append("</p>\n");
        int leaks = report.Rows.Count(r => r.IsLeak);
        sb.Append("<p>").Append(leaks == 0
            ? "No leak: nothing grew from every snapshot to the next on a line."
            : LeaksCommand.Invariant($"{leaks} rows flagged as leaks: they grew from every snapshot to the next on a line (fit R² ≥ 0.8).")).Append("</p>\n");
        foreach (var g in report.Groupings)
        {
            sb.Append("<h2>").Append(E(LeaksText.Title(report, g))).Append("</h2>\n");
            var rows = report.RowsBy(g).Where(r => r.IsLeak || r.Slope > 0).Take(rowsPerTable).ToList();
            if (rows.Count == 0)
            {
                sb.Append("<p class=\"note\">Nothing grew.</p>\n");
                continue;
            }
            sb.Append("<table><tr><th>leak</th><th>trend</th><th>per snapshot</th><th>fit</th><th>per second</th><th>")
                .Append(E(report.SampleType.Type)).Append(" in each snapshot</th><th>growth between snapshots</th><th style=\"text-align:left\">name</th></tr>\n");
            foreach (var r in rows)
            {
                sb.Append(r.IsLeak ? "<tr class=\"leak\"><td class=\"flag\">leak</td>" : "<tr><td></td>");
                sb.Append("<td>").Append(Spark(r.Values, r.IsLeak)).Append("</td>");
                sb.Append("<td>").Append(E(LeaksText.Signed(r.Slope, unit))).Append("</td>");
                sb.Append("<td>").Append(E(LeaksCommand.Invariant($"{r.Fit:0.00}"))).Append("</td>");
                sb.Append("<td>").Append(r.GrowthPerSecond is { } ps ? E(LeaksText.Signed(ps, unit) + "/s") : "").Append("</td>");
                sb.Append("<td>").Append(E(LeaksText.Values(r.Values, unit))).Append("</td>");
                sb.Append("<td>").Append(E(string.Join(" ", r.Growth.Select(d => LeaksText.Signed(d, unit))))).Append("</td>");
                sb.Append("<td class=\"name\">").Append(E(r.Name)).Append("</td></tr>\n");
            }
            sb.Append("</table>\n");
        }
        sb.Append("<p class=\"note\">A row is a leak when it grew from every snapshot to the next, a straight line fits its values (R² ≥ 0.8) and it grew by at least 0.1% of the largest total. ")
            .Append("A cache that is trimmed (a sawtooth) or bounded is not. Rows are ranked leaks first, then by slope (least-squares growth per snapshot).</p>\n");
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>An inline SVG polyline of <paramref name="values"/>, scaled between their minimum and maximum.</summary>
    private static string Spark(IReadOnlyList<long> values, bool leak)
    {
        const int width = 120, height = 24;
        long min = values.Min(), max = values.Max();
        var points = new StringBuilder();
        for (int i = 0; i < values.Count; i++)
        {
            double x = values.Count == 1 ? width / 2.0 : 2 + i * (width - 4.0) / (values.Count - 1);
            double y = max == min ? height / 2.0 : height - 2 - (values[i] - min) * (height - 4.0) / (max - min);
            points.Append(LeaksCommand.Invariant($"{x:0.#},{y:0.#} "));
        }
        string color = leak ? "#c00" : "#36c";
        return LeaksCommand.Invariant($"<svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\"><polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{points.ToString().TrimEnd()}\"/></svg>");
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
