namespace Pprof.Runtime.Internal;

/// <summary>The session's kernel thread-state reader (wall profiles' <c>thread_state</c> label).</summary>
internal sealed partial class SessionContext
{
    private ThreadStateReader? _threadStates;

    /// <summary>The kernel reader, when <see cref="TrackThreadStates"/> started one (Linux only); stays readable (its
    /// history and counters) after the session stops.</summary>
    public ThreadStateReader? ThreadStates
    {
        get
        {
            lock (_threadNames) return _threadStates;
        }
    }

    /// <summary>Starts reading the kernel's state of the process's threads every <paramref name="period"/> until
    /// <see cref="StopTracking"/>. Does nothing where /proc is missing or a reader runs already.</summary>
    public void TrackThreadStates(TimeSpan period)
    {
        if (!ThreadStateReader.IsSupported(ProcessId)) return;
        lock (_threadNames)
        {
            if (_threadStates != null) return;
            _threadStates = new ThreadStateReader(ProcessId, period);
            _threadStates.Start();
        }
    }

    private void StopThreadStates()
    {
        ThreadStateReader? reader;
        lock (_threadNames) reader = _threadStates;
        reader?.Dispose();
    }
}
