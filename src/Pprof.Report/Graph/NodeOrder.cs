namespace Pprof.Report;

/// <summary>Orderings for <see cref="Nodes.Sort(NodeOrder)"/>. Numeric quantities sort by decreasing absolute value,
/// text alphabetically, addresses increasingly; ties fall back to further keys so the order is deterministic.</summary>
public enum NodeOrder
{
    /// <summary>By flat, then name, then cum.</summary>
    FlatNameOrder,
    /// <summary>By flat, then cum, then name.</summary>
    FlatCumNameOrder,
    /// <summary>By cum, then name, then flat.</summary>
    CumNameOrder,
    /// <summary>By function name.</summary>
    NameOrder,
    /// <summary>By file, then start line.</summary>
    FileOrder,
    /// <summary>By address.</summary>
    AddressOrder,
    /// <summary>By entropy score (how interesting the node is to show in a visual graph), then name, then flat.</summary>
    EntropyOrder,
}
