using Pprof.Profiles;

namespace Pprof.Report;

/// <summary>
/// For reports that show node values and the "(inline)" mark only (the text report): the incoming edges of every node
/// that some location inlines (a line of a location other than its last), exactly as the complete graph would have
/// them, without building any other edge. An edge is inline only while every call along it is, and only calls into an
/// inlined line are, so the incoming edges of the other nodes are never inline and cannot change a mark.
/// </summary>
internal static class InlineEdges
{
    /// <summary>Below this many samples one thread does the pass.</summary>
    private const int ParallelMinSamples = 100_000;

    private struct PairSum
    {
        public ulong Key; // (caller << 32) | callee; 0 = empty slot (a caller is never its own callee here)
        public long Weight;
        public long WeightDiv;
        public int Stamp;
        public bool NotInline;
    }

    /// <summary>Open-addressing table of pair sums (Fibonacci hashing of the pair, linear probing).</summary>
    private sealed class PairTable
    {
        private PairSum[] _slots = new PairSum[1024];
        private int _count;
        private int _shift = 64 - 10;

        public ref PairSum Get(ulong key)
        {
            if (_count * 4 >= _slots.Length * 3) Grow();
            var slots = _slots;
            int mask = slots.Length - 1;
            for (int i = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift); ; i = (i + 1) & mask)
            {
                ref var e = ref slots[i];
                if (e.Key == key) return ref e;
                if (e.Key == 0)
                {
                    e.Key = key;
                    _count++;
                    return ref e;
                }
            }
        }

        private void Grow()
        {
            var old = _slots;
            _slots = new PairSum[old.Length * 2];
            _shift--;
            _count = 0;
            foreach (var e in old)
            {
                if (e.Key == 0) continue;
                ref var into = ref Get(e.Key);
                into = e;
            }
        }

        public IEnumerable<PairSum> Entries()
        {
            foreach (var e in _slots) if (e.Key != 0) yield return e;
        }
    }

    /// <summary>Adds to the nodes of <paramref name="g"/> their incoming edges from the graph that
    /// <see cref="Graph.New"/> would build of <paramref name="profile"/> with <paramref name="options"/>, for the nodes
    /// that are inlined somewhere. Callers that are not nodes of <paramref name="g"/> get node objects of their own.</summary>
    public static void Add(Profile profile, GraphOptions options, Graph g)
    {
        var (nodes, locations) = new NodeBuilder(profile, options).BuildIndexes();
        var flat = new GraphAccumulator.FlatLocations(profile.Locations, locations);
        var nodeIds = flat.NodeIds;
        var inlined = new bool[nodes.Count];
        bool any = false;
        foreach (var l in profile.Locations)
        {
            var (start, end) = flat.Range(l);
            for (int ni = start; ni < end - 1; ni++)
            {
                if (nodeIds[ni] >= 0) any = inlined[nodeIds[ni]] = true;
            }
        }
        if (!any) return;

        var samples = profile.Samples;
        int slices = samples.Count >= ParallelMinSamples ? Math.Clamp(Environment.ProcessorCount, 1, 8) : 1;
        var parts = new PairTable[slices];
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices }, part =>
        {
            int from = (int)((long)samples.Count * part / slices), to = (int)((long)samples.Count * (part + 1) / slices);
            parts[part] = Pairs(samples, from, to, flat, inlined, options);
        });
        var pairs = parts[0];
        for (int i = 1; i < slices; i++)
        {
            foreach (var sum in parts[i].Entries())
            {
                ref var into = ref pairs.Get(sum.Key);
                into.Weight += sum.Weight;
                into.WeightDiv += sum.WeightDiv;
                into.NotInline |= sum.NotInline;
            }
        }

        var byInfo = new Dictionary<NodeInfo, Node>(g.Nodes.Count);
        foreach (var n in g.Nodes) byInfo.TryAdd(n.Info, n);
        Node NodeFor(int id)
        {
            var info = nodes[id].Info;
            if (!byInfo.TryGetValue(info, out var n))
            {
                n = new Node { Info = info };
                byInfo[info] = n;
            }
            return n;
        }
        foreach (var sum in pairs.Entries())
        {
            ulong key = sum.Key;
            int callee = (int)(uint)key;
            if (!byInfo.TryGetValue(nodes[callee].Info, out var dest)) continue;
            NodeFor((int)(key >> 32)).AddToEdgeDiv(dest, sum.WeightDiv, sum.Weight, false, !sum.NotInline);
        }
    }

    /// <summary>The (caller, inlined callee) pairs of samples [<paramref name="from"/>, <paramref name="to"/>), each
    /// counted once per sample as the graph counts edges.</summary>
    private static PairTable Pairs(List<Sample> samples, int from, int to, GraphAccumulator.FlatLocations flat, bool[] inlined, GraphOptions o)
    {
        var pairs = new PairTable();
        var nodeIds = flat.NodeIds;
        var valueOf = o.SampleValue;
        var divisorOf = o.SampleMeanDivisor;
        int stamp = 0;
        for (int s = from; s < to; s++)
        {
            var sample = samples[s];
            long w = valueOf(sample.Values);
            long dw = divisorOf != null ? divisorOf(sample.Values) : 0;
            if (dw == 0 && w == 0) continue;
            stamp++;
            int parent = -1;
            var stack = sample.Locations;
            for (int i = stack.Length - 1; i >= 0; i--)
            {
                var (start, end) = flat.Range(stack[i]);
                for (int ni = end - 1; ni >= start; ni--)
                {
                    int n = nodeIds[ni];
                    if (n < 0) continue;
                    if (inlined[n] && parent >= 0 && n != parent)
                    {
                        ref var e = ref pairs.Get(((ulong)(uint)parent << 32) | (uint)n);
                        if (e.Stamp != stamp)
                        {
                            e.Stamp = stamp;
                            e.Weight += w;
                            e.WeightDiv += dw;
                            if (ni == end - 1) e.NotInline = true;
                        }
                    }
                    parent = n;
                }
            }
        }
        return pairs;
    }
}
