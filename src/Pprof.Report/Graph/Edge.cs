namespace Pprof.Report;

/// <summary>A call edge between two graph nodes, with the total weight of the samples that traverse it.</summary>
public sealed class Edge
{
    /// <summary>Creates an edge from <paramref name="src"/> (caller) to <paramref name="dest"/> (callee).</summary>
    public Edge(Node src, Node dest)
    {
        Src = src;
        Dest = dest;
    }

    /// <summary>The caller.</summary>
    public Node Src { get; set; }

    /// <summary>The callee.</summary>
    public Node Dest { get; set; }

    /// <summary>Total weight of the samples through this edge.</summary>
    public long Weight { get; set; }

    /// <summary>Divisor of <see cref="Weight"/> for mean values (0 when not computing means).</summary>
    public long WeightDiv { get; set; }

    /// <summary>True when the edge skips over nodes that were removed from the graph.</summary>
    public bool Residual { get; set; }

    /// <summary>True when the call was inlined into the caller.</summary>
    public bool Inline { get; set; }

    /// <summary>Set when <see cref="Graph.TrimLowFrequencyEdges"/> removes the edge.</summary>
    internal bool Trimmed;

    /// <summary>The weight, divided by <see cref="WeightDiv"/> when that is non-zero.</summary>
    public long WeightValue() => WeightDiv == 0 ? Weight : Weight / WeightDiv;

    /// <inheritdoc />
    public override string ToString() => Src.Info.PrintableName() + " -> " + Dest.Info.PrintableName();
}
