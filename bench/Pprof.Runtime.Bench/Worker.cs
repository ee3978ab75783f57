using Pprof.Runtime.TestTarget;

namespace Pprof.Runtime.Bench;

/// <summary>The measured process: one thread runs the workload in small units and publishes the count (with the bytes
/// allocated so far and the time of reading) every 50 ms. Lines on
/// standard input switch the in-process always-on profiles ("on KIND..." / "off") and an in-process execution trace
/// ("trace FILE" / "traceoff") through the public API. Workload <c>service</c> is <see cref="ServiceWorkload"/>.</summary>
internal static class Worker
{
    private static long s_ops;
    private static Microsoft.Diagnostics.NETCore.Client.EventPipeSession? s_raw;
    private static FileStream? s_trace;

    public static int Run(string workload)
    {
        if (workload == "service")
        {
            ServiceWorkload.Start(() => Interlocked.Increment(ref s_ops));
        }
        else
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
        }
        var commands = new Thread(() =>
        {
            string? line;
            while ((line = Console.ReadLine()) != null) Switch(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }) { IsBackground = true, Name = "bench-commands" };
        commands.Start();
        while (true)
        {
            Thread.Sleep(50);
            // The count with the time it was read: the bench divides by the worker's own clock, not by its own
            // sleep, so a window's rate is exact whatever the report's delay.
            long ops = Interlocked.Read(ref s_ops);
            Console.WriteLine("ops " + ops + " " + GC.GetTotalAllocatedBytes() + " " + System.Diagnostics.Stopwatch.GetTimestamp());
        }
    }

    /// <summary>EventPipe providers from dotnet-trace's <c>--providers</c> syntax (<c>name:0xKEYWORDS:LEVEL</c>, comma-separated),
    /// as <see cref="Pprof.Runtime.RuntimeProfiles.DescribeProviders"/> gives them.</summary>
    private static List<Microsoft.Diagnostics.NETCore.Client.EventPipeProvider> Providers(string described) =>
        described.Split(',').Select(p => p.Split(':')).Select(f => new Microsoft.Diagnostics.NETCore.Client.EventPipeProvider(f[0],
            (System.Diagnostics.Tracing.EventLevel)int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(f[1].AsSpan(2), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture))).ToList();

    private static void Switch(string[] words)
    {
        if (words.Length == 0) return;
        if (words[0] == "raw")
        {
            // An in-process EventPipe session with the kinds' providers whose stream is only drained (no TraceEvent,
            // no collectors): separates the runtime's in-process cost from the reader's.
            var client = new Microsoft.Diagnostics.NETCore.Client.DiagnosticsClient(Environment.ProcessId);
            var session = client.StartEventPipeSession(Providers(Pprof.Runtime.RuntimeProfiles.DescribeProviders(words[1..])), requestRundown: false, circularBufferMB: 256);
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
        if (words[0] == "trace")
        {
            // An in-process execution trace to a file (Profiler.StartTrace), as /debug/pprof/trace records one.
            s_trace = File.Create(words[1]);
            Profiler.StartTrace(s_trace);
            Console.WriteLine("switched trace");
            return;
        }
        if (words[0] == "traceoff")
        {
            Profiler.StopTrace();
            s_trace?.Dispose();
            s_trace = null;
            Console.WriteLine("switched traceoff");
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
        // One call for the whole set (one session restart), as a service does at start-up.
        var kinds = words[0] == "on" ? words[1..].ToHashSet() : new HashSet<string>();
        Profiler.SetAlwaysOnProfiles(new AlwaysOnProfiles
        {
            HeapProfiling = kinds.Contains("heap"),
            AllocationSampling = kinds.Contains("allocs"),
            MutexProfileFraction = kinds.Contains("mutex") ? 1 : 0,
            BlockProfileRate = kinds.Contains("block") ? 1 : 0,
            ThreadCreateProfiling = kinds.Contains("threadcreate"),
            ExceptionProfiling = kinds.Contains("exceptions"),
        });
        Console.WriteLine("switched " + string.Join(' ', words));
    }
}
