namespace Pprof.Traces;

/// <summary>A named span: a user task or region (<c>Pprof.Runtime.Tracing.ExecutionTrace</c>) or a request (ASP.NET Core
/// hosting, HttpClient).</summary>
/// <param name="Kind"><c>task</c>, <c>region</c>, <c>request</c> or <c>http-client</c>.</param>
/// <param name="Id">The task or region id (0 for requests).</param>
/// <param name="TaskId">For regions: the task they belong to (0 for none); for tasks: the parent task.</param>
/// <param name="Name">The name (for requests: method and path or URL when the events carry them).</param>
/// <param name="ThreadId">The thread it started on.</param>
/// <param name="EndThreadId">The thread it ended on.</param>
/// <param name="StartNanos">Start, nanoseconds since the start of the trace.</param>
/// <param name="EndNanos">End; -1 when it had not ended when the trace stopped.</param>
public sealed record TraceSpan(string Kind, long Id, long TaskId, string Name, int ThreadId, int EndThreadId, long StartNanos, long EndNanos)
{
    /// <summary>The duration, nanoseconds (0 when it did not end in the trace).</summary>
    public long DurationNanos => EndNanos >= StartNanos ? EndNanos - StartNanos : 0;
}
