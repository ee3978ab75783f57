namespace Pprof.Traces.Analysis;

/// <summary>Where a goroutine's time went, nanoseconds (the breakdown of <c>go tool trace</c>'s goroutine analysis, in
/// .NET terms). The columns come from different sources and may overlap: a lock wait during a GC pause counts in
/// both.</summary>
/// <param name="TotalNanos">The time it was seen: the sampler visits every managed thread about once a millisecond, and
/// a sample stands for the time to the thread's next one (at most 10 ms).</param>
/// <param name="ExecutionNanos">Sampled running: the samples in managed code.</param>
/// <param name="LockWaitNanos">Contended locks (ContentionStart to ContentionStop).</param>
/// <param name="WaitHandleNanos">Wait handles (WaitHandleWaitStart to Stop: events, Task.Wait, semaphores).</param>
/// <param name="NetNanos">Blocking socket I/O (sampled).</param>
/// <param name="SyscallNanos">Other system calls and native code (sampled).</param>
/// <param name="SleepNanos">Thread.Sleep (sampled).</param>
/// <param name="SchedNanos">Scheduler latency: its work items waited in the thread-pool queue (ThreadPoolEnqueueWork to
/// ThreadPoolDequeueWork).</param>
/// <param name="GcPauseNanos">The part of its time that fell in GC pauses (the runtime stopped it).</param>
public readonly record struct GoroutineTimes(long TotalNanos, long ExecutionNanos, long LockWaitNanos, long WaitHandleNanos, long NetNanos,
    long SyscallNanos, long SleepNanos, long SchedNanos, long GcPauseNanos)
{
    /// <summary>The sum of two breakdowns.</summary>
    public static GoroutineTimes operator +(GoroutineTimes a, GoroutineTimes b) => new(a.TotalNanos + b.TotalNanos, a.ExecutionNanos + b.ExecutionNanos,
        a.LockWaitNanos + b.LockWaitNanos, a.WaitHandleNanos + b.WaitHandleNanos, a.NetNanos + b.NetNanos, a.SyscallNanos + b.SyscallNanos,
        a.SleepNanos + b.SleepNanos, a.SchedNanos + b.SchedNanos, a.GcPauseNanos + b.GcPauseNanos);

    /// <summary>The sum of two breakdowns (for languages without operators).</summary>
    public static GoroutineTimes Add(GoroutineTimes a, GoroutineTimes b) => a + b;
}
