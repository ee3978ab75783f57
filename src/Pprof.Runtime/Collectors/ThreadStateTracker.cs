using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Collectors;

/// <summary>Gives the wall samples of one session their <c>thread_state</c> (<see cref="ThreadStateRule"/>): follows the
/// runtime's contention and WaitHandle wait events per thread, caches the state each distinct stack implies, and asks
/// the session's kernel reader (<see cref="ThreadStateReader"/>) for the thread's state at the sample's time. Used on
/// the session's event thread only (events and samples arrive there in time order).</summary>
internal sealed class ThreadStateTracker
{
    private readonly Dictionary<int, long> _contentionSince = new();
    private readonly Dictionary<int, (long Start, long Stop)> _lastContention = new();
    private readonly Dictionary<int, long> _waitSince = new();
    private readonly Dictionary<int, (long Start, long Stop)> _lastWait = new();
    private readonly Dictionary<Frame[], WallThreadState?> _stackStates = new(ReferenceEqualityComparer.Instance);
    private readonly ThreadStateReader? _reader;

    public ThreadStateTracker(TraceLogEventSource source, SessionContext context)
    {
        _reader = context.ThreadStates;
        source.Clr.ContentionStart += e => Begin(_contentionSince, e);
        source.Clr.ContentionStop += e => End(_contentionSince, _lastContention, e);
        source.Clr.WaitHandleWaitStart += e => Begin(_waitSince, e);
        source.Clr.WaitHandleWaitStop += e => End(_waitSince, _lastWait, e);
    }

    /// <summary>Samples labelled so far, by state.</summary>
    public long[] Counts { get; } = new long[ThreadStateRule.Names.Count];

    /// <summary>The least time between a sample and its processing, in ticks (negative when the event clock runs ahead
    /// of ours).</summary>
    public long MinLagTicks { get; private set; } = long.MaxValue;

    /// <summary>Samples whose thread had a kernel reading at the sample's time.</summary>
    public long WithKernelReading { get; private set; }

    /// <summary>The thread's state when the sample was taken.</summary>
    public WallThreadState Classify(int tid, TraceEvent sample, bool inManagedCode, Frame[] stack)
    {
        long time = Time(sample);
        bool inContention = Within(_contentionSince, _lastContention, tid, time);
        if (!_stackStates.TryGetValue(stack, out var framed))
        {
            framed = ThreadStateRule.FromFrames(stack);
            _stackStates.Add(stack, framed);
        }
        bool inWait = Within(_waitSince, _lastWait, tid, time);
        var (kernel, starved) = KernelState(tid, time);
        long lag = DateTime.UtcNow.Ticks - time;
        if (lag < MinLagTicks) MinLagTicks = lag;
        if (kernel != KernelThreadState.Unknown) WithKernelReading++;
        var state = ThreadStateRule.Combine(inContention, inManagedCode, framed, inWait, kernel, starved);
        Counts[(int)state]++;
        return state;
    }

    /// <summary>The kernel reader's state of the thread at the sample's time. Events carry the target's clock turned
    /// into UTC through the session's start (the same wall clock the reader stamps its readings with).</summary>
    private (KernelThreadState, bool) KernelState(int tid, long utcTicks)
        => _reader == null ? (KernelThreadState.Unknown, false) : _reader.StateAt(tid, utcTicks);

    private static long Time(TraceEvent e) => e.TimeStamp.ToUniversalTime().Ticks;

    private static void Begin(Dictionary<int, long> since, TraceEvent e) => since[e.ThreadID] = Time(e);

    private static void End(Dictionary<int, long> since, Dictionary<int, (long, long)> last, TraceEvent e)
    {
        if (since.Remove(e.ThreadID, out long start)) last[e.ThreadID] = (start, Time(e));
    }

    /// <summary>Whether thread <paramref name="tid"/> was inside an interval at <paramref name="time"/>: the open one, or
    /// the last closed one (when its stop was processed before the sample).</summary>
    private static bool Within(Dictionary<int, long> since, Dictionary<int, (long Start, long Stop)> last, int tid, long time)
    {
        if (since.TryGetValue(tid, out long start) && time >= start) return true;
        return last.TryGetValue(tid, out var closed) && time >= closed.Start && time <= closed.Stop;
    }
}
