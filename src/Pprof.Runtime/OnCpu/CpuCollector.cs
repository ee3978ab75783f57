using Microsoft.Diagnostics.Tracing.Etlx;
using Pprof.Profiles;
using Pprof.Runtime.Collectors;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.OnCpu;

/// <summary>The cpu profile. On Linux, where the kernel allows <c>perf_event_open</c>, every thread of the process is
/// sampled on its own CPU clock (<see cref="OnCpuSampler"/>) and each sample's user call chain is named through the
/// session's method events (managed code, with lines) and the modules' ELF symbols (native code): <c>cpu mode:
/// on-cpu</c>. Elsewhere, or when <c>DOTNET_PPROF_CPU_MODE=estimated</c>, it falls back to the estimate from the
/// runtime's thread sampler weighed by each thread's CPU time (<see cref="SampleCollector"/>): <c>cpu mode:
/// estimated</c>, with the reason in the comments. The profile is shaped like Go's: samples/count and cpu/nanoseconds,
/// period 1e9/rate nanoseconds of CPU.</summary>
internal sealed class CpuCollector : EventCollector
{
    /// <summary>The environment variable that forces a mode: <c>estimated</c> (or <c>on-cpu</c>, the default).</summary>
    public const string ModeVariable = "DOTNET_PPROF_CPU_MODE";

    public const string OnCpuMode = "cpu mode: on-cpu";
    public const string EstimatedMode = "cpu mode: estimated";

    /// <summary>Go's default CPU profiling rate.</summary>
    public const int DefaultRate = 100;

    /// <summary>Highest rate accepted (one sample per millisecond of CPU).</summary>
    public const int MaxRate = 1000;

    private static int s_rate = DefaultRate;

    private readonly SampleCollector _estimator = new(SampleMode.Cpu);
    private readonly int _rate;
    private OnCpuSampler? _sampler;
    private bool _prepared;
    private string? _fallback;
    private StackResolver? _resolver;
    private SessionContext? _context;

    private readonly string? _mode;

    /// <summary>A cpu collector at <paramref name="rate"/> (default <see cref="Rate"/>); <paramref name="mode"/>
    /// ("estimated" or "on-cpu") overrides <see cref="ModeVariable"/>.</summary>
    public CpuCollector(int? rate = null, string? mode = null)
    {
        _rate = rate ?? Rate;
        _mode = mode;
    }

    /// <summary>The rate of the cpu profiles started from now on, in samples per second of CPU time.</summary>
    public static int Rate
    {
        get => Volatile.Read(ref s_rate);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxRate);
            Volatile.Write(ref s_rate, value);
        }
    }

    public override ProfileKind Kind => ProfileKind.Cpu;
    public override long RuntimeKeywords => 0;
    public override bool NeedsSampleProfiler => _prepared && _sampler == null;
    public override bool NeedsMethodNames => true;

    /// <summary>On CPU, samples carry raw addresses named through the code rundown and the live method events: the trace
    /// log's start rundown (a second rundown of every method in the target) is not needed. The estimate needs it.</summary>
    public override bool NeedsEventStacks => !_prepared || _sampler == null;
    public override bool NeedsThreadNames => true;
    public override bool UsesLabels => true;

    /// <summary>Whether the profile is sampled on CPU (known once the session has started).</summary>
    public bool IsOnCpu => _sampler != null;

    public override void BeforeSession(int processId)
    {
        if (_prepared) return;
        _prepared = true;
        string? mode = _mode ?? Environment.GetEnvironmentVariable(ModeVariable);
        if (string.Equals(mode?.Trim(), "estimated", StringComparison.OrdinalIgnoreCase))
        {
            _fallback = $"forced by {ModeVariable}=estimated";
            return;
        }
        _sampler = OnCpuSampler.TryStart(processId, _rate, out string? reason);
        if (_sampler == null) _fallback = reason;
    }

    public override void SessionEnding() => _sampler?.Stop();

    public override void Attach(TraceLogEventSource source, StackResolver resolver, SessionContext context)
    {
        if (_sampler == null)
        {
            _estimator.Attach(source, resolver, context);
            return;
        }
        _resolver = resolver;
        _context = context;
    }

    public override Profile Snapshot(DateTime start, TimeSpan duration, IEnumerable<string> comments)
    {
        if (_sampler == null)
        {
            var estimated = _estimator.Snapshot(start, duration, comments);
            estimated.Comments.Add(EstimatedMode);
            if (_fallback != null) estimated.Comments.Add($"on-CPU sampling unavailable ({_fallback}): cpu time is estimated from the runtime's thread samples");
            return estimated;
        }
        _sampler.Stop();
        var p = BuildOnCpu(start, duration, comments);
        p.Comments.Add(OnCpuMode);
        p.Comments.Add($"cpu time: perf_event task-clock samples of every thread at {_rate} Hz of its CPU time, user-space stacks walked through frame pointers");
        long sampled = _sampler.Samples * _sampler.PeriodNs;
        if (_sampler.CountedNs > 0)
        {
            long unsampled = Math.Max(0, _sampler.CountedNs - sampled);
            p.Comments.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"cpu time: {UnsampledFrame} holds {unsampled / 1e9:0.000}s of the {_sampler.CountedNs / 1e9:0.000}s the threads' task clocks counted: kernel-mode time (counted, but not sampled at perf_event_paranoid 2) and each thread's unfinished periods (a thread using less CPU than a period is rarely sampled)"));
            AddUnsampled(p, unsampled, _sampler.PeriodNs);
        }
        if (_sampler.Lost > 0) p.Comments.Add($"{_sampler.Lost} on-CPU samples lost (a ring buffer was full): the profile undercounts");
        if (_sampler.Table.Dropped > 0) p.Comments.Add($"{_sampler.Table.Dropped} on-CPU samples dropped (too many distinct stacks)");
        if (_sampler.ThreadsMissed > 0) p.Comments.Add($"{_sampler.ThreadsMissed} threads could not be sampled (perf buffer limits: kernel.perf_event_mlock_kb, ulimit -l)");
        return p;
    }

    private Profile BuildOnCpu(DateTime start, TimeSpan duration, IEnumerable<string> comments)
    {
        long period = _sampler!.PeriodNs;
        var builder = new ProfileBuilder(
            new[] { new ProfileValueType("samples", "count"), new ProfileValueType("cpu", "nanoseconds") },
            "cpu", new ProfileValueType("cpu", "nanoseconds"), period);
        var native = new NativeFrames(_sampler.Maps);
        var stacks = new Dictionary<ulong[], Frame[]>(StackComparer.Instance);
        var threadLabels = new Dictionary<int, SampleLabels>();
        var resolver = _resolver;
        var values = new double[2];
        foreach (var (tid, raw, labels, count) in _sampler.Table.Entries())
        {
            if (!stacks.TryGetValue(raw, out var frames))
            {
                int depth = Math.Min(raw.Length, resolver?.MaxDepth ?? 256);
                frames = new Frame[depth];
                for (int i = 0; i < depth; i++) frames[i] = resolver?.FrameOfAddress(raw[i], i == 0) ?? native.FrameOf(raw[i], i == 0);
                stacks.Add(raw, frames);
            }
            if (!threadLabels.TryGetValue(tid, out var sampleLabels))
            {
                sampleLabels = SampleLabels.None.WithNumber("thread", tid, "");
                threadLabels.Add(tid, sampleLabels);
            }
            if (labels is KeyValuePair<string, string>[] pairs) sampleLabels = sampleLabels.Concat(pairs);
            values[0] = count;
            values[1] = (double)count * period;
            builder.Add(frames, values, sampleLabels);
        }
        var p = builder.Build(start, duration, comments);
        if (_context != null)
        {
            foreach (var s in p.Samples)
            {
                if (s.NumLabels == null || !s.NumLabels.TryGetValue("thread", out var tids) || tids.Length == 0) continue;
                string name = _context.ThreadName((int)tids[0]);
                if (name.Length > 0) s.SetLabel("thread_name", name);
            }
        }
        return p;
    }

    /// <summary>The frame of the CPU time the task clocks counted but no sample holds.</summary>
    public const string UnsampledFrame = "[cpu time not sampled]";

    /// <summary>Adds the counted but unsampled CPU time as one sample with a single synthetic frame, so that the profile's
    /// total is the CPU time the threads used over the window (as Go's, which includes system time).</summary>
    private static void AddUnsampled(Profile p, long ns, long period)
    {
        if (ns <= 0) return;
        var fn = new Function { Id = (ulong)p.Functions.Count + 1, Name = UnsampledFrame, SystemName = UnsampledFrame };
        p.Functions.Add(fn);
        var loc = new Location { Id = (ulong)p.Locations.Count + 1, Mapping = p.Mappings.Count > 0 ? p.Mappings[0] : null, Lines = new[] { new Line(fn, 0) } };
        p.Locations.Add(loc);
        p.Samples.Add(new Sample(new[] { loc }, new[] { (long)Math.Round((double)ns / period), ns }));
    }

    public override void Reset() => _estimator.Reset();

    private sealed class StackComparer : IEqualityComparer<ulong[]>
    {
        public static readonly StackComparer Instance = new();

        public bool Equals(ulong[]? x, ulong[]? y) => x != null && y != null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(ulong[] obj)
        {
            var h = new HashCode();
            foreach (ulong a in obj) h.Add(a);
            return h.ToHashCode();
        }
    }
}
