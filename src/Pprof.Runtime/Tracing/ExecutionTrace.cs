namespace Pprof.Runtime.Tracing;

/// <summary>User annotations for execution traces, the counterpart of Go's <c>runtime/trace</c>: tasks
/// (<see cref="NewTask"/>, a logical operation that may span threads and awaits), regions (<see cref="StartRegion"/>,
/// a timed span of code) and log messages (<see cref="Log"/>). The current task flows through async code as an
/// <see cref="AsyncLocal{T}"/> does. While no trace records (the <c>Pprof-Runtime-Trace</c> provider is not enabled)
/// every call is a field read and returns at once, without allocating; a task begun then is not recorded even if a
/// trace starts before it ends.</summary>
/// <example><code>
/// using var task = ExecutionTrace.NewTask("checkout");
/// using (ExecutionTrace.StartRegion("load cart")) await LoadCartAsync();
/// ExecutionTrace.Log("order", orderId);
/// </code></example>
public static class ExecutionTrace
{
    /// <summary>The EventPipe provider the annotations are written to (part of the recorded provider set).</summary>
    public const string ProviderName = "Pprof-Runtime-Trace";

    private static readonly AsyncLocal<TraceTask?> s_current = new();
    private static long s_lastId;

    /// <summary>Whether a trace records the annotations now.</summary>
    public static bool IsEnabled => TraceEventSource.Log.IsEnabled();

    /// <summary>Begins a task named <paramref name="name"/>, a child of the current task, and makes it the current
    /// task of this execution context until it is disposed (end it in the same context it was begun in, as with
    /// <c>using</c>).</summary>
    public static TraceTask NewTask(string name)
    {
        if (!TraceEventSource.Log.IsEnabled()) return TraceTask.None;
        ArgumentNullException.ThrowIfNull(name);
        var parent = s_current.Value;
        var task = new TraceTask(Interlocked.Increment(ref s_lastId), parent);
        TraceEventSource.Log.TaskBegin(task.Id, parent?.Id ?? 0, name);
        s_current.Value = task;
        return task;
    }

    /// <summary>Starts a region named <paramref name="name"/> in the current task (or none); it ends when disposed.
    /// Regions may span awaits and threads.</summary>
    public static TraceRegion StartRegion(string name)
    {
        if (!TraceEventSource.Log.IsEnabled()) return default;
        ArgumentNullException.ThrowIfNull(name);
        var region = new TraceRegion(Interlocked.Increment(ref s_lastId), s_current.Value?.Id ?? 0, name);
        TraceEventSource.Log.RegionBegin(region.Id, region.TaskId, name);
        return region;
    }

    /// <summary>Logs <paramref name="message"/> under <paramref name="category"/> (may be empty) in the current task.</summary>
    public static void Log(string category, string message)
    {
        if (!TraceEventSource.Log.IsEnabled()) return;
        TraceEventSource.Log.UserLog(s_current.Value?.Id ?? 0, category ?? "", message ?? "");
    }

    /// <summary>The id of the current task; 0 when there is none.</summary>
    public static long CurrentTaskId => s_current.Value?.Id ?? 0;

    internal static void End(TraceTask task)
    {
        if (task.Id == 0) return;
        if (s_current.Value == task) s_current.Value = task.Parent;
        if (TraceEventSource.Log.IsEnabled()) TraceEventSource.Log.TaskEnd(task.Id);
    }
}
