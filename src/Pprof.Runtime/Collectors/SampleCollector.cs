using Pprof.Profiles;
using Microsoft.Diagnostics.Tracing.EventPipe;
using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Collectors;

/// <summary>What a <see cref="SampleCollector"/> makes of the thread sampler's samples.</summary>
internal enum SampleMode
{
    /// <summary>Samples taken while the thread ran managed code.</summary>
    Cpu,

    /// <summary>Every sample, on and off CPU.</summary>
    Wall,

    /// <summary>Samples of threads inside a blocking API (Monitor.Wait, WaitHandle.Wait*, Task.Wait, ...), cut at the
    /// outermost blocking frame; a run of such samples on one thread with one stack is one contention.</summary>
    Block,
}

/// <summary>Builds cpu, wall and block profiles from the runtime's thread sampler (Microsoft-DotNETCore-SampleProfiler),
/// which samples every thread with managed frames about once per millisecond. Each sample weighs the time since that
/// thread's previous sample. Samples carry the thread id and name, and profiler labels in-process; wall samples also the
/// thread's state (<c>thread_state</c>, see <see cref="ThreadStateRule"/>).</summary>
/// <remarks>The block profile comes from samples rather than the runtime's WaitHandleWaitStart/Stop events: on .NET 10
/// those events are missing for many waits of application threads, so delays built from them undercount badly.</remarks>
internal sealed class SampleCollector : EventCollector
{
    private const double DefaultPeriodMs = 1.0;
    private const double MaxWeightMs = 100.0;
    private const string OnCpuLabel = "pprof_in_managed_code";

    /// <summary>Frames of the blocking APIs the block profile reports (the outermost one on a stack becomes its leaf).</summary>
    internal static readonly HashSet<string> BlockingFrames = new(StringComparer.Ordinal)
    {
        "System.Threading.Monitor.Wait", "System.Threading.Monitor.ObjWait",
        "System.Threading.WaitHandle.WaitOne", "System.Threading.WaitHandle.WaitOneNoCheck", "System.Threading.WaitHandle.WaitAny",
        "System.Threading.WaitHandle.WaitAll", "System.Threading.WaitHandle.WaitMultiple", "System.Threading.WaitHandle.SignalAndWait",
        "System.Threading.Thread.Sleep", "System.Threading.Thread.Join",
        "System.Threading.ManualResetEventSlim.Wait", "System.Threading.SemaphoreSlim.Wait", "System.Threading.CountdownEvent.Wait",
        "System.Threading.Barrier.SignalAndWait",
        "System.Threading.Tasks.Task.Wait", "System.Threading.Tasks.Task.WaitAll", "System.Threading.Tasks.Task.WaitAny",
        "System.Threading.Tasks.Task.InternalWait", "System.Threading.Tasks.Task.InternalWaitCore", "System.Threading.Tasks.Task.SpinThenBlockingWait",
        "System.Threading.Tasks.Task.GetResultCore", "System.Runtime.CompilerServices.TaskAwaiter.GetResult",
        "System.Runtime.CompilerServices.TaskAwaiter.HandleNonSuccessAndDebuggerNotification",
        "System.Threading.ReaderWriterLockSlim.WaitOnEvent",
    };

    /// <summary>Roots of the runtime's own threads that only ever wait for their next job (they run no application
    /// code), left out of the block profile. Thread-pool workers are not among them: one that waits for work does so
    /// in no blocking API, and one blocked in <c>.Result</c> inside a work item is blocked.</summary>
    private static readonly string[] s_idleFrames =
    {
        "System.Threading.TimerQueue.TimerThread", "System.Threading.PortableThreadPool.GateThread.GateThreadStart",
        "System.Threading.PortableThreadPool.WaitThread.WaitThreadStart",
    };

    private readonly SampleMode _mode;
    private readonly ProfileBuilder _builder;
    private readonly Dictionary<int, double> _lastSampleMs = new();
    private readonly Dictionary<int, Frame[]> _lastBlockStack = new();
    private readonly Dictionary<Frame[], Frame[]?> _blockStacks = new(ReferenceEqualityComparer.Instance);
    private double _periodEstimateMs = DefaultPeriodMs;
    private long _samples;
    private SessionContext? _context;

    public SampleCollector(SampleMode mode)
    {
        _mode = mode;
        _builder = mode switch
        {
            SampleMode.Block => new ProfileBuilder(
                new[] { new ProfileValueType("contentions", "count"), new ProfileValueType("delay", "nanoseconds") },
                "", new ProfileValueType("contentions", "count"), 1),
            _ => new ProfileBuilder(
                new[] { new ProfileValueType("samples", "count"), new ProfileValueType(mode == SampleMode.Wall ? "wall" : "cpu", "nanoseconds") },
                mode == SampleMode.Wall ? "wall" : "cpu", new ProfileValueType(mode == SampleMode.Wall ? "wall" : "cpu", "nanoseconds"), 1_000_000),
        };
    }

    /// <summary>Period of the kernel thread-state readings of wall sessions (<see cref="ThreadStateReader"/>).</summary>
    internal TimeSpan ThreadStatePeriod { get; set; } = ThreadStateReader.DefaultPeriod;

    private ThreadStateTracker? _states;

    public override ProfileKind Kind => _mode switch { SampleMode.Wall => ProfileKind.Wall, SampleMode.Block => ProfileKind.Block, _ => ProfileKind.Cpu };

    /// <summary>Wall sessions follow contentions for the <c>thread_state</c> label. Not WaitHandle waits: on .NET 10 those
    /// events are missing for many waits, each would cost two events with stacks, and in-process the session's own reader
    /// waits would feed the stream; frames carry <c>wait</c> instead.</summary>
    public override long RuntimeKeywords => _mode == SampleMode.Wall ? RuntimeKeyword.Contention : 0;

    public override void SessionStarting(SessionContext context)
    {
        if (_mode == SampleMode.Wall) context.TrackThreadStates(ThreadStatePeriod);
    }

    public override bool NeedsSampleProfiler => true;

    /// <summary>Number of samples accepted so far.</summary>
    public long SampleCount => Interlocked.Read(ref _samples);

    public override void Attach(TraceLogEventSource source, StackResolver resolver, SessionContext context)
    {
        lock (Gate)
        {
            _lastSampleMs.Clear();
            _lastBlockStack.Clear();
            _blockStacks.Clear();
        }
        _context = context;
        var states = _mode == SampleMode.Wall ? new ThreadStateTracker(source, context) : null;
        _states = states;
        var threadLabels = new Dictionary<(int Thread, int Managed), SampleLabels>();
        var parser = new SampleProfilerTraceEventParser(source);
        parser.ThreadSample += e =>
        {
            int tid = e.ThreadID;
            double now = e.TimeStampRelativeMSec;
            double weightMs;
            lock (Gate)
            {
                if (_lastSampleMs.TryGetValue(tid, out double last) && now > last && now - last <= MaxWeightMs)
                {
                    weightMs = now - last;
                    _periodEstimateMs = 0.99 * _periodEstimateMs + 0.01 * weightMs;
                }
                else
                {
                    weightMs = _periodEstimateMs;
                }
                _lastSampleMs[tid] = now;
            }
            var stack = resolver.Resolve(e);
            if (stack == null || stack.Length == 0) return;
            if (_mode == SampleMode.Block)
            {
                RecordBlock(tid, stack, weightMs, context, e);
                return;
            }
            // The cpu profile keeps off-CPU samples aside until the snapshot weighs them by the thread's measured CPU time.
            // The wall profile labels each sample with its thread's state.
            int managed = _mode == SampleMode.Cpu && e.Type == ClrThreadSampleType.Managed ? 1 : 0;
            if (states != null) managed = (int)states.Classify(tid, e, e.Type == ClrThreadSampleType.Managed, stack);
            if (!threadLabels.TryGetValue((tid, managed), out var labels))
            {
                labels = SampleLabels.None.WithNumber("thread", tid, "");
                if (_mode == SampleMode.Cpu) labels = labels.WithNumber(OnCpuLabel, managed, "");
                if (states != null) labels = labels.With(ThreadStateRule.LabelKey, ThreadStateRule.Name((WallThreadState)managed));
                threadLabels.Add((tid, managed), labels);
            }
            if (context.InProcess) labels = labels.Concat(context.LabelsAt(tid, e.TimeStamp.ToUniversalTime()));
            Span<double> values = stackalloc double[] { 1, weightMs * 1e6 };
            lock (Gate)
            {
                _builder.Add(stack, values, labels);
                _samples++;
            }
        };
    }

    private void RecordBlock(int tid, Frame[] stack, double weightMs, SessionContext context, Microsoft.Diagnostics.Tracing.TraceEvent e)
    {
        lock (Gate)
        {
            if (!_blockStacks.TryGetValue(stack, out var blocked))
            {
                blocked = BlockedStack(stack);
                _blockStacks.Add(stack, blocked);
            }
            if (blocked == null)
            {
                _lastBlockStack.Remove(tid);
                return;
            }
            bool newRun = !_lastBlockStack.TryGetValue(tid, out var previous) || !previous.AsSpan().SequenceEqual(blocked);
            _lastBlockStack[tid] = blocked;
            var labels = context.InProcess ? SampleLabels.None.Concat(context.LabelsAt(tid, e.TimeStamp.ToUniversalTime())) : SampleLabels.None;
            Span<double> values = stackalloc double[] { newRun ? 1 : 0, weightMs * 1e6 };
            _builder.Add(blocked, values, labels);
            _samples++;
        }
    }

    /// <summary>The stack from its outermost blocking-API frame to the root, or null when the thread is not blocked in
    /// a blocking API (or is one of the runtime's idle threads).</summary>
    private static Frame[]? BlockedStack(Frame[] stack)
    {
        int outermost = -1;
        for (int i = 0; i < stack.Length; i++)
        {
            string name = stack[i].Name;
            if (BlockingFrames.Contains(name)) outermost = i;
            foreach (var idle in s_idleFrames) if (name == idle) return null;
        }
        return outermost < 0 ? null : stack[outermost..];
    }

    public override Profile Snapshot(DateTime start, TimeSpan duration, IEnumerable<string> comments)
    {
        Profile p;
        lock (Gate) p = _builder.Build(start, duration, comments);
        var context = _context;
        if (_mode == SampleMode.Cpu) WeighByThreadCpu(p, context?.ThreadCpuNanoseconds(), context?.ProcessCpuNanoseconds());
        if (_mode == SampleMode.Wall) p.Comments.Add(DescribeThreadStates(_states, context?.ThreadStates));
        // Thread names are resolved last: the name a thread had when last seen, not the one it inherited at creation.
        if (context != null)
        {
            foreach (var s in p.Samples)
            {
                if (s.NumLabels == null || !s.NumLabels.TryGetValue("thread", out var tids) || tids.Length == 0) continue;
                string name = context.ThreadName((int)tids[0]);
                if (name.Length > 0) s.SetLabel("thread_name", name);
            }
        }
        return p;
    }

    /// <summary>One comment line on how the <c>thread_state</c> labels were made: the sources, and the kernel reader's
    /// period and cost.</summary>
    private string DescribeThreadStates(ThreadStateTracker? states, ThreadStateReader? reader)
    {
        long samples;
        long withKernel;
        double lagMs = 0;
        lock (Gate)
        {
            if (states is { MinLagTicks: < long.MaxValue }) lagMs = states.MinLagTicks / (double)TimeSpan.TicksPerMillisecond;
            samples = states?.Counts.Sum() ?? 0;
            withKernel = states?.WithKernelReading ?? 0;
        }
        string kernel;
        if (reader == null) kernel = "no kernel thread states (no /proc)";
        else
        {
            long ticks = reader.Ticks;
            long cpuNs = reader.CpuNanoseconds;
            double usPerTick = ticks > 0 ? (cpuNs >= 0 ? cpuNs : reader.ReadNanoseconds) / 1000.0 / ticks : 0;
            kernel = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"kernel thread states from /proc/PID/task/TID/{(reader.ReadsSyscalls ? "schedstat+syscall" : "schedstat+stat+wchan")} every {reader.Period.TotalMilliseconds:0.#} ms ({ticks} readings, {usPerTick:0} µs{(cpuNs >= 0 ? " CPU" : "")} each), for {withKernel} of {samples} samples (least event lag {lagMs:0} ms)");
        }
        return "thread_state: contention events, managed-code samples, blocking frames, then the kernel's state; " + kernel;
    }

    /// <summary>Turns the sampled time of each thread into on-CPU time. The thread sampler sees where a thread is, not
    /// whether it runs: samples in managed code are mostly on CPU, samples outside (blocked, or busy in native code) may
    /// be either. When the kernel reports the thread's CPU time over the window (schedstat), that total is spread over
    /// the thread's samples: first over the managed-code samples (scaled down when they exceed it, on a loaded machine),
    /// the rest over the other samples, so native work counts and blocked time does not. Threads the periodic reading
    /// missed (short-lived ones) keep their managed-code samples, scaled down together so that they take no more than
    /// the process's CPU time the known threads leave over; and the whole profile never exceeds the process's CPU time
    /// over the window (/proc/PID/stat). Without schedstat, only managed-code samples count.</summary>
    private static void WeighByThreadCpu(Profile p, Dictionary<int, long>? cpuNs, long? processCpuNs)
    {
        var managed = new Dictionary<long, double>();
        var other = new Dictionary<long, double>();
        foreach (var s in p.Samples)
        {
            long tid = s.NumLabels?["thread"][0] ?? 0;
            var into = s.NumLabels![OnCpuLabel][0] == 1 ? managed : other;
            into[tid] = into.GetValueOrDefault(tid) + s.Values[1];
        }
        bool perThread = cpuNs is { Count: > 0 };
        double unknownScale = 1;
        if (perThread && processCpuNs is long process)
        {
            double unknownSampled = managed.Where(kv => !cpuNs!.ContainsKey((int)kv.Key)).Sum(kv => kv.Value);
            double leftOver = Math.Max(0, process - cpuNs!.Values.Sum());
            if (unknownSampled > leftOver) unknownScale = leftOver / unknownSampled;
        }
        double total = 0;
        foreach (var s in p.Samples)
        {
            long tid = s.NumLabels!["thread"][0];
            bool inManaged = s.NumLabels[OnCpuLabel][0] == 1;
            double scale;
            if (perThread && cpuNs!.TryGetValue((int)tid, out long actual))
            {
                double m = managed.GetValueOrDefault(tid), o = other.GetValueOrDefault(tid);
                scale = inManaged
                    ? (m <= 0 ? 0 : Math.Min(1, actual / m))
                    : (o <= 0 || actual <= m ? 0 : Math.Min(1, (actual - m) / o));
            }
            else
            {
                scale = inManaged ? unknownScale : 0;
            }
            s.Values[0] = inManaged ? (scale > 0 ? s.Values[0] : 0) : (long)Math.Round(s.Values[0] * scale);
            s.Values[1] = (long)Math.Round(s.Values[1] * scale);
            total += s.Values[1];
            s.NumLabels.Remove(OnCpuLabel);
            s.NumUnits?.Remove(OnCpuLabel);
        }
        if (processCpuNs is long all && total > all && total > 0)
        {
            // Per-thread readings and the process's total come from different moments: never report more than the
            // process used.
            double cap = all / total;
            foreach (var s in p.Samples) s.Values[1] = (long)Math.Round(s.Values[1] * cap);
        }
        p.Samples.RemoveAll(s => s.Values[1] == 0);
        p.Comments.Add(perThread
            ? "cpu time: thread samples weighed by each thread's CPU time from /proc/PID/task/TID/schedstat, at most the process's CPU time over the window"
            : "cpu time: samples in managed code only (no per-thread CPU time available)");
    }

    public override void Reset()
    {
        lock (Gate)
        {
            _builder.Clear();
            _lastSampleMs.Clear();
            _lastBlockStack.Clear();
            _samples = 0;
        }
    }
}
