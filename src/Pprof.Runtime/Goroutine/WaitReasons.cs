namespace Pprof.Runtime.Goroutine;

/// <summary>Names what a thread waits for from the innermost frames of its stack, in the spirit of Go's wait reasons
/// ("semacquire", "sleep", "IO wait").</summary>
internal static class WaitReasons
{
    private static readonly (string Prefix, string Reason)[] s_rules =
    {
        ("System.Threading.Monitor.Enter", "lock (Monitor.Enter)"),
        ("System.Threading.Monitor.ReliableEnter", "lock (Monitor.Enter)"),
        ("System.Threading.Monitor.TryEnter", "lock (Monitor.Enter)"),
        ("System.Threading.Lock.Enter", "lock (Lock.Enter)"),
        ("System.Threading.Lock.TryEnter", "lock (Lock.Enter)"),
        ("System.Threading.Monitor.Wait", "Monitor.Wait"),
        ("System.Threading.Thread.Sleep", "sleep"),
        ("System.Threading.Thread.Join", "Thread.Join"),
        ("System.Threading.SemaphoreSlim.Wait", "SemaphoreSlim.Wait"),
        ("System.Threading.ManualResetEventSlim.Wait", "ManualResetEventSlim.Wait"),
        ("System.Threading.ReaderWriterLockSlim.", "ReaderWriterLockSlim wait"),
        ("System.Threading.Tasks.Task.Wait", "Task.Wait"),
        ("System.Threading.Tasks.Task.InternalWait", "Task.Wait"),
        ("System.Threading.Tasks.Task.SpinThenBlockingWait", "Task.Wait"),
        ("System.Runtime.CompilerServices.TaskAwaiter.GetResult", "Task.Wait"),
        ("System.Threading.Tasks.Task.GetResultCore", "Task.Wait"),
        ("System.Threading.LowLevelLifoSemaphore.", "idle (thread pool)"),
        ("System.Threading.PortableThreadPool.GateThread", "idle (thread pool gate)"),
        ("System.Threading.WaitHandle.", "WaitHandle.Wait"),
        ("System.Threading.WaitSubsystem.", "WaitHandle.Wait"),
        ("System.Threading.LowLevelMonitor.", "idle"),
        ("System.Net.Sockets.SocketAsyncEngine.EventLoop", "IO wait"),
        ("Interop.Sys.WaitForSocketEvents", "IO wait"),
        ("System.Console.", "IO wait (console)"),
        ("System.GC.RunFinalizers", "finalizer wait"),
        ("System.Threading.TimerQueue.TimerThread", "idle (timers)"),
    };

    /// <summary>The wait reason of a stack (leaf first), or "" when the innermost frames show no wait.</summary>
    public static string Of(IReadOnlyList<GoroutineFrame> frames)
    {
        int n = Math.Min(frames.Count, 8);
        for (int i = 0; i < n; i++)
        {
            string f = frames[i].Name;
            foreach (var (prefix, reason) in s_rules)
            {
                if (f.StartsWith(prefix, StringComparison.Ordinal)) return reason;
            }
        }
        return "";
    }
}
