using Pprof.Runtime.Goroutine;

namespace Pprof.Runtime.Tests;

/// <summary>Truth tests of the goroutine profile: pending async operations counted in their async method, and a thread
/// blocked on a lock shown with its stack.</summary>
[Collection("runtime")]
public sealed class GoroutineTests
{
    private const int Pending = 1_000;

    private static async Task AwaitNeverCompleted(TaskCompletionSource<int> never) => await never.Task.ConfigureAwait(false);

    private static void HoldLockAndWait(object gate, ManualResetEventSlim entered)
    {
        entered.Set();
        lock (gate) { GC.KeepAlive(gate); }
    }

    [Fact]
    public async Task PendingAsyncOperationsAndABlockedThreadAreInTheProfile()
    {
        var never = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new Task[Pending];
        for (int i = 0; i < Pending; i++) tasks[i] = AwaitNeverCompleted(never);

        var gate = new object();
        var entered = new ManualResetEventSlim();
        Thread blocked;
        List<GoroutineRecord> records;
        lock (gate)
        {
            blocked = new Thread(() => HoldLockAndWait(gate, entered)) { Name = "blocked-on-lock", IsBackground = true };
            blocked.Start();
            entered.Wait();
            // Until it blocks in Monitor.Enter (after spinning): the runtime then marks it WaitSleepJoin.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while ((blocked.ThreadState & ThreadState.WaitSleepJoin) == 0 && waited.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(10);
            Assert.True((blocked.ThreadState & ThreadState.WaitSleepJoin) != 0, $"the thread did not block on the lock: {blocked.ThreadState}");
            records = GoroutineProfiler.Snapshot(0, CancellationToken.None);
        }
        Assert.True(blocked.Join(10_000));
        never.SetResult(0);
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10));

        var p = ProfileAssert.RoundTrip(GoroutineProfiler.Build(records, Environment.ProcessId));
        const string method = "Pprof.Runtime.Tests.GoroutineTests.AwaitNeverCompleted";
        long pendingHere = ProfileAssert.Sum(p, "goroutine", s => s.Locations[0].Lines[0].Function?.Name == method);
        Assert.True(pendingHere == Pending, $"{pendingHere} pending in {method}; samples:\n" + string.Join("\n", p.Samples.OrderByDescending(s => s.Values[0]).Take(15)
            .Select(s => s.Values[0] + " " + string.Join(",", s.Labels!.Select(kv => kv.Key + "=" + kv.Value[0])) + ": " + string.Join(" <- ", s.Locations.Select(l => l.Lines[0].Function?.Name)))));
        Assert.All(p.Samples.Where(s => s.Locations[0].Lines[0].Function?.Name == method), s =>
        {
            Assert.Equal("async", ProfileAssert.Label(s, "kind"));
            Assert.Equal("await System.Threading.Tasks.Task<int>", ProfileAssert.Label(s, "wait"));
        });

        var named = p.Samples.Where(s => ProfileAssert.Label(s, "thread") == "blocked-on-lock").ToList();
        Assert.True(named.Count == 1, $"{named.Count} samples of the thread blocked-on-lock (managed id {blocked.ManagedThreadId}); thread samples:\n"
            + string.Join("\n", p.Samples.Where(s => ProfileAssert.Label(s, "kind") == "thread").Select(s => string.Join(",", s.Labels!.Select(kv => kv.Key + "=" + kv.Value[0])) + ": " + string.Join(" <- ", s.Locations.Take(6).Select(l => l.Lines[0].Function?.Name)))));
        var thread = named[0];
        Assert.Equal("thread", ProfileAssert.Label(thread, "kind"));
        Assert.Equal("waiting", ProfileAssert.Label(thread, "state"));
        Assert.StartsWith("lock", ProfileAssert.Label(thread, "wait"));
        Assert.True(ProfileAssert.HasFrame(thread, "GoroutineTests.HoldLockAndWait"), "the blocked thread's stack shows where it waits");

        // debug=1 groups identical stacks as Go does; debug=2 lists every thread with its stack.
        var text = new MemoryStream();
        GoroutineProfiler.WriteTo(records, Environment.ProcessId, text, 1);
        string grouped = System.Text.Encoding.UTF8.GetString(text.ToArray());
        Assert.StartsWith($"goroutine profile: total {records.Count}\n", grouped);
        Assert.Contains($"\n{Pending} @ ", grouped);
        text.SetLength(0);
        GoroutineProfiler.WriteTo(records, Environment.ProcessId, text, 2);
        string dump = System.Text.Encoding.UTF8.GetString(text.ToArray());
        Assert.Matches("thread [0-9]+ \"blocked-on-lock\" \\(os thread [0-9]+\\) \\[lock \\(Monitor.Enter\\)\\]:\n(.*\n)*Pprof.Runtime.Tests.GoroutineTests.HoldLockAndWait", dump);
    }

    [Fact]
    public void RetentionAndGoroutineAreNamedProfilesAndCollectKinds()
    {
        Assert.Contains("retention", RuntimeProfiles.KindNames);
        Assert.Contains("goroutine", RuntimeProfiles.KindNames);
        Assert.NotNull(Profiler.Lookup("retention"));
        var text = new MemoryStream();
        Profiler.Lookup("goroutine")!.WriteTo(text, 1);
        string grouped = System.Text.Encoding.UTF8.GetString(text.ToArray());
        Assert.StartsWith("goroutine profile: total ", grouped);
        Assert.Contains("# labels: {\"kind\":\"thread\"", grouped);
        // The profile says that, and for how long at most, the process was frozen.
        var p = GoroutineProfiler.Collect();
        Assert.Contains(p.Comments, c => c.StartsWith("the process was frozen while the runtime wrote a dump with its heap (", StringComparison.Ordinal) && c.Contains(" ms: the pause was at most that", StringComparison.Ordinal));
    }
}
