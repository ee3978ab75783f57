using Pprof.Profiles;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pprof.Report.Visual;

/// <summary>A flame graph's data: the call tree of a profile (callers above callees, siblings in name order) laid
/// out in pre-order. Node 0 is the root; every node records its frame name, depth, and cumulative and flat values of
/// the current profile and, in a comparison, of the base. Frames narrower than <see cref="FlameGraphOptions.MinFraction"/>
/// of the whole are left out (their weight stays in their parent's cumulative value).</summary>
public sealed class FlameGraph
{
    private readonly List<string> _names = new();
    private int[] _name = new int[1024];
    private int[] _depth = new int[1024];
    private long[] _cum = new long[1024];
    private long[] _flat = new long[1024];
    private long[] _baseCum = new long[1024];
    private long[] _baseFlat = new long[1024];

    private FlameGraph(FlameGraphOptions options) => Options = options;

    /// <summary>The label (<c>pprof::base</c> = <c>true</c>) that marks a comparison's base samples; a profile with
    /// such samples (or negative values) is drawn as a comparison.</summary>
    public const string BaseLabel = StackTable.BaseLabel;

    /// <summary>The options the graph was built with.</summary>
    internal FlameGraphOptions Options { get; }

    /// <summary>The number of nodes, the root included.</summary>
    public int Count { get; private set; }

    /// <summary>Whether the graph compares a profile against a base.</summary>
    internal bool IsDiff { get; private set; }

    /// <summary>The frame names the nodes refer to, in name order.</summary>
    internal IReadOnlyList<string> Names => _names;

    /// <summary>The number of samples whose stacks are deeper than <see cref="FlameGraphOptions.MaxDepth"/> and were cut.</summary>
    public int CutStacks { get; private set; }

    /// <summary>The number of frames the option <see cref="FlameGraphOptions.MinFraction"/> left out (children of kept nodes).</summary>
    public int DroppedNodes { get; private set; }

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
    public static FlameGraph Build(Profile profile, FlameGraphOptions options)
    {
        var table = StackTable.Build(profile, options.SampleValue);
        var g = new FlameGraph(options) { IsDiff = table.HasBase };
        long total = 0, baseTotal = 0;
        var values = table.Value;
        var isBase = table.IsBase;
        for (int i = 0; i < table.Count; i++)
        {
            if (isBase[i]) baseTotal += values[i];
            else total += values[i];
        }
        double minWidth = Math.Max(1, (total + baseTotal) * Math.Max(0, options.MinFraction));
        var builder = new Builder(table, g, (long)Math.Ceiling(minWidth), Math.Max(1, options.MaxDepth));
        int root = g.Add(-1, 0);
        builder.Expand(root, 0, table.Count, 0, false);
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
    /// stacks), emitting nodes in pre-order and descending only into frames wide enough to keep. Each partition is a
    /// stable counting sort that moves the samples' own records between two buffers, and each record carries the next
    /// frames of its stack: the walk reads records front to back and touches the frame buffer once every
    /// <see cref="Window"/> levels rather than at every level.</summary>
    private sealed class Builder
    {
        /// <summary>How many frames a record carries.</summary>
        private const int Window = 8;

        [System.Runtime.CompilerServices.InlineArray(Window)]
        private struct Frames
        {
            private int _first;
        }

        /// <summary>A sample as the walk sees it: its value (negative for a base sample; never zero), where its stack
        /// starts in the frame buffer and how deep it is, and its frames from the last multiple of
        /// <see cref="Window"/> at or above the current depth.</summary>
        private struct Entry
        {
            public long Value;
            public int Start;
            public int Length;
            public Frames Next;
        }

        private readonly int[] _frames;
        private readonly string[] _frameNames;
        private readonly FlameGraph _g;
        private readonly long _minWidth;
        private readonly int _maxDepth;
        // The samples, grouped by the node whose range holds them; a partition moves a range to the other buffer.
        private readonly Entry[] _a;
        private readonly Entry[] _b;
        // Each sample's key at the current depth: its frame id + 1, or 0 where its stack ends (a flat sample).
        private readonly int[] _keys;
        // Per key, while one range is being partitioned: sample count, then next slot; and summed width.
        private readonly int[] _count;
        private readonly long[] _width;
        // The distinct keys of each range being partitioned, each followed by the kept children of its node, three
        // ints each (frame id, first sample, sample count): one section per node on the path from the root.
        private int[] _stack = new int[256];
        private readonly int[] _nameMap;

        internal Builder(StackTable table, FlameGraph g, long minWidth, int maxDepth)
        {
            _maxDepth = maxDepth;
            _frames = table.Frames;
            _frameNames = table.Names;
            _g = g;
            _minWidth = minWidth;
            int n = table.Count;
            _a = GC.AllocateUninitializedArray<Entry>(n);
            for (int i = 0; i < n; i++)
            {
                ref var e = ref _a[i];
                long v = table.Value[i];
                e.Value = table.IsBase[i] ? -v : v;
                e.Start = table.Start[i];
                e.Length = table.Length[i];
            }
            _b = GC.AllocateUninitializedArray<Entry>(n);
            _keys = GC.AllocateUninitializedArray<int>(n);
            _count = new int[table.Names.Length + 1];
            _width = new long[table.Names.Length + 1];
            _nameMap = new int[table.Names.Length];
            Array.Fill(_nameMap, -1);
        }

        /// <summary>A node whose kept children are being added: the next and end of its children's records in
        /// <c>_stack</c> (three ints each), where its section of <c>_stack</c> starts, its depth, and the buffer its
        /// children's samples are in.</summary>
        private struct Pending
        {
            public int At;
            public int End;
            public int Mark;
            public int Depth;
            public bool ChildInB;
        }

        private Pending[] _pending = new Pending[64];

        /// <summary>Fills node <paramref name="node"/> and, in pre-order, all its descendants from samples
        /// <c>[lo..hi)</c> of buffer <c>_b</c> if <paramref name="inB"/>, else <c>_a</c>, whose stacks all pass through
        /// it at depth <paramref name="depth"/> - 1. Iterative (an explicit stack of pending nodes), so stacks of any
        /// depth are handled.</summary>
        internal void Expand(int node, int lo, int hi, int depth, bool inB)
        {
            int pending = 0;
            Fill(node, lo, hi, depth, inB, ref pending);
            while (pending > 0)
            {
                ref var p = ref _pending[pending - 1];
                if (p.At == p.End)
                {
                    _top = p.Mark;
                    pending--;
                    continue;
                }
                int frame = _stack[p.At], first = _stack[p.At + 1], n = _stack[p.At + 2];
                p.At += 3;
                int childDepth = p.Depth + 1;
                bool childInB = p.ChildInB;
                int child = _g.Add(MapName(frame), childDepth);
                // May grow _pending: p is not used after this.
                Fill(child, first, first + n, childDepth, childInB, ref pending);
            }
        }

        /// <summary>Fills node <paramref name="node"/>'s values and partitions its samples among its children; when
        /// it has kept children, records them in <c>_stack</c> and pushes the node on <c>_pending</c>.</summary>
        private void Fill(int node, int lo, int hi, int depth, bool inB, ref int pending)
        {
            var g = _g;
            var entries = inB ? _b : _a;
            var keys = _keys;
            var count = _count;
            var width = _width;
            long cum = 0, flat = 0, baseCum = 0, baseFlat = 0;
            int mark = 0;
            int distinct = 0;
            int slot = depth % Window;
            // At the deepest level drawn, every sample ends here; those whose stacks go deeper are counted as cut.
            bool cut = depth >= _maxDepth;
            if (slot == 0 && !cut) Refill(entries, lo, hi, depth);
            for (int i = lo; i < hi; i++)
            {
                ref var e = ref entries[i];
                long v = e.Value;
                int key = 0;
                if (e.Length > depth)
                {
                    if (cut) g.CutStacks++;
                    else key = e.Next[slot] + 1;
                }
                if (v < 0)
                {
                    v = -v;
                    baseCum += v;
                    if (key == 0) baseFlat += v;
                }
                else
                {
                    cum += v;
                    if (key == 0) flat += v;
                }
                keys[i] = key;
                if (count[key]++ == 0)
                {
                    int at = Push(key);
                    if (distinct++ == 0) mark = at;
                }
                width[key] += v;
            }
            g._cum[node] = cum;
            g._flat[node] = flat;
            g._baseCum[node] = baseCum;
            g._baseFlat[node] = baseFlat;
            if (distinct == 0) return;

            // Children in frame id order, which is name order; flat samples (key 0) sort first and are left behind.
            // The kept children are recorded after the distinct keys, which stay to clear the counts.
            if (distinct > 1) _stack.AsSpan(mark, distinct).Sort();
            int top = mark + distinct;
            if (top + 3 * distinct > _stack.Length) Array.Resize(ref _stack, Math.Max(_stack.Length * 2, top + 3 * distinct));
            var stack = _stack;
            int next = lo;
            for (int d = 0; d < distinct; d++)
            {
                int key = stack[mark + d];
                int c = count[key];
                long w = width[key];
                count[key] = next;
                width[key] = 0;
                if (key != 0)
                {
                    if (w >= _minWidth)
                    {
                        stack[top] = key - 1;
                        stack[top + 1] = next;
                        stack[top + 2] = c;
                        top += 3;
                    }
                    else
                    {
                        g.DroppedNodes++;
                    }
                }
                next += c;
            }
            int children = mark + distinct;
            bool childInB = inB;
            if (top != children && distinct > 1)
            {
                var target = inB ? _a : _b;
                for (int i = lo; i < hi; i++) target[count[keys[i]]++] = entries[i];
                childInB = !inB;
            }
            for (int d = 0; d < distinct; d++) count[stack[mark + d]] = 0;
            if (top == children)
            {
                _top = mark;
                return;
            }
            _top = top;
            if (pending == _pending.Length) Array.Resize(ref _pending, pending * 2);
            _pending[pending++] = new Pending { At = children, End = top, Mark = mark, Depth = depth, ChildInB = childInB };
        }

        /// <summary>Loads each record's frames from <paramref name="depth"/> on (those its stack has).</summary>
        private void Refill(Entry[] entries, int lo, int hi, int depth)
        {
            var frames = _frames;
            for (int i = lo; i < hi; i++)
            {
                ref var e = ref entries[i];
                int n = Math.Min(Window, e.Length - depth);
                if (n <= 0) continue;
                Span<int> next = e.Next;
                frames.AsSpan(e.Start + depth, n).CopyTo(next);
            }
        }

        private int _top;

        private int Push(int key)
        {
            int at = _top;
            if (at == _stack.Length) Array.Resize(ref _stack, _stack.Length * 2);
            _stack[at] = key;
            _top = at + 1;
            return at;
        }

        private int MapName(int frame)
        {
            int m = _nameMap[frame];
            if (m < 0)
            {
                m = _g._names.Count;
                _nameMap[frame] = m;
                _g._names.Add(_frameNames[frame]);
            }
            return m;
        }
    }

    /// <summary>Writes the graph as JSON: <c>{"title","sampleType","unit","diff","total","baseTotal","names":[...],
    /// "name":[...],"depth":[...],"cum":[...],"flat":[...]}</c> plus <c>"baseCum"</c> and <c>"baseFlat"</c> in a
    /// comparison. Node arrays are parallel and in pre-order; <c>name</c> indexes <c>names</c> (-1 for the root).
    /// Safe to embed in an HTML script element.</summary>
    public void WriteJson(Stream output)
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
        w.WriteNumber("maxDepth", Options.MaxDepth);
        w.WriteNumber("cutStacks", CutStacks);
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
