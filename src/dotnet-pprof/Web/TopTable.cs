using System.Globalization;
using System.Text.RegularExpressions;

namespace Pprof.Cli.Web;

/// <summary>Reads the rows of the report engine's top table (<c>-top</c> text) for the web UI's sortable table.</summary>
internal static partial class TopTable
{
    /// <summary>One row of the table.</summary>
    internal sealed record Row(string Flat, string FlatPctText, string SumPctText, string Cum, string CumPctText, string Name, string Suffix)
    {
        public double FlatPct => Pct(FlatPctText);

        public double SumPct => Pct(SumPctText);

        public double CumPct => Pct(CumPctText);

        private static double Pct(string s) =>
            double.TryParse(s.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : 0;
    }

    [GeneratedRegex(@"^\s*(\S+)\s+(\S+%)\s+(\S+%)\s+(\S+)\s+(\S+%)  (.*)$")]
    private static partial Regex RowPattern();

    /// <summary>Parses <paramref name="text"/>; the header lines before the column titles go to <paramref name="labels"/>.</summary>
    internal static List<Row> Parse(string text, List<string> labels)
    {
        var rows = new List<Row>();
        bool inTable = false;
        foreach (var line in text.Split('\n'))
        {
            if (!inTable)
            {
                if (line.TrimStart().StartsWith("flat  flat%", StringComparison.Ordinal))
                {
                    inTable = true;
                    continue;
                }
                if (line.Length != 0) labels.Add(line);
                continue;
            }
            var m = RowPattern().Match(line);
            if (!m.Success) continue;
            string name = m.Groups[6].Value, suffix = "";
            foreach (var s in new[] { " (partial-inline)", " (inline)" })
            {
                if (name.EndsWith(s, StringComparison.Ordinal))
                {
                    suffix = s.Trim();
                    name = name[..^s.Length];
                    break;
                }
            }
            rows.Add(new Row(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value, name, suffix));
        }
        return rows;
    }
}
