using Pprof.Profiles.Go;
using System.Text;
using System.Text.RegularExpressions;
using Pprof.Profiles;

namespace Pprof.Report;

/// <summary>A call graph (or call tree) summarising a profile: nodes with flat and cumulative values, connected by
/// weighted caller-to-callee edges. Mirrors pprof's <c>internal/graph</c>.</summary>
public sealed class Graph
{
    /// <summary>Number of tag boxes ("nodelets") drawn per node in visual graphs.</summary>
    internal const int MaxNodelets = 4;

    private const string W = "[0-9A-Za-z_]";
    private static readonly Regex s_javaRegex = new(@"^(?:[a-z]" + W + @"*\.)*([A-Z][0-9A-Za-z_$]*\.(?:<init>|[a-z][0-9A-Za-z_$]*(?:\$[0-9]+)?))(?:\(|\z)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    private static readonly Regex s_goRegex = new(@"^(?:[0-9A-Za-z_\-.]+/)+(.+)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    private static readonly Regex s_goVersionRegex = new(@"^(.*?)/v(?:[2-9]|[1-9][0-9]+)([./].*)\z", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    private static readonly Regex s_cppRegex = new(@"^(?:[_a-zA-Z]" + W + @"*::)+(_*[A-Z]" + W + @"*::~?[_a-zA-Z]" + W + @"*(?:<.*>)?)", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
    private static readonly Regex s_cppAnonymousPrefixRegex = new(@"^\(anonymous namespace\)::", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);

    /// <summary>Creates a graph holding <paramref name="nodes"/>.</summary>
    public Graph(Nodes nodes) => Nodes = nodes;

    /// <summary>The nodes of the graph.</summary>
    public Nodes Nodes { get; set; }

    /// <summary>Summarises <paramref name="profile"/> into a call graph, or a call tree when
    /// <see cref="GraphOptions.CallTree"/> is set. The profile is expected to be aggregated at the wanted granularity
    /// already. Nodes whose flat and cumulative values are both zero are left out.</summary>
    public static Graph New(Profile profile, GraphOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        return options.CallTree ? NewTree(profile, options) : NewGraph(profile, options);
    }

    private static Graph NewGraph(Profile prof, GraphOptions o)
    {
        var (nodes, locations) = new NodeBuilder(prof, o).BuildIndexes();
        var acc = new GraphAccumulator(nodes, edges: !o.NodesOnly, tags: !o.NodesOnly && !o.NoTags);
        acc.AddSamples(prof, locations, o);
        acc.Finish();
        return SelectNodesForGraph(nodes, o.DropNegative);
    }

    private static Graph NewTree(Profile prof, GraphOptions o)
    {
        var builder = new NodeBuilder(prof, o);
        var infos = builder.BuildInfoIds();
        var children = new Dictionary<(Node? Parent, int Info), Node>();
        var nodes = new Nodes();
        var format = o.FormatTag;
        foreach (var sample in prof.Samples)
        {
            long w = o.SampleValue(sample.Values);
            long dw = o.SampleMeanDivisor != null ? o.SampleMeanDivisor(sample.Values) : 0;
            if (dw == 0 && w == 0) continue;
            Node? parent = null;
            string labels = JoinLabels(sample);
            var numLabels = sample.NumLabels is { Count: > 0 } nl ? nl : null;
            var stack = sample.Locations;
            for (int i = stack.Length - 1; i >= 0; i--)
            {
                var lineInfos = infos.GetOrDefault(stack[i].Id);
                if (lineInfos == null) continue;
                for (int lidx = lineInfos.Length - 1; lidx >= 0; lidx--)
                {
                    int id = lineInfos[lidx];
                    if (id < 0) continue;
                    if (!children.TryGetValue((parent, id), out var n))
                    {
                        n = new Node { Info = builder.InfoOf(id) };
                        children[(parent, id)] = n;
                        nodes.Add(n);
                        var info = n.Info;
                        if (info.Address != 0 || info.Lineno != 0)
                        {
                            info.Address = 0;
                            info.Lineno = 0;
                            int fid = builder.IdOf(info);
                            if (!children.TryGetValue((parent, fid), out var fn))
                            {
                                fn = new Node { Info = info };
                                children[(parent, fid)] = fn;
                                nodes.Add(fn);
                            }
                            n.Function = fn;
                        }
                    }
                    n.AddSample(dw, w, labels, numLabels, sample.NumUnits, format, false);
                    parent?.AddToEdgeDiv(n, dw, w, false, lidx != lineInfos.Length - 1);
                    parent = n;
                }
            }
            parent?.AddSample(dw, w, labels, numLabels, sample.NumUnits, format, true);
        }
        return SelectNodesForGraph(nodes, o.DropNegative);
    }

    private static Graph SelectNodesForGraph(Nodes nodes, bool dropNegative)
    {
        var kept = new Nodes(nodes.Count);
        foreach (var n in nodes)
        {
            if (n.Cum == 0 && n.Flat == 0) continue;
            if (dropNegative && IsNegative(n)) continue;
            kept.Add(n);
        }
        return new Graph(kept);
    }

    private static bool IsNegative(Node n) => n.Flat < 0 || (n.Flat == 0 && n.Cum < 0);

    /// <summary>Creates the nodes for every location of <paramref name="profile"/> (one per line of a location,
    /// innermost first) without adding any sample values. Returns all nodes and, per location id, its nodes; an entry
    /// is null when <see cref="GraphOptions.KeptNodes"/> excludes it.</summary>
    public static (Nodes Nodes, Dictionary<ulong, Node?[]> Locations) CreateNodes(Profile profile, GraphOptions options)
    {
        var (nodes, locations) = new NodeBuilder(profile, options).Build();
        var byId = new Dictionary<ulong, Node?[]>(profile.Locations.Count);
        foreach (var l in profile.Locations) byId[l.Id] = locations.GetOrDefault(l.Id)!;
        return (nodes, byId);
    }

    /// <summary>Shortens a function name for display: drops Go package paths (and module versions), Java packages and
    /// argument lists, and C++ namespaces.</summary>
    public static string ShortenFunctionName(string name)
    {
        name = s_cppAnonymousPrefixRegex.Replace(name, "");
        name = s_goVersionRegex.Replace(name, "$1$2");
        foreach (var re in new[] { s_goRegex, s_javaRegex, s_cppRegex })
        {
            var m = re.Match(name);
            if (m.Success)
            {
                var sb = new StringBuilder();
                for (int g = 1; g < m.Groups.Count; g++) sb.Append(m.Groups[g].Value);
                return sb.ToString();
            }
        }
        return name;
    }

    /// <summary>Trims a call tree (every node has at most one caller) to the nodes in <paramref name="kept"/>; the
    /// children of a removed node are reattached to its caller with residual edges.</summary>
    public void TrimTree(NodePtrSet kept)
    {
        var oldNodes = Nodes;
        Nodes = new Nodes(kept.Count);
        foreach (var cur in oldNodes)
        {
            if (cur.In.Count > 1) throw new InvalidOperationException("TrimTree only works on trees");
            if (kept.Contains(cur))
            {
                Nodes.Add(cur);
                continue;
            }
            if (cur.In.Count == 0)
            {
                foreach (var outEdge in cur.Out.Values) outEdge.Dest.In.Remove(cur);
                continue;
            }
            Node parent = cur.In.Values.First().Src;
            bool parentEdgeInline = parent.Out[cur].Inline;
            parent.Out.Remove(cur);
            foreach (var outEdge in cur.Out.Values)
            {
                var child = outEdge.Dest;
                child.In.Remove(cur);
                child.In[parent] = outEdge;
                parent.Out[child] = outEdge;
                outEdge.Src = parent;
                outEdge.Residual = true;
                outEdge.Inline = parentEdgeInline && outEdge.Inline;
            }
        }
        RemoveRedundantEdges();
    }

    /// <summary>Joins a sample's string labels as <c>key:value</c> pairs, sorted, separated by a literal <c>\n</c>.</summary>
    internal static string JoinLabels(Sample s) => s.Labels == null || s.Labels.Count == 0 ? "" : JoinLabels(s.Labels);

    /// <summary>Joins string labels as sorted <c>key:value</c> pairs separated by a literal <c>\n</c>.</summary>
    internal static string JoinLabels(Dictionary<string, string[]> sampleLabels)
    {
        var labels = new List<string>();
        foreach (var (key, values) in sampleLabels)
        {
            foreach (var v in values) labels.Add(key + ":" + v);
        }
        GoSort.SortStrings(labels);
        return string.Join("\\n", labels);
    }

    /// <summary>The identities of the nodes whose absolute cumulative value is at least <paramref name="nodeCutoff"/>.</summary>
    public NodeSet DiscardLowFrequencyNodes(long nodeCutoff) => MakeNodeSet(Nodes, nodeCutoff);

    /// <summary>The nodes whose absolute cumulative value is at least <paramref name="nodeCutoff"/>.</summary>
    public NodePtrSet DiscardLowFrequencyNodePtrs(long nodeCutoff)
    {
        var kept = new NodePtrSet();
        foreach (var n in Nodes)
        {
            if (Math.Abs(n.Cum) >= nodeCutoff) kept.Add(n);
        }
        return kept;
    }

    private static NodeSet MakeNodeSet(IEnumerable<Node> nodes, long nodeCutoff)
    {
        var kept = new NodeSet();
        foreach (var n in nodes)
        {
            if (Math.Abs(n.Cum) >= nodeCutoff) kept.Add(n.Info);
        }
        return kept;
    }

    /// <summary>Removes tags whose absolute flat and cumulative weights are both below <paramref name="tagCutoff"/>.</summary>
    public void TrimLowFrequencyTags(long tagCutoff)
    {
        foreach (var n in Nodes)
        {
            n.LabelTags = TrimLowFrequencyTags(n.LabelTags, tagCutoff);
            foreach (var key in n.NumericTags.Keys.ToList()) n.NumericTags[key] = TrimLowFrequencyTags(n.NumericTags[key], tagCutoff);
        }
    }

    private static TagMap TrimLowFrequencyTags(TagMap tags, long minValue)
    {
        var kept = new TagMap();
        foreach (var (name, t) in tags)
        {
            if (Math.Abs(t.Flat) >= minValue || Math.Abs(t.Cum) >= minValue) kept[name] = t;
        }
        return kept;
    }

    /// <summary>Removes edges whose absolute weight is below <paramref name="edgeCutoff"/> from the incoming edges
    /// of the graph's nodes (and from their callers' outgoing edges); returns how many were removed.</summary>
    public int TrimLowFrequencyEdges(long edgeCutoff)
    {
        int dropped = 0;
        var sources = new List<Node>();
        foreach (var n in Nodes)
        {
            dropped += n.In.RemoveWhere(e =>
            {
                if (Math.Abs(e.Weight) >= edgeCutoff) return false;
                if (!e.Trimmed) sources.Add(e.Src);
                e.Trimmed = true;
                return true;
            });
        }
        foreach (var src in sources) src.Out.RemoveWhere(static e => e.Trimmed);
        return dropped;
    }

    /// <summary>Sorts the nodes: by entropy in visual mode, else by cumulative or flat value.</summary>
    public void SortNodes(bool cum, bool visualMode)
    {
        if (visualMode) Nodes.Sort(NodeOrder.EntropyOrder);
        else if (cum) Nodes.Sort(NodeOrder.CumNameOrder);
        else Nodes.Sort(NodeOrder.FlatNameOrder);
    }

    /// <summary>The first <paramref name="maxNodes"/> nodes (the graph is expected to be sorted already).</summary>
    public NodePtrSet SelectTopNodePtrs(int maxNodes, bool visualMode)
    {
        var set = new NodePtrSet();
        foreach (var n in SelectTopNodesList(maxNodes, visualMode)) set.Add(n);
        return set;
    }

    /// <summary>The identities of the first <paramref name="maxNodes"/> nodes; in visual mode each node's tag boxes
    /// count against the limit too.</summary>
    public NodeSet SelectTopNodes(int maxNodes, bool visualMode) => MakeNodeSet(SelectTopNodesList(maxNodes, visualMode), 0);

    private IEnumerable<Node> SelectTopNodesList(int maxNodes, bool visualMode)
    {
        if (maxNodes > 0 && visualMode)
        {
            int count = 0;
            for (int i = 0; i < Nodes.Count; i++)
            {
                int tags = Math.Min(CountTags(Nodes[i]), MaxNodelets);
                count += tags + 1;
                if (count >= maxNodes)
                {
                    maxNodes = i + 1;
                    break;
                }
            }
        }
        if (maxNodes > Nodes.Count) maxNodes = Nodes.Count;
        if (maxNodes < 0) throw new ArgumentOutOfRangeException(nameof(maxNodes), "slice bounds out of range");
        return Nodes.GetRange(0, maxNodes);
    }

    private static int CountTags(Node n)
    {
        int count = 0;
        foreach (var t in n.LabelTags.Values)
        {
            if (t.Flat != 0) count++;
        }
        foreach (var tm in n.NumericTags.Values)
        {
            foreach (var t in tm.Values)
            {
                if (t.Flat != 0) count++;
            }
        }
        return count;
    }

    /// <summary>Removes residual edges whose destination is reachable from their source through other edges,
    /// lightest first, never removing an edge heavier than a non-residual edge into the same node.</summary>
    public void RemoveRedundantEdges()
    {
        for (int i = Nodes.Count; i > 0; i--)
        {
            var n = Nodes[i - 1];
            var incoming = n.In.Sort();
            for (int j = incoming.Count; j > 0; j--)
            {
                var e = incoming[j - 1];
                if (!e.Residual) break;
                if (IsRedundantEdge(e))
                {
                    e.Src.Out.Remove(e.Dest);
                    e.Dest.In.Remove(e.Src);
                }
            }
        }
    }

    private static bool IsRedundantEdge(Edge e)
    {
        var src = e.Src;
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance) { e.Dest };
        var queue = new Queue<Node>();
        queue.Enqueue(e.Dest);
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            foreach (var ie in n.In.Values)
            {
                if (ReferenceEquals(e, ie) || seen.Contains(ie.Src)) continue;
                if (ReferenceEquals(ie.Src, src)) return true;
                seen.Add(ie.Src);
                queue.Enqueue(ie.Src);
            }
        }
        return false;
    }

    /// <summary>Sorts tags by decreasing absolute weight (cumulative first unless <paramref name="flat"/>), then by
    /// name; returns the same list.</summary>
    public static List<Tag> SortTags(List<Tag> tags, bool flat)
    {
        GoSort.Sort(tags, flat ? s_flatTagLess : s_cumTagLess);
        return tags;
    }

    private static readonly Func<Tag, Tag, bool> s_flatTagLess = static (a, b) =>
    {
        if (a.Flat != b.Flat) return Math.Abs(a.Flat) > Math.Abs(b.Flat);
        return GoSort.CompareStrings(a.Name, b.Name) < 0;
    };

    private static readonly Func<Tag, Tag, bool> s_cumTagLess = static (a, b) =>
    {
        if (a.Cum != b.Cum) return Math.Abs(a.Cum) > Math.Abs(b.Cum);
        return s_flatTagLess(a, b);
    };

    /// <summary>A text form of the graph for debugging: one line per node with its edges' node indexes.</summary>
    public override string ToString()
    {
        var index = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Nodes.Count; i++) index[Nodes[i]] = i + 1;
        var sb = new StringBuilder();
        for (int i = 0; i < Nodes.Count; i++)
        {
            var n = Nodes[i];
            if (i > 0) sb.Append('\n');
            sb.Append(i + 1).Append(": ").Append(n.Info.PrintableName()).Append("[flat=").Append(n.Flat).Append(" cum=").Append(n.Cum).Append("] ");
            sb.Append('[').AppendJoin(' ', n.In.Values.Select(e => index.GetValueOrDefault(e.Src).ToString("x"))).Append("] -> ");
            sb.Append('[').AppendJoin(' ', n.Out.Values.Select(e => index.GetValueOrDefault(e.Dest))).Append("] ");
        }
        return sb.ToString();
    }
}
