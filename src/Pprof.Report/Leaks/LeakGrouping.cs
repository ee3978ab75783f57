namespace Pprof.Report;

/// <summary>How <see cref="LeakReport"/> groups samples into rows.</summary>
public enum LeakGrouping
{
    /// <summary>By object type: the leaf frame of a retention profile, the <c>type</c> label of a heap profile.</summary>
    Type,

    /// <summary>By allocation site (heap profiles): the leaf-most frame outside the runtime's and framework's namespaces
    /// (<c>System</c>, <c>Microsoft</c>, <c>Internal</c>, <c>Interop</c>), with its line.</summary>
    Site,

    /// <summary>By the whole stack, root first: the retention path of a retention profile, the allocation stack of a
    /// heap profile.</summary>
    Path,
}
