namespace Pprof.Runtime.Heap;

/// <summary>The order in which root kinds claim objects for their retention paths (lower first). An object reached
/// from several roots is shown under the best-ranked kind that reaches it, and within that kind under the shortest
/// path: the application's own statics, then locals on thread stacks, before the runtime's and libraries' statics and
/// handles, so that a cache reads as held by the application's field rather than by a timer queue that also reaches
/// it. docs/heap.md states the rule.</summary>
internal static class RootRank
{
    /// <summary>Static fields of types outside the runtime's namespaces (the application and its libraries).</summary>
    public const int UserStatic = 0;

    /// <summary>Locals and arguments on thread stacks.</summary>
    public const int Stack = 1;

    /// <summary>Static fields of types in the System, Microsoft, Internal or Interop namespaces, or of an owner that
    /// could not be told.</summary>
    public const int RuntimeStatic = 2;

    /// <summary>Strong GC handles.</summary>
    public const int StrongHandle = 3;

    /// <summary>Pinned, ref-counted and sized-ref handles.</summary>
    public const int OtherHandle = 4;

    /// <summary>Objects waiting for their finalizer.</summary>
    public const int Finalizer = 5;

    /// <summary>Dependent handles and ConditionalWeakTable values.</summary>
    public const int Dependent = 6;

    /// <summary>Any other root kind.</summary>
    public const int Other = 7;

    /// <summary>The rank of a static field declared by <paramref name="owner"/> (a full type name, or null when unknown).</summary>
    public static int OfStatic(string? owner) => owner == null || IsRuntimeType(owner) ? RuntimeStatic : UserStatic;

    /// <summary>Whether a type belongs to the runtime or the framework, by namespace.</summary>
    public static bool IsRuntimeType(string type) =>
        type.StartsWith("System.", StringComparison.Ordinal) || type.StartsWith("Microsoft.", StringComparison.Ordinal)
        || type.StartsWith("Internal.", StringComparison.Ordinal) || type.StartsWith("Interop", StringComparison.Ordinal)
        || type.StartsWith('<');
}
