using Pprof.Profiles.Go;

namespace Pprof.Report;

/// <summary>An ordered collection of graph nodes.</summary>
public sealed class Nodes : List<Node>
{
    /// <summary>Creates an empty collection.</summary>
    public Nodes() { }

    /// <summary>Creates an empty collection with room for <paramref name="capacity"/> nodes.</summary>
    public Nodes(int capacity) : base(capacity) { }

    /// <summary>Creates a collection holding <paramref name="nodes"/>.</summary>
    public Nodes(IEnumerable<Node> nodes) : base(nodes) { }

    /// <summary>Sorts the nodes in place by <paramref name="order"/>, with pprof's tie-breaks and the same unstable
    /// algorithm, so the result matches pprof even for ties.</summary>
    public void Sort(NodeOrder order)
    {
        if (Count <= 1 && order is >= NodeOrder.FlatNameOrder and <= NodeOrder.EntropyOrder) return;
        var keys = new SortKey[Count];
        for (int i = 0; i < keys.Length; i++) keys[i] = new SortKey(this[i]);
        Func<SortKey, SortKey, bool> less;
        switch (order)
        {
            case NodeOrder.FlatNameOrder:
                foreach (var k in keys) k.Name = k.Node.Info.PrintableName();
                less = static (l, r) =>
                {
                    long a = Math.Abs(l.Node.Flat), b = Math.Abs(r.Node.Flat);
                    if (a != b) return a > b;
                    int c = GoSort.CompareStrings(l.Name, r.Name);
                    if (c != 0) return c < 0;
                    a = Math.Abs(l.Node.Cum);
                    b = Math.Abs(r.Node.Cum);
                    if (a != b) return a > b;
                    return CompareInfo(l, r);
                };
                break;
            case NodeOrder.FlatCumNameOrder:
                foreach (var k in keys) k.Name = k.Node.Info.PrintableName();
                less = static (l, r) =>
                {
                    long a = Math.Abs(l.Node.Flat), b = Math.Abs(r.Node.Flat);
                    if (a != b) return a > b;
                    a = Math.Abs(l.Node.Cum);
                    b = Math.Abs(r.Node.Cum);
                    if (a != b) return a > b;
                    int c = GoSort.CompareStrings(l.Name, r.Name);
                    if (c != 0) return c < 0;
                    return CompareInfo(l, r);
                };
                break;
            case NodeOrder.NameOrder:
                less = static (l, r) =>
                {
                    int c = GoSort.CompareStrings(l.Node.Info.Name, r.Node.Info.Name);
                    if (c != 0) return c < 0;
                    return CompareInfo(l, r);
                };
                break;
            case NodeOrder.FileOrder:
                less = static (l, r) =>
                {
                    int c = GoSort.CompareStrings(l.Node.Info.File, r.Node.Info.File);
                    if (c != 0) return c < 0;
                    long a = l.Node.Info.StartLine, b = r.Node.Info.StartLine;
                    if (a != b) return a < b;
                    return CompareInfo(l, r);
                };
                break;
            case NodeOrder.AddressOrder:
                less = static (l, r) =>
                {
                    ulong a = l.Node.Info.Address, b = r.Node.Info.Address;
                    if (a != b) return a < b;
                    return CompareInfo(l, r);
                };
                break;
            case NodeOrder.CumNameOrder:
            case NodeOrder.EntropyOrder:
                foreach (var k in keys)
                {
                    k.Name = k.Node.Info.PrintableName();
                    k.Score = order == NodeOrder.CumNameOrder ? k.Node.Cum : EntropyScore(k.Node);
                }
                less = static (l, r) =>
                {
                    long a = Math.Abs(l.Score), b = Math.Abs(r.Score);
                    if (a != b) return a > b;
                    int c = GoSort.CompareStrings(l.Name, r.Name);
                    if (c != 0) return c < 0;
                    a = Math.Abs(l.Node.Flat);
                    b = Math.Abs(r.Node.Flat);
                    if (a != b) return a > b;
                    return CompareInfo(l, r);
                };
                break;
            default:
                throw new ArgumentException($"report: unrecognized sort ordering: {(int)order}", nameof(order));
        }
        GoSort.Sort(keys, less);
        for (int i = 0; i < keys.Length; i++) this[i] = keys[i].Node;
    }

    /// <summary>The sums of the nodes' flat and cumulative values.</summary>
    public (long Flat, long Cum) Sum()
    {
        long flat = 0, cum = 0;
        foreach (var n in this)
        {
            flat += n.Flat;
            cum += n.Cum;
        }
        return (flat, cum);
    }

    private static bool CompareInfo(SortKey l, SortKey r) => GoSort.CompareStrings(l.InfoString, r.InfoString) < 0;

    /// <summary>How important a node is to show in a visual graph: entry and leaf nodes, and nodes whose weight
    /// splits over several edges, score higher than nodes that just pass their weight through.</summary>
    internal static long EntropyScore(Node n)
    {
        double score = 0;
        if (n.In.Count == 0) score++;
        else score += EdgeEntropyScore(n.In, 0);
        if (n.Out.Count == 0) score++;
        else score += EdgeEntropyScore(n.Out, n.Flat);
        return (long)(score * n.Cum) + n.Flat;
    }

    private static double EdgeEntropyScore(EdgeMap edges, long self)
    {
        double score = 0;
        long total = self;
        foreach (var e in edges.Values)
        {
            if (e.Weight > 0) total += Math.Abs(e.Weight);
        }
        if (total != 0)
        {
            foreach (var e in edges.Values)
            {
                double frac = (double)Math.Abs(e.Weight) / total;
                score += -frac * Math.Log2(frac);
            }
            if (self > 0)
            {
                double frac = (double)Math.Abs(self) / total;
                score += -frac * Math.Log2(frac);
            }
        }
        return score;
    }

    private sealed class SortKey
    {
        private string? _info;

        public SortKey(Node node) => Node = node;

        public Node Node { get; }
        public string Name { get; set; } = "";
        public long Score { get; set; }
        public string InfoString => _info ??= Node.Info.GoString();
    }
}
