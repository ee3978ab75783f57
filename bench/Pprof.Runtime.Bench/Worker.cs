using Pprof.Runtime.TestTarget;

namespace Pprof.Runtime.Bench;

/// <summary>The measured process: one thread runs the workload in small units and publishes the count (and the bytes
/// allocated so far) every 100 ms. Lines on
/// standard input switch the in-process always-on profiles ("on KIND..." / "off") through the public API.</summary>
internal static class Worker
{
    private static long s_ops;
    private static Microsoft.Diagnostics.NETCore.Client.EventPipeSession? s_raw;

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
        var commands = new Thread(() =>
        {
            string? line;
            while ((line = Console.ReadLine()) != null) Switch(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }) { IsBackground = true, Name = "bench-commands" };
        commands.Start();
        while (true)
        {
            Thread.Sleep(100);
            Console.WriteLine("ops " + Interlocked.Read(ref s_ops) + " " + GC.GetTotalAllocatedBytes());
        }
    }

    private static void Switch(string[] words)
    {
        if (words.Length == 0) return;
        if (words[0] == "raw")
        {
            // An in-process EventPipe session with the kinds' providers whose stream is only drained (no TraceEvent,
            // no collectors): separates the runtime's in-process cost from the reader's.
            var collectors = words[1..].Select(k => Pprof.Runtime.Internal.ProfileKinds.Find(k)!.CreateCollector!()).ToArray();
            var client = new Microsoft.Diagnostics.NETCore.Client.DiagnosticsClient(Environment.ProcessId);
            var session = client.StartEventPipeSession(Pprof.Runtime.Internal.EventSession.Providers(collectors), requestRundown: false, circularBufferMB: 256);
            s_raw = session;
            new Thread(() =>
            {
                try
                {
                    session.EventStream.CopyTo(Stream.Null);
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                }
            }) { IsBackground = true, Name = "bench-raw" }.Start();
            Console.WriteLine("switched " + string.Join(' ', words));
            return;
        }
        if (words[0] == "rawoff")
        {
            s_raw?.Stop();
            s_raw?.Dispose();
            s_raw = null;
            Console.WriteLine("switched rawoff");
            return;
        }
        bool on = words[0] == "on";
        var kinds = on ? words[1..] : new[] { "allocs", "mutex", "block", "threadcreate", "exceptions" };
        foreach (var kind in kinds)
        {
            switch (kind)
            {
                case "allocs": Profiler.SetAllocationSampling(on); break;
                case "mutex": Profiler.SetMutexProfileFraction(on ? 1 : 0); break;
                case "block": Profiler.SetBlockProfileRate(on ? 1 : 0); break;
                case "threadcreate": Profiler.SetThreadCreateProfiling(on); break;
                case "exceptions": Profiler.SetExceptionProfiling(on); break;
            }
        }
        Console.WriteLine("switched " + string.Join(' ', words));
    }
}
