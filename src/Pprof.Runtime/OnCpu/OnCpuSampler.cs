using System.Diagnostics;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.OnCpu;

/// <summary>Samples every thread of a process on its own CPU clock with <c>perf_event_open</c>: task-clock events
/// (user space only) that fire every period of the thread's CPU time and record its user call chain, walked by the
/// kernel through frame pointers. One event per thread and CPU, all events of a CPU writing to one ring buffer (as
/// <c>perf record -p</c> does). Events are inherited, so threads created later by a sampled thread are sampled from
/// their first instruction (the kernel reports each with a fork record); the thread list is read again every
/// <see cref="RescanInterval"/> for threads the inheritance missed. One reader thread drains the buffers (woken when
/// one is half full, at least every 100 ms) into a <see cref="RawStackTable"/>, without allocating per sample.
/// Symbolization happens later, on the raw addresses.</summary>
internal sealed unsafe class OnCpuSampler : IDisposable
{
    private const int DataPages = 32;
    private const int SmallDataPages = 1;
    private static readonly TimeSpan s_rescanInterval = TimeSpan.FromMilliseconds(250);

    private readonly int _pid;
    private readonly ulong _periodNs;
    private readonly bool _inProcess;
    private readonly int[] _cpus = OnlineCpus();
    private readonly CpuBuffer?[] _buffers;
    private readonly List<int> _fds = new();
    private int _threadEvents;
    private readonly HashSet<int> _covered = new();
    private readonly HashSet<int> _uncoveredOnce = new();
    private readonly RawStackTable _table = new();
    private readonly ProcMaps _maps = new();
    private int _rescans;
    private readonly byte[] _scratch = GC.AllocateArray<byte>(1 << 16, pinned: true);
    private readonly ulong[] _chain = new ulong[1024];
    private readonly object _gate = new();
    private readonly object _stopGate = new();
    private Thread? _reader;
    private volatile bool _stopping;
    private long _samples;
    private long _lost;
    private int _mapFailures;
    private int _openFailures;
    private long _monoStartNs;
    private long _utcStartTicks;

    private OnCpuSampler(int pid, int rateHz)
    {
        _pid = pid;
        _periodNs = (ulong)(1_000_000_000L / rateHz);
        _inProcess = pid == Environment.ProcessId;
        _buffers = new CpuBuffer?[_cpus.Length == 0 ? 1 : _cpus.Max() + 1];
    }

    public static TimeSpan RescanInterval => s_rescanInterval;

    /// <summary>The sampling period in nanoseconds of CPU time.</summary>
    public long PeriodNs => (long)_periodNs;

    /// <summary>Samples read so far.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Samples the kernel could not write (a ring buffer was full).</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>Threads that could not be sampled (their event or its ring buffer could not be set up).</summary>
    public int ThreadsMissed => _mapFailures + _openFailures;

    /// <summary>Threads sampled through an event of their own.</summary>
    public int ThreadEvents => _threadEvents;

    /// <summary>The samples, after <see cref="Stop"/>.</summary>
    public RawStackTable Table => _table;

    /// <summary>The process's executable mappings seen during the window (read at the start, every rescan for the first
    /// two seconds, when a library is loaded at start-up, then every two seconds, and at the stop), after
    /// <see cref="Stop"/>.</summary>
    public ProcMaps Maps => _maps;

    /// <summary>Starts sampling <paramref name="pid"/> at <paramref name="rateHz"/>. Returns null and the reason when
    /// the kernel does not allow it (not Linux, no perf_event_open, perf_event_paranoid, seccomp, no permission).</summary>
    public static OnCpuSampler? TryStart(int pid, int rateHz, out string? reason)
    {
        reason = null;
        if (!OperatingSystem.IsLinux())
        {
            reason = "on-CPU sampling needs Linux perf_event_open";
            return null;
        }
        if (PerfEvents.SyscallNumber < 0)
        {
            reason = $"on-CPU sampling is not supported on {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}";
            return null;
        }
        var sampler = new OnCpuSampler(pid, rateHz);
        try
        {
            if (!sampler.Open(out reason))
            {
                sampler.Dispose();
                return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            sampler.Dispose();
            reason = "perf_event_open is not available: " + e.Message;
            return null;
        }
        sampler._reader = new Thread(sampler.Run) { IsBackground = true, Name = "pprof-oncpu" };
        sampler._reader.Start();
        return sampler;
    }

    /// <summary>Opens the events of the threads that exist now; false (with the reason) when not even the first could
    /// be opened.</summary>
    private bool Open(out string? reason)
    {
        reason = null;
        _monoStartNs = MonotonicNs();
        _utcStartTicks = DateTime.UtcNow.Ticks;
        _maps.Read(_pid);
        var tids = Threads();
        // The main thread first: its buffers then belong to the thread most likely to live as long as the process.
        if (tids != null && tids.Remove(_pid)) tids.Insert(0, _pid);
        if (tids == null)
        {
            reason = $"cannot list the threads of pid {_pid} (/proc/{_pid}/task)";
            return false;
        }
        int opened = 0, firstError = 0;
        foreach (int tid in tids)
        {
            int err = OpenThread(tid);
            if (err == 0) opened++;
            else if (firstError == 0 && err != PerfEvents.Esrch && err != PerfEvents.Enoent) firstError = err;
            // Permission errors are the same for every thread: stop at the first one.
            if (opened == 0 && firstError is PerfEvents.Eacces or PerfEvents.Eperm or PerfEvents.Enosys) break;
        }
        if (opened > 0) return true;
        reason = firstError switch
        {
            PerfEvents.Eacces or PerfEvents.Eperm => $"perf_event_open: {PerfEvents.ErrorName(firstError)} (kernel.perf_event_paranoid={Paranoid()}, a seccomp filter, or no permission to trace pid {_pid})",
            PerfEvents.Enosys => "perf_event_open: ENOSYS (the kernel has no perf events, or a seccomp filter hides them)",
            0 => $"pid {_pid} has no threads to sample",
            _ => "perf_event_open: " + PerfEvents.ErrorName(firstError),
        };
        return false;
    }

    private static string Paranoid()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/perf_event_paranoid").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }

    /// <summary>Opens the events of one thread, one per CPU, each sending its samples to that CPU's ring buffer (the
    /// kernel does not map buffers of inherited per-thread events; per-CPU events of many threads share one); 0 or the
    /// errno.</summary>
    private int OpenThread(int tid)
    {
        int pageSize = Environment.SystemPageSize;
        var fds = new List<int>(_cpus.Length);
        int error = 0;
        foreach (int cpu in _cpus)
        {
            int fd = PerfEvents.OpenTaskClock(tid, cpu, _periodNs, inherit: true, wakeupBytes: DataPages * pageSize / 2);
            if (fd < 0)
            {
                error = -fd;
                break;
            }
            fds.Add(fd);
            var buffer = _buffers[cpu];
            if (buffer == null)
            {
                int pages = DataPages;
                byte* map = PerfEvents.Map(fd, pages, out long length, out int errno);
                if (map == null)
                {
                    // The locked-memory budget for perf buffers (perf_event_mlock_kb, RLIMIT_MEMLOCK) may be spent: try smaller.
                    pages = SmallDataPages;
                    map = PerfEvents.Map(fd, pages, out length, out errno);
                }
                if (map == null)
                {
                    error = errno == 0 ? PerfEvents.Enomem : errno;
                    _mapFailures++;
                    break;
                }
                lock (_gate) _buffers[cpu] = new CpuBuffer(cpu, fd, map, length);
            }
            else
            {
                int err = PerfEvents.SetOutput(fd, buffer.Fd);
                if (err != 0)
                {
                    error = -err;
                    break;
                }
            }
        }
        if (error != 0)
        {
            if (error != PerfEvents.Esrch && error != PerfEvents.Enoent) _openFailures++;
            // A buffer mapped on one of these events stays (its fd too): other threads write to it.
            foreach (int fd in fds)
            {
                if (!_buffers.Any(b => b != null && b.Fd == fd)) PerfEvents.Close(fd);
                else lock (_gate) _fds.Add(fd);
            }
            return error;
        }
        lock (_gate)
        {
            _fds.AddRange(fds);
            _covered.Add(tid);
            _threadEvents++;
        }
        return 0;
    }

    /// <summary>The online CPUs, from /sys/devices/system/cpu/online ("0-3,5"); 0..ProcessorCount-1 when unreadable.</summary>
    private static int[] OnlineCpus()
    {
        var cpus = new List<int>();
        try
        {
            foreach (var part in File.ReadAllText("/sys/devices/system/cpu/online").Trim().Split(','))
            {
                var range = part.Split('-');
                if (!int.TryParse(range[0], out int lo)) continue;
                int hi = range.Length > 1 && int.TryParse(range[1], out int h) ? h : lo;
                for (int c = lo; c <= hi && cpus.Count < 4096; c++) cpus.Add(c);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return cpus.Count > 0 ? cpus.ToArray() : Enumerable.Range(0, Environment.ProcessorCount).ToArray();
    }

    private List<int>? Threads()
    {
        try
        {
            var tids = new List<int>();
            foreach (var dir in Directory.EnumerateDirectories($"/proc/{_pid}/task"))
            {
                if (int.TryParse(Path.GetFileName(dir), out int tid)) tids.Add(tid);
            }
            return tids;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Run()
    {
        var clock = Stopwatch.StartNew();
        var fds = new PerfEvents.PollFd[_buffers.Length];
        while (!_stopping)
        {
            int n = 0;
            lock (_gate)
            {
                foreach (var b in _buffers)
                {
                    if (b == null || b.HungUp) continue;
                    fds[n++] = new PerfEvents.PollFd { Fd = b.Fd, Events = PerfEvents.PollIn };
                }
            }
            fixed (PerfEvents.PollFd* p = fds) PerfEvents.Poll(p, n, 100);
            // The thread owning a buffer's event exited: it reports POLLHUP for ever, so it is no longer polled, but the
            // buffer is still read (the other threads' events write to it).
            for (int i = 0; i < n; i++)
            {
                if ((fds[i].Revents & (PerfEvents.PollHup | PerfEvents.PollErr)) == 0) continue;
                lock (_gate)
                {
                    foreach (var b in _buffers) if (b != null && b.Fd == fds[i].Fd) b.HungUp = true;
                }
            }
            DrainAll();
            if (clock.Elapsed >= s_rescanInterval)
            {
                clock.Restart();
                Rescan();
            }
        }
    }

    /// <summary>Opens events for threads that neither have one nor were inherited (a fork record names them), once a
    /// thread has been seen uncovered twice in a row (a fork record may still be on its way).</summary>
    private void Rescan()
    {
        if (++_rescans <= 8 || _rescans % 8 == 0) _maps.Read(_pid);
        var tids = Threads();
        if (tids == null) return;
        DrainAll();
        var stillUncovered = new List<int>();
        foreach (int tid in tids)
        {
            if (_covered.Contains(tid)) continue;
            if (_uncoveredOnce.Contains(tid)) OpenThread(tid);
            else stillUncovered.Add(tid);
        }
        _uncoveredOnce.Clear();
        foreach (int tid in stillUncovered) _uncoveredOnce.Add(tid);
    }

    private void DrainAll()
    {
        foreach (var b in _buffers) if (b != null) Drain(b);
    }

    private void Drain(CpuBuffer e)
    {
        byte* page = e.Map;
        long dataOffset = *(long*)(page + PerfEvents.DataOffsetOffset);
        long dataSize = *(long*)(page + PerfEvents.DataSizeOffset);
        if (dataOffset == 0 || dataSize == 0)
        {
            dataOffset = Environment.SystemPageSize;
            dataSize = e.Length - Environment.SystemPageSize;
        }
        byte* data = page + dataOffset;
        long head = Volatile.Read(ref *(long*)(page + PerfEvents.DataHeadOffset));
        long tail = *(long*)(page + PerfEvents.DataTailOffset);
        while (tail < head)
        {
            long at = tail % dataSize;
            byte* rec = data + at;
            // struct perf_event_header: u32 type, u16 misc, u16 size; a record may wrap around the end of the buffer.
            byte* header = rec;
            if (at + 8 > dataSize)
            {
                CopyWrapped(data, dataSize, at, 8);
                header = Scratch;
            }
            uint type = *(uint*)header;
            int size = *(ushort*)(header + 6);
            if (size < 8 || size > head - tail) break;
            if (at + size > dataSize)
            {
                CopyWrapped(data, dataSize, at, size);
                Record(type, Scratch, size);
            }
            else
            {
                Record(type, rec, size);
            }
            tail += size;
        }
        Volatile.Write(ref *(long*)(page + PerfEvents.DataTailOffset), tail);
    }

    /// <summary>The pinned scratch buffer for records that wrap around the end of a ring buffer.</summary>
    private byte* Scratch => (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_scratch));

    private void CopyWrapped(byte* data, long dataSize, long at, int size)
    {
        int first = (int)Math.Min(size, dataSize - at);
        new ReadOnlySpan<byte>(data + at, first).CopyTo(_scratch);
        new ReadOnlySpan<byte>(data, size - first).CopyTo(_scratch.AsSpan(first));
    }

    private void Record(uint type, byte* rec, int size)
    {
        switch (type)
        {
            case PerfEvents.RecordSample:
            {
                // header, u32 pid, u32 tid, u64 time, u64 nr, u64 ips[nr]
                if (size < 32) return;
                int tid = *(int*)(rec + 12);
                long time = *(long*)(rec + 16);
                long nr = *(long*)(rec + 24);
                if (nr < 0 || 32 + nr * 8 > size) return;
                ulong* ips = (ulong*)(rec + 32);
                int depth = 0;
                for (long i = 0; i < nr && depth < _chain.Length; i++)
                {
                    ulong ip = ips[i];
                    if (ip >= PerfEvents.ContextMax || ip == 0) continue;
                    _chain[depth++] = ip;
                }
                if (depth == 0) return;
                object? labels = _inProcess ? LabelTracker.LabelsAt(tid, _utcStartTicks + (time - _monoStartNs) / 100) : null;
                _table.Add(tid, _chain.AsSpan(0, depth), labels);
                Interlocked.Increment(ref _samples);
                break;
            }
            case PerfEvents.RecordLost:
                if (size >= 24) Interlocked.Add(ref _lost, *(long*)(rec + 16));
                break;
            case PerfEvents.RecordFork:
                // header, u32 pid, ppid, tid, ptid, u64 time: a thread that inherited a sampled thread's event.
                if (size >= 24 && *(int*)(rec + 8) == _pid) _covered.Add(*(int*)(rec + 16));
                break;
        }
    }

    private static long MonotonicNs() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    /// <summary>Stops sampling and reads what is left in the buffers; the table is complete afterwards.</summary>
    public void Stop()
    {
        lock (_stopGate)
        {
            if (_reader == null) return;
            _stopping = true;
            _reader.Join();
            _reader = null;
            DrainAll();
            _maps.Read(_pid);
            CloseAll();
        }
    }

    /// <summary>Nanoseconds of CPU time (user and kernel) the sampled threads used while sampled, from the events'
    /// counts, after <see cref="Stop"/>; -1 when unknown. Samples only cover user time: the kernel drops a task-clock
    /// sample that falls in kernel mode (kernel samples need perf_event_paranoid below 2), and each thread's last
    /// partial period is not sampled.</summary>
    public long CountedNs { get; private set; } = -1;

    private void CloseAll()
    {
        lock (_gate)
        {
            long counted = 0;
            bool all = _fds.Count > 0;
            foreach (int fd in _fds)
            {
                long c = PerfEvents.ReadCount(fd);
                if (c < 0) all = false;
                else counted += c;
            }
            if (_fds.Count > 0) CountedNs = all ? counted : -1;
            foreach (int fd in _fds) PerfEvents.Close(fd);
            _fds.Clear();
            for (int i = 0; i < _buffers.Length; i++)
            {
                if (_buffers[i] is not { } b) continue;
                PerfEvents.Unmap(b.Map, b.Length);
                _buffers[i] = null;
            }
        }
    }

    public void Dispose()
    {
        lock (_stopGate)
        {
            if (_reader != null)
            {
                _stopping = true;
                _reader.Join();
                _reader = null;
            }
            CloseAll();
        }
    }

    /// <summary>The ring buffer of one CPU, mapped on the first event opened on it.</summary>
    private sealed class CpuBuffer
    {
        public CpuBuffer(int cpu, int fd, byte* map, long length)
        {
            Cpu = cpu;
            Fd = fd;
            Map = map;
            Length = length;
        }

        public int Cpu { get; }
        public int Fd { get; }
        public byte* Map { get; }
        public long Length { get; }
        public bool HungUp { get; set; }
    }
}
