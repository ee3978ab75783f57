namespace Pprof.Runtime.Internal;

/// <summary>What the kernel said about a thread at one reading of <c>/proc/PID/task/TID</c>.</summary>
internal enum KernelThreadState : byte
{
    /// <summary>No reading.</summary>
    Unknown,

    /// <summary>Runnable (state R): on a CPU or in a run queue.</summary>
    Running,

    /// <summary>Blocked in a socket, file or pipe system call (read, recvmsg, poll, epoll_wait, ...), or in an
    /// uninterruptible wait (state D, usually disk I/O).</summary>
    Io,

    /// <summary>Blocked in nanosleep or clock_nanosleep.</summary>
    Sleeping,

    /// <summary>Blocked in futex (how every .NET wait and lock ends up waiting) or another system call.</summary>
    Waiting,
}
