using System.Globalization;
using System.Text;

namespace Pprof.Report.Reports;

/// <summary>Annotated source listing of the functions matching the symbol regexp (<c>-list</c>).</summary>
internal static class ListReport
{
    private const int Margin = 5;

    internal static void Write(TextWriter w, ReportContext rpt)
    {
        var o = rpt.Options;
        var rx = o.Symbol ?? throw new ReportException("no symbol regexp given for the source listing");
        var g = rpt.NewGraph(null);

        var functions = new Nodes();
        var functionNodes = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        foreach (var n in g.Nodes)
        {
            string name = n.Info.Name;
            if (!rx.IsMatch(name)) continue;
            if (!functionNodes.TryGetValue(name, out var list))
            {
                list = new List<Node>();
                functionNodes[name] = list;
                functions.Add(n);
            }
            list.Add(n);
        }
        functions.Sort(NodeOrder.NameOrder);
        if (functionNodes.Count == 0) throw new ReportException("no matches found for regexp: " + rx);

        string sourcePath = o.SourcePath.Length != 0 ? o.SourcePath : Directory.GetCurrentDirectory();
        var reader = new SourceReader(sourcePath, o.TrimPath);

        var sb = new StringBuilder(4096);
        sb.Append("Total: ").Append(rpt.FormatValue(rpt.Total)).Append('\n');
        foreach (var fn in functions)
        {
            string name = fn.Info.Name;
            var sourceFiles = new Nodes();
            var fileNodes = new Dictionary<string, Nodes>(StringComparer.Ordinal);
            foreach (var n in functionNodes[name])
            {
                string file = n.Info.File;
                if (file.Length == 0) continue;
                if (!fileNodes.TryGetValue(file, out var list))
                {
                    list = new Nodes();
                    fileNodes[file] = list;
                    sourceFiles.Add(n);
                }
                list.Add(n);
            }
            if (sourceFiles.Count == 0)
            {
                sb.Append("No source information for ").Append(name).Append('\n');
                continue;
            }
            sourceFiles.Sort(NodeOrder.FileOrder);
            foreach (var fl in sourceFiles)
            {
                string filename = fl.Info.File;
                var fns = fileNodes[filename];
                var (flatSum, cumSum) = fns.Sum();
                var lines = SourceLines(filename, reader, fns, out string? error);
                sb.Append("ROUTINE ======================== ").Append(name).Append(" in ").Append(filename).Append('\n');
                sb.AppendRight(rpt.FormatValue(flatSum), 10).Append(' ')
                  .AppendRight(rpt.FormatValue(cumSum), 10).Append(" (flat, cum) ")
                  .Append(Measurement.Percentage(cumSum, rpt.Total)).Append(" of Total\n");
                if (error != null)
                {
                    sb.Append(" Error: ").Append(error).Append('\n');
                    continue;
                }
                foreach (var line in lines)
                {
                    sb.AppendRight(rpt.ValueOrDot(line.Flat), 10).Append(' ')
                      .AppendRight(rpt.ValueOrDot(line.Cum), 10).Append(' ')
                      .AppendRight(line.Lineno.ToString(CultureInfo.InvariantCulture), 6).Append(':')
                      .Append(line.Text).Append('\n');
                }
            }
            w.Write(sb);
            sb.Clear();
        }
        w.Write(sb);
    }

    internal readonly record struct SourceLine(long Lineno, string Text, long Flat, long Cum);

    /// <summary>The source lines of a function with the samples of <paramref name="fns"/> summed per line: from the
    /// function's start line (or 5 lines before the first sample) to 5 lines after the last sample.</summary>
    internal static List<SourceLine> SourceLines(string file, SourceReader reader, Nodes fns, out string? error)
    {
        var lineNodes = new Dictionary<long, (long Flat, long Cum)>();
        long start = fns[0].Info.StartLine != 0 ? fns[0].Info.StartLine : fns[0].Info.Lineno - Margin;
        long end = fns[0].Info.Lineno + Margin;
        foreach (var n in fns)
        {
            long lineno = n.Info.Lineno;
            long nodeStart = n.Info.StartLine != 0 ? n.Info.StartLine : lineno - Margin;
            long nodeEnd = lineno + Margin;
            if (nodeStart < start) start = nodeStart;
            else if (nodeEnd > end) end = nodeEnd;
            lineNodes.TryGetValue(lineno, out var sum);
            lineNodes[lineno] = (sum.Flat + n.Flat, sum.Cum + n.Cum);
        }
        if (start < 1) start = 1;

        var src = new List<SourceLine>();
        for (long lineno = start; lineno <= end; lineno++)
        {
            if (!reader.TryGetLine(file, lineno, out string line)) break;
            lineNodes.TryGetValue(lineno, out var sum);
            src.Add(new SourceLine(lineno, line, sum.Flat, sum.Cum));
        }
        error = reader.FileError(file);
        return src;
    }
}
