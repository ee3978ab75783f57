namespace Pprof.Report;

/// <summary>Per-node drawing options for DOT output.</summary>
public sealed class DotAttributes
{
    /// <summary>Options of individual nodes; nodes not in the map are drawn with defaults.</summary>
    public Dictionary<Node, DotNodeAttributes> Nodes { get; set; } = new(ReferenceEqualityComparer.Instance);
}
