namespace Pprof.Runtime.Internal;

/// <summary>What collectors know about the session they run in.</summary>
internal sealed partial class SessionContext
{
    private readonly Dictionary<int, string> _threadNames = new();
    private Timer? _timer;
    private readonly Dictionary<int, (long First, long Last)> _cpuNs = new();
    private bool _cpuBaseline;
    private bool _cpuWindowEnded;
    private long _processCpuStart = -1, _processCpuEnd = -1;

    public SessionContext(int processId)
    {
        ProcessId = processId;
        InProcess = processId == Environment.ProcessId;
    }

    public int ProcessId { get; }

    /// <summary>True when the profiled process is this one: profiler labels are available.</summary>
    public bool InProcess { get; }

    /// <summary>The OS thread's name (from /proc, as the kernel knows it), as last seen; "" when unknown. A new thread
    /// carries its creator's name until the runtime renames it, so names are re-read while the session runs.</summary>
    public string ThreadName(int tid)
    {
        lock (_threadNames)
        {
            if (_threadNames.TryGetValue(tid, out var name)) return name;
        }
        string read = ReadComm(tid);
        lock (_threadNames)
        {
            if (read.Length > 0 || !_threadNames.ContainsKey(tid)) _threadNames[tid] = read;
            return read;
        }
    }

    /// <summary>Reads the names of the process's threads now and every half second until <see cref="StopTracking"/>,
    /// so that threads which exit before their samples are processed keep their names.</summary>
    public void TrackThreadNames()
    {
        lock (_threadNames)
        {
            if (_timer != null) return;
            _timer = new Timer(_ => RefreshThreadNames(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>Ends the CPU-time window: takes the last per-thread and process CPU readings now (when the session is
    /// asked to stop), so the CPU the threads burn while the last events are still being processed is not charged to
    /// the profile. Thread names keep being tracked until <see cref="StopTracking"/>.</summary>
    public void EndCpuWindow()
    {
        lock (_threadNames)
        {
            if (_timer == null || _cpuWindowEnded) return;
        }
        long process = ReadProcessCpuNs();
        RefreshThreadNames();
        lock (_threadNames)
        {
            _cpuWindowEnded = true;
            _processCpuEnd = process;
        }
    }

    public void StopTracking()
    {
        lock (_threadNames)
        {
            _timer?.Dispose();
            _timer = null;
        }
        StopThreadStates();
        RefreshThreadNames();
    }

    private void RefreshThreadNames()
    {
        bool first;
        lock (_threadNames) first = !_cpuBaseline;
        try
        {
            foreach (var dir in Directory.EnumerateDirectories($"/proc/{ProcessId}/task"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out int tid)) continue;
                string name = ReadComm(tid);
                long cpu = ReadCpuNs(tid);
                lock (_threadNames)
                {
                    if (name.Length > 0) _threadNames[tid] = name;
                    if (cpu >= 0 && !_cpuWindowEnded)
                    {
                        // Threads present at the first reading count from that reading, later ones from their start.
                        if (_cpuNs.TryGetValue(tid, out var c)) _cpuNs[tid] = (c.First, cpu);
                        else _cpuNs[tid] = (_cpuBaseline ? 0 : cpu, cpu);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        // The process's reading is taken after the threads' first readings and before their last ones (EndCpuWindow),
        // so the process's window lies inside the threads' and what it leaves over for unread threads is not inflated.
        if (first)
        {
            long process = ReadProcessCpuNs();
            lock (_threadNames) if (_processCpuStart < 0) _processCpuStart = process;
        }
        lock (_threadNames) _cpuBaseline = true;
    }

    /// <summary>On-CPU nanoseconds of each thread seen while tracking, from /proc/PID/task/TID/schedstat; empty when
    /// the kernel does not provide them.</summary>
    public Dictionary<int, long> ThreadCpuNanoseconds()
    {
        lock (_threadNames) return _cpuNs.ToDictionary(kv => kv.Key, kv => Math.Max(0, kv.Value.Last - kv.Value.First));
    }

    /// <summary>On-CPU nanoseconds of the whole process (every thread, also those that exited) between the first
    /// reading and <see cref="EndCpuWindow"/>; null when unknown. No profile of the window can hold more CPU time.</summary>
    public long? ProcessCpuNanoseconds()
    {
        lock (_threadNames) return _processCpuStart >= 0 && _processCpuEnd >= _processCpuStart ? _processCpuEnd - _processCpuStart : null;
    }

    /// <summary>utime + stime of the process from /proc/PID/stat, in nanoseconds; -1 when unavailable.</summary>
    private long ReadProcessCpuNs()
    {
        var fields = ProcStat.Fields($"/proc/{ProcessId}/stat");
        return fields is { Length: > 12 } && long.TryParse(fields[11], System.Globalization.CultureInfo.InvariantCulture, out long utime)
               && long.TryParse(fields[12], System.Globalization.CultureInfo.InvariantCulture, out long stime)
            ? (utime + stime) * (1_000_000_000L / s_clockTicksPerSecond)
            : -1;
    }

    private static readonly long s_clockTicksPerSecond = ReadClockTicks();

    private static long ReadClockTicks()
    {
        try
        {
            long ticks = Sysconf(2 /* _SC_CLK_TCK */);
            return ticks > 0 && 1_000_000_000L % ticks == 0 ? ticks : 100;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 100;
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);

    private long ReadCpuNs(int tid)
    {
        try
        {
            string text = File.ReadAllText($"/proc/{ProcessId}/task/{tid}/schedstat");
            int space = text.IndexOf(' ');
            return space > 0 && long.TryParse(text.AsSpan(0, space), out long ns) ? ns : -1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private string ReadComm(int tid)
    {
        try
        {
            return File.ReadAllText($"/proc/{ProcessId}/task/{tid}/comm").TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The profiler labels in effect on <paramref name="tid"/> at <paramref name="utc"/> (in-process only).</summary>
    public KeyValuePair<string, string>[]? LabelsAt(int tid, DateTime utc) => InProcess ? LabelTracker.LabelsAt(tid, utc.Ticks) : null;
}
