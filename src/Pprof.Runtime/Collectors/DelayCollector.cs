using Pprof.Profiles;
using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Collectors;

/// <summary>Shared part of the contention-event profiles: contentions/count and delay/nanoseconds, with Go's mutex
/// sampling knob: keep one event in <see cref="Rate"/> and scale it up.</summary>
internal abstract class DelayCollector : EventCollector
{
    private readonly ProfileBuilder _builder;
    private int _rate = 1;
    private long _counter;

    protected DelayCollector()
    {
        _builder = new ProfileBuilder(
            new[] { new ProfileValueType("contentions", "count"), new ProfileValueType("delay", "nanoseconds") },
            "", new ProfileValueType("contentions", "count"), 1);
    }

    /// <summary>Sampling rate (Go's SetMutexProfileFraction value); at least 1.</summary>
    public int Rate
    {
        get => Volatile.Read(ref _rate);
        set => Volatile.Write(ref _rate, Math.Max(1, value));
    }

    /// <summary>Records one contention of <paramref name="delayNs"/> after sampling.</summary>
    protected void Record(Frame[] stack, double delayNs, SampleLabels labels)
    {
        int rate = Rate;
        double scale = 1;
        if (rate > 1)
        {
            if (Interlocked.Increment(ref _counter) % rate != 0) return;
            scale = rate;
        }
        Span<double> values = stackalloc double[] { scale, delayNs * scale };
        lock (Gate) _builder.Add(stack, values, labels);
    }

    public override Profile Snapshot(DateTime start, TimeSpan duration, IEnumerable<string> comments)
    {
        lock (Gate)
        {
            var p = _builder.Build(start, duration, comments);
            p.Period = Rate;
            return p;
        }
    }

    public override void Reset()
    {
        lock (Gate) _builder.Clear();
    }
}
