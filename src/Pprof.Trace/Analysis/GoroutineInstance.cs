namespace Pprof.Traces.Analysis;

/// <summary>One instance in a <see cref="GoroutineGroup"/>: a dedicated thread, or the work of one async method or
/// callback on one thread-pool thread.</summary>
/// <param name="ThreadId">The thread.</param>
/// <param name="ThreadName">Its name (<c>thread TID</c> when unnamed).</param>
/// <param name="StartNanos">When it was first seen, nanoseconds since the start of the trace.</param>
/// <param name="EndNanos">When it was last seen.</param>
/// <param name="Times">Where its time went.</param>
public sealed record GoroutineInstance(int ThreadId, string ThreadName, long StartNanos, long EndNanos, GoroutineTimes Times);
