namespace Pprof.Traces.Analysis;

/// <summary><c>go tool trace</c>'s goroutine analysis for .NET. .NET has no goroutines; what runs the same code is
/// grouped instead:
/// <list type="bullet">
/// <item>a dedicated thread by its start routine: the first frame of its sampled stacks under the runtime's thread start
/// (<c>Thread.StartCallback</c>), e.g. the <c>ThreadStart</c> delegate's method or <c>Program.Main</c>; one instance per thread;</item>
/// <item>thread-pool work by the async method or callback the pool ran: the first frame above
/// <c>ThreadPoolWorkQueue.Dispatch</c> outside <c>System.Threading</c> and <c>System.Runtime.CompilerServices</c> (an
/// async method's state machine <c>MoveNext</c> is named after the method); one instance per method and pool thread.
/// Idle workers are the group <c>PortableThreadPool+WorkerThread.WorkerThreadStart</c>.</item>
/// </list>
/// The runtime's task events (TplEventSource) carry task ids but not the method a task runs, so the groups come from the
/// stacks: the samples (about one a millisecond per thread) and the stacks of the lock, wait and queueing events.</summary>
public static class GoroutineAnalysis
{
    private const string PoolWorker = "System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart";
    private const string Dispatch = "System.Threading.ThreadPoolWorkQueue.Dispatch";

    /// <summary>Frames of the runtime's thread start, under the start routine.</summary>
    private static readonly string[] s_threadStart =
    {
        "System.Threading.Thread.StartCallback", "System.Threading.Thread+StartHelper.Run", "System.Threading.Thread+StartHelper.RunWorker",
        "System.Threading.ExecutionContext.RunInternal", "System.Threading.ExecutionContext.Run",
    };

    /// <summary>The groups of <paramref name="trace"/>, most execution first.</summary>
    public static IReadOnlyList<GoroutineGroup> Analyze(NetTrace trace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var groupOfStack = new (string? Name, bool Pool)?[trace.Stacks.Count];
        (string? Name, bool Pool) GroupOf(int stackId)
        {
            if (stackId < 0 || stackId >= groupOfStack.Length) return (null, false);
            return groupOfStack[stackId] ??= GroupOfStack(trace.Stacks[stackId]);
        }

        var pauses = new PauseTimeline(MmuCurve.Pauses(trace), trace.DurationNanos);
        var samplesByThread = new Dictionary<int, List<TraceSample>>();
        foreach (var s in trace.Samples)
        {
            if (!samplesByThread.TryGetValue(s.ThreadId, out var list)) samplesByThread[s.ThreadId] = list = new List<TraceSample>();
            list.Add(s);
        }

        // Each thread: pool worker or dedicated, and a dedicated thread's start routine (its most frequent one).
        var threadGroup = new Dictionary<int, (string Name, bool Pool)>();
        foreach (var (tid, samples) in samplesByThread)
        {
            cancellationToken.ThrowIfCancellationRequested();
            samples.Sort((a, b) => a.TimeNanos.CompareTo(b.TimeNanos));
            var counts = new Dictionary<(string Name, bool Pool), int>();
            foreach (var s in samples)
            {
                var g = GroupOf(s.StackId);
                if (g.Name != null) counts[(g.Name, g.Pool)] = counts.GetValueOrDefault((g.Name, g.Pool)) + 1;
            }
            int pool = counts.Where(kv => kv.Key.Pool).Sum(kv => kv.Value), dedicated = counts.Where(kv => !kv.Key.Pool).Sum(kv => kv.Value);
            threadGroup[tid] = pool > dedicated
                ? (PoolWorker, true)
                : counts.Count > 0 ? counts.Where(kv => !kv.Key.Pool).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Name, StringComparer.Ordinal).First().Key : (trace.ThreadName(tid), false);
        }

        var instances = new Dictionary<(int Thread, string Group), Accumulator>();
        Accumulator InstanceOf(int tid, string? group)
        {
            if (!threadGroup.TryGetValue(tid, out var tg)) threadGroup[tid] = tg = (trace.ThreadName(tid), false);
            string name = tg.Pool ? group ?? Dispatch : tg.Name;
            if (!instances.TryGetValue((tid, name), out var acc)) instances[(tid, name)] = acc = new Accumulator(tid, name, tg.Pool);
            return acc;
        }

        // Pool threads: the work item a sample or event belongs to, from its stack or else the thread's sample at that time.
        string? PoolGroupAt(int tid, long time, int stackId, bool after)
        {
            var g = GroupOf(stackId);
            if (g.Name != null && g.Pool && g.Name != PoolWorker) return g.Name;
            if (!samplesByThread.TryGetValue(tid, out var samples) || samples.Count == 0) return null;
            int i = LowerBound(samples, time);
            if (!after) i--;
            if (i < 0 || i >= samples.Count) return null;
            return GroupOf(samples[i].StackId).Name;
        }

        foreach (var (tid, samples) in samplesByThread)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool pool = threadGroup[tid].Pool;
            for (int i = 0; i < samples.Count; i++)
            {
                var s = samples[i];
                long w = i + 1 < samples.Count ? Math.Min(samples[i + 1].TimeNanos - s.TimeNanos, NetTraceReader.MaxSampleWeightNanos) : 0;
                var acc = InstanceOf(tid, pool ? GroupOf(s.StackId).Name : null);
                acc.Seen(s.TimeNanos, s.TimeNanos + w);
                acc.Total += w;
                if (s.Managed) acc.Execution += w;
                else if (IsSleeping(trace, s.StackId)) acc.Sleep += w;
                acc.Gc += pauses.Between(s.TimeNanos, s.TimeNanos + w);
            }
        }

        foreach (var b in trace.Blocks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long d = b.DurationNanos;
            if (d <= 0) continue;
            int tid = b.Kind == TraceBlockKind.Sched ? b.WakerThreadId : b.ThreadId;
            if (tid <= 0) continue;
            bool pool = threadGroup.TryGetValue(tid, out var tg) && tg.Pool;
            string? group = !pool ? null
                : b.Kind == TraceBlockKind.Sched ? PoolGroupAt(tid, b.EndNanos, -1, after: true)
                : PoolGroupAt(tid, b.StartNanos, b.StackId, after: false);
            var acc = InstanceOf(tid, group);
            switch (b.Kind)
            {
                case TraceBlockKind.Lock: acc.LockWait += d; break;
                case TraceBlockKind.WaitHandle: acc.WaitHandle += d; break;
                case TraceBlockKind.Net: acc.Net += d; break;
                case TraceBlockKind.Syscall: acc.Syscall += d; break;
                case TraceBlockKind.Sched: acc.Sched += d; break;
            }
            if (b.Kind != TraceBlockKind.Sched) acc.Seen(b.StartNanos, b.EndNanos);
        }

        var groups = new List<GoroutineGroup>();
        foreach (var byGroup in instances.Values.GroupBy(a => (a.Group, a.Pool)))
        {
            var list = byGroup
                .Select(a => new GoroutineInstance(a.ThreadId, trace.ThreadName(a.ThreadId), a.Start == long.MaxValue ? 0 : a.Start, a.End == long.MinValue ? 0 : a.End, a.Times))
                .OrderByDescending(i => i.Times.ExecutionNanos).ThenByDescending(i => i.Times.TotalNanos).ThenBy(i => i.ThreadId)
                .ToList();
            var sum = default(GoroutineTimes);
            foreach (var i in list) sum += i.Times;
            groups.Add(new GoroutineGroup(byGroup.Key.Group, byGroup.Key.Pool, sum, list));
        }
        return groups.OrderByDescending(g => g.Times.ExecutionNanos).ThenByDescending(g => g.Times.TotalNanos).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The group of a stack (leaf first): the start routine of a dedicated thread (Pool false), the work item
    /// of a thread-pool thread (Pool true; <c>WorkerThreadStart</c> when idle, <c>Dispatch</c> when the work is the
    /// runtime's own), or null when the stack shows neither.</summary>
    internal static (string? Name, bool Pool) GroupOfStack(IReadOnlyList<TraceFrame> stack)
    {
        int i = stack.Count - 1;
        while (i >= 0 && (IsUnnamed(stack[i].Function) || Array.IndexOf(s_threadStart, stack[i].Function) >= 0)) i--;
        if (i < 0) return (null, false);
        string start = stack[i].Function;
        if (start != PoolWorker) return (Pretty(start), false);
        int dispatch = -1;
        for (int j = i - 1; j >= 0; j--)
        {
            if (stack[j].Function == Dispatch)
            {
                dispatch = j;
                break;
            }
        }
        if (dispatch < 0) return (PoolWorker, true);
        for (int j = dispatch - 1; j >= 0; j--)
        {
            string f = stack[j].Function;
            if (IsUnnamed(f) || f.StartsWith("System.Threading.", StringComparison.Ordinal) || f.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal)) continue;
            return (Pretty(f), true);
        }
        return (Dispatch, true);
    }

    /// <summary>An async method's state machine (<c>NS.Type+&lt;GetAsync&gt;d__4.MoveNext</c>) by its method
    /// (<c>NS.Type.GetAsync</c>); other functions as they are.</summary>
    internal static string Pretty(string function)
    {
        if (!function.EndsWith(".MoveNext", StringComparison.Ordinal)) return function;
        int open = function.LastIndexOf("+<", StringComparison.Ordinal);
        if (open < 0) return function;
        int close = function.IndexOf(">d__", open, StringComparison.Ordinal);
        if (close < 0) return function;
        return string.Concat(function.AsSpan(0, open), ".", function.AsSpan(open + 2, close - open - 2));
    }

    private static bool IsUnnamed(string function) => function.Contains("!0x", StringComparison.Ordinal);

    private static bool IsSleeping(NetTrace trace, int stackId)
    {
        if (stackId < 0 || stackId >= trace.Stacks.Count) return false;
        foreach (var f in trace.Stacks[stackId])
        {
            if (f.Function.StartsWith("System.Threading.Thread.Sleep", StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>The first sample at or after <paramref name="time"/>.</summary>
    private static int LowerBound(List<TraceSample> samples, long time)
    {
        int lo = 0, hi = samples.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (samples[mid].TimeNanos < time) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private sealed class Accumulator(int threadId, string group, bool pool)
    {
        public int ThreadId { get; } = threadId;

        public string Group { get; } = group;

        public bool Pool { get; } = pool;

        public long Start { get; private set; } = long.MaxValue;

        public long End { get; private set; } = long.MinValue;

        public long Total { get; set; }

        public long Execution { get; set; }

        public long LockWait { get; set; }

        public long WaitHandle { get; set; }

        public long Net { get; set; }

        public long Syscall { get; set; }

        public long Sleep { get; set; }

        public long Sched { get; set; }

        public long Gc { get; set; }

        public GoroutineTimes Times => new(Total, Execution, LockWait, WaitHandle, Net, Syscall, Sleep, Sched, Gc);

        public void Seen(long from, long to)
        {
            Start = Math.Min(Start, from);
            End = Math.Max(End, to);
        }
    }
}
