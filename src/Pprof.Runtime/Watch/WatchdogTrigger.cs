namespace Pprof.Runtime.Watch;

/// <summary>What a <see cref="Watchdog"/> rule watches. Values are whole numbers, as holmes' (fractions are truncated).</summary>
public enum WatchdogTrigger
{
    /// <summary><c>cpu</c>: CPU in percent of all the process's processors (holmes' cpu). Dumps a cpu profile.</summary>
    Cpu,

    /// <summary><c>mem</c>: RSS in percent of the memory limit (the cgroup's, else the machine's). Dumps two
    /// retention snapshots, one full GC apart.</summary>
    Memory,

    /// <summary><c>gcheap</c>: GC heap after the last GC in percent of the memory limit. Dumps two retention
    /// snapshots, one full GC apart.</summary>
    GcHeap,

    /// <summary><c>goroutine</c>: OS threads plus work items queued to the thread pool (.NET keeps no cheap count of
    /// pending async operations). Dumps a goroutine profile. The only rule with a MAX.</summary>
    Goroutine,

    /// <summary><c>thread</c>: OS threads. Dumps a goroutine profile (every thread's stack).</summary>
    Thread,

    /// <summary><c>threadpool-queue</c>: work items queued to the thread pool, not started. Dumps a cpu profile.</summary>
    ThreadPoolQueue,

    /// <summary><c>exceptions</c>: exceptions thrown per second. Dumps an exceptions profile.</summary>
    Exceptions,

    /// <summary><c>contention</c>: lock contentions per second. Dumps a mutex profile.</summary>
    Contention,

    /// <summary><c>gc-pause</c>: milliseconds paused for GC during the interval. Dumps an allocs profile.</summary>
    GcPause,
}
