namespace Pprof.Runtime.Collectors;

/// <summary>The <c>thread_state</c> label of a wall sample (fgprof style): what the thread was doing when sampled.</summary>
internal enum WallThreadState : byte
{
    /// <summary>Executing: managed code, or native code the kernel saw on a CPU.</summary>
    Running,

    /// <summary>Ready to run but waiting for a CPU (the kernel counted more run-queue delay than CPU time over the
    /// reading's tick).</summary>
    Runnable,

    /// <summary>In Thread.Sleep, or blocked in nanosleep/clock_nanosleep.</summary>
    Sleeping,

    /// <summary>Waiting to enter a contended lock (Monitor, System.Threading.Lock, SpinLock, ReaderWriterLock(Slim)).</summary>
    Lock,

    /// <summary>Blocked in a wait: WaitHandle, ManualResetEventSlim, SemaphoreSlim, Monitor.Wait, Task.Wait and .Result,
    /// Thread.Join, or a futex the frames do not explain.</summary>
    Wait,

    /// <summary>Blocked in socket, file or pipe I/O (a read, receive, send, accept, connect or poll).</summary>
    Io,
}
