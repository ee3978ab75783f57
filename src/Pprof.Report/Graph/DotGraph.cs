using Pprof.Profiles.Go;
using System.Globalization;
using System.Text;

namespace Pprof.Report;

/// <summary>Writes a <see cref="Graph"/> in Graphviz DOT format, exactly as pprof's <c>ComposeDot</c> does: a legend
/// box, one box per node sized by flat value and coloured by cumulative value, tag boxes ("nodelets"), and edges
/// weighted and coloured by their share of the total.</summary>
public static class DotGraph
{
    /// <summary>Writes <paramref name="graph"/> to <paramref name="writer"/> as DOT.</summary>
    public static void Compose(TextWriter writer, Graph graph, DotAttributes attributes, DotConfig config)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(config);
        var b = new Builder(writer, attributes, config);
        b.Start();
        b.AddLegend();
        var nodes = graph.Nodes;
        if (nodes.Count != 0)
        {
            var ids = new Dictionary<Node, int>(nodes.Count, ReferenceEqualityComparer.Instance);
            var hasNodelets = new HashSet<Node>(ReferenceEqualityComparer.Instance);
            double maxFlat = Math.Abs(nodes[0].FlatValue());
            for (int i = 0; i < nodes.Count; i++)
            {
                ids[nodes[i]] = i + 1;
                double f = Math.Abs(nodes[i].FlatValue());
                if (f > maxFlat) maxFlat = f;
            }
            var edges = new List<Edge>();
            foreach (var n in nodes)
            {
                int id = ids[n];
                b.AddNode(n, id, maxFlat);
                if (b.AddNodelets(n, id)) hasNodelets.Add(n);
                edges.AddRange(n.Out.Values);
            }
            EdgeMap.SortEdges(edges);
            foreach (var e in edges)
            {
                b.AddEdge(e, ids.GetValueOrDefault(e.Src), ids.GetValueOrDefault(e.Dest), hasNodelets.Contains(e.Src));
            }
        }
        b.Finish();
    }

    /// <summary>Escapes a string for a DOT label: backslashes and double quotes are escaped, and newlines become
    /// left-justified line breaks (<c>\l</c>).</summary>
    internal static string EscapeForDot(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\l", StringComparison.Ordinal);

    /// <summary>A node's name over several lines: the function name shortened and split at <c>::</c> and <c>.</c>,
    /// the file reduced to its base name; each component followed by a DOT line break.</summary>
    internal static string MultilinePrintableName(NodeInfo info)
    {
        string name = EscapeForDot(Graph.ShortenFunctionName(info.Name));
        name = name.Replace("::", "\\n", StringComparison.Ordinal);
        name = name.Replace("[...]", "[…]", StringComparison.Ordinal);
        name = name.Replace(".", "\\n", StringComparison.Ordinal);
        info.Name = name;
        if (info.File.Length != 0) info.File = GoPath.Base(info.File);
        return string.Join("\\n", info.NameComponents()) + "\\n";
    }

    /// <summary>A colour for a score in [-1, 1]: green for negative, grey near zero, red for positive; light for
    /// backgrounds, dark for foregrounds. Formatted <c>#rrggbb</c>.</summary>
    internal static string DotColor(double score, bool isBackground)
    {
        const double shift = 0.7;
        double saturation = isBackground ? 0.1 : 1.0;
        double value = isBackground ? 0.93 : 0.7;
        score = GoMax(-1.0, GoMin(1.0, score));
        if (Math.Abs(score) < 0.2) saturation *= Math.Abs(score) / 0.2;
        if (score > 0.0) score = GoPow(score, 1.0 - shift);
        if (score < 0.0) score = -GoPow(-score, 1.0 - shift);
        double r, g, bl;
        if (score < 0.0)
        {
            g = value;
            r = value * (1 + saturation * score);
        }
        else
        {
            r = value;
            g = value * (1 - saturation * score);
        }
        bl = value * (1 - saturation);
        return "#" + ToUint8(r * 255.0).ToString("x2", CultureInfo.InvariantCulture) + ToUint8(g * 255.0).ToString("x2", CultureInfo.InvariantCulture) +
            ToUint8(bl * 255.0).ToString("x2", CultureInfo.InvariantCulture);
    }

    /// <summary>Go's float64 to uint8 conversion on amd64 (through int64; NaN and out-of-range give the low byte of
    /// the "integer indefinite" value, 0).</summary>
    private static byte ToUint8(double v)
    {
        if (double.IsNaN(v) || v >= 9.2233720368547758E+18 || v < -9.2233720368547758E+18) return 0;
        return unchecked((byte)(long)v);
    }

    private static double GoMax(double x, double y)
    {
        if (double.IsPositiveInfinity(x) || double.IsPositiveInfinity(y)) return double.PositiveInfinity;
        if (double.IsNaN(x) || double.IsNaN(y)) return double.NaN;
        if (x == 0 && x == y) return double.IsNegative(x) ? y : x;
        return x > y ? x : y;
    }

    private static double GoMin(double x, double y)
    {
        if (double.IsNegativeInfinity(x) || double.IsNegativeInfinity(y)) return double.NegativeInfinity;
        if (double.IsNaN(x) || double.IsNaN(y)) return double.NaN;
        if (x == 0 && x == y) return double.IsNegative(x) ? x : y;
        return x < y ? x : y;
    }

    /// <summary>Go's <c>math.Pow</c> for a positive base and an exponent in (0, 0.5): <c>exp(y*log(x))</c>.</summary>
    private static double GoPow(double x, double y)
    {
        if (x == 1) return 1;
        if (x == 0) return 0;
        if (double.IsNaN(x)) return double.NaN;
        return Math.Exp(y * Math.Log(x));
    }

    private sealed class Builder
    {
        private readonly TextWriter _w;
        private readonly DotAttributes _attributes;
        private readonly DotConfig _config;

        public Builder(TextWriter w, DotAttributes attributes, DotConfig config)
        {
            _w = w;
            _attributes = attributes;
            _config = config;
        }

        public void Start()
        {
            string name = _config.Title.Length != 0 ? _config.Title : "unnamed";
            _w.Write("digraph \"" + name + "\" {\n");
            _w.Write("node [style=filled fillcolor=\"#f8f8f8\"]\n");
        }

        public void Finish() => _w.Write("}\n");

        public void AddLegend()
        {
            var labels = _config.Labels;
            if (labels.Count == 0) return;
            var sb = new StringBuilder();
            sb.Append("subgraph cluster_L { \"").Append(EscapeForDot(labels[0])).Append("\" [shape=box fontsize=16");
            sb.Append(" label=\"").AppendJoin("\\l", labels.Select(EscapeForDot)).Append("\\l\"");
            if (_config.LegendURL.Length != 0) sb.Append(" URL=\"").Append(_config.LegendURL).Append("\" target=\"_blank\"");
            if (_config.Title.Length != 0) sb.Append(" tooltip=\"").Append(_config.Title).Append('"');
            sb.Append("] }\n");
            _w.Write(sb.ToString());
        }

        public void AddNode(Node node, int nodeId, double maxFlat)
        {
            long flat = node.FlatValue(), cum = node.CumValue();
            _attributes.Nodes.TryGetValue(node, out var attrs);
            string label = attrs?.Formatter != null ? attrs.Formatter(node.Info) : MultilinePrintableName(node.Info);
            string flatValue = _config.FormatValue(flat);
            if (flat != 0) label += flatValue + " (" + Measurement.Percentage(flat, _config.Total).Trim() + ")";
            else label += "0";
            string cumValue = flatValue;
            if (cum != flat)
            {
                label += flat != 0 ? "\\n" : " ";
                cumValue = _config.FormatValue(cum);
                label += "of " + cumValue + " (" + Measurement.Percentage(cum, _config.Total).Trim() + ")";
            }
            int fontSize = 8;
            if (maxFlat != 0 && flat != 0 && Math.Abs(flat) <= maxFlat)
                fontSize += (int)Math.Ceiling(16.0 * Math.Sqrt(Math.Abs(flat) / maxFlat));
            string shape = attrs != null && attrs.Shape.Length != 0 ? attrs.Shape : "box";
            double score = (double)node.CumValue() / Math.Abs(_config.Total);
            var sb = new StringBuilder();
            sb.Append('N').Append(nodeId.ToString(CultureInfo.InvariantCulture)).Append(" [");
            sb.Append("label=\"").Append(label).Append("\" id=\"node").Append(nodeId.ToString(CultureInfo.InvariantCulture));
            sb.Append("\" fontsize=").Append(fontSize.ToString(CultureInfo.InvariantCulture)).Append(" shape=").Append(shape);
            sb.Append(" tooltip=\"").Append(EscapeForDot(node.Info.PrintableName())).Append(" (").Append(cumValue).Append(")\"");
            sb.Append(" color=\"").Append(DotColor(score, false)).Append("\" fillcolor=\"").Append(DotColor(score, true)).Append('"');
            if (attrs != null)
            {
                if (attrs.Bold) sb.Append(" style=\"bold,filled\"");
                if (attrs.Peripheries != 0) sb.Append(" peripheries=").Append(attrs.Peripheries.ToString(CultureInfo.InvariantCulture));
                if (attrs.URL.Length != 0) sb.Append(" URL=\"").Append(attrs.URL).Append("\" target=\"_blank\"");
            }
            sb.Append("]\n");
            _w.Write(sb.ToString());
        }

        public bool AddNodelets(Node node, int nodeId)
        {
            var sb = new StringBuilder();
            var ts = new List<Tag>(node.LabelTags.Values);
            var lnts = new Dictionary<string, List<Tag>>(StringComparer.Ordinal);
            foreach (var (l, tm) in node.NumericTags)
            {
                foreach (var t in tm.Values)
                {
                    if (!lnts.TryGetValue(l, out var list)) lnts[l] = list = new List<Tag>();
                    list.Add(t);
                }
            }
            bool flatTags = node.Out.Count > 0;
            Graph.SortTags(ts, flatTags);
            if (ts.Count > Graph.MaxNodelets) ts.RemoveRange(Graph.MaxNodelets, ts.Count - Graph.MaxNodelets);
            string id = nodeId.ToString(CultureInfo.InvariantCulture);
            for (int i = 0; i < ts.Count; i++)
            {
                var t = ts[i];
                long w = flatTags ? t.FlatValue() : t.CumValue();
                if (w == 0) continue;
                string weight = _config.FormatValue(w);
                string idx = i.ToString(CultureInfo.InvariantCulture);
                sb.Append('N').Append(id).Append('_').Append(idx).Append(" [label = \"").Append(t.Name).Append("\" id=\"N").Append(id).Append('_').Append(idx)
                    .Append("\" fontsize=8 shape=box3d tooltip=\"").Append(weight).Append("\"]\n");
                sb.Append('N').Append(id).Append(" -> N").Append(id).Append('_').Append(idx).Append(" [label=\" ").Append(weight)
                    .Append("\" weight=100 tooltip=\"").Append(weight).Append("\" labeltooltip=\"").Append(weight).Append("\"]\n");
                if (lnts.TryGetValue(t.Name, out var nts)) NumericNodelets(sb, nts, Graph.MaxNodelets, flatTags, "N" + id + "_" + idx);
            }
            if (lnts.TryGetValue("", out var unlabelled)) NumericNodelets(sb, unlabelled, Graph.MaxNodelets, flatTags, "N" + id);
            _w.Write(sb.ToString());
            return sb.Length != 0;
        }

        private void NumericNodelets(StringBuilder sb, List<Tag> nts, int maxNumNodelets, bool flatTags, string source)
        {
            var collapsed = CollapsedTags(nts, maxNumNodelets, flatTags);
            for (int j = 0; j < collapsed.Count; j++)
            {
                var t = collapsed[j];
                long w = t.CumValue();
                string attr = " style=\"dotted\"";
                if (flatTags || t.FlatValue() == t.CumValue())
                {
                    w = t.FlatValue();
                    attr = "";
                }
                if (w == 0) continue;
                string weight = _config.FormatValue(w);
                string idx = j.ToString(CultureInfo.InvariantCulture);
                sb.Append('N').Append(source).Append('_').Append(idx).Append(" [label = \"").Append(t.Name).Append("\" id=\"N").Append(source).Append('_').Append(idx)
                    .Append("\" fontsize=8 shape=box3d tooltip=\"").Append(weight).Append("\"]\n");
                sb.Append(source).Append(" -> N").Append(source).Append('_').Append(idx).Append(" [label=\" ").Append(weight)
                    .Append("\" weight=100 tooltip=\"").Append(weight).Append("\" labeltooltip=\"").Append(weight).Append('"').Append(attr).Append("]\n");
            }
        }

        private static List<Tag> CollapsedTags(List<Tag> ts, int count, bool flatTags)
        {
            ts = Graph.SortTags(ts, flatTags);
            if (ts.Count <= count) return ts;
            var groups = new List<Tag>[count];
            for (int i = 0; i < count; i++) groups[i] = new List<Tag> { ts[i] };
            for (int k = count; k < ts.Count; k++)
            {
                var t = ts[k];
                int g = 0;
                double d = TagDistance(t, groups[0][0]);
                for (int i = 1; i < count; i++)
                {
                    double nd = TagDistance(t, groups[i][0]);
                    if (nd < d)
                    {
                        g = i;
                        d = nd;
                    }
                }
                groups[g].Add(t);
            }
            var nts = new List<Tag>(count);
            foreach (var g in groups)
            {
                var (label, flat, cum) = TagGroupLabel(g);
                nts.Add(new Tag { Name = label, Flat = flat, Cum = cum });
            }
            return Graph.SortTags(nts, flatTags);
        }

        private static double TagDistance(Tag t, Tag u)
        {
            double v = Measurement.Scale(u.Value, u.Unit, t.Unit).Value;
            return v < t.Value ? t.Value - v : v - t.Value;
        }

        private static (string Label, long Flat, long Cum) TagGroupLabel(List<Tag> g)
        {
            if (g.Count == 1)
            {
                var t = g[0];
                return (Measurement.Label(t.Value, t.Unit), t.FlatValue(), t.CumValue());
            }
            Tag min = g[0], max = g[0];
            long df = min.FlatDiv, f = min.Flat, dc = min.CumDiv, c = min.Cum;
            for (int i = 1; i < g.Count; i++)
            {
                var t = g[i];
                if ((long)Measurement.Scale(t.Value, t.Unit, min.Unit).Value < min.Value) min = t;
                if ((long)Measurement.Scale(t.Value, t.Unit, max.Unit).Value > max.Value) max = t;
                f += t.Flat;
                df += t.FlatDiv;
                c += t.Cum;
                dc += t.CumDiv;
            }
            if (df != 0) f /= df;
            if (dc != 0) c /= dc;
            return (Measurement.Label(min.Value, min.Unit) + ".." + Measurement.Label(max.Value, max.Unit), f, c);
        }

        public void AddEdge(Edge edge, int from, int to, bool hasNodelets)
        {
            string inline = edge.Inline ? "\\n (inline)" : "";
            long wv = edge.WeightValue();
            string w = _config.FormatValue(wv);
            var sb = new StringBuilder();
            sb.Append("label=\" ").Append(w).Append(inline).Append('"');
            long total = _config.Total;
            if (total != 0)
            {
                int weight = 1 + (int)Math.Min(Math.Abs(wv * 100 / total), 100);
                if (weight > 1) sb.Append(" weight=").Append(weight.ToString(CultureInfo.InvariantCulture));
                int width = 1 + (int)Math.Min(Math.Abs(wv * 5 / total), 5);
                if (width > 1) sb.Append(" penwidth=").Append(width.ToString(CultureInfo.InvariantCulture));
                sb.Append(" color=\"").Append(DotColor((double)wv / Math.Abs(total), false)).Append('"');
            }
            string arrow = edge.Residual ? "..." : "->";
            string tooltip = "\"" + EscapeForDot(edge.Src.Info.PrintableName()) + " " + arrow + " " + EscapeForDot(edge.Dest.Info.PrintableName()) + " (" + w + ")\"";
            sb.Append(" tooltip=").Append(tooltip).Append(" labeltooltip=").Append(tooltip);
            if (edge.Residual) sb.Append(" style=\"dotted\"");
            if (hasNodelets) sb.Append(" minlen=2");
            _w.Write("N" + from.ToString(CultureInfo.InvariantCulture) + " -> N" + to.ToString(CultureInfo.InvariantCulture) + " [" + sb + "]\n");
        }
    }
}
