using Pprof.Profiles;

namespace Pprof.Traces;

/// <summary>Blocking profiles derived from an execution trace, as <c>go tool trace -pprof=TYPE</c> derives them: one
/// sample per stack with <c>contentions/count</c> (how many times a thread blocked there) and <c>delay/nanoseconds</c>
/// (how long), period type <c>trace/count</c>.</summary>
public static class TraceProfiles
{
    /// <summary>The kinds, in Go's words: <c>net</c> (network blocking), <c>sync</c> (synchronization: locks and wait
    /// handles), <c>syscall</c> (system calls and other native code), <c>sched</c> (scheduler latency: how long queued
    /// work waited for a thread-pool thread).</summary>
    public static IReadOnlyList<string> Kinds { get; } = new[] { "net", "sync", "syscall", "sched" };

    /// <summary>Frames that start the runtime's own service threads; their idle waits are left out of the profiles,
    /// as Go leaves out its system goroutines.</summary>
    private static readonly string[] s_runtimeThreads =
    {
        "System.Threading.PortableThreadPool+GateThread.", "System.Threading.TimerQueue.TimerThread",
        "System.Threading.PortableThreadPool+WaitThread.", "System.Threading.PortableThreadPool+WorkerThread.WorkerThreadStart",
    };

    /// <summary>Builds the <paramref name="kind"/> profile of <paramref name="trace"/>; throws
    /// <see cref="ArgumentException"/> for an unknown kind.</summary>
    public static Profile Build(NetTrace trace, string kind)
    {
        ArgumentNullException.ThrowIfNull(trace);
        Func<TraceBlockKind, bool> include = kind switch
        {
            "net" => k => k == TraceBlockKind.Net,
            "sync" => k => k is TraceBlockKind.Lock or TraceBlockKind.WaitHandle,
            "syscall" => k => k == TraceBlockKind.Syscall,
            "sched" => k => k == TraceBlockKind.Sched,
            _ => throw new ArgumentException($"unknown profile type {kind} (want one of {string.Join(", ", Kinds)})", nameof(kind)),
        };
        var byStack = new Dictionary<int, (long Count, long Delay)>();
        foreach (var b in trace.Blocks)
        {
            if (!include(b.Kind) || b.StackId < 0 || b.DurationNanos <= 0 || IsRuntimeThread(trace.Stacks[b.StackId])) continue;
            var v = byStack.GetValueOrDefault(b.StackId);
            byStack[b.StackId] = (v.Count + 1, v.Delay + b.DurationNanos);
        }
        var p = new Profile
        {
            SampleTypes = { new ProfileValueType("contentions", "count"), new ProfileValueType("delay", "nanoseconds") },
            PeriodType = new ProfileValueType("trace", "count"),
            Period = 1,
            TimeNanos = new DateTimeOffset(trace.StartTime).ToUnixTimeMilliseconds() * 1_000_000,
            DurationNanos = trace.DurationNanos,
        };
        var locations = new Dictionary<(ulong, string), Location>();
        var functions = new Dictionary<string, Function>(StringComparer.Ordinal);
        foreach (var (stackId, (count, delay)) in byStack.OrderBy(kv => kv.Key))
        {
            var frames = trace.Stacks[stackId];
            var locs = new Location[frames.Count];
            for (int i = 0; i < frames.Count; i++)
            {
                var f = frames[i];
                if (!locations.TryGetValue((f.Address, f.Function), out var loc))
                {
                    if (!functions.TryGetValue(f.Function, out var fn))
                    {
                        fn = new Function { Id = (ulong)functions.Count + 1, Name = f.Function, SystemName = f.Function, Filename = f.Module };
                        functions.Add(f.Function, fn);
                        p.Functions.Add(fn);
                    }
                    loc = new Location { Id = (ulong)locations.Count + 1, Address = f.Address, Lines = new[] { new Line(fn, 0) } };
                    locations.Add((f.Address, f.Function), loc);
                    p.Locations.Add(loc);
                }
                locs[i] = loc;
            }
            p.Samples.Add(new Sample(locs, new[] { count, delay }));
        }
        return p;
    }

    private static bool IsRuntimeThread(IReadOnlyList<TraceFrame> stack)
    {
        // Only a wait directly in the service thread's loop (within a few frames of its start) is idle: a work item the
        // thread-pool worker runs is the application's.
        for (int i = stack.Count - 1; i >= 0 && i >= stack.Count - 4; i--)
        {
            foreach (var p in s_runtimeThreads) if (stack[i].Function.StartsWith(p, StringComparison.Ordinal)) return i >= stack.Count - 4 && !RunsWork(stack, i);
        }
        return false;
    }

    private static bool RunsWork(IReadOnlyList<TraceFrame> stack, int from)
    {
        for (int i = from - 1; i >= 0; i--)
        {
            if (stack[i].Function.StartsWith("System.Threading.ThreadPoolWorkQueue.Dispatch", StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
