namespace Pprof.Report;

/// <summary>How one node is drawn in DOT output.</summary>
public sealed class DotNodeAttributes
{
    /// <summary>The node's shape; empty for the default box.</summary>
    public string Shape { get; set; } = "";

    /// <summary>Draw the node in bold.</summary>
    public bool Bold { get; set; }

    /// <summary>Number of borders around the node; 0 for the default.</summary>
    public int Peripheries { get; set; }

    /// <summary>A link for the node; empty for none.</summary>
    public string URL { get; set; } = "";

    /// <summary>Formats the node's label from its identity; null for the default multi-line name.</summary>
    public Func<NodeInfo, string>? Formatter { get; set; }
}
