namespace Pprof.Traces;

/// <summary>A point event on a thread: an exception thrown, a thread-pool worker started or stopped, a thread created,
/// a user log message.</summary>
/// <param name="Kind">What: <c>exception</c>, <c>threadpool-start</c>, <c>threadpool-stop</c>, <c>threadpool-adjust</c>,
/// <c>thread-created</c>, <c>log</c>.</param>
/// <param name="ThreadId">The thread.</param>
/// <param name="TimeNanos">Nanoseconds since the start of the trace.</param>
/// <param name="Name">The exception type, the log category, the adjustment reason, …</param>
/// <param name="Detail">The exception message, the log message, …</param>
/// <param name="StackId">Its stack; -1 when none.</param>
/// <param name="TaskId">For logs: the user task; otherwise 0.</param>
public sealed record TraceInstant(string Kind, int ThreadId, long TimeNanos, string Name, string Detail, int StackId, long TaskId);
