using System.Globalization;
using System.Text;

namespace Pprof.Report.Reports;

/// <summary>Annotated source listing of the functions matching the symbol regexp (<c>-list</c>).</summary>
internal static class ListReport
{
    private const int Margin = 5;

    internal static void Write(TextWriter w, ReportContext rpt)
    {
        var listing = Items(rpt);
        var sb = new StringBuilder(4096);
        sb.Append("Total: ").Append(listing.TotalFormat).Append('\n');
        foreach (var r in listing.Routines)
        {
            if (r.File.Length == 0)
            {
                sb.Append("No source information for ").Append(r.Function).Append('\n');
                continue;
            }
            sb.Append("ROUTINE ======================== ").Append(r.Function).Append(" in ").Append(r.File).Append('\n');
            sb.AppendRight(r.FlatFormat, 10).Append(' ')
              .AppendRight(r.CumFormat, 10).Append(" (flat, cum) ")
              .Append(Measurement.Percentage(r.Cum, listing.Total)).Append(" of Total\n");
            if (r.Error != null)
            {
                sb.Append(" Error: ").Append(r.Error).Append('\n');
                continue;
            }
            foreach (var line in r.Lines)
            {
                sb.AppendRight(line.FlatFormat, 10).Append(' ')
                  .AppendRight(line.CumFormat, 10).Append(' ')
                  .AppendRight(line.LineNumber.ToString(CultureInfo.InvariantCulture), 6).Append(':')
                  .Append(line.Text).Append('\n');
            }
            if (sb.Length >= 1 << 16)
            {
                w.Write(sb);
                sb.Clear();
            }
        }
        w.Write(sb);
    }

    /// <summary>The listing's functions, per source file, with their annotated source lines.</summary>
    internal static SourceListing Items(ReportContext rpt)
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

        var routines = new List<SourceRoutine>();
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
                routines.Add(new SourceRoutine(name, "", 0, 0, rpt.FormatValue(0), rpt.FormatValue(0), null, Array.Empty<SourceLineItem>()));
                continue;
            }
            sourceFiles.Sort(NodeOrder.FileOrder);
            foreach (var fl in sourceFiles)
            {
                string filename = fl.Info.File;
                var fns = fileNodes[filename];
                var (flatSum, cumSum) = fns.Sum();
                var lines = SourceLines(filename, reader, fns, out string? error);
                var items = new SourceLineItem[error != null ? 0 : lines.Count];
                for (int i = 0; i < items.Length; i++)
                {
                    var l = lines[i];
                    items[i] = new SourceLineItem(l.Lineno, l.Text, l.Flat, l.Cum, rpt.ValueOrDot(l.Flat), rpt.ValueOrDot(l.Cum));
                }
                routines.Add(new SourceRoutine(name, filename, flatSum, cumSum, rpt.FormatValue(flatSum), rpt.FormatValue(cumSum), error, items));
            }
        }
        return new SourceListing(rpt.Total, rpt.FormatValue(rpt.Total), routines);
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
