using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pprof.Report.Visual;

/// <summary>A flame graph's data: the call tree of a profile (callers above callees, siblings in name order) laid
/// out in pre-order. Node 0 is the root; every node records its frame name, depth, and cumulative and flat values of
/// the current profile and, in a comparison, of the base. Frames narrower than <see cref="FlameGraphOptions.MinFraction"/>
/// of the whole are left out (their weight stays in their parent's cumulative value).</summary>
internal sealed class FlameGraph
{
    private readonly List<string> _names = new();
    private int[] _name = new int[1024];
    private int[] _depth = new int[1024];
    private long[] _cum = new long[1024];
    private long[] _flat = new long[1024];
    private long[] _baseCum = new long[1024];
    private long[] _baseFlat = new long[1024];

    private FlameGraph(FlameGraphOptions options) => Options = options;

    /// <summary>The options the graph was built with.</summary>
    internal FlameGraphOptions Options { get; }

    /// <summary>The number of nodes, the root included.</summary>
    internal int Count { get; private set; }

    /// <summary>Whether the graph compares a profile against a base.</summary>
    internal bool IsDiff { get; private set; }

    /// <summary>The frame names the nodes refer to, in name order.</summary>
    internal IReadOnlyList<string> Names => _names;

    /// <summary>The number of frames the option <see cref="FlameGraphOptions.MinFraction"/> left out (children of kept nodes).</summary>
    internal int DroppedNodes { get; private set; }

    /// <summary>The frame name of node <paramref name="i"/> (the root's is <c>root</c>).</summary>
    internal string NameOf(int i) => i == 0 ? "root" : _names[_name[i]];

    /// <summary>The depth of node <paramref name="i"/>; the root is at 0.</summary>
    internal int DepthOf(int i) => _depth[i];

    /// <summary>The cumulative value of node <paramref name="i"/> in the current profile.</summary>
    internal long CumOf(int i) => _cum[i];

    /// <summary>The flat value of node <paramref name="i"/> in the current profile.</summary>
    internal long FlatOf(int i) => _flat[i];

    /// <summary>The cumulative value of node <paramref name="i"/> in the base profile (a magnitude).</summary>
    internal long BaseCumOf(int i) => _baseCum[i];

    /// <summary>The flat value of node <paramref name="i"/> in the base profile (a magnitude).</summary>
    internal long BaseFlatOf(int i) => _baseFlat[i];

    /// <summary>Builds the flame graph of <paramref name="profile"/>.</summary>
    internal static FlameGraph Build(Pprof.Profile.Profile profile, FlameGraphOptions options)
    {
        var table = StackTable.Build(profile, options.SampleValue);
        var g = new FlameGraph(options) { IsDiff = table.HasBase };
        int n = table.Count;
        var idx = new int[n];
        var keys = new int[n];
        long total = 0, baseTotal = 0;
        for (int i = 0; i < n; i++)
        {
            idx[i] = i;
            if (table.IsBase[i]) baseTotal += table.Value[i];
            else total += table.Value[i];
        }
        double minWidth = Math.Max(1, (total + baseTotal) * Math.Max(0, options.MinFraction));
        var nameMap = new int[table.Names.Length];
        Array.Fill(nameMap, -1);
        var builder = new Builder(table, idx, keys, g, nameMap, (long)Math.Ceiling(minWidth));
        int root = g.Add(-1, 0);
        builder.Expand(root, 0, n, 0);
        return g;
    }

    private int Add(int name, int depth)
    {
        if (Count == _name.Length)
        {
            int size = Count * 2;
            Array.Resize(ref _name, size);
            Array.Resize(ref _depth, size);
            Array.Resize(ref _cum, size);
            Array.Resize(ref _flat, size);
            Array.Resize(ref _baseCum, size);
            Array.Resize(ref _baseFlat, size);
        }
        int i = Count++;
        _name[i] = name;
        _depth[i] = depth;
        _cum[i] = _flat[i] = _baseCum[i] = _baseFlat[i] = 0;
        return i;
    }

    /// <summary>Partitions sample ranges by the frame at each depth (a most-significant-digit radix walk over the
    /// stacks), emitting nodes in pre-order and descending only into frames wide enough to keep.</summary>
    private sealed class Builder
    {
        private readonly StackTable _t;
        private readonly int[] _idx;
        private readonly int[] _keys;
        private readonly FlameGraph _g;
        private readonly int[] _nameMap;
        private readonly long _minWidth;
        private readonly List<int> _usedNames = new();

        internal Builder(StackTable table, int[] idx, int[] keys, FlameGraph g, int[] nameMap, long minWidth)
        {
            _t = table;
            _idx = idx;
            _keys = keys;
            _g = g;
            _nameMap = nameMap;
            _minWidth = minWidth;
        }

        /// <summary>Fills node <paramref name="node"/> from samples <c>_idx[lo..hi)</c>, whose stacks all pass through
        /// it at depth <paramref name="depth"/> - 1, and adds its children.</summary>
        internal void Expand(int node, int lo, int hi, int depth)
        {
            var g = _g;
            long cum = 0, flat = 0, baseCum = 0, baseFlat = 0;
            var start = _t.Start;
            var length = _t.Length;
            var frames = _t.Frames;
            bool sorted = true;
            int prev = int.MinValue;
            for (int i = lo; i < hi; i++)
            {
                int s = _idx[i];
                long v = _t.Value[s];
                bool leaf = length[s] <= depth;
                if (_t.IsBase[s])
                {
                    baseCum += v;
                    if (leaf) baseFlat += v;
                }
                else
                {
                    cum += v;
                    if (leaf) flat += v;
                }
                int key = leaf ? -1 : frames[start[s] + depth];
                _keys[i] = key;
                if (key < prev) sorted = false;
                prev = key;
            }
            g._cum[node] = cum;
            g._flat[node] = flat;
            g._baseCum[node] = baseCum;
            g._baseFlat[node] = baseFlat;
            if (!sorted) Array.Sort(_keys, _idx, lo, hi - lo);

            int p = lo;
            while (p < hi && _keys[p] == -1) p++;
            while (p < hi)
            {
                int key = _keys[p];
                int q = p;
                long width = 0;
                while (q < hi && _keys[q] == key)
                {
                    width += _t.Value[_idx[q]];
                    q++;
                }
                if (width >= _minWidth)
                {
                    int child = g.Add(MapName(key), depth + 1);
                    Expand(child, p, q, depth + 1);
                }
                else
                {
                    g.DroppedNodes++;
                }
                p = q;
            }
        }

        private int MapName(int frame)
        {
            int m = _nameMap[frame];
            if (m < 0)
            {
                m = _g._names.Count;
                _nameMap[frame] = m;
                _g._names.Add(_t.Names[frame]);
            }
            return m;
        }
    }

    /// <summary>Writes the graph as JSON: <c>{"title","sampleType","unit","diff","total","baseTotal","names":[...],
    /// "name":[...],"depth":[...],"cum":[...],"flat":[...]}</c> plus <c>"baseCum"</c> and <c>"baseFlat"</c> in a
    /// comparison. Node arrays are parallel and in pre-order; <c>name</c> indexes <c>names</c> (-1 for the root).
    /// Safe to embed in an HTML script element.</summary>
    internal void WriteJson(Stream output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.Default, SkipValidation = true });
        w.WriteStartObject();
        w.WriteString("title", Options.Title);
        w.WriteString("sampleType", Options.SampleType);
        w.WriteString("unit", Options.Unit);
        w.WriteBoolean("diff", IsDiff);
        w.WriteNumber("total", _cum[0]);
        w.WriteNumber("baseTotal", _baseCum[0]);
        w.WriteNumber("dropped", DroppedNodes);
        w.WriteNumber("minFraction", Options.MinFraction);
        w.WriteStartArray("labels");
        foreach (var l in Options.Labels) w.WriteStringValue(l);
        w.WriteEndArray();
        // The names were collected in pre-order; rewrite the node's name indexes so that the table is in name order.
        var order = new int[_names.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var sortedNames = _names.ToArray();
        Array.Sort(sortedNames, order, StringComparer.Ordinal);
        var rank = new int[order.Length];
        for (int i = 0; i < order.Length; i++) rank[order[i]] = i;
        w.WriteStartArray("names");
        foreach (var s in sortedNames) w.WriteStringValue(s);
        w.WriteEndArray();
        w.WriteStartArray("name");
        for (int i = 0; i < Count; i++) w.WriteNumberValue(_name[i] < 0 ? -1 : rank[_name[i]]);
        w.WriteEndArray();
        WriteArray(w, "depth", _depth);
        WriteArray(w, "cum", _cum);
        WriteArray(w, "flat", _flat);
        if (IsDiff)
        {
            WriteArray(w, "baseCum", _baseCum);
            WriteArray(w, "baseFlat", _baseFlat);
        }
        w.WriteEndObject();
        w.Flush();
    }

    private void WriteArray(Utf8JsonWriter w, string name, int[] values)
    {
        w.WriteStartArray(name);
        for (int i = 0; i < Count; i++) w.WriteNumberValue(values[i]);
        w.WriteEndArray();
    }

    private void WriteArray(Utf8JsonWriter w, string name, long[] values)
    {
        w.WriteStartArray(name);
        for (int i = 0; i < Count; i++) w.WriteNumberValue(values[i]);
        w.WriteEndArray();
    }
}
