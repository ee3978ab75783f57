using System.Runtime.InteropServices;

namespace Pprof.Runtime.OnCpu;

/// <summary>The Linux <c>perf_event_open(2)</c> interface the on-CPU sampler uses: a per-thread software task clock
/// (<c>PERF_COUNT_SW_TASK_CLOCK</c>, user space only) that samples the thread's user call chain (walked by the kernel
/// through frame pointers) every period of the thread's own CPU time, written to a ring buffer shared with us.</summary>
internal static unsafe partial class PerfEvents
{
    public const int TypeSoftware = 1;
    public const ulong CountSwTaskClock = 1;

    public const ulong SampleTid = 1UL << 1;
    public const ulong SampleTime = 1UL << 2;
    public const ulong SampleCallchain = 1UL << 5;

    public const ulong FlagDisabled = 1UL << 0;
    public const ulong FlagInherit = 1UL << 1;
    public const ulong FlagExcludeKernel = 1UL << 5;
    public const ulong FlagExcludeHv = 1UL << 6;
    public const ulong FlagTask = 1UL << 13;
    public const ulong FlagWatermark = 1UL << 14;
    public const ulong FlagExcludeCallchainKernel = 1UL << 21;
    public const ulong FlagUseClockId = 1UL << 25;

    public const uint RecordLost = 2;
    public const uint RecordFork = 7;
    public const uint RecordSample = 9;

    /// <summary>Call chain entries at or above this value are context markers (PERF_CONTEXT_USER and the like).</summary>
    public const ulong ContextMax = unchecked((ulong)-4095L);

    public const int ClockMonotonic = 1;
    public const int AttrSize = 128;

    // struct perf_event_mmap_page: data_head, data_tail, data_offset, data_size.
    public const int DataHeadOffset = 1024;
    public const int DataTailOffset = 1032;
    public const int DataOffsetOffset = 1040;
    public const int DataSizeOffset = 1048;

    public const int Eacces = 13;
    public const int Eperm = 1;
    public const int Enosys = 38;
    public const int Esrch = 3;
    public const int Enoent = 2;
    public const int Emfile = 24;
    public const int Enomem = 12;

    private const ulong IocSetOutput = 0x2405;
    private const int ProtRead = 1, ProtWrite = 2, MapShared = 1;
    public const short PollIn = 1, PollHup = 0x10, PollErr = 0x8;

    /// <summary>The <c>perf_event_open</c> system call number of this architecture, or -1 when unknown.</summary>
    public static long SyscallNumber => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 298,
        Architecture.Arm64 => 241,
        _ => -1,
    };

    /// <summary>Opens a task-clock sampling event on thread <paramref name="tid"/>, enabled at once. Returns the file
    /// descriptor, or -errno.</summary>
    public static int OpenTaskClock(int tid, int cpu, ulong periodNs, bool inherit, int wakeupBytes)
    {
        long nr = SyscallNumber;
        if (nr < 0) return -Enosys;
        byte* attr = stackalloc byte[AttrSize];
        new Span<byte>(attr, AttrSize).Clear();
        *(uint*)(attr + 0) = TypeSoftware;
        *(uint*)(attr + 4) = AttrSize;
        *(ulong*)(attr + 8) = CountSwTaskClock;
        *(ulong*)(attr + 16) = periodNs;
        *(ulong*)(attr + 24) = SampleTid | SampleTime | SampleCallchain;
        ulong flags = FlagExcludeKernel | FlagExcludeHv | FlagExcludeCallchainKernel | FlagUseClockId | FlagWatermark;
        if (inherit) flags |= FlagInherit | FlagTask;
        *(ulong*)(attr + 40) = flags;
        *(uint*)(attr + 48) = (uint)wakeupBytes;
        *(int*)(attr + 92) = ClockMonotonic;
        long fd = Syscall(nr, (nint)attr, tid, cpu, -1, 8 /* PERF_FLAG_FD_CLOEXEC */);
        return fd >= 0 ? (int)fd : -Marshal.GetLastPInvokeError();
    }

    /// <summary>Maps the event's ring buffer (one header page and <paramref name="dataPages"/> data pages, a power of
    /// two); null on failure with <paramref name="errno"/> set.</summary>
    public static byte* Map(int fd, int dataPages, out long length, out int errno)
    {
        length = (long)(dataPages + 1) * Environment.SystemPageSize;
        nint p = Mmap(0, (nuint)length, ProtRead | ProtWrite, MapShared, fd, 0);
        if (p == -1)
        {
            errno = Marshal.GetLastPInvokeError();
            return null;
        }
        errno = 0;
        return (byte*)p;
    }

    public static void Unmap(byte* p, long length) => Munmap((nint)p, (nuint)length);

    /// <summary>Sends the samples of <paramref name="fd"/> to the ring buffer of <paramref name="bufferFd"/> (an event
    /// on the same CPU); 0 or -errno.</summary>
    public static int SetOutput(int fd, int bufferFd) => Ioctl(fd, (nuint)IocSetOutput, bufferFd) == 0 ? 0 : -Marshal.GetLastPInvokeError();

    public static void Close(int fd) => CloseFd(fd);

    /// <summary>The event's count (for the task clock: nanoseconds on CPU, user and kernel, its inherited events
    /// included), or -1.</summary>
    public static long ReadCount(int fd)
    {
        long value = 0;
        return ReadFd(fd, &value, 8) == 8 ? value : -1;
    }

    public static int Poll(PollFd* fds, int count, int timeoutMs) => PollFds(fds, (nuint)count, timeoutMs);

    public static string ErrorName(int errno) => errno switch
    {
        Eacces => "EACCES",
        Eperm => "EPERM",
        Enosys => "ENOSYS",
        Esrch => "ESRCH",
        Enoent => "ENOENT",
        Emfile => "EMFILE",
        Enomem => "ENOMEM",
        22 => "EINVAL",
        _ => "errno " + errno,
    };

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, nint attr, nint pid, nint cpu, nint groupFd, nint flags);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(nint addr, nuint length);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int fd, nuint request, nint arg);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseFd(int fd);

    [LibraryImport("libc", EntryPoint = "read")]
    private static partial nint ReadFd(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int PollFds(PollFd* fds, nuint count, int timeoutMs);
}
