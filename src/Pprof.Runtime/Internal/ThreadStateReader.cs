using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Pprof.Runtime.Internal;

/// <summary>Reads the kernel's view of every thread of a process at a fixed period, on its own thread, and keeps, per
/// thread, the recent history of what it saw, so that samples processed seconds later (the live trace log sorts events
/// by time) find the state their thread was in when they were taken.
/// <para>Per thread and tick: <c>/proc/PID/task/TID/schedstat</c> (time on CPU and time waiting for a CPU, which tells
/// running from runnable), and, when the thread ran since the last tick or was never read, <c>/proc/PID/task/TID/syscall</c>
/// (<c>running</c>, or the number of the system call it is blocked in: read, recvmsg, epoll_wait, futex, nanosleep...).
/// Where the syscall file cannot be read (it needs ptrace access), <c>stat</c>'s state letter and <c>wchan</c> (the
/// kernel function the thread sleeps in) stand in. The files stay open and are re-read with <c>pread</c> at offset 0
/// into one reused buffer: about 5 µs per thread and tick when the thread did not run, 10 to 15 µs when it did. The
/// list of threads is re-read every 5 ticks.</para>
/// <para>A thread's history is a change log (a reading is stored only when the state differs from the previous one),
/// at most <see cref="MaxHistory"/> entries per thread and <see cref="MaxThreads"/> threads: bounded memory however
/// long the session.</para></summary>
internal sealed class ThreadStateReader : IDisposable
{
    /// <summary>The default period between readings.</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromMilliseconds(20);

    public const int MaxThreads = 2048;
    public const int MaxHistory = 4096;
    private const int RescanTicks = 5;

    private readonly int _processId;
    private readonly long _periodTicks;
    private readonly Dictionary<int, ThreadHistory> _threads = new();
    private readonly byte[] _buffer = new byte[1024];
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly string _taskDir;
    private bool _useSyscallFile = true;
    private long _ticks;
    private long _readNs;
    private int _disposed;

    public ThreadStateReader(int processId, TimeSpan period)
    {
        _processId = processId;
        _taskDir = $"/proc/{processId}/task";
        Period = period;
        _periodTicks = Math.Max(1, (long)(period.TotalSeconds * Stopwatch.Frequency));
        _thread = new Thread(Run) { IsBackground = true, Name = "pprof-thread-states" };
    }

    /// <summary>Whether the kernel exposes thread states here (Linux with /proc).</summary>
    public static bool IsSupported(int processId) => OperatingSystem.IsLinux() && Directory.Exists($"/proc/{processId}/task");

    public TimeSpan Period { get; }

    /// <summary>Ticks done so far.</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Total time spent reading, in nanoseconds (wall time, preemption included).</summary>
    public long ReadNanoseconds => Interlocked.Read(ref _readNs);

    /// <summary>CPU time the reader's thread used, in nanoseconds (its own schedstat), once it has stopped; -1 when unknown.</summary>
    public long CpuNanoseconds => Interlocked.Read(ref _cpuNs);

    private long _cpuNs = -1;
    private readonly List<ThreadHistory> _open = new();

    /// <summary>Whether the syscall files could be read (otherwise stat and wchan were used).</summary>
    public bool ReadsSyscalls => Volatile.Read(ref _useSyscallFile);

    public void Start() => _thread.Start();

    /// <summary>The state of thread <paramref name="tid"/> at <paramref name="utcTicks"/> (<see cref="DateTime.Ticks"/> of a
    /// UTC time, as events' timestamps give it): the last reading at or before it, and whether the thread waited for a CPU longer than it ran over
    /// the tick that reading closed. Unknown when the thread was not read around that time.</summary>
    public (KernelThreadState State, bool CpuStarved) StateAt(int tid, long utcTicks)
    {
        ThreadHistory? h;
        lock (_threads)
        {
            if (!_threads.TryGetValue(tid, out h)) return (KernelThreadState.Unknown, false);
        }
        // A reading holds for three ticks (and 50 ms more, for a late reader on a loaded machine); before a thread's
        // first reading, its first state holds back to its discovery's ticks.
        long stale = 3 * Period.Ticks + TimeSpan.TicksPerSecond / 20;
        return h.At(utcTicks, stale, stale + RescanTicks * Period.Ticks);
    }

    private void Run()
    {
        using var self = TryOpen("/proc/thread-self/schedstat");
        long cpu0 = OwnCpu(self);
        long next = Stopwatch.GetTimestamp();
        while (!_stop.IsSet)
        {
            long t0 = Stopwatch.GetTimestamp();
            try
            {
                Tick();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process went away, or /proc is not readable: try again next tick.
            }
            long t1 = Stopwatch.GetTimestamp();
            Interlocked.Add(ref _readNs, (long)((t1 - t0) * (1e9 / Stopwatch.Frequency)));
            Interlocked.Increment(ref _ticks);
            next += _periodTicks;
            // Never catch up with missed ticks in a burst (a loaded machine): the next one is a period from now.
            if (next < t1) next = t1 + _periodTicks;
            long waitMs = (next - t1) * 1000 / Stopwatch.Frequency;
            if (waitMs > 0) _stop.Wait(TimeSpan.FromMilliseconds(waitMs));
        }
        long cpu1 = OwnCpu(self);
        if (cpu0 >= 0 && cpu1 >= cpu0) Interlocked.Exchange(ref _cpuNs, cpu1 - cpu0);
        lock (_threads)
        {
            foreach (var h in _threads.Values) h.Close();
        }
    }

    private long OwnCpu(SafeFileHandle? self)
    {
        if (self == null) return -1;
        int n = ReadFile(self);
        return n > 0 && ParseSchedstat(_buffer.AsSpan(0, n), out long exec, out _) ? exec : -1;
    }

    private void Tick()
    {
        if (_ticks % RescanTicks == 0) Rescan();
        _open.Clear();
        lock (_threads)
        {
            foreach (var h in _threads.Values) if (h.Open) _open.Add(h);
        }
        foreach (var h in _open) Read(h);
    }

    private void Rescan()
    {
        lock (_threads)
        {
            if (_threads.Count >= MaxThreads)
            {
                // Threads gone for a minute make room (samples are processed seconds late, not minutes).
                long horizon = DateTime.UtcNow.Ticks - 60 * TimeSpan.TicksPerSecond;
                foreach (var (tid, _) in _threads.Where(kv => !kv.Value.Open && kv.Value.LastSeen < horizon).ToList()) _threads.Remove(tid);
            }
        }
        foreach (var dir in Directory.EnumerateDirectories(_taskDir))
        {
            if (!int.TryParse(Path.GetFileName(dir.AsSpan()), out int tid)) continue;
            lock (_threads)
            {
                if (_threads.TryGetValue(tid, out var known) && known.Open) continue;
                if (known == null && _threads.Count >= MaxThreads) continue;
            }
            var h = OpenThread(dir, tid);
            if (h == null) continue;
            lock (_threads)
            {
                if (_threads.TryGetValue(tid, out var old)) old.Reopen(h);
                else _threads.Add(tid, h);
            }
        }
    }

    private ThreadHistory? OpenThread(string dir, int tid)
    {
        var schedstat = TryOpen(dir + "/schedstat");
        if (schedstat == null) return null;
        SafeFileHandle? syscall = null, stat = null, wchan = null;
        if (_useSyscallFile)
        {
            syscall = TryOpen(dir + "/syscall");
            // The syscall file needs ptrace access to the process; stat and wchan do not.
            if (syscall == null && File.Exists(dir + "/syscall")) Volatile.Write(ref _useSyscallFile, false);
        }
        if (syscall == null)
        {
            stat = TryOpen(dir + "/stat");
            wchan = TryOpen(dir + "/wchan");
        }
        return new ThreadHistory(tid, schedstat, syscall, stat, wchan);
    }

    private static SafeFileHandle? TryOpen(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Read(ThreadHistory h)
    {
        int n = ReadFile(h.Schedstat);
        if (n <= 0 || !ParseSchedstat(_buffer.AsSpan(0, n), out long exec, out long delay))
        {
            h.Close(); // the thread exited
            return;
        }
        long dExec = exec - h.Exec, dDelay = delay - h.Delay;
        bool first = !h.HasCounters;
        h.Exec = exec;
        h.Delay = delay;
        h.HasCounters = true;
        bool starved = !first && dDelay > dExec;
        KernelThreadState state;
        if (!first && dExec == 0 && dDelay == 0 && h.Last is not (KernelThreadState.Unknown or KernelThreadState.Running))
        {
            // Not on a CPU since the last tick: still blocked where it was.
            state = h.Last;
        }
        else if (h.Syscall != null)
        {
            n = ReadFile(h.Syscall);
            state = n > 0 ? ParseSyscallFile(_buffer.AsSpan(0, n)) : KernelThreadState.Unknown;
        }
        else
        {
            n = h.Stat == null ? -1 : ReadFile(h.Stat);
            char letter = n > 0 ? StateLetter(_buffer.AsSpan(0, n)) : '?';
            if (letter is 'S' or 'D' && h.Wchan != null)
            {
                int w = ReadFile(h.Wchan);
                state = ClassifyWchan(w > 0 ? System.Text.Encoding.ASCII.GetString(_buffer, 0, w) : "", letter);
            }
            else
            {
                state = letter switch { 'R' => KernelThreadState.Running, 'D' => KernelThreadState.Io, 'S' => KernelThreadState.Waiting, _ => KernelThreadState.Unknown };
            }
        }
        h.Record(DateTime.UtcNow.Ticks, state, starved);
    }

    private int ReadFile(SafeFileHandle handle)
    {
        try
        {
            return RandomAccess.Read(handle, _buffer, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            return -1;
        }
    }

    /// <summary>Parses "exec_ns delay_ns timeslices".</summary>
    internal static bool ParseSchedstat(ReadOnlySpan<byte> text, out long exec, out long delay)
    {
        exec = delay = 0;
        int space = text.IndexOf((byte)' ');
        if (space <= 0 || !System.Buffers.Text.Utf8Parser.TryParse(text[..space], out exec, out _)) return false;
        var rest = text[(space + 1)..];
        return System.Buffers.Text.Utf8Parser.TryParse(rest, out delay, out _);
    }

    /// <summary>Classifies the first field of /proc/PID/task/TID/syscall: "running", or the number of the system call
    /// the thread is blocked in (-1 when blocked outside one).</summary>
    internal static KernelThreadState ParseSyscallFile(ReadOnlySpan<byte> text)
    {
        if (text.StartsWith("running"u8)) return KernelThreadState.Running;
        int end = text.IndexOfAny((byte)' ', (byte)'\n');
        if (end < 0) end = text.Length;
        if (!System.Buffers.Text.Utf8Parser.TryParse(text[..end], out int nr, out _)) return KernelThreadState.Unknown;
        return ClassifySyscall(nr, RuntimeInformation.ProcessArchitecture);
    }

    /// <summary>The state of a thread blocked in system call <paramref name="nr"/>: socket, file, pipe and polling
    /// calls are I/O, nanosleep and clock_nanosleep are sleeping, futex and everything else is waiting.</summary>
    internal static KernelThreadState ClassifySyscall(int nr, Architecture arch)
    {
        if (nr < 0) return KernelThreadState.Waiting;
        var (io, sleep) = arch switch
        {
            Architecture.X64 => (s_ioX64, s_sleepX64),
            Architecture.Arm64 or Architecture.RiscV64 or Architecture.LoongArch64 => (s_ioGeneric, s_sleepGeneric),
            _ => (Array.Empty<int>(), Array.Empty<int>()),
        };
        if (Array.IndexOf(io, nr) >= 0) return KernelThreadState.Io;
        if (Array.IndexOf(sleep, nr) >= 0) return KernelThreadState.Sleeping;
        return KernelThreadState.Waiting;
    }

    // x86_64: read write poll pread64 pwrite64 readv writev select sendfile connect accept sendto recvfrom sendmsg
    // recvmsg fsync fdatasync io_getevents epoll_wait pselect6 ppoll splice tee epoll_pwait accept4 preadv pwritev
    // recvmmsg sendmmsg preadv2 pwritev2 io_pgetevents io_uring_enter epoll_pwait2.
    private static readonly int[] s_ioX64 = { 0, 1, 7, 17, 18, 19, 20, 23, 40, 42, 43, 44, 45, 46, 47, 74, 75, 208, 232, 270, 271, 275, 276, 281, 288, 295, 296, 299, 307, 327, 328, 333, 426, 441 };
    private static readonly int[] s_sleepX64 = { 35, 230 };

    // The generic table (arm64, riscv64, loongarch64): io_getevents epoll_pwait read write readv writev pread64 pwrite64
    // preadv pwritev sendfile pselect6 ppoll splice tee fsync fdatasync accept connect sendto recvfrom sendmsg recvmsg
    // accept4 recvmmsg sendmmsg preadv2 pwritev2 io_pgetevents io_uring_enter epoll_pwait2.
    private static readonly int[] s_ioGeneric = { 4, 22, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 76, 77, 82, 83, 202, 203, 206, 207, 211, 212, 242, 243, 269, 286, 287, 292, 426, 441 };
    private static readonly int[] s_sleepGeneric = { 101, 115 };

    /// <summary>The state letter of a stat line (after "pid (comm) ").</summary>
    internal static char StateLetter(ReadOnlySpan<byte> stat)
    {
        int close = stat.LastIndexOf((byte)')');
        return close >= 0 && close + 2 < stat.Length ? (char)stat[close + 2] : '?';
    }

    /// <summary>Classifies the kernel function a blocked thread sleeps in (wchan), for kernels where the syscall file is
    /// not readable.</summary>
    internal static KernelThreadState ClassifyWchan(string wchan, char letter)
    {
        if (letter == 'D') return KernelThreadState.Io;
        if (wchan.Contains("nanosleep", StringComparison.Ordinal)) return KernelThreadState.Sleeping;
        if (wchan.Contains("futex", StringComparison.Ordinal)) return KernelThreadState.Waiting;
        foreach (var io in s_ioWchan)
        {
            if (wchan.Contains(io, StringComparison.Ordinal)) return KernelThreadState.Io;
        }
        return KernelThreadState.Waiting;
    }

    private static readonly string[] s_ioWchan =
    {
        "sk_wait", "wait_woken", "inet_csk_accept", "unix_stream", "pipe_read", "pipe_write", "epoll", "ep_poll", "do_sys_poll",
        "do_select", "poll_schedule", "io_schedule", "tty_read", "sock", "tcp_", "udp_", "io_uring", "folio_wait",
    };

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Set();
        if (_thread.IsAlive && _thread != Thread.CurrentThread) _thread.Join(TimeSpan.FromSeconds(5));
        else if (!_thread.IsAlive)
        {
            lock (_threads)
            {
                foreach (var h in _threads.Values) h.Close();
            }
        }
    }

    /// <summary>One thread's open files and its history of readings.</summary>
    private sealed class ThreadHistory
    {
        private readonly int _tid;
        private readonly object _gate = new();
        private long[] _times = new long[16];
        private byte[] _states = new byte[16];
        private int _start, _count;
        private long _lastSeen;

        public ThreadHistory(int tid, SafeFileHandle schedstat, SafeFileHandle? syscall, SafeFileHandle? stat, SafeFileHandle? wchan)
        {
            _tid = tid;
            Schedstat = schedstat;
            Syscall = syscall;
            Stat = stat;
            Wchan = wchan;
            Open = true;
        }

        public SafeFileHandle Schedstat { get; private set; }
        public SafeFileHandle? Syscall { get; private set; }
        public SafeFileHandle? Stat { get; private set; }
        public SafeFileHandle? Wchan { get; private set; }
        public bool Open { get; private set; }
        public bool HasCounters { get; set; }
        public long Exec { get; set; }
        public long Delay { get; set; }
        public KernelThreadState Last { get; private set; }

        /// <summary>Time of the latest reading.</summary>
        public long LastSeen
        {
            get
            {
                lock (_gate) return _lastSeen;
            }
        }

        /// <summary>Takes over the files of a new thread that reuses this thread id.</summary>
        public void Reopen(ThreadHistory fresh)
        {
            Close();
            Schedstat = fresh.Schedstat;
            Syscall = fresh.Syscall;
            Stat = fresh.Stat;
            Wchan = fresh.Wchan;
            HasCounters = false;
            Open = true;
        }

        public void Close()
        {
            if (!Open) return;
            Open = false;
            Schedstat.Dispose();
            Syscall?.Dispose();
            Stat?.Dispose();
            Wchan?.Dispose();
        }

        public void Record(long time, KernelThreadState state, bool starved)
        {
            byte code = (byte)((byte)state | (starved ? 0x80 : 0));
            Last = state;
            lock (_gate)
            {
                _lastSeen = time;
                if (_count > 0 && _states[(_start + _count - 1) % _states.Length] == code) return;
                if (_count == _times.Length)
                {
                    if (_times.Length < MaxHistory)
                    {
                        Grow();
                    }
                    else
                    {
                        _start = (_start + 1) % _times.Length;
                        _count--;
                    }
                }
                int at = (_start + _count) % _times.Length;
                _times[at] = time;
                _states[at] = code;
                _count++;
            }
        }

        private void Grow()
        {
            var times = new long[_times.Length * 2];
            var states = new byte[_states.Length * 2];
            for (int i = 0; i < _count; i++)
            {
                times[i] = _times[(_start + i) % _times.Length];
                states[i] = _states[(_start + i) % _states.Length];
            }
            _times = times;
            _states = states;
            _start = 0;
        }

        public (KernelThreadState, bool) At(long time, long staleTicks, long beforeFirstTicks)
        {
            lock (_gate)
            {
                if (_count == 0 || time > _lastSeen + staleTicks) return (KernelThreadState.Unknown, false);
                // The last entry at or before the time (binary search over the ring, which is in time order).
                int lo = 0, hi = _count - 1, found = -1;
                while (lo <= hi)
                {
                    int mid = (lo + hi) >>> 1;
                    if (_times[(_start + mid) % _times.Length] <= time)
                    {
                        found = mid;
                        lo = mid + 1;
                    }
                    else
                    {
                        hi = mid - 1;
                    }
                }
                if (found < 0)
                {
                    // Before the first reading: use it when it is close, as a thread's state rarely changes within a tick.
                    if (_times[_start] - time > beforeFirstTicks) return (KernelThreadState.Unknown, false);
                    found = 0;
                }
                byte code = _states[(_start + found) % _states.Length];
                return ((KernelThreadState)(code & 0x7f), (code & 0x80) != 0);
            }
        }

        public override string ToString() => $"thread {_tid}: {_count} readings";
    }
}
