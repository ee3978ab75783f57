namespace Pprof.Runtime;

/// <summary>The kinds of runtime profile this library collects.</summary>
public enum ProfileKind
{
    /// <summary>On-CPU time by stack (samples/count, cpu/nanoseconds).</summary>
    Cpu,

    /// <summary>Wall-clock time of every thread, on and off CPU (samples/count, wall/nanoseconds); each sample labelled
    /// <c>thread_state</c>: running, runnable, sleeping, lock, wait or io.</summary>
    Wall,

    /// <summary>Sampled allocations, upscaled (alloc_objects/count, alloc_space/bytes).</summary>
    Allocs,

    /// <summary>Lock contention (contentions/count, delay/nanoseconds).</summary>
    Mutex,

    /// <summary>Blocking waits (contentions/count, delay/nanoseconds).</summary>
    Block,

    /// <summary>Thread creation by creating stack (threadcreate/count).</summary>
    ThreadCreate,

    /// <summary>Thrown exceptions by throw stack (exceptions/count).</summary>
    Exceptions,

    /// <summary>Sampled allocations followed until they die, by allocation stack (alloc_objects/count,
    /// alloc_space/bytes, inuse_objects/count, inuse_space/bytes), as Go's heap profile.</summary>
    Heap,
}
