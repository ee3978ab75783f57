using System.Globalization;
using System.Text.RegularExpressions;

namespace Pprof.Demo;

/// <summary>The text of a <c>-top</c> report, split into its header lines and its rows.</summary>
internal sealed partial class TopReport
{
    private TopReport(IReadOnlyList<string> header, IReadOnlyList<TopRow> rows)
    {
        Header = header;
        Rows = rows;
    }

    /// <summary>The lines before the table (File, Type, Time, Showing nodes ...), and the column titles.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The table's rows, in the report's order (by flat, largest first).</summary>
    public IReadOnlyList<TopRow> Rows { get; }

    /// <summary>Parses <c>-top</c> output.</summary>
    public static TopReport Parse(string text)
    {
        var header = new List<string>();
        var rows = new List<TopRow>();
        bool inTable = false;
        foreach (var line in text.Split('\n'))
        {
            string l = line.TrimEnd('\r');
            if (!inTable)
            {
                if (l.Length > 0) header.Add(l);
                inTable = l.Contains("flat%", StringComparison.Ordinal) && l.Contains("cum%", StringComparison.Ordinal);
                continue;
            }
            var m = RowPattern().Match(l);
            if (!m.Success) continue;
            rows.Add(new TopRow(l, m.Groups["flat"].Value, ParsePercent(m.Groups["flatp"].Value), m.Groups["cum"].Value,
                ParsePercent(m.Groups["cump"].Value), m.Groups["name"].Value));
        }
        return new TopReport(header, rows);
    }

    /// <summary>The first row (in report order) whose name contains <paramref name="fragment"/>, or null.</summary>
    public TopRow? Find(string fragment) => Rows.FirstOrDefault(r => r.Name.Contains(fragment, StringComparison.Ordinal));

    /// <summary>Header lines and the first <paramref name="rows"/> rows, as printed.</summary>
    public IEnumerable<string> Trimmed(int rows) => Header.Concat(Rows.Take(rows).Select(r => r.Text));

    private static double ParsePercent(string s) => double.Parse(s.TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(?<flat>-?[0-9][^\s]*)\s+(?<flatp>-?[0-9.]+%)\s+(?<sump>-?[0-9.]+%)\s+(?<cum>-?[0-9][^\s]*)\s+(?<cump>-?[0-9.]+%)\s+(?<name>.+)$")]
    private static partial Regex RowPattern();
}
