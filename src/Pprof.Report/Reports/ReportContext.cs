using Pprof.Profiles;

namespace Pprof.Report.Reports;

/// <summary>
/// One report being generated: the profile, the options, the total every percentage is relative to, and the
/// output unit (resolved from <c>minimum</c> once the graph is known). Mirrors pprof's <c>report.Report</c>.
/// </summary>
internal sealed class ReportContext
{
    private const string DiffBaseLabel = "pprof::base";

    internal ReportContext(Profile profile, ReportOptions options, long total)
    {
        Profile = profile;
        Options = options;
        Total = total;
        OutputUnit = options.OutputUnit;
        NodeCount = options.NodeCount;
        NodeFraction = options.NodeFraction;
        EdgeFraction = options.EdgeFraction;
    }

    internal Profile Profile { get; }

    internal ReportOptions Options { get; }

    /// <summary>Sum of the absolute sample values (the diff base's when present), divided for <c>-mean</c>.</summary>
    internal long Total { get; }

    /// <summary>The unit values are shown in; starts as the requested unit, replaced by <see cref="SelectOutputUnit"/>.</summary>
    internal string OutputUnit { get; set; }

    internal int NodeCount { get; set; }

    internal double NodeFraction { get; set; }

    internal double EdgeFraction { get; set; }

    private ReportFormat Format => Options.OutputFormat;

    /// <summary>Formats a value in the report's units, after applying the <c>-divide_by</c> ratio.</summary>
    internal string FormatValue(long v)
    {
        double r = Options.Ratio;
        if (r > 0 && r != 1) v = (long)(v * r);
        return Measurement.ScaledLabel(v, Options.SampleUnit, OutputUnit);
    }

    /// <summary>Formats a value, or "." for zero (annotated listings).</summary>
    internal string ValueOrDot(long v) => v == 0 ? "." : FormatValue(v);

    /// <summary>pprof's report total: the sum of absolute sample values, restricted to the diff-base samples when
    /// the profile has any, divided by the sum of mean divisors when one is given.</summary>
    internal static long ComputeTotal(Profile profile, Func<long[], long> value, Func<long[], long>? meanDivisor)
    {
        long div = 0, total = 0, diffDiv = 0, diffTotal = 0;
        foreach (var s in profile.Samples)
        {
            long v = value(s.Values);
            long d = meanDivisor != null ? meanDivisor(s.Values) : 0;
            if (v < 0) v = -v;
            total += v;
            div += d;
            if (s.Labels != null && s.HasLabel(DiffBaseLabel, "true"))
            {
                diffTotal += v;
                diffDiv += d;
            }
        }
        if (diffTotal > 0)
        {
            total = diffTotal;
            div = diffDiv;
        }
        return div != 0 ? total / div : total;
    }

    /// <summary>Builds the report's graph; with <paramref name="kept"/>, only nodes in that set are included.
    /// Like pprof, this cleans function file names, keeps only the <c>bytes</c> numeric label and removes the
    /// diff-base marker label, in the profile itself. With <paramref name="nodesOnly"/>, only the nodes' values are
    /// computed (no edges, no tags): enough to choose the nodes of the graph to build next.</summary>
    internal Graph NewGraph(NodeSet? kept, bool nodesOnly = false)
    {
        var o = Options;
        foreach (var f in Profile.Functions)
        {
            f.Filename = SourceReader.TrimPath(f.Filename, o.TrimPath, o.SourcePath);
        }
        if (!_labelsCleaned)
        {
            // Cleaning the labels is idempotent: one pass over the samples is enough for the graphs of one report.
            foreach (var s in Profile.Samples)
            {
                if (s.NumLabels != null) KeepBytesLabelOnly(s, o);
                if (s.Labels != null) s.DeleteLabel(DiffBaseLabel);
            }
            _labelsCleaned = true;
        }

        return Graph.New(Profile, GraphOptionsFor(kept, nodesOnly));
    }

    /// <summary>The options <see cref="NewGraph"/> builds its graph with.</summary>
    private GraphOptions GraphOptionsFor(NodeSet? kept, bool nodesOnly)
    {
        var o = Options;
        var gopt = new GraphOptions
        {
            SampleValue = o.SampleValue,
            SampleMeanDivisor = o.SampleMeanDivisor,
            FormatTag = (v, key) => Measurement.ScaledLabel(v, key, OutputUnit),
            CallTree = UsesCallTree,
            DropNegative = o.DropNegative,
            KeptNodes = kept,
            NodesOnly = nodesOnly && !UsesCallTree,
            // Only the dot graph shows tags (and counts them when choosing nodes).
            NoTags = Format != ReportFormat.Dot,
        };
        switch (Format)
        {
            case ReportFormat.Raw:
            case ReportFormat.List:
            case ReportFormat.WebList:
            case ReportFormat.Dis:
            case ReportFormat.Callgrind:
                gopt.ObjNames = true;
                break;
        }
        return gopt;
    }

    private bool _labelsCleaned;

    private static void KeepBytesLabelOnly(Sample s, ReportOptions o)
    {
        var numLabels = s.NumLabels!;
        if (numLabels.TryGetValue("bytes", out var values))
        {
            string unit = o.NumLabelUnits.TryGetValue("bytes", out var u) ? u : "";
            var units = new string[values.Length];
            Array.Fill(units, unit);
            s.NumLabels = new Dictionary<string, long[]>(1, StringComparer.Ordinal) { ["bytes"] = (long[])values.Clone() };
            s.NumUnits = new Dictionary<string, string[]>(1, StringComparer.Ordinal) { ["bytes"] = units };
        }
        else
        {
            s.NumLabels = null;
            s.NumUnits = null;
        }
    }

    /// <summary>The call-tree option only applies to visual reports (dot) and callgrind.</summary>
    private bool UsesCallTree => Options.CallTree && (Format == ReportFormat.Dot || Format == ReportFormat.Callgrind);

    /// <summary>Builds the graph and trims it by the node fraction, node count and edge fraction, as pprof's
    /// <c>newTrimmedGraph</c> does (rebuilding from the samples after each refinement).</summary>
    internal TrimmedGraph NewTrimmedGraph()
    {
        bool visualMode = Format == ReportFormat.Dot;
        bool cumSort = Options.CumSort;
        bool callTree = UsesCallTree;
        int droppedNodes = 0;

        // When a node fraction will probably drop nodes, the first graph only serves to choose them: build it without
        // edges and tags (a node's flat and cum do not depend on which other nodes exist), then build the real graph
        // of the kept nodes. Should nothing be dropped after all, the complete graph is built then.
        // A text report shows node values and, from the edges, only the "(inline)" mark. Its graphs are the first
        // graph's nodes (the kept ones, values and order unchanged) instead of graphs built again from every sample;
        // the incoming edges of inlined nodes, the only ones a mark depends on, are added at the end.
        bool valuesOnly = Format == ReportFormat.Text && !callTree && !Options.CompleteGraphs;
        NodeSet? finalKept = null;
        bool firstNodesOnly = !callTree && (NodeFraction != 0 || valuesOnly);
        var g = NewGraph(null, firstNodesOnly);
        long totalValue = g.Nodes.Sum().Flat;
        long nodeCutoff = Math.Abs((long)(totalValue * NodeFraction));
        long edgeCutoff = Math.Abs((long)(totalValue * EdgeFraction));

        if (nodeCutoff > 0)
        {
            if (callTree)
            {
                var keptPtrs = g.DiscardLowFrequencyNodePtrs(nodeCutoff);
                if (g.Nodes.Count != keptPtrs.Count)
                {
                    droppedNodes = g.Nodes.Count - keptPtrs.Count;
                    g.TrimTree(keptPtrs);
                }
            }
            else
            {
                var kept = g.DiscardLowFrequencyNodes(nodeCutoff);
                if (g.Nodes.Count != kept.Count)
                {
                    droppedNodes = g.Nodes.Count - kept.Count;
                    g = valuesOnly ? KeepNodes(g, kept) : NewGraph(kept);
                    finalKept = kept;
                    firstNodesOnly = false;
                }
            }
        }
        if (firstNodesOnly && !valuesOnly) g = NewGraph(null);
        int origCount = g.Nodes.Count;

        g.SortNodes(cumSort, visualMode);
        if (NodeCount > 0)
        {
            g.TrimLowFrequencyTags(nodeCutoff);
            g.TrimLowFrequencyEdges(edgeCutoff);
            if (callTree)
            {
                var keptPtrs = g.SelectTopNodePtrs(NodeCount, visualMode);
                if (g.Nodes.Count != keptPtrs.Count)
                {
                    g.TrimTree(keptPtrs);
                    g.SortNodes(cumSort, visualMode);
                }
            }
            else
            {
                var kept = g.SelectTopNodes(NodeCount, visualMode);
                if (g.Nodes.Count != kept.Count)
                {
                    g = valuesOnly ? KeepNodes(g, kept) : NewGraph(kept);
                    finalKept = kept;
                    g.SortNodes(cumSort, visualMode);
                }
            }
        }

        if (valuesOnly && HasInlinedFrames(Profile)) InlineEdges.Add(Profile, GraphOptionsFor(finalKept, nodesOnly: false), g);
        g.TrimLowFrequencyTags(nodeCutoff);
        int droppedEdges = g.TrimLowFrequencyEdges(edgeCutoff);
        if (visualMode) g.RemoveRedundantEdges();
        return new TrimmedGraph(g, origCount, droppedNodes, droppedEdges);
    }

    /// <summary>Whether some location has more than one line (inlined calls), the only source of inline edges.</summary>
    private static bool HasInlinedFrames(Profile p)
    {
        foreach (var l in p.Locations)
        {
            if (l.Lines.Length > 1) return true;
        }
        return false;
    }

    /// <summary>The nodes of <paramref name="g"/> that are in <paramref name="kept"/>, in their order: the graph of the
    /// kept nodes when only node values matter (a node's flat and cum do not depend on which other nodes exist).</summary>
    private static Graph KeepNodes(Graph g, NodeSet kept)
    {
        var nodes = new Nodes(kept.Count);
        foreach (var n in g.Nodes)
        {
            if (kept.Contains(n.Info)) nodes.Add(n);
        }
        return new Graph(nodes);
    }

    /// <summary>With output unit <c>minimum</c>, picks the unit for the report from the smallest non-zero node value
    /// and the total, as pprof does.</summary>
    internal void SelectOutputUnit(Graph g)
    {
        if (OutputUnit != "minimum" || g.Nodes.Count == 0) return;
        long minValue = 0;
        foreach (var n in g.Nodes)
        {
            long nodeMin = Math.Abs(n.FlatValue());
            if (nodeMin == 0) nodeMin = Math.Abs(n.CumValue());
            if (nodeMin > 0 && (minValue == 0 || nodeMin < minValue)) minValue = nodeMin;
        }
        long maxValue = Total;
        if (minValue == 0) minValue = maxValue;
        double r = Options.Ratio;
        if (r > 0 && r != 1)
        {
            minValue = (long)(minValue * r);
            maxValue = (long)(maxValue * r);
        }
        string sampleUnit = Options.SampleUnit;
        string minUnit = Measurement.Scale(minValue, sampleUnit, "minimum").Unit;
        string maxUnit = Measurement.Scale(maxValue, sampleUnit, "minimum").Unit;
        string unit = minUnit;
        if (minUnit != maxUnit && minValue * 100 < maxValue && Format != ReportFormat.Callgrind)
        {
            unit = Measurement.Scale(100 * minValue, sampleUnit, "minimum").Unit;
        }
        OutputUnit = unit.Length != 0 ? unit : sampleUnit;
    }
}

/// <summary>A trimmed report graph with the counts its header reports.</summary>
internal readonly record struct TrimmedGraph(Graph Graph, int OrigCount, int DroppedNodes, int DroppedEdges);
