namespace Pprof.Traces;

/// <summary>A span of time a thread (or a queued work item) was kept from running.</summary>
/// <param name="Kind">What it waited for.</param>
/// <param name="ThreadId">The thread that waited (for <see cref="TraceBlockKind.Sched"/>: the thread that queued the work).</param>
/// <param name="StartNanos">Start, nanoseconds since the start of the trace.</param>
/// <param name="EndNanos">End.</param>
/// <param name="StackId">The stack where the wait began (for Sched: where the work was queued); -1 when none.</param>
/// <param name="WakerThreadId">For locks: the thread that held the lock when the wait began (0 when unknown); for
/// Sched: the thread that ran the work.</param>
public readonly record struct TraceBlock(TraceBlockKind Kind, int ThreadId, long StartNanos, long EndNanos, int StackId, int WakerThreadId)
{
    /// <summary>The duration, nanoseconds.</summary>
    public long DurationNanos => EndNanos - StartNanos;
}
