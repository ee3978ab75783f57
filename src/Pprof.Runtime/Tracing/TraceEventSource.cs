using System.Diagnostics.Tracing;
using System.Globalization;

namespace Pprof.Runtime.Tracing;

/// <summary>The event source of the execution-trace annotations (<see cref="ExecutionTrace"/>) and of thread names:
/// provider <c>Pprof-Runtime-Trace</c>, part of the recorded provider set (see docs/trace.md). Every event method is
/// called only after <see cref="EventSource.IsEnabled()"/> said yes. Event names end neither in Start nor Stop, so that
/// EventSource adds no activity tracking.</summary>
[EventSource(Name = ExecutionTrace.ProviderName)]
internal sealed class TraceEventSource : EventSource
{
    public static readonly TraceEventSource Log = new();

    private readonly Dictionary<int, string> _threadNames = new();
    private Timer? _namer;

    private TraceEventSource()
    {
    }

    [Event(1, Level = EventLevel.Informational)]
    public unsafe void TaskBegin(long taskId, long parentId, string name)
    {
        fixed (char* n = name)
        {
            var data = stackalloc EventData[3];
            data[0] = new EventData { DataPointer = (nint)(&taskId), Size = sizeof(long) };
            data[1] = new EventData { DataPointer = (nint)(&parentId), Size = sizeof(long) };
            data[2] = new EventData { DataPointer = (nint)n, Size = (name.Length + 1) * 2 };
            WriteEventCore(1, 3, data);
        }
    }

    [Event(2, Level = EventLevel.Informational)]
    public void TaskEnd(long taskId) => WriteEvent(2, taskId);

    [Event(3, Level = EventLevel.Informational)]
    public void RegionBegin(long regionId, long taskId, string name) => WriteIdsAndName(3, regionId, taskId, name);

    [Event(4, Level = EventLevel.Informational)]
    public void RegionEnd(long regionId, long taskId, string name) => WriteIdsAndName(4, regionId, taskId, name);

    [Event(5, Level = EventLevel.Informational)]
    public unsafe void UserLog(long taskId, string category, string message)
    {
        fixed (char* c = category)
        fixed (char* m = message)
        {
            var data = stackalloc EventData[3];
            data[0] = new EventData { DataPointer = (nint)(&taskId), Size = sizeof(long) };
            data[1] = new EventData { DataPointer = (nint)c, Size = (category.Length + 1) * 2 };
            data[2] = new EventData { DataPointer = (nint)m, Size = (message.Length + 1) * 2 };
            WriteEventCore(5, 3, data);
        }
    }

    /// <summary>The name of an operating-system thread (its id as in the events' thread ids).</summary>
    [Event(6, Level = EventLevel.Informational)]
    public unsafe void ThreadName(long threadId, string name)
    {
        fixed (char* n = name)
        {
            var data = stackalloc EventData[2];
            data[0] = new EventData { DataPointer = (nint)(&threadId), Size = sizeof(long) };
            data[1] = new EventData { DataPointer = (nint)n, Size = (name.Length + 1) * 2 };
            WriteEventCore(6, 2, data);
        }
    }

    /// <summary>While a session listens, names every thread once a second (only new and renamed ones), so that the
    /// trace's lanes carry the names the application gave its threads.</summary>
    protected override void OnEventCommand(EventCommandEventArgs command)
    {
        if (command.Command != EventCommand.Enable) return;
        lock (_threadNames)
        {
            // A new session starts with no names known: every thread is named again in its stream.
            _threadNames.Clear();
            // A static callback: a lambda on this instance would compile into a method of this class, which EventSource
            // would take for an event.
            _namer ??= new Timer(static state => ((TraceEventSource)state!).NameThreads(), this, TimeSpan.Zero, TimeSpan.FromSeconds(1));
            _namer.Change(TimeSpan.Zero, TimeSpan.FromSeconds(1));
        }
    }

    [NonEvent]
    private unsafe void WriteIdsAndName(int id, long a, long b, string name)
    {
        fixed (char* n = name)
        {
            var data = stackalloc EventData[3];
            data[0] = new EventData { DataPointer = (nint)(&a), Size = sizeof(long) };
            data[1] = new EventData { DataPointer = (nint)(&b), Size = sizeof(long) };
            data[2] = new EventData { DataPointer = (nint)n, Size = (name.Length + 1) * 2 };
            WriteEventCore(id, 3, data);
        }
    }

    [NonEvent]
    private void NameThreads()
    {
        lock (_threadNames)
        {
            if (!IsEnabled())
            {
                _namer?.Change(Timeout.Infinite, Timeout.Infinite);
                return;
            }
            foreach (var (tid, name) in ThreadNames())
            {
                if (_threadNames.TryGetValue(tid, out var known) && known == name) continue;
                _threadNames[tid] = name;
                ThreadName(tid, name);
            }
        }
    }

    /// <summary>The threads of this process and their names (Linux: /proc/self/task/TID/comm, the name .NET gives a
    /// thread's operating-system thread, up to 15 characters); none elsewhere.</summary>
    [NonEvent]
    private static IEnumerable<(int Tid, string Name)> ThreadNames()
    {
        if (!OperatingSystem.IsLinux()) yield break;
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories("/proc/self/task");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        foreach (var dir in tasks)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int tid)) continue;
            string name;
            try
            {
                name = File.ReadAllText(Path.Combine(dir, "comm")).TrimEnd('\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (name.Length > 0) yield return (tid, name);
        }
    }
}
