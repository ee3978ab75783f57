using Pprof.Profiles.Go;
using System.Text;

namespace Pprof.Report.Reports;

/// <summary>Every sample's stack with its labels and value (<c>-traces</c>).</summary>
internal static class TracesReport
{
    private const string Separator = "-----------+-------------------------------------------------------";

    internal static void Write(TextWriter w, ReportContext rpt)
    {
        w.Write(string.Join('\n', ReportLabels.ProfileLabels(rpt)));
        w.Write('\n');

        var prof = rpt.Profile;
        var o = rpt.Options;
        var locations = Graph.CreateNodes(prof, new GraphOptions()).Locations;
        var sb = new StringBuilder(1024);
        var labels = new List<string>();
        foreach (var sample in prof.Samples)
        {
            sb.Clear();
            bool any = false;
            foreach (var loc in sample.Locations)
            {
                if (locations.TryGetValue(loc.Id, out var nodes) && nodes.Length > 0)
                {
                    any = true;
                    break;
                }
            }
            if (!any) continue;

            sb.Append(Separator).Append('\n');
            if (sample.Labels != null)
            {
                labels.Clear();
                foreach (var kv in sample.Labels)
                {
                    labels.Add(new StringBuilder().AppendRight(kv.Key, 10).Append(":  ").AppendJoin(' ', kv.Value).Append('\n').ToString());
                }
                GoSort.SortStrings(labels);
                foreach (var l in labels) sb.Append(l);
            }
            if (sample.NumLabels != null)
            {
                labels.Clear();
                foreach (var kv in sample.NumLabels)
                {
                    string unit = o.NumLabelUnits.TryGetValue(kv.Key, out var u) ? u : "";
                    var line = new StringBuilder().AppendRight(kv.Key, 10).Append(":  ");
                    for (int i = 0; i < kv.Value.Length; i++)
                    {
                        if (i > 0) line.Append(' ');
                        line.Append(Measurement.Label(kv.Value[i], unit));
                    }
                    labels.Add(line.Append('\n').ToString());
                }
                GoSort.SortStrings(labels);
                foreach (var l in labels) sb.Append(l);
            }

            long v = o.SampleValue(sample.Values);
            long d = o.SampleMeanDivisor != null ? o.SampleMeanDivisor(sample.Values) : 0;
            if (d != 0) v /= d;
            bool first = true;
            foreach (var loc in sample.Locations)
            {
                if (!locations.TryGetValue(loc.Id, out var nodes)) continue;
                for (int i = 0; i < nodes.Length; i++)
                {
                    if (nodes[i] is not { } node) continue;
                    sb.AppendRight(first ? rpt.FormatValue(v) : "", 10).Append("   ").Append(node.Info.PrintableName());
                    if (i != nodes.Length - 1) sb.Append(" (inline)");
                    sb.Append('\n');
                    first = false;
                }
            }
            w.Write(sb);
        }
        w.Write(Separator + "\n");
    }
}
