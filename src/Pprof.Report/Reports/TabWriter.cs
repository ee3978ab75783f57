using System.Text;

namespace Pprof.Report.Reports;

/// <summary>
/// Right-aligning column formatter with the semantics of Go's <c>text/tabwriter</c> configured as pprof's tags
/// report uses it (minwidth 0, tabwidth 0, padding 1, pad character ' ', AlignRight). Text is buffered: cells are
/// terminated by '\t', lines by '\n'; the last cell of a line is not aligned. Column blocks are runs of consecutive
/// lines that have a tab-terminated cell in that column, exactly as Go computes them.
/// </summary>
internal sealed class TabWriter
{
    private readonly StringBuilder _pending = new();
    private readonly int _padding;

    internal TabWriter(int padding = 1) => _padding = padding;

    /// <summary>Appends text (cells separated by tabs, lines by newlines).</summary>
    internal void Write(string text) => _pending.Append(text);

    /// <summary>Formats everything written so far into <paramref name="output"/>.</summary>
    internal void Flush(TextWriter output)
    {
        string text = _pending.ToString();
        _pending.Clear();
        string[] rawLines = text.Split('\n');
        // A trailing newline leaves an empty last entry that is not a line of its own.
        bool endsWithNewline = rawLines.Length > 0 && rawLines[^1].Length == 0;
        int lineCount = endsWithNewline ? rawLines.Length - 1 : rawLines.Length;
        var lines = new string[lineCount][];
        for (int i = 0; i < lineCount; i++) lines[i] = rawLines[i].Split('\t');
        var widths = new List<int>();
        var sb = new StringBuilder(text.Length * 2);
        Format(lines, 0, lineCount, widths, sb);
        if (!endsWithNewline && lineCount > 0) sb.Length--; // an unterminated last line stays unterminated
        output.Write(sb.ToString());
    }

    private void Format(string[][] lines, int line0, int line1, List<int> widths, StringBuilder sb)
    {
        int column = widths.Count;
        for (int current = line0; current < line1; current++)
        {
            if (column >= lines[current].Length - 1) continue;
            WriteLines(lines, line0, current, widths, sb);
            line0 = current;
            int width = 0;
            for (; current < line1; current++)
            {
                var cells = lines[current];
                if (column >= cells.Length - 1) break;
                int w = RuneWidth(cells[column]) + _padding;
                if (w > width) width = w;
            }
            widths.Add(width);
            Format(lines, line0, current, widths, sb);
            widths.RemoveAt(widths.Count - 1);
            line0 = current;
        }
        WriteLines(lines, line0, line1, widths, sb);
    }

    private static void WriteLines(string[][] lines, int line0, int line1, List<int> widths, StringBuilder sb)
    {
        for (int i = line0; i < line1; i++)
        {
            var cells = lines[i];
            for (int j = 0; j < cells.Length; j++)
            {
                string c = cells[j];
                if (j < widths.Count && j < cells.Length - 1)
                {
                    int pad = widths[j] - RuneWidth(c);
                    if (pad > 0) sb.Append(' ', pad);
                }
                sb.Append(c);
            }
            sb.Append('\n');
        }
    }

    private static int RuneWidth(string s)
    {
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            n++;
        }
        return n;
    }
}
