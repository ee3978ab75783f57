using Pprof.Profiles.Go;
using System.Globalization;

namespace Pprof.Report.Reports;

/// <summary>The header lines of pprof's reports.</summary>
internal static class ReportLabels
{
    /// <summary>Profile description lines: File, Build ID, comments not starting with '#', Type, Time and
    /// Duration/Total samples (pprof's <c>report.ProfileLabels</c>).</summary>
    internal static List<string> ProfileLabels(ReportContext rpt)
    {
        var label = new List<string>();
        var prof = rpt.Profile;
        var o = rpt.Options;
        if (prof.Mappings.Count > 0)
        {
            var m = prof.Mappings[0];
            if (m.File.Length != 0) label.Add("File: " + GoPath.Base(m.File));
            if (m.BuildId.Length != 0) label.Add("Build ID: " + m.BuildId);
        }
        foreach (var c in prof.Comments)
        {
            if (!c.StartsWith('#')) label.Add(c);
        }
        if (o.SampleType.Length != 0) label.Add("Type: " + o.SampleType);
        if (prof.TimeNanos != 0) label.Add("Time: " + GoTime.FormatHeaderTime(prof.TimeNanos));
        if (prof.DurationNanos != 0)
        {
            string duration = Measurement.Label(prof.DurationNanos, "nanoseconds");
            var (totalNanos, totalUnit) = Measurement.Scale(rpt.Total, o.SampleUnit, "nanoseconds");
            string ratio = "";
            if (totalUnit == "ns" && totalNanos != 0)
            {
                ratio = "(" + Measurement.Percentage((long)totalNanos, prof.DurationNanos) + ")";
            }
            label.Add("Duration: " + duration + ", Total samples = " + rpt.FormatValue(rpt.Total) + " " + ratio);
        }
        return label;
    }

    /// <summary>The full header of a graph-based report: profile labels (unless compact), active filters, the
    /// "Showing nodes accounting for" line and what was dropped (pprof's <c>reportLabels</c>).</summary>
    internal static List<string> ForReport(ReportContext rpt, Graph g, int origCount, int droppedNodes, int droppedEdges, bool fullHeaders)
    {
        var o = rpt.Options;
        int nodeCount = g.Nodes.Count;
        var label = new List<string>();
        if (o.ProfileLabels.Count > 0) label.AddRange(o.ProfileLabels);
        else if (fullHeaders || !o.CompactLabels) label.AddRange(ProfileLabels(rpt));

        long flatSum = 0;
        foreach (var n in g.Nodes) flatSum += n.FlatValue();

        if (o.ActiveFilters.Count > 0)
        {
            label.Add("Active filters:");
            foreach (var f in o.ActiveFilters)
            {
                label.Add("   " + (System.Text.Encoding.UTF8.GetByteCount(f) > 80 ? TruncateBytes(f, 80) + "…" : f));
            }
        }

        label.Add("Showing nodes accounting for " + rpt.FormatValue(flatSum) + ", " +
                  Measurement.Percentage(flatSum, rpt.Total).Trim() + " of " + rpt.FormatValue(rpt.Total) + " total");

        if (rpt.Total != 0)
        {
            if (droppedNodes > 0)
            {
                label.Add(Dropped(droppedNodes, "node", "cum", rpt.FormatValue(Math.Abs((long)(rpt.Total * rpt.NodeFraction)))));
            }
            if (droppedEdges > 0)
            {
                label.Add(Dropped(droppedEdges, "edge", "freq", rpt.FormatValue(Math.Abs((long)(rpt.Total * rpt.EdgeFraction)))));
            }
            if (nodeCount > 0 && nodeCount < origCount)
            {
                label.Add(string.Create(CultureInfo.InvariantCulture, $"Showing top {nodeCount} nodes out of {origCount}"));
            }
        }
        if (fullHeaders) label.Add("\nSee https://git.io/JfYMW for how to read the graph");
        return label;
    }

    private static string Dropped(int count, string noun, string what, string cutoff) =>
        string.Create(CultureInfo.InvariantCulture, $"Dropped {count} {noun}{(count > 1 ? "s" : "")} ({what} <= {cutoff})");

    /// <summary>The first <paramref name="maxBytes"/> UTF-8 bytes of <paramref name="s"/>, as Go's s[:80] slices bytes
    /// (a split character is kept as its bytes' replacement, as Go would print the partial sequence).</summary>
    private static string TruncateBytes(string s, int maxBytes)
    {
        byte[] b = System.Text.Encoding.UTF8.GetBytes(s);
        return System.Text.Encoding.UTF8.GetString(b, 0, maxBytes);
    }
}
