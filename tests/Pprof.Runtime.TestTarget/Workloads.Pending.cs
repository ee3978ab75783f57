namespace Pprof.Runtime.TestTarget;

/// <summary>The <c>pending</c> workload: a known number of async operations that never complete, for goroutine
/// snapshots from outside: <see cref="Count"/> chains <c>Outer → AwaitForever</c>, each awaiting one
/// never-completed task. Prints <c>pending N</c> once they all wait.</summary>
public static class PendingWorkloads
{
    public const int Count = 3_000;

    private static readonly TaskCompletionSource<int> s_never = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static readonly List<Task> s_tasks = new();

    public static void StartOnce()
    {
        lock (s_tasks)
        {
            if (s_tasks.Count > 0) return;
            for (int i = 0; i < Count; i++) s_tasks.Add(Outer(i));
        }
        Console.WriteLine($"pending {Count}");
        Console.Out.Flush();
    }

    private static async Task Outer(int i)
    {
        int v = await AwaitForever().ConfigureAwait(false);
        GC.KeepAlive(v + i);
    }

    private static async Task<int> AwaitForever() => await s_never.Task.ConfigureAwait(false);
}
