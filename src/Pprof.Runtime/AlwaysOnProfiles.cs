using Pprof.Runtime.Collectors;

namespace Pprof.Runtime;

/// <summary>The state of every background profile at once, for <see cref="Profiler.SetAlwaysOnProfiles"/>: one call,
/// one session restart, where the single <c>Profiler.Set*</c> calls restart the session once each.</summary>
public sealed class AlwaysOnProfiles
{
    /// <summary>The set the documentation recommends for always-on use: mutex (every contention), threadcreate and
    /// exceptions; the heap profile, the allocs profile and the block profile off (their cost grows with the allocation
    /// rate, docs/heap.md).</summary>
    public static AlwaysOnProfiles Recommended { get; } = new() { MutexProfileFraction = 1, ThreadCreateProfiling = true, ExceptionProfiling = true };

    /// <summary>Every background profile off, the heap profile included.</summary>
    public static AlwaysOnProfiles None { get; } = new();

    /// <summary>The heap profile (as <see cref="Profiler.SetHeapProfiling"/>).</summary>
    public bool HeapProfiling { get; init; }

    /// <summary>The allocs profile (as <see cref="Profiler.SetAllocationSampling"/>).</summary>
    public bool AllocationSampling { get; init; }

    /// <summary>The mutex profile: 0 off, n &gt; 0 records one contention in n (as <see cref="Profiler.SetMutexProfileFraction"/>).</summary>
    public int MutexProfileFraction { get; init; }

    /// <summary>The block profile: 0 off, n &gt; 0 on (as <see cref="Profiler.SetBlockProfileRate"/>).</summary>
    public int BlockProfileRate { get; init; }

    /// <summary>The threadcreate profile (as <see cref="Profiler.SetThreadCreateProfiling"/>).</summary>
    public bool ThreadCreateProfiling { get; init; }

    /// <summary>The exceptions profile (as <see cref="Profiler.SetExceptionProfiling"/>).</summary>
    public bool ExceptionProfiling { get; init; }

    /// <summary>Each background kind with its state and its collector's settings, for the background session.</summary>
    internal (ProfileKind Kind, bool On, Action<EventCollector>? Configure)[] Changes()
    {
        int mutexRate = Math.Max(1, MutexProfileFraction);
        return new (ProfileKind, bool, Action<EventCollector>?)[]
        {
            (ProfileKind.Heap, HeapProfiling, null),
            (ProfileKind.Allocs, AllocationSampling, null),
            (ProfileKind.Mutex, MutexProfileFraction > 0, c => ((DelayCollector)c).Rate = mutexRate),
            (ProfileKind.Block, BlockProfileRate > 0, null),
            (ProfileKind.ThreadCreate, ThreadCreateProfiling, null),
            (ProfileKind.Exceptions, ExceptionProfiling, null),
        };
    }
}
