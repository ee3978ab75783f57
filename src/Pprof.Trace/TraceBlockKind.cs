namespace Pprof.Traces;

/// <summary>What a thread waited for in a <see cref="TraceBlock"/>.</summary>
public enum TraceBlockKind
{
    /// <summary>A contended lock (Monitor, <c>lock</c>, System.Threading.Lock): ContentionStart to ContentionStop.</summary>
    Lock,

    /// <summary>A wait handle (WaitHandle.WaitOne, ManualResetEvent, Task.Wait, …): WaitHandleWaitStart to WaitHandleWaitStop.</summary>
    WaitHandle,

    /// <summary>Socket I/O (sampled: consecutive native samples in System.Net.Sockets).</summary>
    Net,

    /// <summary>Another system call or native code (sampled: consecutive native samples outside locks, waits and sockets).</summary>
    Syscall,

    /// <summary>Queued work waiting for a thread-pool thread (ThreadPoolEnqueueWork to ThreadPoolDequeueWork).</summary>
    Sched,
}
