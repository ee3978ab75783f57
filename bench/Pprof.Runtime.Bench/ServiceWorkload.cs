using Pprof.Runtime.TestTarget;

namespace Pprof.Runtime.Bench;

/// <summary>A demo-like service workload for the trace bench: <see cref="Concurrency"/> async "requests" at a time on the
/// thread pool, each going through the pool's queue (an await that yields, as a request's continuations do), computing
/// (about 100 µs), allocating about 32 KB and taking a shared lock briefly (occasional contention), like the demo shop's handlers.</summary>
internal static class ServiceWorkload
{
    /// <summary>Requests in flight.</summary>
    public const int Concurrency = 8;

    /// <summary>The compute per request (<c>Workloads.HotMethod</c>'s argument): a request of some 100 µs, thread-pool
    /// work items at a demo's rate (thousands a second) rather than millions. <c>PPROF_BENCH_SERVICE_WORK</c> overrides it.</summary>
    private static readonly int s_work = int.TryParse(Environment.GetEnvironmentVariable("PPROF_BENCH_SERVICE_WORK"), out int w) && w > 0 ? w : 20_000;

    private static readonly object s_gate = new();
    private static long s_shared;

    /// <summary>Starts the loops; <paramref name="completed"/> runs after each request.</summary>
    public static void Start(Action completed)
    {
        for (int i = 0; i < Concurrency; i++) _ = Task.Run(() => Loop(completed));
    }

    private static async Task Loop(Action completed)
    {
        while (true)
        {
            await Task.Yield();
            Workloads.HotMethod(s_work);
            await Task.Yield();
            Workloads.AllocateMix(32 * 1024);
            lock (s_gate) s_shared++;
            completed();
        }
    }
}
