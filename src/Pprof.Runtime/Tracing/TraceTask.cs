namespace Pprof.Runtime.Tracing;

/// <summary>A task of an execution trace (see <see cref="ExecutionTrace.NewTask"/>); disposing it ends it. When no
/// trace was recording, <see cref="ExecutionTrace.NewTask"/> returns one shared task with id 0 that does nothing.</summary>
public sealed class TraceTask : IDisposable
{
    internal static readonly TraceTask None = new(0, null);

    private int _ended;

    internal TraceTask(long id, TraceTask? parent)
    {
        Id = id;
        Parent = parent;
    }

    /// <summary>The task's id in the trace (unique in this process).</summary>
    public long Id { get; }

    internal TraceTask? Parent { get; }

    /// <summary>Ends the task (once) and makes its parent the current task again.</summary>
    public void Dispose()
    {
        if (Id != 0 && Interlocked.Exchange(ref _ended, 1) == 0) ExecutionTrace.End(this);
    }
}
