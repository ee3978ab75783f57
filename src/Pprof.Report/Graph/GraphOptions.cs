namespace Pprof.Report;

/// <summary>How to build a <see cref="Graph"/> from a profile.</summary>
public sealed class GraphOptions
{
    /// <summary>Extracts the value of a sample from its values.</summary>
    public Func<long[], long> SampleValue { get; set; } = static v => v.Length == 0 ? 0 : v[^1];

    /// <summary>Extracts the divisor for mean graphs from a sample's values; null for plain sums.</summary>
    public Func<long[], long>? SampleMeanDivisor { get; set; }

    /// <summary>Formats a numeric tag value given its unit (or key); null formats the plain number.</summary>
    public Func<long, string, string>? FormatTag { get; set; }

    /// <summary>Always keep the object file name in node identities.</summary>
    public bool ObjNames { get; set; }

    /// <summary>Keep original (system, e.g. mangled) function names.</summary>
    public bool OrigFnNames { get; set; }

    /// <summary>Build a call tree (contexts kept apart) instead of a graph.</summary>
    public bool CallTree { get; set; }

    /// <summary>Drop nodes whose value is negative.</summary>
    public bool DropNegative { get; set; }

    /// <summary>When set, only nodes in this set are created.</summary>
    public NodeSet? KeptNodes { get; set; }

    /// <summary>Leave out label and numeric tags (for reports that do not show them). Call graphs only.</summary>
    internal bool NoTags { get; set; }

    /// <summary>Compute only the nodes' flat and cumulative values: no edges, no tags. Enough to choose which nodes a
    /// report keeps before building the graph of those nodes. Call graphs only.</summary>
    internal bool NodesOnly { get; set; }
}
