namespace Pprof.Report;

/// <summary>A set of node identities (<see cref="NodeInfo"/>), used to rebuild a graph with only some nodes.</summary>
public sealed class NodeSet : HashSet<NodeInfo>
{
    /// <summary>Creates an empty set.</summary>
    public NodeSet() { }

    /// <summary>Creates an empty set with room for <paramref name="capacity"/> items.</summary>
    public NodeSet(int capacity) : base(capacity) { }
}
