namespace Pprof.Report;

/// <summary>A node of a call graph: a unique program location (function, file:line or address, depending on the
/// granularity) with its flat and cumulative values, its edges and its tags.</summary>
public sealed class Node
{
    private static int s_nextHashId;
    private Node? _function;

    /// <summary>A cheap, well-spread hash code for reference-keyed maps (no object header hashing).</summary>
    internal readonly int HashId = Interlocked.Increment(ref s_nextHashId) * -1640531535;

    /// <summary>The source location of the node.</summary>
    public NodeInfo Info { get; set; }

    /// <summary>The node that represents this node's whole function (the node itself at function granularity).</summary>
    public Node Function { get => _function ?? this; set => _function = value; }

    /// <summary>Value of samples whose leaf is this node.</summary>
    public long Flat { get; set; }

    /// <summary>Divisor of <see cref="Flat"/> for mean values (0 when not computing means).</summary>
    public long FlatDiv { get; set; }

    /// <summary>Value of samples that include this node.</summary>
    public long Cum { get; set; }

    /// <summary>Divisor of <see cref="Cum"/> for mean values (0 when not computing means).</summary>
    public long CumDiv { get; set; }

    /// <summary>Edges from callers, keyed by caller.</summary>
    public EdgeMap In { get; set; } = new();

    /// <summary>Edges to callees, keyed by callee.</summary>
    public EdgeMap Out { get; set; } = new();

    /// <summary>String label tags (joined labels of the samples) that reached this node.</summary>
    public TagMap LabelTags { get; set; } = new();

    /// <summary>Numeric label tags, keyed by the joined string labels they go with ("" for none).</summary>
    public Dictionary<string, TagMap> NumericTags { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The flat value, divided by <see cref="FlatDiv"/> when that is non-zero.</summary>
    public long FlatValue() => FlatDiv == 0 ? Flat : Flat / FlatDiv;

    /// <summary>The cumulative value, divided by <see cref="CumDiv"/> when that is non-zero.</summary>
    public long CumValue() => CumDiv == 0 ? Cum : Cum / CumDiv;

    /// <summary>Adds <paramref name="weight"/> to the edge from this node to <paramref name="to"/>, creating it when needed.</summary>
    public void AddToEdge(Node to, long weight, bool residual, bool inline) => AddToEdgeDiv(to, 0, weight, residual, inline);

    /// <summary>Adds a weight and divisor to the edge from this node to <paramref name="to"/>, creating it when needed.
    /// A residual flag sticks once set; an edge stays inline only while every contribution is inline.</summary>
    public void AddToEdgeDiv(Node to, long weightDiv, long weight, bool residual, bool inline)
    {
        Out.TryGetValue(to, out var e);
        to.In.TryGetValue(this, out var back);
        if (!ReferenceEquals(e, back))
            throw new InvalidOperationException($"asymmetric edges {Info.PrintableName()} {to.Info.PrintableName()}");
        if (e != null)
        {
            e.WeightDiv += weightDiv;
            e.Weight += weight;
            if (residual) e.Residual = true;
            if (!inline) e.Inline = false;
            return;
        }
        e = new Edge(this, to) { WeightDiv = weightDiv, Weight = weight, Residual = residual, Inline = inline };
        Out[to] = e;
        to.In[this] = e;
    }

    /// <summary>Adds one sample's value to the node (flat or cum) and to its label and numeric tags.</summary>
    internal void AddSample(long dw, long w, string labels, Dictionary<string, long[]>? numLabels, Dictionary<string, string[]>? numUnits,
        Func<long, string, string>? format, bool flat)
    {
        if (flat)
        {
            FlatDiv += dw;
            Flat += w;
        }
        else
        {
            CumDiv += dw;
            Cum += w;
        }
        if (labels.Length != 0) LabelTags.FindOrAdd(labels, "", 0).Add(dw, w, flat);
        // pprof also creates an empty numeric tag map for samples without numeric labels; empty maps change no
        // output, so they are only created when there is something to put in them.
        if (numLabels == null || numLabels.Count == 0) return;
        if (!NumericTags.TryGetValue(labels, out var numericTags))
        {
            numericTags = new TagMap();
            NumericTags[labels] = numericTags;
        }
        foreach (var (key, values) in numLabels)
        {
            string[]? units = null;
            numUnits?.TryGetValue(key, out units);
            for (int i = 0; i < values.Length; i++)
            {
                long v = values[i];
                Tag t;
                if (units != null && units.Length > 0)
                {
                    string unit = i < units.Length ? units[i] : "";
                    t = numericTags.FindOrAdd(format != null ? format(v, unit) : v.ToString(System.Globalization.CultureInfo.InvariantCulture), unit, v);
                }
                else
                {
                    t = numericTags.FindOrAdd(format != null ? format(v, key) : v.ToString(System.Globalization.CultureInfo.InvariantCulture), key, v);
                }
                t.Add(dw, w, flat);
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => Info.PrintableName();
}
