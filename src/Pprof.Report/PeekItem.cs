namespace Pprof.Report;

/// <summary>One node of the callers/callees report (<c>-peek</c>, <c>-tree</c>) as data: the node's values with the
/// edges from its callers and to its callees.</summary>
public sealed class PeekItem
{
    internal PeekItem(string name, long flat, long cum, string flatFormat, string cumFormat,
        IReadOnlyList<PeekEdge> callers, IReadOnlyList<PeekEdge> callees)
    {
        Name = name;
        Flat = flat;
        Cum = cum;
        FlatFormat = flatFormat;
        CumFormat = cumFormat;
        Callers = callers;
        Callees = callees;
    }

    /// <summary>The node's printable name (function, file:line or address, per the granularity).</summary>
    public string Name { get; }

    /// <summary>The node's own value, in the profile's sample unit.</summary>
    public long Flat { get; }

    /// <summary>The node's value including its callees, in the profile's sample unit.</summary>
    public long Cum { get; }

    /// <summary><see cref="Flat"/> as the report prints it, in the report's output unit (e.g. <c>1.20s</c>).</summary>
    public string FlatFormat { get; }

    /// <summary><see cref="Cum"/> as the report prints it.</summary>
    public string CumFormat { get; }

    /// <summary>The calls into the node, heaviest first (the lines above the node in the report).</summary>
    public IReadOnlyList<PeekEdge> Callers { get; }

    /// <summary>The calls out of the node, heaviest first (the lines below the node in the report).</summary>
    public IReadOnlyList<PeekEdge> Callees { get; }
}
