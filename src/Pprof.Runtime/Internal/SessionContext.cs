namespace Pprof.Runtime.Internal;

/// <summary>What collectors know about the session they run in.</summary>
internal sealed class SessionContext
{
    private readonly Dictionary<int, string> _threadNames = new();
    private Timer? _timer;
    private readonly Dictionary<int, (long First, long Last)> _cpuNs = new();
    private bool _cpuBaseline;

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

    public void StopTracking()
    {
        lock (_threadNames)
        {
            _timer?.Dispose();
            _timer = null;
        }
        RefreshThreadNames();
    }

    private void RefreshThreadNames()
    {
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
                    if (cpu >= 0)
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
        lock (_threadNames) _cpuBaseline = true;
    }

    /// <summary>On-CPU nanoseconds of each thread seen while tracking, from /proc/PID/task/TID/schedstat; empty when
    /// the kernel does not provide them.</summary>
    public Dictionary<int, long> ThreadCpuNanoseconds()
    {
        lock (_threadNames) return _cpuNs.ToDictionary(kv => kv.Key, kv => Math.Max(0, kv.Value.Last - kv.Value.First));
    }

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
