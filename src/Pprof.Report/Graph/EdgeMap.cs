using Pprof.Profiles.Go;
using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Pprof.Report;

/// <summary>The incoming or outgoing edges of a node, keyed by the node at the other end. Enumeration follows
/// insertion order. Small maps are searched linearly; larger ones build an index the first time a lookup needs it,
/// so building a graph with millions of edges costs no hashing.</summary>
public sealed class EdgeMap : IReadOnlyDictionary<Node, Edge>
{
    private const int IndexThreshold = 8;

    private Node?[] _keys = Array.Empty<Node?>();
    private Edge?[] _values = Array.Empty<Edge?>();
    private int _used;      // slots used, including removed ones
    private int _count;     // live entries
    private Dictionary<Node, int>? _index;

    /// <summary>Creates an empty map.</summary>
    public EdgeMap() { }

    /// <summary>The number of edges.</summary>
    public int Count => _count;

    /// <summary>The edge for <paramref name="node"/>; setting adds or replaces it.</summary>
    public Edge this[Node node]
    {
        get => TryGetValue(node, out var e) ? e : throw new KeyNotFoundException("no edge for node " + node.Info.PrintableName());
        set
        {
            int i = Find(node);
            if (i >= 0) _values[i] = value;
            else Append(node, value);
        }
    }

    /// <summary>The nodes at the other end of the edges.</summary>
    public IEnumerable<Node> Keys
    {
        get
        {
            for (int i = 0; i < _used; i++)
            {
                if (_keys[i] is { } k) yield return k;
            }
        }
    }

    /// <summary>The edges, in insertion order.</summary>
    public IEnumerable<Edge> Values
    {
        get
        {
            for (int i = 0; i < _used; i++)
            {
                if (_keys[i] != null) yield return _values[i]!;
            }
        }
    }

    /// <summary>Adds an edge; throws when <paramref name="node"/> already has one.</summary>
    public void Add(Node node, Edge edge)
    {
        if (Find(node) >= 0) throw new ArgumentException("an edge for this node is already present", nameof(node));
        Append(node, edge);
    }

    /// <summary>True when there is an edge for <paramref name="node"/>.</summary>
    public bool ContainsKey(Node node) => Find(node) >= 0;

    /// <summary>Finds the edge for <paramref name="node"/>.</summary>
    public bool TryGetValue(Node node, [MaybeNullWhen(false)] out Edge edge)
    {
        int i = Find(node);
        edge = i >= 0 ? _values[i] : null;
        return i >= 0;
    }

    /// <summary>Removes the edge for <paramref name="node"/>; false when there was none.</summary>
    public bool Remove(Node node)
    {
        int i = Find(node);
        if (i < 0) return false;
        _keys[i] = null;
        _values[i] = null;
        _index?.Remove(node);
        _count--;
        if (_count == 0)
        {
            _used = 0;
            _index = null;
        }
        else if (_used > 16 && _count < _used / 2)
        {
            Compact();
        }
        return true;
    }

    /// <summary>Removes the edges that match <paramref name="predicate"/> in one pass, keeping the order of the
    /// others; returns how many were removed.</summary>
    internal int RemoveWhere(Func<Edge, bool> predicate)
    {
        int removed = 0;
        for (int i = 0; i < _used; i++)
        {
            if (_keys[i] == null || !predicate(_values[i]!)) continue;
            _keys[i] = null;
            _values[i] = null;
            removed++;
        }
        if (removed != 0)
        {
            _count -= removed;
            Compact();
        }
        return removed;
    }

    /// <summary>Removes every edge.</summary>
    public void Clear()
    {
        Array.Clear(_keys, 0, _used);
        Array.Clear(_values, 0, _used);
        _used = 0;
        _count = 0;
        _index = null;
    }

    /// <summary>Makes room for <paramref name="capacity"/> edges in total.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _keys.Length)
        {
            Array.Resize(ref _keys, capacity);
            Array.Resize(ref _values, capacity);
        }
    }

    /// <summary>The edges in a deterministic order: heaviest (absolute weight) first, then by source name, then by
    /// destination name.</summary>
    public List<Edge> Sort()
    {
        var list = new List<Edge>(_count);
        foreach (var e in Values) list.Add(e);
        SortEdges(list);
        return list;
    }

    /// <summary>The sum of the edges' weights.</summary>
    public long Sum()
    {
        long sum = 0;
        foreach (var e in Values) sum += e.Weight;
        return sum;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<Node, Edge>> GetEnumerator()
    {
        for (int i = 0; i < _used; i++)
        {
            if (_keys[i] is { } k) yield return new KeyValuePair<Node, Edge>(k, _values[i]!);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Appends without looking for an existing edge (graph building knows there is none).</summary>
    internal void AppendNew(Node node, Edge edge) => Append(node, edge);

    private void Append(Node node, Edge edge)
    {
        if (_used == _keys.Length)
        {
            int size = Math.Max(4, _keys.Length * 2);
            Array.Resize(ref _keys, size);
            Array.Resize(ref _values, size);
        }
        _keys[_used] = node;
        _values[_used] = edge;
        _index?.Add(node, _used);
        _used++;
        _count++;
    }

    private int Find(Node node)
    {
        if (_index == null)
        {
            if (_used <= IndexThreshold)
            {
                for (int i = 0; i < _used; i++)
                {
                    if (ReferenceEquals(_keys[i], node)) return i;
                }
                return -1;
            }
            _index = new Dictionary<Node, int>(_count, NodeReferenceComparer.Instance);
            for (int i = 0; i < _used; i++)
            {
                if (_keys[i] is { } k) _index[k] = i;
            }
        }
        return _index.TryGetValue(node, out int at) ? at : -1;
    }

    private void Compact()
    {
        int j = 0;
        for (int i = 0; i < _used; i++)
        {
            if (_keys[i] == null) continue;
            _keys[j] = _keys[i];
            _values[j] = _values[i];
            j++;
        }
        Array.Clear(_keys, j, _used - j);
        Array.Clear(_values, j, _used - j);
        _used = j;
        _index = null;
    }

    /// <summary>Sorts edges like Go's edge list (unstable pdqsort, names computed once per edge).</summary>
    internal static void SortEdges(List<Edge> edges)
    {
        if (edges.Count <= 1) return;
        var keys = new EdgeKey[edges.Count];
        for (int i = 0; i < keys.Length; i++) keys[i] = new EdgeKey(edges[i]);
        GoSort.Sort(keys, static (a, b) =>
        {
            if (a.Edge.Weight != b.Edge.Weight) return Math.Abs(a.Edge.Weight) > Math.Abs(b.Edge.Weight);
            int c = GoSort.CompareStrings(a.From, b.From);
            if (c != 0) return c < 0;
            return GoSort.CompareStrings(a.To, b.To) < 0;
        });
        for (int i = 0; i < keys.Length; i++) edges[i] = keys[i].Edge;
    }

    private sealed class EdgeKey
    {
        public EdgeKey(Edge e)
        {
            Edge = e;
            From = e.Src.Info.PrintableName();
            To = e.Dest.Info.PrintableName();
        }

        public Edge Edge { get; }
        public string From { get; }
        public string To { get; }
    }

    private sealed class NodeReferenceComparer : IEqualityComparer<Node>
    {
        public static readonly NodeReferenceComparer Instance = new();

        public bool Equals(Node? x, Node? y) => ReferenceEquals(x, y);

        public int GetHashCode(Node obj) => obj.HashId;
    }
}
