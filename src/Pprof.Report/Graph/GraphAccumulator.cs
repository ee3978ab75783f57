using Pprof.Profiles;

namespace Pprof.Report;

/// <summary>
/// Adds a profile's samples to graph nodes and edges (the body of <see cref="Graph.New"/> for call graphs). Values
/// are summed in arrays indexed by node and edge number, edges are found through one open-addressing table keyed by
/// the (caller, callee) pair, and string labels are joined once per distinct label set, so the per-frame work is a
/// few array accesses. The node and edge objects are filled in at the end.
/// </summary>
internal sealed class GraphAccumulator
{
    private readonly Nodes _nodes;
    private readonly long[] _flat, _flatDiv, _cum, _cumDiv;
    private readonly int[] _seen;

    // Edges: an open-addressing table of (caller, callee) entries that carry the sums, so that a lookup touches one
    // cache line. Order numbers the edges by creation.
    private struct EdgeEntry
    {
        public ulong Key;
        public long Weight;
        public long WeightDiv;
        public int Seen;
        public uint OrderAndFlags; // 0 = empty slot; else creation order + 1 in the low 30 bits, flags above

        public readonly bool Used => OrderAndFlags != 0;
        public readonly int Order => (int)(OrderAndFlags & OrderMask) - 1;
    }

    private const uint OrderMask = (1u << 30) - 1;
    private const uint ResidualBit = 1u << 30, InlineBit = 1u << 31;

    private EdgeEntry[] _edges = new EdgeEntry[4096];
    private int _edgeCount;
    private int _shift = 64 - 12;

    // Label tags: (node, label set) to tag, and the label sets by number.
    private readonly Dictionary<(int Node, int Labels), Tag> _labelTags = new();
    private readonly List<(int Node, string Labels, Tag Tag)> _labelTagOrder = new();
    private readonly Dictionary<string, int> _labelIds = new(StringComparer.Ordinal);
    private readonly List<string> _labelNames = new();

    // What to accumulate besides the nodes' values.
    private readonly bool _edgesWanted, _tagsWanted;

    public GraphAccumulator(Nodes nodes, bool edges = true, bool tags = true)
    {
        _nodes = nodes;
        _edgesWanted = edges;
        _tagsWanted = tags;
        int n = nodes.Count;
        _flat = new long[n];
        _flatDiv = new long[n];
        _cum = new long[n];
        _cumDiv = new long[n];
        _seen = new int[n];
    }

    public void AddSamples(Profile prof, IdMap<int[]?> locations, GraphOptions o)
    {
        var valueOf = o.SampleValue;
        var divisorOf = o.SampleMeanDivisor;
        var format = o.FormatTag;
        var labelCache = new Dictionary<(string, string), string>();
        int stamp = 0;
        NumericTag[]? numeric = null;
        // The node ids of all locations in one array, each location's a range of it: the frame loop then reads two
        // small int arrays instead of one array object per location.
        var flat = new FlatLocations(prof.Locations, locations);
        var nodeIds = flat.NodeIds;
        if (!_edgesWanted && !_tagsWanted && flat.StartById is { } denseStarts && prof.Samples.Count >= ParallelMinSamples && Environment.ProcessorCount > 1)
        {
            AddSampleValuesInParallel(prof.Samples, denseStarts, nodeIds, valueOf, divisorOf);
            return;
        }
        foreach (var sample in prof.Samples)
        {
            long w = valueOf(sample.Values);
            long dw = divisorOf != null ? divisorOf(sample.Values) : 0;
            if (dw == 0 && w == 0) continue;
            stamp++;
            int labelId = -1;
            string labels = "";
            if (_tagsWanted && sample.Labels is { Count: > 0 } sl)
            {
                labels = JoinLabels(sl, labelCache);
                if (labels.Length != 0 && !_labelIds.TryGetValue(labels, out labelId))
                {
                    labelId = _labelNames.Count;
                    _labelNames.Add(labels);
                    _labelIds[labels] = labelId;
                }
                if (labels.Length == 0) labelId = -1;
            }
            int numericCount = 0;
            if (_tagsWanted && sample.NumLabels is { Count: > 0 } nl) numericCount = NumericTags(nl, sample.NumUnits, format, ref numeric);
            // The common case (values only, dense location ids) runs in a small loop of its own.
            bool residual;
            int parent = !_edgesWanted && labelId < 0 && numericCount == 0 && flat.StartById is { } starts
                ? AddStackValues(sample.Locations, starts, nodeIds, stamp, w, dw, out residual)
                : AddStack(sample.Locations, flat, stamp, w, dw, labelId, labels, numeric, numericCount, out residual);
            if (parent >= 0 && !residual)
            {
                _flat[parent] += w;
                _flatDiv[parent] += dw;
                if (labelId >= 0) LabelTag(parent, labelId).Add(dw, w, true);
                if (numericCount != 0) AddNumeric(parent, labels, numeric!, numericCount, dw, w, true);
            }
        }
    }

    /// <summary>Below this many samples the values-only pass runs on one thread.</summary>
    private const int ParallelMinSamples = 100_000;

    /// <summary>The values-only pass (no edges, no tags) over contiguous slices of the samples on several threads, each
    /// summing into arrays of its own, then added up. Sums of integers do not depend on the order, so the result is
    /// the one a single thread computes.</summary>
    private void AddSampleValuesInParallel(List<Sample> samples, int[] starts, int[] nodeIds, Func<long[], long> valueOf, Func<long[], long>? divisorOf)
    {
        int n = _nodes.Count;
        int slices = Math.Min(Environment.ProcessorCount, 8);
        var parts = new (long[] Flat, long[] FlatDiv, long[] Cum, long[] CumDiv)[slices];
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices }, part =>
        {
            long[] flat = new long[n], flatDiv = new long[n], cum = new long[n], cumDiv = new long[n];
            int[] seen = new int[n];
            int from = (int)((long)samples.Count * part / slices), to = (int)((long)samples.Count * (part + 1) / slices);
            int stamp = 0;
            for (int i = from; i < to; i++)
            {
                var sample = samples[i];
                long w = valueOf(sample.Values);
                long dw = divisorOf != null ? divisorOf(sample.Values) : 0;
                if (dw == 0 && w == 0) continue;
                stamp++;
                int parent = AddStackValues(sample.Locations, starts, nodeIds, seen, cum, cumDiv, stamp, w, dw, out bool residual);
                if (parent >= 0 && !residual)
                {
                    flat[parent] += w;
                    flatDiv[parent] += dw;
                }
            }
            parts[part] = (flat, flatDiv, cum, cumDiv);
        });
        foreach (var (flat, flatDiv, cum, cumDiv) in parts)
        {
            for (int i = 0; i < n; i++)
            {
                _flat[i] += flat[i];
                _flatDiv[i] += flatDiv[i];
                _cum[i] += cum[i];
                _cumDiv[i] += cumDiv[i];
            }
        }
    }

    /// <summary>Adds one sample's value to the cumulative values of the nodes on its stack (each node once), walking
    /// from the root. Returns the last node reached (the leaf-most kept one, -1 for none); <paramref name="residual"/>
    /// tells whether excluded lines came after it.</summary>
    private int AddStackValues(Location[] stack, int[] starts, int[] nodeIds, int stamp, long w, long dw, out bool residual) =>
        AddStackValues(stack, starts, nodeIds, _seen, _cum, _cumDiv, stamp, w, dw, out residual);

    /// <summary><see cref="AddStackValues(Location[], int[], int[], int, long, long, out bool)"/> into the given arrays.</summary>
    private static int AddStackValues(Location[] stack, int[] starts, int[] nodeIds, int[] seen, long[] cum, long[] cumDiv, int stamp, long w, long dw, out bool residual)
    {
        int parent = -1;
        residual = false;
        for (int i = stack.Length - 1; i >= 0; i--)
        {
            ulong id = stack[i].Id;
            if (id >= (ulong)(starts.Length - 1)) continue;
            int start = starts[id], end = starts[id + 1];
            for (int ni = end - 1; ni >= start; ni--)
            {
                int n = nodeIds[ni];
                if (n < 0)
                {
                    residual = true;
                    continue;
                }
                if (seen[n] != stamp)
                {
                    seen[n] = stamp;
                    cum[n] += w;
                    cumDiv[n] += dw;
                }
                parent = n;
                residual = false;
            }
        }
        return parent;
    }

    /// <summary><see cref="AddStackValues(Location[], int[], int[], int, long, long, out bool)"/> with edges and tags, as the options ask.</summary>
    private int AddStack(Location[] stack, FlatLocations flat, int stamp, long w, long dw, int labelId, string labels,
        NumericTag[]? numeric, int numericCount, out bool residual)
    {
        var nodeIds = flat.NodeIds;
        var seen = _seen;
        var cum = _cum;
        var cumDiv = _cumDiv;
        bool edges = _edgesWanted;
        int parent = -1;
        residual = false;
        for (int i = stack.Length - 1; i >= 0; i--)
        {
            var (start, end) = flat.Range(stack[i]);
            for (int ni = end - 1; ni >= start; ni--)
            {
                int n = nodeIds[ni];
                if (n < 0)
                {
                    residual = true;
                    continue;
                }
                if (seen[n] != stamp)
                {
                    seen[n] = stamp;
                    cum[n] += w;
                    cumDiv[n] += dw;
                    if (labelId >= 0) LabelTag(n, labelId).Add(dw, w, false);
                    if (numericCount != 0) AddNumeric(n, labels, numeric!, numericCount, dw, w, false);
                }
                if (edges && parent >= 0 && n != parent) AddEdge(parent, n, stamp, dw, w, residual, ni != end - 1);
                parent = n;
                residual = false;
            }
        }
        return parent;
    }

    /// <summary>Writes the sums into the node objects and creates the edges, in the order they were first seen.</summary>
    public void Finish()
    {
        for (int i = 0; i < _nodes.Count; i++)
        {
            var n = _nodes[i];
            n.Flat += _flat[i];
            n.FlatDiv += _flatDiv[i];
            n.Cum += _cum[i];
            n.CumDiv += _cumDiv[i];
        }
        foreach (var (node, labels, tag) in _labelTagOrder) _nodes[node].LabelTags[labels] = tag;
        if (_edgeCount == 0) return;
        var ordered = new int[_edgeCount];
        var outDegree = new int[_nodes.Count];
        var inDegree = new int[_nodes.Count];
        for (int slot = 0; slot < _edges.Length; slot++)
        {
            ref var e = ref _edges[slot];
            if (!e.Used) continue;
            ordered[e.Order] = slot;
            outDegree[(int)(e.Key >> 32)]++;
            inDegree[(int)(uint)e.Key]++;
        }
        for (int i = 0; i < _nodes.Count; i++)
        {
            if (outDegree[i] != 0) _nodes[i].Out.EnsureCapacity(_nodes[i].Out.Count + outDegree[i]);
            if (inDegree[i] != 0) _nodes[i].In.EnsureCapacity(_nodes[i].In.Count + inDegree[i]);
        }
        foreach (int slot in ordered)
        {
            ref var entry = ref _edges[slot];
            var src = _nodes[(int)(entry.Key >> 32)];
            var dest = _nodes[(int)(uint)entry.Key];
            var e = new Edge(src, dest)
            {
                Weight = entry.Weight,
                WeightDiv = entry.WeightDiv,
                Residual = (entry.OrderAndFlags & ResidualBit) != 0,
                Inline = (entry.OrderAndFlags & InlineBit) != 0,
            };
            src.Out.AppendNew(dest, e);
            dest.In.AppendNew(src, e);
        }
    }

    private Tag LabelTag(int node, int labelId)
    {
        if (!_labelTags.TryGetValue((node, labelId), out var t))
        {
            string name = _labelNames[labelId];
            t = new Tag { Name = name };
            _labelTags[(node, labelId)] = t;
            _labelTagOrder.Add((node, name, t));
        }
        return t;
    }

    private void AddNumeric(int node, string labels, NumericTag[] tags, int count, long dw, long w, bool flat)
    {
        var n = _nodes[node];
        if (!n.NumericTags.TryGetValue(labels, out var map))
        {
            map = new TagMap();
            n.NumericTags[labels] = map;
        }
        for (int i = 0; i < count; i++)
        {
            ref var nt = ref tags[i];
            map.FindOrAdd(nt.Name, nt.Unit, nt.Value).Add(dw, w, flat);
        }
    }

    private void AddEdge(int src, int dest, int stamp, long dw, long w, bool residual, bool inline)
    {
        ulong key = ((ulong)(uint)src << 32) | (uint)dest;
        var edges = _edges;
        int mask = edges.Length - 1;
        int slot = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
        while (true)
        {
            ref var e = ref edges[slot];
            if (!e.Used) break;
            if (e.Key == key)
            {
                if (e.Seen == stamp) return;
                e.Seen = stamp;
                e.WeightDiv += dw;
                e.Weight += w;
                if (residual) e.OrderAndFlags |= ResidualBit;
                if (!inline) e.OrderAndFlags &= ~InlineBit;
                return;
            }
            slot = (slot + 1) & mask;
        }
        if (_edgeCount == OrderMask - 1) throw new InvalidOperationException("too many edges in the call graph");
        edges[slot] = new EdgeEntry
        {
            Key = key,
            Weight = w,
            WeightDiv = dw,
            Seen = stamp,
            OrderAndFlags = (uint)(++_edgeCount) | (residual ? ResidualBit : 0) | (inline ? InlineBit : 0),
        };
        if (_edgeCount * 2 > edges.Length) Grow();
    }

    private void Grow()
    {
        var old = _edges;
        var edges = new EdgeEntry[old.Length * 2];
        _shift--;
        int mask = edges.Length - 1;
        foreach (var e in old)
        {
            if (!e.Used) continue;
            int slot = (int)((e.Key * 0x9E3779B97F4A7C15UL) >> _shift);
            while (edges[slot].Used) slot = (slot + 1) & mask;
            edges[slot] = e;
        }
        _edges = edges;
    }

    /// <summary>Joins a sample's labels like <see cref="Graph.JoinLabels(Dictionary{string, string[]})"/>; the common single key/value case is cached.</summary>
    private static string JoinLabels(Dictionary<string, string[]> labels, Dictionary<(string, string), string> cache)
    {
        if (labels.Count == 1)
        {
            foreach (var (key, values) in labels)
            {
                if (values.Length != 1) break;
                if (!cache.TryGetValue((key, values[0]), out var joined))
                {
                    joined = key + ":" + values[0];
                    cache[(key, values[0])] = joined;
                }
                return joined;
            }
        }
        return Graph.JoinLabels(labels);
    }

    /// <summary>Each location's node ids as a range of one shared array, found by location id (through an array
    /// for the ids in the table's array part, else a dictionary).</summary>
    internal sealed class FlatLocations
    {
        private readonly int[] _startById;            // dense ids: location id to start; the range ends at the next id's start
        private readonly Dictionary<ulong, (int Start, int End)>? _sparse;

        public readonly int[] NodeIds;

        /// <summary>Location id to the start of its range (the range ends where the next id's starts), when every
        /// location id is in it; null when some are in the dictionary part (then use <see cref="Range"/>).</summary>
        public int[]? StartById => _sparse == null ? _startById : null;

        public FlatLocations(List<Location> locationList, IdMap<int[]?> table)
        {
            int total = 0;
            foreach (var l in locationList) total += table.GetOrDefault(l.Id)?.Length ?? 0;
            NodeIds = new int[total];
            var dense = table.Dense;
            int at = 0;
            _startById = new int[dense.Length + 1];
            for (int id = 0; id < dense.Length; id++)
            {
                _startById[id] = at;
                if (dense[id] is { } ids)
                {
                    ids.CopyTo(NodeIds, at);
                    at += ids.Length;
                }
            }
            _startById[dense.Length] = at;
            foreach (var l in locationList)
            {
                if (l.Id < (ulong)dense.Length || table.GetOrDefault(l.Id) is not { } ids) continue;
                _sparse ??= new Dictionary<ulong, (int, int)>();
                if (_sparse.ContainsKey(l.Id)) continue;
                ids.CopyTo(NodeIds, at);
                _sparse[l.Id] = (at, at + ids.Length);
                at += ids.Length;
            }
        }

        /// <summary>The range of <see cref="NodeIds"/> holding the nodes of <paramref name="l"/> (empty when unknown).</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public (int Start, int End) Range(Location l)
        {
            ulong id = l.Id;
            if (id < (ulong)(_startById.Length - 1)) return (_startById[id], _startById[id + 1]);
            return _sparse != null && _sparse.TryGetValue(id, out var r) ? r : (0, 0);
        }
    }

    private struct NumericTag
    {
        public string Name;
        public string Unit;
        public long Value;
    }

    /// <summary>The numeric tags of one sample (formatted once, not once per frame).</summary>
    private static int NumericTags(Dictionary<string, long[]> numLabels, Dictionary<string, string[]>? numUnits, Func<long, string, string>? format, ref NumericTag[]? buffer)
    {
        int count = 0;
        foreach (var (_, values) in numLabels) count += values.Length;
        if (buffer == null || buffer.Length < count) buffer = new NumericTag[Math.Max(count, 4)];
        int i = 0;
        foreach (var (key, values) in numLabels)
        {
            string[]? units = null;
            numUnits?.TryGetValue(key, out units);
            for (int j = 0; j < values.Length; j++)
            {
                long v = values[j];
                string unit = units is { Length: > 0 } ? (j < units.Length ? units[j] : "") : key;
                string name = format != null ? format(v, unit) : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
                buffer[i++] = new NumericTag { Name = name, Unit = unit, Value = v };
            }
        }
        return count;
    }
}
