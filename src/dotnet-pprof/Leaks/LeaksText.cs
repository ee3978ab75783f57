using System.Text;
using Pprof.Report;

namespace Pprof.Cli.Leaks;

/// <summary>The text form of a <see cref="LeakReport"/>: a header, then one table per grouping (type, site, path) of
/// the rows that grew, leaks first.</summary>
internal static class LeaksText
{
    public static string Format(LeakReport report, int rowsPerTable)
    {
        var sb = new StringBuilder();
        var unit = report.SampleType.Unit;
        int n = report.Totals.Count;
        sb.Append(LeaksCommand.Invariant($"{n} {report.Kind} profiles, ranked by steady growth of {report.SampleType.Type}"));
        if (report.Times is { } times)
        {
            var span = times[^1] - times[0];
            sb.Append(LeaksCommand.Invariant($", {times[0].ToLocalTime():HH:mm:ss} to {times[^1].ToLocalTime():HH:mm:ss} ({FormatSpan(span)}, every {FormatSpan(span / (n - 1))} on average)"));
        }
        sb.Append('\n');
        sb.Append("Total: ").Append(Values(report.Totals, unit)).Append('\n');
        var leaks = report.Rows.Where(r => r.IsLeak).ToList();
        sb.Append(leaks.Count == 0
            ? "No leak: nothing grew from every snapshot to the next on a line.\n"
            : LeaksCommand.Invariant($"{leaks.Count} rows flagged as leaks (*): they grew from every snapshot to the next on a line.\n"));
        foreach (var g in report.Groupings)
        {
            sb.Append('\n').Append(Title(report, g)).Append('\n');
            var rows = report.RowsBy(g).Where(r => r.IsLeak || r.Slope > 0).Take(rowsPerTable).ToList();
            if (rows.Count == 0)
            {
                sb.Append("  (nothing grew)\n");
                continue;
            }
            var table = new List<string[]> { new[] { "", "per snapshot", "fit", "per second", report.SampleType.Type + " in each snapshot", "" } };
            foreach (var r in rows)
            {
                table.Add(new[]
                {
                    r.IsLeak ? "*" : "",
                    Signed(r.Slope, unit),
                    LeaksCommand.Invariant($"{r.Fit:0.00}"),
                    r.GrowthPerSecond is { } ps ? Signed(ps, unit) + "/s" : "",
                    Values(r.Values, unit),
                    r.Name,
                });
            }
            var widths = Enumerable.Range(0, 5).Select(c => table.Max(row => row[c].Length)).ToArray();
            var line = new StringBuilder();
            foreach (var row in table)
            {
                line.Clear().Append(row[0].PadRight(Math.Max(1, widths[0])));
                for (int c = 1; c < 4; c++) line.Append("  ").Append(row[c].PadLeft(widths[c]));
                line.Append("  ").Append(row[4].PadRight(widths[4])).Append("  ").Append(row[5]);
                sb.Append(line.ToString().TrimEnd()).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>The heading of a grouping's table.</summary>
    public static string Title(LeakReport report, LeakGrouping g) => (report.Kind, g) switch
    {
        ("retention", LeakGrouping.Type) => "By type (the object type of the retention path):",
        ("retention", LeakGrouping.Path) => "By retention path (root first):",
        (_, LeakGrouping.Site) => "By allocation site (the leaf-most frame outside the runtime):",
        (_, LeakGrouping.Type) => "By type (the allocated type):",
        _ => "By allocation stack (root first):",
    };

    /// <summary>The values of all snapshots (at most eight: the first three, …, the last four).</summary>
    public static string Values(IReadOnlyList<long> values, string unit)
    {
        var shown = values.Count <= 8 ? values.Select(v => Label(v, unit)) : values.Take(3).Select(v => Label(v, unit)).Append("…").Concat(values.Skip(values.Count - 4).Select(v => Label(v, unit)));
        return string.Join(" ", shown);
    }

    public static string Label(long value, string unit) => Measurement.Label(value, unit);

    public static string Signed(double value, string unit)
    {
        long v = (long)Math.Round(value);
        return (v > 0 ? "+" : "") + Label(v, unit);
    }

    private static string FormatSpan(TimeSpan t) =>
        t.TotalSeconds < 60 ? LeaksCommand.Invariant($"{t.TotalSeconds:0.#}s") : t.TotalMinutes < 60 ? LeaksCommand.Invariant($"{(int)t.TotalMinutes}m{t.Seconds}s") : LeaksCommand.Invariant($"{(int)t.TotalHours}h{t.Minutes}m");
}
