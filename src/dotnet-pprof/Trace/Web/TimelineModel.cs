using Pprof.Traces;

namespace Pprof.Cli.Trace.Web;

/// <summary>The timeline of a trace, prepared once when the UI starts: one <see cref="TimelineLane"/> per thread that
/// did something (named threads first, then unnamed ones, then the thread pool's workers), each a list of disjoint
/// state intervals. Blocking events win over samples: a lock wait, a wait handle, socket I/O (net) or a system call
/// (syscall) from <see cref="NetTrace.Blocks"/>; elsewhere a managed sample means running and a native sample in
/// <c>Thread.Sleep</c> sleeping, each for the time to the thread's next sample (at most 10 ms). Other native samples
/// (idle thread-pool workers, threads parked in the runtime) are left blank.</summary>
internal sealed class TimelineModel
{
    /// <summary>The states of <see cref="TimelineLane.States"/>, by index.</summary>
    public static readonly IReadOnlyList<string> States = new[] { "running", "lock", "waithandle", "net", "syscall", "sleep" };

    public const byte Running = 0;
    public const byte Lock = 1;
    public const byte WaitHandle = 2;
    public const byte Net = 3;
    public const byte Syscall = 4;
    public const byte Sleep = 5;

    /// <summary>The group of thread-pool worker lanes.</summary>
    public const string ThreadPoolGroup = "thread pool";

    /// <summary>The group of the other thread lanes.</summary>
    public const string ThreadsGroup = "threads";

    private const long MaxSampleNanos = 10_000_000;
    private const long LastSampleNanos = 1_000_000;

    private TimelineModel(NetTrace trace, IReadOnlyList<TimelineLane> lanes, Dictionary<int, int> laneOfThread)
    {
        Trace = trace;
        Lanes = lanes;
        _laneOfThread = laneOfThread;
    }

    private readonly Dictionary<int, int> _laneOfThread;

    /// <summary>The trace.</summary>
    public NetTrace Trace { get; }

    /// <summary>The lanes, top to bottom.</summary>
    public IReadOnlyList<TimelineLane> Lanes { get; }

    /// <summary>The lane of thread <paramref name="threadId"/>, or -1 when it has none.</summary>
    public int LaneOf(int threadId) => _laneOfThread.TryGetValue(threadId, out int i) ? i : -1;

    /// <summary>Builds the lanes of <paramref name="trace"/>.</summary>
    public static TimelineModel Build(NetTrace trace)
    {
        var blocksByThread = new Dictionary<int, List<(long Start, long End, byte State)>>();
        foreach (var b in trace.Blocks)
        {
            byte state;
            switch (b.Kind)
            {
                case TraceBlockKind.Lock: state = Lock; break;
                case TraceBlockKind.WaitHandle: state = WaitHandle; break;
                case TraceBlockKind.Net: state = Net; break;
                case TraceBlockKind.Syscall: state = Syscall; break;
                default: continue;
            }
            if (b.EndNanos <= b.StartNanos) continue;
            if (!blocksByThread.TryGetValue(b.ThreadId, out var list)) blocksByThread[b.ThreadId] = list = new();
            list.Add((b.StartNanos, b.EndNanos, state));
        }
        var sleepStacks = new Dictionary<int, bool>();
        var samplesByThread = new Dictionary<int, List<TraceSample>>();
        foreach (var s in trace.Samples)
        {
            if (!samplesByThread.TryGetValue(s.ThreadId, out var list)) samplesByThread[s.ThreadId] = list = new();
            list.Add(s);
        }
        var active = new HashSet<int>(blocksByThread.Keys);
        foreach (var i in trace.Instants) active.Add(i.ThreadId);
        foreach (var s in trace.Spans) active.Add(s.ThreadId);
        var built = new List<(int Tid, string Name, string Group, long[] S, long[] E, byte[] St)>();
        var names = trace.Threads.ToDictionary(t => t.Id, t => t.Name);
        foreach (int tid in samplesByThread.Keys.Concat(active).Distinct())
        {
            var blocks = blocksByThread.GetValueOrDefault(tid) ?? new();
            blocks.Sort((a, b) => a.Start.CompareTo(b.Start));
            var samples = samplesByThread.GetValueOrDefault(tid) ?? new();
            var fromSamples = SampleIntervals(trace, samples, sleepStacks);
            var merged = Combine(Disjoint(blocks), fromSamples);
            if (merged.Count == 0 && !active.Contains(tid)) continue;
            string name = names.GetValueOrDefault(tid, "");
            string group = IsThreadPool(name) ? ThreadPoolGroup : ThreadsGroup;
            string shown = (name.Length > 0 ? name : "thread") + " (" + tid.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")";
            built.Add((tid, shown, group, merged.Select(x => x.Start).ToArray(), merged.Select(x => x.End).ToArray(), merged.Select(x => x.State).ToArray()));
        }
        var ordered = built
            .OrderBy(b => b.Group == ThreadPoolGroup ? 2 : names.GetValueOrDefault(b.Tid, "").Length > 0 ? 0 : 1)
            .ThenBy(b => b.Group == ThreadPoolGroup ? "" : names.GetValueOrDefault(b.Tid, ""), StringComparer.Ordinal)
            .ThenBy(b => b.Tid)
            .ToList();
        var lanes = new List<TimelineLane>(ordered.Count);
        var laneOf = new Dictionary<int, int>();
        foreach (var b in ordered)
        {
            laneOf[b.Tid] = lanes.Count;
            lanes.Add(new TimelineLane(lanes.Count, b.Tid, b.Name, b.Group, b.S, b.E, b.St));
        }
        return new TimelineModel(trace, lanes, laneOf);
    }

    /// <summary>True for the runtime's thread-pool worker threads (named by the runtime or by the reader).</summary>
    internal static bool IsThreadPool(string name) =>
        name.StartsWith(".NET TP Worker", StringComparison.Ordinal) || name.StartsWith(".NET ThreadPool Worker", StringComparison.Ordinal);

    /// <summary>Running and sleeping intervals from a thread's samples, consecutive equal states merged.</summary>
    private static List<(long Start, long End, byte State)> SampleIntervals(NetTrace trace, List<TraceSample> samples, Dictionary<int, bool> sleepStacks)
    {
        var result = new List<(long Start, long End, byte State)>();
        for (int i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            byte state;
            if (s.Managed)
            {
                state = Running;
            }
            else
            {
                if (!sleepStacks.TryGetValue(s.StackId, out bool sleeping))
                {
                    sleeping = s.StackId >= 0 && s.StackId < trace.Stacks.Count &&
                        trace.Stacks[s.StackId].Any(f => f.Function.StartsWith("System.Threading.Thread.Sleep", StringComparison.Ordinal));
                    sleepStacks[s.StackId] = sleeping;
                }
                if (!sleeping) continue;
                state = Sleep;
            }
            long end = i + 1 < samples.Count ? s.TimeNanos + Math.Min(samples[i + 1].TimeNanos - s.TimeNanos, MaxSampleNanos) : s.TimeNanos + LastSampleNanos;
            if (end <= s.TimeNanos) continue;
            if (result.Count > 0 && result[^1].State == state && result[^1].End >= s.TimeNanos)
                result[^1] = (result[^1].Start, Math.Max(result[^1].End, end), state);
            else
                result.Add((s.TimeNanos, end, state));
        }
        return result;
    }

    /// <summary>Sorted intervals made disjoint: a later one starts where the one before ends.</summary>
    private static List<(long Start, long End, byte State)> Disjoint(List<(long Start, long End, byte State)> sorted)
    {
        var result = new List<(long Start, long End, byte State)>(sorted.Count);
        foreach (var x in sorted)
        {
            long start = result.Count > 0 ? Math.Max(x.Start, result[^1].End) : x.Start;
            if (x.End > start) result.Add((start, x.End, x.State));
        }
        return result;
    }

    /// <summary>The blocking intervals, and the sample intervals where no blocking interval is.</summary>
    private static List<(long Start, long End, byte State)> Combine(List<(long Start, long End, byte State)> blocks, List<(long Start, long End, byte State)> samples)
    {
        var rest = new List<(long Start, long End, byte State)>(samples.Count);
        int j = 0;
        foreach (var (start, end, state) in samples)
        {
            long a = start;
            while (j < blocks.Count && blocks[j].End <= a) j++;
            int k = j;
            while (k < blocks.Count && blocks[k].Start < end)
            {
                if (blocks[k].Start > a) rest.Add((a, blocks[k].Start, state));
                a = Math.Max(a, blocks[k].End);
                k++;
            }
            if (end > a) rest.Add((a, end, state));
        }
        var result = new List<(long Start, long End, byte State)>(rest.Count + blocks.Count);
        int p = 0, q = 0;
        while (p < blocks.Count || q < rest.Count)
        {
            if (q >= rest.Count || (p < blocks.Count && blocks[p].Start <= rest[q].Start)) result.Add(blocks[p++]);
            else result.Add(rest[q++]);
        }
        return result;
    }
}
