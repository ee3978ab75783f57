using Pprof.Runtime.TestTarget;

namespace Pprof.Runtime.Bench;

/// <summary>The measured process: one thread runs the workload in small units and publishes the count.</summary>
internal static class Worker
{
    private static long s_ops;

    public static int Run(string workload)
    {
        var t = new Thread(() =>
        {
            while (true)
            {
                if (workload == "cpu") Workloads.HotMethod(20_000);
                else Workloads.AllocateMix(64 * 1024);
                Interlocked.Increment(ref s_ops);
            }
        }) { IsBackground = true, Name = "bench-" + workload };
        t.Start();
        while (true)
        {
            Thread.Sleep(100);
            Console.WriteLine("ops " + Interlocked.Read(ref s_ops));
        }
    }
}
