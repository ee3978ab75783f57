namespace Pprof.Report;

/// <summary>A set of nodes by reference; in call trees several nodes share a <see cref="NodeInfo"/>.</summary>
public sealed class NodePtrSet : HashSet<Node>
{
    /// <summary>Creates an empty set.</summary>
    public NodePtrSet() : base(ReferenceEqualityComparer.Instance) { }
}
