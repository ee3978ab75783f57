using Pprof.Runtime.TestTarget;

// A process to profile from outside: runs a workload mix until killed or until the given seconds pass.
// Usage: Pprof.Runtime.TestTarget [seconds] [workload...] [exit=N]   workloads: cpu alloc mutex block threads exceptions linkedlist idle
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
                case "fillcache": HeapSiteWorkloads.FillCacheCycle(); break;
                case "heapinproc": HeapSiteWorkloads.FillCacheInProcess(Environment.GetEnvironmentVariable("PPROF_TEST_HEAP_OUT")!); return;
                case "linkedlist": Workloads.HoldLinkedList(20_000); Thread.Sleep(100); break;
                default: Thread.Sleep(100); break;
            }
        }
    }) { Name = "wl-" + kind, IsBackground = true };
    t.Start();
    workers.Add(t);
}
foreach (var t in workers) t.Join();
return exitCode;
