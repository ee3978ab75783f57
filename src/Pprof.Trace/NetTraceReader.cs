using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.EventPipe;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Pprof.Traces;

/// <summary>One pass over a converted trace that builds a <see cref="NetTrace"/>.</summary>
internal sealed class NetTraceReader
{
    /// <summary>A sample stands for the time to the thread's next sample, at most this long (the sampler ticks about
    /// every millisecond; a longer gap means the thread was not seen, not that it stayed put).</summary>
    internal const long MaxSampleWeightNanos = 10_000_000;

    private static readonly Gens[] s_generations = { Gens.Gen0, Gens.Gen1, Gens.Gen2, Gens.GenLargeObj, Gens.GenPinObj };

    private readonly TraceLog _log;
    private readonly Dictionary<int, int> _stackIds = new();
    private readonly List<IReadOnlyList<TraceFrame>> _stacks = new();
    private readonly Dictionary<int, string> _threadNames = new();
    private readonly HashSet<int> _threads = new();
    private readonly List<TraceSample> _samples = new();
    private readonly List<TraceGc> _gcs = new();
    private readonly List<(long Start, long End)> _gcPauses = new();
    private readonly List<TraceBlock> _blocks = new();
    private readonly List<TraceInstant> _instants = new();
    private readonly List<TraceSpan> _spans = new();
    private readonly Dictionary<int, (long Start, int Stack, int Owner)> _contention = new();
    private readonly Dictionary<int, (long Start, int Stack)> _waits = new();
    private readonly Dictionary<long, (long Time, int Thread, int Stack)> _queued = new();
    private readonly Dictionary<int, (int Number, int Generation, string Reason, string Type, long Start)> _gcStarts = new();
    private readonly Dictionary<long, int> _openTasks = new();
    private readonly Dictionary<long, int> _openRegions = new();
    private readonly Dictionary<Guid, int> _openRequests = new();
    private readonly Dictionary<int, long> _pauseStarts = new();
    private readonly Dictionary<int, long> _heapBefore = new();
    private int _lastGcStarted = -1;
    private long _events;

    public NetTraceReader(TraceLog log) => _log = log;

    public NetTrace Read(CancellationToken ct)
    {
        using var source = _log.Events.GetSource();
        using var cancel = ct.Register(() => source.StopProcessing());
        new SampleProfilerTraceEventParser(source).ThreadSample += e =>
            _samples.Add(new TraceSample(Thread(e), Nanos(e), StackOf(e), e.Type == ClrThreadSampleType.Managed));
        source.AllEvents += OnEvent;
        source.Process();
        ct.ThrowIfCancellationRequested();
        long duration = (long)(_log.SessionDuration.TotalMilliseconds * 1e6);
        AddSampledBlocks();
        AttachPauses();
        foreach (var (_, i) in _openTasks.Concat(_openRegions).Concat(_openRequests.Select(kv => new KeyValuePair<long, int>(0, kv.Value)))) _spans[i] = _spans[i] with { EndNanos = -1 };
        _blocks.Sort((a, b) => a.EndNanos.CompareTo(b.EndNanos));
        _instants.Sort((a, b) => a.TimeNanos.CompareTo(b.TimeNanos));
        var threads = _threads.OrderBy(t => t).Select(t => new TraceThread(t, _threadNames.GetValueOrDefault(t, ""))).ToArray();
        int pid = _log.Processes.Count > 0 ? _log.Processes.Max(p => p.ProcessID) : 0;
        return new NetTrace(duration, _log.SessionStartTime.ToUniversalTime(), pid, threads, _stacks, _samples, _gcs, _blocks, _instants, _spans, _events, _log.EventsLost);
    }

    private void OnEvent(TraceEvent e)
    {
        _events++;
        if (e.ThreadID > 0) _threads.Add(e.ThreadID);
        switch (e.ProviderName)
        {
            case "Microsoft-Windows-DotNETRuntime": OnRuntime(e); break;
            case "System.Diagnostics.Eventing.FrameworkEventSource": OnFramework(e); break;
            case "Pprof-Runtime-Trace": OnUser(e); break;
            case "Microsoft-AspNetCore-Hosting": OnRequest(e, "request", "RequestStart", "RequestStop"); break;
            case "System.Net.Http": OnRequest(e, "http-client", "RequestStart", "RequestStop"); break;
        }
    }

    private void OnRuntime(TraceEvent e)
    {
        long t = Nanos(e);
        int tid = e.ThreadID;
        switch (e.EventName)
        {
            case "GC/Start":
                _gcStarts[Int(e, "Count")] = (Int(e, "Count"), Int(e, "Depth"), Str(e, "Reason"), Str(e, "Type"), t);
                _lastGcStarted = Int(e, "Count");
                break;
            case "GC/Stop":
                if (_gcStarts.Remove(Int(e, "Count"), out var g))
                {
                    _gcs.Add(new TraceGc(g.Number, g.Generation, g.Reason, g.Type, g.Start, t, -1, -1, -1)
                    {
                        HeapSizeBefore = _heapBefore.Remove(g.Number, out long before) ? before : -1,
                    });
                }
                break;
            case "GC/PerHeapHistory":
                // One per heap during the GC: each generation's size before it (summed over the heaps).
                if (e is GCPerHeapHistoryTraceData perHeap && _lastGcStarted >= 0 && _gcStarts.ContainsKey(_lastGcStarted))
                {
                    long sum = 0;
                    // Older runtimes send fewer generations (no pinned-object heap).
                    foreach (var gen in s_generations) if ((int)gen < perHeap.EntriesInGenData) sum += perHeap.GenData(gen).SizeBefore;
                    _heapBefore[_lastGcStarted] = _heapBefore.GetValueOrDefault(_lastGcStarted) + sum;
                }
                break;
            case "GC/HeapStats":
                if (_gcs.Count > 0 && _gcs[^1].HeapSizeAfter < 0)
                {
                    long size = Long(e, "GenerationSize0") + Long(e, "GenerationSize1") + Long(e, "GenerationSize2") + Long(e, "GenerationSize3") + Long(e, "GenerationSize4");
                    _gcs[^1] = _gcs[^1] with { HeapSizeAfter = size };
                }
                break;
            case "GC/SuspendEEStart":
                // The thread sampler suspends the runtime too; only suspensions for a GC are GC pauses. The thread that
                // suspends also restarts: the sampler's restart on another thread can end after a GC's suspension began.
                if (Str(e, "Reason").Contains("GC", StringComparison.Ordinal)) _pauseStarts[tid] = t;
                else _pauseStarts.Remove(tid);
                break;
            case "GC/RestartEEStop":
                if (_pauseStarts.Remove(tid, out long pauseStart)) _gcPauses.Add((pauseStart, t));
                break;
            case "Contention/Start":
                _contention[tid] = (t, StackOf(e), Int(e, "LockOwnerThreadID"));
                break;
            case "Contention/Stop":
                if (_contention.Remove(tid, out var c)) _blocks.Add(new TraceBlock(TraceBlockKind.Lock, tid, c.Start, t, c.Stack, c.Owner));
                break;
            case "WaitHandleWait/Start":
                // A contended Monitor waits on a wait handle of its own: that wait is the lock wait already recorded.
                if (!_contention.ContainsKey(tid)) _waits[tid] = (t, StackOf(e));
                break;
            case "WaitHandleWait/Stop":
                if (_waits.Remove(tid, out var w)) _blocks.Add(new TraceBlock(TraceBlockKind.WaitHandle, tid, w.Start, t, w.Stack, 0));
                break;
            case "Exception/Start":
                _instants.Add(new TraceInstant("exception", tid, t, Str(e, "ExceptionType"), Str(e, "ExceptionMessage"), StackOf(e), 0));
                break;
            case "ThreadPoolWorkerThread/Start":
                _threadNames.TryAdd(tid, ".NET TP Worker");
                _instants.Add(new TraceInstant("threadpool-start", tid, t, "worker start", Str(e, "ActiveWorkerThreadCount") + " active", -1, 0));
                break;
            case "ThreadPoolWorkerThread/Stop":
                _instants.Add(new TraceInstant("threadpool-stop", tid, t, "worker stop", Str(e, "ActiveWorkerThreadCount") + " active", -1, 0));
                break;
            case "ThreadPoolWorkerThreadAdjustment/Adjustment":
                _instants.Add(new TraceInstant("threadpool-adjust", tid, t, Str(e, "Reason"), Str(e, "NewWorkerThreadCount") + " workers", -1, 0));
                break;
            case "AppDomainResourceManagement/ThreadCreated":
                int created = Int(e, "OSThreadID");
                if (created > 0) _threads.Add(created);
                _instants.Add(new TraceInstant("thread-created", tid, t, "thread created", created.ToString(System.Globalization.CultureInfo.InvariantCulture), StackOf(e), 0));
                break;
        }
    }

    private void OnFramework(TraceEvent e)
    {
        switch (e.EventName)
        {
            case "ThreadPoolEnqueueWork":
                _queued[Long(e, "workID")] = (Nanos(e), e.ThreadID, StackOf(e));
                break;
            case "ThreadPoolDequeueWork":
                if (_queued.Remove(Long(e, "workID"), out var q)) _blocks.Add(new TraceBlock(TraceBlockKind.Sched, q.Thread, q.Time, Nanos(e), q.Stack, e.ThreadID));
                break;
        }
    }

    private void OnUser(TraceEvent e)
    {
        long t = Nanos(e);
        int tid = e.ThreadID;
        switch (e.EventName)
        {
            case "TaskBegin":
                _openTasks[Long(e, "taskId")] = _spans.Count;
                _spans.Add(new TraceSpan("task", Long(e, "taskId"), Long(e, "parentId"), Str(e, "name"), tid, tid, t, t));
                break;
            case "TaskEnd":
                if (_openTasks.Remove(Long(e, "taskId"), out int ti)) _spans[ti] = _spans[ti] with { EndNanos = t, EndThreadId = tid };
                break;
            case "RegionBegin":
                _openRegions[Long(e, "regionId")] = _spans.Count;
                _spans.Add(new TraceSpan("region", Long(e, "regionId"), Long(e, "taskId"), Str(e, "name"), tid, tid, t, t));
                break;
            case "RegionEnd":
                if (_openRegions.Remove(Long(e, "regionId"), out int ri)) _spans[ri] = _spans[ri] with { EndNanos = t, EndThreadId = tid };
                break;
            case "UserLog":
                _instants.Add(new TraceInstant("log", tid, t, Str(e, "category"), Str(e, "message"), StackOf(e), Long(e, "taskId")));
                break;
            case "ThreadName":
                int named = (int)Long(e, "threadId");
                _threadNames[named] = Str(e, "name");
                _threads.Add(named);
                break;
        }
    }

    private void OnRequest(TraceEvent e, string kind, string start, string stop)
    {
        if (e.EventName == start)
        {
            string name = kind == "request"
                ? (Str(e, "method") + " " + Str(e, "path")).Trim()
                : (Str(e, "scheme") + "://" + Str(e, "host") + Str(e, "pathAndQuery")).Trim();
            _openRequests[e.ActivityID] = _spans.Count;
            _spans.Add(new TraceSpan(kind, 0, 0, name.Length > 0 ? name : kind, e.ThreadID, e.ThreadID, Nanos(e), Nanos(e)));
        }
        else if (e.EventName == stop && _openRequests.Remove(e.ActivityID, out int i))
        {
            _spans[i] = _spans[i] with { EndNanos = Nanos(e), EndThreadId = e.ThreadID };
        }
    }

    /// <summary>Net and syscall blocking from the samples: a run of a thread's consecutive native samples with the same
    /// stack in socket code (net) or in other native code that is not a lock or wait primitive (syscall) is one
    /// blocking span, from its first sample to the sample after its last (at most <see cref="MaxSampleWeightNanos"/> per sample).</summary>
    private void AddSampledBlocks()
    {
        var kindOfStack = new Dictionary<int, TraceBlockKind?>();
        foreach (var byThread in _samples.GroupBy(s => s.ThreadId))
        {
            var list = byThread.OrderBy(s => s.TimeNanos).ToList();
            int i = 0;
            while (i < list.Count)
            {
                var s = list[i];
                if (!kindOfStack.TryGetValue(s.StackId, out var kind))
                {
                    kind = Classify(s.StackId);
                    kindOfStack.Add(s.StackId, kind);
                }
                if (s.Managed || kind == null)
                {
                    i++;
                    continue;
                }
                int j = i;
                long end = s.TimeNanos;
                while (j < list.Count && !list[j].Managed && list[j].StackId == s.StackId)
                {
                    long next = j + 1 < list.Count ? list[j + 1].TimeNanos : list[j].TimeNanos;
                    end = list[j].TimeNanos + Math.Min(next - list[j].TimeNanos, MaxSampleWeightNanos);
                    j++;
                }
                if (end > s.TimeNanos) _blocks.Add(new TraceBlock(kind.Value, s.ThreadId, s.TimeNanos, end, s.StackId, 0));
                i = j;
            }
        }
    }

    private TraceBlockKind? Classify(int stackId)
    {
        if (stackId < 0) return null;
        var frames = _stacks[stackId];
        bool managedSeen = false;
        foreach (var f in frames)
        {
            string n = f.Function;
            if (n.StartsWith("System.Net.Sockets.", StringComparison.Ordinal)) return TraceBlockKind.Net;
            if (IsWaitPrimitive(n)) return null;
            if (f.Module.Length > 0 && !n.Contains('!', StringComparison.Ordinal)) managedSeen = true;
        }
        // Native code under a managed caller: a P/Invoke or a system call.
        return managedSeen ? TraceBlockKind.Syscall : null;
    }

    private static bool IsWaitPrimitive(string n) =>
        n.StartsWith("System.Threading.Monitor.", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.WaitHandle.", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.Thread.Sleep", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.Thread.Join", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.LowLevel", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.Lock.", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.SemaphoreSlim.", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.ManualResetEventSlim.", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.SpinWait.", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.PortableThreadPool", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.TimerQueue", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.WaitSubsystem", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.Tasks.Task.SpinThenBlockingWait", StringComparison.Ordinal) ||
        n.StartsWith("System.Threading.Tasks.Task.InternalWait", StringComparison.Ordinal) ||
        n.StartsWith("System.GC.", StringComparison.Ordinal);

    /// <summary>Gives each GC the suspension that contains its start.</summary>
    private void AttachPauses()
    {
        for (int i = 0; i < _gcs.Count; i++)
        {
            var g = _gcs[i];
            foreach (var (start, end) in _gcPauses)
            {
                if (start <= g.StartNanos && g.StartNanos <= end)
                {
                    _gcs[i] = g with { PauseStartNanos = start, PauseEndNanos = end };
                    break;
                }
            }
        }
    }

    private int StackOf(TraceEvent e)
    {
        var cs = e.CallStack();
        if (cs == null) return -1;
        int index = (int)cs.CallStackIndex;
        if (_stackIds.TryGetValue(index, out int id)) return id;
        var frames = new List<TraceFrame>();
        bool leading = true;
        for (var c = cs; c != null && frames.Count < 256; c = c.Caller)
        {
            var code = c.CodeAddress;
            string module = code.ModuleFile?.Name ?? "";
            string name = code.FullMethodName;
            if (string.IsNullOrEmpty(name)) name = (module.Length > 0 ? module : "?") + "!0x" + code.Address.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
            else name = ShortName(name);
            // The EventSource machinery above a user event's call site says nothing.
            if (leading && (name.StartsWith("System.Diagnostics.Tracing.", StringComparison.Ordinal) || name.StartsWith("Pprof.Runtime.Tracing.", StringComparison.Ordinal))) continue;
            leading = false;
            frames.Add(new TraceFrame(name, module, code.Address));
        }
        id = _stacks.Count;
        _stacks.Add(frames);
        _stackIds.Add(index, id);
        return id;
    }

    /// <summary>A method's name without its parameter list (as pprof names functions).</summary>
    private static string ShortName(string full)
    {
        int paren = full.IndexOf('(', StringComparison.Ordinal);
        return paren > 0 ? full[..paren] : full;
    }

    private static int Thread(TraceEvent e) => e.ThreadID;

    private static long Nanos(TraceEvent e) => (long)(e.TimeStampRelativeMSec * 1e6);

    private static string Str(TraceEvent e, string name) => e.PayloadByName(name)?.ToString() ?? "";

    private static long Long(TraceEvent e, string name) => e.PayloadByName(name) switch
    {
        null => 0,
        long l => l,
        ulong u => (long)u,
        int i => i,
        uint u => u,
        short s => s,
        ushort u => u,
        byte b => b,
        IConvertible c => c.ToInt64(System.Globalization.CultureInfo.InvariantCulture),
        _ => 0,
    };

    private static int Int(TraceEvent e, string name) => (int)Long(e, name);
}
