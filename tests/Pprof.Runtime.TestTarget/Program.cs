using Pprof.Runtime.TestTarget;

// A process to profile from outside: runs a workload mix until killed or until the given seconds pass.
// Usage: Pprof.Runtime.TestTarget [seconds] [workload...] [exit=N]   workloads: cpu alloc mutex block threads exceptions linkedlist leak churn pending idle
//   spinsleep (5 ms spin, 5 ms sleep) allocheavy (allocation-bound: garbage collections)
// states: threads named st-STATE that stay blocked in a socket read, on a lock, asleep, in WaitOne, or spinning.
// Stats workloads: gc500 (a forced, blocking gen2 GC every 500 ms) throw100 (100 exceptions every 100 ms)
// calmspin (calm for 20 s, prints "spin", then two threads spin until the end) growheap (calm for 20 s, prints "grow",
// then keeps 8 MB more every 500 ms up to 256 MB).
// tracelock: three threads lock-1..3 fight over one lock, gc-forcer forces a GC every second; traceregion: 100 ms sleeps in user regions.
// exit=N: the process's exit status once the workloads end. startspin: burn CPU for 300 ms before anything else.
// fillcache: keep 20,000 1 KiB arrays live, refilled with a full GC every 2 s, plus churn (heap profile, out of process).
// heapinproc: the in-process heap profile of fillcache, written to $PPROF_TEST_HEAP_OUT (and .txt for debug=1), then exit.
// spawnchild: start this program again (0.1 s, exit=7) as a child with the inherited environment and wait for it.
if (args.Contains("startspin")) Workloads.StartupSpin(TimeSpan.FromMilliseconds(300));
if (args.Contains("spawnchild"))
{
    using var child = System.Diagnostics.Process.Start(Environment.ProcessPath!, new[] { typeof(Workloads).Assembly.Location, "0.1", "idle", "exit=7" });
    child.WaitForExit();
    Console.WriteLine($"child exited {child.ExitCode}");
}
double seconds = args.Length > 0 && double.TryParse(args[0], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 60;
int exitCode = args.Skip(1).Where(a => a.StartsWith("exit=", StringComparison.Ordinal)).Select(a => int.Parse(a[5..], System.Globalization.CultureInfo.InvariantCulture)).LastOrDefault();
var named = args.Skip(1).Where(a => !a.StartsWith("exit=", StringComparison.Ordinal) && a is not ("startspin" or "spawnchild")).ToArray();
var kinds = named.Length > 0 ? named : new[] { "cpu", "alloc", "mutex", "block", "threads", "exceptions" };
var end = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
Console.WriteLine($"ready {Environment.ProcessId}");
Console.Out.Flush();
var workers = new List<Thread>();
foreach (var kind in kinds)
{
    var t = new Thread(() =>
    {
        while (DateTime.UtcNow < end)
        {
            switch (kind)
            {
                case "cpu": Workloads.SpinHot(TimeSpan.FromMilliseconds(200)); break;
                case "alloc": Workloads.AllocateMix(10_000_000); Thread.Sleep(20); break;
                case "mutex": Workloads.ContendLock(2, 10, TimeSpan.FromMilliseconds(2)); break;
                case "block": Workloads.BlockOnWaits(2, TimeSpan.FromMilliseconds(20)); break;
                case "threads": Workloads.CreateThreads(2); Thread.Sleep(100); break;
                case "exceptions": Workloads.ThrowExceptions(5); Thread.Sleep(100); break;
                case "states": foreach (var st in StateWorkloads.Run(end - DateTime.UtcNow)) st.Join(); break;
                case "tracelock": TraceWorkloads.LockFightAndGc(end); break;
                case "traceregion": TraceWorkloads.SleepInRegions(end); break;
                case "fillcache": HeapSiteWorkloads.FillCacheCycle(); break;
                case "heapinproc": HeapSiteWorkloads.FillCacheInProcess(Environment.GetEnvironmentVariable("PPROF_TEST_HEAP_OUT")!); return;
                case "linkedlist": Workloads.HoldLinkedList(20_000); Thread.Sleep(100); break;
                case "leak": LeakWorkloads.GrowList(TimeSpan.FromMilliseconds(200)); break;
                case "churn": LeakWorkloads.ChurnCache(TimeSpan.FromMilliseconds(200)); break;
                case "spinsleep": OnCpuWorkloads.SpinSleep(TimeSpan.FromMilliseconds(500)); break;
                case "allocheavy": OnCpuWorkloads.AllocateHeavily(TimeSpan.FromMilliseconds(500)); break;
                case "pending": PendingWorkloads.StartOnce(); Thread.Sleep(100); break;
                case "gc500": StatsWorkloads.FullGcThenSleep(TimeSpan.FromMilliseconds(500)); break;
                case "calmspin": StatsWorkloads.CalmThenSpin(TimeSpan.FromSeconds(20), 2, end); break;
                case "growheap": StatsWorkloads.CalmThenGrowHeap(TimeSpan.FromSeconds(20), 256L << 20, end); break;
                case "throw100": StatsWorkloads.ThrowThenSleep(100, TimeSpan.FromMilliseconds(100)); break;
                default: Thread.Sleep(100); break;
            }
        }
    }) { Name = "wl-" + kind, IsBackground = true };
    t.Start();
    workers.Add(t);
}
foreach (var t in workers) t.Join();
return exitCode;
