using Pprof.Profiles;
using System.Text;
using Pprof.Report.Reports;

namespace Pprof.Report;

/// <summary>Produces pprof's reports (top, tree/peek, traces, tags, comments, callgrind, list, raw, proto,
/// topproto, dot) byte for byte as <c>go tool pprof</c> 1.19 prints them.</summary>
public static class ReportGenerator
{
    private static readonly UTF8Encoding s_utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the report <paramref name="options"/> describe to <paramref name="output"/>: UTF-8 text with
    /// "\n" line ends, or gzipped profile.proto for <see cref="ReportFormat.Proto"/> and
    /// <see cref="ReportFormat.TopProto"/>. Like pprof, graph-based reports clean up the profile as they go
    /// (function file names, numeric labels other than <c>bytes</c>, the diff-base label): pass a copy when the
    /// profile is used again. Throws <see cref="ReportException"/> when the report cannot be produced (for example,
    /// no function matches <see cref="ReportOptions.Symbol"/>); nothing is written then.</summary>
    public static void Generate(Stream output, Profile profile, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        var rpt = NewContext(profile, options);
        switch (options.OutputFormat)
        {
            case ReportFormat.Proto:
                ProtoReport.WriteProto(output, rpt);
                return;
            case ReportFormat.TopProto:
                ProtoReport.WriteTopProto(output, rpt);
                return;
            case ReportFormat.Dis:
            case ReportFormat.WebList:
                throw new ReportException("disassembly reports (-disasm, -weblist) are not supported by dotnet-pprof");
        }

        // Text reports are composed in memory first so that a failing report writes nothing, as pprof's driver does.
        var buffer = new MemoryStream();
        using (var w = new StreamWriter(buffer, s_utf8NoBom, 1 << 16, leaveOpen: true) { NewLine = "\n", AutoFlush = false })
        {
            WriteText(w, rpt);
        }
        buffer.Position = 0;
        buffer.CopyTo(output);
        output.Flush();
    }

    private static void WriteText(StreamWriter w, ReportContext rpt)
    {
        switch (rpt.Options.OutputFormat)
        {
            case ReportFormat.Text:
                TextReport.Write(w, rpt);
                break;
            case ReportFormat.Tree:
                TreeReport.Write(w, rpt);
                break;
            case ReportFormat.Traces:
                TracesReport.Write(w, rpt);
                break;
            case ReportFormat.Tags:
                TagsReport.Write(w, rpt);
                break;
            case ReportFormat.Comments:
                foreach (var c in rpt.Profile.Comments)
                {
                    w.Write(c);
                    w.Write('\n');
                }
                break;
            case ReportFormat.Callgrind:
                CallgrindReport.Write(w, rpt);
                break;
            case ReportFormat.List:
                ListReport.Write(w, rpt);
                break;
            case ReportFormat.Raw:
                w.Write(rpt.Profile.ToString());
                break;
            case ReportFormat.Dot:
                DotReport.Write(w, rpt);
                break;
            default:
                throw new ReportException("unexpected output format");
        }
    }

    /// <summary>The rows and header lines of the top table <paramref name="options"/> describe, as data (pprof's
    /// <c>report.TextItems</c>): the same rows, order and values <see cref="ReportFormat.Text"/> prints. Like
    /// <see cref="Generate"/>, it may clean up the profile: pass a copy when the profile is used again.</summary>
    public static TextItems GetTextItems(Profile profile, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        return TextReport.Items(NewContext(profile, options));
    }

    /// <summary>The header lines and nodes of the callers/callees report <paramref name="options"/> describe
    /// (<c>-peek</c>, <c>-tree</c>), as data: the nodes matching <see cref="ReportOptions.Symbol"/> (all nodes without
    /// one) with their callers and callees, the same rows, order and values <see cref="ReportFormat.Tree"/> prints.
    /// Throws <see cref="ReportException"/> when no node matches. Like <see cref="Generate"/>, it may clean up the
    /// profile: pass a copy when the profile is used again.</summary>
    public static PeekItems GetPeekItems(Profile profile, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        return TreeReport.Items(NewContext(profile, options));
    }

    /// <summary>Writes the table of the callers/callees report (legend and nodes, without the header lines) from
    /// <paramref name="items"/>, exactly as <see cref="ReportFormat.Tree"/> prints it after its header lines.</summary>
    public static void WritePeekTable(TextWriter output, PeekItems items)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(items);
        TreeReport.WriteTable(output, items);
    }

    /// <summary>The annotated source listing <paramref name="options"/> describe (<c>-list</c>), as data: per
    /// function matching <see cref="ReportOptions.Symbol"/> and source file, the source lines with their flat and
    /// cum values, as <see cref="ReportFormat.List"/> prints them. Source files are read from
    /// <see cref="ReportOptions.SourcePath"/> (the current directory when empty). Throws
    /// <see cref="ReportException"/> when no symbol is given or no function matches.</summary>
    public static SourceListing GetSourceListing(Profile profile, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        return ListReport.Items(NewContext(profile, options));
    }

    /// <summary>The profile's header lines (File, Build ID, comments, Type, Time, Duration/Total samples), as
    /// pprof's <c>report.ProfileLabels</c> returns them.</summary>
    public static IReadOnlyList<string> ProfileLabels(Profile profile, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        return ReportLabels.ProfileLabels(NewContext(profile, options));
    }

    /// <summary>The total every percentage is relative to: the sum of absolute sample values (of the diff-base
    /// samples only, when the profile has some), divided by the sum of <see cref="ReportOptions.SampleMeanDivisor"/>
    /// values with <c>-mean</c>. pprof computes it before applying focus/ignore/tag filters (after them with
    /// <c>-relative_percentages</c>); compute it at that point and pass it in <see cref="ReportOptions.Total"/>.</summary>
    public static long ComputeTotal(Profile profile, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        return ReportContext.ComputeTotal(profile, options.SampleValue, options.SampleMeanDivisor);
    }

    /// <summary>The trimmed graph and DOT configuration of a dot report (pprof's <c>report.GetDOT</c>).</summary>
    internal static (Graph Graph, DotConfig Config) GetDot(Profile profile, ReportOptions options) =>
        DotReport.GetDot(NewContext(profile, options));

    private static ReportContext NewContext(Profile profile, ReportOptions options) =>
        new(profile, options, options.Total ?? ReportContext.ComputeTotal(profile, options.SampleValue, options.SampleMeanDivisor));
}
