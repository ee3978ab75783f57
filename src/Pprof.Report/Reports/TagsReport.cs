using Pprof.Profiles.Go;
using System.Text;

namespace Pprof.Report.Reports;

/// <summary>Histograms of the sample labels (<c>-tags</c>), in Go 1.19's layout.</summary>
internal static class TagsReport
{
    internal static void Write(TextWriter w, ReportContext rpt)
    {
        var p = rpt.Profile;
        var o = rpt.Options;
        var tagMap = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        foreach (var s in p.Samples)
        {
            if (s.Labels != null)
            {
                foreach (var kv in s.Labels)
                {
                    foreach (var val in kv.Value) Add(tagMap, kv.Key, val, o.SampleValue(s.Values));
                }
            }
            if (s.NumLabels != null)
            {
                foreach (var kv in s.NumLabels)
                {
                    string unit = o.NumLabelUnits.TryGetValue(kv.Key, out var u) ? u : "";
                    foreach (long nval in kv.Value)
                    {
                        Add(tagMap, kv.Key, Measurement.ScaledLabel(nval, unit, rpt.OutputUnit), o.SampleValue(s.Values));
                    }
                }
            }
        }

        var tagKeys = new List<Tag>(tagMap.Count);
        foreach (var key in tagMap.Keys) tagKeys.Add(new Tag { Name = key });
        var tw = new TabWriter();
        var sb = new StringBuilder();
        foreach (var tagKey in Graph.SortTags(tagKeys, true))
        {
            string key = tagKey.Name;
            long total = 0;
            var values = tagMap[key];
            var tags = new List<Tag>(values.Count);
            foreach (var kv in values)
            {
                total += kv.Value;
                tags.Add(new Tag { Name = kv.Key, Flat = kv.Value });
            }
            var (f, u) = Measurement.Scale(total, o.SampleUnit, rpt.OutputUnit);
            sb.Append(key).Append(":\t Total ").Append(GoFormat.Fixed(f, 1)).Append(u).Append('\n');
            foreach (var t in Graph.SortTags(tags, true))
            {
                var (tf, tu) = Measurement.Scale(t.FlatValue(), o.SampleUnit, rpt.OutputUnit);
                sb.Append(" \t").Append(GoFormat.Fixed(tf, 1)).Append(tu);
                if (total > 0) sb.Append(" (").Append(Measurement.Percentage(t.FlatValue(), total)).Append(')');
                sb.Append(":\t ").Append(t.Name).Append('\n');
            }
            sb.Append('\n');
        }
        tw.Write(sb.ToString());
        tw.Flush(w);
    }

    private static void Add(Dictionary<string, Dictionary<string, long>> tagMap, string key, string value, long weight)
    {
        if (!tagMap.TryGetValue(key, out var values))
        {
            values = new Dictionary<string, long>(StringComparer.Ordinal);
            tagMap[key] = values;
        }
        values.TryGetValue(value, out long current);
        values[value] = current + weight;
    }
}
